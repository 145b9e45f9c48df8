package hooks

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/documents"
	"github.com/ponte-portal/ponte/internal/notify"
)

// MaxAnnouncementBody is the longest announcement body, in characters (the
// schema's limit on body).
const MaxAnnouncementBody = 50000

// announcementDueBatch bounds how many announcements one scheduler run publishes; the
// rest wait a minute.
const announcementDueBatch = 50

// Validation errors of announcements and their read receipts, translated by
// the portal from their codes.
var (
	ErrAnnouncementBodyRequired = validation.Errors{"body": validation.NewError(
		"validation_required", "Write the announcement.")}
	ErrAnnouncementBodyTooLong = validation.Errors{"body": validation.NewError(
		"validation_announcement_body_limit", "The announcement is longer than 50,000 characters.")}
	ErrAnnouncementExpiresBeforePublish = validation.Errors{"expires_at": validation.NewError(
		"validation_announcement_expires_before_publish", "It must expire after it is published.")}
	ErrAnnouncementAckNotRequired = validation.Errors{"acknowledged": validation.NewError(
		"validation_announcement_ack_not_required", "This announcement asks for no acknowledgement.")}
	ErrAnnouncementAckFinal = validation.Errors{"acknowledged": validation.NewError(
		"validation_announcement_ack_final", "An acknowledgement cannot be changed or withdrawn.")}
	ErrAnnouncementReadImmutable = validation.Errors{"announcement": validation.NewError(
		"validation_announcement_read_immutable", "A read receipt cannot be moved to another announcement or user.")}
)

func bindAnnouncementHooks(app core.App) {
	app.OnRecordValidate("announcements").BindFunc(validateAnnouncement)
	app.OnRecordCreate("announcements").BindFunc(publishAnnouncementOnSave)
	app.OnRecordUpdate("announcements").BindFunc(publishAnnouncementOnSave)
	app.OnRecordCreateRequest("announcements").BindFunc(actorFromRequest)
	app.OnRecordUpdateRequest("announcements").BindFunc(actorFromRequest)

	app.OnRecordCreate("announcement_reads").BindFunc(copyUserPartner)
	app.OnRecordCreate("announcement_reads").BindFunc(recordAnnouncementRead)
	app.OnRecordUpdate("announcement_reads").BindFunc(recordAnnouncementAck)

	// Scheduled announcements are announced within a minute of their time.
	app.Cron().MustAdd("ponte.announcements.publish", "* * * * *", func() {
		if n, err := PublishDueAnnouncements(app, time.Now()); err != nil {
			app.Logger().Error("publishing scheduled announcements", "error", err)
		} else if n > 0 {
			app.Logger().Info("published scheduled announcements", "count", n)
		}
	})
}

// validateAnnouncement trims the title, requires a body within the limit,
// keeps the audience lists consistent with the audience and checks that an
// announcement expires after it is published.
func validateAnnouncement(e *core.RecordEvent) error {
	r := e.Record
	r.Set("title", strings.TrimSpace(r.GetString("title")))
	body := r.GetString("body")
	if strings.TrimSpace(body) == "" {
		return ErrAnnouncementBodyRequired
	}
	if utf8.RuneCountInString(body) > MaxAnnouncementBody {
		return ErrAnnouncementBodyTooLong
	}
	if err := announcementAudienceComplete(r); err != nil {
		return err
	}
	pub, exp := r.GetDateTime("publish_at"), r.GetDateTime("expires_at")
	if !exp.IsZero() {
		start := pub.Time()
		if pub.IsZero() {
			start = time.Now()
		}
		if !exp.Time().After(start) {
			return ErrAnnouncementExpiresBeforePublish
		}
	}
	return e.Next()
}

// announcementAudienceComplete refuses a targeted audience with nothing chosen and clears
// the lists the audience does not use, as documents do.
func announcementAudienceComplete(r *core.Record) error {
	aud := r.GetString("audience")
	for _, f := range []string{"tiers", "regions", "partners"} {
		if aud == f && len(r.GetStringSlice("audience_"+f)) == 0 {
			return validation.Errors{"audience_" + f: validation.NewError("validation_audience_empty", "Choose at least one.")}
		}
		if aud != f {
			r.Set("audience_"+f, []string{})
		}
	}
	return nil
}

// announcementDue says whether r should notify its audience at now: published, its
// publish time come, not expired, and not notified before.
func announcementDue(r *core.Record, now time.Time) bool {
	if r.GetString("status") != "published" || !r.GetDateTime("notified_at").IsZero() {
		return false
	}
	pub, exp := r.GetDateTime("publish_at"), r.GetDateTime("expires_at")
	if pub.IsZero() || pub.Time().After(now) {
		return false
	}
	return exp.IsZero() || exp.Time().After(now)
}

// publishAnnouncementOnSave stamps the publish time of an announcement published without
// one and, when its time has come, notifies its audience in the save's own
// transaction (a failed notification undoes the save).
func publishAnnouncementOnSave(e *core.RecordEvent) error {
	r := e.Record
	if r.GetString("status") == "published" && r.GetDateTime("publish_at").IsZero() {
		r.Set("publish_at", types.NowDateTime())
	}
	now := time.Now()
	if !announcementDue(r, now) {
		return e.Next()
	}
	return e.App.RunInTransaction(func(tx core.App) error {
		e.App = tx
		r.Set("notified_at", now.UTC())
		if err := e.Next(); err != nil {
			r.Set("notified_at", "")
			return err
		}
		return announceToAudience(tx, r)
	})
}

// PublishDueAnnouncements notifies the audiences of the published
// announcements whose publish time has come by now and that have not been
// announced, each in its own transaction, and returns how many it announced.
// The scheduler calls it every minute; tests call it with a chosen now.
func PublishDueAnnouncements(app core.App, now time.Time) (int, error) {
	stamp := now.UTC().Format(types.DefaultDateLayout)
	var ids []string
	err := app.DB().Select("id").From("announcements").
		Where(dbx.NewExp("status = 'published' AND notified_at = '' AND publish_at != '' AND publish_at <= {:now}"+
			" AND (expires_at = '' OR expires_at > {:now})", dbx.Params{"now": stamp})).
		OrderBy("publish_at ASC").Limit(announcementDueBatch).Column(&ids)
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, id := range ids {
		sent := false
		err := app.RunInTransaction(func(tx core.App) error {
			r, err := tx.FindRecordById("announcements", id)
			if err != nil || !announcementDue(r, now) {
				return err
			}
			r.Set("notified_at", now.UTC())
			if err := tx.Save(r); err != nil {
				return err
			}
			sent = true
			return announceToAudience(tx, r)
		})
		if err != nil {
			// One announcement that cannot be saved must not hold up the
			// others behind it in the queue.
			errs = append(errs, fmt.Errorf("announcement %s: %w", id, err))
			continue
		}
		if sent {
			n++
		}
	}
	return n, errors.Join(errs...)
}

// announceToAudience notifies every active user of the announcement's audience and
// records the publication, on the caller's transaction. The actor is whoever
// saved it (the portal or an API client sets it), else its author.
func announceToAudience(tx core.App, r *core.Record) error {
	actorID := activity.Actor(r)
	if actorID == "" {
		actorID = r.GetString("author")
	}
	var recipients []string
	err := tx.DB().Select("users.id").From("users").
		InnerJoin("partners", dbx.NewExp("partners.id = users.partner")).
		Where(documents.AudienceOf(r).PartnerWhere()).
		AndWhere(dbx.HashExp{"users.deactivated": false}).
		OrderBy("users.id").Column(&recipients)
	if err != nil {
		return err
	}
	if err := notify.Send(tx, notify.KindAnnouncement, "/announcements/"+r.Id, actorID,
		[]any{r.GetString("title")}, recipients...); err != nil {
		return err
	}
	var actor *core.Record
	if actorID != "" {
		actor, _ = tx.FindRecordById("users", actorID)
	}
	return activity.Record(tx, actor, activity.KindAnnouncementPublished, r)
}

// recordAnnouncementRead stamps a new read receipt: an acknowledgement given with it
// must be asked for and takes the server's time; the read (and the
// acknowledgement) are recorded as activity in the same transaction.
func recordAnnouncementRead(e *core.RecordEvent) error {
	r := e.Record
	acked := !r.GetDateTime("acknowledged").IsZero()
	if acked {
		ann, err := e.App.FindRecordById("announcements", r.GetString("announcement"))
		if err == nil && !ann.GetBool("requires_acknowledgement") {
			return ErrAnnouncementAckNotRequired
		}
		r.Set("acknowledged", types.NowDateTime())
	}
	return e.App.RunInTransaction(func(tx core.App) error {
		e.App = tx
		if err := e.Next(); err != nil {
			return err
		}
		return announcementReadEvents(tx, r, true, acked)
	})
}

// recordAnnouncementAck lets a read receipt change only by being
// acknowledged once, at the server's time, when the announcement asks for
// it; the acknowledgement is recorded as activity.
func recordAnnouncementAck(e *core.RecordEvent) error {
	r := e.Record
	// The stored receipt, not the record's Original: a record saved as new
	// and changed again in memory has no original values.
	old, err := e.App.FindRecordById(r.Collection(), r.Id)
	if err != nil {
		return err
	}
	if r.GetString("announcement") != old.GetString("announcement") || r.GetString("user") != old.GetString("user") {
		return ErrAnnouncementReadImmutable
	}
	r.Set("partner", old.GetString("partner"))
	was, now := old.GetDateTime("acknowledged"), r.GetDateTime("acknowledged")
	switch {
	case was.IsZero() && now.IsZero(), !was.IsZero() && now.Equal(was):
		return e.Next()
	case !was.IsZero():
		return ErrAnnouncementAckFinal
	}
	ann, err := e.App.FindRecordById("announcements", r.GetString("announcement"))
	if err == nil && !ann.GetBool("requires_acknowledgement") {
		return ErrAnnouncementAckNotRequired
	}
	r.Set("acknowledged", types.NowDateTime())
	return e.App.RunInTransaction(func(tx core.App) error {
		e.App = tx
		if err := e.Next(); err != nil {
			return err
		}
		return announcementReadEvents(tx, r, false, true)
	})
}

// announcementReadEvents appends the read and acknowledgement events of a receipt, with
// the announcement as their target.
func announcementReadEvents(tx core.App, r *core.Record, read, acked bool) error {
	user, err := tx.FindRecordById("users", r.GetString("user"))
	if err != nil {
		return err
	}
	ann, err := tx.FindRecordById("announcements", r.GetString("announcement"))
	if err != nil {
		return err
	}
	if read {
		if err := activity.Record(tx, user, activity.KindAnnouncementRead, ann); err != nil {
			return err
		}
	}
	if acked {
		return activity.Record(tx, user, activity.KindAnnouncementAcknowledged, ann)
	}
	return nil
}
