package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Branding and sign-in (issue 7): a favicon, the sign-in page's text per
// language, and the admins' MFA requirement for staff and partner users. The
// users collection gets PocketBase's one-time-code sign-in switched on, so the
// portal's "e-mail me a code" and the REST API's request-otp agree, and MFA
// (which needs two sign-in methods) can be required from the portal settings.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("settings")
		if err != nil {
			return err
		}
		c.Fields.Add(
			&core.FileField{
				Name: "favicon", MaxSelect: 1, MaxSize: 256 << 10,
				MimeTypes: []string{"image/png", "image/x-icon", "image/vnd.microsoft.icon"},
			},
			&core.TextField{Name: "signin_text_en", Max: 600},
			&core.TextField{Name: "signin_text_pt", Max: 600},
			// Who must confirm a password sign-in with an e-mailed code. Hidden:
			// the settings record is public (the sign-in page reads it).
			&core.BoolField{Name: "mfa_staff", Hidden: true},
			&core.BoolField{Name: "mfa_partners", Hidden: true},
		)
		if err := app.Save(c); err != nil {
			return err
		}

		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		users.OTP.Enabled = true
		if users.OTP.Duration < 300 {
			users.OTP.Duration = 600 // time to switch to the mail app on a phone and back
		}
		if users.OTP.Length < 6 {
			users.OTP.Length = 8
		}
		return app.Save(users)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("settings")
		if err != nil {
			return err
		}
		for _, f := range []string{"favicon", "signin_text_en", "signin_text_pt", "mfa_staff", "mfa_partners"} {
			c.Fields.RemoveByName(f)
		}
		return app.Save(c)
	})
}
