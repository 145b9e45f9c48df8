package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// userRoles are the portal roles; staff roles have no partner.
var userRoles = []string{"admin", "manager", "partner_admin", "partner_user"}

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

		users.Fields.Add(
			&core.SelectField{Name: "role", Required: true, MaxSelect: 1, Values: userRoles},
			&core.RelationField{Name: "partner", CollectionId: partners.Id, MaxSelect: 1},
			&core.SelectField{Name: "locale", MaxSelect: 1, Values: []string{"en", "pt-BR"}},
			&core.TextField{Name: "job_title", Max: 120},
			&core.BoolField{Name: "deactivated"},
		)
		if f, ok := users.Fields.GetByName("name").(*core.TextField); ok {
			f.Max = 120
			f.Presentable = true
		}
		// Avatars are raster images only: an SVG can carry script.
		if f, ok := users.Fields.GetByName("avatar").(*core.FileField); ok {
			f.MimeTypes = []string{"image/jpeg", "image/png", "image/gif", "image/webp"}
			f.MaxSize = 2 << 20
			f.Thumbs = []string{"64x64", "160x160"}
		}
		users.AddIndex("idx_users_partner", false, "partner, name", "")
		users.AddIndex("idx_users_role", false, "role, name", "")
		users.AddIndex("idx_users_name", false, "name", "")
		users.AddIndex("idx_users_deactivated", false, "deactivated, name", "")

		// Deactivated users cannot sign in through any auth method.
		users.AuthRule = ptr(`deactivated = false`)
		users.ManageRule = nil

		// Everyone sees themselves. Admins see everyone; managers see staff and the
		// users of the partners they manage; a partner's users see their
		// colleagues and their channel manager.
		view := signedIn + ` && (id = @request.auth.id || ` + isAdmin +
			` || (` + isManager + ` && (role = "admin" || role = "manager" || partner.manager = @request.auth.id))` +
			` || (` + hasPartner + ` && (partner = @request.auth.partner || id = @request.auth.partner.manager)))`
		users.ListRule = ptr(view)
		users.ViewRule = ptr(view)
		// Self-registration is off: users arrive through the dashboard, the demo
		// and (later) invitations, all server-side.
		users.CreateRule = nil
		// Nobody changes their own role, partner or activation. Admins change
		// those of others; a partner admin changes a colleague's role between the
		// two partner roles and never moves anyone out of their partner.
		notOwnPrivileges := `@request.body.role:isset = false && @request.body.partner:isset = false && @request.body.deactivated:isset = false`
		users.UpdateRule = ptr(signedIn + ` && (` +
			`(id = @request.auth.id && ` + notOwnPrivileges + `)` +
			` || (` + isAdmin + ` && id != @request.auth.id)` +
			` || (` + isPartnerAdmin + ` && id != @request.auth.id && partner = @request.auth.partner` +
			` && (@request.body.partner:isset = false || @request.body.partner = @request.auth.partner)` +
			` && (@request.body.role:isset = false || @request.body.role = "partner_user" || @request.body.role = "partner_admin")))`)
		users.DeleteRule = ptr(signedIn + ` && ` + isAdmin + ` && id != @request.auth.id`)

		return app.Save(users)
	}, func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		for _, name := range []string{"role", "partner", "locale", "job_title", "deactivated"} {
			users.Fields.RemoveByName(name)
		}
		users.RemoveIndex("idx_users_partner")
		users.RemoveIndex("idx_users_role")
		users.RemoveIndex("idx_users_name")
		users.RemoveIndex("idx_users_deactivated")
		return app.Save(users)
	})
}
