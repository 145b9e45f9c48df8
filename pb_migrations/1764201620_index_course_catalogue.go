package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// courseCatalogueIndexes serve the catalogue's level and language filters,
// sorted by title like the unfiltered list (idx_courses_catalogue).
var courseCatalogueIndexes = map[string]string{
	"idx_courses_level":    "level, title",
	"idx_courses_language": "language, title",
}

func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("courses")
		if err != nil {
			return err
		}
		for name, cols := range courseCatalogueIndexes {
			c.AddIndex(name, false, cols, "")
		}
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("courses")
		if err != nil {
			return err
		}
		for name := range courseCatalogueIndexes {
			c.RemoveIndex(name)
		}
		return app.Save(c)
	})
}
