package ui_test

import (
	"encoding/csv"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// The period under test: the twelve months of 2025, compared with 2024.
const year2025 = "?from=2025-01-01&to=2025-12-31"

func dashServer(t *testing.T) (*tests.TestApp, *httptest.Server) {
	t.Helper()
	app, srv := newServer(t)
	testapp.SeedDashboards(t, app)
	return app, srv
}

// readCSV fetches an export and returns its rows (header first), checking
// the download headers and the BOM.
func readCSV(t *testing.T, b *browser, path string) [][]string {
	t.Helper()
	r := b.get(path)
	expectStatus(t, r, 200, path)
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/csv") {
		t.Fatalf("%s: content type %q", path, ct)
	}
	if !strings.HasPrefix(r.Body, "\ufeff") {
		t.Fatalf("%s: no BOM", path)
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.Body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatalf("%s: %v\n%s", path, err, r.Body)
	}
	return rows
}

// csvMap keys a CSV's data rows by their first cell.
func csvMap(rows [][]string) map[string][]string {
	out := map[string][]string{}
	for _, r := range rows[1:] {
		out[r[0]] = r[1:]
	}
	return out
}

func expectRow(t *testing.T, what string, m map[string][]string, key string, want ...string) {
	t.Helper()
	got, ok := m[key]
	if !ok {
		t.Errorf("%s: no row %q in %v", what, key, m)
		return
	}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("%s row %q = %v, want %v", what, key, got, want)
	}
}

func TestDashboardStaffFigures(t *testing.T) {
	app, srv := dashServer(t)
	admin := signedIn(t, app, srv, testapp.AdminEmail)

	page := admin.get("/dashboard" + year2025)
	expectStatus(t, page, 200, "admin dashboard")
	expectContains(t, page, "admin dashboard", "Won revenue", "R$6,000.00", "R$1,500.00", "&#43;300.0%",
		"66.7%", "40.0%", "&#43;26.7 pts", "Acme Brasil Ltda", "Globex México", "data-chart", "echarts.min.js",
		`href="/partners/acme-brasil/scorecard"`, "/dashboard/export/trend.csv?from=2025-01-01&amp;to=2025-12-31")

	// CSP-safe: charts are data attributes drawn by js/charts.js, scripts
	// are files with the page's nonce, no inline style or script.
	expectNotContains(t, page, "admin dashboard", "<script>", "<style", ` style="`, "echarts.init(")
	if !strings.Contains(page.Body, `js/charts.js" nonce="`) {
		t.Error("charts.js is not loaded with the page's nonce")
	}

	kpis := csvMap(readCSV(t, admin, "/dashboard/export/kpis.csv"+year2025))
	expectRow(t, "kpis", kpis, "revenue", "6000", "1500", "3.0000")
	expectRow(t, "kpis", kpis, "pipeline", "6500", "2000", "2.2500")
	expectRow(t, "kpis", kpis, "weighted", "3650", "200", "17.2500")
	expectRow(t, "kpis", kpis, "win_rate", "0.6666666666666666", "0.4", "0.2667")
	expectRow(t, "kpis", kpis, "avg_deal", "1500", "750", "1.0000")
	expectRow(t, "kpis", kpis, "active_partners", "2", "", "")
	expectRow(t, "kpis", kpis, "adoption", "0.5", "0", "0.5000")
	expectRow(t, "kpis", kpis, "certified", "3", "2", "0.5000")

	trend := csvMap(readCSV(t, admin, "/dashboard/export/trend.csv"+year2025))
	if len(trend) != 12 {
		t.Fatalf("trend has %d months, want 12", len(trend))
	}
	expectRow(t, "trend", trend, "2025-01", "0.00", "2000.00", "200.00")
	expectRow(t, "trend", trend, "2025-02", "2000.00", "2000.00", "200.00")
	expectRow(t, "trend", trend, "2025-04", "0.00", "3000.00", "700.00")
	expectRow(t, "trend", trend, "2025-06", "3000.00", "2500.00", "650.00")
	expectRow(t, "trend", trend, "2025-09", "0.00", "6500.00", "3650.00")

	tiers := csvMap(readCSV(t, admin, "/dashboard/export/tiers.csv"+year2025))
	expectRow(t, "tiers", tiers, "Gold", "4000.00")
	expectRow(t, "tiers", tiers, "Silver", "2000.00")
	regions := csvMap(readCSV(t, admin, "/dashboard/export/regions.csv"+year2025))
	expectRow(t, "regions", regions, "Latin America", "4000.00")
	expectRow(t, "regions", regions, "North America", "2000.00")

	funnel := csvMap(readCSV(t, admin, "/dashboard/export/funnel.csv"+year2025))
	expectRow(t, "funnel", funnel, "registered", "1500.00")
	expectRow(t, "funnel", funnel, "qualified", "0.00")
	expectRow(t, "funnel", funnel, "proposal", "1000.00")
	expectRow(t, "funnel", funnel, "negotiation", "4000.00")

	adoption := readCSV(t, admin, "/dashboard/export/adoption.csv"+year2025)
	if got := strings.Join(adoption[1], "|"); got != "1|2|0.5000" {
		t.Errorf("adoption = %s, want 1 of 2 partners", got)
	}

	top := readCSV(t, admin, "/dashboard/export/top.csv"+year2025)
	if len(top) != 3 || top[1][0] != "Acme Brasil Ltda" || top[1][2] != "4000.00" || top[2][0] != "Globex México" || top[2][3] != "4000.00" {
		t.Errorf("top partners = %v", top)
	}
	bottom := readCSV(t, admin, "/dashboard/export/bottom.csv"+year2025)
	if len(bottom) != 3 || bottom[1][0] != "Globex México" {
		t.Errorf("bottom partners = %v", bottom)
	}
	eng := csvMap(readCSV(t, admin, "/dashboard/export/engagement.csv"+year2025))
	expectRow(t, "engagement", eng, "Acme Brasil Ltda", "Gold", "46")
	expectRow(t, "engagement", eng, "Globex México", "Silver", "0")

	// Filters narrow every figure: Silver only is Globex.
	silver := csvMap(readCSV(t, admin, "/dashboard/export/kpis.csv"+year2025+"&tier="+testapp.TierSilver))
	expectRow(t, "silver kpis", silver, "revenue", "2000", "1000", "1.0000")
	latam := csvMap(readCSV(t, admin, "/dashboard/export/kpis.csv"+year2025+"&region=latam"))
	expectRow(t, "latam kpis", latam, "revenue", "4000", "500", "7.0000")
	bruno := csvMap(readCSV(t, admin, "/dashboard/export/kpis.csv"+year2025+"&manager="+testapp.ManagerBrunoID))
	expectRow(t, "bruno's kpis", bruno, "pipeline", "4000", "0", "")
}

func TestDashboardManagerSeesOnlyTheirPartners(t *testing.T) {
	app, srv := dashServer(t)
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	page := ana.get("/dashboard" + year2025)
	expectStatus(t, page, 200, "Ana's dashboard")
	expectContains(t, page, "Ana's dashboard (pt-BR)", "Receita ganha", "R$\u00a04.000,00", "Acme Brasil Ltda", "jan/25")
	expectNotContains(t, page, "Ana's dashboard", "Globex", `name="manager"`)
	kpis := csvMap(readCSV(t, ana, "/dashboard/export/kpis.csv"+year2025))
	expectRow(t, "Ana's kpis", kpis, "revenue", "4000", "500", "7.0000")
	expectRow(t, "Ana's kpis", kpis, "pipeline", "2500", "2000", "0.2500")
	expectRow(t, "Ana's kpis", kpis, "win_rate", "0.75", "0.25", "0.5000")
	expectRow(t, "Ana's kpis", kpis, "adoption", "1", "0", "1.0000")
	for _, table := range []string{"top", "bottom", "engagement", "tiers", "regions"} {
		r := ana.get("/dashboard/export/" + table + ".csv" + year2025)
		expectStatus(t, r, 200, table)
		expectNotContains(t, r, "Ana's "+table+" export", "Globex", "Silver", "North America", "América do Norte")
	}
	// The manager filter is the admin's: a manager cannot widen the scope.
	r := ana.get("/dashboard/export/kpis.csv" + year2025 + "&manager=" + testapp.ManagerBrunoID)
	expectStatus(t, r, 400, "manager filter from a manager")
	expectContains(t, r, "manager filter from a manager", "Escolha um gerente de canal da lista.")

	bruno := signedIn(t, app, srv, testapp.ManagerBrunoEmail)
	bk := csvMap(readCSV(t, bruno, "/dashboard/export/kpis.csv"+year2025))
	expectRow(t, "Bruno's kpis", bk, "revenue", "2000", "1000", "1.0000")
	r = bruno.get("/dashboard" + year2025)
	expectNotContains(t, r, "Bruno's dashboard", "Acme")
}

func TestPartnerDashboard(t *testing.T) {
	app, srv := dashServer(t)
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	page := fabio.get("/dashboard" + year2025)
	expectStatus(t, page, 200, "Globex user's dashboard")
	expectContains(t, page, "Globex user's dashboard", "Globex México", "Won revenue", "R$2,000.00", "R$4,000.00",
		"Progress towards the next tier", "Next tier:", "R$43,000.00 more won revenue in the last 12 months", "/dashboard/export/stages.csv")
	expectNotContains(t, page, "Globex user's dashboard", "Acme", `name="tier"`, "Engagement leaderboard")
	kpis := csvMap(readCSV(t, fabio, "/dashboard/export/kpis.csv"+year2025))
	expectRow(t, "Globex kpis", kpis, "revenue", "2000", "1000", "1.0000")
	expectRow(t, "Globex kpis", kpis, "pipeline", "4000", "0", "")
	expectRow(t, "Globex kpis", kpis, "weighted", "3000", "0", "")
	expectRow(t, "Globex kpis", kpis, "win_rate", "0.5", "1", "-0.5000")
	stages := csvMap(readCSV(t, fabio, "/dashboard/export/stages.csv"+year2025))
	expectRow(t, "Globex stages", stages, "negotiation", "4000.00")
	expectRow(t, "Globex stages", stages, "registered", "0.00")
	progress := csvMap(readCSV(t, fabio, "/dashboard/export/progress.csv"+year2025))
	expectRow(t, "Globex progress", progress, "revenue", "7000.00", "50000.00", "43000.00")
	expectRow(t, "Globex progress", progress, "certified", "0", "5", "5")
	// Staff tables do not exist for partners.
	expectStatus(t, fabio.get("/dashboard/export/top.csv"), 404, "staff table for a partner")
	// Staff filters are refused, not silently ignored.
	r := fabio.get("/dashboard?tier=" + testapp.TierGold)
	expectStatus(t, r, 400, "tier filter from a partner")
	expectContains(t, r, "tier filter from a partner", "This dashboard has no such filter.")

	carla := signedIn(t, app, srv, testapp.AcmeAdminEmail)
	page = carla.get("/dashboard" + year2025)
	expectStatus(t, page, 200, "Acme admin's dashboard")
	expectContains(t, page, "Acme admin's dashboard (pt-BR)", "Receita ganha", "R$\u00a04.000,00", "75,0\u00a0%",
		"Você está no nível mais alto do programa.")
	expectNotContains(t, page, "Acme admin's dashboard", "Globex")
}

func TestScorecardAccess(t *testing.T) {
	app, srv := dashServer(t)
	acme, globex := "/partners/acme-brasil/scorecard", "/partners/globex-mexico/scorecard"
	for _, c := range []struct {
		email, path string
		want        int
	}{
		{testapp.AdminEmail, acme, 200}, {testapp.AdminEmail, globex, 200},
		{testapp.ManagerAnaEmail, acme, 200}, {testapp.ManagerAnaEmail, globex, 404},
		{testapp.ManagerBrunoEmail, acme, 404}, {testapp.ManagerBrunoEmail, globex, 200},
		{testapp.AcmeAdminEmail, acme, 200}, {testapp.AcmeAdminEmail, globex, 404},
		{testapp.AcmeUserEmail, acme, 404}, {testapp.GlobexAdminEmail, acme, 404},
		{testapp.GlobexAdminEmail, globex, 200}, {testapp.GlobexUserEmail, globex, 404},
		{testapp.AdminEmail, "/partners/no-such-partner/scorecard", 404},
	} {
		b := signedIn(t, app, srv, c.email)
		for _, path := range []string{c.path, c.path + "/export/kpis.csv"} {
			r := b.get(path + year2025)
			expectStatus(t, r, c.want, c.email+" "+path)
			if c.want != 200 {
				expectNotContains(t, r, c.email+" "+path, "Won revenue", "Receita ganha", "revenue,")
			}
		}
	}
	guest := newBrowser(t, srv).get(acme)
	expectStatus(t, guest, 303, "guest scorecard")
	if loc := guest.Header.Get("Location"); !strings.HasPrefix(loc, "/login") {
		t.Fatalf("guest sent to %q", loc)
	}
	expectStatus(t, newBrowser(t, srv).get("/dashboard/export/kpis.csv"), 303, "guest export")

	carla := signedIn(t, app, srv, testapp.AcmeAdminEmail)
	page := carla.get(acme + year2025)
	expectContains(t, page, "Acme scorecard (pt-BR)", "Índice de engajamento", "Como o índice de engajamento é calculado",
		"Pessoas ativas (média mensal)", "As medianas do nível aparecem quando o nível tem pelo menos 5 parceiros ativos.")
	kpis := csvMap(readCSV(t, carla, acme+"/export/kpis.csv"+year2025))
	expectRow(t, "Acme scorecard", kpis, "revenue", "4000", "500", "7.0000")
	expectRow(t, "Acme scorecard", kpis, "engagement", "46", "6", "6.6667")
	expectRow(t, "Acme scorecard", kpis, "deals_registered", "12", "0", "")
	eng := csvMap(readCSV(t, carla, acme+"/export/engagement.csv"+year2025))
	expectRow(t, "Acme engagement", eng, "logins", "20", "20", "10", "10")
	expectRow(t, "Acme engagement", eng, "certified", "3", "5", "9", "15")
	expectRow(t, "Acme engagement", eng, "score", "", "", "46", "100")
	trend := csvMap(readCSV(t, carla, acme+"/export/trend.csv"+year2025))
	expectRow(t, "Acme trend", trend, "2025-05", "0.00", "3000.00", "66")

	// Staff rows link each partner to its scorecard.
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	expectContains(t, admin.get("/dashboard"+year2025), "staff dashboard", `href="/partners/globex-mexico/scorecard"`)
}

func TestDashboardBadInput(t *testing.T) {
	app, srv := dashServer(t)
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	for _, c := range []struct{ query, msg string }{
		{"?from=2025-06-01&to=2025-01-01", "The end date is before the start date."},
		{"?from=1975-01-01&to=2025-01-01", "Choose a range of at most 10 years."},
		{"?from=2025-13-45", "Enter a date as YYYY-MM-DD."},
		{"?to=yesterday", "Enter a date as YYYY-MM-DD."},
		{"?tier=nosuchtier00001", "Choose a tier from the list."},
		{"?region=atlantis", "Choose a region from the list."},
		{"?manager=" + testapp.AcmeUserID, "Choose a channel manager from the list."},
		{"?tier=" + url.QueryEscape("x' OR 1=1 --"), "Choose a tier from the list."},
		{"?region=" + url.QueryEscape("latam' OR '1'='1"), "Choose a region from the list."},
	} {
		for _, path := range []string{"/dashboard", "/dashboard/export/kpis.csv", "/partners/acme-brasil/scorecard"} {
			if strings.HasPrefix(path, "/partners") && !strings.Contains(c.query, "from") && !strings.Contains(c.query, "to=") {
				continue // the scorecard has no group filters: covered below
			}
			r := admin.get(path + c.query)
			expectStatus(t, r, 400, path+c.query)
			expectContains(t, r, path+c.query, c.msg, "Some filters could not be used.")
			if strings.Contains(r.Header.Get("Content-Type"), "csv") {
				t.Errorf("%s%s: a refused export must not be a CSV", path, c.query)
			}
		}
	}
	r := admin.get("/partners/acme-brasil/scorecard?tier=" + testapp.TierGold)
	expectStatus(t, r, 400, "group filter on a scorecard")
	// The form keeps what was typed.
	r = admin.get("/dashboard?from=2025-06-01&to=2025-01-01")
	expectContains(t, r, "reversed range", `value="2025-06-01"`, `value="2025-01-01"`, `aria-invalid="true"`)
	// Portuguese for a Portuguese reader.
	carla := signedIn(t, app, srv, testapp.AcmeAdminEmail)
	r = carla.get("/dashboard?from=2025-06-01&to=2025-01-01")
	expectStatus(t, r, 400, "reversed range (pt-BR)")
	expectContains(t, r, "reversed range (pt-BR)", "A data final é anterior à data inicial.")
	r = carla.get("/dashboard?from=1975-01-01&to=2025-01-01")
	expectContains(t, r, "50 years (pt-BR)", "Escolha um intervalo de no máximo 10 anos.")
	// Unknown tables are not found.
	for _, p := range []string{"/dashboard/export/users.csv", "/dashboard/export/kpis.txt", "/dashboard/export/..%2Fkpis.csv"} {
		if r := admin.get(p); r.Status != 404 {
			t.Errorf("%s: status %d, want 404", p, r.Status)
		}
	}
}

func TestDashboardExportNeutralisesFormulas(t *testing.T) {
	app, srv := dashServer(t)
	evil := `=HYPERLINK("http://evil.example","Acme")`
	if _, err := app.DB().NewQuery("UPDATE partners SET name = {:n} WHERE id = {:id}").
		Bind(map[string]any{"n": evil, "id": testapp.PartnerAcme}).Execute(); err != nil {
		t.Fatal(err)
	}
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	top := readCSV(t, admin, "/dashboard/export/top.csv"+year2025)
	if top[1][0] != "'"+evil {
		t.Fatalf("formula cell exported as %q", top[1][0])
	}
}

func TestDashboardDailyRange(t *testing.T) {
	app, srv := dashServer(t)
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	q := "?from=2025-12-01&to=2025-12-31"
	page := admin.get("/dashboard" + q)
	expectStatus(t, page, 200, "daily dashboard")
	expectContains(t, page, "daily dashboard", "day by day", "Dec 15")
	trend := csvMap(readCSV(t, admin, "/dashboard/export/trend.csv"+q))
	if len(trend) != 31 {
		t.Fatalf("daily trend has %d days", len(trend))
	}
	expectRow(t, "daily trend", trend, "2025-12-15", "0.00", "6500.00", "3650.00")
	kpis := csvMap(readCSV(t, admin, "/dashboard/export/kpis.csv"+q))
	// The previous period is 1–30 November: nothing won, the same pipeline.
	expectRow(t, "daily kpis", kpis, "pipeline", "6500", "6500", "0.0000")
	expectRow(t, "daily kpis", kpis, "adoption", "0.5", "0", "0.5000")
}

func TestDashboardWithoutFigures(t *testing.T) {
	app2, srv := newServer(t)
	// A fresh fixture without any kpi rows: every figure is zero or "—".
	if _, err := app2.DB().NewQuery("DELETE FROM kpi_daily").Execute(); err != nil {
		t.Fatal(err)
	}
	if _, err := app2.DB().NewQuery("DELETE FROM kpi_monthly").Execute(); err != nil {
		t.Fatal(err)
	}
	for _, email := range []string{testapp.AdminEmail, testapp.ManagerAnaEmail, testapp.AcmeUserEmail} {
		b := signedIn(t, app2, srv, email)
		expectStatus(t, b.get("/dashboard"), 200, email+" empty dashboard")
	}
}
