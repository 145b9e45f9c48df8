package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(func(app core.App) error {
		c := core.NewBaseCollection("tiers", "pc_tiers0000001")
		c.Fields.Add(
			&core.TextField{Name: "name", Required: true, Max: 80, Presentable: true},
			&core.NumberField{Name: "rank", OnlyInt: true, Min: floatPtr(0)},
			&core.TextField{Name: "colour", Max: 7, Pattern: `^#[0-9a-fA-F]{6}$`},
			&core.TextField{Name: "benefits", Max: 20000},
			&core.NumberField{Name: "min_revenue_12m", Min: floatPtr(0)},
			&core.NumberField{Name: "min_certified_users", OnlyInt: true, Min: floatPtr(0)},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		c.AddIndex("idx_tiers_name", true, "name", "")
		c.AddIndex("idx_tiers_rank", false, "rank", "")

		// The programme's tiers are public to every signed-in user: partners see
		// what the next tier asks of them. Only admins shape the programme.
		c.ListRule = ptr(signedIn)
		c.ViewRule = ptr(signedIn)
		c.CreateRule = ptr(signedIn + " && " + isAdmin)
		c.UpdateRule = ptr(signedIn + " && " + isAdmin)
		c.DeleteRule = ptr(signedIn + " && " + isAdmin)
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("tiers")
		if err != nil {
			return nil
		}
		return app.Delete(c)
	})
}

func floatPtr(f float64) *float64 { return &f }
