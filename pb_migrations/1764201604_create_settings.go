package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(func(app core.App) error {
		c := core.NewBaseCollection("settings", "pc_settings0001")
		c.Fields.Add(
			&core.TextField{Name: "portal_name", Required: true, Max: 60},
			&core.FileField{
				Name: "logo", MaxSelect: 1, MaxSize: 2 << 20,
				MimeTypes: []string{"image/png", "image/jpeg", "image/webp", "image/gif"},
				Thumbs:    []string{"0x48"},
			},
			&core.TextField{Name: "primary_colour", Max: 7, Pattern: `^#[0-9a-fA-F]{6}$`},
			&core.SelectField{Name: "default_locale", Required: true, MaxSelect: 1, Values: []string{"en", "pt-BR"}},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		// Branding is public: the sign-in page shows it. The one record is made
		// here; hooks refuse a second one.
		c.ListRule = ptr("")
		c.ViewRule = ptr("")
		c.CreateRule = nil
		c.UpdateRule = ptr(signedIn + " && " + isAdmin)
		c.DeleteRule = nil
		if err := app.Save(c); err != nil {
			return err
		}

		r := core.NewRecord(c)
		r.Set("portal_name", "Ponte")
		r.Set("primary_colour", "#0f6e6e")
		r.Set("default_locale", "pt-BR")
		return app.Save(r)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("settings")
		if err != nil {
			return nil
		}
		return app.Delete(c)
	})
}
