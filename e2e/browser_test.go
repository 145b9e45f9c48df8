package e2e

import (
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// Exact UI strings (internal/i18n/locales/*.json) the scenarios look for.
const (
	acmeName   = "Acme Brasil Ltda"
	globexName = "Globex México"

	ptNavHome = "Início"
	enNavHome = "Home"

	enLoginFailed = "Wrong e-mail or password."
	ptLoginFailed = "E-mail ou senha incorretos."
)

// A partner user signs in, sees their partner's home in their own language
// (pt-BR), switches to English with the footer switcher, and the home page is
// captured at phone and desktop widths.
func TestPartnerHome(t *testing.T) {
	h := newHarness(t)
	tb := h.newTab("partner user (Acme)", desktopW, desktopH)

	if st := tb.login(testapp.AcmeUserEmail, testapp.Password); st != 200 {
		t.Fatalf("signing in as %s: status %d, want 200", testapp.AcmeUserEmail, st)
	}
	s := tb.state()
	if s.Path != "/" {
		t.Fatalf("after sign-in the browser is on %q, want the home page /", s.Path)
	}
	if s.H1 != acmeName {
		t.Errorf("partner home h1 = %q, want %q", s.H1, acmeName)
	}
	if s.Lang != "pt-BR" || !contains(s.Nav, ptNavHome) {
		t.Errorf("partner home should be in the user's language pt-BR: lang=%q nav=%q, want lang pt-BR and nav item %q", s.Lang, s.Nav, ptNavHome)
	}
	if want := "Bem-vindo(a), Diego Rocha"; s.Eyebrow != want {
		t.Errorf("pt-BR welcome line = %q, want %q", s.Eyebrow, want)
	}
	if s.Current != "pt-BR" {
		t.Errorf("language switcher marks %q as current, want pt-BR", s.Current)
	}
	tb.assertNoCSP("on the sign-in page or the pt-BR partner home")

	tb.switchLocale("en")
	s = tb.state()
	if s.Path != "/" || s.H1 != acmeName {
		t.Errorf("after switching language: path=%q h1=%q, want / and %q", s.Path, s.H1, acmeName)
	}
	if s.Lang != "en" || !contains(s.Nav, enNavHome) || contains(s.Nav, ptNavHome) {
		t.Errorf("after switching to English: lang=%q nav=%q, want lang en and nav item %q", s.Lang, s.Nav, enNavHome)
	}
	if want := "Welcome, Diego Rocha"; s.Eyebrow != want {
		t.Errorf("English welcome line = %q, want %q", s.Eyebrow, want)
	}
	if s.Current != "en" {
		t.Errorf("language switcher marks %q as current, want en", s.Current)
	}

	tb.assertNoCSP("on the English partner home")
	tb.screenshot("partner-home-390.png", phoneW, phoneH)
	tb.screenshot("partner-home-1280.png", desktopW, desktopH)
}

// A channel manager sees the staff home with her partners only, then opens the
// partner directory.
func TestManagerHome(t *testing.T) {
	h := newHarness(t)
	tb := h.newTab("channel manager (Ana)", desktopW, desktopH)

	if st := tb.login(testapp.ManagerAnaEmail, testapp.Password); st != 200 {
		t.Fatalf("signing in as %s: status %d, want 200", testapp.ManagerAnaEmail, st)
	}
	s := tb.state()
	if s.Path != "/" {
		t.Fatalf("after sign-in the browser is on %q, want the home page /", s.Path)
	}
	if want := "Seus parceiros"; s.H1 != want || s.Lang != "pt-BR" {
		t.Errorf("manager home: h1=%q lang=%q, want %q in pt-BR", s.H1, s.Lang, want)
	}
	if !contains(s.Rows, acmeName) {
		t.Errorf("manager home lists %q, want it to include her partner %q", s.Rows, acmeName)
	}
	if contains(s.Rows, globexName) {
		t.Errorf("manager home lists %q, which includes %q, a partner she does not manage", s.Rows, globexName)
	}
	tb.assertNoCSP("on the sign-in page or the manager home")
	tb.screenshot("manager-home-390.png", phoneW, phoneH)
	tb.screenshot("manager-home-1280.png", desktopW, desktopH)

	if st := tb.follow(`main .card-head a[href="/partners"]`); st != 200 {
		t.Fatalf("opening the partner directory: status %d, want 200", st)
	}
	s = tb.state()
	if want := "Parceiros"; s.Path != "/partners" || s.H1 != want {
		t.Fatalf("partner directory: path=%q h1=%q, want /partners and %q", s.Path, s.H1, want)
	}
	if !contains(s.Rows, acmeName) {
		t.Errorf("partner directory lists %q, want it to include %q", s.Rows, acmeName)
	}
	// htmx is loaded with the page's nonce; if the CSP blocked it, this
	// times out (and the console check names the violation).
	tb.poll("htmx to load", `typeof window.htmx === 'object'`)
	tb.assertNoCSP("on loading the partner directory /partners")
	tb.screenshot("manager-partners-390.png", phoneW, phoneH)
	tb.screenshot("manager-partners-1280.png", desktopW, desktopH)
}

// The directory's filters swap the results in place through htmx, under the
// CSP, and push the filter into the URL.
func TestPartnerDirectoryFilter(t *testing.T) {
	h := newHarness(t)
	tb := h.newTab("directory filter (Ana)", desktopW, desktopH)
	if st := tb.login(testapp.ManagerAnaEmail, testapp.Password); st != 200 {
		t.Fatalf("signing in as %s: status %d, want 200", testapp.ManagerAnaEmail, st)
	}
	tb.navigate("/partners")
	tb.poll("htmx to load", `typeof window.htmx === 'object'`)
	if s := tb.state(); !contains(s.Rows, acmeName) {
		t.Fatalf("partner directory lists %q, want it to include %q", s.Rows, acmeName)
	}
	tb.assertNoCSP("on loading the partner directory /partners")

	// Mark the current results: a full page load would drop the mark, an
	// htmx swap keeps the rest of the page.
	eval[bool](tb, `(() => { document.body.dataset.e2eMark = '1';
		const s = document.getElementById('f-status'); s.value = 'suspended';
		s.dispatchEvent(new Event('change', {bubbles: true})); return true; })()`)
	tb.poll("the filtered results (no suspended partners) swapped in by htmx",
		`location.search.includes('status=suspended') && !!document.querySelector('#partner-results .empty') && !document.querySelector('#partner-results .rows')`)
	if !eval[bool](tb, `document.body.dataset.e2eMark === '1'`) {
		t.Errorf("filtering reloaded the whole page instead of swapping #partner-results with htmx")
	}
	tb.assertNoCSP("while htmx swapped in the filtered results (status=suspended)")
}

// A wrong password shows the translated error in #login-error, in English
// (Accept-Language) and in Portuguese (after the switcher), and the e-mail
// field keeps what was typed.
func TestLoginWrongPassword(t *testing.T) {
	h := newHarness(t)
	tb := h.newTab("wrong password", phoneW, phoneH)
	tb.acceptLanguage("en")

	const email = testapp.AcmeUserEmail
	check := func(lang, want string) {
		t.Helper()
		if st := tb.login(email, "not-the-password"); st != 400 {
			t.Errorf("[%s] rejected sign-in: status %d, want 400", lang, st)
		}
		tb.do("waiting for #login-error", chromedp.WaitVisible(chromedp.ID("login-error")))
		got := eval[struct {
			Path  string `json:"path"`
			Lang  string `json:"lang"`
			Error string `json:"error"`
			Email string `json:"email"`
			Pass  string `json:"pass"`
		}](tb, `({path: location.pathname, lang: document.documentElement.lang,
			error: document.getElementById('login-error').textContent.trim(),
			email: document.getElementById('f-email').value,
			pass: document.getElementById('f-password').value})`)
		if got.Path != "/login" || got.Lang != lang {
			t.Errorf("[%s] rejected sign-in shows path=%q lang=%q, want /login in %s", lang, got.Path, got.Lang, lang)
		}
		if got.Error != want {
			t.Errorf("[%s] #login-error = %q, want %q", lang, got.Error, want)
		}
		if got.Email != email {
			t.Errorf("[%s] e-mail field after a rejected sign-in = %q, want the typed %q", lang, got.Email, email)
		}
		if got.Pass != "" {
			t.Errorf("[%s] password field is refilled after a rejected sign-in (%d characters)", lang, len(got.Pass))
		}
	}

	check("en", enLoginFailed)
	tb.assertNoCSP("on the English sign-in page")
	tb.screenshot("login-error-390.png", phoneW, phoneH)

	tb.switchLocale("pt-BR")
	if s := tb.state(); s.Path != "/login" || s.Lang != "pt-BR" {
		t.Fatalf("after switching the sign-in page to pt-BR: path=%q lang=%q", s.Path, s.Lang)
	}
	check("pt-BR", ptLoginFailed)
	tb.assertNoCSP("on the pt-BR sign-in page")
}

// On a 360 px phone the partner home has no horizontal scroll and uses the
// bottom tab bar; at 1280 px the top navigation shows and the tab bar hides.
func TestMobileLayout(t *testing.T) {
	h := newHarness(t)
	tb := h.newTab("layout (Acme)", narrowW, narrowH)
	if st := tb.login(testapp.AcmeUserEmail, testapp.Password); st != 200 {
		t.Fatalf("signing in: status %d, want 200", st)
	}
	if s := tb.state(); s.Path != "/" || s.H1 != acmeName {
		t.Fatalf("after sign-in: path=%q h1=%q, want the partner home", s.Path, s.H1)
	}
	tb.poll("the page to finish loading", `document.readyState === 'complete'`)

	l := tb.layout(narrowW)
	// A phone zooms out to fit a page that is too wide, so innerWidth grows
	// with scrollWidth: compare both with the device width.
	if l.ScrollWidth > narrowW || l.InnerWidth > narrowW {
		t.Errorf("partner home is wider than a %d px phone: documentElement.scrollWidth=%d, innerWidth=%d; elements past %d px: %s",
			narrowW, l.ScrollWidth, l.InnerWidth, narrowW, strings.Join(l.Overflow, "; "))
	}
	if !l.Tabbar.Visible {
		t.Errorf("at %d px the bottom tab bar nav.tabbar is not visible: %+v", narrowW, l.Tabbar)
	} else if l.Tabbar.Bottom > float64(l.InnerHeight)+0.5 || l.Tabbar.Top < 0 {
		t.Errorf("at %d px nav.tabbar is not inside the viewport (%d px high): %+v", narrowW, l.InnerHeight, l.Tabbar)
	}
	if l.Mainnav.Visible {
		t.Errorf("at %d px the top navigation nav.mainnav is visible; the tab bar replaces it on phones", narrowW)
	}

	tb.viewport(desktopW, desktopH)
	l = tb.layout(desktopW)
	if !l.Mainnav.Visible {
		t.Errorf("at %d px the top navigation nav.mainnav is not visible: %+v", desktopW, l.Mainnav)
	}
	if l.Tabbar.Visible {
		t.Errorf("at %d px the bottom tab bar nav.tabbar is visible (display=%q); it should be hidden", desktopW, l.Tabbar.Display)
	}
	if l.ScrollWidth > l.InnerWidth {
		t.Errorf("partner home scrolls sideways at %d px: scrollWidth=%d > innerWidth=%d; %s",
			desktopW, l.ScrollWidth, l.InnerWidth, strings.Join(l.Overflow, "; "))
	}
	tb.assertNoCSP("on the partner home")
}

type boxState struct {
	Present bool    `json:"present"`
	Display string  `json:"display"`
	Visible bool    `json:"visible"`
	Top     float64 `json:"top"`
	Bottom  float64 `json:"bottom"`
	Width   float64 `json:"width"`
}

type layoutState struct {
	InnerWidth  int      `json:"innerWidth"`
	InnerHeight int      `json:"innerHeight"`
	ScrollWidth int      `json:"scrollWidth"`
	Tabbar      boxState `json:"tabbar"`
	Mainnav     boxState `json:"mainnav"`
	Overflow    []string `json:"overflow"` // elements whose right edge is past the width checked
}

const layoutJS = `((maxRight) => {
  const box = (sel) => {
    const el = document.querySelector(sel);
    if (!el) return {present: false, display: '', visible: false, top: 0, bottom: 0, width: 0};
    const cs = getComputedStyle(el), r = el.getBoundingClientRect();
    return {present: true, display: cs.display, top: r.top, bottom: r.bottom, width: r.width,
      visible: cs.display !== 'none' && cs.visibility !== 'hidden' && r.width > 0 && r.height > 0};
  };
  const overflow = [];
  for (const el of document.body.querySelectorAll('*')) {
    const r = el.getBoundingClientRect();
    // Report the outermost culprits only, not all their descendants.
    const p = el.parentElement;
    if (r.right > maxRight + 0.5 && r.width > 0 && !(p && p.getBoundingClientRect().right > maxRight + 0.5)) {
      overflow.push(el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\s+/).join('.') : '') +
        ' right=' + Math.round(r.right));
      if (overflow.length >= 10) break;
    }
  }
  return {innerWidth: window.innerWidth, innerHeight: window.innerHeight, scrollWidth: document.documentElement.scrollWidth,
    tabbar: box('nav.tabbar'), mainnav: box('nav.mainnav'), overflow};
})(%d)`

// layout measures the page; Overflow lists elements past width px.
func (tb *tab) layout(width int) layoutState {
	tb.t.Helper()
	return eval[layoutState](tb, fmt.Sprintf(layoutJS, width))
}

// The CSP detector itself: a page that breaks the same policy must be caught,
// otherwise a silent detector would let real violations through.
func TestCSPDetectorCatchesViolations(t *testing.T) {
	h := newHarness(t)
	tb := h.newTab("CSP canary", desktopW, desktopH)
	// A 404 page is rendered by the portal with its CSP; inject an inline
	// script and an inline style attribute into it the way a careless
	// template would, through the DOM (DevTools evaluation itself is exempt).
	tb.navigate("/no-such-page-csp-canary")
	eval[bool](tb, `(() => {
		const s = document.createElement('script'); s.textContent = 'window.__inline = 1;'; document.body.appendChild(s);
		const d = document.createElement('div'); d.setAttribute('style', 'color: red'); document.body.appendChild(d);
		return true; })()`)
	tb.poll("the securitypolicyviolation events", `window.__cspViolations >= 2`)
	v := tb.cspViolations()
	if len(v) == 0 {
		t.Fatalf("the CSP detector saw nothing after an inline script and an inline style on a page with the portal's CSP; console: %q", tb.messages())
	}
	if eval[bool](tb, `window.__inline === 1`) {
		t.Errorf("an inline script without the nonce ran: the portal's CSP is not enforced")
	}
	t.Logf("detector saw %d violation message(s), e.g. %s", len(v), v[0])
	// These violations were planted: keep them out of the tab's final check.
	tb.forget()
}
