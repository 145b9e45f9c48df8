package dashboard_test

import (
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/dashboard"
	"github.com/ponte-portal/ponte/internal/kpi"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// sumsOf reads a fixed set of sums (periods across sealed and unsealed
// months, whole and partial months, from the beginning; every grouping) as
// admin and as Ana, the manager of Acme.
func sumsOf(t *testing.T, app core.App) map[string]float64 {
	t.Helper()
	metrics := []string{kpi.RevenueWon, kpi.DealsWon, kpi.DealsLost, kpi.Pipeline, kpi.CertifiedUsers,
		kpi.ActiveUsers, kpi.Logins, "pipeline.registered", "pipeline.proposal"}
	ranges := [][2]time.Time{
		{day("2025-01-01"), day("2025-12-31")},
		{day("2024-03-01"), day("2025-06-30")},
		{day("2025-02-15"), day("2025-07-10")},
		{day("2024-12-01"), day("2025-04-30")},
		{{}, day("2025-05-31")},
		{{}, day("2025-04-17")},
		{time.Now().UTC().AddDate(-1, 0, 0), time.Now().UTC()},
	}
	out := map[string]float64{}
	for _, who := range []string{testapp.AdminEmail, testapp.ManagerAnaEmail} {
		for _, f := range []dashboard.Filter{{}, {Tier: testapp.TierGold}, {Region: "latam"}} {
			s := source(t, app, who, f)
			for i, r := range ranges {
				for _, g := range []dashboard.Group{dashboard.ByNone, dashboard.ByPartner, dashboard.ByTier, dashboard.ByRegion} {
					sums, err := s.Sum(metrics, r[0], r[1], g)
					if err != nil {
						t.Fatal(err)
					}
					for k, ms := range sums {
						for m, v := range ms {
							if v != 0 {
								out[fmt.Sprintf("%s %+v range%d %s %s %s", who, f, i, g, k, m)] = v
							}
						}
					}
				}
			}
		}
	}
	return out
}

// TestRunningTotalsReadLikeMonthlyRows proves that the sealed running totals
// change no figure: the same sums with every completed month sealed, with
// part of them sealed, and with none sealed (kpi_monthly only).
func TestRunningTotalsReadLikeMonthlyRows(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedDashboards(t, app) // seals every completed month
	if m, err := kpi.Sealed(app); err != nil || m == "" {
		t.Fatalf("the fixture should be sealed: %q %v", m, err)
	}
	sealed := sumsOf(t, app)
	if len(sealed) < 200 {
		t.Fatalf("only %d sums: too few to prove anything", len(sealed))
	}
	if _, err := app.DB().NewQuery("DELETE FROM kpi_running").Execute(); err != nil {
		t.Fatal(err)
	}
	compare := func(what string, got map[string]float64) {
		t.Helper()
		for k, w := range sealed {
			if g := got[k]; math.Abs(g-w) > 1e-6 {
				t.Errorf("%s: %s = %v, sealed %v", what, k, g, w)
			}
		}
		for k, g := range got {
			if _, ok := sealed[k]; !ok {
				t.Errorf("%s: %s = %v, absent when sealed", what, k, g)
			}
		}
	}
	compare("unsealed", sumsOf(t, app))
	if n, err := kpi.Seal(app, day("2025-04-15")); err != nil || n == 0 {
		t.Fatalf("sealing through 2025-04: %d months, %v", n, err)
	}
	if m, _ := kpi.Sealed(app); m != "2025-04" {
		t.Fatalf("sealed through %q, want 2025-04", m)
	}
	compare("sealed through 2025-04", sumsOf(t, app))
	// A change to a sealed month reaches the running totals.
	if err := kpi.Add(app, kpi.Delta{Partner: testapp.PartnerAcme, Period: "2025-02", Metric: kpi.RevenueWon, Value: 250}); err != nil {
		t.Fatal(err)
	}
	s := source(t, app, testapp.AdminEmail, dashboard.Filter{})
	sums, err := s.Sum([]string{kpi.RevenueWon}, day("2025-01-01"), day("2025-04-30"), dashboard.ByPartner)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sums.Get(testapp.PartnerAcme, kpi.RevenueWon), sealed[fmt.Sprintf("%s %+v range3 %s %s %s",
		testapp.AdminEmail, dashboard.Filter{}, dashboard.ByPartner, testapp.PartnerAcme, kpi.RevenueWon)]; got != 1000+250 || want == 0 {
		t.Fatalf("Acme revenue Jan–Apr 2025 after a February change = %v, want 1250 (Dec–Apr before: %v)", got, want)
	}
}

// TestPartnersActiveInReadsLikeTheDays checks the adoption read (whole months
// from kpi_monthly, other days from kpi_daily, or probes for long stretches)
// against the days themselves on windows of every shape.
func TestPartnersActiveInReadsLikeTheDays(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedDashboards(t, app)
	for _, q := range []string{"DELETE FROM kpi_daily", "DELETE FROM kpi_monthly", "DELETE FROM kpi_running", "DELETE FROM kpi_totals"} {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	today := dashboard.Day(time.Now())
	for _, a := range []struct {
		partner string
		day     time.Time
	}{
		{testapp.PartnerAcme, day("2025-01-31")}, {testapp.PartnerAcme, day("2025-03-10")},
		{testapp.PartnerGlobex, day("2025-02-15")}, {testapp.PartnerGlobex, today.AddDate(0, 0, -2)},
		{testapp.PartnerAcme, today.AddDate(0, 0, -45)},
	} {
		if err := kpi.Add(app, kpi.Both(a.partner, a.day.Format("2006-01-02"), kpi.ActiveUsers, 1)...); err != nil {
			t.Fatal(err)
		}
	}
	s := source(t, app, testapp.AdminEmail, dashboard.Filter{})
	windows := [][2]time.Time{
		{day("2025-02-01"), day("2025-02-28")}, // a whole month
		{day("2025-01-31"), day("2025-03-01")}, // a whole month and a day either side
		{day("2025-03-01"), day("2025-03-09")}, // a few days
		{day("2025-03-02"), day("2025-03-31")}, // 30 days in one month: probes
		{day("2025-01-01"), day("2025-03-31")}, // three whole months
		{today.AddDate(0, 0, -29), today},      // the last 30 days: the current month and days before it
		{today.AddDate(0, 0, -60), today.AddDate(0, 0, -31)},
	}
	checked := 0
	for _, w := range windows {
		got, err := s.PartnersActiveIn(kpi.ActiveUsers, w[0], w[1])
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		err = app.DB().NewQuery(`SELECT DISTINCT k.partner FROM kpi_daily k JOIN partners p ON p.id = k.partner
			WHERE p.status = 'active' AND k.metric = {:m} AND k.value > 0 AND k.day >= {:from} AND k.day <= {:to}`).
			Bind(map[string]any{"m": kpi.ActiveUsers, "from": w[0].Format("2006-01-02"), "to": w[1].Format("2006-01-02")}).Column(&want)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Errorf("%s…%s: %v, want %v", w[0].Format("2006-01-02"), w[1].Format("2006-01-02"), got, want)
			continue
		}
		for _, id := range want {
			if !got[id] {
				t.Errorf("%s…%s: %v, want %v", w[0].Format("2006-01-02"), w[1].Format("2006-01-02"), got, want)
			}
		}
		checked += len(want)
	}
	if checked < 6 {
		t.Fatalf("only %d partner-windows active: the fixture proves too little", checked)
	}
}

// TestNPSTiles checks the satisfaction tiles fed by the survey-answer
// rollups (the maths itself is tested in internal/surveys).
func TestNPSTiles(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedDashboards(t, app)
	for _, r := range []testapp.Rollup{
		{Partner: testapp.PartnerAcme, Period: "2025-06", Metric: kpi.SurveyPromoters, Value: 2},
		{Partner: testapp.PartnerAcme, Period: "2025-06", Metric: kpi.SurveyPassives, Value: 1},
		{Partner: testapp.PartnerAcme, Period: "2025-06", Metric: kpi.SurveyDetractors, Value: 1},
		{Partner: testapp.PartnerAcme, Period: "2024-06", Metric: kpi.SurveyDetractors, Value: 1},
		{Partner: testapp.PartnerGlobex, Period: "2025-09", Metric: kpi.SurveyPromoters, Value: 4},
	} {
		testapp.InsertRollup(t, app, r)
	}
	p, _ := dashboard.NewPeriod(day("2025-01-01"), day("2025-12-31"))
	tile := func(tiles []dashboard.Tile) dashboard.Tile {
		for _, tl := range tiles {
			if tl.Key == "nps" {
				return tl
			}
		}
		t.Fatal("no nps tile")
		return dashboard.Tile{}
	}
	pd, err := dashboard.PartnerDashboard(app, source(t, app, testapp.AcmeAdminEmail, dashboard.Filter{Partner: testapp.PartnerAcme}), p)
	if err != nil {
		t.Fatal(err)
	}
	if tl := tile(pd.Tiles); tl.Value != 25 || tl.Prev != -100 || tl.NoValue || tl.PrevNoValue {
		t.Errorf("Acme's NPS tile = %+v, want 25 against −100", tl)
	} else if c, ok := tl.Change(); !ok || c != 125 {
		t.Errorf("Acme's NPS change = %v %v, want +125 points", c, ok)
	}
	for who, want := range map[string]float64{testapp.AdminEmail: 62.5, testapp.ManagerAnaEmail: 25} {
		sd, err := dashboard.StaffDashboard(app, source(t, app, who, dashboard.Filter{}), p, day("2026-01-15"))
		if err != nil {
			t.Fatal(err)
		}
		if tl := tile(sd.Tiles); tl.Value != want || tl.NoValue {
			t.Errorf("%s's NPS tile = %+v, want %v", who, tl, want)
		}
	}
}
