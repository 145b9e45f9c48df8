package e2e

import (
	"testing"

	"github.com/ponte-portal/ponte/internal/demo"
)

// TestDemoLogins runs `ponte serve --demo` on a fresh data dir, reads the
// logins it printed, and signs in with each: every role lands on its own home
// page. The partner admin's home at 1280 px is the README's
// screenshot (docs/screenshots/home.png is copied from readme-home.png).
func TestDemoLogins(t *testing.T) {
	exe := requireChromium(t)
	h := startHarness(t, exe, t.TempDir(), "--demo")
	cases := []struct {
		role, email, h1 string
	}{
		{"admin", demo.AdminEmail, "Programa de parceiros"},
		{"manager", demo.ManagerEmail, "Seus parceiros"},
		{"partner admin", demo.PartnerAdminEmail, demo.PartnerName},
		{"partner user", demo.PartnerUserEmail, demo.PartnerName},
	}
	for _, c := range cases {
		tb := h.newTab("demo "+c.role, desktopW, desktopH)
		if st := tb.login(c.email, demo.DemoPassword); st != 200 {
			t.Fatalf("demo %s %s: sign-in status %d", c.role, c.email, st)
		}
		if s := tb.state(); s.Path != "/" || s.H1 != c.h1 {
			t.Errorf("demo %s: path %q h1 %q, want / and %q", c.role, s.Path, s.H1, c.h1)
		}
		tb.assertNoCSP("demo " + c.role + " home")
		if c.role == "partner admin" {
			tb.screenshot("readme-home.png", desktopW, desktopH)
			tb.screenshot("demo-partner-admin-home-360.png", 360, 780)
		}
		if c.role == "admin" {
			tb.screenshot("demo-admin-home-1280.png", desktopW, desktopH)
		}
	}
}
