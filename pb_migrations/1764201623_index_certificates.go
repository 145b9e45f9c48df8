package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// certificateListIndexes serve the certificates list, newest first: all of
// them for staff, one person's, or one partner's.
var certificateListIndexes = map[string]string{
	"idx_certificates_issued":         "issued",
	"idx_certificates_user_issued":    "user, issued",
	"idx_certificates_partner_issued": "partner, issued",
}

func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("certificates")
		if err != nil {
			return err
		}
		for name, cols := range certificateListIndexes {
			c.AddIndex(name, false, cols, "")
		}
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("certificates")
		if err != nil {
			return err
		}
		for name := range certificateListIndexes {
			c.RemoveIndex(name)
		}
		return app.Save(c)
	})
}
