package testapp

import (
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/kpi"
)

// TierBronze is the entry tier SeedTierProgramme adds below Silver.
const TierBronze = "tierbronze00001"

// Tier requirements SeedTierProgramme sets: Bronze asks nothing, Silver
// R$ 100.000 and 2 certified people, Gold R$ 500.000, 5 certified people
// and 10 won deals (all in the last 12 months).
const (
	SilverRevenue   = 100000
	SilverCertified = 2
	GoldRevenue     = 500000
	GoldCertified   = 5
	GoldDeals       = 10
)

// SeedTierProgramme adds the Bronze entry tier and sets the Silver and Gold
// requirements of the fixture's tiers.
func SeedTierProgramme(t testing.TB, app core.App) {
	t.Helper()
	col, err := app.FindCollectionByNameOrId("tiers")
	if err != nil {
		t.Fatal(err)
	}
	b := core.NewRecord(col)
	b.Id = TierBronze
	b.Set("name", "Bronze")
	b.Set("rank", 0)
	b.Set("colour", "#a0522d")
	if err := app.Save(b); err != nil {
		t.Fatalf("seeding bronze: %v", err)
	}
	for id, min := range map[string][3]float64{
		TierSilver: {SilverRevenue, SilverCertified, 0},
		TierGold:   {GoldRevenue, GoldCertified, GoldDeals},
	} {
		r, err := app.FindRecordById("tiers", id)
		if err != nil {
			t.Fatal(err)
		}
		r.Set("min_revenue_12m", min[0])
		r.Set("min_certified_users", min[1])
		r.Set("min_deals_won_12m", min[2])
		if err := app.Save(r); err != nil {
			t.Fatalf("tier requirements: %v", err)
		}
	}
}

// AddKPI adds v to a partner's metric on day in both rollups (kpi_daily
// and kpi_monthly), as the hooks do.
func AddKPI(t testing.TB, app core.App, partner string, day time.Time, metric string, v float64) {
	t.Helper()
	if err := kpi.Add(app, kpi.Both(partner, day.UTC().Format(time.DateOnly), metric, v)...); err != nil {
		t.Fatalf("adding %s: %v", metric, err)
	}
}

// SetPartnerFigures writes a partner's tier figures as of today: won
// revenue and won deals on the day, certified people as a level.
func SetPartnerFigures(t testing.TB, app core.App, partner string, today time.Time, revenue float64, certified, deals int) {
	t.Helper()
	AddKPI(t, app, partner, today, kpi.RevenueWon, revenue)
	AddKPI(t, app, partner, today, kpi.CertifiedUsers, float64(certified))
	AddKPI(t, app, partner, today, kpi.DealsWon, float64(deals))
}

// Fixed ids of the tier reviews and tier changes SeedTierHistory writes.
const (
	ReviewAcme   = "tierreviewacme1" // Acme: keep, at risk
	ReviewGlobex = "tierreviewglbx1" // Globex: promote to Gold, proposed
	ChangeAcme   = "tierchangeacme1" // Acme: Silver → Gold, by the admin
	ChangeGlobex = "tierchangeglbx1" // Globex: Bronze → Silver, automatic
)

// SeedTierHistory adds the tier programme, one current review per fixture
// partner and one history row each, with fixed ids.
func SeedTierHistory(t testing.TB, app core.App) {
	t.Helper()
	SeedTierProgramme(t, app)
	now := time.Now().UTC()
	save := func(coll, id string, fields map[string]any) {
		c, err := app.FindCollectionByNameOrId(coll)
		if err != nil {
			t.Fatal(err)
		}
		r := core.NewRecord(c)
		r.Id = id
		for k, v := range fields {
			r.Set(k, v)
		}
		if err := app.Save(r); err != nil {
			t.Fatalf("seeding %s %s: %v", coll, id, err)
		}
	}
	save("tier_reviews", ReviewAcme, map[string]any{"partner": PartnerAcme, "evaluated_at": now, "current_tier": TierGold,
		"qualifying_tier": TierSilver, "recommendation": "keep", "at_risk": true, "cycles_below": 1, "below_since": now,
		"status": "none", "reasons": `[{"tier":"` + TierGold + `","rule":"revenue","value":150000,"threshold":500000,"met":false}]`})
	save("tier_reviews", ReviewGlobex, map[string]any{"partner": PartnerGlobex, "evaluated_at": now, "current_tier": TierSilver,
		"qualifying_tier": TierGold, "target_tier": TierGold, "recommendation": "promote", "status": "proposed",
		"reasons": `[{"tier":"` + TierGold + `","rule":"revenue","value":650000,"threshold":500000,"met":true}]`})
	save("tier_changes", ChangeAcme, map[string]any{"partner": PartnerAcme, "from_tier": TierSilver, "to_tier": TierGold,
		"reason": "promoted", "approved_by": AdminID, "source": "evaluation"})
	save("tier_changes", ChangeGlobex, map[string]any{"partner": PartnerGlobex, "from_tier": TierBronze, "to_tier": TierSilver,
		"reason": "automatic", "source": "evaluation"})
}
