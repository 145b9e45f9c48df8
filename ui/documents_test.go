package ui_test

import (
	"bytes"
	"fmt"
	"io/fs"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/documents"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// The portal tests of the document library: every access decision is
// checked from both sides through real HTTP requests.

// Fixture titles (testapp.FixtureDocuments).
const (
	titleAll      = "Price list 2026"
	titleGold     = "Gold playbook"
	titleEurope   = "EU data addendum"
	titleGlobex   = "Globex joint plan"
	titleDraft    = "Draft roadmap"
	titleArchived = "Old price list"
	titleAcme     = "Acme signed agreement"
)

// Small files of known types (the hooks sniff the bytes, not the name).
var (
	docPDF  = []byte("%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n")
	docHTML = []byte("<!DOCTYPE html><html><head><title>x</title></head><body><script>alert(document.cookie)</script></body></html>\n")
	docSVG  = []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>`)
)

// newDocServer is newServer with the fixture documents seeded.
func newDocServer(t *testing.T) (*tests.TestApp, *httptest.Server) {
	t.Helper()
	app, srv := newServer(t)
	testapp.SeedDocuments(t, app)
	return app, srv
}

// docUpload submits a multipart form as the upload forms do: fields (which
// may repeat, like audience_tiers) and, when fileName is not "", one file
// in the field "file". Like browser.do it fails on a badly formatted
// translation.
func docUpload(b *browser, path string, fields url.Values, fileName string, content []byte) response {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if fields.Get("_csrf") == "" {
		_ = w.WriteField("_csrf", b.csrf)
	}
	for k, vs := range fields {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	if fileName != "" {
		fw, err := w.CreateFormFile("file", fileName)
		if err != nil {
			b.t.Fatal(err)
		}
		_, _ = fw.Write(content)
	}
	_ = w.Close()
	req, err := http.NewRequest(http.MethodPost, b.srv.URL+path, &body)
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Content-Type", w.FormDataContentType())
	for _, c := range b.jar {
		req.AddCookie(c)
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	var out bytes.Buffer
	_, _ = out.ReadFrom(res.Body)
	b.keepCookies(res)
	if strings.Contains(out.String(), "%!") {
		b.t.Errorf("POST %s: badly formatted translation in the page:\n%s", path, snippet(out.String()))
	}
	if m := csrfInput.FindStringSubmatch(out.String()); m != nil {
		b.csrf = m[1]
	}
	return response{Status: res.StatusCode, Body: out.String(), Header: res.Header}
}

// docRequest sends a bodiless request with the browser's cookies and an
// optional Range header.
func docRequest(b *browser, method, path, rng string) response {
	b.t.Helper()
	req, err := http.NewRequest(method, b.srv.URL+path, nil)
	if err != nil {
		b.t.Fatal(err)
	}
	if rng != "" {
		req.Header.Set("Range", rng)
	}
	for _, c := range b.jar {
		req.AddCookie(c)
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	var out bytes.Buffer
	_, _ = out.ReadFrom(res.Body)
	return response{Status: res.StatusCode, Body: out.String(), Header: res.Header}
}

// countRows counts the records of a collection matching where (nil: all).
func countRows(t *testing.T, app core.App, collection string, where dbx.Expression) int {
	t.Helper()
	var exprs []dbx.Expression
	if where != nil {
		exprs = append(exprs, where)
	}
	n, err := app.CountRecords(collection, exprs...)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// storedFiles lists every file in the app's storage (relative paths,
// sorted), so a test can tell that a refused upload left nothing behind.
func storedFiles(t *testing.T, app core.App) []string {
	t.Helper()
	root := filepath.Join(app.DataDir(), "storage")
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if os.IsNotExist(err) {
			return nil
		}
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			out = append(out, rel)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	slices.Sort(out)
	return out
}

// version returns version n of a document.
func version(t *testing.T, app core.App, docID string, n int) *core.Record {
	t.Helper()
	v, err := app.FindFirstRecordByFilter("document_versions", "document = {:d} && number = {:n}", dbx.Params{"d": docID, "n": n})
	if err != nil {
		t.Fatalf("version %d of %s: %v", n, docID, err)
	}
	return v
}

// docByID reloads a document.
func docByID(t *testing.T, app core.App, id string) *core.Record {
	t.Helper()
	d, err := app.FindRecordById("documents", id)
	if err != nil {
		t.Fatalf("document %s: %v", id, err)
	}
	return d
}

// userByID loads a fixture user.
func userByID(t *testing.T, app core.App, id string) *core.Record {
	t.Helper()
	u, err := app.FindRecordById("users", id)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// addDocument saves a published document shared with everybody straight
// through the app (hooks apply), with one text version unless noFile.
func addDocument(t *testing.T, app core.App, title, folder string, tags []string, fileName string, content []byte) *core.Record {
	t.Helper()
	c, err := app.FindCollectionByNameOrId("documents")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	r.Set("title", title)
	r.Set("folder", folder)
	r.Set("tags", tags)
	r.Set("status", "published")
	r.Set("audience", "all")
	r.Set("owner", testapp.AdminID)
	if err := app.Save(r); err != nil {
		t.Fatalf("saving %q: %v", title, err)
	}
	if fileName != "" {
		if _, err := testapp.AddVersion(app, r.Id, testapp.AdminID, fileName, content); err != nil {
			t.Fatalf("version of %q: %v", title, err)
		}
	}
	return r
}

// waitFor polls cond until it holds, failing the test after 10 s. It is for
// work PocketBase does in the background (deleting a record's files).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		runtime.Gosched()
	}
}

// setUploadLimit sets the operator's per-file limit in the settings record.
func setUploadLimit(t *testing.T, app core.App, mb int) {
	t.Helper()
	s, err := app.FindFirstRecordByFilter("settings", "")
	if err != nil {
		t.Fatal(err)
	}
	s.Set("max_upload_mb", mb)
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
}

// activityCount counts activity events of a kind by a user.
func activityCount(t *testing.T, app core.App, kind, userID string) int {
	return countRows(t, app, "activity", dbx.HashExp{"kind": kind, "user": userID})
}

func TestLibraryShowsEachUserOnlyTheirDocuments(t *testing.T) {
	app, srv := newDocServer(t)
	all := []string{titleAll, titleGold, titleEurope, titleGlobex, titleDraft, titleArchived, titleAcme}
	except := func(shown ...string) []string {
		var out []string
		for _, s := range all {
			if !slices.Contains(shown, s) {
				out = append(out, s)
			}
		}
		return out
	}
	for _, c := range []struct {
		email, path string
		shows       []string
	}{
		{testapp.AcmeUserEmail, "/documents", []string{titleAll, titleGold, titleAcme}},
		{testapp.AcmeAdminEmail, "/documents", []string{titleAll, titleGold, titleAcme}},
		{testapp.GlobexUserEmail, "/documents", []string{titleAll, titleGlobex}},
		{testapp.GlobexAdminEmail, "/documents", []string{titleAll, titleGlobex}},
		// Staff see drafts; archived documents only when asked for.
		{testapp.AdminEmail, "/documents", []string{titleAll, titleGold, titleEurope, titleGlobex, titleDraft, titleAcme}},
		{testapp.AdminEmail, "/documents?status=archived", []string{titleArchived}},
		{testapp.AdminEmail, "/documents?status=draft", []string{titleDraft}},
		// Managers: shared documents, and only their own partners' private ones.
		{testapp.ManagerAnaEmail, "/documents", []string{titleAll, titleGold, titleEurope, titleGlobex, titleDraft, titleAcme}},
		{testapp.ManagerBrunoEmail, "/documents", []string{titleAll, titleGold, titleEurope, titleGlobex, titleDraft}},
		{testapp.ManagerBrunoEmail, "/documents?status=archived", []string{titleArchived}},
	} {
		what := c.email + " " + c.path
		r := signedIn(t, app, srv, c.email).get(c.path)
		expectStatus(t, r, http.StatusOK, what)
		expectContains(t, r, what, c.shows...)
		expectNotContains(t, r, what, except(c.shows...)...)
	}

	// The private badge names the partner for those who may see it.
	expectContains(t, signedIn(t, app, srv, testapp.AcmeUserEmail).get("/documents"), "diego private badge", "Acme Brasil Ltda")
	// Partners have no status filter and no staff buttons; staff do.
	r := signedIn(t, app, srv, testapp.AcmeUserEmail).get("/documents")
	expectContains(t, r, "diego library (pt-BR)", "Documentos")
	expectNotContains(t, r, "diego library", `name="status"`, `href="/documents/new"`, `href="/folders"`)
	r = signedIn(t, app, srv, testapp.GlobexUserEmail).get("/documents")
	expectContains(t, r, "fabio library (en)", "Documents", "All documents")
	r = signedIn(t, app, srv, testapp.AdminEmail).get("/documents")
	expectContains(t, r, "admin library", `name="status"`, `href="/documents/new"`, `href="/folders"`)

	// A guest is sent to sign in.
	r = newBrowser(t, srv).get("/documents")
	expectStatus(t, r, http.StatusSeeOther, "guest library")
	if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, "/login") {
		t.Fatalf("guest sent to %q", loc)
	}
}

func TestLibraryFilters(t *testing.T) {
	app, srv := newDocServer(t)
	fc, _ := app.FindCollectionByNameOrId("document_folders")
	child := core.NewRecord(fc)
	child.Set("name", "Brazil deals")
	child.Set("parent", testapp.FolderSales)
	if err := app.Save(child); err != nil {
		t.Fatal(err)
	}
	grandchild := core.NewRecord(fc)
	grandchild.Set("name", "Brazil archive")
	grandchild.Set("parent", child.Id)
	if err := app.Save(grandchild); err != nil {
		t.Fatal(err)
	}
	addDocument(t, app, "Child folder brief", child.Id, []string{"fixture"}, "brief.txt", []byte("child brief"))
	addDocument(t, app, "Grandchild memo", grandchild.Id, nil, "memo.txt", []byte("grandchild memo"))
	addDocument(t, app, "Quarter campaign", "", []string{"Promo-Q3"}, "banner.png", pngBytes(t))

	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	for _, c := range []struct {
		query        string
		shows, hides []string
	}{
		// q searches the title, and the tags.
		{"q=playbook", []string{titleGold}, []string{titleAll, titleAcme, "Quarter campaign"}},
		{"q=PROMO", []string{"Quarter campaign"}, []string{titleAll, titleGold}},
		// The tag filter matches whole tags, ignoring case.
		{"tag=promo-q3", []string{"Quarter campaign"}, []string{titleAll, titleGold, "Child folder brief"}},
		{"tag=promo", nil, []string{"Quarter campaign", titleAll}},
		// A folder includes its subfolders, all the way down.
		{"folder=" + testapp.FolderSales, []string{titleAll, titleGold, "Child folder brief", "Grandchild memo"}, []string{titleAcme, "Quarter campaign"}},
		{"folder=" + child.Id, []string{"Child folder brief", "Grandchild memo"}, []string{titleAll, titleGold}},
		{"folder=" + grandchild.Id, []string{"Grandchild memo"}, []string{"Child folder brief"}},
		{"folder=" + testapp.FolderLegal, []string{titleAcme}, []string{titleAll, "Child folder brief"}},
		// The kind comes from the sniffed bytes.
		{"kind=image", []string{"Quarter campaign"}, []string{titleAll, titleGold}},
		{"kind=text", []string{titleAll, titleGold, titleAcme}, []string{"Quarter campaign"}},
		{"kind=pdf", nil, []string{titleAll, "Quarter campaign"}},
		{"since=2000-01-01", []string{titleAll, "Quarter campaign"}, nil},
		{"since=2999-01-01", nil, []string{titleAll, "Quarter campaign"}},
		// Filters never widen what the rule shows.
		{"q=globex", nil, []string{titleGlobex}},
		{"folder=" + testapp.FolderSales + "&q=plan", nil, []string{titleGlobex}},
	} {
		r := diego.get("/documents?" + c.query)
		expectStatus(t, r, http.StatusOK, c.query)
		expectContains(t, r, c.query, c.shows...)
		expectNotContains(t, r, c.query, c.hides...)
		if len(c.shows) == 0 {
			expectContains(t, r, c.query, "Nenhum documento atende a estes filtros.")
		}
	}

	// Bad values: 400 with the message beside the filter in the user's
	// language, the typed values kept, never a 500.
	long := url.QueryEscape(strings.Repeat("x", 101))
	for _, c := range []struct{ query, msg string }{
		{"folder=nosuchfolder000", "Este valor não é válido."},
		{"folder=../../etc", "Este valor não é válido."},
		{"kind=exe", "Este valor não é válido."},
		{"since=yesterday", "Informe uma data."},
		{"since=2026-13-45", "Informe uma data."},
		{"tag=" + strings.Repeat("t", 41), "Este valor não é válido."},
		{"q=" + long, "Busque com no máximo 100 caracteres."},
		{"page=0", "Este valor não é válido."},
		{"page=abc", "Este valor não é válido."},
		{"status=draft", "Este valor não é válido."}, // partners have no status filter
	} {
		r := diego.get("/documents?" + c.query)
		expectStatus(t, r, http.StatusBadRequest, c.query)
		expectContains(t, r, c.query, c.msg)
		expectNotContains(t, r, c.query, titleDraft)
	}
	r := diego.get("/documents?kind=exe&q=keep-me")
	expectContains(t, r, "values kept", `value="keep-me"`)
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	r = fabio.get("/documents?since=soon")
	expectStatus(t, r, http.StatusBadRequest, "fabio bad date")
	expectContains(t, r, "fabio bad date", "Enter a date.")
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	r = admin.get("/documents?status=deleted")
	expectStatus(t, r, http.StatusBadRequest, "admin bad status")
	expectContains(t, r, "admin bad status", "This value is not valid.")
}

func TestLibraryPaging(t *testing.T) {
	app, srv := newDocServer(t)
	// 18 more shared documents: the admin sees 24 (drafts included, archive
	// not), diego 21, fabio exactly 20.
	for i := 0; i < 18; i++ {
		addDocument(t, app, fmt.Sprintf("Datasheet %02d", i), testapp.FolderSales, nil, "", nil)
	}
	for _, c := range []struct {
		email    string
		nextPage bool
	}{
		{testapp.AdminEmail, true}, {testapp.AcmeUserEmail, true}, {testapp.GlobexUserEmail, false},
	} {
		b := signedIn(t, app, srv, c.email)
		r := b.get("/documents")
		expectStatus(t, r, http.StatusOK, c.email+" page 1")
		if got := strings.Count(r.Body, `class="row-main"`); got != 20 {
			t.Errorf("%s: page 1 lists %d documents, want 20", c.email, got)
		}
		if has := strings.Contains(r.Body, `rel="next"`); has != c.nextPage {
			t.Errorf("%s: next link %v, want %v", c.email, has, c.nextPage)
		}
	}
	// The two pages together hold each of diego's 21 documents once.
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	r := diego.get("/documents")
	expectContains(t, r, "page 1", `href="/documents?page=2"`)
	seen := docTitles(r.Body)
	r = diego.get("/documents?page=2")
	expectStatus(t, r, http.StatusOK, "page 2")
	expectContains(t, r, "page 2", `rel="prev"`)
	expectNotContains(t, r, "page 2", `rel="next"`)
	page2 := docTitles(r.Body)
	if len(page2) != 1 {
		t.Errorf("page 2 lists %v, want one document", page2)
	}
	want := []string{titleAll, titleGold, titleAcme}
	for i := 0; i < 18; i++ {
		want = append(want, fmt.Sprintf("Datasheet %02d", i))
	}
	got := append(seen, page2...)
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("pages 1 and 2 list\n%v\nwant\n%v", got, want)
	}
	expectStatus(t, diego.get("/documents?page=3"), http.StatusOK, "page 3")
	// Filters travel with the pager (the admin has 22 documents in Sales).
	r = signedIn(t, app, srv, testapp.AdminEmail).get("/documents?folder=" + testapp.FolderSales)
	expectContains(t, r, "filtered pager", "folder="+testapp.FolderSales+"&amp;page=2")
}

// rowTitle finds the titles in the library's rows.
var rowTitle = regexp.MustCompile(`<span class="row-text"><strong>([^<]*)</strong>`)

func docTitles(body string) []string {
	var out []string
	for _, m := range rowTitle.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// nonceAttr strips the per-response CSP nonces before pages are compared.
var nonceAttr = regexp.MustCompile(`nonce="[^"]*"`)

func TestDocumentPageHidesWhatTheUserMayNotSee(t *testing.T) {
	app, srv := newDocServer(t)
	const random = "zzzzzzzzzzzzzz9"
	for email, hidden := range map[string][]string{
		testapp.AcmeUserEmail:     {testapp.DocGlobex, testapp.DocEurope, testapp.DocDraft, testapp.DocArchived},
		testapp.AcmeAdminEmail:    {testapp.DocGlobex, testapp.DocDraft},
		testapp.GlobexUserEmail:   {testapp.DocAcmePrivate, testapp.DocGold, testapp.DocDraft, testapp.DocArchived},
		testapp.ManagerBrunoEmail: {testapp.DocAcmePrivate},
	} {
		b := signedIn(t, app, srv, email)
		for _, id := range hidden {
			for _, suffix := range []string{"", "/history", "/download", "/versions/1/download", "/versions/1/download?inline=1"} {
				what := email + " " + id + suffix
				r := b.get("/documents/" + id + suffix)
				expectStatus(t, r, http.StatusNotFound, what)
				expectContains(t, r, what, `class="error-page"`)
				// The same page as for an id that does not exist at all.
				other := b.get("/documents/" + random + suffix)
				expectStatus(t, other, http.StatusNotFound, "random "+suffix)
				norm := func(s, id string) string { return nonceAttr.ReplaceAllString(strings.ReplaceAll(s, id, "ID"), "") }
				if norm(r.Body, id) != norm(other.Body, random) {
					t.Errorf("%s: the 404 differs from a missing document's", what)
				}
			}
		}
	}
	if n := countRows(t, app, "document_downloads", nil); n != 0 {
		t.Fatalf("refused downloads were counted: %d rows", n)
	}

	// The visible side, in each user's language.
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	r := diego.get("/documents/" + testapp.DocAll)
	expectStatus(t, r, http.StatusOK, "diego DocAll")
	expectContains(t, r, "diego DocAll (pt-BR)", titleAll, "Baixar", "Histórico", `href="/documents/`+testapp.DocAll+`/download"`, "file.txt")
	expectNotContains(t, r, "diego DocAll", `action="/documents/`+testapp.DocAll+`/versions"`, `href="/documents/`+testapp.DocAll+`/edit"`)
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	r = fabio.get("/documents/" + testapp.DocGlobex)
	expectStatus(t, r, http.StatusOK, "fabio DocGlobex")
	expectContains(t, r, "fabio DocGlobex (en)", titleGlobex, "Download", "History")
	r = fabio.get("/documents/" + testapp.DocGlobex + "/history")
	expectStatus(t, r, http.StatusOK, "fabio history")
	expectContains(t, r, "fabio history", "Versions", "v1")
	expectStatus(t, diego.get("/documents/"+testapp.DocAcmePrivate+"/versions/1/download"), http.StatusOK, "diego private download")
	// A version that does not exist, or a malformed number, is a 404 too.
	for _, p := range []string{"/versions/2/download", "/versions/0/download", "/versions/x/download", "/versions/-1/download"} {
		expectStatus(t, diego.get("/documents/"+testapp.DocAll+p), http.StatusNotFound, p)
	}
	// A guest is sent to sign in, even for a download.
	r = newBrowser(t, srv).get("/documents/" + testapp.DocAll + "/download")
	expectStatus(t, r, http.StatusSeeOther, "guest download")
}

// disposition parses a Content-Disposition header the strict way (as
// mime.ParseMediaType does, decoding RFC 5987 filename*).
func disposition(t *testing.T, r response) (string, string) {
	t.Helper()
	kind, params, err := mime.ParseMediaType(r.Header.Get("Content-Disposition"))
	if err != nil {
		t.Fatalf("Content-Disposition %q does not parse: %v", r.Header.Get("Content-Disposition"), err)
	}
	return kind, params["filename"]
}

func TestDocumentDownloads(t *testing.T) {
	app, srv := newDocServer(t)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	byDiego := dbx.HashExp{"user": testapp.AcmeUserID}

	// The current version of a fixture document.
	r := diego.get("/documents/" + testapp.DocAll + "/download")
	expectStatus(t, r, http.StatusOK, "download")
	if r.Body != testapp.DocAll+" v1" {
		t.Fatalf("downloaded %q", r.Body)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.HasPrefix(cd, "attachment;") || !strings.Contains(cd, `filename*=UTF-8''file.txt`) {
		t.Errorf("Content-Disposition %q", cd)
	}
	if kind, name := disposition(t, r); kind != "attachment" || name != "file.txt" {
		t.Errorf("disposition %s %q", kind, name)
	}
	if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") || !strings.Contains(csp, "default-src 'none'") {
		t.Errorf("Content-Security-Policy %q", csp)
	}
	if v := r.Header.Get("X-Content-Type-Options"); v != "nosniff" {
		t.Errorf("X-Content-Type-Options %q", v)
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("text file served as %q", ct)
	}
	if cc := r.Header.Get("Cache-Control"); !strings.Contains(cc, "private") {
		t.Errorf("Cache-Control %q: a protected file must not sit in shared caches", cc)
	}

	// Each download counts: a row and an activity event.
	if n := countRows(t, app, "document_downloads", byDiego); n != 1 {
		t.Fatalf("download rows after one download = %d", n)
	}
	row, _ := app.FindFirstRecordByFilter("document_downloads", "user = {:u}", dbx.Params{"u": testapp.AcmeUserID})
	if row.GetString("document") != testapp.DocAll || row.GetString("partner") != testapp.PartnerAcme ||
		row.GetString("version") != version(t, app, testapp.DocAll, 1).Id {
		t.Fatalf("download row %v", row.PublicExport())
	}
	expectStatus(t, diego.get("/documents/"+testapp.DocAll+"/versions/1/download"), http.StatusOK, "download v1")
	if n := countRows(t, app, "document_downloads", byDiego); n != 2 {
		t.Fatalf("download rows after two downloads = %d", n)
	}
	if n := activityCount(t, app, "document.downloaded", testapp.AcmeUserID); n != 2 {
		t.Fatalf("download events = %d, want 2", n)
	}

	// A HEAD, or the later part of a resumed download, is not a download;
	// a ranged request from the first byte is.
	for _, c := range []struct {
		method, rng string
		status      int
		counts      bool
	}{
		{http.MethodHead, "", http.StatusOK, false},
		{http.MethodGet, "bytes=5-", http.StatusPartialContent, false},
		{http.MethodGet, "bytes=0-3", http.StatusPartialContent, true},
	} {
		before := countRows(t, app, "document_downloads", byDiego)
		r := docRequest(diego, c.method, "/documents/"+testapp.DocAll+"/download", c.rng)
		expectStatus(t, r, c.status, c.method+" "+c.rng)
		if counted := countRows(t, app, "document_downloads", byDiego) > before; counted != c.counts {
			t.Errorf("%s %s counted %v, want %v", c.method, c.rng, counted, c.counts)
		}
		if c.rng == "bytes=5-" && r.Body != "l000000001 v1" {
			t.Errorf("range body %q", r.Body)
		}
	}

	admin := signedIn(t, app, srv, testapp.AdminEmail)
	upload := func(doc, name string, content []byte) {
		t.Helper()
		admin.get("/documents/" + doc)
		r := docUpload(admin, "/documents/"+doc+"/versions", url.Values{"notes": {"test upload"}}, name, content)
		expectStatus(t, r, http.StatusSeeOther, "upload "+name)
	}

	// An HTML file is always an attachment and never served as HTML.
	upload(testapp.DocAll, "page.html", docHTML)
	for _, q := range []string{"", "?inline=1"} {
		r := diego.get("/documents/" + testapp.DocAll + "/download" + q)
		expectStatus(t, r, http.StatusOK, "html download"+q)
		if kind, name := disposition(t, r); kind != "attachment" || name != "page.html" {
			t.Errorf("html%s: disposition %s %q", q, kind, name)
		}
		if ct := strings.ToLower(r.Header.Get("Content-Type")); ct == "" || strings.Contains(ct, "html") || strings.Contains(ct, "xml") {
			t.Errorf("html%s served as %q", q, r.Header.Get("Content-Type"))
		}
		if !strings.Contains(r.Header.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("html%s without a sandbox CSP", q)
		}
	}
	// So is an SVG, which can carry script too.
	upload(testapp.DocAll, "logo.svg", docSVG)
	r = diego.get("/documents/" + testapp.DocAll + "/download?inline=1")
	if kind, _ := disposition(t, r); kind != "attachment" {
		t.Errorf("svg disposition %s", kind)
	}
	if ct := strings.ToLower(r.Header.Get("Content-Type")); strings.Contains(ct, "svg") || strings.Contains(ct, "xml") || strings.Contains(ct, "html") {
		t.Errorf("svg served as %q", ct)
	}

	// The type is what the bytes say, whatever the name claims.
	upload(testapp.DocAll, "totally-a.pdf", pngBytes(t))
	r = diego.get("/documents/" + testapp.DocAll + "/download")
	if ct := r.Header.Get("Content-Type"); ct != "image/png" {
		t.Errorf("png named .pdf served as %q", ct)
	}
	if kind, name := disposition(t, r); kind != "attachment" || name != "totally-a.pdf" {
		t.Errorf("png: disposition %s %q", kind, name)
	}

	// A PDF may be shown inline on request, and is an attachment otherwise;
	// a name outside ASCII and with separators survives RFC 5987 encoding.
	const pdfName = "Preço (v2) = final @Acme.pdf"
	upload(testapp.DocAll, pdfName, docPDF)
	r = diego.get("/documents/" + testapp.DocAll + "/download?inline=1")
	expectStatus(t, r, http.StatusOK, "pdf inline")
	if ct := r.Header.Get("Content-Type"); ct != "application/pdf" {
		t.Errorf("pdf served as %q", ct)
	}
	if kind, name := disposition(t, r); kind != "inline" || name != pdfName {
		t.Errorf("pdf inline: disposition %s %q", kind, name)
	}
	if cd := r.Header.Get("Content-Disposition"); !strings.Contains(cd, "filename*=UTF-8''Pre%C3%A7o") {
		t.Errorf("no RFC 5987 filename*: %q", cd)
	}
	if !strings.Contains(r.Header.Get("Content-Security-Policy"), "sandbox") {
		t.Errorf("inline pdf without a sandbox CSP")
	}
	r = diego.get("/documents/" + testapp.DocAll + "/download")
	if kind, _ := disposition(t, r); kind != "attachment" {
		t.Errorf("pdf without inline=1: %s", kind)
	}
	if r.Body != string(docPDF) {
		t.Errorf("pdf bytes differ")
	}

	// A restored version downloads the bytes of the version it restores.
	before := countRows(t, app, "document_downloads", byDiego)
	admin.get("/documents/" + testapp.DocAll + "/history")
	r = admin.post("/documents/"+testapp.DocAll+"/versions/1/restore", nil)
	expectStatus(t, r, http.StatusSeeOther, "restore v1")
	cur := docByID(t, app, testapp.DocAll)
	v6 := version(t, app, testapp.DocAll, 6)
	if cur.GetString("current_version") != v6.Id || v6.GetString("content_of") != version(t, app, testapp.DocAll, 1).Id {
		t.Fatalf("restore did not make v6 from v1: current %s, content_of %s", cur.GetString("current_version"), v6.GetString("content_of"))
	}
	for _, p := range []string{"/download", "/versions/6/download", "/versions/1/download"} {
		r = diego.get("/documents/" + testapp.DocAll + p)
		expectStatus(t, r, http.StatusOK, "restored "+p)
		if r.Body != testapp.DocAll+" v1" {
			t.Errorf("%s: downloaded %q, want the original bytes", p, r.Body)
		}
		if _, name := disposition(t, r); name != "file.txt" {
			t.Errorf("%s: file name %q", p, name)
		}
	}
	if n := countRows(t, app, "document_downloads", byDiego) - before; n != 3 {
		t.Fatalf("downloads counted for restored versions = %d, want 3", n)
	}
	// Every download of version 6 is counted against version 6.
	if n := countRows(t, app, "document_downloads", dbx.HashExp{"version": v6.Id}); n != 2 {
		t.Fatalf("downloads of v6 = %d, want 2", n)
	}
}

// newDocumentForm is a valid new-document form, with typed values a failed
// submit must show again.
func newDocumentForm(kv ...string) url.Values {
	v := url.Values{
		"title": {"Partner onboarding kit"}, "description": {"Typed description kept"}, "folder": {testapp.FolderSales},
		"tags": {"onboarding, kit"}, "status": {"published"}, "audience": {"tiers"},
		"audience_tiers": {testapp.TierGold}, "notes": {"Notes kept"}, "requires_acknowledgement": {"1"},
	}
	for i := 0; i < len(kv); i += 2 {
		v[kv[i]] = []string{kv[i+1]}
	}
	return v
}

func TestDocumentCreate(t *testing.T) {
	app, srv := newDocServer(t)
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	r := admin.get("/documents/new?folder=" + testapp.FolderLegal)
	expectStatus(t, r, http.StatusOK, "new form")
	expectContains(t, r, "new form", `enctype="multipart/form-data"`, `name="file"`, `value="`+testapp.FolderLegal+`" selected`,
		"Files up to 100 MB.")

	docs, versions, files := countRows(t, app, "documents", nil), countRows(t, app, "document_versions", nil), storedFiles(t, app)
	nothingWritten := func(what string) {
		t.Helper()
		if n := countRows(t, app, "documents", nil); n != docs {
			t.Errorf("%s: documents %d → %d", what, docs, n)
		}
		if n := countRows(t, app, "document_versions", nil); n != versions {
			t.Errorf("%s: versions %d → %d", what, versions, n)
		}
		if got := storedFiles(t, app); !slices.Equal(got, files) {
			t.Errorf("%s: files left in storage:\nbefore %v\nafter  %v", what, files, got)
		}
		if n := countRows(t, app, "activity", dbx.HashExp{"kind": "document.created"}); n != 0 {
			t.Errorf("%s: %d document.created events", what, n)
		}
	}
	for _, c := range []struct {
		what     string
		form     url.Values
		fileName string
		content  []byte
		msg      string
	}{
		{"no file", newDocumentForm(), "", nil, "Choose a file to upload."},
		{"empty file", newDocumentForm(), "empty.pdf", []byte{}, "The file is empty."},
		{"unknown folder", newDocumentForm("folder", "nosuchfolder000"), "kit.pdf", docPDF, "Choose a folder from the list."},
		{"unknown tier", func() url.Values {
			f := newDocumentForm()
			f["audience_tiers"] = []string{testapp.TierGold, "nosuchtier00001"}
			return f
		}(), "kit.pdf", docPDF, "Choose tiers from the list."},
		{"tiers audience without a tier", func() url.Values {
			f := newDocumentForm()
			delete(f, "audience_tiers")
			return f
		}(), "kit.pdf", docPDF, "Choose at least one."},
		{"empty title", newDocumentForm("title", "   "), "kit.pdf", docPDF, "This field is required."},
		{"bad status", newDocumentForm("status", "secret"), "kit.pdf", docPDF, "Choose one of the options."},
		{"bad audience", newDocumentForm("audience", "everyone"), "kit.pdf", docPDF, "Choose one of the options."},
		{"unknown private partner", newDocumentForm("partner", "nosuchpartner01"), "kit.pdf", docPDF, "Choose one of the options."},
	} {
		r := docUpload(admin, "/documents/new", c.form, c.fileName, c.content)
		expectStatus(t, r, http.StatusBadRequest, c.what)
		expectContains(t, r, c.what, c.msg, "Typed description kept", "Notes kept", `value="onboarding, kit"`, `class="field-error"`)
		if c.what != "empty title" {
			expectContains(t, r, c.what, `value="Partner onboarding kit"`)
		}
		nothingWritten(c.what)
	}

	// Over the operator's limit: 413 stating the limit, nothing written.
	setUploadLimit(t, app, 1)
	big := bytes.Repeat([]byte("0123456789abcdef"), (1<<20+100<<10)/16)
	r = docUpload(admin, "/documents/new", newDocumentForm(), "big.txt", big)
	expectStatus(t, r, http.StatusRequestEntityTooLarge, "create over the limit")
	expectContains(t, r, "create over the limit", "The file is larger than the upload limit.", "Files up to 1.0 MB.", "Typed description kept")
	nothingWritten("create over the limit")
	// Far over it, the body is refused before it is read.
	r = docUpload(admin, "/documents/new", newDocumentForm(), "huge.txt", bytes.Repeat(big, 3))
	expectStatus(t, r, http.StatusRequestEntityTooLarge, "create far over the limit")
	expectContains(t, r, "create far over the limit", "Too large", "Files up to 1.0 MB.")
	nothingWritten("create far over the limit")
	setUploadLimit(t, app, 100)

	// The good form: the document and its first version, then its page.
	r = docUpload(admin, "/documents/new", newDocumentForm(), "kit.pdf", docPDF)
	expectStatus(t, r, http.StatusSeeOther, "create")
	doc, err := app.FindFirstRecordByFilter("documents", "title = 'Partner onboarding kit'")
	if err != nil {
		t.Fatal(err)
	}
	if loc := r.Header.Get("Location"); loc != "/documents/"+doc.Id {
		t.Fatalf("created document redirects to %q", loc)
	}
	v1 := version(t, app, doc.Id, 1)
	if doc.GetString("current_version") != v1.Id || doc.GetInt("version_count") != 1 || doc.GetString("kind") != "pdf" ||
		doc.GetString("owner") != testapp.AdminID || !doc.GetBool("requires_acknowledgement") ||
		!slices.Equal(doc.GetStringSlice("audience_tiers"), []string{testapp.TierGold}) ||
		!slices.Equal(documents.Tags(doc.Get("tags")), []string{"onboarding", "kit"}) {
		t.Fatalf("created document %v", doc.PublicExport())
	}
	if v1.GetString("notes") != "Notes kept" || v1.GetString("filename") != "kit.pdf" || v1.GetString("uploaded_by") != testapp.AdminID {
		t.Fatalf("first version %v", v1.PublicExport())
	}
	if n := countRows(t, app, "activity", dbx.HashExp{"kind": "document.created", "target_id": doc.Id}); n != 1 {
		t.Fatalf("document.created events = %d", n)
	}
	// The first version's file (and the storage's metadata beside it), no other.
	var added []string
	for _, f := range storedFiles(t, app) {
		if !slices.Contains(files, f) {
			added = append(added, f)
		}
	}
	if len(added) == 0 || !slices.Contains(added, "pc_docversion01/"+v1.Id+"/"+v1.GetString("file")) {
		t.Fatalf("files added by the create: %v", added)
	}
	for _, f := range added {
		if !strings.HasPrefix(f, "pc_docversion01/"+v1.Id+"/") {
			t.Fatalf("file %s added outside the first version", f)
		}
	}
	r = admin.get("/documents/" + doc.Id)
	expectStatus(t, r, http.StatusOK, "new document page")
	expectContains(t, r, "new document page", "Document created.", "Partner onboarding kit", "kit.pdf", "v1", "Current")
	// Gold partners see it; silver ones do not.
	expectStatus(t, signedIn(t, app, srv, testapp.AcmeUserEmail).get("/documents/"+doc.Id), http.StatusOK, "diego sees the gold document")
	expectStatus(t, signedIn(t, app, srv, testapp.GlobexUserEmail).get("/documents/"+doc.Id), http.StatusNotFound, "fabio does not")

	// A manager creates too; the document is theirs.
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	ana.get("/documents/new")
	r = docUpload(ana, "/documents/new", newDocumentForm("title", "Ana's brief", "audience", "all"), "brief.txt", []byte("ana's brief"))
	expectStatus(t, r, http.StatusSeeOther, "ana creates")
	anas, err := app.FindFirstRecordByFilter("documents", "title = {:t}", dbx.Params{"t": "Ana's brief"})
	if err != nil || anas.GetString("owner") != testapp.ManagerAnaID {
		t.Fatalf("ana's document: %v", err)
	}
	// Bruno cannot make a document private to a partner he does not manage.
	bruno := signedIn(t, app, srv, testapp.ManagerBrunoEmail)
	bruno.get("/documents/new")
	r = docUpload(bruno, "/documents/new", newDocumentForm("title", "Bruno for Acme", "partner", testapp.PartnerAcme), "b.txt", []byte("b"))
	expectStatus(t, r, http.StatusBadRequest, "bruno private to acme")
	if n := countRows(t, app, "documents", dbx.HashExp{"title": "Bruno for Acme"}); n != 0 {
		t.Fatal("bruno created a document private to Acme")
	}
}

func TestDocumentVersionUploads(t *testing.T) {
	app, srv := newDocServer(t)
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	page := "/documents/" + testapp.DocAll
	expectContains(t, admin.get(page), "manage form", `action="/documents/`+testapp.DocAll+`/versions"`, `enctype="multipart/form-data"`)

	r := docUpload(admin, page+"/versions", url.Values{"notes": {"Prices up in March"}}, "prices-v2.txt", []byte("new prices"))
	expectStatus(t, r, http.StatusSeeOther, "upload v2")
	if loc := r.Header.Get("Location"); loc != page {
		t.Fatalf("upload redirects to %q", loc)
	}
	doc := docByID(t, app, testapp.DocAll)
	v2 := version(t, app, testapp.DocAll, 2)
	if doc.GetString("current_version") != v2.Id || doc.GetInt("version_count") != 2 || v2.GetString("notes") != "Prices up in March" {
		t.Fatalf("v2 not current: doc %v", doc.PublicExport())
	}
	r = admin.get(page)
	expectContains(t, r, "page after upload", "New version uploaded and made current.", "prices-v2.txt", "Prices up in March")
	if n := countRows(t, app, "activity", dbx.HashExp{"kind": "document.revised", "target_id": testapp.DocAll}); n != 1 {
		t.Fatalf("document.revised events = %d", n)
	}
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	if r := diego.get(page + "/download"); r.Body != "new prices" {
		t.Fatalf("diego downloads %q after the upload", r.Body)
	}

	versions, files, current := countRows(t, app, "document_versions", nil), storedFiles(t, app), v2.Id
	nothingWritten := func(what string) {
		t.Helper()
		if n := countRows(t, app, "document_versions", nil); n != versions {
			t.Errorf("%s: versions %d → %d", what, versions, n)
		}
		if got := storedFiles(t, app); !slices.Equal(got, files) {
			t.Errorf("%s: storage changed:\nbefore %v\nafter  %v", what, files, got)
		}
		if d := docByID(t, app, testapp.DocAll); d.GetString("current_version") != current {
			t.Errorf("%s: current version changed", what)
		}
	}

	// The same bytes again (under another name): nothing new.
	r = docUpload(admin, page+"/versions", url.Values{"notes": {"Typed notes"}}, "again.txt", []byte("new prices"))
	expectStatus(t, r, http.StatusBadRequest, "duplicate")
	expectContains(t, r, "duplicate", "This file is identical to the current version, so no new version was made.", "Typed notes", titleAll)
	nothingWritten("duplicate")
	r = docUpload(admin, page+"/versions", nil, "", nil)
	expectStatus(t, r, http.StatusBadRequest, "no file")
	expectContains(t, r, "no file", "Choose a file to upload.")
	nothingWritten("no file")
	r = docUpload(admin, page+"/versions", nil, "empty.txt", []byte{})
	expectStatus(t, r, http.StatusBadRequest, "empty file")
	expectContains(t, r, "empty file", "The file is empty.")
	nothingWritten("empty file")

	// Over the operator's limit: 413 with the limit, nothing written.
	setUploadLimit(t, app, 1)
	big := bytes.Repeat([]byte{'x'}, 1<<20+100<<10)
	r = docUpload(admin, page+"/versions", url.Values{"notes": {"Too big"}}, "big.txt", big)
	expectStatus(t, r, http.StatusRequestEntityTooLarge, "over the limit")
	expectContains(t, r, "over the limit", "The file is larger than the upload limit.", "Files up to 1.0 MB.", "Too big")
	nothingWritten("over the limit")
	// Exactly the limit is fine.
	r = docUpload(admin, page+"/versions", nil, "exact.txt", bytes.Repeat([]byte{'y'}, 1<<20))
	expectStatus(t, r, http.StatusSeeOther, "exactly the limit")
	setUploadLimit(t, app, 100)
	versions, files, current = countRows(t, app, "document_versions", nil), storedFiles(t, app), version(t, app, testapp.DocAll, 3).Id

	// An archived document takes no new versions.
	archivedVersions := countRows(t, app, "document_versions", dbx.HashExp{"document": testapp.DocArchived})
	r = admin.get("/documents/" + testapp.DocArchived)
	expectContains(t, r, "archived page", "This document is archived and takes no new versions.")
	expectNotContains(t, r, "archived page", `action="/documents/`+testapp.DocArchived+`/versions"`)
	r = docUpload(admin, "/documents/"+testapp.DocArchived+"/versions", nil, "late.txt", []byte("too late"))
	expectStatus(t, r, http.StatusBadRequest, "archived upload")
	expectContains(t, r, "archived upload", "This document is archived and takes no new versions.")
	if n := countRows(t, app, "document_versions", dbx.HashExp{"document": testapp.DocArchived}); n != archivedVersions {
		t.Fatalf("archived document got a version")
	}
	nothingWritten("archived upload")

	// Restore v1: a new version v4 sharing v1's bytes; history kept.
	r = admin.post(page+"/versions/1/restore", nil)
	expectStatus(t, r, http.StatusSeeOther, "restore")
	v1, v4 := version(t, app, testapp.DocAll, 1), version(t, app, testapp.DocAll, 4)
	if v4.GetString("content_of") != v1.Id || v4.GetString("sha256") != v1.GetString("sha256") || v4.GetString("file") != "" {
		t.Fatalf("v4 %v", v4.PublicExport())
	}
	if d := docByID(t, app, testapp.DocAll); d.GetString("current_version") != v4.Id || d.GetInt("version_count") != 4 {
		t.Fatal("restored version not current")
	}
	if got := storedFiles(t, app); !slices.Equal(got, files) {
		t.Errorf("a restore copied bytes: %v", got)
	}
	r = admin.get(page + "/history")
	expectContains(t, r, "history after restore", "restored from v1", "Restored from version 1.", "v4", "v3", "v2")
	if n := countRows(t, app, "activity", dbx.HashExp{"kind": "document.version_restored", "target_id": testapp.DocAll}); n != 1 {
		t.Fatalf("restore events = %d", n)
	}
	// Restoring the current version does nothing; an unknown one is a 404.
	r = admin.post(page+"/versions/4/restore", nil)
	expectStatus(t, r, http.StatusSeeOther, "restore current")
	expectContains(t, admin.get(page+"/history"), "restore current", "That version is already the current one.")
	expectStatus(t, admin.post(page+"/versions/9/restore", nil), http.StatusNotFound, "restore v9")
	if n := countRows(t, app, "document_versions", dbx.HashExp{"document": testapp.DocAll}); n != 4 {
		t.Fatalf("versions of DocAll = %d, want 4", n)
	}
	// Restoring a restored version points at the original bytes.
	expectStatus(t, admin.post(page+"/versions/2/restore", nil), http.StatusSeeOther, "restore v2")
	expectStatus(t, admin.post(page+"/versions/4/restore", nil), http.StatusSeeOther, "restore v4")
	if v6 := version(t, app, testapp.DocAll, 6); v6.GetString("content_of") != v1.Id {
		t.Fatalf("v6 restores %s, want v1's bytes", v6.GetString("content_of"))
	}
	if r := diego.get(page + "/download"); r.Body != testapp.DocAll+" v1" {
		t.Fatalf("after restoring a restore diego downloads %q", r.Body)
	}
}

func TestDocumentStatusAndDelete(t *testing.T) {
	app, srv := newDocServer(t)
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	page := "/documents/" + testapp.DocAll
	admin.get(page)

	r := admin.post(page+"/status", url.Values{"status": {"archived"}})
	expectStatus(t, r, http.StatusSeeOther, "archive")
	if s := docByID(t, app, testapp.DocAll).GetString("status"); s != "archived" {
		t.Fatalf("status %q", s)
	}
	expectContains(t, admin.get(page), "archived page", "Document archived.", "Archived")
	expectStatus(t, diego.get(page), http.StatusNotFound, "diego after archive")
	expectNotContains(t, diego.get("/documents"), "diego library after archive", titleAll)
	expectStatus(t, admin.post(page+"/status", url.Values{"status": {"gone"}}), http.StatusBadRequest, "bad status")
	expectStatus(t, admin.post(page+"/status", url.Values{"status": {"published"}}), http.StatusSeeOther, "republish")
	expectStatus(t, diego.get(page), http.StatusOK, "diego after republish")
	// Status changes are in the history.
	expectContains(t, admin.get(page+"/history"), "status history", "Archived", "Published", "Alice Admin")

	// Delete takes the versions and their files too.
	if _, err := testapp.AddVersion(app, testapp.DocGold, testapp.AdminID, "gold-v2.txt", []byte("gold v2")); err != nil {
		t.Fatal(err)
	}
	var versionIDs []string
	recs, _ := app.FindAllRecords("document_versions", dbx.HashExp{"document": testapp.DocGold})
	for _, v := range recs {
		versionIDs = append(versionIDs, v.Id)
	}
	if len(versionIDs) != 2 {
		t.Fatalf("gold versions %d", len(versionIDs))
	}
	filesOf := func() []string {
		var out []string
		for _, f := range storedFiles(t, app) {
			for _, id := range versionIDs {
				if strings.Contains(f, id) {
					out = append(out, f)
				}
			}
		}
		return out
	}
	for _, v := range recs {
		if !slices.Contains(filesOf(), "pc_docversion01/"+v.Id+"/"+v.GetString("file")) {
			t.Fatalf("gold files before delete: %v", filesOf())
		}
	}
	if err := documents.RecordDownload(app, userByID(t, app, testapp.AcmeUserID), recs[0]); err != nil {
		t.Fatal(err)
	}
	admin.get("/documents/" + testapp.DocGold)
	r = admin.post("/documents/"+testapp.DocGold+"/delete", nil)
	expectStatus(t, r, http.StatusSeeOther, "delete")
	if loc := r.Header.Get("Location"); loc != "/documents" {
		t.Fatalf("delete redirects to %q", loc)
	}
	if _, err := app.FindRecordById("documents", testapp.DocGold); err == nil {
		t.Fatal("document still there")
	}
	if n := countRows(t, app, "document_versions", dbx.HashExp{"document": testapp.DocGold}); n != 0 {
		t.Fatalf("%d versions left", n)
	}
	if n := countRows(t, app, "document_downloads", dbx.HashExp{"document": testapp.DocGold}); n != 0 {
		t.Fatalf("%d download rows left", n)
	}
	// PocketBase removes a deleted record's files in the background: wait
	// for that state (bounded), never a fixed sleep.
	waitFor(t, "the deleted versions' files to go", func() bool { return len(filesOf()) == 0 })
	if n := countRows(t, app, "activity", dbx.HashExp{"kind": "document.deleted", "target_id": testapp.DocGold}); n != 1 {
		t.Fatalf("document.deleted events = %d", n)
	}
	expectContains(t, admin.get("/documents"), "library after delete", "Document deleted with its versions.")
	expectStatus(t, diego.get("/documents/"+testapp.DocGold), http.StatusNotFound, "deleted page")
	expectStatus(t, admin.post("/documents/"+testapp.DocGold+"/delete", nil), http.StatusNotFound, "delete twice")
}

func TestDocumentStaffRoutesRefusePartners(t *testing.T) {
	app, srv := newDocServer(t)
	docs, versions, files := countRows(t, app, "documents", nil), countRows(t, app, "document_versions", nil), storedFiles(t, app)
	folders := countRows(t, app, "document_folders", nil)
	for _, email := range []string{testapp.AcmeUserEmail, testapp.AcmeAdminEmail, testapp.GlobexUserEmail} {
		b := signedIn(t, app, srv, email)
		b.get("/documents")
		// DocAll is a document every partner can see; DocGlobex one Acme cannot.
		for _, doc := range []string{testapp.DocAll, testapp.DocGlobex} {
			id := "/documents/" + doc
			for _, c := range []struct {
				method, path string
				file         bool
			}{
				{"GET", "/documents/new", false},
				{"POST", "/documents/new", true},
				{"GET", "/documents/reach?audience=all", false},
				{"GET", "/folders", false},
				{"POST", "/folders", false},
				{"POST", "/folders/" + testapp.FolderSales, false},
				{"GET", id + "/edit", false},
				{"POST", id + "/edit", false},
				{"POST", id + "/versions", true},
				{"POST", id + "/versions/1/restore", false},
				{"POST", id + "/status", false},
				{"POST", id + "/delete", false},
			} {
				what := email + " " + c.method + " " + c.path
				var r response
				switch {
				case c.method == "GET":
					r = b.get(c.path)
				case c.file:
					r = docUpload(b, c.path, newDocumentForm("title", "Smuggled"), "smuggled.txt", []byte("smuggled "+email))
				default:
					r = b.post(c.path, url.Values{"title": {"Smuggled"}, "name": {"Smuggled"}, "status": {"archived"}, "action": {"delete"}})
				}
				expectStatus(t, r, http.StatusForbidden, what)
				expectContains(t, r, what, `class="error-page"`)
			}
		}
	}
	if countRows(t, app, "documents", nil) != docs || countRows(t, app, "document_versions", nil) != versions ||
		countRows(t, app, "document_folders", nil) != folders || !slices.Equal(storedFiles(t, app), files) {
		t.Fatal("a refused request changed something")
	}
	if d := docByID(t, app, testapp.DocAll); d.GetString("status") != "published" || d.GetString("title") != titleAll {
		t.Fatal("DocAll changed")
	}

	// Managers: Bruno cannot see Acme's private document, so to him it does
	// not exist; shared documents he may edit; Ana manages Acme.
	bruno := signedIn(t, app, srv, testapp.ManagerBrunoEmail)
	bruno.get("/documents")
	private := "/documents/" + testapp.DocAcmePrivate
	for _, c := range []struct{ method, path string }{
		{"GET", private + "/edit"}, {"POST", private + "/edit"}, {"POST", private + "/versions"},
		{"POST", private + "/versions/1/restore"}, {"POST", private + "/status"}, {"POST", private + "/delete"},
	} {
		var r response
		if c.method == "GET" {
			r = bruno.get(c.path)
		} else if strings.HasSuffix(c.path, "/versions") {
			r = docUpload(bruno, c.path, nil, "x.txt", []byte("bruno"))
		} else {
			r = bruno.post(c.path, url.Values{"status": {"archived"}, "title": {"Bruno's"}})
		}
		expectStatus(t, r, http.StatusNotFound, "bruno "+c.method+" "+c.path)
	}
	if d := docByID(t, app, testapp.DocAcmePrivate); d.GetString("status") != "published" || d.GetInt("version_count") != 1 {
		t.Fatal("bruno changed Acme's private document")
	}
	r := bruno.get("/documents/" + testapp.DocAll + "/edit")
	expectStatus(t, r, http.StatusOK, "bruno edits DocAll")
	expectContains(t, r, "bruno edit form", `value="`+titleAll+`"`, "Globex México")
	expectNotContains(t, r, "bruno edit form", "Acme Brasil Ltda") // not a partner he may pick
	expectContains(t, bruno.get("/documents/"+testapp.DocAll), "bruno manage box", `action="/documents/`+testapp.DocAll+`/versions"`)
	// He may not delete what the admin owns.
	r = bruno.post("/documents/"+testapp.DocAll+"/delete", nil)
	expectStatus(t, r, http.StatusForbidden, "bruno deletes the admin's document")
	docByID(t, app, testapp.DocAll)
	expectNotContains(t, bruno.get("/documents/"+testapp.DocAll), "bruno no delete button", `/delete"`)
	// Nor make a shared document private to a partner he does not manage.
	r = bruno.post("/documents/"+testapp.DocAll+"/edit", url.Values{"title": {titleAll}, "status": {"published"},
		"audience": {"all"}, "partner": {testapp.PartnerAcme}})
	expectStatus(t, r, http.StatusBadRequest, "bruno gives DocAll to Acme")
	if docByID(t, app, testapp.DocAll).GetString("partner") != "" {
		t.Fatal("bruno made DocAll private to Acme")
	}
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	expectStatus(t, ana.get(private+"/edit"), http.StatusOK, "ana edits Acme's private document")
	r = docUpload(ana, private+"/versions", nil, "agreement-v2.txt", []byte("amended agreement"))
	expectStatus(t, r, http.StatusSeeOther, "ana uploads to Acme's private document")
	if docByID(t, app, testapp.DocAcmePrivate).GetInt("version_count") != 2 {
		t.Fatal("ana's upload not saved")
	}
}

func TestDocumentAcknowledgement(t *testing.T) {
	app, srv := newDocServer(t)
	page := "/documents/" + testapp.DocAcmePrivate
	byDiego := dbx.HashExp{"user": testapp.AcmeUserID}
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	r := diego.get(page)
	expectContains(t, r, "before", "Confirme que você leu esta versão.", `action="`+page+`/acknowledge"`, "Requer ciência")
	expectNotContains(t, r, "before", "Você deu ciência")

	r = diego.post(page+"/acknowledge", url.Values{"version": {version(t, app, testapp.DocAcmePrivate, 1).Id}})
	expectStatus(t, r, http.StatusSeeOther, "acknowledge")
	if n := countRows(t, app, "document_acknowledgements", byDiego); n != 1 {
		t.Fatalf("acknowledgements = %d", n)
	}
	ack, _ := app.FindFirstRecordByFilter("document_acknowledgements", "user = {:u}", dbx.Params{"u": testapp.AcmeUserID})
	if ack.GetString("partner") != testapp.PartnerAcme || ack.GetString("version") != version(t, app, testapp.DocAcmePrivate, 1).Id {
		t.Fatalf("acknowledgement %v", ack.PublicExport())
	}
	if n := activityCount(t, app, "document.acknowledged", testapp.AcmeUserID); n != 1 {
		t.Fatalf("acknowledged events = %d", n)
	}
	r = diego.get(page)
	expectContains(t, r, "after", "Você deu ciência desta versão em")
	expectNotContains(t, r, "after", "Confirme que você leu esta versão.")

	// Again: harmless, nothing new.
	r = diego.post(page+"/acknowledge", nil)
	expectStatus(t, r, http.StatusSeeOther, "acknowledge again")
	if n := countRows(t, app, "document_acknowledgements", byDiego); n != 1 {
		t.Fatalf("acknowledgements after a repeat = %d", n)
	}
	if n := activityCount(t, app, "document.acknowledged", testapp.AcmeUserID); n != 1 {
		t.Fatalf("acknowledged events after a repeat = %d", n)
	}

	// A user who cannot see the document cannot acknowledge it.
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	fabio.get("/documents")
	expectStatus(t, fabio.post(page+"/acknowledge", nil), http.StatusNotFound, "fabio acknowledges")
	if n := countRows(t, app, "document_acknowledgements", dbx.HashExp{"user": testapp.GlobexUserID}); n != 0 {
		t.Fatal("fabio's acknowledgement was recorded")
	}
	// A document that asks for none cannot be acknowledged.
	r = diego.post("/documents/"+testapp.DocAll+"/acknowledge", nil)
	if r.Status < 400 {
		t.Fatalf("acknowledging DocAll: status %d", r.Status)
	}
	if n := countRows(t, app, "document_acknowledgements", dbx.HashExp{"document": testapp.DocAll}); n != 0 {
		t.Fatal("an acknowledgement of a document that asks for none")
	}

	// A new version asks again; an acknowledgement of the old one does not
	// count for it.
	v1 := version(t, app, testapp.DocAcmePrivate, 1)
	if _, err := testapp.AddVersion(app, testapp.DocAcmePrivate, testapp.AdminID, "agreement-v2.txt", []byte("amended")); err != nil {
		t.Fatal(err)
	}
	r = diego.get(page)
	expectContains(t, r, "new version", "Confirme que você leu esta versão.")
	expectNotContains(t, r, "new version", "Você deu ciência")
	// Carla, who has not acknowledged v1, posts the page she loaded before v2.
	carla := signedIn(t, app, srv, testapp.AcmeAdminEmail)
	carla.get(page)
	r = carla.post(page+"/acknowledge", url.Values{"version": {v1.Id}})
	expectStatus(t, r, http.StatusSeeOther, "stale acknowledgement")
	expectContains(t, carla.get(page), "stale acknowledgement flash", "Uma versão mais nova foi publicada")
	if n := countRows(t, app, "document_acknowledgements", dbx.HashExp{"user": testapp.AcmeAdminID}); n != 0 {
		t.Fatal("a stale acknowledgement was recorded")
	}
	expectStatus(t, diego.post(page+"/acknowledge", nil), http.StatusSeeOther, "acknowledge v2")
	if n := countRows(t, app, "document_acknowledgements", dbx.HashExp{"user": testapp.AcmeUserID, "version": version(t, app, testapp.DocAcmePrivate, 2).Id}); n != 1 {
		t.Fatalf("v2 acknowledgements = %d", n)
	}
	expectContains(t, diego.get(page), "v2 acknowledged", "Você deu ciência desta versão em")
	// Staff are not asked to acknowledge.
	expectNotContains(t, signedIn(t, app, srv, testapp.AdminEmail).get(page), "admin page", `action="`+page+`/acknowledge"`)
}

func TestDocumentAnalytics(t *testing.T) {
	app, srv := newDocServer(t)
	diegoRec, carlaRec := userByID(t, app, testapp.AcmeUserID), userByID(t, app, testapp.AcmeAdminID)
	fabioRec, adminRec := userByID(t, app, testapp.GlobexUserID), userByID(t, app, testapp.AdminID)
	v1 := version(t, app, testapp.DocAll, 1)
	v2, err := testapp.AddVersion(app, testapp.DocAll, testapp.AdminID, "prices-v2.txt", []byte("prices v2"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range []struct {
		user, version *core.Record
	}{{diegoRec, v1}, {diegoRec, v2}, {carlaRec, v2}, {fabioRec, v1}, {adminRec, v2}} {
		if err := documents.RecordDownload(app, d.user, d.version); err != nil {
			t.Fatal(err)
		}
	}
	page := "/documents/" + testapp.DocAll
	tile := func(n int) string { return fmt.Sprintf(`<span class="tile-n">%d</span>`, n) }

	admin := signedIn(t, app, srv, testapp.AdminEmail)
	r := admin.get(page)
	expectContains(t, r, "admin stats", `id="stats-h"`, "Usage", "By partner", "Acme Brasil Ltda", "Globex México", "Vendor staff",
		"By version", "<td>v1</td>", "<td>v2</td>", tile(5), tile(4))
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	r = ana.get(page)
	expectContains(t, r, "ana stats", "Por parceiro", "Acme Brasil Ltda", tile(3), tile(2))
	expectNotContains(t, r, "ana stats", "Globex México", "Fabio Torres", "Equipe do fornecedor")
	bruno := signedIn(t, app, srv, testapp.ManagerBrunoEmail)
	r = bruno.get(page)
	expectContains(t, r, "bruno stats", "By partner", "Globex México", tile(1))
	expectNotContains(t, r, "bruno stats", "Acme Brasil Ltda")
	carla := signedIn(t, app, srv, testapp.AcmeAdminEmail)
	r = carla.get(page)
	expectContains(t, r, "carla stats", "Downloads da sua empresa", "Por colega", "<td>Diego Rocha</td>", "<td>Carla Mendes</td>", tile(3), tile(2))
	expectNotContains(t, r, "carla stats", "Fabio Torres", "Globex México", "Por parceiro", "Por versão")
	elena := signedIn(t, app, srv, testapp.GlobexAdminEmail)
	r = elena.get(page)
	expectContains(t, r, "elena stats", "By colleague", "<td>Fabio Torres</td>", tile(1))
	expectNotContains(t, r, "elena stats", "Diego Rocha", "Carla Mendes", "Acme Brasil Ltda")
	for _, email := range []string{testapp.AcmeUserEmail, testapp.GlobexUserEmail} {
		r = signedIn(t, app, srv, email).get(page)
		expectStatus(t, r, http.StatusOK, email+" page")
		expectNotContains(t, r, email+" stats", `id="stats-h"`, `class="stats"`, `class="tile-n"`)
	}

	// Acknowledgement coverage of the current version, for staff.
	private := "/documents/" + testapp.DocAcmePrivate
	r = admin.get(private)
	expectContains(t, r, "coverage before", "partners acknowledged (0 of 1)", "0%", "Not acknowledged yet", "<li>Acme Brasil Ltda</li>")
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	diego.get(private)
	expectStatus(t, diego.post(private+"/acknowledge", nil), http.StatusSeeOther, "diego acknowledges")
	r = admin.get(private)
	expectContains(t, r, "coverage after", "partners acknowledged (1 of 1)", "100%", "Every partner in the audience has acknowledged.",
		"Latest acknowledgements", "<li>Diego Rocha</li>")
	expectNotContains(t, r, "coverage after", "<li>Acme Brasil Ltda</li>")
	expectContains(t, ana.get(private), "ana coverage", "parceiros deram ciência (1 de 1)")
	// Bruno does not see the document, and so none of its figures.
	expectStatus(t, bruno.get(private), http.StatusNotFound, "bruno private")
}

// docEditForm is the edit form of a document as its page shows it, with
// changes applied.
func docEditForm(d *core.Record, kv ...string) url.Values {
	v := url.Values{
		"title": {d.GetString("title")}, "description": {d.GetString("description")}, "folder": {d.GetString("folder")},
		"tags": {strings.Join(documents.Tags(d.Get("tags")), ", ")}, "status": {d.GetString("status")},
		"audience": {d.GetString("audience")}, "partner": {d.GetString("partner")},
		"audience_tiers": d.GetStringSlice("audience_tiers"), "audience_regions": d.GetStringSlice("audience_regions"),
		"audience_partners": d.GetStringSlice("audience_partners"),
	}
	if d.GetBool("requires_acknowledgement") {
		v.Set("requires_acknowledgement", "1")
	}
	for i := 0; i < len(kv); i += 2 {
		if kv[i+1] == "" {
			delete(v, kv[i]) // an unticked box or an emptied field
			continue
		}
		v[kv[i]] = strings.Split(kv[i+1], "|")
	}
	return v
}

func TestDocumentMetadataHistory(t *testing.T) {
	app, srv := newDocServer(t)
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	edit := "/documents/" + testapp.DocGold + "/edit"
	r := admin.get(edit)
	expectStatus(t, r, http.StatusOK, "edit form")
	expectContains(t, r, "edit form", `value="`+titleGold+`"`, `value="`+testapp.TierGold+`" checked`)
	gold := docByID(t, app, testapp.DocGold)
	r = admin.post(edit, docEditForm(gold, "title", "Gold playbook 2026", "folder", testapp.FolderLegal,
		"audience_tiers", testapp.TierGold+"|"+testapp.TierSilver))
	expectStatus(t, r, http.StatusSeeOther, "admin edits")
	gold = docByID(t, app, testapp.DocGold)
	if gold.GetString("title") != "Gold playbook 2026" || gold.GetString("folder") != testapp.FolderLegal ||
		len(gold.GetStringSlice("audience_tiers")) != 2 {
		t.Fatalf("edit not saved: %v", gold.PublicExport())
	}
	if n := countRows(t, app, "document_changes", dbx.HashExp{"document": testapp.DocGold, "user": testapp.AdminID}); n != 3 {
		t.Fatalf("change rows = %d, want 3 (title, folder, tiers)", n)
	}
	// An edit that changes nothing records nothing.
	expectStatus(t, admin.post(edit, docEditForm(gold)), http.StatusSeeOther, "no-op edit")
	if n := countRows(t, app, "document_changes", dbx.HashExp{"document": testapp.DocGold}); n != 3 {
		t.Fatalf("change rows after a no-op edit = %d", n)
	}
	// Bad input: 400, typed values kept, nothing saved.
	r = admin.post(edit, docEditForm(gold, "title", "", "description", "Typed but refused", "folder", "nosuchfolder000"))
	expectStatus(t, r, http.StatusBadRequest, "bad edit")
	expectContains(t, r, "bad edit", "This field is required.", "Choose a folder from the list.", "Typed but refused")
	r = admin.post(edit, docEditForm(gold, "audience_tiers", "nosuchtier00001"))
	expectStatus(t, r, http.StatusBadRequest, "unknown tier edit")
	expectContains(t, r, "unknown tier edit", "Choose tiers from the list.")
	if n := countRows(t, app, "document_changes", dbx.HashExp{"document": testapp.DocGold}); n != 3 {
		t.Fatalf("change rows after refused edits = %d", n)
	}

	r = admin.get("/documents/" + testapp.DocGold + "/history")
	expectStatus(t, r, http.StatusOK, "admin history")
	expectContains(t, r, "admin history", "Alice Admin", "<del>"+titleGold+"</del>", "<ins>Gold playbook 2026</ins>",
		"<del>Sales</del>", "<ins>Legal</ins>", "<strong>Tiers</strong>", "<del>Gold</del>", "<ins>Gold, Silver</ins>")

	// Partners see the history of a document they can see, without the
	// audience rows (which name tiers and partners).
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	r = diego.get("/documents/" + testapp.DocGold + "/history")
	expectStatus(t, r, http.StatusOK, "diego history")
	expectContains(t, r, "diego history", "<ins>Gold playbook 2026</ins>", "<strong>Título</strong>", "<strong>Pasta</strong>")
	expectNotContains(t, r, "diego history", "<strong>Níveis</strong>", "Gold, Silver", "<del>Gold</del>")
	// Silver is now in the audience: Fabio sees the document, not the rows.
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	expectContains(t, fabio.get("/documents"), "fabio library after edit", "Gold playbook 2026")
	r = fabio.get("/documents/" + testapp.DocGold + "/history")
	expectStatus(t, r, http.StatusOK, "fabio history")
	expectContains(t, r, "fabio history", "<strong>Title</strong>")
	expectNotContains(t, r, "fabio history", "<strong>Tiers</strong>", "Gold, Silver")

	// Audience kind and status changes are translated; partners never see
	// the audience ones.
	gold = docByID(t, app, testapp.DocGold)
	expectStatus(t, admin.post(edit, docEditForm(gold, "audience", "all", "audience_tiers", "")), http.StatusSeeOther, "audience to all")
	r = admin.get("/documents/" + testapp.DocGold + "/history")
	expectContains(t, r, "audience change", "<del>Some tiers</del>", "<ins>All partners</ins>")
	r = diego.get("/documents/" + testapp.DocGold + "/history")
	expectNotContains(t, r, "diego audience change", "<strong>Público</strong>", "Alguns níveis")
}

func TestDocumentReach(t *testing.T) {
	app, srv := newDocServer(t)
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	r := admin.get("/documents/reach?audience=tiers&audience_tiers=" + testapp.TierGold)
	expectStatus(t, r, http.StatusOK, "reach gold")
	expectContains(t, r, "reach gold", "Reaches 1 partner and 2 users.")
	expectNotContains(t, r, "reach fragment", "<html")
	for q, want := range map[string]string{
		"audience=all": "Reaches 2 partners and 4 users.",
		"audience=tiers&audience_tiers=" + testapp.TierGold + "&audience_tiers=" + testapp.TierSilver: "Reaches 2 partners",
		"audience=tiers": "Reaches no partner and no user.",
		"audience=regions&audience_regions=europe":                     "Reaches no partner",
		"audience=partners&audience_partners=" + testapp.PartnerGlobex: "Reaches 1 partner and 2 users.",
		"audience=all&partner=" + testapp.PartnerAcme:                  "Reaches 1 partner",
	} {
		r := admin.get("/documents/reach?" + q)
		expectStatus(t, r, http.StatusOK, q)
		expectContains(t, r, q, want)
	}
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	expectContains(t, ana.get("/documents/reach?audience=tiers&audience_tiers="+testapp.TierGold), "ana reach (pt-BR)", "1 parceiro", "2 usuários")
	for _, q := range []string{"audience=everyone", "", "audience=regions&audience_regions=mars", "audience=all&partner=../x"} {
		expectStatus(t, admin.get("/documents/reach?"+q), http.StatusBadRequest, "bad reach "+q)
	}
	for _, email := range []string{testapp.AcmeUserEmail, testapp.AcmeAdminEmail} {
		expectStatus(t, signedIn(t, app, srv, email).get("/documents/reach?audience=tiers&audience_tiers="+testapp.TierGold),
			http.StatusForbidden, email+" reach")
	}
	expectStatus(t, newBrowser(t, srv).get("/documents/reach?audience=all"), http.StatusSeeOther, "guest reach")
}

func TestDocumentFolders(t *testing.T) {
	app, srv := newDocServer(t)
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	r := admin.get("/folders")
	expectStatus(t, r, http.StatusOK, "folders")
	expectContains(t, r, "folders", "Sales", "Legal", `action="/folders/`+testapp.FolderSales+`"`, `value="delete"`)

	r = admin.post("/folders", url.Values{"name": {"  Marketing  "}, "order": {"5"}})
	expectStatus(t, r, http.StatusSeeOther, "create")
	mkt, err := app.FindFirstRecordByFilter("document_folders", "name = 'Marketing'")
	if err != nil {
		t.Fatal("folder not created (or its name not trimmed)")
	}
	expectContains(t, admin.get("/folders"), "after create", "Folder saved.", "Marketing")
	for _, c := range []struct {
		form url.Values
		msg  string
	}{
		{url.Values{"name": {""}}, "This field is required."},
		{url.Values{"name": {"X"}, "parent": {"nosuchfolder000"}}, ""},
		{url.Values{"name": {"X"}, "parent": {"../etc"}}, "Choose a folder from the list."},
		{url.Values{"name": {"X"}, "order": {"-1"}}, ""},
		{url.Values{"name": {strings.Repeat("n", 121)}}, ""},
	} {
		r := admin.post("/folders", c.form)
		expectStatus(t, r, http.StatusBadRequest, "bad folder "+c.form.Encode())
		expectContains(t, r, "bad folder", c.msg)
	}
	if n := countRows(t, app, "document_folders", nil); n != 3 {
		t.Fatalf("folders = %d, want 3", n)
	}

	// Rename and move under Sales.
	r = admin.post("/folders/"+mkt.Id, url.Values{"name": {"Marketing BR"}, "parent": {testapp.FolderSales}, "order": {"1"}, "action": {"save"}})
	expectStatus(t, r, http.StatusSeeOther, "rename and move")
	mkt, _ = app.FindRecordById("document_folders", mkt.Id)
	if mkt.GetString("name") != "Marketing BR" || mkt.GetString("parent") != testapp.FolderSales || mkt.GetInt("order") != 1 {
		t.Fatalf("folder %v", mkt.PublicExport())
	}
	expectContains(t, admin.get("/documents"), "tree", "Marketing BR", `class="depth-1"`)

	// Sales inside its own child: a cycle, refused; and inside itself.
	for _, parent := range []string{mkt.Id, testapp.FolderSales} {
		r = admin.post("/folders/"+testapp.FolderSales, url.Values{"name": {"Sales"}, "parent": {parent}})
		expectStatus(t, r, http.StatusBadRequest, "cycle via "+parent)
		expectContains(t, r, "cycle", "The folder was not saved.")
	}
	expectContains(t, admin.post("/folders/"+testapp.FolderSales, url.Values{"name": {"Sales"}, "parent": {mkt.Id}}), "cycle", "A folder cannot sit inside itself.")
	if s, _ := app.FindRecordById("document_folders", testapp.FolderSales); s.GetString("parent") != "" {
		t.Fatal("a cycle was saved")
	}

	// A folder with documents, or with subfolders, stays.
	for _, id := range []string{testapp.FolderSales, testapp.FolderLegal} {
		r = admin.post("/folders/"+id, url.Values{"action": {"delete"}})
		expectStatus(t, r, http.StatusConflict, "delete non-empty "+id)
		expectContains(t, r, "delete non-empty", "documents and subfolders first.")
		if _, err := app.FindRecordById("document_folders", id); err != nil {
			t.Fatalf("non-empty folder %s deleted", id)
		}
	}
	// Managers may add and change folders but not delete them.
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	r = ana.get("/folders")
	expectStatus(t, r, http.StatusOK, "ana folders")
	expectNotContains(t, r, "ana folders", `value="delete"`)
	r = ana.post("/folders/"+mkt.Id, url.Values{"action": {"delete"}})
	expectStatus(t, r, http.StatusForbidden, "ana deletes")
	if _, err := app.FindRecordById("document_folders", mkt.Id); err != nil {
		t.Fatal("ana deleted a folder")
	}
	expectStatus(t, ana.post("/folders", url.Values{"name": {"Ana's folder"}}), http.StatusSeeOther, "ana creates")

	// An empty folder goes.
	r = admin.post("/folders/"+mkt.Id, url.Values{"action": {"delete"}})
	expectStatus(t, r, http.StatusSeeOther, "delete empty")
	if _, err := app.FindRecordById("document_folders", mkt.Id); err == nil {
		t.Fatal("empty folder not deleted")
	}
	expectContains(t, admin.get("/folders"), "after delete", "Folder deleted.")
	expectStatus(t, admin.post("/folders/nosuchfolder000", url.Values{"name": {"X"}}), http.StatusNotFound, "unknown folder")

	// Partners: 403 everywhere, nothing changed.
	before := countRows(t, app, "document_folders", nil)
	for _, email := range []string{testapp.AcmeUserEmail, testapp.AcmeAdminEmail} {
		b := signedIn(t, app, srv, email)
		b.get("/documents")
		expectStatus(t, b.get("/folders"), http.StatusForbidden, email+" folders")
		expectStatus(t, b.post("/folders", url.Values{"name": {"Mine"}}), http.StatusForbidden, email+" create")
		expectStatus(t, b.post("/folders/"+testapp.FolderLegal, url.Values{"name": {"Renamed"}}), http.StatusForbidden, email+" rename")
	}
	if n := countRows(t, app, "document_folders", nil); n != before {
		t.Fatal("a partner changed the folders")
	}
	if l, _ := app.FindRecordById("document_folders", testapp.FolderLegal); l.GetString("name") != "Legal" {
		t.Fatal("a partner renamed Legal")
	}
}

// TestDocumentFormKeepsHiddenPartners: a manager saving a document whose
// audience names a partner they do not manage keeps that partner (the form
// cannot show it, and saving must not drop it).
func TestDocumentFormKeepsHiddenPartners(t *testing.T) {
	app, srv := newServer(t)
	testapp.SeedDocuments(t, app)
	doc, err := app.FindRecordById("documents", testapp.DocGlobex)
	if err != nil {
		t.Fatal(err)
	}
	doc.Set("audience_partners", []string{testapp.PartnerGlobex, testapp.PartnerAcme})
	if err := app.Save(doc); err != nil {
		t.Fatal(err)
	}
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	edit := "/documents/" + testapp.DocGlobex + "/edit"
	r := ana.get(edit)
	expectContains(t, r, "hidden partner hint", "E mais 1 parceiro que você não gerencia")
	expectNotContains(t, r, "hidden partner hint", `value="`+testapp.PartnerGlobex+`"`)
	r = ana.post(edit, url.Values{"title": {"Globex joint plan (rev)"}, "status": {"published"}, "audience": {"partners"},
		"audience_partners": {testapp.PartnerAcme}})
	expectStatus(t, r, http.StatusSeeOther, "ana saves")
	doc, _ = app.FindRecordById("documents", testapp.DocGlobex)
	got := doc.GetStringSlice("audience_partners")
	if len(got) != 2 || !slices.Contains(got, testapp.PartnerGlobex) || !slices.Contains(got, testapp.PartnerAcme) {
		t.Fatalf("audience partners after ana's save = %v", got)
	}
}
