// Package notify creates in-app notifications (the `notifications`
// collection) for the people a change concerns. Features call Send from
// their hooks, inside the change's transaction; hooks/notifications.go turns
// new notifications into live bell updates and e-mails (immediately, in a
// daily digest or not at all, as each user chose).
package notify

import (
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

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
)

// Kinds lists every kind, for tests and the preferences page.
var Kinds = []string{KindAnnouncement, KindForumReply, KindForumMention, KindMessage, KindDocumentRevised}

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
	if err := app.DB().Select("id", "locale").From("users").
		Where(dbx.In("id", ids...)).AndWhere(dbx.HashExp{"deactivated": false}).All(&users); err != nil {
		return err
	}
	slices.SortFunc(users, func(a, b recipient) int { return strings.Compare(a.ID, b.ID) })
	fallback := branding.Load(app).DefaultLocale
	for _, u := range users {
		loc := i18n.Normalize(u.Locale)
		if loc == "" {
			loc = fallback
		}
		n := core.NewRecord(c)
		n.Set("user", u.ID)
		n.Set("kind", kind)
		n.Set("title", clip(i18n.T(loc, "notify."+kind, args...), 300))
		n.Set("link", link)
		if err := app.Save(n); err != nil {
			return err
		}
	}
	return nil
}

// recipient is a user to notify and their language.
type recipient struct {
	ID     string `db:"id"`
	Locale string `db:"locale"`
}

func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}
