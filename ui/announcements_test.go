package ui_test

// The portal tests of announcements: the feeds, the announcement page and
// its read receipts, acknowledgements, the staff editor with its preview and
// bad inputs, deletes and the read rate — every access decision from both
// sides, through real HTTP requests.

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// annTitle names the fixture announcements.
var annTitle = map[string]string{}

func init() {
	for _, a := range testapp.FixtureAnnouncements {
		annTitle[a.ID] = a.Title
	}
}

func newAnnServer(t *testing.T) (*tests.TestApp, *httptest.Server) {
	t.Helper()
	app, srv := newServer(t)
	testapp.SeedAnnouncements(t, app)
	return app, srv
}

// annRow returns the feed row (<li>) linking to an announcement, or "".
func annRow(body, id string) string {
	i := strings.Index(body, `href="/announcements/`+id+`"`)
	if i < 0 {
		return ""
	}
	start := strings.LastIndex(body[:i], "<li")
	end := strings.Index(body[i:], "</li>")
	if start < 0 || end < 0 {
		return ""
	}
	return body[start : i+end]
}

func count(t *testing.T, app core.App, coll string, where dbx.Expression) int {
	t.Helper()
	n, err := app.CountRecords(coll, where)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func TestAnnouncementFeedVisibility(t *testing.T) {
	app, srv := newAnnServer(t)
	for _, c := range []struct {
		email   string
		see     []string
		notSee  []string
		unread  []string
		readAll []string
	}{
		{testapp.AcmeUserEmail, []string{testapp.AnnAll, testapp.AnnGold, testapp.AnnAck},
			[]string{testapp.AnnGlobex, testapp.AnnEurope, testapp.AnnDraft, testapp.AnnFuture, testapp.AnnExpired},
			[]string{testapp.AnnGold, testapp.AnnAck}, []string{testapp.AnnAll}},
		{testapp.GlobexUserEmail, []string{testapp.AnnAll, testapp.AnnGlobex, testapp.AnnAck},
			[]string{testapp.AnnGold, testapp.AnnEurope, testapp.AnnDraft, testapp.AnnFuture, testapp.AnnExpired},
			[]string{testapp.AnnGlobex, testapp.AnnAck}, []string{testapp.AnnAll}},
		{testapp.AcmeAdminEmail, []string{testapp.AnnAll, testapp.AnnGold, testapp.AnnAck},
			[]string{testapp.AnnGlobex, testapp.AnnDraft, testapp.AnnFuture, testapp.AnnExpired},
			[]string{testapp.AnnAll, testapp.AnnGold}, []string{testapp.AnnAck}},
	} {
		b := signedIn(t, app, srv, c.email)
		r := b.get("/announcements")
		expectStatus(t, r, http.StatusOK, c.email+" feed")
		for _, id := range c.see {
			if annRow(r.Body, id) == "" {
				t.Errorf("%s: feed lacks %s", c.email, annTitle[id])
			}
		}
		for _, id := range c.notSee {
			expectNotContains(t, r, c.email+" feed", annTitle[id], id)
		}
		for _, id := range c.unread {
			if !strings.Contains(annRow(r.Body, id), "ann-unread") {
				t.Errorf("%s: %s is not marked unread", c.email, annTitle[id])
			}
		}
		for _, id := range c.readAll {
			if row := annRow(r.Body, id); row == "" || strings.Contains(row, "ann-unread") {
				t.Errorf("%s: %s (read) is missing or marked unread", c.email, annTitle[id])
			}
		}
		// Pinned first, then the newest.
		if i, j := strings.Index(r.Body, "/announcements/"+testapp.AnnAll+`"`), strings.Index(r.Body, "/announcements/"+testapp.AnnAck+`"`); i < 0 || j < 0 || i > j {
			t.Errorf("%s: the pinned announcement is not first", c.email)
		}
		// Partners have no state filter.
		expectStatus(t, b.get("/announcements?state=draft"), http.StatusBadRequest, c.email+" state filter")
	}

	// Staff see every announcement, drafts and all, and filter by state.
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	r := admin.get("/announcements")
	expectStatus(t, r, http.StatusOK, "admin feed")
	for _, a := range testapp.FixtureAnnouncements {
		if annRow(r.Body, a.ID) == "" {
			t.Errorf("admin feed lacks %s", a.Title)
		}
	}
	expectContains(t, r, "admin feed", `href="/announcements/new"`, "ann-state-draft", "ann-state-scheduled", "ann-state-expired")
	for state, want := range map[string]string{"draft": testapp.AnnDraft, "scheduled": testapp.AnnFuture, "expired": testapp.AnnExpired} {
		r := admin.get("/announcements?state=" + state)
		expectStatus(t, r, http.StatusOK, "admin state="+state)
		for _, a := range testapp.FixtureAnnouncements {
			if got := annRow(r.Body, a.ID) != ""; got != (a.ID == want) {
				t.Errorf("state=%s: %s listed=%v", state, a.Title, got)
			}
		}
	}
	r = admin.get("/announcements?state=live&q=summit")
	expectStatus(t, r, http.StatusOK, "admin live+search")
	if annRow(r.Body, testapp.AnnGold) == "" || annRow(r.Body, testapp.AnnAll) != "" {
		t.Errorf("live+search 'summit' should list only the gold summit")
	}
	expectStatus(t, admin.get("/announcements?state=bogus"), http.StatusBadRequest, "bad state")
	expectStatus(t, admin.get("/announcements?page=0"), http.StatusBadRequest, "bad page")
	expectStatus(t, newBrowser(t, srv).get("/announcements"), http.StatusSeeOther, "guest feed")
}

func TestAnnouncementFeedPaging(t *testing.T) {
	app, srv := newAnnServer(t)
	c, _ := app.FindCollectionByNameOrId("announcements")
	base := time.Now().UTC().Add(-time.Hour)
	for i := range 25 {
		r := core.NewRecord(c)
		r.Set("title", "Bulk news "+string(rune('A'+i)))
		r.Set("body", "x")
		r.Set("status", "published")
		r.Set("audience", "all")
		r.Set("author", testapp.AdminID)
		r.Set("publish_at", base.Add(-time.Duration(i)*time.Minute))
		r.Set("notified_at", base) // quiet: no notifications
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	b := signedIn(t, app, srv, testapp.GlobexUserEmail)
	p1 := b.get("/announcements")
	expectContains(t, p1, "page 1", `rel="next" href="/announcements?page=2"`, "Bulk news A")
	expectNotContains(t, p1, "page 1", `rel="prev"`)
	p2 := b.get("/announcements?page=2")
	expectContains(t, p2, "page 2", `rel="prev"`, "Bulk news Y")
	expectNotContains(t, p2, "page 2", `rel="next"`, "Bulk news A<")
}

func TestAnnouncementHomeFeeds(t *testing.T) {
	app, srv := newAnnServer(t)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	r := diego.get("/")
	expectStatus(t, r, http.StatusOK, "diego home")
	expectContains(t, r, "diego home", "Últimos avisos", annTitle[testapp.AnnAll], annTitle[testapp.AnnGold])
	expectNotContains(t, r, "diego home", annTitle[testapp.AnnGlobex], annTitle[testapp.AnnDraft], annTitle[testapp.AnnFuture])
	if !strings.Contains(annRow(r.Body, testapp.AnnGold), "ann-unread") || strings.Contains(annRow(r.Body, testapp.AnnAll), "ann-unread") {
		t.Error("diego home: gold should be unread and the read pinned one not")
	}
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	r = fabio.get("/")
	expectContains(t, r, "fabio home", "Latest announcements", annTitle[testapp.AnnGlobex])
	expectNotContains(t, r, "fabio home", annTitle[testapp.AnnGold])
	// Staff homes show only live announcements, not drafts or scheduled ones.
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	r = admin.get("/")
	expectContains(t, r, "admin home", "Latest announcements", annTitle[testapp.AnnAll])
	expectNotContains(t, r, "admin home", annTitle[testapp.AnnDraft], annTitle[testapp.AnnFuture], annTitle[testapp.AnnExpired])
}

func TestAnnouncementPageRecordsReadOnce(t *testing.T) {
	app, srv := newAnnServer(t)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	mine := dbx.HashExp{"announcement": testapp.AnnGold, "user": testapp.AcmeUserID}
	readEvents := dbx.HashExp{"kind": "announcement.read", "target_id": testapp.AnnGold, "user": testapp.AcmeUserID}
	for i := range 2 {
		r := diego.get("/announcements/" + testapp.AnnGold)
		expectStatus(t, r, http.StatusOK, "diego gold page")
		expectContains(t, r, "diego gold page", "<strong>Gold partner summit</strong>", "Da equipe")
		if n := count(t, app, "announcement_reads", mine); n != 1 {
			t.Fatalf("visit %d: %d read receipts, want 1", i+1, n)
		}
		if n := count(t, app, "activity", readEvents); n != 1 {
			t.Fatalf("visit %d: %d read events, want 1", i+1, n)
		}
	}
	if read, err := app.FindFirstRecordByFilter("announcement_reads", "announcement = {:a} && user = {:u}",
		dbx.Params{"a": testapp.AnnGold, "u": testapp.AcmeUserID}); err != nil || read.GetString("partner") != testapp.PartnerAcme {
		t.Errorf("diego's receipt: %v, partner %q", err, read.GetString("partner"))
	}
	if strings.Contains(annRow(diego.get("/announcements").Body, testapp.AnnGold), "ann-unread") {
		t.Error("after reading, the feed still marks the gold announcement unread")
	}
	// The other side: Fabio (silver) gets a 404 and no receipt; nobody of a
	// partner opens a draft, scheduled or expired announcement.
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	r := fabio.get("/announcements/" + testapp.AnnGold)
	expectStatus(t, r, http.StatusNotFound, "fabio gold page")
	expectNotContains(t, r, "fabio gold page", annTitle[testapp.AnnGold])
	if n := count(t, app, "announcement_reads", dbx.HashExp{"user": testapp.GlobexUserID, "announcement": testapp.AnnGold}); n != 0 {
		t.Errorf("fabio's refused visit left %d receipts", n)
	}
	for _, id := range []string{testapp.AnnDraft, testapp.AnnFuture, testapp.AnnExpired, testapp.AnnGlobex, "nothere00000001"} {
		expectStatus(t, diego.get("/announcements/"+id), http.StatusNotFound, "diego "+id)
	}
	// Staff open drafts, without a receipt for one not yet live.
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	expectStatus(t, admin.get("/announcements/"+testapp.AnnDraft), http.StatusOK, "admin draft page")
	if n := count(t, app, "announcement_reads", dbx.HashExp{"announcement": testapp.AnnDraft}); n != 0 {
		t.Errorf("a draft got %d read receipts", n)
	}
}

func TestAnnouncementAuthorShownOnlyWhenVisible(t *testing.T) {
	app, srv := newAnnServer(t)
	// Ana wrote AnnAck and manages Acme: Diego sees her name, Fabio (whose
	// manager is Bruno) sees the team's.
	r := signedIn(t, app, srv, testapp.AcmeUserEmail).get("/announcements/" + testapp.AnnAck)
	expectContains(t, r, "diego ack page", "Por Ana Souza")
	r = signedIn(t, app, srv, testapp.GlobexUserEmail).get("/announcements/" + testapp.AnnAck)
	expectStatus(t, r, http.StatusOK, "fabio ack page")
	expectContains(t, r, "fabio ack page", "From the ")
	expectNotContains(t, r, "fabio ack page", "Ana Souza")
}

func TestAnnouncementAcknowledge(t *testing.T) {
	app, srv := newAnnServer(t)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	page := "/announcements/" + testapp.AnnAck
	r := diego.get(page)
	expectContains(t, r, "ack page", `action="`+page+`/acknowledge"`, "Li e estou ciente")
	ackEvents := dbx.HashExp{"kind": "announcement.acknowledged", "target_id": testapp.AnnAck, "user": testapp.AcmeUserID}
	for i := range 2 {
		r = diego.post(page+"/acknowledge", nil)
		expectStatus(t, r, http.StatusSeeOther, "acknowledge")
		if n := count(t, app, "activity", ackEvents); n != 1 {
			t.Fatalf("after %d acknowledgements: %d events, want 1", i+1, n)
		}
	}
	read, err := app.FindFirstRecordByFilter("announcement_reads", "announcement = {:a} && user = {:u}",
		dbx.Params{"a": testapp.AnnAck, "u": testapp.AcmeUserID})
	if err != nil || read.GetDateTime("acknowledged").IsZero() {
		t.Fatalf("diego's receipt not acknowledged: %v", err)
	}
	r = diego.get(page)
	expectContains(t, r, "acked page", "Você deu ciência em", "Obrigado")
	expectNotContains(t, r, "acked page", `action="`+page+`/acknowledge"`)

	// No acknowledgement where none is asked, none for a hidden
	// announcement, none by staff.
	expectStatus(t, diego.post("/announcements/"+testapp.AnnAll+"/acknowledge", nil), http.StatusBadRequest, "ack of a plain announcement")
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	expectStatus(t, fabio.post("/announcements/"+testapp.AnnGold+"/acknowledge", nil), http.StatusNotFound, "fabio ack of gold")
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	expectStatus(t, admin.post(page+"/acknowledge", nil), http.StatusForbidden, "admin ack")
	if n := count(t, app, "announcement_reads", dbx.NewExp("acknowledged != ''")); n != 2 { // Carla's and Diego's
		t.Errorf("%d acknowledged receipts, want 2", n)
	}
}

// annForm is a valid editor submission.
func annForm(title string, extra url.Values) url.Values {
	f := url.Values{"title": {title}, "body": {"Hello **partners**.\n\n- one\n- two"}, "status": {"published"},
		"audience": {"all"}}
	for k, v := range extra {
		f[k] = v
	}
	return f
}

func TestAnnouncementEditorCreatesAndNotifies(t *testing.T) {
	app, srv := newAnnServer(t)
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	r := admin.get("/announcements/new")
	expectStatus(t, r, http.StatusOK, "new form")
	expectContains(t, r, "new form", `enctype="multipart/form-data"`, `hx-post="/announcements/preview"`,
		`type="datetime-local"`, "UTC", `id="ann-reach"`)

	r = docUpload(admin, "/announcements/new", annForm("Fresh from the editor", url.Values{
		"audience": {"tiers"}, "audience_tiers": {testapp.TierGold}, "pinned": {"1"}}), "", nil)
	expectStatus(t, r, http.StatusSeeOther, "create")
	loc := r.Header.Get("Location")
	m := regexp.MustCompile(`^/announcements/([a-z0-9]{15})$`).FindStringSubmatch(loc)
	if m == nil {
		t.Fatalf("create redirected to %q", loc)
	}
	rec, err := app.FindRecordById("announcements", m[1])
	if err != nil {
		t.Fatal(err)
	}
	if rec.GetString("author") != testapp.AdminID || !rec.GetBool("pinned") || !strings.Contains(rec.GetString("body_html"), "<strong>partners</strong>") {
		t.Errorf("stored: author %q pinned %v body_html %q", rec.GetString("author"), rec.GetBool("pinned"), rec.GetString("body_html"))
	}
	// Acme's two users are told, in one go, and the event names the admin.
	if n := count(t, app, "notifications", dbx.HashExp{"link": loc}); n != 2 {
		t.Errorf("%d notifications, want 2 (Acme's users)", n)
	}
	if n := count(t, app, "activity", dbx.HashExp{"kind": "announcement.published", "target_id": m[1], "user": testapp.AdminID}); n != 1 {
		t.Errorf("%d publication events by the admin, want 1", n)
	}
	expectContains(t, admin.get(loc), "new page", "Announcement created.", "Fresh from the editor")
	expectStatus(t, signedIn(t, app, srv, testapp.GlobexUserEmail).get(loc), http.StatusNotFound, "fabio new gold page")

	// A scheduled one notifies nobody now; the scheduler does, later.
	future := time.Now().UTC().Add(2 * time.Hour)
	r = docUpload(admin, "/announcements/new", annForm("Scheduled from the editor", url.Values{
		"publish_at": {future.Format("2006-01-02T15:04")}}), "", nil)
	expectStatus(t, r, http.StatusSeeOther, "create scheduled")
	link := r.Header.Get("Location")
	if n := count(t, app, "notifications", dbx.HashExp{"link": link}); n != 0 {
		t.Errorf("scheduled: %d notifications on save, want 0", n)
	}
	expectStatus(t, signedIn(t, app, srv, testapp.AcmeUserEmail).get(link), http.StatusNotFound, "diego scheduled page")
	if n, err := hooks.PublishDueAnnouncements(app, future.Add(time.Minute)); err != nil || n != 1 {
		t.Fatalf("scheduler: %d, %v", n, err)
	}
	if n := count(t, app, "notifications", dbx.HashExp{"link": link}); n != 4 {
		t.Errorf("scheduled: %d notifications after its time, want 4", n)
	}

	// Editing keeps the author and notifies nobody again.
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	r = ana.get(loc + "/edit")
	expectStatus(t, r, http.StatusOK, "ana edit form")
	expectContains(t, r, "ana edit form", "Fresh from the editor", `value="`+testapp.TierGold+`" checked`)
	r = docUpload(ana, loc+"/edit", annForm("Fresh, revised", url.Values{"audience": {"tiers"}, "audience_tiers": {testapp.TierGold}}), "", nil)
	expectStatus(t, r, http.StatusSeeOther, "ana edit")
	rec, _ = app.FindRecordById("announcements", m[1])
	if rec.GetString("title") != "Fresh, revised" || rec.GetString("author") != testapp.AdminID || rec.GetBool("pinned") {
		t.Errorf("after edit: title %q author %q pinned %v", rec.GetString("title"), rec.GetString("author"), rec.GetBool("pinned"))
	}
	if n := count(t, app, "notifications", dbx.HashExp{"link": loc}); n != 2 {
		t.Errorf("after edit: %d notifications, want still 2", n)
	}
}

func TestAnnouncementPreview(t *testing.T) {
	app, srv := newAnnServer(t)
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	r := docUpload(admin, "/announcements/preview", url.Values{"body": {"**hi** <script>alert(1)</script> [x](javascript:alert(1))"}}, "", nil)
	expectStatus(t, r, http.StatusOK, "preview")
	expectContains(t, r, "preview", `id="ann-preview"`, "<strong>hi</strong>")
	expectNotContains(t, r, "preview", "<script>", "javascript:")
	r = docUpload(admin, "/announcements/preview", url.Values{"body": {strings.Repeat("a", hooks.MaxAnnouncementBody+1)}}, "", nil)
	expectStatus(t, r, http.StatusOK, "long preview")
	expectContains(t, r, "long preview", "at most 50,000 characters (this one has 50,001)")
	expectNotContains(t, r, "long preview", strings.Repeat("a", 100))
}

func TestAnnouncementEditorBadInput(t *testing.T) {
	app, srv := newAnnServer(t)
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	before := count(t, app, "announcements", nil)
	long := strings.Repeat("abc\n", hooks.MaxAnnouncementBody/4+1) // 50,003 characters once trimmed
	for _, c := range []struct {
		name   string
		form   url.Values
		status int
		wants  []string
	}{
		{"empty title and body", annForm("", url.Values{"body": {"  "}}), 400, []string{"This field is required."}},
		{"body over the limit", annForm("Too long", url.Values{"body": {long}}), 400,
			[]string{"The text is too long: at most 50,000 characters", `value="Too long"`}},
		{"unknown tier", annForm("Bad tier", url.Values{"audience": {"tiers"}, "audience_tiers": {"tiernothere0001"}}), 400,
			[]string{"Choose tiers from the list.", `value="Bad tier"`}},
		{"tiers without one", annForm("No tier", url.Values{"audience": {"tiers"}}), 400, []string{"Choose at least one."}},
		{"expires before publish", annForm("Backwards", url.Values{"publish_at": {"2030-01-02T10:00"}, "expires_at": {"2030-01-01T10:00"}}), 400,
			[]string{"It must expire after it is published.", `value="2030-01-02T10:00"`}},
		{"bad date", annForm("Bad date", url.Values{"publish_at": {"tomorrow"}}), 400, []string{"Enter a date and time, or leave it empty."}},
		{"bad status", annForm("Bad status", url.Values{"status": {"archived"}}), 400, []string{"Bad status"}},
		{"bad audience", annForm("Bad audience", url.Values{"audience": {"everyone"}}), 400, []string{"Bad audience"}},
	} {
		r := docUpload(admin, "/announcements/new", c.form, "", nil)
		expectStatus(t, r, c.status, c.name)
		expectContains(t, r, c.name, c.wants...)
	}
	// A 200 KB body: multipart reaches the form (400 with the message),
	// urlencoded is stopped at the door (413). Never a 500.
	huge := strings.Repeat("x", 200<<10)
	r := docUpload(admin, "/announcements/new", annForm("Huge", url.Values{"body": {huge}}), "", nil)
	expectStatus(t, r, http.StatusBadRequest, "200 KB multipart")
	expectContains(t, r, "200 KB multipart", "at most 50,000 characters")
	r = admin.post("/announcements/new", annForm("Huge", url.Values{"body": {huge}}))
	expectStatus(t, r, http.StatusRequestEntityTooLarge, "200 KB urlencoded")
	r = admin.post("/announcements/preview", url.Values{"body": {huge}})
	expectStatus(t, r, http.StatusRequestEntityTooLarge, "200 KB urlencoded preview")
	// The same errors in Portuguese for Ana.
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	r = docUpload(ana, "/announcements/new", annForm("Longo", url.Values{"body": {long}}), "", nil)
	expectStatus(t, r, http.StatusBadRequest, "ana long")
	expectContains(t, r, "ana long", "no máximo 50.000 caracteres")
	if after := count(t, app, "announcements", nil); after != before {
		t.Errorf("bad input wrote %d announcements", after-before)
	}
}

func TestAnnouncementStaffRoutesRefusePartners(t *testing.T) {
	app, srv := newAnnServer(t)
	before := count(t, app, "announcements", nil)
	notes := count(t, app, "notifications", nil)
	for _, email := range []string{testapp.AcmeUserEmail, testapp.AcmeAdminEmail, testapp.GlobexUserEmail} {
		b := signedIn(t, app, srv, email)
		for _, path := range []string{"/announcements/new", "/announcements/" + testapp.AnnAll + "/edit", "/announcements/reach?audience=all"} {
			expectStatus(t, b.get(path), http.StatusForbidden, email+" GET "+path)
		}
		for _, path := range []string{"/announcements/new", "/announcements/" + testapp.AnnAll + "/edit",
			"/announcements/" + testapp.AnnAll + "/delete", "/announcements/preview"} {
			expectStatus(t, docUpload(b, path, annForm("Forged", nil), "", nil), http.StatusForbidden, email+" POST "+path)
			expectStatus(t, b.post(path, annForm("Forged", nil)), http.StatusForbidden, email+" POST (urlencoded) "+path)
		}
	}
	if after := count(t, app, "announcements", nil); after != before {
		t.Errorf("partners' posts changed the number of announcements by %d", after-before)
	}
	if n := count(t, app, "notifications", nil); n != notes {
		t.Errorf("partners' posts sent %d notifications", n-notes)
	}
	if rec, _ := app.FindRecordById("announcements", testapp.AnnAll); rec.GetString("title") != annTitle[testapp.AnnAll] {
		t.Errorf("AnnAll renamed to %q", rec.GetString("title"))
	}
}

func TestAnnouncementDeleteRule(t *testing.T) {
	app, srv := newAnnServer(t)
	bruno := signedIn(t, app, srv, testapp.ManagerBrunoEmail)
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	// Ana wrote AnnAck; Bruno may edit it but not delete it.
	r := bruno.get("/announcements/" + testapp.AnnAck)
	expectContains(t, r, "bruno ack page", `href="/announcements/`+testapp.AnnAck+`/edit"`)
	expectNotContains(t, r, "bruno ack page", `/delete"`)
	expectStatus(t, bruno.post("/announcements/"+testapp.AnnAck+"/delete", nil), http.StatusForbidden, "bruno deletes ana's")
	expectStatus(t, ana.post("/announcements/"+testapp.AnnAll+"/delete", nil), http.StatusForbidden, "ana deletes admin's")
	if count(t, app, "announcements", dbx.HashExp{"id": []any{testapp.AnnAck, testapp.AnnAll}}) != 2 {
		t.Fatal("a refused delete removed an announcement")
	}
	expectContains(t, ana.get("/announcements/"+testapp.AnnAck), "ana ack page", `action="/announcements/`+testapp.AnnAck+`/delete"`)
	r = ana.post("/announcements/"+testapp.AnnAck+"/delete", nil)
	expectStatus(t, r, http.StatusSeeOther, "ana deletes her own")
	r = admin.post("/announcements/"+testapp.AnnAll+"/delete", nil)
	expectStatus(t, r, http.StatusSeeOther, "admin deletes")
	for _, id := range []string{testapp.AnnAck, testapp.AnnAll} {
		if count(t, app, "announcements", dbx.HashExp{"id": id}) != 0 || count(t, app, "announcement_reads", dbx.HashExp{"announcement": id}) != 0 {
			t.Errorf("%s or its receipts survived the delete", id)
		}
	}
	expectStatus(t, admin.post("/announcements/nothere00000001/delete", nil), http.StatusNotFound, "delete missing")
}

func TestAnnouncementReadRate(t *testing.T) {
	app, srv := newAnnServer(t)
	page := "/announcements/" + testapp.AnnAll
	// AnnAll reaches the four partner users; Diego and Fabio read it (Ana's
	// staff read does not count).
	r := signedIn(t, app, srv, testapp.AdminEmail).get(page)
	expectStatus(t, r, http.StatusOK, "admin rate")
	expectContains(t, r, "admin rate", "Read rate", "2 of 4 users read it", "50%",
		"Acme Brasil Ltda", "Globex México")
	// Ana manages Acme only: its figures, not Globex's.
	r = signedIn(t, app, srv, testapp.ManagerAnaEmail).get(page)
	expectContains(t, r, "ana rate", "Taxa de leitura", "1 de 2 usuários leram", "Acme Brasil Ltda")
	expectNotContains(t, r, "ana rate", "Globex México")
	r = signedIn(t, app, srv, testapp.ManagerBrunoEmail).get(page)
	expectContains(t, r, "bruno rate", "1 of 2 users read it", "Globex México")
	expectNotContains(t, r, "bruno rate", "Acme Brasil Ltda")
	// Acknowledgements of AnnAck: Carla's.
	r = signedIn(t, app, srv, testapp.AdminEmail).get("/announcements/" + testapp.AnnAck)
	expectContains(t, r, "admin ack rate", "1 of 4 users acknowledged", "1 of 4 users read it")
	// Partners never see the figures.
	for _, email := range []string{testapp.AcmeUserEmail, testapp.AcmeAdminEmail} {
		r = signedIn(t, app, srv, email).get(page)
		expectStatus(t, r, http.StatusOK, email+" page")
		expectNotContains(t, r, email+" page", `id="rate-h"`, "Globex México")
	}
}

func TestAnnouncementReach(t *testing.T) {
	app, srv := newAnnServer(t)
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	r := admin.get("/announcements/reach?audience=tiers&audience_tiers=" + testapp.TierGold)
	expectStatus(t, r, http.StatusOK, "reach")
	expectContains(t, r, "reach", "Reaches 1 partner and 2 users.")
	r = admin.get("/announcements/reach?audience=all")
	expectContains(t, r, "reach all", "Reaches 2 partners and 4 users.")
	expectStatus(t, admin.get("/announcements/reach?audience=bogus"), http.StatusBadRequest, "bad reach")
	expectStatus(t, admin.get("/announcements/reach?audience=regions&audience_regions=mars"), http.StatusBadRequest, "bad region")
}

// Announcement benchmark scale, on top of seedScale's 2,000 partners and
// 20,000 users: 1,000 announcements (one in ten pinned, a third for the
// Gold tier, the rest for everyone) and 200,000 read receipts, 12,000 of
// them of the newest announcement for everyone.
const (
	benchAnnouncements = 1000
	benchAnnReads      = 200000
	benchAnnTopReads   = 12000
)

// seedAnnouncementScale inserts the announcements and receipts with plain
// multi-row INSERTs (the receipts' activity events are left out: no page
// reads them) and returns the id of the most read announcement.
func seedAnnouncementScale(b *testing.B, app core.App) (top string, summary string) {
	b.Helper()
	t0 := time.Now()
	sqlDB, ok := app.NonconcurrentDB().(*dbx.DB)
	if !ok {
		b.Fatal("the app's database is not a *dbx.DB")
	}
	tx, err := sqlDB.DB().Begin()
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	must := func(err error) {
		b.Helper()
		if err != nil {
			b.Fatal(err)
		}
	}
	anns, err := newRowInserter(tx, "announcements", "id", "title", "body", "body_html", "author", "status", "pinned",
		"publish_at", "expires_at", "requires_acknowledgement", "audience", "audience_tiers", "audience_regions",
		"audience_partners", "notified_at", "created", "updated")
	must(err)
	now := time.Now().UTC()
	ids := make([]string, benchAnnouncements)
	for i := range benchAnnouncements {
		ids[i] = fmt.Sprintf("bann%011d", i)
		pub := now.Add(-time.Duration(benchAnnouncements-i) * 3 * time.Hour)
		audience, tiers := "all", "[]"
		if i%3 == 1 {
			audience, tiers = "tiers", `["`+testapp.TierGold+`"]`
		}
		must(anns.add(ids[i], fmt.Sprintf("Aviso %04d do programa", i), "Texto **importante**.", "<p>Texto <strong>importante</strong>.</p>",
			testapp.AdminID, "published", i%10 == 0, benchDate(pub), "", i%7 == 0, audience, tiers, "[]", "[]",
			benchDate(pub), benchDate(pub), benchDate(pub)))
	}
	must(anns.flush())
	top = ids[benchAnnouncements-1] // newest, for everyone (999 % 3 == 0)
	reads, err := newRowInserter(tx, "announcement_reads", "id", "announcement", "user", "partner", "acknowledged", "created")
	must(err)
	n := 0
	for u := 0; u < benchAnnTopReads; u++ {
		p := u % benchPartners
		must(reads.add(fmt.Sprintf("br%013d", n), top, fmt.Sprintf("bu%06d%07d", p, u/benchPartners), fmt.Sprintf("bp%013d", p), "", benchDate(now)))
		n++
	}
	for n < benchAnnReads {
		a := ids[n%(benchAnnouncements-1)]
		u := n / (benchAnnouncements - 1)
		p := (u*7 + n) % benchPartners
		must(reads.add(fmt.Sprintf("br%013d", n), a, fmt.Sprintf("bu%06d%07d", p, u%benchUsersPerPartner), fmt.Sprintf("bp%013d", p), "", benchDate(now)))
		n++
	}
	must(reads.flush())
	_, err = tx.Exec("ANALYZE")
	must(err)
	must(tx.Commit())
	return top, fmt.Sprintf("seeded %d announcements and %d read receipts in %s", benchAnnouncements, n, time.Since(t0).Round(time.Millisecond))
}

// BenchmarkAnnouncementPages measures the feed, the home page with its
// feed and an announcement page (with the read rate for staff) at scale.
// Run: go test ./ui/ -run '^$' -bench AnnouncementPages -benchtime 200x
func BenchmarkAnnouncementPages(b *testing.B) {
	app := testapp.New(b)
	seedScale(b, app)
	top, summary := seedAnnouncementScale(b, app)
	srv := httptest.NewServer(testapp.Serve(b, app))
	b.Cleanup(srv.Close)
	cookie := func(email string) *http.Cookie {
		ck, _ := testapp.SessionCookie(b, app, email)
		return ck
	}
	partnerUser, manager, admin := cookie(benchPartnerUser), cookie(benchManager), cookie(testapp.AdminEmail)
	runPageCases(b, app, srv, summary, []benchCase{
		{"feed_partner_user", "/announcements", partnerUser},
		{"feed_partner_user_page10", "/announcements?page=10", partnerUser},
		{"home_partner_user", "/", partnerUser},
		{"page_partner_user", "/announcements/" + top, partnerUser},
		{"feed_admin", "/announcements", admin},
		{"page_manager_rate", "/announcements/" + top, manager},
		{"page_admin_rate", "/announcements/" + top, admin},
		{"page_admin_rate_page40", "/announcements/" + top + "?page=40", admin},
	})
}
