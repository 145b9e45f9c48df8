package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// kpi_running holds, per partner and metric, the running total of
// kpi_monthly through each month up to the current one (the "sealed" or
// covered months): the sum over a range of months is then two rows (the
// total at its end minus the total before it) instead of one row per month,
// and a level since the beginning is one row. internal/kpi keeps it (Seal,
// Add, Rebuild); the dashboards read it for covered months and kpi_monthly
// for any other. Rows are dense: a partner and metric with any row has one
// for every later covered month.
func init() {
	m.Register(func(app core.App) error {
		partners, err := app.FindCollectionByNameOrId("partners")
		if err != nil {
			return err
		}
		c := core.NewBaseCollection("kpi_running", "pc_kpirunning01")
		c.Fields.Add(
			&core.RelationField{Name: "partner", CollectionId: partners.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.TextField{Name: "month", Required: true, Max: 7},
			&core.TextField{Name: "metric", Required: true, Max: 60, Pattern: `^[a-z0-9_.]+$`},
			&core.NumberField{Name: "value"},
		)
		c.AddIndex("idx_kpi_running_key", true, "partner, month, metric", "")
		c.AddIndex("idx_kpi_running_month", false, "month, metric, partner, value", "")
		c.AddIndex("idx_kpi_running_partner", false, "partner, metric, month, value", "")
		c.ListRule = ptr(partnerKPIVisible)
		c.ViewRule = ptr(partnerKPIVisible)
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("kpi_running")
		if err != nil {
			return nil
		}
		return app.Delete(c)
	})
}
