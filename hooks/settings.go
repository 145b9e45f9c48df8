package hooks

import (
	"errors"

	"github.com/pocketbase/pocketbase/core"
)

// ErrSettingsSingleton is returned when a second settings record is created.
var ErrSettingsSingleton = errors.New("the portal has exactly one settings record")

// MFA rules applied to the users collection by the portal settings' boxes
// (PocketBase filter syntax, evaluated against the signing-in user).
const (
	MFARuleStaff    = `role = "admin" || role = "manager"`
	MFARulePartners = `role = "partner_admin" || role = "partner_user"`
)

func bindSettingsHooks(app core.App) {
	app.OnRecordCreate("settings").BindFunc(func(e *core.RecordEvent) error {
		n, err := e.App.CountRecords("settings")
		if err != nil {
			return err
		}
		if n > 0 {
			return ErrSettingsSingleton
		}
		return e.Next()
	})
	app.OnRecordUpdate("settings").BindFunc(applyMFARequirement)
}

// applyMFARequirement turns the settings' mfa_staff and mfa_partners boxes
// into the users collection's MFA options (Enabled and Rule), in the same
// transaction as the settings change, so PocketBase enforces them for the
// REST API and the portal's needsSecondFactor reads the same. It acts only
// when a box changed: an MFA set by hand in the dashboard survives saving the
// portal's name.
func applyMFARequirement(e *core.RecordEvent) error {
	orig := e.Record.Original()
	staff, partners := e.Record.GetBool("mfa_staff"), e.Record.GetBool("mfa_partners")
	if orig != nil && orig.GetBool("mfa_staff") == staff && orig.GetBool("mfa_partners") == partners {
		return e.Next()
	}
	if err := e.Next(); err != nil {
		return err
	}
	users, err := e.App.FindCollectionByNameOrId("users")
	if err != nil {
		return err
	}
	users.MFA.Enabled, users.MFA.Rule = MFAOptions(staff, partners)
	if users.MFA.Enabled {
		users.OTP.Enabled = true // MFA needs a second method: the e-mailed code
		users.PasswordAuth.Enabled = true
	}
	return e.App.Save(users)
}

// MFAOptions is the users collection's MFA Enabled flag and Rule for the two
// settings boxes ("" = everyone).
func MFAOptions(staff, partners bool) (enabled bool, rule string) {
	switch {
	case staff && partners:
		return true, ""
	case staff:
		return true, MFARuleStaff
	case partners:
		return true, MFARulePartners
	}
	return false, ""
}
