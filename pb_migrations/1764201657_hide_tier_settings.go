package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The settings record is public (the sign-in page shows the branding), but
// the tier evaluation's settings are the vendor's business: hidden fields
// stay out of API answers for everyone but superusers. The portal reads and
// writes them from Go.
func init() {
	hide := func(app core.App, hidden bool) error {
		c, err := app.FindCollectionByNameOrId("settings")
		if err != nil {
			return err
		}
		for _, n := range []string{"tier_grace_cycles", "tier_auto_apply", "tier_last_evaluated"} {
			if f := c.Fields.GetByName(n); f != nil {
				f.SetHidden(hidden)
			}
		}
		return app.Save(c)
	}
	m.Register(func(app core.App) error { return hide(app, true) }, func(app core.App) error { return hide(app, false) })
}
