package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The tiers' names at the time of a tier change: the history outlives a
// deleted tier, whose relation PocketBase then empties.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("tier_changes")
		if err != nil {
			return err
		}
		c.Fields.Add(&core.TextField{Name: "from_name", Max: 80}, &core.TextField{Name: "to_name", Max: 80})
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("tier_changes")
		if err != nil {
			return nil
		}
		c.Fields.RemoveByName("from_name")
		c.Fields.RemoveByName("to_name")
		return app.Save(c)
	})
}
