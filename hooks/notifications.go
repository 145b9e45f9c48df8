package hooks

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/documents"
	"github.com/ponte-portal/ponte/internal/notify"
)

// DigestJob is the id of the cron job that sends the daily digests.
const DigestJob = "ponte.notifications.digest"

// bindNotificationHooks turns committed notification changes into live bell
// updates and immediate e-mails, and schedules the daily digest (07:00 UTC).
func bindNotificationHooks(app core.App) {
	notify.RegisterRoot(app)
	app.OnRecordAfterCreateSuccess("notifications").BindFunc(notificationCreated)
	app.OnRecordAfterUpdateSuccess("notifications").BindFunc(notificationChanged)
	app.OnRecordAfterDeleteSuccess("notifications").BindFunc(notificationChanged)
	app.OnRecordUpdateRequest("users").BindFunc(ownEmailPreference)
	app.Cron().MustAdd(DigestJob, "0 7 * * *", func() {
		n, err := notify.SendDigests(app, time.Now())
		if err != nil {
			app.Logger().Error("sending notification digests", "sent", n, "error", err)
			return
		}
		app.Logger().Info("sent notification digests", "sent", n)
	})
}

// notificationCreated runs after the notification's transaction committed:
// the user's bell goes up, and a user who chose immediate e-mails gets one.
// A failed e-mail is logged; it never undoes the notification.
func notificationCreated(e *core.RecordEvent) error {
	notify.PublishUnread(e.App, e.Record.GetString("user"))
	if _, err := notify.EmailNow(e.App, e.Record); err != nil {
		e.App.Logger().Error("e-mailing a notification", "notification", e.Record.Id,
			"user", e.Record.GetString("user"), "error", err)
	}
	return e.Next()
}

// notificationChanged sends the user's new unread count after a read or a
// delete.
func notificationChanged(e *core.RecordEvent) error {
	notify.PublishUnread(e.App, e.Record.GetString("user"))
	return e.Next()
}

// ownEmailPreference lets only the user (or a superuser) change their
// e-mail preference through the API: the users Update rule lets admins and
// partner admins edit colleagues, but not choose what lands in their inbox.
func ownEmailPreference(e *core.RecordRequestEvent) error {
	info, err := e.RequestInfo()
	if err != nil {
		return err
	}
	if _, ok := info.Body["notify_email"]; ok && !info.HasSuperuserAuth() && (info.Auth == nil || info.Auth.Id != e.Record.Id) {
		return e.ForbiddenError("Only the user chooses their e-mail preference.", nil)
	}
	return e.Next()
}

// notifyDocumentRevised tells the active users of a document's audience (or,
// for a private document, of its partner) that it has a new version. Run it
// in the upload's transaction.
func notifyDocumentRevised(app core.App, doc *core.Record, actorID string) error {
	var ids []string
	err := app.DB().Select("users.id").From("users").
		InnerJoin("partners", dbx.NewExp("partners.id = users.partner")).
		Where(documents.AudienceOf(doc).PartnerWhere()).
		AndWhere(dbx.HashExp{"users.deactivated": false}).
		Column(&ids)
	if err != nil {
		return err
	}
	return notify.Send(app, notify.KindDocumentRevised, "/documents/"+doc.Id, actorID,
		[]any{doc.GetString("title")}, ids...)
}
