package e2e

import (
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// chartsReady is true once every chart of the page has been drawn by
// js/charts.js into an ECharts canvas of non-zero size.
const chartsReady = `(() => {
  const charts = Array.from(document.querySelectorAll('[data-chart]'));
  return charts.length > 0 && charts.every((el) => {
    const c = el.querySelector('canvas');
    return el.dataset.chartReady === 'true' && c && c.width > 0 && c.height > 0 &&
      el.getBoundingClientRect().width > 0 && el.getBoundingClientRect().height > 0;
  });
})()`

// TestDealsDashboardCharts opens the staff dashboard, a partner's dashboard
// and a scorecard on the hand-computed KPI fixture: every chart is drawn by
// the vendored ECharts into a canvas of non-zero size at 390 and 1280 px,
// with no CSP report, and the pages pass axe-core's WCAG A/AA rules.
func TestDealsDashboardCharts(t *testing.T) {
	axeSrc, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("reading axe-core: %v (run scripts/vendor.sh)", err)
	}
	exe := requireChromium(t)
	dir := testapp.DataDir(t, true)
	testapp.SeedDashboardsDir(t, dir)
	h := startHarness(t, exe, dir)

	for _, c := range []struct {
		email, path, shot string
		charts            int
	}{
		{testapp.AdminEmail, "/dashboard?from=2025-01-01&to=2025-12-31", "dashboard-staff", 5},
		{testapp.GlobexUserEmail, "/dashboard?from=2025-01-01&to=2025-12-31", "dashboard-partner", 2},
		{testapp.AcmeAdminEmail, "/partners/acme-brasil/scorecard?from=2025-01-01&to=2025-12-31", "scorecard", 2},
	} {
		tb := h.newTab(c.shot, desktopW, desktopH)
		if st := tb.login(c.email, testapp.Password); st != 200 {
			t.Fatalf("signing in as %s: status %d", c.email, st)
		}
		if st := tb.navigate(c.path); st != 200 {
			t.Fatalf("%s: status %d", c.path, st)
		}
		for _, w := range []struct{ w, h int64 }{{desktopW, desktopH}, {phoneW, phoneH}} {
			tb.viewport(w.w, w.h)
			tb.poll("every chart drawn", chartsReady)
			if n := eval[int](tb, `document.querySelectorAll('[data-chart] canvas').length`); n != c.charts {
				t.Errorf("%s: %d charts drawn, want %d", c.path, n, c.charts)
			}
			// Each chart's numbers are also in a table.
			if n := eval[int](tb, `document.querySelectorAll('.dash-chart table').length`); n < c.charts {
				t.Errorf("%s: %d tables under %d charts", c.path, n, c.charts)
			}
			tb.assertNoCSP("drawing the charts of " + c.path)
			tb.assessA11y(axeSrc, c.path, w.w, w.h)
			tb.screenshot(c.shot+"-"+itoa(w.w)+".png", w.w, w.h)
			// Nothing wider than the phone's screen.
			if w.w == phoneW {
				if sw := eval[int64](tb, `document.documentElement.scrollWidth`); sw > phoneW {
					t.Errorf("%s at %d px scrolls sideways (%d px wide)", c.path, phoneW, sw)
				}
			}
		}
	}
}

func itoa(n int64) string {
	if n == 0 {
		return "0"
	}
	var b []byte
	for ; n > 0; n /= 10 {
		b = append([]byte{byte('0' + n%10)}, b...)
	}
	return string(b)
}

// Exact UI strings (internal/i18n/locales/deals.en.json) the deal scenario
// looks for.
const (
	enProtected       = "This account is already protected by another registration."
	enConflictOther   = "Another partner holds a protected registration for this customer."
	conflictCustomer  = "ACAI INDUSTRIA"
	conflictAmount    = "40000"
	conflictAmountRaw = 40000.0
)

// kpiCSV fetches the signed-in user's key figures as CSV from the page and
// returns the value of one figure for this period.
func kpiCSV(tb *tab, key string) float64 {
	tb.t.Helper()
	ctx, cancel := tb.wctx()
	defer cancel()
	js := `fetch('/dashboard/export/kpis.csv', {credentials: 'same-origin'}).then((r) => r.text()).then((t) => {
  const row = t.replace(/^\ufeff/, '').split('\n').map((l) => l.split(',')).find((c) => c[0] === ` + "'" + key + "'" + `);
  return row ? row[1] : 'missing';
})`
	v, err := chromedp.Run(ctx, chromedp.Evaluate[string](js, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("%s: fetching the %s figure: %v", tb.name, key, err)
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil {
		tb.t.Fatalf("%s: the %s figure is %q", tb.name, key, v)
	}
	return f
}

// TestDealsConflictApprovedAndPipeline is the end-to-end scenario
// on the fixture deals (testapp.SeedDeals):
//
//  1. Fabio (Globex, partner user) notes his dashboard's pipeline, then
//     registers "ACAI INDUSTRIA" (acai.com.br), which Acme's approved
//     registration of "Açaí Indústria Ltda." (www.acai.com.br) protects:
//     he is told the account is already protected, never by whom;
//  2. Bruno, Globex's channel manager, sees the two registrations side by
//     side (Acme's named) and approves Fabio's;
//  3. Fabio's dashboard shows the pipeline grown by the deal's amount, with
//     every chart drawn in Chromium at 390 and 1280 px.
//
// No step may trip the Content Security Policy.
func TestDealsConflictApprovedAndPipeline(t *testing.T) {
	exe := requireChromium(t)
	dir := testapp.DataDir(t, true)
	testapp.WithDataDir(t, dir, func(app core.App) { testapp.SeedDeals(t, app) })
	h := startHarness(t, exe, dir)

	// 1. Fabio registers the conflicting deal.
	fabio := h.newTab("partner user (deals)", desktopW, desktopH)
	if st := fabio.login(testapp.GlobexUserEmail, testapp.Password); st != 200 {
		t.Fatalf("signing in as %s: status %d", testapp.GlobexUserEmail, st)
	}
	if st := fabio.navigate("/dashboard"); st != 200 {
		t.Fatalf("Fabio's dashboard: status %d", st)
	}
	fabio.poll("the charts of Fabio's dashboard", chartsReady)
	before := kpiCSV(fabio, "pipeline")
	if st := fabio.navigate("/deals/new"); st != 200 {
		t.Fatalf("/deals/new: status %d", st)
	}
	fabio.do("filling in the registration",
		chromedp.SendKeys(chromedp.ID("f-customer_name"), conflictCustomer),
		chromedp.SendKeys(chromedp.ID("f-customer_domain"), "acai.com.br"),
		chromedp.SetValue(chromedp.ID("f-customer_country"), "BR"),
		chromedp.SendKeys(chromedp.ID("f-product"), "Ponte Cloud"),
		chromedp.SendKeys(chromedp.ID("f-amount"), conflictAmount),
		chromedp.SetValue(chromedp.ID("f-currency"), "BRL"),
		chromedp.SetValue(chromedp.ID("f-expected_close"), time.Now().UTC().AddDate(0, 3, 0).Format("2006-01-02")),
	)
	if st := fabio.follow(`form[action="/deals/new"] button[type="submit"]`); st != 200 {
		t.Fatalf("registering the deal: status %d", st)
	}
	dealPath := eval[string](fabio, `location.pathname`)
	if !strings.HasPrefix(dealPath, "/deals/") || dealPath == "/deals/new" {
		t.Fatalf("after registering, Fabio is on %s", dealPath)
	}
	text := eval[string](fabio, `document.querySelector('main').innerText`)
	if !strings.Contains(text, enProtected) {
		t.Fatalf("Fabio is not told the account is protected:\n%s", text)
	}
	if strings.Contains(text, "Acme") {
		t.Fatalf("Fabio is told who protects the account:\n%s", text)
	}
	fabio.assertNoCSP("registering a conflicting deal")

	// 2. Bruno compares and approves.
	bruno := h.newTab("channel manager (deals)", desktopW, desktopH)
	if st := bruno.login(testapp.ManagerBrunoEmail, testapp.Password); st != 200 {
		t.Fatalf("signing in as %s: status %d", testapp.ManagerBrunoEmail, st)
	}
	if st := bruno.navigate(dealPath); st != 200 {
		t.Fatalf("Bruno opening %s: status %d", dealPath, st)
	}
	cmp := eval[string](bruno, `(document.querySelector('.deal-conflict') || {innerText: ''}).innerText`)
	for _, want := range []string{enConflictOther, conflictCustomer, "Açaí Indústria Ltda.", "Acme Brasil Ltda", "Globex México"} {
		if !strings.Contains(cmp, want) {
			t.Fatalf("the side-by-side comparison lacks %q:\n%s", want, cmp)
		}
	}
	bruno.screenshot("deals-conflict-1280.png", desktopW, desktopH)
	bruno.screenshot("deals-conflict-390.png", phoneW, phoneH)
	if st := bruno.follow(`form.deal-decide button[value="approve"]`); st != 200 {
		t.Fatalf("approving: status %d", st)
	}
	bruno.poll("the deal to show as approved", `!document.querySelector('form.deal-decide button[value="approve"]')`)
	bruno.assertNoCSP("comparing and approving")

	// 3. Fabio's dashboard shows the new pipeline, charts drawn.
	if st := fabio.navigate("/dashboard"); st != 200 {
		t.Fatalf("Fabio's dashboard: status %d", st)
	}
	for _, w := range []struct{ w, h int64 }{{desktopW, desktopH}, {phoneW, phoneH}} {
		fabio.viewport(w.w, w.h)
		fabio.poll("the charts of Fabio's dashboard", chartsReady)
		fabio.screenshot("deals-partner-dashboard-"+itoa(w.w)+".png", w.w, w.h)
	}
	after := kpiCSV(fabio, "pipeline")
	if after-before != conflictAmountRaw {
		t.Fatalf("Fabio's pipeline went from %v to %v, want +%v", before, after, conflictAmountRaw)
	}
	fabio.assertNoCSP("the dashboard after the approval")
}
