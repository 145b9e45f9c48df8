package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Partner statuses and regions, in lifecycle / display order.
var (
	partnerStatuses = []string{"applicant", "onboarding", "active", "suspended"}
	partnerRegions  = []string{"latam", "north_america", "europe", "apac", "mea"}
)

func init() {
	m.Register(func(app core.App) error {
		tiers, err := app.FindCollectionByNameOrId("tiers")
		if err != nil {
			return err
		}
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}

		c := core.NewBaseCollection("partners", "pc_partners0001")
		c.Fields.Add(
			&core.TextField{Name: "name", Required: true, Max: 120, Presentable: true},
			&core.TextField{Name: "slug", Required: true, Max: 80, Pattern: `^[a-z0-9]+(?:-[a-z0-9]+)*$`},
			&core.RelationField{Name: "tier", CollectionId: tiers.Id, MaxSelect: 1},
			&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: partnerStatuses},
			&core.TextField{Name: "country", Required: true, Min: 2, Max: 2, Pattern: `^[A-Z]{2}$`},
			&core.SelectField{Name: "region", MaxSelect: 1, Values: partnerRegions},
			&core.URLField{Name: "website"},
			&core.FileField{
				Name: "logo", MaxSelect: 1, MaxSize: 2 << 20,
				MimeTypes: []string{"image/png", "image/jpeg", "image/webp", "image/gif"},
				Thumbs:    []string{"96x96", "240x80f"},
			},
			&core.RelationField{Name: "manager", CollectionId: users.Id, MaxSelect: 1},
			&core.DateField{Name: "joined"},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		c.AddIndex("idx_partners_slug", true, "slug", "")
		c.AddIndex("idx_partners_name", false, "name", "")
		c.AddIndex("idx_partners_tier", false, "tier, name", "")
		c.AddIndex("idx_partners_status", false, "status, name", "")
		c.AddIndex("idx_partners_country", false, "country, name", "")
		c.AddIndex("idx_partners_region", false, "region, name", "")
		c.AddIndex("idx_partners_manager", false, "manager, name", "")
		c.AddIndex("idx_partners_joined", false, "joined", "")

		// Staff see the partners they manage (admins all of them); a partner's
		// users see only their own organisation.
		view := signedIn + ` && (` + isAdmin +
			` || (` + isManager + ` && manager = @request.auth.id)` +
			` || (` + hasPartner + ` && id = @request.auth.partner))`
		c.ListRule = ptr(view)
		c.ViewRule = ptr(view)
		c.CreateRule = ptr(signedIn + " && " + isAdmin)
		// A manager edits their partners but cannot hand them to someone else or
		// move their tier; a partner admin edits the company profile only.
		c.UpdateRule = ptr(signedIn + ` && (` + isAdmin +
			` || (` + isManager + ` && manager = @request.auth.id && @request.body.manager:isset = false && @request.body.tier:isset = false)` +
			` || (` + isPartnerAdmin + ` && id = @request.auth.partner && @request.body.slug:isset = false && @request.body.tier:isset = false && @request.body.status:isset = false && @request.body.manager:isset = false && @request.body.joined:isset = false))`)
		c.DeleteRule = ptr(signedIn + " && " + isAdmin)
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("partners")
		if err != nil {
			return nil
		}
		return app.Delete(c)
	})
}
