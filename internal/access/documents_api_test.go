package access_test

// The document library's access matrix through the REST API: every role ×
// list/view/create/update/delete on document_folders, documents,
// document_versions (and their protected files), document_acknowledgements,
// document_downloads and document_changes, on a fresh clone of the fixture
// with testapp.SeedDocuments applied. Each scenario proves both sides: the
// ids it must return and the ids it must not.
//
// Versions and history rows get random ids when the fixture is seeded, so a
// scenario names them with placeholders ({v1:<document id>} is the id of
// version 1 of that document, {f1:…} its stored file name,
// {c:<document id>:<field>} the id of a history row) that runDocs fills in
// from the scenario's own app once the setups have run.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/documents"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// ---------------------------------------------------------------------------
// Fixture

// docFactory is the seeded fixture with the document library on top.
func docFactory(t testing.TB) *tests.TestApp {
	t.Helper()
	app := testapp.Factory(t)
	testapp.SeedDocuments(t, app)
	return app
}

var (
	allDocs = []string{testapp.DocAll, testapp.DocGold, testapp.DocEurope, testapp.DocGlobex,
		testapp.DocDraft, testapp.DocArchived, testapp.DocAcmePrivate}
	allFolders = []string{testapp.FolderSales, testapp.FolderLegal}

	docTitle = map[string]string{}

	// visibleDocs is who sees which fixture document: Acme is gold and in
	// latam, Globex silver and in latam; partner users see published
	// documents only, managers every shared one and their partners' private
	// ones.
	visibleDocs = map[actor][]string{
		guest:       nil,
		admin:       allDocs,
		ana:         allDocs,
		bruno:       without(allDocs, []string{testapp.DocAcmePrivate}),
		acmeAdmin:   {testapp.DocAll, testapp.DocGold, testapp.DocAcmePrivate},
		acmeUser:    {testapp.DocAll, testapp.DocGold, testapp.DocAcmePrivate},
		globexAdmin: {testapp.DocAll, testapp.DocGlobex},
		globexUser:  {testapp.DocAll, testapp.DocGlobex},
	}
)

func init() {
	for _, d := range testapp.FixtureDocuments {
		docTitle[d.ID] = d.Title
	}
}

func isStaff(a actor) bool { return a == admin || a == ana || a == bruno }

// Records the document scenarios add on top of SeedDocuments.
const (
	docAnaOwned = "docanaowned0001" // shared draft owned by manager Ana
	folderEmpty = "folderempty0001"

	ackDiego = "ackdiego0000001" // acknowledgements of DocAcmePrivate v1 …
	ackCarla = "ackcarla0000001"
	ackAna   = "ackana000000001"
	ackElena = "ackelena0000001" // … and of DocGlobex v1
	ackFabio = "ackfabio0000001"

	dlDiego = "dldiego00000001" // downloads of v1 of various documents
	dlCarla = "dlcarla00000001"
	dlElena = "dlelena00000001"
	dlFabio = "dlfabio00000001"
	dlAna   = "dlana0000000001"
	dlAdmin = "dladmin00000001"
)

var (
	allAcks      = []string{ackDiego, ackCarla, ackAna, ackElena, ackFabio}
	allDownloads = []string{dlDiego, dlCarla, dlElena, dlFabio, dlAna, dlAdmin}

	// Facts (acknowledgements, downloads) each role sees: their own, their
	// organisation's for a partner admin, their partners' for a manager.
	visibleAcks = map[actor][]string{
		guest: nil, admin: allAcks,
		ana: {ackDiego, ackCarla, ackAna}, bruno: {ackElena, ackFabio},
		acmeAdmin: {ackDiego, ackCarla}, acmeUser: {ackDiego},
		globexAdmin: {ackElena, ackFabio}, globexUser: {ackFabio},
	}
	visibleDownloads = map[actor][]string{
		guest: nil, admin: allDownloads,
		ana: {dlDiego, dlCarla, dlAna}, bruno: {dlElena, dlFabio},
		acmeAdmin: {dlDiego, dlCarla}, acmeUser: {dlDiego},
		globexAdmin: {dlElena, dlFabio}, globexUser: {dlFabio},
	}
)

// versionOf returns version number n of a document.
func versionOf(t testing.TB, app core.App, doc string, n int) *core.Record {
	t.Helper()
	v, err := app.FindFirstRecordByFilter("document_versions", "document = {:d} && number = {:n}",
		dbx.Params{"d": doc, "n": n})
	if err != nil {
		t.Fatalf("version %d of %s: %v", n, doc, err)
	}
	return v
}

func saveNew(t testing.TB, app core.App, coll, id string, fields map[string]any) {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(coll)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	r.Id = id
	for k, v := range fields {
		r.Set(k, v)
	}
	if err := app.Save(r); err != nil {
		t.Fatalf("seeding %s/%s: %v", coll, id, err)
	}
}

func setDoc(id string, fields map[string]any) setupFunc {
	return func(t testing.TB, app *tests.TestApp) {
		t.Helper()
		d, err := app.FindRecordById("documents", id)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range fields {
			d.Set(k, v)
		}
		activity.SetActor(d, testapp.AdminID)
		if err := app.Save(d); err != nil {
			t.Fatalf("updating %s: %v", id, err)
		}
	}
}

func seedAnaOwned(t testing.TB, app *tests.TestApp) {
	t.Helper()
	saveNew(t, app, "documents", docAnaOwned, map[string]any{
		"title": "Ana's notes", "audience": "all", "status": "draft", "owner": testapp.ManagerAnaID,
	})
}

func seedEmptyFolder(t testing.TB, app *tests.TestApp) {
	t.Helper()
	saveNew(t, app, "document_folders", folderEmpty, map[string]any{"name": "Empty"})
}

// seedFacts writes acknowledgements and downloads directly (the hooks stamp
// each row with its user's partner).
func seedFacts(t testing.TB, app *tests.TestApp) {
	t.Helper()
	acme := versionOf(t, app, testapp.DocAcmePrivate, 1).Id
	globex := versionOf(t, app, testapp.DocGlobex, 1).Id
	for id, f := range map[string][3]string{
		ackDiego: {testapp.DocAcmePrivate, acme, testapp.AcmeUserID},
		ackCarla: {testapp.DocAcmePrivate, acme, testapp.AcmeAdminID},
		ackAna:   {testapp.DocAcmePrivate, acme, testapp.ManagerAnaID},
		ackElena: {testapp.DocGlobex, globex, testapp.GlobexAdminID},
		ackFabio: {testapp.DocGlobex, globex, testapp.GlobexUserID},
	} {
		saveNew(t, app, "document_acknowledgements", id, map[string]any{"document": f[0], "version": f[1], "user": f[2]})
	}
	for id, f := range map[string][2]string{
		dlDiego: {testapp.DocAll, testapp.AcmeUserID},
		dlCarla: {testapp.DocGold, testapp.AcmeAdminID},
		dlElena: {testapp.DocAll, testapp.GlobexAdminID},
		dlFabio: {testapp.DocGlobex, testapp.GlobexUserID},
		dlAna:   {testapp.DocAll, testapp.ManagerAnaID},
		dlAdmin: {testapp.DocDraft, testapp.AdminID},
	} {
		saveNew(t, app, "document_downloads", id, map[string]any{
			"document": f[0], "version": versionOf(t, app, f[0], 1).Id, "user": f[1]})
	}
}

// seedChanges edits three documents, which writes history rows: DocAll's
// title (seen by all its readers), DocEurope's title (staff only: no
// partner is in Europe) and DocAcmePrivate's title, audience and
// audience_partners (the audience rows for staff only).
func seedChanges(t testing.TB, app *tests.TestApp) {
	t.Helper()
	setDoc(testapp.DocAll, map[string]any{"title": "Price list 2026 rev"})(t, app)
	setDoc(testapp.DocEurope, map[string]any{"title": "EU data addendum rev"})(t, app)
	setDoc(testapp.DocAcmePrivate, map[string]any{"title": "Acme signed agreement rev",
		"audience": "partners", "audience_partners": []string{testapp.PartnerAcme}})(t, app)
}

// addV2 adds a second version of a document, as the admin.
func addV2(doc string) setupFunc {
	return func(t testing.TB, app *tests.TestApp) {
		t.Helper()
		if _, err := testapp.AddVersion(app, doc, testapp.AdminID, "v2.txt", []byte(doc+" v2")); err != nil {
			t.Fatalf("adding v2 of %s: %v", doc, err)
		}
	}
}

// remember stores a snapshot of a record taken after the setups, for
// unchangedSince.
func remember(coll, id string) setupFunc {
	return func(t testing.TB, app *tests.TestApp) {
		t.Helper()
		r, err := app.FindRecordById(coll, id)
		if err != nil {
			t.Fatal(err)
		}
		app.Store().Set("before:"+coll+"/"+id, snapshot(r))
	}
}

// unchangedSince checks that a refused request left the record exactly as
// remember saw it.
func unchangedSince(coll, id string) afterFunc {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		want, ok := app.Store().Get("before:" + coll + "/" + id).(map[string]string)
		if !ok {
			t.Fatalf("no snapshot of %s/%s", coll, id)
		}
		got, err := app.FindRecordById(coll, id)
		if err != nil {
			t.Fatalf("%s/%s is gone after a refused request: %v", coll, id, err)
		}
		g := snapshot(got)
		for k, v := range want {
			if g[k] != v {
				t.Errorf("%s/%s field %q changed by a refused request: %q → %q", coll, id, k, v, g[k])
			}
		}
	}
}

// countWhere checks how many records of coll match a filter (placeholders
// filled in).
func countWhere(coll, filter string, params dbx.Params, want int) afterFunc {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		for k, v := range params {
			if s, ok := v.(string); ok {
				params[k] = fill(t, app, s)
			}
		}
		recs, err := app.FindRecordsByFilter(coll, filter, "", 0, 0, params)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) != want {
			t.Errorf("%d %s records where %s %v, want %d", len(recs), coll, filter, params, want)
		}
	}
}

// ---------------------------------------------------------------------------
// Placeholders and running

var placeholder = regexp.MustCompile(`\{(v|f)(\d+):([a-z0-9]{15})\}|\{c:([a-z0-9]{15}):([a-z_]+)\}|\{filetoken\}`)

const storeFileToken = "test.filetoken"

// fill replaces the placeholders in s with ids from app.
func fill(t testing.TB, app *tests.TestApp, s string) string {
	t.Helper()
	return placeholder.ReplaceAllStringFunc(s, func(m string) string {
		p := placeholder.FindStringSubmatch(m)
		switch {
		case m == "{filetoken}":
			tok, _ := app.Store().Get(storeFileToken).(string)
			return tok
		case p[1] != "":
			n, _ := strconv.Atoi(p[2])
			v := versionOf(t, app, p[3], n)
			if p[1] == "f" {
				return v.GetString("file")
			}
			return v.Id
		default:
			r, err := app.FindFirstRecordByFilter("document_changes", "document = {:d} && field = {:f}",
				dbx.Params{"d": p[4], "f": p[5]})
			if err != nil {
				t.Fatalf("history row %s of %s: %v", p[5], p[4], err)
			}
			return r.Id
		}
	})
}

func fillAll(t testing.TB, app *tests.TestApp, ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = fill(t, app, s)
	}
	return out
}

// runDocs runs scenarios on docFactory, filling the placeholders of URL,
// body and expectations once BeforeTestFunc has run.
func runDocs(t *testing.T, scenarios []tests.ApiScenario) {
	t.Helper()
	seen := map[string]bool{}
	for _, s := range scenarios {
		if seen[s.Name] {
			t.Fatalf("duplicate scenario name %q", s.Name)
		}
		seen[s.Name] = true
	}
	for _, s := range scenarios {
		sc := s
		sc.TestAppFactory = cachedDocFactory
		var body string
		if sc.Body != nil {
			b, err := io.ReadAll(sc.Body)
			if err != nil {
				t.Fatal(err)
			}
			body = string(b)
		}
		before := sc.BeforeTestFunc
		sc.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
			t.Helper()
			if before != nil {
				before(t, app, e)
			}
			sc.URL = fill(t, app, sc.URL)
			sc.ExpectedContent = fillAll(t, app, sc.ExpectedContent)
			sc.NotExpectedContent = fillAll(t, app, sc.NotExpectedContent)
			if s.Body != nil {
				sc.Body = strings.NewReader(fill(t, app, body))
			}
		}
		sc.Test(t)
	}
}

func docFrag(id string) string { return `"document":"` + id + `"` }

func docFrags(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = docFrag(id)
	}
	return out
}

func titleFrags(ids []string) []string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = frag("title", docTitle[id])
	}
	return out
}

// updateDocS is updateS whose refusals are checked against the record as it
// was after the setups (ids and dates differ between clones).
func updateDocS(a actor, coll, id, label string, body map[string]any, allowed bool, refusedStatus int, setups ...setupFunc) tests.ApiScenario {
	s := updateS(nil, a, coll, id, label, body, allowed, refusedStatus)
	s.BeforeTestFunc = as(a, append(slices.Clone(setups), remember(coll, id))...)
	if !allowed {
		s.AfterTestFunc = afterAll(unchangedSince(coll, id))
	}
	return s
}

// ---------------------------------------------------------------------------
// document_folders

func TestDocumentsAPIFolders(t *testing.T) {
	label := map[string]string{testapp.FolderSales: "sales folder", testapp.FolderLegal: "legal folder"}
	var s []tests.ApiScenario
	for _, a := range actors {
		vis := allFolders
		if a == guest {
			vis = nil
		}
		s = append(s, listS(a, "document_folders", allFolders, vis, nil))
		for _, id := range allFolders {
			s = append(s, viewS(a, "document_folders", id, label[id], a != guest, nil))
		}
		// Create and rename: staff. A non-nil rule that fails: 400 / 404.
		st := http.StatusBadRequest
		want := 0
		if isStaff(a) {
			st, want = http.StatusOK, 1
		}
		s = append(s, createS(a, "document_folders", "a folder", map[string]any{"name": "Marketing"}, st,
			countWith("document_folders", "name", "Marketing", want)))
		s = append(s, updateDocS(a, "document_folders", testapp.FolderLegal, label[testapp.FolderLegal],
			map[string]any{"name": "Contracts"}, isStaff(a), http.StatusNotFound))
		// Delete: admin only.
		s = append(s, deleteS(a, "document_folders", folderEmpty, "an empty folder", a == admin, http.StatusNotFound,
			countWith("document_folders", "id", folderEmpty, 1), seedEmptyFolder))
	}
	s = append(s,
		// Even the admin cannot delete a folder that holds documents …
		tests.ApiScenario{
			Name:            "admin deletes the sales folder holding documents → 400",
			Method:          http.MethodDelete,
			URL:             recordsURL("document_folders") + "/" + testapp.FolderSales,
			BeforeTestFunc:  as(admin),
			ExpectedStatus:  http.StatusBadRequest,
			ExpectedContent: []string{"validation_folder_not_empty"},
			AfterTestFunc: afterAll(countWith("document_folders", "id", testapp.FolderSales, 1),
				countWith("documents", "folder", testapp.FolderSales, 5)),
		},
		// … nor put a folder inside itself or its own child.
		updateDocS(admin, "document_folders", testapp.FolderSales, "sales folder",
			map[string]any{"parent": testapp.FolderSales}, false, http.StatusBadRequest),
		updateDocS(ana, "document_folders", testapp.FolderLegal, "legal folder (a child of sales)",
			map[string]any{"parent": testapp.FolderSales}, true, 0),
	)
	cycle := updateDocS(ana, "document_folders", testapp.FolderSales, "sales folder (parent of legal)",
		map[string]any{"parent": testapp.FolderLegal}, false, http.StatusBadRequest,
		func(t testing.TB, app *tests.TestApp) {
			t.Helper()
			r, err := app.FindRecordById("document_folders", testapp.FolderLegal)
			if err != nil {
				t.Fatal(err)
			}
			r.Set("parent", testapp.FolderSales)
			if err := app.Save(r); err != nil {
				t.Fatal(err)
			}
		})
	cycle.ExpectedContent = append(cycle.ExpectedContent, "validation_folder_cycle")
	s = append(s, cycle)
	runDocs(t, s)
}

// ---------------------------------------------------------------------------
// documents

func TestDocumentsAPIDocuments(t *testing.T) {
	label := func(id string) string { return "document " + id }
	var s []tests.ApiScenario
	for _, a := range actors {
		vis := visibleDocs[a]
		s = append(s, listS(a, "documents", allDocs, vis, titleFrags(without(allDocs, vis))))
		for _, id := range allDocs {
			var notExp []string
			if !slices.Contains(vis, id) {
				notExp = []string{frag("title", docTitle[id]), `"current_version":`}
			}
			s = append(s, viewS(a, "documents", id, label(id), slices.Contains(vis, id), notExp))
		}

		// Create a shared draft owned by oneself: staff only.
		st, want := http.StatusBadRequest, 0
		if isStaff(a) {
			st, want = http.StatusOK, 1
		}
		s = append(s, createS(a, "documents", "a shared draft", map[string]any{
			"title": "New brochure", "audience": "all", "status": "draft", "owner": a.id,
		}, st, countWith("documents", "title", "New brochure", want)))

		// Rename every fixture document: admin all, a manager the shared
		// ones and their partners' private ones, nobody else.
		for _, id := range allDocs {
			allowed := a == admin || a == ana || (a == bruno && id != testapp.DocAcmePrivate)
			s = append(s, updateDocS(a, "documents", id, label(id), map[string]any{"title": "Renamed"}, allowed, http.StatusNotFound))
		}

		// Delete Ana's own shared draft: Ana and the admin.
		s = append(s, deleteS(a, "documents", docAnaOwned, "ana's own shared draft", a == admin || a == ana,
			http.StatusNotFound, countWith("documents", "id", docAnaOwned, 1), seedAnaOwned))
	}

	private := func(a actor, partner string, status int) tests.ApiScenario {
		want := 0
		if status == http.StatusOK {
			want = 1
		}
		sc := createS(a, "documents", "a document private to "+partner, map[string]any{
			"title": "Private terms", "audience": "all", "status": "published", "owner": a.id, "partner": partner,
		}, status, countWith("documents", "title", "Private terms", want))
		return sc
	}
	acme, globex := testapp.PartnerAcme, testapp.PartnerGlobex
	s = append(s,
		// Private documents: a manager only for the partners they manage.
		private(ana, acme, http.StatusOK),
		private(ana, globex, http.StatusBadRequest),
		private(bruno, globex, http.StatusOK),
		private(bruno, acme, http.StatusBadRequest),
		private(admin, globex, http.StatusOK),
		private(acmeAdmin, acme, http.StatusBadRequest),
		private(acmeUser, acme, http.StatusBadRequest),
		// Nobody creates a document in someone else's name.
		createS(ana, "documents", "a draft owned by the admin", map[string]any{
			"title": "Not mine", "audience": "all", "status": "draft", "owner": testapp.AdminID,
		}, http.StatusBadRequest, countWith("documents", "title", "Not mine", 0)),

		// Moving a document to a partner: only to one the manager manages.
		updateDocS(ana, "documents", testapp.DocAll, "document all", map[string]any{"partner": acme}, true, 0),
		updateDocS(ana, "documents", testapp.DocAll, "document all", map[string]any{"partner": globex}, false, http.StatusNotFound),
		updateDocS(bruno, "documents", testapp.DocAll, "document all", map[string]any{"partner": acme}, false, http.StatusNotFound),
		updateDocS(admin, "documents", testapp.DocAcmePrivate, "acme's private document", map[string]any{"partner": globex}, true, 0),
		updateDocS(ana, "documents", testapp.DocAcmePrivate, "acme's private document", map[string]any{"partner": ""}, true, 0),
		// Ownership: the admin reassigns; a manager neither takes over a
		// document owned by someone else nor hands theirs to someone else.
		updateDocS(admin, "documents", testapp.DocAll, "document all", map[string]any{"owner": testapp.ManagerBrunoID}, true, 0),
		updateDocS(bruno, "documents", testapp.DocAll, "document all (owned by admin)", map[string]any{"owner": testapp.ManagerBrunoID}, false, http.StatusNotFound),
		updateDocS(ana, "documents", docAnaOwned, "ana's own draft", map[string]any{"owner": testapp.ManagerBrunoID}, false, http.StatusNotFound, seedAnaOwned),
		updateDocS(ana, "documents", docAnaOwned, "ana's own draft", map[string]any{"owner": testapp.ManagerAnaID, "status": "published"}, true, 0, seedAnaOwned),
		// The fields the versions hook maintains are out of every API
		// client's reach, the admin's included: pointing current_version at
		// another document's (private) version would serve its file.
		updateDocS(ana, "documents", testapp.DocAll, "document all", map[string]any{"version_count": 9}, false, http.StatusNotFound),
		updateDocS(admin, "documents", testapp.DocAll, "document all", map[string]any{"kind": "video"}, false, http.StatusNotFound),
		updateDocS(admin, "documents", testapp.DocAll, "document all", map[string]any{"revised": "2020-01-01 00:00:00.000Z"}, false, http.StatusNotFound),
		// A manager can edit a shared document but deletes only their own.
		deleteS(ana, "documents", testapp.DocAll, "document all (owned by admin)", false, http.StatusNotFound,
			countWith("documents", "id", testapp.DocAll, 1)),
		deleteS(bruno, "documents", testapp.DocAcmePrivate, "acme's private document", false, http.StatusNotFound,
			countWith("documents", "id", testapp.DocAcmePrivate, 1)),
		deleteS(admin, "documents", testapp.DocAcmePrivate, "acme's private document", true, 0, nil),
		// Partner users never write, even to their own private document.
		updateDocS(acmeAdmin, "documents", testapp.DocAcmePrivate, "acme's private document",
			map[string]any{"requires_acknowledgement": false}, false, http.StatusNotFound),
	)
	// A manager who takes over ownership could then delete the document:
	// the delete rule's owner check would mean nothing.
	takeover := deleteS(bruno, "documents", testapp.DocAll, "document all after trying to take it over", false,
		http.StatusNotFound, countWith("documents", "id", testapp.DocAll, 1))
	takeover.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		t.Helper()
		as(bruno)(t, app, e)
		h, err := e.Router.BuildMux()
		if err != nil {
			t.Fatal(err)
		}
		req := httptest.NewRequest(http.MethodPatch, recordsURL("documents")+"/"+testapp.DocAll,
			jsonBody(map[string]any{"owner": testapp.ManagerBrunoID}))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusNotFound {
			t.Errorf("bruno takes over document all → %d, want 404", rec.Code)
		}
	}
	s = append(s, takeover)
	runDocs(t, s)
}

// ---------------------------------------------------------------------------
// document_versions and their files

// multipartBody builds a multipart form with fields and one file.
func multipartBody(t testing.TB, fields map[string]string, file string, content []byte) (*bytes.Buffer, string) {
	t.Helper()
	body := &bytes.Buffer{}
	mp := multipart.NewWriter(body)
	for k, v := range fields {
		if err := mp.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	if file != "" {
		w, err := mp.CreateFormFile("file", file)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(content); err != nil {
			t.Fatal(err)
		}
	}
	if err := mp.Close(); err != nil {
		t.Fatal(err)
	}
	return body, mp.FormDataContentType()
}

// uploadS: a uploads a new version of doc as uploader.
func uploadS(t *testing.T, a actor, doc, uploader string, status int, expected []string, setups ...setupFunc) tests.ApiScenario {
	body, ct := multipartBody(t, map[string]string{"document": doc, "uploaded_by": uploader, "notes": "new terms"},
		"terms.txt", []byte("brand new terms for "+doc))
	who := "self"
	if uploader != a.id {
		who = uploader
	}
	want := 1
	if status == http.StatusOK {
		want = 2
		expected = append(expected, docFrag(doc), `"number":2`, frag("uploaded_by", uploader))
	} else {
		expected = append(expected, statusFrag(status))
	}
	return tests.ApiScenario{
		Name:            fmt.Sprintf("%s uploads a version of %s as %s → %d", a.name, doc, who, status),
		Method:          http.MethodPost,
		URL:             recordsURL("document_versions"),
		Body:            body,
		Headers:         map[string]string{"Content-Type": ct},
		BeforeTestFunc:  as(a, setups...),
		ExpectedStatus:  status,
		ExpectedContent: expected,
		AfterTestFunc:   afterAll(countWith("document_versions", "document", doc, want)),
	}
}

// fileTokenVia asks POST /api/files/token for a file token, signed in with
// authToken, through the scenario's own router.
func fileTokenVia(t testing.TB, e *core.ServeEvent, authToken string) string {
	t.Helper()
	h, err := e.Router.BuildMux()
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/api/files/token", nil)
	req.Header.Set("Authorization", authToken)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusOK {
		t.Fatalf("POST /api/files/token → %d: %s", rec.Code, rec.Body)
	}
	var out struct {
		Token string `json:"token"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil || out.Token == "" {
		t.Fatalf("file token response %s: %v", rec.Body, err)
	}
	return out.Token
}

// downloadS: a fetches v1's protected file of doc the way a browser does, with
// only ?token= (no Authorization header). A download that is served is
// counted; a refused one is not.
func downloadS(a actor, doc string, allowed bool) tests.ApiScenario {
	s := tests.ApiScenario{
		Method: http.MethodGet,
		URL:    "/api/files/document_versions/{v1:" + doc + "}/{f1:" + doc + "}?token={filetoken}",
		BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
			t.Helper()
			if a.email != "" {
				app.Store().Set(storeFileToken, fileTokenVia(t, e, testapp.Token(t, app, a.email)))
			}
		},
	}
	if allowed {
		s.Name = fmt.Sprintf("%s downloads v1 of %s → 200", a.name, doc)
		s.ExpectedStatus = http.StatusOK
		s.ExpectedContent = []string{doc + " v1"}
		s.AfterTestFunc = afterAll(countWhere("document_downloads", "user = {:u} && version = {:v}",
			dbx.Params{"u": a.id, "v": "{v1:" + doc + "}"}, 1))
	} else {
		s.Name = fmt.Sprintf("%s downloads v1 of %s → 404", a.name, doc)
		s.ExpectedStatus = http.StatusNotFound
		s.ExpectedContent = []string{statusFrag(404)}
		s.NotExpectedContent = []string{doc + " v1"}
		s.AfterTestFunc = afterAll(func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			t.Helper()
			if n, _ := app.CountRecords("document_downloads"); n != 0 {
				t.Errorf("%d download rows after a refused download, want 0", n)
			}
		})
	}
	return s
}

func TestDocumentsAPIVersions(t *testing.T) {
	var s []tests.ApiScenario
	for _, a := range actors {
		vis := visibleDocs[a]
		// List: one version per visible document, none of the others.
		ls := listS(a, "document_versions", nil, nil, docFrags(without(allDocs, vis)))
		ls.ExpectedContent = append([]string{fmt.Sprintf(`"totalItems":%d`, len(vis))}, docFrags(vis)...)
		s = append(s, ls)
		for _, doc := range allDocs {
			ok := slices.Contains(vis, doc)
			vs := viewS(a, "document_versions", "{v1:"+doc+"}", "v1 of "+doc, ok, nil)
			if ok {
				vs.ExpectedContent = append(vs.ExpectedContent, docFrag(doc), `"number":1`)
			} else {
				vs.NotExpectedContent = append(vs.NotExpectedContent, docFrag(doc))
			}
			s = append(s, vs)
			s = append(s, downloadS(a, doc, ok))
		}

		// Upload to the shared DocAll: staff only.
		st := http.StatusBadRequest
		if isStaff(a) {
			st = http.StatusOK
		}
		s = append(s, uploadS(t, a, testapp.DocAll, a.id, st, nil))

		// Versions are immutable and deleted only with their document: no
		// rule, so 403 for everyone who is not a superuser.
		up := updateDocS(a, "document_versions", "{v1:"+testapp.DocAll+"}", "v1 of "+testapp.DocAll,
			map[string]any{"notes": "rewritten"}, false, http.StatusForbidden)
		up.BeforeTestFunc = as(a)
		up.AfterTestFunc = afterAll(countWith("document_versions", "notes", "rewritten", 0))
		s = append(s, up)
		s = append(s, deleteS(a, "document_versions", "{v1:"+testapp.DocAll+"}", "v1 of "+testapp.DocAll, false,
			http.StatusForbidden, countWith("document_versions", "document", testapp.DocAll, 1)))
	}
	s = append(s,
		// Private documents: their partner's manager only.
		uploadS(t, ana, testapp.DocAcmePrivate, testapp.ManagerAnaID, http.StatusOK, nil),
		uploadS(t, bruno, testapp.DocAcmePrivate, testapp.ManagerBrunoID, http.StatusBadRequest, nil),
		uploadS(t, admin, testapp.DocAcmePrivate, testapp.AdminID, http.StatusOK, nil),
		uploadS(t, acmeAdmin, testapp.DocAcmePrivate, testapp.AcmeAdminID, http.StatusBadRequest, nil),
		// Nobody uploads in someone else's name.
		uploadS(t, ana, testapp.DocAll, testapp.AdminID, http.StatusBadRequest, nil),
		// An archived document takes no new version, even from the admin.
		uploadS(t, admin, testapp.DocArchived, testapp.AdminID, http.StatusBadRequest, []string{"validation_document_archived"}),
	)
	// The file token itself: signed-in users only.
	s = append(s,
		tests.ApiScenario{
			Name:               "guest asks for a file token → 401",
			Method:             http.MethodPost,
			URL:                "/api/files/token",
			ExpectedStatus:     http.StatusUnauthorized,
			ExpectedContent:    []string{statusFrag(401)},
			NotExpectedContent: []string{`"token":`},
		},
		tests.ApiScenario{
			Name:            "partner_user acme asks for a file token → 200",
			Method:          http.MethodPost,
			URL:             "/api/files/token",
			BeforeTestFunc:  as(acmeUser),
			ExpectedStatus:  http.StatusOK,
			ExpectedContent: []string{`"token":"`},
		},
		// An auth token in the header is not a file token: protected files
		// need ?token=.
		tests.ApiScenario{
			Name:               "partner_user acme downloads v1 of DocAll with only an Authorization header → 404",
			Method:             http.MethodGet,
			URL:                "/api/files/document_versions/{v1:" + testapp.DocAll + "}/{f1:" + testapp.DocAll + "}",
			BeforeTestFunc:     as(acmeUser),
			ExpectedStatus:     http.StatusNotFound,
			ExpectedContent:    []string{statusFrag(404)},
			NotExpectedContent: []string{testapp.DocAll + " v1"},
		},
		// An auth token is not accepted as a file token either.
		tests.ApiScenario{
			Name:   "partner_user acme downloads v1 of DocAll with an auth token as ?token= → 404",
			Method: http.MethodGet,
			URL:    "/api/files/document_versions/{v1:" + testapp.DocAll + "}/{f1:" + testapp.DocAll + "}?token={filetoken}",
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, _ *core.ServeEvent) {
				app.Store().Set(storeFileToken, testapp.Token(t, app, testapp.AcmeUserEmail))
			},
			ExpectedStatus:     http.StatusNotFound,
			ExpectedContent:    []string{statusFrag(404)},
			NotExpectedContent: []string{testapp.DocAll + " v1"},
		},
	)
	// Not even a superuser can rewrite a version: the hook refuses.
	s = append(s, tests.ApiScenario{
		Name:   "superuser updates notes of v1 of DocAll → 400",
		Method: http.MethodPatch,
		URL:    recordsURL("document_versions") + "/{v1:" + testapp.DocAll + "}",
		Body:   jsonBody(map[string]any{"notes": "rewritten"}),
		BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
			t.Helper()
			c, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
			if err != nil {
				t.Fatal(err)
			}
			su := core.NewRecord(c)
			su.SetEmail("root@vendor.test")
			su.SetPassword(testapp.Password)
			if err := app.Save(su); err != nil {
				t.Fatal(err)
			}
			tok, err := su.NewAuthToken()
			if err != nil {
				t.Fatal(err)
			}
			authorize(e, tok)
		},
		ExpectedStatus:     http.StatusBadRequest,
		ExpectedContent:    []string{"validation_version_immutable"},
		NotExpectedContent: []string{"rewritten"},
		AfterTestFunc:      afterAll(countWith("document_versions", "notes", "rewritten", 0)),
	})
	runDocs(t, s)
}

// ---------------------------------------------------------------------------
// document_acknowledgements

// ackS: a acknowledges version (a placeholder) of doc for user.
func ackS(a actor, label, doc, version, user string, status int, setups ...setupFunc) tests.ApiScenario {
	// The body's partner is ignored: the hook stamps the user's own.
	body := map[string]any{"document": doc, "version": version, "user": user, "partner": testapp.PartnerGlobex}
	s := tests.ApiScenario{
		Name:           fmt.Sprintf("%s acknowledges %s → %d", a.name, label, status),
		Method:         http.MethodPost,
		URL:            recordsURL("document_acknowledgements"),
		Body:           jsonBody(body),
		BeforeTestFunc: as(a, setups...),
		ExpectedStatus: status,
	}
	if status == http.StatusOK {
		var partner string
		for _, u := range testapp.FixtureUsers {
			if u.ID == user {
				partner = u.Partner
			}
		}
		s.ExpectedContent = []string{docFrag(doc), frag("version", version), frag("user", user), frag("partner", partner)}
		s.AfterTestFunc = afterAll(func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			t.Helper()
			recs, err := app.FindRecordsByFilter("document_acknowledgements", "user = {:u} && version = {:v}", "", 0, 0,
				dbx.Params{"u": user, "v": fill(t, app, version)})
			if err != nil || len(recs) != 1 {
				t.Fatalf("%d acknowledgements of %s by %s (%v), want 1", len(recs), version, user, err)
			}
			if got := recs[0].GetString("partner"); got != partner {
				t.Errorf("acknowledgement stamped with partner %q, want %q", got, partner)
			}
		})
	} else {
		s.ExpectedContent = []string{statusFrag(status)}
		s.NotExpectedContent = []string{`"id":"`}
		s.AfterTestFunc = afterAll(countWhere("document_acknowledgements", "user = {:u} && version = {:v}",
			dbx.Params{"u": user, "v": version}, 0))
	}
	return s
}

func TestDocumentsAPIAcknowledgements(t *testing.T) {
	priv := testapp.DocAcmePrivate
	v1 := "{v1:" + priv + "}"
	label := map[string]string{ackDiego: "ack of diego", ackFabio: "ack of fabio", ackAna: "ack of ana"}
	var s []tests.ApiScenario
	for _, a := range actors {
		s = append(s, listS(a, "document_acknowledgements", allAcks, visibleAcks[a], nil, seedFacts))
		for _, id := range []string{ackDiego, ackFabio, ackAna} {
			s = append(s, viewS(a, "document_acknowledgements", id, label[id], slices.Contains(visibleAcks[a], id), nil, seedFacts))
		}
		// Acknowledge the current version of Acme's private document: whoever
		// sees it (Acme's users, Ana, the admin).
		st := http.StatusBadRequest
		if slices.Contains(visibleDocs[a], priv) {
			st = http.StatusOK
		}
		s = append(s, ackS(a, "v1 of acme's private document", priv, v1, a.id, st))
		// Acknowledgements are never changed nor withdrawn.
		s = append(s, updateDocS(a, "document_acknowledgements", ackDiego, label[ackDiego],
			map[string]any{"version": "{v1:" + testapp.DocGlobex + "}"}, false, http.StatusForbidden, seedFacts))
		s = append(s, deleteS(a, "document_acknowledgements", ackDiego, label[ackDiego], false, http.StatusForbidden,
			countWith("document_acknowledgements", "id", ackDiego, 1), seedFacts))
	}
	needsAck := func(doc string) setupFunc {
		return setDoc(doc, map[string]any{"requires_acknowledgement": true})
	}
	s = append(s,
		// Only for oneself.
		ackS(acmeUser, "v1 of acme's private document for carla", priv, v1, testapp.AcmeAdminID, http.StatusBadRequest),
		// Only a document that asks for it.
		ackS(acmeUser, "v1 of DocAll (no acknowledgement asked)", testapp.DocAll, "{v1:"+testapp.DocAll+"}", testapp.AcmeUserID, http.StatusBadRequest),
		// Only the current version.
		ackS(acmeUser, "v1 of acme's private document after v2", priv, v1, testapp.AcmeUserID, http.StatusBadRequest, addV2(priv)),
		ackS(acmeUser, "v2 of acme's private document", priv, "{v2:"+priv+"}", testapp.AcmeUserID, http.StatusOK, addV2(priv)),
		// A version must belong to the document named.
		ackS(acmeUser, "DocAll's v1 as acme's private document", priv, "{v1:"+testapp.DocAll+"}", testapp.AcmeUserID, http.StatusBadRequest),
		// A Globex user acknowledges what he sees …
		ackS(globexUser, "v1 of DocGlobex (asking for it)", testapp.DocGlobex, "{v1:"+testapp.DocGlobex+"}",
			testapp.GlobexUserID, http.StatusOK, needsAck(testapp.DocGlobex)),
		// … and an Acme user cannot acknowledge it.
		ackS(acmeUser, "v1 of DocGlobex (asking for it)", testapp.DocGlobex, "{v1:"+testapp.DocGlobex+"}",
			testapp.AcmeUserID, http.StatusBadRequest, needsAck(testapp.DocGlobex)),
		// A draft is invisible to partners, not to its managers.
		ackS(acmeUser, "v1 of the draft (asking for it)", testapp.DocDraft, "{v1:"+testapp.DocDraft+"}",
			testapp.AcmeUserID, http.StatusBadRequest, needsAck(testapp.DocDraft)),
		ackS(ana, "v1 of the draft (asking for it)", testapp.DocDraft, "{v1:"+testapp.DocDraft+"}",
			testapp.ManagerAnaID, http.StatusOK, needsAck(testapp.DocDraft)),
	)
	// Once per version: the seeded acknowledgement stays the only one.
	twice := ackS(acmeUser, "v1 of acme's private document a second time", priv, v1, testapp.AcmeUserID, http.StatusBadRequest, seedFacts)
	twice.AfterTestFunc = afterAll(countWhere("document_acknowledgements", "user = {:u} && version = {:v}",
		dbx.Params{"u": testapp.AcmeUserID, "v": v1}, 1))
	s = append(s, twice)
	runDocs(t, s)
}

// ---------------------------------------------------------------------------
// document_downloads

func TestDocumentsAPIDownloads(t *testing.T) {
	label := map[string]string{dlDiego: "download of diego", dlFabio: "download of fabio", dlAdmin: "download of admin"}
	var s []tests.ApiScenario
	for _, a := range actors {
		s = append(s, listS(a, "document_downloads", allDownloads, visibleDownloads[a], nil, seedFacts))
		for _, id := range []string{dlDiego, dlFabio, dlAdmin} {
			s = append(s, viewS(a, "document_downloads", id, label[id], slices.Contains(visibleDownloads[a], id), nil, seedFacts))
		}
		// Written by the server only.
		s = append(s, createS(a, "document_downloads", "a download of DocAll", map[string]any{
			"document": testapp.DocAll, "user": a.id,
		}, http.StatusForbidden, countWith("document_downloads", "document", testapp.DocAll, 0)))
		s = append(s, updateDocS(a, "document_downloads", dlDiego, label[dlDiego],
			map[string]any{"user": testapp.GlobexUserID}, false, http.StatusForbidden, seedFacts))
		s = append(s, deleteS(a, "document_downloads", dlDiego, label[dlDiego], false, http.StatusForbidden,
			countWith("document_downloads", "id", dlDiego, 1), seedFacts))
	}
	// The hook stamps each row with its user's partner.
	s = append(s, tests.ApiScenario{
		Name:            "admin views the download of carla → partner acme",
		Method:          http.MethodGet,
		URL:             recordsURL("document_downloads") + "/" + dlCarla,
		BeforeTestFunc:  as(admin, seedFacts),
		ExpectedStatus:  http.StatusOK,
		ExpectedContent: []string{idFrag(dlCarla), frag("partner", testapp.PartnerAcme), frag("user", testapp.AcmeAdminID)},
	})
	runDocs(t, s)
}

// ---------------------------------------------------------------------------
// document_changes

func TestDocumentsAPIChanges(t *testing.T) {
	priv := testapp.DocAcmePrivate
	type row struct{ doc, field, user string }
	adm := testapp.AdminID
	all := []row{{testapp.DocAll, "title", adm}, {testapp.DocEurope, "title", adm}, {priv, "title", adm},
		{priv, "audience", adm}, {priv, "audience_partners", adm},
		// SeedDocuments archives DocArchived after its first version, as
		// nobody in particular.
		{testapp.DocArchived, "status", ""}}
	visible := map[actor][]row{
		guest: nil, admin: all, ana: all,
		bruno:     {all[0], all[1], all[5]},
		acmeAdmin: {all[0], all[2]}, acmeUser: {all[0], all[2]},
		globexAdmin: {all[0]}, globexUser: {all[0]},
	}
	var s []tests.ApiScenario
	for _, a := range actors {
		vis := visible[a]
		var expected, notExpected []string
		expected = append(expected, fmt.Sprintf(`"totalItems":%d`, len(vis)))
		for _, r := range all {
			ph := idFrag("{c:" + r.doc + ":" + r.field + "}")
			if slices.Contains(vis, r) {
				expected = append(expected, ph)
			} else {
				notExpected = append(notExpected, ph)
			}
		}
		if !isStaff(a) {
			notExpected = append(notExpected, `"field":"audience`, `"new":"Acme Brasil Ltda"`)
		}
		ls := listS(a, "document_changes", nil, nil, nil, seedChanges)
		ls.ExpectedContent, ls.NotExpectedContent = expected, notExpected
		s = append(s, ls)
		for _, r := range all {
			id := "{c:" + r.doc + ":" + r.field + "}"
			vs := viewS(a, "document_changes", id, r.field+" row of "+r.doc, slices.Contains(vis, r), nil, seedChanges)
			if slices.Contains(vis, r) {
				vs.ExpectedContent = append(vs.ExpectedContent, docFrag(r.doc), frag("field", r.field), frag("user", r.user))
			}
			s = append(s, vs)
		}
		// The history is written by the hooks only.
		s = append(s, createS(a, "document_changes", "a history row", map[string]any{
			"document": testapp.DocAll, "field": "title", "old": "x", "new": "forged",
		}, http.StatusForbidden, countWith("document_changes", "new", "forged", 0), seedChanges))
		up := updateDocS(a, "document_changes", "{c:"+testapp.DocAll+":title}", "title row of "+testapp.DocAll,
			map[string]any{"new": "forged"}, false, http.StatusForbidden, seedChanges)
		up.BeforeTestFunc = as(a, seedChanges)
		up.AfterTestFunc = afterAll(countWith("document_changes", "new", "forged", 0))
		s = append(s, up)
		s = append(s, deleteS(a, "document_changes", "{c:"+testapp.DocAll+":title}", "title row of "+testapp.DocAll,
			false, http.StatusForbidden, countWith("document_changes", "document", testapp.DocAll, 1), seedChanges))
	}
	// A change made through the API names its author.
	s = append(s, tests.ApiScenario{
		Name:            "manager ana renames DocAll → history row by ana",
		Method:          http.MethodPatch,
		URL:             recordsURL("documents") + "/" + testapp.DocAll,
		Body:            jsonBody(map[string]any{"title": "Price list 2027"}),
		BeforeTestFunc:  as(ana),
		ExpectedStatus:  http.StatusOK,
		ExpectedContent: []string{idFrag(testapp.DocAll), frag("title", "Price list 2027")},
		AfterTestFunc: afterAll(countWhere("document_changes",
			"document = {:d} && field = 'title' && old = 'Price list 2026' && new = 'Price list 2027' && user = {:u}",
			dbx.Params{"d": testapp.DocAll, "u": testapp.ManagerAnaID}, 1)),
	})
	runDocs(t, s)
}

// ---------------------------------------------------------------------------
// document_stats (the download rollup)

// seedStats writes the facts and builds the rollup from them. Downloads
// give 12 partner rows over DocAll (Acme, Globex, staff), DocGold (Acme),
// DocGlobex (Globex) and DocDraft (staff), one per (document, version,
// partner) and one per (document, partner) for all versions, and 8 total
// rows, one per (document, version) and one per document. Acknowledgements
// add Acme's row and a total row for the agreement's version (DocGlobex's
// version rows exist already).
func seedStats(t testing.TB, app *tests.TestApp) {
	t.Helper()
	seedFacts(t, app)
	if err := documents.RebuildStats(app); err != nil {
		t.Fatal(err)
	}
}

func TestDocumentsAPIStats(t *testing.T) {
	acme, globex := frag("partner", testapp.PartnerAcme), frag("partner", testapp.PartnerGlobex)
	staff, total := frag("partner", ""), frag("scope", "total")
	type want struct {
		n        int
		has, not []string
	}
	cases := map[actor]want{
		guest:       {0, nil, []string{acme, globex, staff}},
		admin:       {22, []string{acme, globex, staff, total}, nil},
		ana:         {5, []string{acme}, []string{globex, staff, total}},
		bruno:       {4, []string{globex}, []string{acme, staff, total}},
		acmeAdmin:   {5, []string{acme}, []string{globex, staff, total}},
		acmeUser:    {0, nil, []string{acme, globex, staff}},
		globexAdmin: {4, []string{globex}, []string{acme, staff, total}},
		globexUser:  {0, nil, []string{acme, globex, staff}},
	}
	var s []tests.ApiScenario
	for _, a := range actors {
		w := cases[a]
		s = append(s, tests.ApiScenario{
			Name:               fmt.Sprintf("%s lists document_stats → exactly %d", a.name, w.n),
			Method:             http.MethodGet,
			URL:                recordsURL("document_stats") + "?perPage=200",
			BeforeTestFunc:     as(a, seedStats),
			ExpectedStatus:     http.StatusOK,
			ExpectedContent:    append([]string{fmt.Sprintf(`"totalItems":%d`, w.n)}, w.has...),
			NotExpectedContent: w.not,
		})
		// Nobody writes the rollup through the API.
		s = append(s, createS(a, "document_stats", "a stats row", map[string]any{
			"document": testapp.DocAll, "partner": testapp.PartnerAcme, "downloads": 1000,
		}, http.StatusForbidden, countWith("document_stats", "downloads", "1000", 0)))
	}
	runDocs(t, s)
}

// cachedDocFactory is docFactory seeded once per test binary and cloned for each scenario.
var cachedDocFactory = testapp.Cached(docFactory)
