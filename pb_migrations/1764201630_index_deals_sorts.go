package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Indexes behind the deals list's remaining sorts (largest amount, closing
// soonest) so that sorting 200,000 deals reads an index instead of sorting
// the table on every page view.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("deals")
		if err != nil {
			return err
		}
		c.AddIndex("idx_deals_amount_base", false, "amount_base", "")
		c.AddIndex("idx_deals_expected_close", false, "expected_close", "")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("deals")
		if err != nil {
			return err
		}
		c.RemoveIndex("idx_deals_amount_base")
		c.RemoveIndex("idx_deals_expected_close")
		return app.Save(c)
	})
}
