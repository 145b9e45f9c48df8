package e2e

import (
	"os"
	"testing"

	"github.com/ponte-portal/ponte/internal/demo"
)

// TestOnboardingInTheBrowser runs the demo: the half-way partner's admin
// sees the checklist with its progress bar on a phone; the channel manager
// opens the onboarding list and the partner's page and ticks the kick-off
// call with its button, and the partner's bar moves from 3 to 4 of 6; the
// admin opens the steps editor. Each page at 390 and 1280 px: no CSP
// report, no sideways scroll on the phone, axe-core's WCAG A/AA rules.
func TestOnboardingInTheBrowser(t *testing.T) {
	axeSrc, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("reading axe-core: %v (run scripts/vendor.sh)", err)
	}
	exe := requireChromium(t)
	h := startHarness(t, exe, t.TempDir(), "--demo")

	check := func(tb *tab, label, shot string) {
		t.Helper()
		for _, w := range []struct{ w, h int64 }{{phoneW, phoneH}, {desktopW, desktopH}} {
			tb.viewport(w.w, w.h)
			tb.assertNoCSP(label)
			tb.assessA11y(axeSrc, label, w.w, w.h)
			tb.screenshot(shot+"-"+itoa(w.w)+".png", w.w, w.h)
			if w.w == phoneW {
				if sw := eval[int64](tb, `document.documentElement.scrollWidth`); sw > phoneW {
					t.Errorf("%s at %d px scrolls sideways (%d px wide)", label, phoneW, sw)
				}
			}
		}
	}
	bar := `Number(document.querySelector('progress.onb-bar') && document.querySelector('progress.onb-bar').value)`

	partner := h.newTab("onboarding partner", phoneW, phoneH)
	if st := partner.login("ricardo.drummond@mineira-dados.example", demo.DemoPassword); st != 200 {
		t.Fatalf("partner admin sign-in: %d", st)
	}
	partner.poll("the checklist", `document.querySelector('.onb-panel .onb-steps') !== null`)
	if v := eval[int](partner, bar); v != 50 {
		t.Errorf("Mineira's bar = %d, want 50 (3 of 6)", v)
	}
	check(partner, "partner home with the checklist", "onboarding-partner-home")

	mgr := h.newTab("onboarding manager", desktopW, desktopH)
	if st := mgr.login(demo.ManagerEmail, demo.DemoPassword); st != 200 {
		t.Fatalf("manager sign-in: %d", st)
	}
	if st := mgr.navigate("/onboarding"); st != 200 {
		t.Fatalf("/onboarding: %d", st)
	}
	check(mgr, "/onboarding", "onboarding-list")
	if st := mgr.follow(`a[href="/onboarding/mineira-dados"]`); st != 200 {
		t.Fatalf("opening Mineira's onboarding: %d", st)
	}
	check(mgr, "/onboarding/mineira-dados", "onboarding-partner")
	if st := mgr.follow(`form[action="/onboarding/mineira-dados/tick"] button[type="submit"]`); st != 200 {
		t.Fatalf("ticking the kick-off call: %d", st)
	}
	mgr.poll("the bar at 4 of 6", bar+` === 66`)

	partner.navigate("/")
	if v := eval[int](partner, bar); v != 66 {
		t.Errorf("Mineira's bar after the call = %d, want 66 (4 of 6)", v)
	}

	admin := h.newTab("onboarding admin", desktopW, desktopH)
	if st := admin.login(demo.AdminEmail, demo.DemoPassword); st != 200 {
		t.Fatalf("admin sign-in: %d", st)
	}
	for _, p := range []string{"/onboarding/steps", "/onboarding/steps/new"} {
		if st := admin.navigate(p); st != 200 {
			t.Fatalf("%s: %d", p, st)
		}
		check(admin, p, "onboarding-"+a11yName(p))
	}
}
