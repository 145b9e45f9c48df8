package migrations

import (
	"strings"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Deal stages (the sales pipeline) and statuses (the registration's
// approval).
var (
	dealStages   = []string{"registered", "qualified", "proposal", "negotiation", "won", "lost"}
	dealStatuses = []string{"pending", "approved", "rejected", "expired"}
)

// dealVisible is the deals View rule with fields prefixed by p ("" on deals,
// "deal." on deal_events): admins see all, managers their partners' deals,
// partner admins their organisation's, partner users the deals they
// submitted.
func dealVisible(p string) string {
	r := strings.NewReplacer("P.", p)
	return r.Replace(signedIn + ` && (` + isAdmin +
		` || (` + isManager + ` && P.partner.manager = @request.auth.id)` +
		` || (` + isPartnerAdmin + ` && P.partner = @request.auth.partner)` +
		` || (` + hasPartner + ` && P.partner = @request.auth.partner && P.submitted_by = @request.auth.id))`)
}

// partnerKPIVisible: a partner's figures are seen by admins, its manager and
// the partner's own people.
var partnerKPIVisible = signedIn + ` && (` + isAdmin +
	` || (` + isManager + ` && partner.manager = @request.auth.id)` +
	` || (` + hasPartner + ` && partner = @request.auth.partner))`

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

		// Exchange rates to the portal's base currency, kept by admins.
		rates := core.NewBaseCollection("currency_rates", "pc_currencyrate")
		rates.Fields.Add(
			&core.TextField{Name: "currency", Required: true, Min: 3, Max: 3, Pattern: `^[A-Z]{3}$`, Presentable: true},
			&core.NumberField{Name: "rate", Required: true, Min: ptrFloat(0.000001), Max: ptrFloat(1000000)},
			&core.RelationField{Name: "updated_by", CollectionId: users.Id, MaxSelect: 1},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		rates.AddIndex("idx_currency_rates_currency", true, "currency", "")
		rates.ListRule = ptr(signedIn)
		rates.ViewRule = ptr(signedIn)
		rates.CreateRule = ptr(signedIn + ` && ` + isAdmin)
		rates.UpdateRule = ptr(signedIn + ` && ` + isAdmin + ` && @request.body.currency:isset = false`)
		rates.DeleteRule = ptr(signedIn + ` && ` + isAdmin)
		if err := app.Save(rates); err != nil {
			return err
		}

		// Deals registered by partners. customer_key and domain_key are the
		// normalised customer name and domain that conflicts are found by;
		// amount_base is the amount in the base currency at the current
		// rate; submitted is set once, on create, and never changes; the
		// other partner's deal a conflict points at is hidden from the API
		// (the portal shows it to approvers only).
		deals := core.NewBaseCollection("deals", "pc_deals0000001")
		deals.Fields.Add(
			&core.RelationField{Name: "partner", CollectionId: partners.Id, MaxSelect: 1, Required: true},
			&core.RelationField{Name: "submitted_by", CollectionId: users.Id, MaxSelect: 1},
			&core.TextField{Name: "customer_name", Required: true, Max: 200, Presentable: true},
			&core.TextField{Name: "customer_domain", Max: 253},
			&core.TextField{Name: "customer_country", Min: 2, Max: 2, Pattern: `^[A-Z]{2}$`},
			&core.TextField{Name: "customer_key", Max: 200},
			&core.TextField{Name: "domain_key", Max: 253},
			&core.TextField{Name: "product", Required: true, Max: 200},
			&core.NumberField{Name: "amount", Required: true, Min: ptrFloat(0.01), Max: ptrFloat(1e11)},
			&core.TextField{Name: "currency", Required: true, Min: 3, Max: 3, Pattern: `^[A-Z]{3}$`},
			&core.NumberField{Name: "amount_base", Min: ptrFloat(0)},
			&core.SelectField{Name: "stage", Required: true, MaxSelect: 1, Values: dealStages},
			&core.SelectField{Name: "status", MaxSelect: 1, Values: dealStatuses},
			&core.DateField{Name: "expected_close"},
			&core.DateField{Name: "submitted"},
			&core.DateField{Name: "protection_until"},
			&core.DateField{Name: "closed"},
			&core.TextField{Name: "notes", Max: 5000},
			&core.RelationField{Name: "decided_by", CollectionId: users.Id, MaxSelect: 1},
			&core.DateField{Name: "decided"},
			&core.TextField{Name: "reason", Max: 1000},
			&core.BoolField{Name: "conflict"},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		if err := app.Save(deals); err != nil {
			return err
		}
		deals.Fields.Add(&core.RelationField{Name: "conflict_with", CollectionId: deals.Id, MaxSelect: 1, Hidden: true})
		deals.AddIndex("idx_deals_partner", false, "partner, submitted", "")
		deals.AddIndex("idx_deals_submitted_by", false, "submitted_by, submitted", "")
		deals.AddIndex("idx_deals_status", false, "status, submitted", "")
		deals.AddIndex("idx_deals_protection", false, "status, protection_until", "")
		deals.AddIndex("idx_deals_customer_key", false, "customer_key", "")
		deals.AddIndex("idx_deals_domain_key", false, "domain_key", "")
		deals.AddIndex("idx_deals_stage", false, "stage, expected_close", "")
		deals.AddIndex("idx_deals_submitted", false, "submitted", "")
		// Fields only the server (hooks) or approvers set.
		serverSet := `@request.body.customer_key:isset = false && @request.body.domain_key:isset = false` +
			` && @request.body.amount_base:isset = false && @request.body.submitted:isset = false` +
			` && @request.body.conflict:isset = false && @request.body.conflict_with:isset = false` +
			` && @request.body.closed:isset = false && @request.body.decided:isset = false` +
			` && @request.body.decided_by:isset = false`
		partnerCannot := `@request.body.status:isset = false && @request.body.protection_until:isset = false` +
			` && @request.body.reason:isset = false`
		deals.ListRule = ptr(dealVisible(""))
		deals.ViewRule = ptr(dealVisible(""))
		deals.CreateRule = ptr(signedIn + ` && ` + hasPartner + ` && partner = @request.auth.partner` +
			` && submitted_by = @request.auth.id && ` + serverSet + ` && ` + partnerCannot)
		// Approvers (admins, the partner's manager) decide and may correct
		// anything but the owner; the partner's people update their deals.
		// Which stage and status moves are allowed is checked by the hook.
		deals.UpdateRule = ptr(dealVisible("") + ` && @request.body.partner:isset = false && @request.body.submitted_by:isset = false && ` +
			serverSet + ` && (` + isStaff + ` || (` + partnerCannot + `))`)
		deals.DeleteRule = ptr(signedIn + ` && ` + isAdmin)
		if err := app.Save(deals); err != nil {
			return err
		}

		// The immutable history of a deal, one row per change of stage,
		// status or amount (and one for the registration, from ""). The
		// amounts in the base currency before and after let the KPI rollups
		// be kept and rebuilt from these rows alone.
		events := core.NewBaseCollection("deal_events", "pc_dealevents01")
		events.Fields.Add(
			&core.RelationField{Name: "deal", CollectionId: deals.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.RelationField{Name: "partner", CollectionId: partners.Id, MaxSelect: 1, Required: true},
			&core.RelationField{Name: "user", CollectionId: users.Id, MaxSelect: 1},
			&core.TextField{Name: "from_stage", Max: 20},
			&core.TextField{Name: "to_stage", Max: 20},
			&core.TextField{Name: "from_status", Max: 20},
			&core.TextField{Name: "to_status", Max: 20},
			&core.NumberField{Name: "from_amount_base"},
			&core.NumberField{Name: "to_amount_base"},
			&core.TextField{Name: "comment", Max: 1000},
			&core.DateField{Name: "at", Required: true},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		events.AddIndex("idx_deal_events_deal", false, "deal, at", "")
		events.AddIndex("idx_deal_events_partner", false, "partner, at", "")
		events.AddIndex("idx_deal_events_at", false, "at", "")
		events.ListRule = ptr(dealVisible("deal."))
		events.ViewRule = ptr(dealVisible("deal."))
		events.CreateRule = nil
		events.UpdateRule = nil
		events.DeleteRule = nil
		if err := app.Save(events); err != nil {
			return err
		}

		// KPI rollups: one row per partner, day (YYYY-MM-DD, UTC) and
		// metric, and the same per month (YYYY-MM), kept by hooks in the
		// transaction of the change and rebuildable from raw data. Flow
		// metrics hold the day's amount; stock metrics (pipeline, certified
		// users) hold the day's change, summed up to a date for the level.
		for _, spec := range []struct{ name, id, period string }{
			{"kpi_daily", "pc_kpidaily0001", "day"},
			{"kpi_monthly", "pc_kpimonthly01", "month"},
		} {
			c := core.NewBaseCollection(spec.name, spec.id)
			c.Fields.Add(
				&core.RelationField{Name: "partner", CollectionId: partners.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
				&core.TextField{Name: spec.period, Required: true, Max: 10},
				&core.TextField{Name: "metric", Required: true, Max: 60, Pattern: `^[a-z0-9_.]+$`},
				&core.NumberField{Name: "value"},
			)
			c.AddIndex("idx_"+spec.name+"_key", true, "partner, "+spec.period+", metric", "")
			c.AddIndex("idx_"+spec.name+"_metric", false, "metric, "+spec.period+", partner, value", "")
			c.ListRule = ptr(partnerKPIVisible)
			c.ViewRule = ptr(partnerKPIVisible)
			c.CreateRule = nil
			c.UpdateRule = nil
			c.DeleteRule = nil
			if err := app.Save(c); err != nil {
				return err
			}
		}

		// Deal settings: the protection window and the win probability of
		// each open stage (percent), which weighted pipeline uses.
		settings, err := app.FindCollectionByNameOrId("settings")
		if err != nil {
			return err
		}
		settings.Fields.Add(
			&core.NumberField{Name: "deal_protection_days", OnlyInt: true, Min: ptrFloat(1), Max: ptrFloat(730)},
			&core.JSONField{Name: "stage_probabilities", MaxSize: 2000},
		)
		if err := app.Save(settings); err != nil {
			return err
		}
		recs, err := app.FindAllRecords(settings)
		if err != nil {
			return err
		}
		for _, r := range recs {
			r.Set("deal_protection_days", 90)
			r.Set("stage_probabilities", map[string]int{"registered": 10, "qualified": 25, "proposal": 50, "negotiation": 75})
			if err := app.Save(r); err != nil {
				return err
			}
		}
		return nil
	}, func(app core.App) error {
		for _, name := range []string{"kpi_monthly", "kpi_daily", "deal_events", "deals", "currency_rates"} {
			if c, err := app.FindCollectionByNameOrId(name); err == nil {
				if err := app.Delete(c); err != nil {
					return err
				}
			}
		}
		if c, err := app.FindCollectionByNameOrId("settings"); err == nil {
			c.Fields.RemoveByName("deal_protection_days")
			c.Fields.RemoveByName("stage_probabilities")
			return app.Save(c)
		}
		return nil
	})
}
