package demo_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/demo"
	"github.com/ponte-portal/ponte/internal/roles"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// TestDemoLibrary loads the demo once and checks the library from several
// sides; a second load must write the same library.
func TestDemoLibrary(t *testing.T) {
	app := testapp.NewEmpty(t)
	start := time.Now()
	mustLoad(t, app)
	t.Logf("demo load with the library: %s", time.Since(start))

	t.Run("contents", func(t *testing.T) { checkLibrary(t, app, start) })
	t.Run("agreements are private", func(t *testing.T) { checkAgreements(t, app) })
	t.Run("portal pages", func(t *testing.T) { checkLibraryPages(t, app) })
	t.Run("deterministic", func(t *testing.T) {
		other := testapp.NewEmpty(t)
		mustLoad(t, other)
		if fa, fb := libraryFingerprint(t, app), libraryFingerprint(t, other); fa != fb {
			t.Errorf("two loads differ:\n%s\n---\n%s", fa, fb)
		}
	})
}

func checkLibrary(t *testing.T, app core.App, start time.Time) {

	// The folder tree: four top-level folders, each with subfolders.
	top, err := app.FindAllRecords("document_folders", dbx.HashExp{"parent": ""})
	if err != nil {
		t.Fatal(err)
	}
	if len(top) != 4 {
		t.Errorf("top-level folders = %d, want 4", len(top))
	}
	for _, f := range top {
		if n := count(t, app, "document_folders", dbx.HashExp{"parent": f.Id}); n == 0 {
			t.Errorf("folder %q has no subfolders", f.GetString("name"))
		}
	}

	docs, err := app.FindAllRecords("documents")
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) < 20 || len(docs) > 35 {
		t.Errorf("documents = %d, want about 25", len(docs))
	}
	byStatus := map[string]int{}
	audiences := map[string]bool{}
	maxVersions, private := 0, 0
	fsys, err := app.NewFilesystem()
	if err != nil {
		t.Fatal(err)
	}
	defer fsys.Close()
	for _, d := range docs {
		title := d.GetString("title")
		byStatus[d.GetString("status")]++
		if d.GetString("partner") != "" {
			private++
			if !d.GetBool("requires_acknowledgement") {
				t.Errorf("%q: a signed agreement that asks for no acknowledgement", title)
			}
		} else {
			audiences[d.GetString("audience")] = true
		}
		if d.GetString("folder") == "" || len(d.GetStringSlice("tags")) == 0 || d.GetString("description") == "" {
			t.Errorf("%q lacks a folder, tags or a description", title)
		}
		versions, err := app.FindRecordsByFilter("document_versions", "document = {:d}", "number", 0, 0, dbx.Params{"d": d.Id})
		if err != nil {
			t.Fatal(err)
		}
		maxVersions = max(maxVersions, len(versions))
		if len(versions) == 0 || d.GetInt("version_count") != len(versions) {
			t.Errorf("%q: version_count %d, %d versions", title, d.GetInt("version_count"), len(versions))
			continue
		}
		cur := versions[len(versions)-1]
		if d.GetString("current_version") != cur.Id {
			t.Errorf("%q: current version is not the last one", title)
		}
		if d.GetInt("size") != cur.GetInt("size") || d.GetString("kind") == "" || d.GetString("kind") == "other" {
			t.Errorf("%q: size %d (version %d), kind %q", title, d.GetInt("size"), cur.GetInt("size"), d.GetString("kind"))
		}
		if !d.GetDateTime("revised").Equal(cur.GetDateTime("created")) {
			t.Errorf("%q: revised %s, current version uploaded %s", title, d.GetDateTime("revised"), cur.GetDateTime("created"))
		}
		if d.GetString("status") != "draft" && (d.GetDateTime("published").IsZero() || d.GetDateTime("published").After(d.GetDateTime("revised"))) {
			t.Errorf("%q: published %s, revised %s", title, d.GetDateTime("published"), d.GetDateTime("revised"))
		}
		for i, v := range versions {
			if v.GetInt("number") != i+1 || v.GetString("notes") == "" || v.GetString("sha256") == "" {
				t.Errorf("%q v%d: number %d, notes %q, sha256 %q", title, i+1, v.GetInt("number"), v.GetString("notes"), v.GetString("sha256"))
			}
			if i > 0 && !v.GetDateTime("created").Time().After(versions[i-1].GetDateTime("created").Time()) {
				t.Errorf("%q v%d is not newer than v%d", title, i+1, i)
			}
			up, err := app.FindRecordById("users", v.GetString("uploaded_by"))
			if err != nil || !roles.IsStaff(up.GetString("role")) {
				t.Errorf("%q v%d: uploaded by %q, not staff", title, i+1, v.GetString("uploaded_by"))
			}
		}
		// The current version's file is in storage, with the hash and size
		// the hooks computed.
		key := cur.BaseFilesPath() + "/" + cur.GetString("file")
		r, err := fsys.GetReader(key)
		if err != nil {
			t.Errorf("%q: current file %s: %v", title, key, err)
			continue
		}
		data, err := io.ReadAll(r)
		r.Close()
		if err != nil {
			t.Fatal(err)
		}
		sum := sha256.Sum256(data)
		if hex.EncodeToString(sum[:]) != cur.GetString("sha256") || len(data) != cur.GetInt("size") {
			t.Errorf("%q: stored file does not match its version's sha256 and size", title)
		}
		if cur.GetString("mime") == "application/pdf" && !bytes.HasPrefix(data, []byte("%PDF-1.4")) {
			t.Errorf("%q: not a PDF", title)
		}
	}
	if byStatus["published"] < 15 || byStatus["draft"] < 2 || byStatus["archived"] != 1 {
		t.Errorf("statuses = %v, want mostly published, a few drafts and one archived", byStatus)
	}
	for _, a := range []string{"all", "tiers", "regions", "partners"} {
		if !audiences[a] {
			t.Errorf("no shared document with audience %q", a)
		}
	}
	if private < 2 {
		t.Errorf("partner-private documents = %d, want 2 or 3", private)
	}
	if maxVersions < 3 {
		t.Errorf("no document has 3 or more versions (max %d)", maxVersions)
	}
	for _, mime := range []string{"application/pdf", "image/png", "application/zip"} {
		if count(t, app, "document_versions", dbx.HashExp{"mime": mime}) == 0 {
			t.Errorf("no version of type %s", mime)
		}
	}

	// Downloads and acknowledgements, each with its activity event.
	downloads := count(t, app, "document_downloads")
	if downloads < 100 {
		t.Errorf("downloads = %d, want some hundreds", downloads)
	}
	if n := count(t, app, "activity", dbx.HashExp{"kind": activity.KindDocumentDownloaded, "target_collection": "documents"}); n != downloads {
		t.Errorf("download events = %d, downloads = %d", n, downloads)
	}
	acks := count(t, app, "document_acknowledgements")
	if acks < 5 {
		t.Errorf("acknowledgements = %d, want some", acks)
	}
	if n := count(t, app, "activity", dbx.HashExp{"kind": activity.KindDocumentAcknowledged}); n != acks {
		t.Errorf("acknowledgement events = %d, acknowledgements = %d", n, acks)
	}
	// Nothing the library wrote is dated at load time: it has a history.
	recent := dbDate(start.Add(-30 * time.Minute))
	for _, c := range []string{"document_downloads", "document_acknowledgements", "document_versions", "document_changes"} {
		if n := count(t, app, c, dbx.NewExp("created > {:t}", dbx.Params{"t": recent})); n != 0 {
			t.Errorf("%s: %d rows dated at load time", c, n)
		}
	}
	if n := count(t, app, "activity", dbx.NewExp("target_collection = 'documents' AND created > {:t}", dbx.Params{"t": recent})); n != 0 {
		t.Errorf("%d document events dated at load time", n)
	}
	// Every download is of a document its user may see, of a version that
	// existed then.
	rows, err := app.FindAllRecords("document_downloads")
	if err != nil {
		t.Fatal(err)
	}
	for _, dl := range rows {
		u, err := app.FindRecordById("users", dl.GetString("user"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := access.FindVisible(app, access.Info(u, "GET", nil), "documents", dl.GetString("document")); err != nil {
			t.Errorf("%s downloaded a document they cannot see: %v", u.Email(), err)
		}
		v, err := app.FindRecordById("document_versions", dl.GetString("version"))
		if err != nil || v.GetDateTime("created").After(dl.GetDateTime("created")) {
			t.Errorf("download of version %s dated before its upload", dl.GetString("version"))
		}
		if dl.GetString("partner") != u.GetString("partner") {
			t.Errorf("download partner %q, user's partner %q", dl.GetString("partner"), u.GetString("partner"))
		}
	}
}

// dbDate formats a time the way PocketBase stores dates.
func dbDate(at time.Time) string {
	return at.UTC().Format("2006-01-02 15:04:05.000Z")
}

// checkAgreements: each partner-private agreement is seen by its partner's
// people, its manager and the admins, and by nobody else.
func checkAgreements(t *testing.T, app core.App) {
	private, err := app.FindAllRecords("documents", dbx.Not(dbx.HashExp{"partner": ""}))
	if err != nil {
		t.Fatal(err)
	}
	if len(private) < 2 {
		t.Fatalf("partner-private documents = %d, want 2 or 3", len(private))
	}
	users, err := app.FindAllRecords("users")
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]any, len(private))
	for i, d := range private {
		ids[i] = d.Id
	}
	seenBy := map[string]int{}
	for _, u := range users {
		page, err := access.ListVisible(app, access.Info(u, "GET", nil), "documents",
			access.ListOptions{Where: []dbx.Expression{dbx.In("documents.id", ids...)}, PerPage: 50})
		if err != nil {
			t.Fatal(err)
		}
		visible := map[string]bool{}
		for _, d := range page.Items {
			visible[d.Id] = true
		}
		for _, d := range private {
			p, _ := app.FindRecordById("partners", d.GetString("partner"))
			var want bool
			switch role := u.GetString("role"); {
			case role == roles.Admin:
				want = true
			case role == roles.Manager:
				want = p.GetString("manager") == u.Id
			default:
				want = u.GetString("partner") == p.Id
			}
			if visible[d.Id] != want {
				t.Errorf("%s (%s) sees %q: %v, want %v", u.Email(), u.GetString("role"), d.GetString("title"), visible[d.Id], want)
			}
			if visible[d.Id] && roles.IsPartnerRole(u.GetString("role")) {
				seenBy[d.Id]++
			}
		}
	}
	for _, d := range private {
		if seenBy[d.Id] == 0 {
			t.Errorf("%q: no partner user sees it", d.GetString("title"))
		}
	}

	// The printed partner has its agreement waiting for the partner user's
	// acknowledgement, already acknowledged by the partner admin.
	partner, err := app.FindFirstRecordByData("partners", "slug", demo.PartnerSlug)
	if err != nil {
		t.Fatal(err)
	}
	agreements, err := app.FindAllRecords("documents", dbx.HashExp{"partner": partner.Id})
	if err != nil || len(agreements) != 1 {
		t.Fatalf("%s agreements: %d, %v", demo.PartnerSlug, len(agreements), err)
	}
	cur := agreements[0].GetString("current_version")
	for email, want := range map[string]int{demo.PartnerAdminEmail: 1, demo.PartnerUserEmail: 0} {
		u, err := app.FindAuthRecordByEmail("users", email)
		if err != nil {
			t.Fatal(err)
		}
		if n := count(t, app, "document_acknowledgements", dbx.HashExp{"version": cur, "user": u.Id}); n != want {
			t.Errorf("%s: %d acknowledgements of the current agreement, want %d", email, n, want)
		}
	}
}

// libraryFingerprint lists what a load wrote, without ids or load dates.
func libraryFingerprint(t *testing.T, app core.App) string {
	t.Helper()
	var rows []struct {
		Title  string `db:"title"`
		Number int    `db:"number"`
		SHA    string `db:"sha256"`
		Notes  string `db:"notes"`
	}
	err := app.DB().Select("d.title", "v.number", "v.sha256", "v.notes").From("document_versions v").
		InnerJoin("documents d", dbx.NewExp("d.id = v.document")).OrderBy("d.title", "v.number").All(&rows)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range rows {
		fmt.Fprintf(&b, "%s|%d|%s|%s\n", r.Title, r.Number, r.SHA, r.Notes)
	}
	var facts []string
	for _, c := range []string{"document_downloads", "document_acknowledgements"} {
		var perDoc []struct {
			Title string `db:"title"`
			N     int    `db:"n"`
		}
		err := app.DB().Select("d.title", "COUNT(*) AS n").From(c+" x").
			InnerJoin("documents d", dbx.NewExp("d.id = x.document")).GroupBy("d.title").OrderBy("d.title").All(&perDoc)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range perDoc {
			facts = append(facts, fmt.Sprintf("%s|%s|%d", c, p.Title, p.N))
		}
	}
	slices.Sort(facts)
	return b.String() + strings.Join(facts, "\n")
}

// checkLibraryPages signs the printed logins in to the portal: each gets the
// library and the documents in it, and only the printed partner's people see
// its agreement.
func checkLibraryPages(t *testing.T, app core.App) {
	srv := httptest.NewServer(testapp.Serve(t, app))
	defer srv.Close()
	partner, err := app.FindFirstRecordByData("partners", "slug", demo.PartnerSlug)
	if err != nil {
		t.Fatal(err)
	}
	agreements, err := app.FindAllRecords("documents", dbx.HashExp{"partner": partner.Id})
	if err != nil || len(agreements) != 1 {
		t.Fatalf("%s agreements: %d, %v", demo.PartnerSlug, len(agreements), err)
	}
	agreement := agreements[0]
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(email, path string) (int, string) {
		t.Helper()
		ck, _ := testapp.SessionCookie(t, app, email)
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.AddCookie(ck)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body)
	}
	for _, l := range printedLogins {
		status, body := get(l.email, "/documents")
		if status != http.StatusOK {
			t.Errorf("%s: GET /documents = %d", l.email, status)
			continue
		}
		// Every login sees the shared documents for everyone.
		if !strings.Contains(body, html.EscapeString("Apresentação institucional Ponte Cloud")) {
			t.Errorf("%s: the library does not list the institutional deck", l.email)
		}
		status, _ = get(l.email, "/documents/"+agreement.Id)
		if status != http.StatusOK {
			t.Errorf("%s: GET the partner's agreement = %d, want 200", l.email, status)
		}
	}
	// A user of another partner gets a 404 for the agreement.
	if status, _ := get("eduardo.barbosa@carioca-sistemas.example", "/documents/"+agreement.Id); status != http.StatusNotFound {
		t.Errorf("another partner's user: GET the agreement = %d, want 404", status)
	}
}
