package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The tier review page lists proposals and partners at risk first, newest
// evaluation first (status, at_risk, evaluated_at, all descending): an index
// in that order serves its unfiltered pages without sorting every review.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("tier_reviews")
		if err != nil {
			return err
		}
		c.AddIndex("idx_tier_reviews_sort", false, "status, at_risk, evaluated_at", "")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("tier_reviews")
		if err != nil {
			return err
		}
		c.RemoveIndex("idx_tier_reviews_sort")
		return app.Save(c)
	})
}
