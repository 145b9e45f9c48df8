package ui_test

// Certificate pages, both sides of every access decision: the list and its
// CSV (own, organisation, managed partners, all), the printable certificate
// (404 for everyone the View rule refuses), revocation (staff whom the
// Update rule admits; 400 without a reason, 409 once revoked), the public
// verification page (valid, expired, revoked, malformed, unknown, rate
// limit, both languages, no session), certifications (everyone reads,
// admins edit; a validity change leaves issued certificates alone) and the
// certified people report (staff, managers limited to their partners).

import (
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/testapp"
	"github.com/ponte-portal/ponte/internal/training"
)

// certSeed issues a valid Sales Specialist certificate to user at issued,
// with the certification's validity as it is now (as the grading
// transaction does), and returns it.
func certSeed(t *testing.T, app core.App, userID string, issued time.Time) *core.Record {
	t.Helper()
	user, err := app.FindRecordById("users", userID)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := app.FindRecordById("certifications", testapp.CertSales)
	if err != nil {
		t.Fatal(err)
	}
	partnerName := ""
	if p, err := app.FindRecordById("partners", user.GetString("partner")); err == nil {
		partnerName = p.GetString("name")
	}
	c, _ := app.FindCollectionByNameOrId("certificates")
	r := core.NewRecord(c)
	r.Set("user", userID)
	r.Set("partner", user.GetString("partner"))
	r.Set("certification", cert.Id)
	r.Set("holder_name", user.GetString("name"))
	r.Set("partner_name", partnerName)
	r.Set("code", training.NewCode())
	r.Set("issued", issued.UTC())
	if exp := training.Expiry(issued, cert.GetInt("validity_months")); !exp.IsZero() {
		r.Set("expires", exp)
	}
	r.Set("status", "valid")
	if err := app.Save(r); err != nil {
		t.Fatalf("issuing certificate: %v", err)
	}
	return r
}

// certFixture is a seeded app with the training fixture and three Acme
// certificates (Diego valid, Carla expiring in 10 days, Diego's older one
// past its last day but not yet marked), one Globex certificate (Fabio)
// and one of Ana's own (a manager who took the course: no partner).
type certFixture struct {
	app                                *tests.TestApp
	srv                                *httptest.Server
	diego, carla, diegoOld, fabio, ana *core.Record
}

func newCertFixture(t *testing.T) *certFixture {
	t.Helper()
	app, srv := newServer(t)
	testapp.SeedTraining(t, app)
	f := &certFixture{app: app, srv: srv}
	at := time.Now().UTC()
	f.diego = certSeed(t, app, testapp.AcmeUserID, at.AddDate(0, -1, 0))
	f.carla = certSeed(t, app, testapp.AcmeAdminID, at.AddDate(-1, 0, 10))
	f.diegoOld = certSeed(t, app, testapp.AcmeUserID, at.AddDate(-2, 0, 0))
	f.fabio = certSeed(t, app, testapp.GlobexUserID, at.AddDate(0, -2, 0))
	f.ana = certSeed(t, app, testapp.ManagerAnaID, at.AddDate(0, -3, 0))
	return f
}

func TestCertificateListAccess(t *testing.T) {
	f := newCertFixture(t)
	guest := newBrowser(t, f.srv)
	if r := guest.get("/certificates"); r.Status != 303 || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Fatalf("guest: status %d location %q", r.Status, r.Header.Get("Location"))
	}
	cases := []struct {
		email       string
		see, notSee []*core.Record
	}{
		{testapp.AcmeUserEmail, []*core.Record{f.diego, f.diegoOld}, []*core.Record{f.carla, f.fabio}},
		{testapp.AcmeAdminEmail, []*core.Record{f.diego, f.carla, f.diegoOld}, []*core.Record{f.fabio}},
		{testapp.GlobexAdminEmail, []*core.Record{f.fabio}, []*core.Record{f.diego, f.carla}},
		{testapp.ManagerAnaEmail, []*core.Record{f.diego, f.carla, f.ana}, []*core.Record{f.fabio}},
		{testapp.ManagerBrunoEmail, []*core.Record{f.fabio}, []*core.Record{f.diego, f.ana}},
		{testapp.AdminEmail, []*core.Record{f.diego, f.carla, f.diegoOld, f.fabio, f.ana}, nil},
	}
	for _, c := range cases {
		b := signedIn(t, f.app, f.srv, c.email)
		r := b.get("/certificates")
		expectStatus(t, r, 200, c.email+" /certificates")
		for _, s := range c.see {
			expectContains(t, r, c.email, "/certificates/"+s.Id)
		}
		for _, n := range c.notSee {
			expectNotContains(t, r, c.email, "/certificates/"+n.Id)
		}
	}
	// Filters: status as of now (the old one shows expired before the job
	// runs), expiring within 30 days, certification; bad values are a 400.
	admin := signedIn(t, f.app, f.srv, testapp.AdminEmail)
	r := admin.get("/certificates?status=expired")
	expectStatus(t, r, 200, "status=expired")
	expectContains(t, r, "status=expired", "/certificates/"+f.diegoOld.Id, "Expired")
	expectNotContains(t, r, "status=expired", "/certificates/"+f.diego.Id)
	r = admin.get("/certificates?status=valid&expiring=1")
	expectContains(t, r, "expiring", "/certificates/"+f.carla.Id)
	expectNotContains(t, r, "expiring", "/certificates/"+f.diego.Id, "/certificates/"+f.diegoOld.Id)
	r = admin.get("/certificates?partner=" + testapp.PartnerGlobex + "&certification=" + testapp.CertSales)
	expectContains(t, r, "partner filter", "/certificates/"+f.fabio.Id)
	expectNotContains(t, r, "partner filter", "/certificates/"+f.diego.Id)
	for _, bad := range []string{"status=lost", "expiring=yes", "certification=nope", "page=0", "partner=zzzzzzzzzzzzzzz"} {
		expectStatus(t, admin.get("/certificates?"+bad), 400, bad)
	}
	// A partner user may not filter by partner (not even their own).
	diego := signedIn(t, f.app, f.srv, testapp.AcmeUserEmail)
	r = diego.get("/certificates?partner=" + testapp.PartnerAcme)
	expectStatus(t, r, 400, "partner filter by a partner user")
	expectContains(t, r, "pt-BR error", "Escolha uma das opções")
}

func TestCertificateExportCSV(t *testing.T) {
	f := newCertFixture(t)
	// A holder name a spreadsheet would run as a formula.
	if _, err := f.app.DB().Update("certificates", dbx.Params{"holder_name": "=HYPERLINK(\"x\")"},
		dbx.HashExp{"id": f.carla.Id}).Execute(); err != nil {
		t.Fatal(err)
	}
	carla := signedIn(t, f.app, f.srv, testapp.AcmeAdminEmail)
	r := carla.get("/certificates/export.csv")
	expectStatus(t, r, 200, "export")
	if !strings.HasPrefix(r.Body, "\ufeff") || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/csv") ||
		!strings.Contains(r.Header.Get("Content-Disposition"), "attachment") {
		t.Errorf("export headers %v, BOM %v", r.Header, strings.HasPrefix(r.Body, "\ufeff"))
	}
	lines := strings.Split(strings.TrimSpace(r.Body), "\n")
	if len(lines) != 4 { // header + Acme's three
		t.Fatalf("export has %d lines, want 4:\n%s", len(lines), r.Body)
	}
	expectContains(t, r, "export", "Titular", training.FormatCode(f.diego.GetString("code")), "'=HYPERLINK", "Expirado")
	expectNotContains(t, r, "export", f.fabio.GetString("holder_name"), training.FormatCode(f.fabio.GetString("code")))
	// The same filters as the list.
	r = carla.get("/certificates/export.csv?status=expired")
	if n := len(strings.Split(strings.TrimSpace(r.Body), "\n")); n != 2 {
		t.Errorf("filtered export has %d lines, want 2:\n%s", n, r.Body)
	}
	expectStatus(t, carla.get("/certificates/export.csv?status=bogus"), 400, "bad export filter")
	if r := newBrowser(t, f.srv).get("/certificates/export.csv"); r.Status != 303 {
		t.Errorf("guest export: status %d", r.Status)
	}
}

func TestCertificateShowAccess(t *testing.T) {
	f := newCertFixture(t)
	f.app.Settings().Meta.AppURL = "https://parceiros.example.com"
	path := "/certificates/" + f.diego.Id
	code := f.diego.GetString("code")
	for _, email := range []string{testapp.AcmeUserEmail, testapp.AcmeAdminEmail, testapp.ManagerAnaEmail, testapp.AdminEmail} {
		r := signedIn(t, f.app, f.srv, email).get(path)
		expectStatus(t, r, 200, email+" "+path)
		expectContains(t, r, email, "Diego Rocha", "Acme Brasil Ltda", "Sales Specialist", training.FormatCode(code),
			"https://parceiros.example.com/verify/"+code, `<svg xmlns="http://www.w3.org/2000/svg" class="qr"`, "data-print", "js/print.js")
		expectNotContains(t, r, email, ` style="`, "<style")
	}
	for _, email := range []string{testapp.GlobexAdminEmail, testapp.GlobexUserEmail, testapp.ManagerBrunoEmail} {
		expectStatus(t, signedIn(t, f.app, f.srv, email).get(path), 404, email+" "+path)
	}
	expectStatus(t, signedIn(t, f.app, f.srv, testapp.AdminEmail).get("/certificates/zzzzzzzzzzzzzzz"), 404, "unknown id")
	if r := newBrowser(t, f.srv).get(path); r.Status != 303 {
		t.Errorf("guest: status %d, want a redirect to sign in", r.Status)
	}
	// Only staff the Update rule admits see the revocation form.
	for email, want := range map[string]bool{testapp.AcmeUserEmail: false, testapp.AcmeAdminEmail: false,
		testapp.ManagerAnaEmail: true, testapp.AdminEmail: true} {
		r := signedIn(t, f.app, f.srv, email).get(path)
		if got := strings.Contains(r.Body, `action="/certificates/`+f.diego.Id+`/revoke"`); got != want {
			t.Errorf("%s: revocation form shown %v, want %v", email, got, want)
		}
	}
	// Dates are the locale's; a lifetime certificate says so; an expired
	// one says so prominently.
	r := signedIn(t, f.app, f.srv, testapp.AcmeUserEmail).get("/certificates/" + f.diegoOld.Id)
	expectContains(t, r, "expired certificate", `class="alert alert-error cert-alert cert-alert-expired"`, "Expirado", "O último dia de validade foi")
}

func TestCertificateRevoke(t *testing.T) {
	f := newCertFixture(t)
	path := "/certificates/" + f.diego.Id + "/revoke"
	const why = "Compartilhou as respostas da prova."
	// A fresh form per post: post adds the poster's CSRF token to it.
	reason := func() url.Values { return url.Values{"revocation_reason": {why}} }
	for _, email := range []string{testapp.AcmeUserEmail, testapp.AcmeAdminEmail} {
		expectStatus(t, signedIn(t, f.app, f.srv, email).post(path, reason()), 403, email)
	}
	expectStatus(t, signedIn(t, f.app, f.srv, testapp.ManagerBrunoEmail).post(path, reason()), 404, "Bruno")
	ana := signedIn(t, f.app, f.srv, testapp.ManagerAnaEmail)
	r := ana.post(path, url.Values{"revocation_reason": {"   "}})
	expectStatus(t, r, 400, "no reason")
	expectContains(t, r, "no reason", "Diga por que o certificado é revogado.", `aria-invalid="true"`)
	long := strings.Repeat("a", 1001)
	r = ana.post(path, url.Values{"revocation_reason": {long}})
	expectStatus(t, r, 400, "long reason")
	expectContains(t, r, "long reason", long) // kept as typed
	if c, _ := f.app.FindRecordById("certificates", f.diego.Id); c.GetString("status") != "valid" {
		t.Fatalf("refused revocation changed the status to %s", c.GetString("status"))
	}
	r = ana.post(path, reason())
	expectStatus(t, r, 303, "revoke")
	c, _ := f.app.FindRecordById("certificates", f.diego.Id)
	if c.GetString("status") != "revoked" || c.GetString("revoked_by") != testapp.ManagerAnaID ||
		c.GetString("revocation_reason") != why {
		t.Errorf("revoked as %q by %q because %q", c.GetString("status"), c.GetString("revoked_by"), c.GetString("revocation_reason"))
	}
	r = ana.get("/certificates/" + f.diego.Id)
	expectContains(t, r, "revoked page", "Certificado revogado. O titular foi notificado.", "cert-alert-revoked",
		"Motivo: Compartilhou as respostas da prova.", "Por Ana Souza.")
	expectNotContains(t, r, "revoked page", `/revoke"`)
	r = ana.post(path, reason())
	expectStatus(t, r, 409, "revoke twice")
	expectContains(t, r, "revoke twice", "Só um certificado válido pode ser revogado.")
	// The holder was notified.
	n, err := f.app.FindAllRecords("notifications", dbx.HashExp{"user": testapp.AcmeUserID, "kind": "certificate.revoked"})
	if err != nil || len(n) != 1 {
		t.Errorf("holder notifications: %d, %v", len(n), err)
	}
	// A certificate past its last day (not yet marked by the job) is no
	// longer valid: no form, and a revocation is a conflict.
	old := "/certificates/" + f.diegoOld.Id
	expectNotContains(t, ana.get(old), "expired page", `/revoke"`)
	expectStatus(t, ana.post(old+"/revoke", reason()), 409, "revoke expired")
	// Bad CSRF token: refused, nothing changed.
	admin := signedIn(t, f.app, f.srv, testapp.AdminEmail)
	r = admin.post("/certificates/"+f.fabio.Id+"/revoke", url.Values{"_csrf": {"nope"}, "revocation_reason": {"x"}})
	expectStatus(t, r, 403, "bad csrf")
	if c, _ := f.app.FindRecordById("certificates", f.fabio.Id); c.GetString("status") != "valid" {
		t.Error("revoked without a CSRF token")
	}
}

var verifyFacts = regexp.MustCompile(`(?s)<dl class="facts verify-facts">.*?</dl>`)

func TestVerifyPage(t *testing.T) {
	f := newCertFixture(t)
	revoked, _ := f.app.FindRecordById("certificates", f.fabio.Id)
	revoked.Set("status", "revoked")
	revoked.Set("revocation_reason", "Secret internal reason")
	if err := f.app.Save(revoked); err != nil {
		t.Fatal(err)
	}
	guest := newBrowser(t, f.srv)
	guest.lang = "pt-BR,pt;q=0.9"
	code := f.diego.GetString("code")

	r := guest.get("/verify/" + code)
	expectStatus(t, r, 200, "valid")
	expectContains(t, r, "valid", "Certificado válido", "Diego Rocha", "Acme Brasil Ltda", "Sales Specialist", training.FormatCode(code))
	if r.Header.Get("X-Robots-Tag") != "noindex, nofollow" {
		t.Errorf("X-Robots-Tag %q", r.Header.Get("X-Robots-Tag"))
	}
	facts := verifyFacts.FindString(r.Body)
	for _, leak := range []string{"diego@acme.test", testapp.AcmeUserID, testapp.PartnerAcme, f.diego.Id} {
		if strings.Contains(r.Body, leak) {
			t.Errorf("verification page leaks %q", leak)
		}
	}
	if strings.Count(facts, "<dt>") != 6 {
		t.Errorf("verification shows %d facts, want 6 (holder, partner, certification, issued, valid until, code):\n%s",
			strings.Count(facts, "<dt>"), facts)
	}
	// Typed in lower case with dashes and Crockford's look-alikes.
	typed := strings.ToLower(training.FormatCode(code))
	typed = strings.NewReplacer("0", "o", "1", "l").Replace(typed)
	r = guest.get("/verify/" + url.PathEscape(typed))
	expectStatus(t, r, 200, "typed code")

	// English for an English browser, without any session.
	en := newBrowser(t, f.srv)
	en.lang = "en-US,en;q=0.8"
	r = en.get("/verify/" + f.diegoOld.GetString("code"))
	expectStatus(t, r, 200, "expired")
	expectContains(t, r, "expired (judged now)", "Expired certificate")
	r = en.get("/verify/" + f.fabio.GetString("code"))
	expectContains(t, r, "revoked", "Revoked certificate", "Fabio Torres")
	expectNotContains(t, r, "revoked", "Secret internal reason")

	// Malformed and unknown codes answer the same 404 page.
	unknown := guest.get("/verify/" + training.NewCode())
	expectStatus(t, unknown, 404, "unknown")
	expectContains(t, unknown, "unknown", "Certificado não encontrado")
	for _, bad := range []string{"abc", strings.Repeat("Z", 300), "%27%20OR%201%3D1", "UUUUUUUUUUUUUUUUUUUU", "%C3%A9t%C3%A9"} {
		r := guest.get("/verify/" + bad)
		expectStatus(t, r, 404, "malformed "+bad)
		expectContains(t, r, "malformed "+bad, "Certificado não encontrado")
	}

	// The form sends the browser to the code's page; an empty code is a 400.
	r = guest.get("/verify?code=" + url.QueryEscape(" "+training.FormatCode(code)+" "))
	expectStatus(t, r, 303, "form")
	if r.Header.Get("Location") != "/verify/"+code {
		t.Errorf("form redirects to %q", r.Header.Get("Location"))
	}
	r = guest.get("/verify?code=")
	expectStatus(t, r, 400, "empty code")
	expectContains(t, r, "empty code", "Este campo é obrigatório.")
	expectStatus(t, guest.get("/verify"), 200, "form page")
}

func TestVerifyRateLimit(t *testing.T) {
	f := newCertFixture(t)
	guest := newBrowser(t, f.srv)
	guest.lang = "en"
	code := f.diego.GetString("code")
	// A burst of 30 is always allowed.
	for i := 0; i < 30; i++ {
		if r := guest.get("/verify/" + code); r.Status != 200 {
			t.Fatalf("request %d of the burst: status %d", i+1, r.Status)
		}
	}
	// Then at most one more every two seconds: however slow the machine,
	// a run of requests soon meets the limit.
	for i := 0; ; i++ {
		if i == 100 {
			t.Fatal("100 requests past the burst and none refused")
		}
		r := guest.get("/verify/" + code)
		if r.Status == 200 {
			continue
		}
		expectStatus(t, r, 429, "past the burst")
		expectContains(t, r, "429", "Too many verifications", "and try again")
		expectNotContains(t, r, "429", "Diego Rocha")
		if r.Header.Get("Retry-After") == "" {
			t.Error("429 without Retry-After")
		}
		break
	}
}

func TestCertificationPages(t *testing.T) {
	f := newCertFixture(t)
	for _, email := range []string{testapp.AcmeUserEmail, testapp.GlobexAdminEmail, testapp.ManagerBrunoEmail, testapp.AdminEmail} {
		r := signedIn(t, f.app, f.srv, email).get("/certifications")
		expectStatus(t, r, 200, email+" /certifications")
		expectContains(t, r, email, "Sales Specialist", "Partner 101", "Selling Ponte")
		if got := strings.Contains(r.Body, `href="/certifications/new"`); got != (email == testapp.AdminEmail) {
			t.Errorf("%s: new certification link %v", email, got)
		}
	}
	// Holders are counted within what the viewer may see: Diego has one
	// valid certificate, the admin sees four valid ones (Ana's own too).
	r := signedIn(t, f.app, f.srv, testapp.AdminEmail).get("/certifications")
	expectContains(t, r, "admin holders", `<dd class="num">4</dd>`)
	r = signedIn(t, f.app, f.srv, testapp.AcmeUserEmail).get("/certifications")
	expectContains(t, r, "Diego holders", `<dd class="num">1</dd>`)

	for _, email := range []string{testapp.ManagerAnaEmail, testapp.AcmeAdminEmail, testapp.AcmeUserEmail} {
		b := signedIn(t, f.app, f.srv, email)
		for _, p := range []string{"/certifications/new", "/certifications/" + testapp.CertSales + "/edit"} {
			if r := b.get(p); r.Status != 403 {
				t.Errorf("%s GET %s: status %d, want 403", email, p, r.Status)
			}
		}
		if r := b.post("/certifications/"+testapp.CertSales+"/edit", url.Values{"name": {"Hijack"}}); r.Status != 403 {
			t.Errorf("%s POST edit: status %d, want 403", email, r.Status)
		}
	}
	if c, _ := f.app.FindRecordById("certifications", testapp.CertSales); c.GetString("name") != "Sales Specialist" {
		t.Fatalf("certification renamed to %q", c.GetString("name"))
	}
}

func TestCertificationEdit(t *testing.T) {
	f := newCertFixture(t)
	admin := signedIn(t, f.app, f.srv, testapp.AdminEmail)
	r := admin.get("/certifications/new")
	expectStatus(t, r, 200, "new form")
	expectContains(t, r, "new form", `name="required_courses" value="`+testapp.CourseBasics+`"`)

	bad := url.Values{"name": {""}, "description": {"**Tech** track"}, "validity_months": {"121"},
		"required_courses": {testapp.CourseBasics, "zzzzzzzzzzzzzzz"}}
	r = admin.post("/certifications/new", bad)
	expectStatus(t, r, 400, "bad form")
	expectContains(t, r, "bad form", "This field is required.", "Type a whole number of months from 0 to 120.",
		"Choose one of the options.", "**Tech** track", `value="121"`)
	for _, months := range []string{"-1", "1.5", "abc"} {
		bad := url.Values{"name": {"X"}, "validity_months": {months}}
		expectStatus(t, admin.post("/certifications/new", bad), 400, "validity "+months)
	}

	good := url.Values{"name": {"Technical Expert"}, "description": {"Proves **deep** skills."}, "validity_months": {"24"},
		"required_courses": {testapp.CourseBasics, testapp.CourseGold}}
	r = admin.post("/certifications/new", good)
	expectStatus(t, r, 303, "create")
	created, err := f.app.FindFirstRecordByData("certifications", "name", "Technical Expert")
	if err != nil {
		t.Fatal(err)
	}
	if created.GetInt("validity_months") != 24 || len(created.GetStringSlice("required_courses")) != 2 ||
		!strings.Contains(created.GetString("description_html"), "<strong>deep</strong>") {
		t.Errorf("created %v", created.PublicExport())
	}
	r = admin.get("/certifications")
	expectContains(t, r, "list", "Certification created.", "Technical Expert", "<strong>deep</strong>", "24 months")

	// A validity change: the page says it applies to certificates issued
	// afterwards, Diego's keeps its expiry and a new one gets the new one.
	r = admin.get("/certifications/" + testapp.CertSales + "/edit")
	expectContains(t, r, "edit form", "A change of validity applies to certificates issued from now on", "5 certificates have been issued.")
	before := f.diego.GetString("expires")
	edit := url.Values{"name": {"Sales Specialist"}, "description": {"Proves you can sell."}, "validity_months": {"6"},
		"required_courses": {testapp.CourseBasics, testapp.CourseSales}}
	expectStatus(t, admin.post("/certifications/"+testapp.CertSales+"/edit", edit), 303, "edit")
	if d, _ := f.app.FindRecordById("certificates", f.diego.Id); d.GetString("expires") != before {
		t.Errorf("issued certificate's expiry changed %s → %s", before, d.GetString("expires"))
	}
	// Elena completes both required courses (rows written as history, so
	// no hook recomputes them) and the grading code issues her certificate.
	for _, course := range []string{testapp.CourseBasics, testapp.CourseSales} {
		if _, err := f.app.DB().Insert("enrollments", dbx.Params{"id": "enr" + course[:12], "user": testapp.GlobexAdminID,
			"partner": testapp.PartnerGlobex, "course": course, "status": training.StatusCompleted, "progress": 100,
			"completed_lessons": "[]", "passed_quizzes": "[]"}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	elena, _ := f.app.FindRecordById("users", testapp.GlobexAdminID)
	issued := time.Date(2027, 3, 15, 10, 0, 0, 0, time.UTC)
	var fresh []*core.Record
	if err := f.app.RunInTransaction(func(tx core.App) error {
		var err error
		fresh, err = training.IssueCertificates(tx, elena, testapp.CourseSales, issued)
		return err
	}); err != nil || len(fresh) != 1 {
		t.Fatalf("issuing after the change: %d certificates, %v", len(fresh), err)
	}
	if got := fresh[0].GetDateTime("expires").Time(); !got.Equal(time.Date(2027, 9, 15, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("new certificate expires %v, want 2027-09-15 (6 months)", got)
	}
	n, err := f.app.CountRecords("activity", dbx.HashExp{"kind": "training.certification_changed", "user": testapp.AdminID})
	if err != nil || n != 2 {
		t.Errorf("%d certification_changed events, want 2 (%v)", n, err)
	}
	expectStatus(t, admin.get("/certifications/zzzzzzzzzzzzzzz/edit"), 404, "unknown certification")
}

func TestCertifiedReport(t *testing.T) {
	f := newCertFixture(t)
	for _, email := range []string{testapp.AcmeAdminEmail, testapp.AcmeUserEmail, testapp.GlobexAdminEmail} {
		b := signedIn(t, f.app, f.srv, email)
		expectStatus(t, b.get("/certifications/report"), 403, email+" report")
		expectStatus(t, b.get("/certifications/report.csv"), 403, email+" report csv")
	}
	admin := signedIn(t, f.app, f.srv, testapp.AdminEmail)
	r := admin.get("/certifications/report")
	expectStatus(t, r, 200, "admin report")
	// Sales Specialist: 4 valid (Diego, Carla, Fabio, Ana), 1 expiring
	// (Carla), 1 expired (Diego's old one).
	row := regexp.MustCompile(`(?s)Sales Specialist</a></th><td class="num"><a href="[^"]+">(\d+)</a></td><td class="num">(\d+)</td><td class="num">(\d+)</td>`)
	if m := row.FindStringSubmatch(r.Body); m == nil || m[1] != "4" || m[2] != "1" || m[3] != "1" {
		t.Errorf("certification row %v, want 4 1 1\n%s", m, snippet(r.Body))
	}
	expectContains(t, r, "partners", "Acme Brasil Ltda", "Globex México",
		"/certificates?partner="+testapp.PartnerAcme+"&amp;status=valid")

	ana := signedIn(t, f.app, f.srv, testapp.ManagerAnaEmail)
	r = ana.get("/certifications/report?certification=" + testapp.CertSales)
	expectStatus(t, r, 200, "Ana report")
	expectContains(t, r, "Ana report", "Acme Brasil Ltda")
	expectNotContains(t, r, "Ana report", "Globex México")
	expectStatus(t, ana.get("/certifications/report?certification=nope"), 400, "bad filter")

	r = ana.get("/certifications/report.csv")
	expectStatus(t, r, 200, "Ana csv")
	lines := strings.Split(strings.TrimSpace(strings.TrimPrefix(r.Body, "\ufeff")), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[1], "Sales Specialist,Acme Brasil Ltda,2,1,1") {
		t.Errorf("Ana's CSV:\n%s", r.Body)
	}
}

// TestVerifyLocaleSwitch: a visitor without a session switches the public
// page's language with the footer's switch (a cookie), whatever the
// browser asks for.
func TestVerifyLocaleSwitch(t *testing.T) {
	f := newCertFixture(t)
	guest := newBrowser(t, f.srv)
	guest.lang = "pt-BR"
	path := "/verify/" + f.diego.GetString("code")
	expectContains(t, guest.get(path), "pt-BR", "Certificado válido")
	r := guest.post("/locale", url.Values{"locale": {"en"}, "next": {path}})
	if r.Status != 303 {
		t.Fatalf("locale switch: status %d", r.Status)
	}
	expectContains(t, guest.get(path), "en after the switch", "Valid certificate", `lang="en"`)
}

// TestCertificateOddRequestsNever500: odd ids, codes, filters and forms on
// every certificate route answer with a 4xx or a page, never a 5xx or an
// error's text.
func TestCertificateOddRequestsNever500(t *testing.T) {
	f := newCertFixture(t)
	admin := signedIn(t, f.app, f.srv, testapp.AdminEmail)
	guest := newBrowser(t, f.srv)
	odd := []string{"%00", "..", "%2e%2e%2f", strings.Repeat("a", 5000), "'%20OR%201=1--", "%E2%80%AE", "AAAAA-AAAAA-AAAAA-AAAA%C3%A9"}
	for _, o := range odd {
		for _, p := range []string{"/certificates/" + o, "/certifications/" + o + "/edit", "/verify/" + o,
			"/certificates?status=" + o, "/certificates?certification=" + o, "/certificates?page=" + o,
			"/certificates?partner_q=" + o, "/certificates/export.csv?partner=" + o, "/certifications/report?certification=" + o,
			"/certifications/report?page=" + o, "/verify?code=" + o} {
			for _, b := range []*browser{admin, guest} {
				r := b.get(p)
				if r.Status >= 500 || strings.Contains(r.Body, "sql") || strings.Contains(r.Body, "runtime error") {
					t.Errorf("GET %.80s: status %d", p, r.Status)
				}
			}
		}
		r := admin.post("/certificates/"+f.diego.Id+"/revoke", url.Values{"revocation_reason": {o}})
		if r.Status >= 500 {
			t.Errorf("revoke with %.40q: status %d", o, r.Status)
		}
		r = admin.post("/certifications/new", url.Values{"name": {o}, "validity_months": {o}, "required_courses": {o}})
		if r.Status >= 500 {
			t.Errorf("new certification with %.40q: status %d", o, r.Status)
		}
	}
}
