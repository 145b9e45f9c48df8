package e2e

import (
	"os"
	"testing"

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
