package ui

import (
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/applications"
	"github.com/ponte-portal/ponte/internal/i18n"
)

// applicationDecline declines an application with a reason, in one
// transaction that ends with the e-mail to the applicant (in the language
// they applied in): if the mail server refuses it, nothing is recorded and
// the admin may try again.
func (u *portal) applicationDecline(e *core.RequestEvent) error {
	rec, err := visibleApplication(e)
	if err != nil {
		return err
	}
	if rec.GetString("status") != "new" {
		return u.applicationDecided(e, rec)
	}
	p, d, err := u.applicationPage(e, rec)
	if err != nil {
		return err
	}
	loc := u.locale(e)
	reason := strings.ToValidUTF8(strings.TrimSpace(e.Request.PostFormValue("reason")), "")
	p.Values["reason"] = reason
	switch n := utf8.RuneCountInString(reason); {
	case n == 0:
		p.Errors["reason"] = tr(loc, "validation.required")
	case n < applications.MinReason:
		p.Errors["reason"] = tr(loc, "applications.error.too_short", i18n.Int(loc, applications.MinReason))
	case n > applications.MaxReason:
		p.Errors["reason"] = tr(loc, "applications.error.too_long", i18n.Int(loc, applications.MaxReason))
	}
	if len(p.Errors) > 0 {
		return u.render(e, http.StatusBadRequest, "application_show", p)
	}
	user := getCtx(e).User
	err = e.App.RunInTransaction(func(tx core.App) error {
		fresh, err := tx.FindRecordById("partner_applications", rec.Id)
		if err != nil {
			return err
		}
		if fresh.GetString("status") != "new" {
			return errApplicationDecided
		}
		activity.SetActor(fresh, user.Id)
		if err := access.Update(tx, access.Info(user, http.MethodPatch, map[string]any{
			"status": "declined", "decline_reason": reason, "decided_by": user.Id, "decided_at": time.Now().UTC(),
		}), fresh); err != nil {
			return err
		}
		if err := activity.RecordFor(tx, user, "", activity.KindApplicationDeclined, fresh); err != nil {
			return err
		}
		return applications.SendDeclined(tx, fresh)
	})
	switch {
	case err == nil:
		u.setFlash(e, "flash.applications.declined")
		return e.Redirect(http.StatusSeeOther, "/applications/"+rec.Id)
	case errors.Is(err, errApplicationDecided):
		return u.applicationDecided(e, rec)
	case errors.Is(err, access.ErrForbidden):
		return e.ForbiddenError("", err)
	}
	if errs, ok := validationMessages(loc, err); ok {
		if msg, ok := errs["decline_reason"]; ok {
			p.Errors["reason"] = msg
		} else {
			for _, msg := range errs {
				d.DeclineErr = msg
			}
		}
		return u.render(e, http.StatusBadRequest, "application_show", p)
	}
	e.App.Logger().Error("declining application", "application", rec.Id, "error", err)
	d.DeclineErr = tr(loc, "applications.error.not_sent")
	return u.render(e, http.StatusServiceUnavailable, "application_show", p)
}
