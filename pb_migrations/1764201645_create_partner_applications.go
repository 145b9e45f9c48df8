package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// applicationStatuses are partner_applications.status values: an
// application is new until an admin approves or declines it, once.
var applicationStatuses = []string{"new", "approved", "declined"}

// partner_applications holds the requests sent through the public "Become a
// partner" page (/apply). Only admins read and decide them. There is no
// REST create: the public form, with its honeypot, signed timestamp and rate
// limits, is the only way in. company_key and contact_email (lower-cased)
// find an open duplicate; the two partial unique indexes make "one open
// application per company / per e-mail" hold even for two submissions in
// the same instant. ip_hash is a keyed hash of the sender's address for
// abuse review (no raw address is stored) and is hidden from the API.
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
		c := core.NewBaseCollection("partner_applications", "pc_partnerappl1")
		c.Fields.Add(
			&core.TextField{Name: "company", Required: true, Max: 200, Presentable: true},
			&core.TextField{Name: "company_key", Max: 200},
			&core.TextField{Name: "country", Required: true, Min: 2, Max: 2, Pattern: `^[A-Z]{2}$`},
			&core.URLField{Name: "website", Required: true},
			&core.TextField{Name: "contact_name", Required: true, Max: 120},
			&core.EmailField{Name: "contact_email", Required: true},
			&core.TextField{Name: "phone", Max: 40},
			&core.TextField{Name: "message", Required: true, Max: 5000},
			// Required on a bool field means it must be true.
			&core.BoolField{Name: "consent", Required: true},
			&core.DateField{Name: "consent_at"},
			&core.SelectField{Name: "locale", Required: true, MaxSelect: 1, Values: []string{"en", "pt-BR"}},
			&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: applicationStatuses},
			&core.RelationField{Name: "decided_by", CollectionId: users.Id, MaxSelect: 1},
			&core.DateField{Name: "decided_at"},
			&core.TextField{Name: "decline_reason", Max: 2000},
			&core.RelationField{Name: "partner", CollectionId: partners.Id, MaxSelect: 1},
			&core.TextField{Name: "ip_hash", Max: 64, Hidden: true},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		// The review list: by status, newest first, and all, newest first.
		c.AddIndex("idx_partner_applications_status", false, "status, created", "")
		c.AddIndex("idx_partner_applications_created", false, "created", "")
		c.AddIndex("idx_partner_applications_open_company", true, "company_key", "status = 'new'")
		c.AddIndex("idx_partner_applications_open_email", true, "contact_email", "status = 'new'")
		c.AddIndex("idx_partner_applications_partner", false, "partner", "")
		c.AddIndex("idx_partner_applications_ip", false, "ip_hash, created", "")

		admins := signedIn + ` && ` + isAdmin
		c.ListRule = ptr(admins)
		c.ViewRule = ptr(admins)
		c.CreateRule = nil
		// Admins decide through the portal; through the API they may correct
		// an application or record a decision, with the hooks' invariants
		// (a decision is final, approved needs a partner, declined a reason)
		// and the decider named as themselves.
		c.UpdateRule = ptr(admins + ` && (@request.body.decided_by:isset = false || @request.body.decided_by = @request.auth.id)`)
		// Admins may erase an application (an applicant's request to delete
		// their data).
		c.DeleteRule = ptr(admins)
		if err := app.Save(c); err != nil {
			return err
		}

		// Flooding the public form: PocketBase's limiter answers 429 before
		// the portal's own per-address limit on stored applications.
		s := app.Settings()
		s.RateLimits.Rules = append(s.RateLimits.Rules, core.RateLimitRule{Label: "POST /apply", MaxRequests: 20, Duration: 60})
		return app.Save(s)
	}, func(app core.App) error {
		s := app.Settings()
		kept := s.RateLimits.Rules[:0]
		for _, r := range s.RateLimits.Rules {
			if r.Label != "POST /apply" {
				kept = append(kept, r)
			}
		}
		s.RateLimits.Rules = kept
		if err := app.Save(s); err != nil {
			return err
		}
		c, err := app.FindCollectionByNameOrId("partner_applications")
		if err != nil {
			return nil
		}
		return app.Delete(c)
	})
}
