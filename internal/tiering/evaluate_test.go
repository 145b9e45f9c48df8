package tiering_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/kpi"
	"github.com/ponte-portal/ponte/internal/testapp"
	"github.com/ponte-portal/ponte/internal/tiering"
)

var today = time.Date(2026, 11, 20, 2, 30, 0, 0, time.UTC)

// programme is the fixture with tier requirements: Acme (Gold) below Gold
// but meeting Silver, Globex (Silver) meeting Gold.
func programme(t *testing.T) *tests.TestApp {
	t.Helper()
	app := testapp.New(t)
	testapp.SeedTierProgramme(t, app)
	testapp.SetPartnerFigures(t, app, testapp.PartnerAcme, today, 150000, 3, 4)
	testapp.SetPartnerFigures(t, app, testapp.PartnerGlobex, today, 650000, 6, 12)
	return app
}

func review(t *testing.T, app core.App, partner string) *core.Record {
	t.Helper()
	r, err := app.FindFirstRecordByData("tier_reviews", "partner", partner)
	if err != nil {
		t.Fatalf("review of %s: %v", partner, err)
	}
	return r
}

func tierOf(t *testing.T, app core.App, partner string) string {
	t.Helper()
	p, err := app.FindRecordById("partners", partner)
	if err != nil {
		t.Fatal(err)
	}
	return p.GetString("tier")
}

func changes(t *testing.T, app core.App, partner string) []*core.Record {
	t.Helper()
	rs, err := app.FindRecordsByFilter("tier_changes", "partner = {:p}", "created", 0, 0, dbx.Params{"p": partner})
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func TestReadFiguresTrailingTwelveMonthsAndStockLevel(t *testing.T) {
	app := testapp.New(t)
	p := testapp.PartnerAcme
	start := tiering.WindowStart(today)                                      // 365 days up to today
	testapp.AddKPI(t, app, p, start.AddDate(0, 0, -1), kpi.RevenueWon, 1000) // outside
	testapp.AddKPI(t, app, p, start, kpi.RevenueWon, 200)                    // first day inside
	testapp.AddKPI(t, app, p, start.AddDate(0, 2, 0), kpi.RevenueWon, 30)    // a whole month inside
	testapp.AddKPI(t, app, p, today, kpi.RevenueWon, 4)                      // today
	testapp.AddKPI(t, app, p, today.AddDate(0, 0, 1), kpi.RevenueWon, 50000) // future: outside
	testapp.AddKPI(t, app, p, start.AddDate(-2, 0, 0), kpi.CertifiedUsers, 5)
	testapp.AddKPI(t, app, p, today.AddDate(0, 0, -3), kpi.CertifiedUsers, -2)
	testapp.AddKPI(t, app, p, today, kpi.DealsWon, 3)
	testapp.AddKPI(t, app, testapp.PartnerGlobex, today, kpi.RevenueWon, 7)

	figs, err := tiering.ReadFigures(app, nil, nil, today)
	if err != nil {
		t.Fatal(err)
	}
	if got := figs[p]; got["revenue"] != 234 || got["certified"] != 3 || got["deals"] != 3 {
		t.Fatalf("acme figures %v, want revenue 234, certified 3, deals 3", got)
	}
	if figs[testapp.PartnerGlobex]["revenue"] != 7 {
		t.Fatalf("globex figures %v", figs[testapp.PartnerGlobex])
	}

	// Through a viewer's rules: a partner's user reads only their partner.
	u, err := app.FindAuthRecordByEmail("users", testapp.GlobexUserEmail)
	if err != nil {
		t.Fatal(err)
	}
	mine, err := tiering.ReadFigures(app, access.Info(u, http.MethodGet, nil), nil, today)
	if err != nil {
		t.Fatal(err)
	}
	if _, leak := mine[p]; leak || mine[testapp.PartnerGlobex]["revenue"] != 7 {
		t.Fatalf("globex user read %v: want only globex", mine)
	}
}

func TestEvaluateAllPromoteGraceDemote(t *testing.T) {
	app := programme(t)
	s, err := tiering.EvaluateAll(app, today)
	if err != nil {
		t.Fatal(err)
	}
	if s.Partners != 2 || s.Promote != 1 || s.AtRisk != 1 || s.Applied != 0 {
		t.Fatalf("summary %+v: want 2 partners, 1 promotion, 1 at risk", s)
	}
	g := review(t, app, testapp.PartnerGlobex)
	if g.GetString("recommendation") != tiering.Promote || g.GetString("target_tier") != testapp.TierGold ||
		g.GetString("status") != tiering.StatusProposed || g.GetString("qualifying_tier") != testapp.TierGold {
		t.Fatalf("globex review: %v", g.FieldsData())
	}
	a := review(t, app, testapp.PartnerAcme)
	if a.GetString("recommendation") != tiering.Keep || !a.GetBool("at_risk") || a.GetInt("cycles_below") != 1 {
		t.Fatalf("acme review after the first evaluation below gold: %v", a.FieldsData())
	}
	var unmet []string
	for _, c := range tiering.Reasons(a) {
		if c.Tier == testapp.TierGold && !c.Met {
			unmet = append(unmet, c.Rule)
		}
	}
	if len(unmet) != 3 {
		t.Fatalf("acme reasons %+v: want gold's three requirements unmet", tiering.Reasons(a))
	}
	// Nothing changes without an admin.
	if tierOf(t, app, testapp.PartnerGlobex) != testapp.TierSilver || len(changes(t, app, testapp.PartnerGlobex)) != 0 {
		t.Fatal("auto-apply is off: the tier must not change")
	}

	// The next night, still below: the demotion is proposed.
	if _, err := tiering.EvaluateAll(app, today.AddDate(0, 0, 1)); err != nil {
		t.Fatal(err)
	}
	a = review(t, app, testapp.PartnerAcme)
	if a.GetString("recommendation") != tiering.Demote || a.GetString("target_tier") != testapp.TierSilver ||
		a.GetInt("cycles_below") != 2 || a.GetBool("at_risk") || a.GetString("status") != tiering.StatusProposed {
		t.Fatalf("acme review after the second evaluation below gold: %v", a.FieldsData())
	}
	if got := a.GetDateTime("below_since").Time(); !got.Equal(time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("below since %v, want the first evaluation's day", got)
	}
}

func TestEvaluateAllAutoApply(t *testing.T) {
	app := programme(t)
	set, err := app.FindFirstRecordByFilter("settings", "")
	if err != nil {
		t.Fatal(err)
	}
	set.Set("tier_auto_apply", true)
	set.Set("tier_grace_cycles", 0)
	if err := app.Save(set); err != nil {
		t.Fatal(err)
	}
	s, err := tiering.EvaluateAll(app, today)
	if err != nil {
		t.Fatal(err)
	}
	if s.Applied != 2 {
		t.Fatalf("summary %+v: want both changes applied", s)
	}
	if tierOf(t, app, testapp.PartnerGlobex) != testapp.TierGold || tierOf(t, app, testapp.PartnerAcme) != testapp.TierSilver {
		t.Fatal("tiers not changed")
	}
	for _, p := range []string{testapp.PartnerGlobex, testapp.PartnerAcme} {
		ch := changes(t, app, p)
		if len(ch) != 1 || ch[0].GetString("approved_by") != "" || ch[0].GetString("source") != tiering.SourceEvaluation ||
			ch[0].GetString("reason") != tiering.ReasonAutomatic {
			t.Fatalf("history of %s: %v", p, ch)
		}
		if rv := review(t, app, p); rv.GetString("status") != tiering.StatusApplied {
			t.Fatalf("review of %s: %v", p, rv.FieldsData())
		}
	}
	ev, err := app.FindFirstRecordByFilter("activity", "kind = 'tier.promoted' && partner = {:p}", dbx.Params{"p": testapp.PartnerGlobex})
	if err != nil || ev.GetString("user") != "" {
		t.Fatalf("promotion event: %v %v", ev, err)
	}
	// The next evaluation finds both where they belong.
	s, err = tiering.EvaluateAll(app, today.AddDate(0, 0, 1))
	if err != nil || s.Keep != 2 || s.Applied != 0 {
		t.Fatalf("after applying: %+v %v", s, err)
	}
}

func TestApplyAndDismiss(t *testing.T) {
	app := programme(t)
	if _, err := tiering.EvaluateAll(app, today); err != nil {
		t.Fatal(err)
	}
	admin, err := app.FindRecordById("users", testapp.AdminID)
	if err != nil {
		t.Fatal(err)
	}
	g := review(t, app, testapp.PartnerGlobex)
	if err := tiering.Apply(app, g.Id, admin, today); err != nil {
		t.Fatal(err)
	}
	if tierOf(t, app, testapp.PartnerGlobex) != testapp.TierGold {
		t.Fatal("not promoted")
	}
	ch := changes(t, app, testapp.PartnerGlobex)
	if len(ch) != 1 || ch[0].GetString("approved_by") != testapp.AdminID || ch[0].GetString("from_tier") != testapp.TierSilver ||
		ch[0].GetString("to_tier") != testapp.TierGold || ch[0].GetString("reason") != tiering.ReasonPromoted {
		t.Fatalf("history: %v", ch)
	}
	g = review(t, app, testapp.PartnerGlobex)
	if g.GetString("status") != tiering.StatusApplied || g.GetString("decided_by") != testapp.AdminID {
		t.Fatalf("review: %v", g.FieldsData())
	}
	if err := tiering.Apply(app, g.Id, admin, today); !errors.Is(err, tiering.ErrNotProposed) {
		t.Fatalf("applying twice: %v, want ErrNotProposed", err)
	}
	if len(changes(t, app, testapp.PartnerGlobex)) != 1 {
		t.Fatal("a refused apply wrote history")
	}

	// Dismissing the demotion: it stays dismissed while proposed again.
	if _, err := tiering.EvaluateAll(app, today.AddDate(0, 0, 1)); err != nil {
		t.Fatal(err)
	}
	a := review(t, app, testapp.PartnerAcme)
	if err := tiering.Dismiss(app, a.Id, admin, today); err != nil {
		t.Fatal(err)
	}
	if _, err := tiering.EvaluateAll(app, today.AddDate(0, 0, 2)); err != nil {
		t.Fatal(err)
	}
	a = review(t, app, testapp.PartnerAcme)
	if a.GetString("status") != tiering.StatusDismissed || a.GetString("decided_by") != testapp.AdminID {
		t.Fatalf("dismissed review re-proposed: %v", a.FieldsData())
	}
	if tierOf(t, app, testapp.PartnerAcme) != testapp.TierGold {
		t.Fatal("a dismissed demotion changed the tier")
	}
}

func TestApplyRefusesAStaleReview(t *testing.T) {
	app := programme(t)
	if _, err := tiering.EvaluateAll(app, today); err != nil {
		t.Fatal(err)
	}
	p, _ := app.FindRecordById("partners", testapp.PartnerGlobex)
	p.Set("tier", testapp.TierBronze)
	if err := app.Save(p); err != nil {
		t.Fatal(err)
	}
	g := review(t, app, testapp.PartnerGlobex)
	if err := tiering.Apply(app, g.Id, nil, today); !errors.Is(err, tiering.ErrStale) {
		t.Fatalf("got %v, want ErrStale", err)
	}
	if tierOf(t, app, testapp.PartnerGlobex) != testapp.TierBronze {
		t.Fatal("stale apply changed the tier")
	}
}

func TestEvaluateAllSkipsInactivePartners(t *testing.T) {
	app := programme(t)
	if _, err := tiering.EvaluateAll(app, today); err != nil {
		t.Fatal(err)
	}
	p, _ := app.FindRecordById("partners", testapp.PartnerAcme)
	p.Set("status", "suspended")
	if err := app.Save(p); err != nil {
		t.Fatal(err)
	}
	s, err := tiering.EvaluateAll(app, today.AddDate(0, 0, 1))
	if err != nil || s.Partners != 1 {
		t.Fatalf("%+v %v: want only Globex", s, err)
	}
	if _, err := app.FindFirstRecordByData("tier_reviews", "partner", testapp.PartnerAcme); err == nil {
		t.Fatal("the suspended partner's review remains")
	}
	set, err := tiering.LoadSettings(app)
	if err != nil || set.LastEvaluated.IsZero() {
		t.Fatalf("last evaluated not stamped: %+v %v", set, err)
	}
}

func TestTierHistoryIsImmutable(t *testing.T) {
	app := programme(t)
	p, _ := app.FindRecordById("partners", testapp.PartnerGlobex)
	p.Set("tier", testapp.TierGold)
	if err := app.Save(p); err != nil {
		t.Fatal(err)
	}
	ch := changes(t, app, testapp.PartnerGlobex)
	if len(ch) != 1 || ch[0].GetString("source") != tiering.SourceManual {
		t.Fatalf("manual change history: %v", ch)
	}
	ch[0].Set("reason", "rewritten")
	if err := app.Save(ch[0]); err == nil {
		t.Fatal("a history row was changed")
	}
}

func TestDeletingATierKeepsTheHistory(t *testing.T) {
	app := programme(t)
	p, _ := app.FindRecordById("partners", testapp.PartnerGlobex)
	p.Set("tier", testapp.TierBronze)
	if err := app.Save(p); err != nil {
		t.Fatal(err)
	}
	bronze, err := app.FindRecordById("tiers", testapp.TierBronze)
	if err != nil {
		t.Fatal(err)
	}
	if err := app.Delete(bronze); err != nil {
		t.Fatalf("deleting a tier with history: %v", err)
	}
	ch := changes(t, app, testapp.PartnerGlobex)
	if len(ch) != 2 {
		t.Fatalf("history %v: want the manual change and the deletion", ch)
	}
	first, second := ch[0], ch[1]
	if first.GetString("to_tier") != "" || first.GetString("to_name") != "Bronze" || first.GetString("from_name") != "Silver" {
		t.Fatalf("first row after the tier's deletion: %v", first.FieldsData())
	}
	if second.GetString("from_tier") != "" || second.GetString("from_name") != "" || second.GetString("reason") != tiering.ReasonTierDeleted {
		t.Fatalf("deletion row: %v", second.FieldsData())
	}
}

// TestIndexesBehindTierFilters: every column the review page and the
// history filter or sort by leads an index.
func TestIndexesBehindTierFilters(t *testing.T) {
	app := testapp.NewEmpty(t)
	for coll, cols := range map[string][]string{
		"tier_reviews": {"partner", "recommendation", "status", "at_risk", "evaluated_at"},
		"tier_changes": {"partner", "created"},
	} {
		c, err := app.FindCollectionByNameOrId(coll)
		if err != nil {
			t.Fatal(err)
		}
		for _, col := range cols {
			found := false
			for _, idx := range c.Indexes {
				if strings.Contains(idx, "(`"+col+"`") || strings.Contains(idx, "("+col+",") || strings.Contains(idx, "("+col+")") {
					found = true
				}
			}
			if !found {
				t.Errorf("%s.%s leads no index: %v", coll, col, c.Indexes)
			}
		}
	}
}
