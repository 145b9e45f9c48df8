package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// invitationStatuses are the states of an invitation, in lifecycle order.
var invitationStatuses = []string{"pending", "accepted", "revoked", "expired"}

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

		c := core.NewBaseCollection("invitations", "pc_invitations01")
		c.Fields.Add(
			&core.EmailField{Name: "email", Required: true, Presentable: true},
			&core.TextField{Name: "name", Max: 120},
			&core.SelectField{Name: "role", Required: true, MaxSelect: 1, Values: userRoles},
			&core.RelationField{Name: "partner", CollectionId: partners.Id, MaxSelect: 1, CascadeDelete: true},
			&core.RelationField{Name: "invited_by", CollectionId: users.Id, MaxSelect: 1},
			// SHA-256 (hex) of the 256-bit token; the token itself is only in the e-mail.
			&core.TextField{Name: "token_hash", Required: true, Min: 64, Max: 64, Hidden: true},
			&core.SelectField{Name: "locale", MaxSelect: 1, Values: []string{"en", "pt-BR"}},
			&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: invitationStatuses},
			&core.DateField{Name: "expires", Required: true},
			&core.DateField{Name: "last_sent"},
			&core.NumberField{Name: "send_count", OnlyInt: true, Min: floatPtr(0)},
			&core.DateField{Name: "reminded_at"},
			&core.DateField{Name: "accepted_at"},
			&core.RelationField{Name: "accepted_user", CollectionId: users.Id, MaxSelect: 1},
			&core.RelationField{Name: "revoked_by", CollectionId: users.Id, MaxSelect: 1},
			&core.DateField{Name: "revoked_at"},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		// One pending invitation per address; any number of old ones.
		c.AddIndex("idx_invitations_pending_email", true, "email", "status = 'pending'")
		c.AddIndex("idx_invitations_token", true, "token_hash", "")
		c.AddIndex("idx_invitations_email", false, "email, created", "")
		c.AddIndex("idx_invitations_status_created", false, "status, created", "")
		c.AddIndex("idx_invitations_partner_status", false, "partner, status, created", "")
		c.AddIndex("idx_invitations_partner_created", false, "partner, created", "")
		c.AddIndex("idx_invitations_invited_by", false, "invited_by, created", "")
		c.AddIndex("idx_invitations_expires", false, "status, expires", "")
		c.AddIndex("idx_invitations_reminder", false, "status, reminded_at, last_sent", "")
		c.AddIndex("idx_invitations_accepted_user", false, "accepted_user", "")

		// Admins see every invitation; a manager those into the partners they
		// manage; a partner admin those into their own partner. Partner users and
		// guests see none. Every write goes through the portal (internal/invite).
		view := signedIn + ` && (` + isAdmin +
			` || (` + isManager + ` && partner != "" && partner.manager = @request.auth.id)` +
			` || (` + isPartnerAdmin + ` && partner = @request.auth.partner))`
		c.ListRule = ptr(view)
		c.ViewRule = ptr(view)
		c.CreateRule = nil
		c.UpdateRule = nil
		c.DeleteRule = nil
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("invitations")
		if err != nil {
			return nil
		}
		return app.Delete(c)
	})
}
