package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Tier benefits and document descriptions keep their rendered HTML next to
// the Markdown, like announcements, posts and messages do: hooks/markdown.go
// renders on save, so pages never render on view. Existing records are
// rendered here (saving them runs the hook).
func init() {
	m.Register(func(app core.App) error {
		for name, field := range map[string]string{"tiers": "benefits_html", "documents": "description_html"} {
			c, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				return err
			}
			c.Fields.Add(&core.TextField{Name: field, Max: maxBody * 4})
			if err := app.Save(c); err != nil {
				return err
			}
			recs, err := app.FindAllRecords(c)
			if err != nil {
				return err
			}
			for _, r := range recs {
				if err := app.Save(r); err != nil {
					return err
				}
			}
		}
		return nil
	}, func(app core.App) error {
		for name, field := range map[string]string{"tiers": "benefits_html", "documents": "description_html"} {
			if c, err := app.FindCollectionByNameOrId(name); err == nil {
				c.Fields.RemoveByName(field)
				if err := app.Save(c); err != nil {
					return err
				}
			}
		}
		return nil
	})
}
