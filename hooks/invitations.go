package hooks

import (
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/invite"
)

// InvitationJob is the id of the hourly job that expires invitations past
// their date and sends the one reminder of those waiting three days.
const InvitationJob = "ponte.invitations.hourly"

// ErrInvitationSettled refuses reopening an accepted or revoked invitation.
var ErrInvitationSettled = validation.Errors{"status": validation.NewError("validation_invitation_settled",
	"An accepted or revoked invitation cannot change its status.")}

// bindInvitationHooks binds the invitations area's record hooks and jobs.
func bindInvitationHooks(app core.App) {
	app.OnRecordCreate(invite.Collection).BindFunc(normaliseInvitation)
	app.OnRecordUpdate(invite.Collection).BindFunc(guardInvitationUpdate)

	app.Cron().MustAdd(InvitationJob, "41 * * * *", func() {
		expired, reminded, err := RunInvitationJobs(app, time.Now())
		if err != nil {
			app.Logger().Error("invitation job", "error", err)
		}
		if expired > 0 || reminded > 0 {
			app.Logger().Info("invitation job", "expired", expired, "reminded", reminded)
		}
	})
}

// RunInvitationJobs expires pending invitations past their date, then sends
// the reminders due at now. It is the hourly job, taking the clock for tests.
func RunInvitationJobs(app core.App, now time.Time) (expired, reminded int, err error) {
	expired, err = invite.ExpireDue(app, now)
	if err != nil {
		return expired, 0, err
	}
	reminded, err = invite.SendReminders(app, now)
	return expired, reminded, err
}

// normaliseInvitation stores addresses lower-cased, whoever saves the record
// (the portal or a superuser in the dashboard), so the unique pending index
// and the lookups agree.
func normaliseInvitation(e *core.RecordEvent) error {
	e.Record.Set("email", invite.NormalizeEmail(e.Record.GetString("email")))
	return e.Next()
}

// guardInvitationUpdate keeps settled invitations settled: an accepted or
// revoked one never becomes pending again (an expired one may, by re-sending).
func guardInvitationUpdate(e *core.RecordEvent) error {
	e.Record.Set("email", invite.NormalizeEmail(e.Record.GetString("email")))
	old := e.Record.Original().GetString("status")
	now := e.Record.GetString("status")
	if old != now && (old == invite.StatusAccepted || old == invite.StatusRevoked) {
		return ErrInvitationSettled
	}
	return e.Next()
}
