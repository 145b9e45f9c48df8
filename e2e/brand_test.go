package e2e

import (
	"os"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// TestBrandCodeSignInOnAPhone walks the code sign-in on a 390 px phone in
// Portuguese up to a wrong code (the right one is read from the test mailer
// in the Go tests, ui/auth_otp_test.go), and the branding settings' live
// contrast preview and refusal, with axe-core on every state and the
// harness failing on any CSP violation.
func TestBrandCodeSignInOnAPhone(t *testing.T) {
	axeSrc, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("reading axe-core: %v (run scripts/vendor.sh)", err)
	}
	h := newHarness(t)
	tb := h.newTab("brand phone", phoneW, phoneH)
	tb.acceptLanguage("pt-BR")
	tb.viewport(phoneW, phoneH)
	if st := tb.navigate("/login"); st != 200 {
		t.Fatalf("/login: %d", st)
	}
	tb.poll("the code link and the partner link", `!!document.querySelector('#use-code') && !!document.querySelector('a[href="/apply"]')`)
	tb.assessA11y(axeSrc, "/login", phoneW, phoneH)
	tb.screenshot("brand-login-390.png", phoneW, phoneH)
	if st := tb.follow("#use-code"); st != 200 {
		t.Fatalf("code form: %d", st)
	}
	tb.poll("the code form", `!!document.querySelector('#otp-email')`)
	tb.assessA11y(axeSrc, "/login?method=code", phoneW, phoneH)
	tb.do("typing the address", chromedp.SendKeys(chromedp.ID("otp-email"), testapp.AcmeAdminEmail))
	if st := tb.follow(`#otp-send`); st != 200 {
		t.Fatalf("requesting a code: %d", st)
	}
	tb.poll("the code page", `!!document.querySelector('#otp-code')`)
	if !eval[bool](tb, `(() => { const r = document.getElementById('otp-code').getBoundingClientRect();
		return r.height >= 48 && r.left >= 0 && r.right <= innerWidth && document.documentElement.scrollWidth <= innerWidth; })()`) {
		t.Error("the code field is not a big field that fits a 390 px screen")
	}
	if got := eval[string](tb, `document.getElementById('otp-code').getAttribute('inputmode') + ' ' + document.getElementById('otp-code').autocomplete`); got != "numeric one-time-code" {
		t.Errorf("code field: %q", got)
	}
	tb.assessA11y(axeSrc, "code page", phoneW, phoneH)
	tb.screenshot("brand-code-page-390.png", phoneW, phoneH)
	tb.do("typing a wrong code", chromedp.SendKeys(chromedp.ID("otp-code"), "00000000"))
	if st := tb.follow("#otp-submit"); st != 400 {
		t.Fatalf("wrong code: %d, want 400", st)
	}
	tb.poll("the wrong-code message", `(document.querySelector('#e-code') || {}).textContent === 'O código está incorreto ou expirou.'`)
	tb.assessA11y(axeSrc, "code page (wrong code)", phoneW, phoneH)
	tb.assertNoCSP("code sign-in")

	// The admin's settings: the preview reacts to the colour, the server
	// refuses an unreadable one with a suggestion.
	ad := h.newTab("brand settings", phoneW, phoneH)
	ad.viewport(phoneW, phoneH)
	if st := ad.login(testapp.AdminEmail, testapp.Password); st != 200 {
		t.Fatalf("admin sign-in: %d", st)
	}
	ad.navigate("/settings")
	ad.poll("the contrast readout", `document.querySelector('.brand-ratio').textContent.includes('6')`)
	eval[bool](ad, `(() => { const i = document.getElementById('f-primary_colour'); i.value = '#ffff00';
		i.dispatchEvent(new Event('input', {bubbles: true})); return true; })()`)
	ad.poll("the low-contrast warning", `document.querySelector('.brand-ratio').classList.contains('is-low')`)
	ad.do("saving", chromedp.Click(chromedp.CSS(`main form[action="/settings"] button[type="submit"]`)))
	ad.poll("the refusal beside the colour", `!!document.querySelector('#e-primary_colour') && !!document.querySelector('.brand-suggestion code')`)
	ad.assessA11y(axeSrc, "/settings (unreadable colour)", phoneW, phoneH)
	ad.screenshot("brand-settings-contrast-390.png", phoneW, phoneH)
	ad.navigate("/profile")
	ad.poll("the session list", `document.querySelectorAll('.session-list li').length >= 1 && !!document.querySelector('#sign-out-everywhere')`)
	ad.assessA11y(axeSrc, "/profile (sessions)", phoneW, phoneH)
	ad.screenshot("brand-profile-sessions-390.png", phoneW, phoneH)
	ad.assertNoCSP("settings and profile")
}
