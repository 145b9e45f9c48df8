package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Dashboards of some partners (a manager's, a tier and region, one
// partner's scorecard, a tier's medians) sum a few metrics of those
// partners over a range of months: a (partner, metric, month, value) index
// answers that from the index alone. The (metric, month, partner, value)
// index stays the way in for an admin's whole programme.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("kpi_monthly")
		if err != nil {
			return err
		}
		c.AddIndex("idx_kpi_monthly_partner_metric", false, "partner, metric, month, value", "")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("kpi_monthly")
		if err != nil {
			return err
		}
		c.RemoveIndex("idx_kpi_monthly_partner_metric")
		return app.Save(c)
	})
}
