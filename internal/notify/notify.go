// Package notify creates in-app notifications (the `notifications`
// collection) for the people a change concerns. Features call Send from
// their hooks, inside the change's transaction; hooks/notifications.go turns
// new notifications into live bell updates and e-mails (immediately, in a
// daily digest or not at all, as each user chose).
package notify

import (
	"slices"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/branding"
	"github.com/ponte-portal/ponte/internal/i18n"
)

// Kinds of notification. Each has a title key "notify.<kind>" in both
// catalogues, formatted with the arguments Send is given.
const (
	KindAnnouncement    = "announcement.published"
	KindForumReply      = "forum.reply"
	KindForumMention    = "forum.mention"
	KindMessage         = "conversation.message"
	KindDocumentRevised = "document.revised"

	KindCertificateIssued   = "certificate.issued"
	KindCertificateExpiring = "certificate.expiring"
	KindCertificateRevoked  = "certificate.revoked"

	KindDealSubmitted = "deal.submitted"
	KindDealApproved  = "deal.approved"
	KindDealRejected  = "deal.rejected"
	KindDealExpired   = "deal.expired"

	// KindInvitationAccepted tells the inviter that their invitee joined;
	// KindOnboardingCompleted tells a partner's channel manager and its
	// partner admins that its onboarding checklist is complete.
	KindInvitationAccepted  = "invitation.accepted"
	KindOnboardingCompleted = "onboarding.completed"
)

// Kinds lists every kind, for tests and the preferences page.
var Kinds = []string{KindAnnouncement, KindForumReply, KindForumMention, KindMessage, KindDocumentRevised,
	KindCertificateIssued, KindCertificateExpiring, KindCertificateRevoked,
	KindDealSubmitted, KindDealApproved, KindDealRejected, KindDealExpired,
	KindInvitationAccepted, KindOnboardingCompleted}

// Send notifies each recipient once (duplicates, the actor who caused it and
// deactivated users are skipped), with a title in the recipient's language:
// the catalogue key "notify.<kind>" formatted with args. link is a portal
// path ("/forums/threads/…"). Run it on the transaction's app.
func Send(app core.App, kind, link, actorID string, args []any, recipientIDs ...string) error {
	c, err := app.FindCachedCollectionByNameOrId("notifications")
	if err != nil {
		return err
	}
	ids := make([]any, 0, len(recipientIDs))
	seen := map[string]bool{actorID: true}
	for _, id := range recipientIDs {
		if id != "" && !seen[id] {
			seen[id] = true
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var users []recipient
	for start := 0; start < len(ids); start += lookupChunk {
		var part []recipient
		if err := app.DB().Select("id", "locale", "notify_email").From("users").
			Where(dbx.In("id", ids[start:min(start+lookupChunk, len(ids))]...)).
			AndWhere(dbx.HashExp{"deactivated": false}).All(&part); err != nil {
			return err
		}
		users = append(users, part...)
	}
	slices.SortFunc(users, func(a, b recipient) int { return strings.Compare(a.ID, b.ID) })
	fallback := branding.Load(app).DefaultLocale
	titles := map[string]string{}
	title := func(u recipient) string {
		loc := i18n.Normalize(u.Locale)
		if loc == "" {
			loc = fallback
		}
		if t, ok := titles[loc]; ok {
			return t
		}
		titles[loc] = clip(i18n.T(loc, "notify."+kind, args...), 300)
		return titles[loc]
	}
	if len(users) > BulkThreshold {
		return sendBulk(app, kind, link, users, title)
	}
	for _, u := range users {
		n := core.NewRecord(c)
		n.Set("user", u.ID)
		n.Set("kind", kind)
		n.Set("title", title(u))
		n.Set("link", link)
		if err := app.Save(n); err != nil {
			return err
		}
	}
	return nil
}

// BulkThreshold is the audience size above which Send writes notifications
// with multi-row inserts instead of one record save each (an announcement to
// every partner user would otherwise hold its transaction for seconds). The
// bulk path does after commit what the notifications hooks do per record:
// bell updates for users with an open page, e-mails for users who chose
// them immediately.
var BulkThreshold = 200

// lookupChunk bounds the ids of one IN (…) list, well under SQLite's limit
// on bound parameters.
const lookupChunk = 500

// sendBulk inserts one notification per user in chunks and schedules the
// after-commit work.
func sendBulk(app core.App, kind, link string, users []recipient, title func(recipient) string) error {
	now := types.NowDateTime().String()
	immediate := map[string]string{} // notification id → user, for e-mails
	var notified []string
	for start := 0; start < len(users); start += lookupChunk {
		part := users[start:min(start+lookupChunk, len(users))]
		values := make([]string, 0, len(part))
		params := dbx.Params{"kind": kind, "link": link, "now": now}
		for i, u := range part {
			id := core.GenerateDefaultRandomId()
			k := strconv.Itoa(i)
			params["id"+k], params["u"+k], params["t"+k] = id, u.ID, title(u)
			values = append(values, "({:id"+k+"}, {:u"+k+"}, {:kind}, {:t"+k+"}, {:link}, '', '', {:now})")
			notified = append(notified, u.ID)
			if u.NotifyEmail == EmailImmediate {
				immediate[id] = u.ID
			}
		}
		if _, err := app.DB().NewQuery("INSERT INTO notifications (id, user, kind, title, link, read_at, emailed_at, created) VALUES " +
			strings.Join(values, ", ")).Bind(params).Execute(); err != nil {
			return err
		}
	}
	after := func() {
		root := rootApp(app)
		for _, u := range notified {
			PublishUnread(root, u)
		}
		for id := range immediate {
			n, err := root.FindRecordById("notifications", id)
			if err != nil {
				root.Logger().Warn("loading a notification to e-mail", "notification", id, "error", err)
				continue
			}
			if _, err := EmailNow(root, n); err != nil {
				root.Logger().Error("e-mailing a notification", "notification", id, "error", err)
			}
		}
	}
	if app.IsTransactional() {
		app.TxInfo().OnComplete(func(txErr error) error {
			if txErr == nil {
				after()
			}
			return nil
		})
		return nil
	}
	after()
	return nil
}

// rootKey is where RegisterRoot keeps the app outside any transaction: work
// scheduled for after a commit must not use the finished transaction.
const rootKey = "ponte.notify.root"

// RegisterRoot remembers app (not a transaction) for after-commit work. The
// store is shared by an app and its transactions.
func RegisterRoot(app core.App) { app.Store().Set(rootKey, app) }

func rootApp(app core.App) core.App {
	if r, ok := app.Store().Get(rootKey).(core.App); ok {
		return r
	}
	return app
}

// recipient is a user to notify and their language.
type recipient struct {
	ID          string `db:"id"`
	Locale      string `db:"locale"`
	NotifyEmail string `db:"notify_email"`
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
