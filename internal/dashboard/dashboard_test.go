package dashboard_test

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/dashboard"
	"github.com/ponte-portal/ponte/internal/testapp"
)

func day(s string) time.Time {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		panic(err)
	}
	return t
}

func TestNewPeriod(t *testing.T) {
	p, err := dashboard.NewPeriod(day("2025-01-15"), day("2025-12-03"))
	if err != nil {
		t.Fatal(err)
	}
	if !p.Monthly || p.From != day("2025-01-01") || p.To != day("2025-12-31") || p.Months() != 12 {
		t.Fatalf("long range not widened to whole months: %+v", p)
	}
	prev := p.Previous()
	if prev.From != day("2024-01-01") || prev.To != day("2024-12-31") || !prev.Monthly {
		t.Fatalf("previous = %+v", prev)
	}
	d, err := dashboard.NewPeriod(day("2025-03-01"), day("2025-03-31"))
	if err != nil || d.Monthly || len(d.Buckets()) != 31 {
		t.Fatalf("31 days should be daily: %+v %v", d, err)
	}
	if pd := d.Previous(); pd.From != day("2025-01-29") || pd.To != day("2025-02-28") {
		t.Fatalf("previous of a daily period = %+v", pd)
	}
	edge, _ := dashboard.NewPeriod(day("2025-01-01"), day("2025-04-02")) // 92 days
	if edge.Monthly {
		t.Fatal("92 days should still be daily")
	}
	if _, err := dashboard.NewPeriod(day("2025-05-01"), day("2025-04-30")); !errors.Is(err, dashboard.ErrReversed) {
		t.Fatalf("reversed range: %v", err)
	}
	if _, err := dashboard.NewPeriod(day("1975-01-01"), day("2025-01-01")); !errors.Is(err, dashboard.ErrTooLong) {
		t.Fatalf("50-year range: %v", err)
	}
	if _, err := dashboard.NewPeriod(day("2015-01-01"), day("2025-01-01")); err != nil {
		t.Fatalf("exactly ten years is allowed: %v", err)
	}
	def := dashboard.DefaultPeriod(day("2026-11-27"))
	if def.From != day("2025-12-01") || def.To != day("2026-11-30") || def.Months() != 12 {
		t.Fatalf("default period = %+v", def)
	}
}

func TestMedian(t *testing.T) {
	for _, c := range []struct {
		in   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := dashboard.Median(c.in); got != c.want {
			t.Errorf("Median(%v) = %v, want %v", c.in, got, c.want)
		}
	}
}

func source(t *testing.T, app core.App, email string, f dashboard.Filter) *dashboard.Source {
	t.Helper()
	user, err := app.FindAuthRecordByEmail("users", email)
	if err != nil {
		t.Fatal(err)
	}
	s, err := dashboard.NewSource(app, access.Info(user, http.MethodGet, nil), f)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// TestSumSplitsMonthsAndDays checks that a range is read from kpi_monthly for
// its whole months and from kpi_daily for the days at its edges, never both.
func TestSumSplitsMonthsAndDays(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedDashboards(t, app)
	// The same events, kept by day and by month as the rollups keep them.
	for _, r := range []testapp.Rollup{
		{Partner: testapp.PartnerAcme, Period: "2023-01-31", Metric: "users.logins", Value: 1}, {Partner: testapp.PartnerAcme, Period: "2023-02-01", Metric: "users.logins", Value: 10},
		{Partner: testapp.PartnerAcme, Period: "2023-02-28", Metric: "users.logins", Value: 100}, {Partner: testapp.PartnerAcme, Period: "2023-03-15", Metric: "users.logins", Value: 1000},
		{Partner: testapp.PartnerAcme, Period: "2023-01", Metric: "users.logins", Value: 1}, {Partner: testapp.PartnerAcme, Period: "2023-02", Metric: "users.logins", Value: 110},
		{Partner: testapp.PartnerAcme, Period: "2023-03", Metric: "users.logins", Value: 1000},
	} {
		testapp.InsertRollup(t, app, r)
	}
	s := source(t, app, testapp.AdminEmail, dashboard.Filter{})
	for _, c := range []struct {
		from, to string
		want     float64
	}{
		{"2023-01-31", "2023-03-15", 1111}, // edge day, whole February, edge days of March
		{"2023-02-01", "2023-02-28", 110},  // one whole month
		{"2023-02-02", "2023-02-27", 0},    // inside a month, days only
		{"2023-01-01", "2023-02-01", 11},   // whole January, one day of February
		{"2023-02-28", "2023-03-31", 1100}, // one day, then a whole month
	} {
		got, err := s.Sum([]string{"users.logins"}, day(c.from), day(c.to), dashboard.ByNone)
		if err != nil {
			t.Fatal(err)
		}
		if v := got.Get("", "users.logins"); v != c.want {
			t.Errorf("logins %s…%s = %v, want %v", c.from, c.to, v, c.want)
		}
	}
	// A level: the sum of all changes up to a day.
	lvl, err := s.Sum([]string{"pipeline"}, time.Time{}, day("2025-06-30"), dashboard.ByPartner)
	if err != nil {
		t.Fatal(err)
	}
	if a, g := lvl.Get(testapp.PartnerAcme, "pipeline"), lvl.Get(testapp.PartnerGlobex, "pipeline"); a != 2500 || g != 0 {
		t.Errorf("pipeline levels at 2025-06-30: Acme %v (want 2500), Globex %v (want 0)", a, g)
	}
}

// TestScopeFollowsTheKPIRule checks each viewer's scope against the rows
// the kpi_daily List rule itself returns, and that the rule reads nothing but
// the partner (which is what lets the scope be evaluated per partner).
func TestScopeFollowsTheKPIRule(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedDashboards(t, app)
	c, err := app.FindCollectionByNameOrId("kpi_daily")
	if err != nil {
		t.Fatal(err)
	}
	rule := *c.ListRule
	for _, f := range []string{"metric", "day", "value", " id"} {
		if strings.Contains(rule, f) && !strings.Contains(rule, "@request.auth."+strings.TrimSpace(f)) {
			t.Fatalf("the kpi rule reads %q: the per-partner scope would no longer match it:\n%s", f, rule)
		}
	}
	for _, v := range []struct {
		email string
		want  []string
	}{
		{testapp.AdminEmail, []string{testapp.PartnerAcme, testapp.PartnerGlobex}},
		{testapp.ManagerAnaEmail, []string{testapp.PartnerAcme}},
		{testapp.ManagerBrunoEmail, []string{testapp.PartnerGlobex}},
		{testapp.AcmeUserEmail, []string{testapp.PartnerAcme}},
		{testapp.GlobexAdminEmail, []string{testapp.PartnerGlobex}},
	} {
		s := source(t, app, v.email, dashboard.Filter{})
		ps, err := s.Partners()
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, p := range ps {
			got = append(got, p.ID)
		}
		if strings.Join(got, ",") != strings.Join(v.want, ",") {
			t.Errorf("%s: scope %v, want %v", v.email, got, v.want)
		}
		// The rule, applied row by row through access, agrees.
		user, _ := app.FindAuthRecordByEmail("users", v.email)
		rows, err := access.CountVisibleGrouped(app, access.Info(user, http.MethodGet, nil), "kpi_daily", "partner")
		if err != nil {
			t.Fatal(err)
		}
		for p := range rows {
			if !strings.Contains(strings.Join(v.want, ","), p) {
				t.Errorf("%s: the rule shows rows of %s, outside the scope", v.email, p)
			}
		}
		sums, err := s.Sum([]string{"revenue.won"}, day("2025-01-01"), day("2025-12-31"), dashboard.ByPartner)
		if err != nil {
			t.Fatal(err)
		}
		for p := range sums {
			if !strings.Contains(strings.Join(v.want, ","), p) {
				t.Errorf("%s: sums include partner %s", v.email, p)
			}
		}
	}
	// A guest sees nothing.
	guest, err := dashboard.NewSource(app, access.Info(nil, http.MethodGet, nil), dashboard.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if ps, err := guest.Partners(); err != nil || len(ps) != 0 {
		t.Fatalf("guest scope = %v, %v", ps, err)
	}
}

func TestEngagementScoreAndScorecard(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedDashboards(t, app)
	p, _ := dashboard.NewPeriod(day("2025-01-01"), day("2025-12-31"))
	s := source(t, app, testapp.AcmeAdminEmail, dashboard.Filter{Partner: testapp.PartnerAcme})
	sc, err := dashboard.PartnerScorecard(app, s, p)
	if err != nil {
		t.Fatal(err)
	}
	// 5 (active 1/5 of 25) + 10 (240 sign-ins = 20/month) + 7.5 (5 downloads
	// of 10) + 2 (2 posts+messages of 10) + 7.5 (1 course of 2) + 9 (3
	// certified of 5) + 5 (1 deal of 2) = 46.
	if sc.Engagement.Score != 46 {
		t.Fatalf("engagement = %d (%v), want 46", sc.Engagement.Score, sc.Engagement.Earned)
	}
	for k, want := range map[string]float64{"active_users": 5, "logins": 10, "downloads": 7.5, "conversation": 2,
		"courses": 7.5, "certified": 9, "deals": 5} {
		if got := sc.Engagement.Earned[k]; got != want {
			t.Errorf("points for %s = %v, want %v", k, got, want)
		}
	}
	if sc.HasMedians || sc.Peers != 1 {
		t.Errorf("one Gold partner: no medians expected (peers %d)", sc.Peers)
	}
	if len(sc.Trend) != 12 || sc.Trend[5].Bucket.Key != "2025-06" || sc.Trend[5].Revenue != 3000 || sc.Trend[5].Pipeline != 2500 {
		t.Errorf("trend = %+v", sc.Trend)
	}
	// May 2025 alone: 240 sign-ins, 60 downloads, 24 posts+messages, 12
	// courses, 12 deals (all capped), 2 certified (6 of 15), no active
	// people: 10+15+10+15+6+10 = 66.
	if got := sc.Trend[4].Score; got != 66 {
		t.Errorf("May score = %d, want 66", got)
	}
}

func TestTierMedians(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedDashboards(t, app)
	partners, err := app.FindCollectionByNameOrId("partners")
	if err != nil {
		t.Fatal(err)
	}
	// Four more active Gold partners: won revenue 0, 2000, 6000 and 10000,
	// and one suspended one that must not count.
	for i, rev := range []float64{0, 2000, 6000, 10000, 99999} {
		r := core.NewRecord(partners)
		r.Set("name", "Peer "+string(rune('A'+i)))
		r.Set("slug", "peer-"+string(rune('a'+i)))
		r.Set("tier", testapp.TierGold)
		r.Set("status", "active")
		if i == 4 {
			r.Set("status", "suspended")
		}
		r.Set("country", "PT")
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		if rev > 0 {
			testapp.InsertRollup(t, app, testapp.Rollup{Partner: r.Id, Period: "2025-07", Metric: "revenue.won", Value: rev})
		}
	}
	p, _ := dashboard.NewPeriod(day("2025-01-01"), day("2025-12-31"))
	s := source(t, app, testapp.AcmeAdminEmail, dashboard.Filter{Partner: testapp.PartnerAcme})
	sc, err := dashboard.PartnerScorecard(app, s, p)
	if err != nil {
		t.Fatal(err)
	}
	if !sc.HasMedians || sc.Peers != 5 {
		t.Fatalf("medians over %d peers, shown %v; want 5 and shown", sc.Peers, sc.HasMedians)
	}
	for _, tl := range sc.Tiles {
		switch tl.Key {
		case "revenue": // 0, 2000, 4000 (Acme), 6000, 10000
			if tl.Median != 4000 || tl.Value != 4000 || tl.Prev != 500 {
				t.Errorf("revenue tile = %+v", tl)
			}
		case "engagement": // Acme 46, the others 0
			if tl.Median != 0 || tl.Value != 46 {
				t.Errorf("engagement tile = %+v", tl)
			}
		}
	}
	// Acme's own people still see only Acme's rows: the scorecard's own
	// figures come from the scope.
	ps, _ := s.Partners()
	if len(ps) != 1 || ps[0].ID != testapp.PartnerAcme {
		t.Fatalf("scope = %v", ps)
	}
}

// TestPartnerDashboardIsolation: a partner's people build their own
// partner's dashboard only.
func TestPartnerDashboardIsolation(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedDashboards(t, app)
	p, _ := dashboard.NewPeriod(day("2025-01-01"), day("2025-12-31"))
	s := source(t, app, testapp.GlobexUserEmail, dashboard.Filter{Partner: testapp.PartnerGlobex})
	if d, err := dashboard.PartnerDashboard(app, s, p); err != nil || d.Info.ID != testapp.PartnerGlobex {
		t.Fatalf("Globex user's own dashboard: %v", err)
	}
	// Globex's people cannot build Acme's dashboard.
	x := source(t, app, testapp.GlobexUserEmail, dashboard.Filter{Partner: testapp.PartnerAcme})
	if _, err := dashboard.PartnerDashboard(app, x, p); !errors.Is(err, access.ErrNotFound) {
		t.Fatalf("Globex user building Acme's dashboard: %v", err)
	}
}
