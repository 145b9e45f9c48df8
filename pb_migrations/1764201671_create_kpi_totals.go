package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// kpi_totals holds the whole programme's kpi_monthly sums per month and
// metric (every partner, whatever its status): an admin's unfiltered
// dashboard draws its monthly trend from a dozen rows instead of summing
// every partner's. internal/kpi keeps it in the transaction of each change
// (kpi.Add, and a delete hook for rollup rows removed with their partner)
// and Rebuild recomputes it; it starts from the existing monthly rows.
func init() {
	m.Register(func(app core.App) error {
		c := core.NewBaseCollection("kpi_totals", "pc_kpitotals001")
		c.Fields.Add(
			&core.TextField{Name: "month", Required: true, Max: 7},
			&core.TextField{Name: "metric", Required: true, Max: 60, Pattern: `^[a-z0-9_.]+$`},
			&core.NumberField{Name: "value"},
		)
		c.AddIndex("idx_kpi_totals_key", true, "metric, month", "")
		c.ListRule = ptr(signedIn + " && " + isAdmin)
		c.ViewRule = ptr(signedIn + " && " + isAdmin)
		if err := app.Save(c); err != nil {
			return err
		}
		_, err := app.DB().NewQuery(`INSERT INTO kpi_totals (id, month, metric, value)
			SELECT 't' || lower(hex(randomblob(7))), month, metric, SUM(value) FROM kpi_monthly GROUP BY month, metric`).Execute()
		return err
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("kpi_totals")
		if err != nil {
			return nil
		}
		return app.Delete(c)
	})
}
