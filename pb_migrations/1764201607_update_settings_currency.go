package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The portal's base currency: tier revenue requirements (and, later, deal
// reporting) are stated in it.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("settings")
		if err != nil {
			return err
		}
		c.Fields.Add(&core.TextField{Name: "base_currency", Min: 3, Max: 3, Pattern: `^[A-Z]{3}$`})
		if err := app.Save(c); err != nil {
			return err
		}
		recs, err := app.FindAllRecords(c)
		if err != nil {
			return err
		}
		for _, r := range recs {
			if r.GetString("base_currency") == "" {
				r.Set("base_currency", "BRL")
				if err := app.Save(r); err != nil {
					return err
				}
			}
		}
		return nil
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("settings")
		if err != nil {
			return err
		}
		c.Fields.RemoveByName("base_currency")
		return app.Save(c)
	})
}
