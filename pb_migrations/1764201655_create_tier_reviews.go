package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Tier automation (issue 7): a third requirement on tiers (deals won in the
// last twelve months), the evaluation's settings, the current review of each
// partner and the immutable history of tier changes.
//
// tier_reviews holds ONE current row per partner, rewritten by every
// evaluation (the grace count lives on it); the history that matters — what
// changed, why, and who approved it — is tier_changes.
func init() {
	m.Register(func(app core.App) error {
		tiers, err := app.FindCollectionByNameOrId("tiers")
		if err != nil {
			return err
		}
		tiers.Fields.Add(&core.NumberField{Name: "min_deals_won_12m", OnlyInt: true, Min: floatPtr(0)})
		if err := app.Save(tiers); err != nil {
			return err
		}

		settings, err := app.FindCollectionByNameOrId("settings")
		if err != nil {
			return err
		}
		settings.Fields.Add(
			&core.NumberField{Name: "tier_grace_cycles", OnlyInt: true, Min: floatPtr(0), Max: floatPtr(12)},
			&core.BoolField{Name: "tier_auto_apply"},
			&core.DateField{Name: "tier_last_evaluated"},
		)
		if err := app.Save(settings); err != nil {
			return err
		}
		recs, err := app.FindAllRecords(settings)
		if err != nil {
			return err
		}
		for _, r := range recs {
			r.Set("tier_grace_cycles", 1)
			if err := app.Save(r); err != nil {
				return err
			}
		}

		partners, err := app.FindCollectionByNameOrId("partners")
		if err != nil {
			return err
		}
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}

		// Staff only: a partner's users see what is missing for the next tier
		// (computed from their own key figures), never the vendor's internal
		// recommendation about them.
		staffOfPartner := signedIn + ` && (` + isAdmin +
			` || (` + isManager + ` && partner.manager = @request.auth.id))`

		rv := core.NewBaseCollection("tier_reviews", "pc_tierreviews1")
		rv.Fields.Add(
			&core.RelationField{Name: "partner", CollectionId: partners.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.DateField{Name: "evaluated_at", Required: true},
			&core.RelationField{Name: "current_tier", CollectionId: tiers.Id, MaxSelect: 1},
			&core.RelationField{Name: "qualifying_tier", CollectionId: tiers.Id, MaxSelect: 1},
			&core.RelationField{Name: "target_tier", CollectionId: tiers.Id, MaxSelect: 1},
			&core.SelectField{Name: "recommendation", Required: true, MaxSelect: 1, Values: []string{"promote", "demote", "keep"}},
			&core.BoolField{Name: "at_risk"},
			&core.JSONField{Name: "reasons", MaxSize: 20000},
			&core.DateField{Name: "below_since"},
			&core.NumberField{Name: "cycles_below", OnlyInt: true, Min: floatPtr(0)},
			&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: []string{"none", "proposed", "applied", "dismissed"}},
			&core.RelationField{Name: "decided_by", CollectionId: users.Id, MaxSelect: 1},
			&core.DateField{Name: "decided_at"},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		rv.AddIndex("idx_tier_reviews_partner", true, "partner", "")
		rv.AddIndex("idx_tier_reviews_recommendation", false, "recommendation, evaluated_at", "")
		rv.AddIndex("idx_tier_reviews_status", false, "status, evaluated_at", "")
		rv.AddIndex("idx_tier_reviews_risk", false, "at_risk, evaluated_at", "")
		rv.AddIndex("idx_tier_reviews_evaluated", false, "evaluated_at", "")
		rv.ListRule = ptr(staffOfPartner)
		rv.ViewRule = ptr(staffOfPartner)
		rv.CreateRule = nil
		rv.UpdateRule = nil
		rv.DeleteRule = nil
		if err := app.Save(rv); err != nil {
			return err
		}

		ch := core.NewBaseCollection("tier_changes", "pc_tierchanges1")
		ch.Fields.Add(
			&core.RelationField{Name: "partner", CollectionId: partners.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.RelationField{Name: "from_tier", CollectionId: tiers.Id, MaxSelect: 1},
			&core.RelationField{Name: "to_tier", CollectionId: tiers.Id, MaxSelect: 1},
			&core.TextField{Name: "reason", Max: 500},
			&core.RelationField{Name: "approved_by", CollectionId: users.Id, MaxSelect: 1},
			&core.SelectField{Name: "source", Required: true, MaxSelect: 1, Values: []string{"evaluation", "manual"}},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		ch.AddIndex("idx_tier_changes_partner", false, "partner, created", "")
		ch.AddIndex("idx_tier_changes_created", false, "created", "")
		// A partner's users read their own organisation's history; staff
		// read that of the partners they manage (admins all). Nobody writes
		// through the API: the portal and the evaluation write it.
		ch.ListRule = ptr(signedIn + ` && (` + isAdmin +
			` || (` + isManager + ` && partner.manager = @request.auth.id)` +
			` || (` + hasPartner + ` && partner = @request.auth.partner))`)
		ch.ViewRule = ch.ListRule
		ch.CreateRule = nil
		ch.UpdateRule = nil
		ch.DeleteRule = nil
		return app.Save(ch)
	}, func(app core.App) error {
		for _, name := range []string{"tier_changes", "tier_reviews"} {
			if c, err := app.FindCollectionByNameOrId(name); err == nil {
				if err := app.Delete(c); err != nil {
					return err
				}
			}
		}
		if c, err := app.FindCollectionByNameOrId("settings"); err == nil {
			c.Fields.RemoveByName("tier_grace_cycles")
			c.Fields.RemoveByName("tier_auto_apply")
			c.Fields.RemoveByName("tier_last_evaluated")
			if err := app.Save(c); err != nil {
				return err
			}
		}
		if c, err := app.FindCollectionByNameOrId("tiers"); err == nil {
			c.Fields.RemoveByName("min_deals_won_12m")
			return app.Save(c)
		}
		return nil
	})
}
