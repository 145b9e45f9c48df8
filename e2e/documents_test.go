package e2e

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/cdproto/browser"
	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// Exact UI strings (internal/i18n/locales/documents.*.json) the document
// scenario looks for.
const (
	enDocCreated     = "Document created."
	enVersionFlash   = "New version uploaded and made current."
	ptBadgeNew       = "Novo"
	en404Title       = "Page not found"
	docTitle         = "Gold launch kit 2026"
	docVersion2Notes = "Second edition: new prices."
)

// TestDocumentLifecycle follows one document from the staff editor to the
// partners it is meant for:
//
//  1. the admin creates it for the Gold tier (the live reach line says 1
//     partner), published, with a small PDF, then uploads a larger second
//     version through upload.js, whose <progress> shows and follows the bytes;
//  2. Diego (Acme, gold) finds it in the library with the "Novo" badge, opens
//     it and downloads exactly the bytes of version 2;
//  3. Fabio (Globex, silver) does not see it in the library, and its page and
//     download are the 404 page.
//
// The new-document form, the library and the staff document page (upload form
// and usage figures) pass axe-core's WCAG A/AA rules and are captured at 390
// and 1280 px; no step may trip the Content Security Policy.
func TestDocumentLifecycle(t *testing.T) {
	axeSrc, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("reading axe-core: %v (it is vendored for the tests by scripts/vendor.sh; run it)", err)
	}
	exe := requireChromium(t)
	dataDir := testapp.DataDir(t, true)
	// Diego's previous library visit was two hours ago, so a document
	// published now is "new" to him.
	backdateLibraryVisit(t, dataDir, testapp.AcmeUserEmail, 2*time.Hour)
	h := startHarness(t, exe, dataDir)

	files := t.TempDir()
	v1 := writeFile(t, files, "launch-kit-v1.pdf", fakePDF(1, 2<<10))
	v2Bytes := fakePDF(2, 400<<10) // large enough for upload progress events
	v2 := writeFile(t, files, "launch-kit-v2.pdf", v2Bytes)

	// 1. The admin creates the document for the Gold tier.
	admin := h.newTab("admin (documents)", desktopW, desktopH)
	if st := admin.login(testapp.AdminEmail, testapp.Password); st != 200 {
		t.Fatalf("signing in as %s: status %d, want 200", testapp.AdminEmail, st)
	}
	if st := admin.navigate("/documents/new"); st != 200 {
		t.Fatalf("opening /documents/new: status %d, want 200", st)
	}
	admin.poll("htmx to load", `typeof window.htmx === 'object' && !!document.getElementById('reach')`)
	admin.assertNoCSP("on loading /documents/new")
	admin.assessA11y(axeSrc, "/documents/new", desktopW, desktopH)
	admin.viewport(phoneW, phoneH)
	admin.assessA11y(axeSrc, "/documents/new", phoneW, phoneH)
	admin.viewport(desktopW, desktopH)

	// Each change of the audience asks for a new reach line; count the swaps
	// of #reach and wait for each answer before the next change, so the line
	// checked is the answer for the form with Gold ticked (htmx queues a
	// change made while a request is in flight).
	eval[bool](admin, `(() => { window.__reachSwaps = 0;
		document.body.addEventListener('htmx:afterSettle', (e) => {
			if (e.detail.elt && e.detail.elt.id === 'reach') window.__reachSwaps++; });
		return true; })()`)
	admin.do("filling title and status, choosing the Some tiers audience",
		chromedp.SendKeys(chromedp.ID("f-title"), docTitle),
		chromedp.SetValue(chromedp.ID("f-status"), "published"),
		chromedp.Click(chromedp.CSS(`input[name="audience"][value="tiers"]`)),
	)
	admin.poll("the reach line for an audience of no tier yet", `window.__reachSwaps >= 1`)
	admin.do("ticking the Gold tier",
		chromedp.Click(chromedp.CSS(`input[name="audience_tiers"][value="`+testapp.TierGold+`"]`)),
	)
	admin.poll(`the reach line to say "Reaches 1 partner"`,
		`window.__reachSwaps >= 2 && /^Reaches 1 partner and /.test(document.getElementById('reach').textContent.trim())`)
	admin.assertNoCSP("while htmx updated the reach line")

	admin.do("attaching the first file and creating the document",
		chromedp.SetUploadFiles(chromedp.ID("f-file"), []string{v1}),
		chromedp.Click(chromedp.CSS(`main form[data-upload] button[type="submit"]`)),
	)
	// upload.js sends the form and puts the answer into <main>: either the
	// document page (the address is replaced) or the form with its errors.
	admin.poll("the answer to the new-document form",
		`location.pathname !== '/documents/new' || !!document.querySelector('main .field-error, main .alert-error')`)
	created := eval[struct {
		Path   string   `json:"path"`
		H1     string   `json:"h1"`
		Flash  string   `json:"flash"`
		Errors []string `json:"errors"`
	}](admin, `({path: location.pathname, h1: (document.querySelector('main h1') || {}).textContent || '',
		flash: (document.querySelector('main .flash') || {}).textContent || '',
		errors: Array.from(document.querySelectorAll('main .field-error, main .alert-error'), (e) => e.textContent.trim())})`)
	m := regexp.MustCompile(`^/documents/([a-z0-9]{15})$`).FindStringSubmatch(created.Path)
	if m == nil {
		t.Fatalf("creating the document did not lead to its page: path=%q, form errors %q", created.Path, created.Errors)
	}
	docID, docPath := m[1], created.Path
	if created.H1 != docTitle || created.Flash != enDocCreated {
		t.Errorf("new document page: h1=%q flash=%q, want %q and %q", created.H1, created.Flash, docTitle, enDocCreated)
	}
	admin.assertNoCSP("creating the document through upload.js")

	// The second version, from a fresh load of the document page. Before
	// submitting, record what the progress bar and the XMLHttpRequest upload
	// do: the final upload "progress" event fires whenever a listener is
	// registered before send(), however fast the loopback is.
	admin.navigate(docPath)
	eval[bool](admin, `(() => {
		const rec = window.__e2eUpload = {shown: false, barMax: 0, barValue: 0, events: 0, loaded: 0, total: 0};
		const bar = document.querySelector('form[action$="/versions"] progress');
		new MutationObserver(() => {
			if (!bar.hidden) rec.shown = true;
			if (bar.hasAttribute('value')) { rec.barMax = bar.max; rec.barValue = bar.value; }
		}).observe(bar, {attributes: true});
		const send = XMLHttpRequest.prototype.send;
		XMLHttpRequest.prototype.send = function (body) {
			this.upload.addEventListener('progress', (e) => { rec.events++; rec.loaded = e.loaded; rec.total = e.total; });
			return send.call(this, body);
		};
		return (window.__ponteNoReload = true);
	})()`)
	admin.do("choosing version 2 and uploading it",
		chromedp.WaitVisible(chromedp.ID("f-file")),
		chromedp.SetUploadFiles(chromedp.ID("f-file"), []string{v2}),
		chromedp.SendKeys(chromedp.ID("f-notes"), docVersion2Notes),
		chromedp.Click(chromedp.CSS(`form[action$="/versions"] button[type="submit"]`)),
	)
	admin.poll("the version flash and v2 as the current version",
		fmt.Sprintf(`(document.querySelector('main .flash') || {}).textContent === %q &&
			/· v2 ·/.test((document.querySelector('main .download-box') || {}).textContent || '')`, enVersionFlash))
	up := eval[struct {
		NoReload bool    `json:"noReload"`
		Shown    bool    `json:"shown"`
		BarMax   float64 `json:"barMax"`
		BarValue float64 `json:"barValue"`
		Events   int     `json:"events"`
		Loaded   float64 `json:"loaded"`
		Total    float64 `json:"total"`
		Current  string  `json:"current"`
	}](admin, `({noReload: window.__ponteNoReload === true, ...window.__e2eUpload,
		current: (document.querySelector('main .version-current strong') || {}).textContent || ''})`)
	t.Logf("version 2 upload: progress shown=%v, %d upload progress event(s), last %v/%v bytes, bar at %v/%v",
		up.Shown, up.Events, up.Loaded, up.Total, up.BarValue, up.BarMax)
	if !up.NoReload {
		t.Errorf("uploading a version reloaded the page instead of going through upload.js")
	}
	if !up.Shown {
		t.Errorf("the upload's <progress> element never became visible (its hidden attribute stayed)")
	}
	if up.Events < 1 || up.Loaded != up.Total || up.Total < float64(len(v2Bytes)) {
		t.Errorf("upload progress: %d event(s), last %v of %v bytes; want at least one event reaching the whole body (≥ %d bytes)",
			up.Events, up.Loaded, up.Total, len(v2Bytes))
	}
	if up.BarMax < float64(len(v2Bytes)) || up.BarValue != up.BarMax {
		t.Errorf("the <progress> element ended at %v of %v, want it at its max (≥ %d bytes)", up.BarValue, up.BarMax, len(v2Bytes))
	}
	if up.Current != "v2" {
		t.Errorf("the history marks %q as current, want v2", up.Current)
	}
	admin.assertNoCSP("uploading version 2 with progress")

	// 2. Diego (Acme, gold) finds it, opens it and downloads version 2.
	diego := h.newTab("partner user Diego (Acme, gold)", desktopW, desktopH)
	if st := diego.login(testapp.AcmeUserEmail, testapp.Password); st != 200 {
		t.Fatalf("signing in as %s: status %d, want 200", testapp.AcmeUserEmail, st)
	}
	if st := diego.navigate("/documents"); st != 200 {
		t.Fatalf("Diego opening the library: status %d, want 200", st)
	}
	row := fmt.Sprintf(`document.querySelector('main .doc-rows a.row-main[href="/documents/%s"]')`, docID)
	listed := eval[struct {
		Listed bool     `json:"listed"`
		Title  string   `json:"title"`
		Badges []string `json:"badges"`
	}](diego, fmt.Sprintf(`(() => { const a = %s; if (!a) return {listed: false, title: '', badges: []};
		const li = a.closest('li');
		return {listed: true, title: a.querySelector('strong').textContent.trim(),
			badges: Array.from(li.querySelectorAll('.badge'), (b) => b.textContent.trim())}; })()`, row))
	if !listed.Listed || listed.Title != docTitle {
		t.Fatalf("Diego's library does not list %q (%s): %+v", docTitle, docPath, listed)
	}
	if !contains(listed.Badges, ptBadgeNew) {
		t.Errorf("Diego's library shows %q with badges %q, want %q (published since his last visit)", docTitle, listed.Badges, ptBadgeNew)
	}
	diego.assertNoCSP("on the library /documents")
	diego.assessA11y(axeSrc, "/documents (partner)", desktopW, desktopH)
	diego.screenshot("documents-library-partner-1280.png", desktopW, desktopH)
	diego.viewport(phoneW, phoneH)
	diego.assessA11y(axeSrc, "/documents (partner)", phoneW, phoneH)
	diego.screenshot("documents-library-partner-390.png", phoneW, phoneH)
	diego.viewport(desktopW, desktopH)

	if st := diego.follow(fmt.Sprintf(`main .doc-rows a.row-main[href="/documents/%s"]`, docID)); st != 200 {
		t.Fatalf("Diego opening %s from the library: status %d, want 200", docPath, st)
	}
	if s := diego.state(); s.Path != docPath || s.H1 != docTitle {
		t.Fatalf("Diego's document page: path=%q h1=%q, want %s and %q", s.Path, s.H1, docPath, docTitle)
	}
	if eval[bool](diego, `!!document.querySelector('form[action$="/versions"]')`) {
		t.Errorf("Diego, a partner user, is offered the upload form on %s", docPath)
	}
	got := diego.download(`main .download-box a[href$="/download"]`)
	if !bytes.Equal(got, v2Bytes) {
		t.Errorf("Diego downloaded %d bytes that are not version 2 (%d bytes)", len(got), len(v2Bytes))
	}
	diego.assertNoCSP("opening and downloading the document")

	// 3. Fabio (Globex, silver) is not in the audience.
	fabio := h.newTab("partner user Fabio (Globex, silver)", desktopW, desktopH)
	if st := fabio.login(testapp.GlobexUserEmail, testapp.Password); st != 200 {
		t.Fatalf("signing in as %s: status %d, want 200", testapp.GlobexUserEmail, st)
	}
	if st := fabio.navigate("/documents"); st != 200 {
		t.Fatalf("Fabio opening the library: status %d, want 200", st)
	}
	if eval[bool](fabio, fmt.Sprintf(`!!%s || document.querySelector('main').textContent.includes(%q)`, row, docTitle)) {
		t.Errorf("Fabio's library (Globex, silver) lists %q, a Gold-tier document", docTitle)
	}
	for _, p := range []string{docPath, docPath + "/download"} {
		if st := fabio.navigate(p); st != 404 {
			t.Errorf("Fabio opening %s: status %d, want 404", p, st)
		}
		if s := fabio.state(); s.H1 != en404Title {
			t.Errorf("Fabio opening %s shows h1 %q, want the 404 page's %q", p, s.H1, en404Title)
		}
	}
	fabio.assertNoCSP("on the library and the 404 pages")

	// 4. The staff document page, with Diego's download in the figures.
	admin.navigate(docPath)
	admin.poll("the upload form and the usage figures",
		`!!document.querySelector('main form[action$="/versions"] input[type="file"]') &&
			(document.querySelector('main .tiles .tile-n') || {}).textContent === '1'`)
	admin.assertNoCSP("on the staff document page")
	admin.assessA11y(axeSrc, docPath+" (staff)", desktopW, desktopH)
	admin.screenshot("documents-page-staff-1280.png", desktopW, desktopH)
	admin.viewport(phoneW, phoneH)
	admin.assessA11y(axeSrc, docPath+" (staff)", phoneW, phoneH)
	admin.screenshot("documents-page-staff-390.png", phoneW, phoneH)

	admin.navigate("/documents")
	admin.poll("the staff library", fmt.Sprintf(`!!%s`, row))
	admin.assessA11y(axeSrc, "/documents (staff)", phoneW, phoneH)
	admin.screenshot("documents-library-staff-390.png", phoneW, phoneH)
	admin.viewport(desktopW, desktopH)
	admin.assessA11y(axeSrc, "/documents (staff)", desktopW, desktopH)
	admin.screenshot("documents-library-staff-1280.png", desktopW, desktopH)
	admin.assertNoCSP("on the staff library")
}

// download clicks the link, lets Chromium save the file into a temporary
// directory (under a generated name) and returns its bytes once the browser
// reports the download completed.
func (tb *tab) download(sel string) []byte {
	tb.t.Helper()
	dir := tb.t.TempDir()
	ctx, cancel := tb.wctx()
	defer cancel()
	// The tab lives in its own browser context: name it, or the behaviour
	// would apply to the default context only.
	if _, err := chromedp.Call(ctx, browser.SetDownloadBehavior, browser.SetDownloadBehaviorParams{
		Behavior:         browser.SetDownloadBehaviorBehaviorAllowAndName,
		BrowserContextID: chromedp.FromContext(tb.ctx).BrowserContextID,
		DownloadPath:     dir,
		EventsEnabled:    new(true),
	}); err != nil {
		tb.t.Fatalf("%s: allowing downloads: %v", tb.name, err)
	}
	progress := chromedp.Events(ctx, browser.DownloadProgress)
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		tb.t.Fatalf("%s: clicking %s: %v", tb.name, sel, err)
	}
	for ev, err := range progress {
		if err != nil {
			tb.t.Fatalf("%s: waiting for the download from %s: %v", tb.name, sel, err)
		}
		switch ev.State {
		case browser.DownloadProgressStateCanceled:
			tb.t.Fatalf("%s: the download from %s was canceled", tb.name, sel)
		case browser.DownloadProgressStateCompleted:
			b, err := os.ReadFile(filepath.Join(dir, ev.GUID))
			if err != nil {
				tb.t.Fatalf("%s: reading the downloaded file: %v", tb.name, err)
			}
			return b
		}
	}
	tb.t.Fatalf("%s: the download from %s never completed", tb.name, sel)
	return nil
}

// backdateLibraryVisit records the user's last library visit ago in the past,
// in the data dir before the binary serves it, so the library's "new" and
// "updated" badges count from then. library_visit is a hidden bookkeeping
// field that no form or API sets.
func backdateLibraryVisit(t *testing.T, dataDir, email string, ago time.Duration) {
	t.Helper()
	db, err := core.DefaultDBConnect(filepath.Join(dataDir, "data.db"))
	if err != nil {
		t.Fatalf("opening the data dir's database: %v", err)
	}
	defer db.Close()
	when := time.Now().UTC().Add(-ago).Format("2006-01-02 15:04:05.000Z")
	res, err := db.Update("users", dbx.Params{"library_visit": when}, dbx.HashExp{"email": email}).Execute()
	if err != nil {
		t.Fatalf("backdating %s's library visit: %v", email, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("backdating %s's library visit changed %d rows, want 1", email, n)
	}
}

// fakePDF returns a PDF header followed by size bytes of seeded filler in
// comment lines: enough for the server to sniff application/pdf, and
// different for each seed.
func fakePDF(seed uint64, size int) []byte {
	r := rand.New(rand.NewPCG(seed, seed))
	const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	for b.Len() < size {
		b.WriteString("% ")
		for range 76 {
			b.WriteByte(alphabet[r.IntN(len(alphabet))])
		}
		b.WriteByte('\n')
	}
	b.WriteString("%%EOF\n")
	return b.Bytes()
}

// writeFile writes b to dir/name and returns the path.
func writeFile(t *testing.T, dir, name string, b []byte) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
