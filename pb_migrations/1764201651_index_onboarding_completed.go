package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The staff onboarding list's "completed" view filters checklists by status
// and sorts them by completion, latest first: a (status, completed) index
// answers it without sorting every completed checklist.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("partner_onboarding")
		if err != nil {
			return err
		}
		c.AddIndex("idx_partner_onboarding_status_completed", false, "status, completed", "")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("partner_onboarding")
		if err != nil {
			return err
		}
		c.RemoveIndex("idx_partner_onboarding_status_completed")
		return app.Save(c)
	})
}
