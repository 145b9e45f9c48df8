package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/ponte-portal/ponte/internal/testapp"
)

const (
	// testTimeout bounds each test function: browser start, every scenario,
	// every wait. A hung browser fails the test instead of the whole run.
	testTimeout = 90 * time.Second
	// waitTimeout bounds one wait for an element or a page state.
	waitTimeout = 15 * time.Second
	// artifactsDir receives the screenshots (git-ignored).
	artifactsDir = "artifacts"
)

// Viewports used by the scenarios.
const (
	phoneW, phoneH     = 390, 844
	narrowW, narrowH   = 360, 740
	desktopW, desktopH = 1280, 800
)

// ---------------------------------------------------------------------------
// Finding Chromium

var skipped struct {
	sync.Mutex
	msg string
}

// skipBanner is the skip message of this run, if any test skipped for lack of
// a browser; TestMain prints it to stderr.
func skipBanner() string {
	skipped.Lock()
	defer skipped.Unlock()
	return skipped.msg
}

// browserRequired reports whether a missing browser is a failure, and why.
func browserRequired() (bool, string) {
	if os.Getenv("PONTE_REQUIRE_BROWSER") == "1" {
		return true, "PONTE_REQUIRE_BROWSER=1"
	}
	if os.Getenv("CI") != "" {
		return true, "CI is set"
	}
	return false, ""
}

// findChromium returns the browser to run: CHROMIUM_PATH, else chromium or
// chromium-browser on PATH. tried lists what did not work.
func findChromium() (path string, tried []string) {
	if p := os.Getenv("CHROMIUM_PATH"); p != "" {
		if abs, err := exec.LookPath(p); err == nil {
			return abs, nil
		}
		tried = append(tried, fmt.Sprintf("CHROMIUM_PATH=%q is not an executable", p))
	}
	for _, name := range []string{"chromium", "chromium-browser"} {
		if abs, err := exec.LookPath(name); err == nil {
			return abs, tried
		}
		tried = append(tried, name+" is not on PATH")
	}
	return "", tried
}

// requireChromium returns the browser's path, or skips the test loudly (or
// fails it when the browser is required).
func requireChromium(t *testing.T) string {
	t.Helper()
	p, tried := findChromium()
	if p != "" {
		if len(tried) > 0 {
			t.Logf("warning: %s; using %s", strings.Join(tried, "; "), p)
		}
		return p
	}
	why := "chromium not found (" + strings.Join(tried, "; ") + ")"
	if req, reason := browserRequired(); req {
		t.Fatalf("BROWSER TESTS ARE REQUIRED (%s) but %s; install Debian's chromium (apt-get install chromium) or set CHROMIUM_PATH", reason, why)
	}
	msg := "SKIPPING BROWSER TESTS: " + why + "; install Debian's chromium or set CHROMIUM_PATH " +
		"(PONTE_REQUIRE_BROWSER=1 turns this skip into a failure)"
	skipped.Lock()
	skipped.msg = msg
	skipped.Unlock()
	t.Skip(msg)
	return ""
}

// ---------------------------------------------------------------------------
// Harness: one seeded app on 127.0.0.1 and one Chromium per test function

type harness struct {
	t       *testing.T
	baseURL string
	browser context.Context // chromedp context of the running browser
}

// newHarness runs the real Ponte binary on a copy of the fixture network's
// data dir, on a random loopback port, and starts a headless Chromium with a
// throw-away profile. Everything stops when the test ends, and everything is
// bounded by testTimeout.
func newHarness(t *testing.T) *harness {
	t.Helper()
	exe := requireChromium(t)
	return startHarness(t, exe, testapp.DataDir(t, true))
}

var (
	binaryOnce sync.Once
	binaryPath string
	binaryErr  error
	binaryDir  string
)

// ponteBinary builds the binary once per test run (main_test.go's TestMain
// removes it).
func ponteBinary(t *testing.T) string {
	t.Helper()
	binaryOnce.Do(func() {
		binaryDir, binaryErr = os.MkdirTemp("", "ponte-e2e-bin-")
		if binaryErr != nil {
			return
		}
		binaryPath = filepath.Join(binaryDir, "ponte")
		out, err := exec.Command("go", "build", "-o", binaryPath, "..").CombinedOutput()
		if err != nil {
			binaryErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	if binaryErr != nil {
		t.Fatalf("building the ponte binary: %v", binaryErr)
	}
	return binaryPath
}

// startHarness runs the binary on dataDir (with extra serve arguments) and
// starts Chromium.
func startHarness(t *testing.T, exe, dataDir string, extra ...string) *harness {
	t.Helper()
	return startBrowser(t, exe, testapp.ServeBinary(t, ponteBinary(t), dataDir, testTimeout/2, extra...).URL)
}

// startBrowser starts Chromium for a portal already serving at baseURL (the
// binary, or an in-process test app whose test mailer a scenario reads).
func startBrowser(t *testing.T, exe, baseURL string) *harness {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), testTimeout)
	t.Cleanup(cancel)

	out := &syncBuffer{}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-quic", true),
		// The tests only talk to 127.0.0.1: never through a proxy from the
		// environment.
		chromedp.Flag("no-proxy-server", true),
		// A guest's language comes from Accept-Language: make it English
		// whatever the machine's locale.
		chromedp.Flag("lang", "en-US"),
		chromedp.Flag("accept-lang", "en-US,en"),
		chromedp.WindowSize(desktopW, desktopH),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.CombinedOutput(out),
	)
	allocCtx, allocCancel := chromedp.NewExecAllocator(ctx, opts...)
	t.Cleanup(allocCancel)
	browser, browserCancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() {
		// Close Chromium gracefully, so that it stops its helper processes
		// and removes its /tmp/org.chromium.* socket directory before the
		// temporary directories go; killing it would leave both behind.
		cctx, ccancel := context.WithTimeout(browser, 10*time.Second)
		defer ccancel()
		if err := chromedp.Cancel(cctx); err != nil && ctx.Err() == nil {
			t.Logf("closing chromium: %v", err)
		}
		browserCancel() // waits for the browser to exit
	})
	if err := chromedp.Do(browser); err != nil {
		t.Fatalf("starting %s: %v\nbrowser output:\n%s", exe, err, out.String())
	}
	t.Cleanup(func() {
		if t.Failed() {
			if o := browserOutput(out.String()); o != "" {
				t.Logf("chromium output:\n%s", o)
			}
		}
	})
	return &harness{t: t, baseURL: baseURL, browser: browser}
}

// browserOutput drops the lines Chromium always prints in a container (no
// D-Bus, the Debian wrapper's shell noise) from its output.
func browserOutput(s string) string {
	var keep []string
	for _, l := range strings.Split(s, "\n") {
		if strings.TrimSpace(l) == "" || strings.Contains(l, "dbus/") || strings.Contains(l, "unexpected operator") {
			continue
		}
		keep = append(keep, l)
	}
	return strings.Join(keep, "\n")
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// ---------------------------------------------------------------------------
// Tabs: one fresh browser context (own cookies, like incognito) per scenario

type tab struct {
	t    *testing.T
	h    *harness
	name string
	ctx  context.Context

	mu   sync.Mutex
	msgs []string // console errors and warnings, exceptions, CSP reports
	seen int      // msgs[:seen] have been checked by assertNoCSP
}

// cspReporter runs in every document before the page's own scripts. It is
// injected through DevTools, so the page's CSP does not apply to it. It turns
// every securitypolicyviolation event into a console error, in addition to
// the message Chromium logs itself, so a violation cannot go unseen.
const cspReporter = `document.addEventListener('securitypolicyviolation', function (e) {
  window.__cspViolations = (window.__cspViolations || 0) + 1;
  console.error('Content Security Policy violation (securitypolicyviolation event): ' +
    e.effectiveDirective + ' blocked ' + (e.blockedURI || 'inline') + ' in ' +
    (e.sourceFile || document.URL) + ':' + e.lineNumber + ' sample=' + JSON.stringify(e.sample || ''));
}, true);`

// newTab opens a tab in a new browser context with the viewport w×h, and
// records the console. Scenarios call assertNoCSP after each step; when the
// test ends the tab checks whatever is left, then closes.
func (h *harness) newTab(name string, w, ht int64) *tab {
	t := h.t
	t.Helper()
	ctx, cancel := chromedp.NewContext(h.browser, chromedp.WithNewBrowserContext())
	tb := &tab{t: t, h: h, name: name, ctx: ctx}
	if err := chromedp.Listen(ctx, tb.record); err != nil {
		cancel()
		t.Fatalf("%s: opening a tab: %v", name, err)
	}
	t.Cleanup(func() {
		tb.assertNoCSP("by the end of the scenario")
		cancel()
	})
	if _, err := chromedp.Call(ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: cspReporter}); err != nil {
		t.Fatalf("%s: installing the CSP reporter: %v", name, err)
	}
	tb.viewport(w, ht)
	return tb
}

// record runs on chromedp's event loop: it must be quick and must not call
// back into the browser.
func (tb *tab) record(ev any) {
	var m string
	switch ev := ev.(type) {
	case *runtime.EventConsoleAPICalled:
		switch ev.Type {
		case runtime.ConsoleAPICalledTypeError, runtime.ConsoleAPICalledTypeWarning, runtime.ConsoleAPICalledTypeAssert:
			parts := make([]string, 0, len(ev.Args))
			for _, a := range ev.Args {
				parts = append(parts, remoteText(a))
			}
			m = fmt.Sprintf("console.%s: %s", ev.Type, strings.Join(parts, " "))
		}
	case *runtime.EventExceptionThrown:
		d := ev.ExceptionDetails
		text := d.Text
		if d.Exception != nil {
			text += " " + remoteText(d.Exception)
		}
		m = fmt.Sprintf("uncaught exception: %s (%s:%d)", text, d.URL, d.LineNumber+1)
	case *log.EventEntryAdded:
		e := ev.Entry
		if e.Level == log.EntryLevelError || e.Level == log.EntryLevelWarning {
			m = fmt.Sprintf("log %s/%s: %s", e.Source, e.Level, e.Text)
			if e.URL != "" {
				m += " (" + e.URL + ")"
			}
		}
	}
	if m == "" {
		return
	}
	tb.mu.Lock()
	tb.msgs = append(tb.msgs, m)
	tb.mu.Unlock()
}

func remoteText(o *runtime.RemoteObject) string {
	if o == nil {
		return "null"
	}
	if len(o.Value) > 0 {
		var s string
		if json.Unmarshal(o.Value, &s) == nil {
			return s
		}
		return string(o.Value)
	}
	return o.Description
}

// isCSPViolation reports whether a console message is a CSP violation.
func isCSPViolation(m string) bool {
	return strings.Contains(m, "Content Security Policy") || strings.Contains(m, "Refused to")
}

// messages returns what the console recorded so far. It first makes one
// round trip to the tab, so every event sent before it has been recorded.
func (tb *tab) messages() []string {
	if tb.ctx.Err() == nil {
		ctx, cancel := context.WithTimeout(tb.ctx, 5*time.Second)
		_, _ = chromedp.Run(ctx, chromedp.Evaluate[int](`1`))
		cancel()
	}
	tb.mu.Lock()
	defer tb.mu.Unlock()
	return append([]string(nil), tb.msgs...)
}

// cspViolations returns the CSP violations recorded so far.
func (tb *tab) cspViolations() []string {
	var out []string
	for _, m := range tb.messages() {
		if isCSPViolation(m) {
			out = append(out, m)
		}
	}
	return out
}

// forget drops what the console recorded so far (for planted violations).
func (tb *tab) forget() {
	tb.messages()
	tb.mu.Lock()
	tb.msgs, tb.seen = nil, 0
	tb.mu.Unlock()
}

// assertNoCSP fails the test on every CSP violation recorded since the last
// check, naming the step, and logs the other console errors and warnings
// (for example the browser's "Failed to load resource: 400" after a rejected
// sign-in, which is expected).
func (tb *tab) assertNoCSP(step string) {
	tb.t.Helper()
	all := tb.messages()
	tb.mu.Lock()
	from := min(tb.seen, len(all))
	tb.seen = len(all)
	tb.mu.Unlock()
	for _, m := range all[from:] {
		if isCSPViolation(m) {
			tb.t.Errorf("%s: CONTENT SECURITY POLICY VIOLATION %s:\n\t%s\n"+
				"\t(the portal's CSP allows scripts and styles only from 'self' plus the per-request nonce: "+
				"style=\"…\" attributes, <script>/<style> without this page's nonce, and eval are all blocked)", tb.name, step, m)
		} else {
			tb.t.Logf("%s: browser console %s: %s", tb.name, step, m)
		}
	}
}

// ---------------------------------------------------------------------------
// Actions. Each fails the test with the scenario's name and the step.

// wctx is a context for one step, bounded by waitTimeout.
func (tb *tab) wctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(tb.ctx, waitTimeout)
}

func (tb *tab) do(step string, actions ...chromedp.Action[chromedp.Void]) {
	tb.t.Helper()
	ctx, cancel := tb.wctx()
	defer cancel()
	if err := chromedp.Do(ctx, actions...); err != nil {
		tb.t.Fatalf("%s: %s: %v", tb.name, step, err)
	}
}

// acceptLanguage sets the Accept-Language header of every request of the tab.
func (tb *tab) acceptLanguage(lang string) {
	tb.t.Helper()
	if _, err := chromedp.Call(tb.ctx, network.SetExtraHTTPHeaders,
		network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": lang}}); err != nil {
		tb.t.Fatalf("%s: setting Accept-Language: %v", tb.name, err)
	}
}

// navigate loads path and waits for the load event; it returns the status.
func (tb *tab) navigate(path string) int64 {
	tb.t.Helper()
	ctx, cancel := tb.wctx()
	defer cancel()
	resp, err := chromedp.Run(ctx, chromedp.NavigateResponse(tb.h.baseURL+path))
	if err != nil {
		tb.t.Fatalf("%s: loading %s: %v", tb.name, path, err)
	}
	return resp.Status
}

// follow clicks the element (a submit button or a link) and waits for the
// page it leads to; it returns the final status after redirects.
func (tb *tab) follow(sel string) int64 {
	tb.t.Helper()
	ctx, cancel := tb.wctx()
	defer cancel()
	resp, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel)))
	if err != nil {
		tb.t.Fatalf("%s: clicking %s and waiting for the next page: %v", tb.name, sel, err)
	}
	if resp == nil {
		tb.t.Fatalf("%s: clicking %s led to no page", tb.name, sel)
	}
	return resp.Status
}

// login fills the sign-in form and submits it; it returns the status of the
// page shown after (200 for home, 400 for a rejected sign-in).
func (tb *tab) login(email, password string) int64 {
	tb.t.Helper()
	tb.navigate("/login")
	tb.do("filling the sign-in form",
		chromedp.WaitVisible(chromedp.ID("f-email")),
		chromedp.SendKeys(chromedp.ID("f-email"), email),
		chromedp.SendKeys(chromedp.ID("f-password"), password),
	)
	return tb.follow(`form[action="/login"] button[type="submit"]`)
}

// switchLocale presses the footer's language button.
func (tb *tab) switchLocale(code string) {
	tb.t.Helper()
	if st := tb.follow(`form.locale-switch button[name="locale"][value="` + code + `"]`); st != 200 {
		tb.t.Fatalf("%s: switching to %s gave status %d", tb.name, code, st)
	}
}

// poll waits until the JavaScript expression is truthy, checking it on every
// animation frame. It evaluates in the page's current document (rather than
// chromedp.Poll's cached execution context, which can still name the previous
// document right after a navigation).
func (tb *tab) poll(what, expr string) {
	tb.t.Helper()
	ctx, cancel := tb.wctx()
	defer cancel()
	js := fmt.Sprintf(`new Promise((resolve, reject) => {
  const deadline = performance.now() + %d;
  const check = () => {
    let ok;
    try { ok = !!(%s); } catch (e) { reject(e); return; }
    if (ok) resolve(true);
    else if (performance.now() > deadline) resolve(false);
    else requestAnimationFrame(check);
  };
  check();
})`, (waitTimeout - time.Second).Milliseconds(), expr)
	ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](js, chromedp.EvalAwaitPromise))
	if err != nil {
		tb.t.Fatalf("%s: waiting for %s (%s): %v", tb.name, what, expr, err)
	}
	if !ok {
		tb.t.Fatalf("%s: timed out waiting for %s (%s)", tb.name, what, expr)
	}
}

// eval evaluates a JavaScript expression into T.
func eval[T any](tb *tab, expr string) T {
	tb.t.Helper()
	ctx, cancel := tb.wctx()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		tb.t.Fatalf("%s: evaluating %s: %v", tb.name, expr, err)
	}
	return v
}

// viewport resizes the page (phone widths emulate a mobile device) and waits
// until the page has the new width.
func (tb *tab) viewport(w, h int64) {
	tb.t.Helper()
	tb.do(fmt.Sprintf("resizing to %d×%d", w, h), chromedp.EmulateViewport(w, h, tb.emulation(w)...))
	// Media queries see the emulated width even when a mobile page is zoomed
	// out to fit content that overflows (innerWidth is then larger).
	if u := eval[string](tb, `location.href`); strings.HasPrefix(u, "http") {
		tb.poll(fmt.Sprintf("a %d px wide page", w), fmt.Sprintf(`matchMedia('(width: %dpx)').matches`, w))
	}
}

// emulation is the device emulation for a width: phones are mobile devices.
func (tb *tab) emulation(w int64) []chromedp.EmulateViewportOption {
	if w < 768 {
		return []chromedp.EmulateViewportOption{chromedp.EmulateMobile, chromedp.EmulatePortrait}
	}
	return nil
}

// screenshot saves the whole page at width w as artifacts/name (PNG). The
// viewport is made as tall as the page (at least h) for the capture, so the
// fixed bottom tab bar ends up at the bottom of the image as on a phone,
// rather than across the middle of a stitched full-page capture. The
// viewport is w×h again afterwards.
func (tb *tab) screenshot(name string, w, h int64) {
	tb.t.Helper()
	tb.viewport(w, h)
	tb.poll("the page to finish loading", `document.readyState === 'complete'`)
	if full := eval[int64](tb, `Math.ceil(document.documentElement.scrollHeight)`); full > h {
		tb.do(fmt.Sprintf("resizing to %d×%d for the capture", w, full), chromedp.EmulateViewport(w, full, tb.emulation(w)...))
		tb.poll("the page to be full height", fmt.Sprintf(`window.innerHeight === %d`, full))
		defer tb.viewport(w, h)
	}
	ctx, cancel := tb.wctx()
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		tb.t.Fatalf("%s: screenshot %s: %v", tb.name, name, err)
	}
	if err := os.MkdirAll(artifactsDir, 0o755); err != nil {
		tb.t.Fatalf("creating %s: %v", artifactsDir, err)
	}
	p := filepath.Join(artifactsDir, name)
	if err := os.WriteFile(p, png, 0o644); err != nil {
		tb.t.Fatalf("writing %s: %v", p, err)
	}
	tb.t.Logf("%s: saved %s", tb.name, p)
}

// pageState is what the scenarios check on a portal page.
type pageState struct {
	Path    string   `json:"path"`
	Lang    string   `json:"lang"`
	H1      string   `json:"h1"`
	Eyebrow string   `json:"eyebrow"`
	Nav     []string `json:"nav"`     // labels of the top navigation
	Tabs    []string `json:"tabs"`    // labels of the bottom tab bar
	Rows    []string `json:"rows"`    // partner names listed in main
	Current string   `json:"current"` // the language button marked current
}

const pageStateJS = `(() => {
  const text = (sel) => { const el = document.querySelector(sel); return el ? el.textContent.trim() : ''; };
  const all = (sel) => Array.from(document.querySelectorAll(sel), (el) => el.textContent.trim());
  const cur = document.querySelector('form.locale-switch button[aria-pressed="true"]');
  return {
    path: location.pathname,
    lang: document.documentElement.lang,
    h1: text('main h1'),
    eyebrow: text('main .eyebrow'),
    nav: all('nav.mainnav a'),
    tabs: all('nav.tabbar a'),
    rows: all('main .rows .row-text strong'),
    current: cur ? cur.value : '',
  };
})()`

func (tb *tab) state() pageState {
	tb.t.Helper()
	return eval[pageState](tb, pageStateJS)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
