package hooks

import (
	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/roles"
)

func bindUserHooks(app core.App) {
	app.OnRecordValidate("users").BindFunc(validateUserMembership)
	app.OnRecordUpdate("users").BindFunc(rotateKeyOnDeactivation)
	app.OnRecordAfterUpdateSuccess("users").BindFunc(endSessionsOnKeyChange)
	app.OnRecordAuthRequest("users").BindFunc(recordAPILogin)
}

// validateUserMembership keeps role and partner consistent: partner roles need
// a partner, staff have none.
func validateUserMembership(e *core.RecordEvent) error {
	role := e.Record.GetString("role")
	partner := e.Record.GetString("partner")
	// A channel manager who still manages partners cannot become a partner
	// user: the partners would point at someone outside the vendor, and their
	// users' "see my channel manager" rule would reach across partners.
	if roles.IsPartnerRole(role) && !e.Record.IsNew() && !roles.IsPartnerRole(e.Record.Original().GetString("role")) {
		n, err := e.App.CountRecords("partners", dbx.HashExp{"manager": e.Record.Id})
		if err != nil {
			return err
		}
		if n > 0 {
			return validation.Errors{"role": validation.NewError(
				"validation_manager_has_partners", "Reassign this manager's partners first.")}
		}
	}
	// Vendor staff are the partners' contacts: their e-mail address is always
	// visible (to whoever may see their record at all). Partner users choose.
	if roles.IsStaff(role) {
		e.Record.SetEmailVisibility(true)
	}
	switch {
	case roles.IsPartnerRole(role) && partner == "":
		return validation.Errors{"partner": validation.NewError(
			"validation_partner_required", "A partner user must belong to a partner.")}
	case roles.IsStaff(role) && partner != "":
		return validation.Errors{"partner": validation.NewError(
			"validation_staff_no_partner", "Vendor staff cannot belong to a partner.")}
	}
	return e.Next()
}

// rotateKeyOnDeactivation refreshes the token key when a user is deactivated so
// their REST tokens stop working at once (a password change already rotates it).
func rotateKeyOnDeactivation(e *core.RecordEvent) error {
	if e.Record.GetBool("deactivated") && !e.Record.Original().GetBool("deactivated") {
		e.Record.RefreshTokenKey()
	}
	return e.Next()
}

// endSessionsOnKeyChange deletes portal sessions begun under an old token key.
// Sessions also check the key on every request; this is the clean-up.
func endSessionsOnKeyChange(e *core.RecordEvent) error {
	if e.Record.TokenKey() != e.Record.Original().TokenKey() {
		_, err := e.App.DB().Delete("sessions", dbx.HashExp{"user": e.Record.Id}).Execute()
		if err != nil {
			e.App.Logger().Error("ending sessions after key change", "user", e.Record.Id, "error", err)
		}
	}
	return e.Next()
}

// recordAPILogin counts REST sign-ins as logins, like portal sign-ins.
func recordAPILogin(e *core.RecordAuthRequestEvent) error {
	if err := e.Next(); err != nil {
		return err
	}
	if err := activity.Record(e.App, e.Record, activity.KindLogin, nil); err != nil {
		e.App.Logger().Warn("recording login", "user", e.Record.Id, "error", err)
	}
	return nil
}
