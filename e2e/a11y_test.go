package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// axePath is axe-core, vendored for the tests only by scripts/vendor.sh
// (TEST_PACKAGES); it is not part of the binary.
var axePath = filepath.Join("testdata", "vendor", "axe-core", "axe.min.js")

// axeTags are the rule sets the portal must pass: WCAG 2.0 and 2.1, A and AA.
var axeTags = []string{"wcag2a", "wcag2aa", "wcag21a", "wcag21aa"}

// axeMaxNodes is how many offending elements are listed per rule.
const axeMaxNodes = 5

// a11yPage is one page checked by TestA11y.
type a11yPage struct {
	path   string
	status int64 // expected HTTP status
}

// TestA11y loads each portal page as the role that uses it, at phone and
// desktop widths, and runs axe-core's WCAG 2.0/2.1 A and AA rules on it. A
// "serious" or "critical" violation fails the page's subtest; "moderate" and
// "minor" ones are logged. One browser serves every subtest; each role signs
// in once in its own browser context.
func TestA11y(t *testing.T) {
	axeSrc, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("reading axe-core: %v (it is vendored for the tests by scripts/vendor.sh; run it)", err)
	}
	h := newHarness(t)

	ok := func(paths ...string) []a11yPage {
		var ps []a11yPage
		for _, p := range paths {
			ps = append(ps, a11yPage{p, 200})
		}
		return ps
	}
	roles := []struct {
		role  string
		email string // "" for a guest
		pages []a11yPage
	}{
		{"guest", "", append(ok("/login", "/verify", "/apply"), a11yPage{"/no-such-page-a11y", 404})},
		{"partner-user", testapp.AcmeUserEmail, ok("/", "/organisation", "/documents", "/announcements", "/forums",
			"/conversations", "/conversations/new", "/notifications", "/menu",
			"/courses", "/certificates", "/deals", "/deals/new", "/dashboard",
			"/surveys", "/feedback", "/partners/acme-brasil/tiers")},
		{"partner-admin", testapp.AcmeAdminEmail, ok("/organisation", "/profile", "/tiers", "/invitations", "/invitations/new")},
		{"admin", testapp.AdminEmail, ok("/", "/profile", "/tiers", "/partners",
			"/partners/acme-brasil", "/partners/acme-brasil/edit", "/settings", "/people", "/partners/new", "/tiers/new",
			"/documents/new", "/folders", "/announcements/new", "/forums/reports", "/forums/categories/new",
			"/courses", "/courses/new", "/training/progress", "/certifications", "/certifications/new",
			"/certifications/report", "/certificates", "/deals", "/deals/settings", "/dashboard",
			"/partners/acme-brasil/scorecard", "/invitations", "/invitations/partner", "/applications",
			"/onboarding", "/onboarding/steps", "/onboarding/steps/new", "/tiers/reviews",
			"/partners/acme-brasil/tiers", "/surveys", "/surveys/new", "/feedback/inbox")},
	}
	widths := []struct{ w, h int64 }{{phoneW, phoneH}, {desktopW, desktopH}}

	// The detector itself: a page with planted violations must fail, otherwise
	// a broken injection or rule selection would let real ones through.
	t.Run("detector", func(t *testing.T) {
		rh := &harness{t: t, baseURL: h.baseURL, browser: h.browser}
		tb := rh.newTab("a11y detector", desktopW, desktopH)
		tb.loadA11y(a11yPage{"/no-such-page-a11y-canary", 404}, desktopW, desktopH)
		eval[bool](tb, `(() => { const m = document.querySelector('main');
			const b = document.createElement('button'); b.id = 'a11y-canary-button'; m.appendChild(b);
			const i = document.createElement('img'); i.id = 'a11y-canary-img'; i.src = '/favicon.ico'; m.appendChild(i);
			const p = document.createElement('p'); p.id = 'a11y-canary-text'; p.textContent = 'Faint text';
			p.style.color = '#c8c8c8'; p.style.background = '#ffffff'; m.appendChild(p); // CSSOM: allowed by the CSP
			return true; })()`)
		res := tb.runAxe(axeSrc)
		for _, want := range []struct{ rule, target string }{
			{"button-name", "#a11y-canary-button"}, {"image-alt", "#a11y-canary-img"}, {"color-contrast", "#a11y-canary-text"},
		} {
			v, found := res.violation(want.rule)
			if !found || (v.Impact != "critical" && v.Impact != "serious") || !strings.Contains(fmt.Sprint(v.Nodes), want.target) {
				t.Errorf("axe-core missed the planted %s violation on %s: got %+v (all: %+v)", want.rule, want.target, v, res.Violations)
			}
		}
		serious, other := res.split()
		t.Logf("detector: axe-core %s found the planted violations; a page would report them as:\n%s",
			res.Version, strings.Join(append(serious, other...), "\n"))
	})

	// Forms showing their errors: the messages must be tied to their fields.
	t.Run("error-states", func(t *testing.T) {
		rh := &harness{t: t, baseURL: h.baseURL, browser: h.browser}
		tb := rh.newTab("a11y error states", phoneW, phoneH)
		if st := tb.login(testapp.AcmeUserEmail, "not-the-password"); st != 400 {
			t.Fatalf("wrong password: status %d, want 400", st)
		}
		tb.poll("the sign-in error", `!!document.querySelector('#login-error')`)
		tb.assessA11y(axeSrc, "/login (wrong password)", phoneW, phoneH)
		if st := tb.login(testapp.AdminEmail, testapp.Password); st != 200 {
			t.Fatalf("signing in as admin: status %d", st)
		}
		tb.navigate("/tiers/new")
		if st := tb.follow(`main form button[type="submit"]`); st != 400 {
			t.Fatalf("empty tier form: status %d, want 400", st)
		}
		tb.poll("the field errors", `document.querySelectorAll('main .field-error').length > 0`)
		tb.assessA11y(axeSrc, "/tiers/new (errors)", phoneW, phoneH)
	})

	for _, r := range roles {
		t.Run(r.role, func(t *testing.T) {
			// A harness bound to this subtest: the tab closes, and checks
			// the console for CSP violations, when the role is done.
			rh := &harness{t: t, baseURL: h.baseURL, browser: h.browser}
			tb := rh.newTab("a11y "+r.role, desktopW, desktopH)
			if r.email != "" {
				if st := tb.login(r.email, testapp.Password); st != 200 {
					t.Fatalf("signing in as %s: status %d, want 200", r.email, st)
				}
				tb.assertNoCSP("on signing in")
			}
			for _, p := range r.pages {
				for _, vp := range widths {
					t.Run(fmt.Sprintf("%s_%dpx", a11yName(p.path), vp.w), func(t *testing.T) {
						defer tb.bind(t)()
						tb.checkA11y(axeSrc, p, vp.w, vp.h)
					})
				}
			}
		})
	}
}

// a11yName turns a path into a subtest name without slashes.
func a11yName(path string) string {
	if path == "/" {
		return "home"
	}
	return strings.ReplaceAll(strings.Trim(path, "/"), "/", "-")
}

// bind makes the tab report to t (a subtest) until the returned function
// restores the previous test. Subtests run one at a time, so the tab is
// never used by two tests at once.
func (tb *tab) bind(t *testing.T) (restore func()) {
	prev := tb.t
	tb.t = t
	return func() { tb.t = prev }
}

// axeNode is one offending element.
type axeNode struct {
	Target  string `json:"target"`
	Message string `json:"message"`
}

// axeViolation is one failed axe rule with its first offending elements.
type axeViolation struct {
	ID     string    `json:"id"`
	Impact string    `json:"impact"`
	Help   string    `json:"help"`
	URL    string    `json:"helpUrl"`
	Count  int       `json:"count"`
	Nodes  []axeNode `json:"nodes"`
}

type axeResult struct {
	Version    string         `json:"version"`
	Violations []axeViolation `json:"violations"`
	Incomplete []string       `json:"incomplete"` // "rule-id×count": needs a human
	Passes     []string       `json:"passes"`     // rules that applied and passed
}

// violation returns the violation of the rule id, if any.
func (r axeResult) violation(id string) (axeViolation, bool) {
	for _, v := range r.Violations {
		if v.ID == id {
			return v, true
		}
	}
	return axeViolation{}, false
}

// axeRunJS runs axe on the document once the web fonts are ready (text
// metrics matter for the contrast rules), and returns a compact summary.
const axeRunJS = `document.fonts.ready
  .then(() => axe.run(document, {runOnly: {type: 'tag', values: %s}}))
  .then((res) => {
    const target = (n) => n.target.map((t) => Array.isArray(t) ? t.join(' >>> ') : t).join(' | ');
    const message = (n) => {
      const checks = [].concat(n.any || [], n.all || [], n.none || []);
      const c = checks.find((c) => c.message);
      return c ? c.message : '';
    };
    return {
      version: axe.version,
      violations: res.violations.map((v) => ({
        id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl, count: v.nodes.length,
        nodes: v.nodes.slice(0, %d).map((n) => ({target: target(n), message: message(n)})),
      })),
      incomplete: res.incomplete.map((v) => v.id + '×' + v.nodes.length),
      passes: res.passes.map((v) => v.id),
    };
  })`

// loadA11y loads the page at width w and waits until it is complete.
func (tb *tab) loadA11y(p a11yPage, w, h int64) {
	t := tb.t
	t.Helper()
	tb.viewport(w, h)
	if st := tb.navigate(p.path); st != p.status {
		t.Fatalf("%s: loading %s: status %d, want %d", tb.name, p.path, st, p.status)
	}
	tb.poll("the page to finish loading", fmt.Sprintf(
		`document.readyState === 'complete' && location.pathname === %q && !!document.querySelector('main h1')`, p.path))
	tb.assertNoCSP("on loading " + p.path)
}

// runAxe injects axe-core into the current document and runs the WCAG rules.
func (tb *tab) runAxe(axeSrc []byte) axeResult {
	t := tb.t
	t.Helper()
	// DevTools evaluation is not subject to the page's CSP, so axe needs no
	// change to the policy. Each new document needs it again.
	if !eval[bool](tb, string(axeSrc)+"\n;typeof window.axe === 'object' && typeof axe.run === 'function'") {
		t.Fatalf("%s: axe-core did not load into %s", tb.name, eval[string](tb, `location.pathname`))
	}
	tags := `['` + strings.Join(axeTags, `','`) + `']`
	ctx, cancel := tb.wctx()
	defer cancel()
	res, err := chromedp.Run(ctx, chromedp.Evaluate[axeResult](fmt.Sprintf(axeRunJS, tags, axeMaxNodes), chromedp.EvalAwaitPromise))
	if err != nil {
		t.Fatalf("%s: running axe-core: %v", tb.name, err)
	}
	if len(res.Passes) == 0 {
		t.Fatalf("%s: axe-core %s checked nothing (no rule passed or failed)", tb.name, res.Version)
	}
	tb.assertNoCSP("while axe-core ran")
	return res
}

// checkA11y loads the page at width w, runs axe-core on it and reports.
func (tb *tab) checkA11y(axeSrc []byte, p a11yPage, w, h int64) {
	tb.t.Helper()
	tb.loadA11y(p, w, h)
	tb.assessA11y(axeSrc, p.path, w, h)
}

// assessA11y runs axe-core on the document the tab shows now and fails the
// test on serious or critical violations.
func (tb *tab) assessA11y(axeSrc []byte, label string, w, h int64) {
	t := tb.t
	t.Helper()
	res := tb.runAxe(axeSrc)
	p := a11yPage{path: label}

	where := fmt.Sprintf("%s at %d px (%s, axe-core %s)", p.path, w, tb.name, res.Version)
	serious, other := res.split()
	if len(other) > 0 {
		t.Logf("%s: %d moderate/minor accessibility violation(s), not failing:\n%s", where, len(other), strings.Join(other, "\n"))
	}
	if len(res.Incomplete) > 0 {
		t.Logf("%s: axe-core could not decide (check by hand): %s", where, strings.Join(res.Incomplete, ", "))
	}
	t.Logf("%s: %d rule(s) passed, %d violation(s)", where, len(res.Passes), len(res.Violations))
	if len(serious) > 0 {
		t.Errorf("%s: %d serious/critical ACCESSIBILITY VIOLATION(S):\n%s", where, len(serious), strings.Join(serious, "\n"))
		tb.screenshot(fmt.Sprintf("a11y-%s-%s-%d.png", strings.TrimPrefix(tb.name, "a11y "), a11yName(p.path), w), w, h)
	}
}

// split formats the violations: serious and critical ones, which fail the
// test, and the others.
func (r axeResult) split() (serious, other []string) {
	for _, v := range r.Violations {
		switch v.Impact {
		case "serious", "critical":
			serious = append(serious, formatViolation(v))
		default:
			other = append(other, formatViolation(v))
		}
	}
	return serious, other
}

// formatViolation lists the rule, its help text and the first offending
// elements (CSS selectors), with axe's explanation for each.
func formatViolation(v axeViolation) string {
	var b strings.Builder
	fmt.Fprintf(&b, "\t[%s] %s: %s (%d element(s)) %s", v.Impact, v.ID, v.Help, v.Count, v.URL)
	for _, n := range v.Nodes {
		fmt.Fprintf(&b, "\n\t\t%s", n.Target)
		if n.Message != "" {
			fmt.Fprintf(&b, "\n\t\t\t%s", n.Message)
		}
	}
	if v.Count > len(v.Nodes) {
		fmt.Fprintf(&b, "\n\t\t… and %d more", v.Count-len(v.Nodes))
	}
	return b.String()
}
