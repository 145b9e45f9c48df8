package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Indexes of (sort column, id) for every sort of the deals list and export.
// The export walks 200,000 deals in keyset batches ordered by the column and
// then the id; with the id in the index each batch is an index range read
// instead of a sort of the whole table. They replace the one-column indexes
// of 1764201630 on amount_base and expected_close.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("deals")
		if err != nil {
			return err
		}
		c.RemoveIndex("idx_deals_amount_base")
		c.RemoveIndex("idx_deals_expected_close")
		c.AddIndex("idx_deals_submitted_id", false, "submitted, id", "")
		c.AddIndex("idx_deals_expected_close_id", false, "expected_close, id", "")
		c.AddIndex("idx_deals_amount_base_id", false, "amount_base, id", "")
		c.AddIndex("idx_deals_customer_key_id", false, "customer_key, id", "")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("deals")
		if err != nil {
			return err
		}
		for _, n := range []string{"idx_deals_submitted_id", "idx_deals_expected_close_id", "idx_deals_amount_base_id", "idx_deals_customer_key_id"} {
			c.RemoveIndex(n)
		}
		c.AddIndex("idx_deals_amount_base", false, "amount_base", "")
		c.AddIndex("idx_deals_expected_close", false, "expected_close", "")
		return app.Save(c)
	})
}
