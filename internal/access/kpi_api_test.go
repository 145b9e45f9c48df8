package access_test

// The REST matrix of the KPI rollups, kpi_daily, kpi_monthly and
// kpi_running: admins see every partner's rows, a manager their partners', a
// partner's people their own partner's, the other partner and guests
// nothing; nobody but a superuser writes them (the hooks and kpi.Rebuild do,
// from Go). The programme totals (kpi_totals) are for admins only.

import (
	"net/http"
	"slices"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// Rollup rows the KPI scenarios seed (after clearing what the fixture's
// own events left), one per partner and table.
const (
	kpiDailyAcme     = "kpidailyacme001"
	kpiDailyGlobex   = "kpidailyglobex1"
	kpiMonthlyAcme   = "kpimonthacme001"
	kpiMonthlyGlobex = "kpimonthglobex1"
	kpiRunningAcme   = "kpirunacme00001"
	kpiRunningGlobex = "kpirunglobex001"
	kpiTotalsRow     = "kpitotals000001"
)

// seedKPI leaves exactly one row per partner in each rollup table.
func seedKPI(t testing.TB, app *tests.TestApp) {
	t.Helper()
	for _, q := range []string{"DELETE FROM kpi_daily", "DELETE FROM kpi_monthly", "DELETE FROM kpi_running", "DELETE FROM kpi_totals"} {
		if _, err := app.DB().NewQuery(q).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	for _, r := range []struct{ table, period, id, partner, value string }{
		{"kpi_daily", "day", kpiDailyAcme, testapp.PartnerAcme, "2026-03-14"},
		{"kpi_daily", "day", kpiDailyGlobex, testapp.PartnerGlobex, "2026-03-14"},
		{"kpi_monthly", "month", kpiMonthlyAcme, testapp.PartnerAcme, "2026-03"},
		{"kpi_monthly", "month", kpiMonthlyGlobex, testapp.PartnerGlobex, "2026-03"},
		{"kpi_running", "month", kpiRunningAcme, testapp.PartnerAcme, "2026-03"},
		{"kpi_running", "month", kpiRunningGlobex, testapp.PartnerGlobex, "2026-03"},
		{"kpi_totals", "month", kpiTotalsRow, "", "2026-03"},
	} {
		c, err := app.FindCollectionByNameOrId(r.table)
		if err != nil {
			t.Fatal(err)
		}
		rec := core.NewRecord(c)
		rec.Id = r.id
		if r.partner != "" {
			rec.Set("partner", r.partner)
		}
		rec.Set(r.period, r.value)
		rec.Set("metric", "revenue.won")
		rec.Set("value", 1234.5)
		if err := app.Save(rec); err != nil {
			t.Fatal(err)
		}
	}
}

// kpiSuperuser signs the scenario in as a platform superuser made for it.
func kpiSuperuser(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
	t.Helper()
	seedKPI(t, app)
	c, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		t.Fatal(err)
	}
	su := core.NewRecord(c)
	su.SetEmail("kpi-root@vendor.test")
	su.SetPassword(testapp.Password)
	if err := app.Save(su); err != nil {
		t.Fatal(err)
	}
	tok, err := su.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	authorize(e, tok)
}

func TestKPIRollupsAPI(t *testing.T) {
	ref := testapp.New(t)
	seedKPI(t, ref)
	acme, globex := testapp.PartnerAcme, testapp.PartnerGlobex
	// Who sees which partner's rows.
	sees := map[actor][]string{
		guest: nil, admin: {acme, globex}, ana: {acme}, bruno: {globex},
		acmeAdmin: {acme}, acmeUser: {acme}, globexAdmin: {globex}, globexUser: {globex},
	}
	var s []tests.ApiScenario
	for _, tbl := range []struct {
		name, period, periodValue string
		ids                       map[string]string // partner → row id
	}{
		{"kpi_daily", "day", "2026-03-15", map[string]string{acme: kpiDailyAcme, globex: kpiDailyGlobex}},
		{"kpi_monthly", "month", "2026-04", map[string]string{acme: kpiMonthlyAcme, globex: kpiMonthlyGlobex}},
		{"kpi_running", "month", "2026-04", map[string]string{acme: kpiRunningAcme, globex: kpiRunningGlobex}},
	} {
		all := []string{tbl.ids[acme], tbl.ids[globex]}
		for _, a := range actors {
			var visible []string
			for _, p := range sees[a] {
				visible = append(visible, tbl.ids[p])
			}
			s = append(s, listS(a, tbl.name, all, visible, nil, seedKPI))
			for _, p := range []string{acme, globex} {
				label := tbl.name + " row of " + p
				s = append(s, viewS(a, tbl.name, tbl.ids[p], label, slices.Contains(sees[a], p), nil, seedKPI))
			}
			// Writes: refused to every role (the rules are nil).
			refused := http.StatusForbidden
			s = append(s,
				createS(a, tbl.name, tbl.name+" row", map[string]any{"partner": acme, tbl.period: tbl.periodValue,
					"metric": "revenue.won", "value": 1}, refused, countWith(tbl.name, tbl.period, tbl.periodValue, 0), seedKPI),
				updateS(ref, a, tbl.name, tbl.ids[acme], tbl.name+" row of acme", map[string]any{"value": 99}, false, refused, seedKPI),
				deleteS(a, tbl.name, tbl.ids[acme], tbl.name+" row of acme", false, refused, unchanged(ref, tbl.name, tbl.ids[acme]), seedKPI),
			)
		}
		// A superuser may (the API's last resort; the portal never does).
		s = append(s,
			tests.ApiScenario{
				Name: "superuser creates a " + tbl.name + " row → 200", Method: http.MethodPost,
				URL:            recordsURL(tbl.name),
				Body:           jsonBody(map[string]any{"partner": globex, tbl.period: tbl.periodValue, "metric": "deals.won", "value": 2}),
				TestAppFactory: testapp.Factory, BeforeTestFunc: kpiSuperuser,
				ExpectedStatus: http.StatusOK, ExpectedContent: []string{`"metric":"deals.won"`},
				AfterTestFunc: afterAll(countWith(tbl.name, tbl.period, tbl.periodValue, 1)),
			},
			tests.ApiScenario{
				Name: "superuser deletes a " + tbl.name + " row → 204", Method: http.MethodDelete,
				URL:            recordsURL(tbl.name) + "/" + tbl.ids[acme],
				TestAppFactory: testapp.Factory, BeforeTestFunc: kpiSuperuser,
				ExpectedStatus: http.StatusNoContent, AfterTestFunc: afterAll(gone(tbl.name, tbl.ids[acme])),
			},
		)
	}
	// The programme totals: admins only; nobody writes them over REST.
	for _, a := range actors {
		var visible []string
		if a == admin {
			visible = []string{kpiTotalsRow}
		}
		s = append(s, listS(a, "kpi_totals", []string{kpiTotalsRow}, visible, nil, seedKPI),
			viewS(a, "kpi_totals", kpiTotalsRow, "programme total", a == admin, nil, seedKPI),
			updateS(ref, a, "kpi_totals", kpiTotalsRow, "programme total", map[string]any{"value": 99}, false, http.StatusForbidden, seedKPI))
	}
	for _, sc := range s {
		sc.Test(t)
	}
}
