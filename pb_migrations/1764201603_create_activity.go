package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		partners, err := app.FindCollectionByNameOrId("partners")
		if err != nil {
			return err
		}

		c := core.NewBaseCollection("activity", "pc_activity0001")
		c.Fields.Add(
			&core.RelationField{Name: "user", CollectionId: users.Id, MaxSelect: 1},
			&core.RelationField{Name: "partner", CollectionId: partners.Id, MaxSelect: 1},
			&core.TextField{Name: "kind", Required: true, Max: 60, Pattern: `^[a-z0-9_.]+$`},
			&core.TextField{Name: "target_collection", Max: 60},
			&core.TextField{Name: "target_id", Max: 40},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		c.AddIndex("idx_activity_partner_created", false, "partner, created", "")
		c.AddIndex("idx_activity_user_created", false, "user, created", "")
		c.AddIndex("idx_activity_kind_created", false, "kind, created", "")
		c.AddIndex("idx_activity_target", false, "target_collection, target_id", "")
		c.AddIndex("idx_activity_created", false, "created", "")

		// Append-only: written by hooks on the server, never through the API.
		view := signedIn + ` && (` + isAdmin +
			` || (` + isManager + ` && partner.manager = @request.auth.id)` +
			` || (` + isPartnerAdmin + ` && partner = @request.auth.partner)` +
			` || user = @request.auth.id)`
		c.ListRule = ptr(view)
		c.ViewRule = ptr(view)
		c.CreateRule = nil
		c.UpdateRule = nil
		c.DeleteRule = nil
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("activity")
		if err != nil {
			return nil
		}
		return app.Delete(c)
	})
}
