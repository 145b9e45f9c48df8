package ui_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/applications"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// applyForm is a valid application; the form's signed time says it was
// shown ten seconds ago (a person's pace), so no test waits.
func applyForm(app core.App, edits map[string]string) url.Values {
	f := url.Values{
		"company": {"Jabuti Integração Ltda"}, "country": {"BR"}, "website": {"jabuti.com.br"},
		"contact_name": {"Renato Jabuti"}, "contact_email": {"Renato@Jabuti.com.br"}, "phone": {"+55 11 95555-0000"},
		"message": {"Integramos ERPs para redes de supermercados no interior de São Paulo."}, "consent": {"1"},
		"homepage": {""}, "started": {applications.For(app).TokenAt(time.Now().Add(-10 * time.Second))},
	}
	for k, v := range edits {
		f.Set(k, v)
	}
	return f
}

// guestAt is a guest browser in a language that has the form's CSRF cookie.
func guestAt(t *testing.T, b *browser, lang string) *browser {
	b.lang = lang
	r := b.get("/apply")
	expectStatus(t, r, http.StatusOK, "GET /apply")
	return b
}

func countApplications(t *testing.T, app core.App) int {
	t.Helper()
	var n int
	if err := app.DB().Select("COUNT(*)").From("partner_applications").Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestApplyFormIsPublicAndTranslated(t *testing.T) {
	app, srv := newServer(t)
	b := newBrowser(t, srv)
	b.lang = "pt-BR"
	r := b.get("/apply")
	expectStatus(t, r, http.StatusOK, "GET /apply in pt-BR")
	expectContains(t, r, "pt-BR form", `lang="pt-BR"`, "Seja um parceiro", "Nome da empresa", "Alemanha",
		`name="started"`, `class="apply-hp" aria-hidden="true"`, `name="homepage" type="text" tabindex="-1" autocomplete="off"`)
	expectNotContains(t, r, "pt-BR form", "style=")
	b2 := newBrowser(t, srv)
	b2.lang = "en"
	r = b2.get("/apply")
	expectContains(t, r, "en form", `lang="en"`, "Become a partner", "Company name", "Germany")
	r = b2.get("/apply/thanks")
	expectStatus(t, r, http.StatusOK, "thanks page")
	expectContains(t, r, "thanks", "Thank you!")
	if n := countApplications(t, app); n != 0 {
		t.Fatalf("%d applications stored by looking", n)
	}
}

func TestApplySubmitStoresAndEmails(t *testing.T) {
	app, srv := newServer(t)
	b := guestAt(t, newBrowser(t, srv), "pt-BR")
	r := b.post("/apply", applyForm(app, nil))
	expectStatus(t, r, http.StatusSeeOther, "valid application")
	if loc := r.Header.Get("Location"); loc != "/apply/thanks" {
		t.Fatalf("redirect to %q", loc)
	}
	recs, err := app.FindRecordsByFilter("partner_applications", "", "", 0, 0)
	if err != nil || len(recs) != 1 {
		t.Fatalf("stored %d applications (%v), want 1", len(recs), err)
	}
	rec := recs[0]
	for f, want := range map[string]string{"company": "Jabuti Integração Ltda", "country": "BR", "website": "https://jabuti.com.br",
		"contact_email": "renato@jabuti.com.br", "locale": "pt-BR", "status": "new", "company_key": "jabuti integracao"} {
		if got := rec.GetString(f); got != want {
			t.Errorf("%s = %q, want %q", f, got, want)
		}
	}
	if !rec.GetBool("consent") || rec.GetDateTime("consent_at").IsZero() {
		t.Error("consent and its time not stored")
	}
	if h := rec.GetString("ip_hash"); len(h) != 32 || strings.Contains(h, "127.0.0.1") {
		t.Errorf("ip_hash %q: want a keyed hash, not the address", h)
	}
	var events int
	if err := app.DB().Select("COUNT(*)").From("activity").Where(dbx.HashExp{"kind": "application.submitted", "target_id": rec.Id}).Row(&events); err != nil || events != 1 {
		t.Errorf("%d submitted events (%v), want 1", events, err)
	}
	// The applicant in Portuguese, the fixture's admin (en) with a link.
	var toApplicant, toAdmin bool
	for _, m := range app.TestMailer.Messages() {
		switch m.To[0].Address {
		case "renato@jabuti.com.br":
			toApplicant = strings.Contains(m.Subject, "Recebemos sua candidatura") && strings.Contains(m.HTML, `lang="pt-BR"`)
		case testapp.AdminEmail:
			toAdmin = strings.Contains(m.Subject, "New partner application") && strings.Contains(m.HTML, "/applications/"+rec.Id)
		default:
			t.Errorf("unexpected e-mail to %s", m.To[0].Address)
		}
	}
	if !toApplicant || !toAdmin {
		t.Fatalf("confirmation sent %v, admin notice sent %v", toApplicant, toAdmin)
	}
}

func TestApplyBadInputKeepsFormAndStoresNothing(t *testing.T) {
	app, srv := newServer(t)
	b := guestAt(t, newBrowser(t, srv), "en")
	huge := strings.Repeat("a", applications.MaxCompany+1)
	cases := []struct {
		name  string
		edits map[string]string
		wants []string
	}{
		{"missing company", map[string]string{"company": ""}, []string{`id="e-company"`, "This field is required."}},
		{"missing country", map[string]string{"country": ""}, []string{`id="e-country"`, "This field is required."}},
		{"bad country", map[string]string{"country": "XX"}, []string{`id="e-country"`, "Choose a country from the list."}},
		{"missing website", map[string]string{"website": ""}, []string{`id="e-website"`}},
		{"bad website", map[string]string{"website": "javascript:alert(1)"}, []string{`id="e-website"`, "Enter a web address"}},
		{"missing name", map[string]string{"contact_name": ""}, []string{`id="e-contact_name"`}},
		{"missing e-mail", map[string]string{"contact_email": ""}, []string{`id="e-contact_email"`}},
		{"bad e-mail", map[string]string{"contact_email": "renato@"}, []string{`id="e-contact_email"`, "Enter a valid e-mail address."}},
		{"bad phone", map[string]string{"phone": "ring me"}, []string{`id="e-phone"`}},
		{"missing message", map[string]string{"message": ""}, []string{`id="e-message"`}},
		{"huge company", map[string]string{"company": huge}, []string{`id="e-company"`, "Too long: at most 200 characters."}},
		{"huge message", map[string]string{"message": strings.Repeat("m", applications.MaxMessage+1)}, []string{`id="e-message"`, "at most 5,000 characters"}},
		{"no consent", map[string]string{"consent": ""}, []string{`id="e-consent"`, "Tick the box"}},
	}
	for _, c := range cases {
		r := b.post("/apply", applyForm(app, c.edits))
		expectStatus(t, r, http.StatusBadRequest, c.name)
		kept := `value="Renato Jabuti"` // the form keeps what was typed
		if _, ok := c.edits["contact_name"]; ok {
			kept = `value="Jabuti Integração Ltda"`
		}
		expectContains(t, r, c.name, append(c.wants, `role="alert"`, kept)...)
	}
	// A body over the portal's form limit: 413, translated.
	r := b.post("/apply", applyForm(app, map[string]string{"message": strings.Repeat("x", 70<<10)}))
	expectStatus(t, r, http.StatusRequestEntityTooLarge, "body over 64 KiB")
	expectContains(t, r, "413 page", `lang="en"`)
	// pt-BR messages beside the fields.
	pt := guestAt(t, newBrowser(t, srv), "pt-BR")
	r = pt.post("/apply", applyForm(app, map[string]string{"contact_email": "x", "consent": ""}))
	expectStatus(t, r, http.StatusBadRequest, "pt-BR errors")
	expectContains(t, r, "pt-BR errors", "Marque a caixa", "Alguns dados precisam de atenção")
	if n := countApplications(t, app); n != 0 {
		t.Fatalf("%d applications stored from bad input", n)
	}
	if app.TestMailer.TotalSend() != 0 {
		t.Fatalf("%d e-mails sent for bad input", app.TestMailer.TotalSend())
	}
}

func TestApplyBotsGetThanksButNothingIsStored(t *testing.T) {
	app, srv := newServer(t)
	b := guestAt(t, newBrowser(t, srv), "en")
	g := applications.For(app)
	for name, edits := range map[string]map[string]string{
		"honeypot filled": {"homepage": "https://spam.example"},
		"sent too fast":   {"started": g.TokenAt(time.Now())},
		"forged time":     {"started": "1700000000.bm90LXNpZ25lZA"},
		"no time":         {"started": ""},
	} {
		r := b.post("/apply", applyForm(app, edits))
		expectStatus(t, r, http.StatusSeeOther, name)
		if loc := r.Header.Get("Location"); loc != "/apply/thanks" {
			t.Errorf("%s: redirect to %q, want the thank-you page", name, loc)
		}
	}
	// A person who left the tab open for hours is asked to send again.
	r := b.post("/apply", applyForm(app, map[string]string{"started": g.TokenAt(time.Now().Add(-5 * time.Hour))}))
	expectStatus(t, r, http.StatusBadRequest, "expired form")
	expectContains(t, r, "expired form", "open for too long", `value="Jabuti Integração Ltda"`)
	if n := countApplications(t, app); n != 0 || app.TestMailer.TotalSend() != 0 {
		t.Fatalf("bots stored %d applications and sent %d e-mails", n, app.TestMailer.TotalSend())
	}
}

func TestApplyRateLimitPerAddress(t *testing.T) {
	app, srv := newServer(t)
	b := guestAt(t, newBrowser(t, srv), "en")
	g := applications.For(app)
	t0 := time.Now()
	clock := t0
	g.Now = func() time.Time { return clock }
	nth := func(i int) map[string]string {
		return map[string]string{"company": "Company " + string(rune('A'+i)), "contact_email": "c" + string(rune('a'+i)) + "@example.com"}
	}
	for i := range applications.PerAddress {
		r := b.post("/apply", applyForm(app, nth(i)))
		expectStatus(t, r, http.StatusSeeOther, "application within the limit")
	}
	r := b.post("/apply", applyForm(app, nth(applications.PerAddress)))
	expectStatus(t, r, http.StatusTooManyRequests, "application past the limit")
	expectContains(t, r, "429", "Too many applications", "10 minutes", `value="Company D"`)
	if n := countApplications(t, app); n != applications.PerAddress {
		t.Fatalf("%d stored, want %d", n, applications.PerAddress)
	}
	clock = t0.Add(applications.Window)
	r = b.post("/apply", applyForm(app, map[string]string{"company": "Company Z", "contact_email": "z@example.com",
		"started": g.TokenAt(clock.Add(-10 * time.Second))}))
	expectStatus(t, r, http.StatusSeeOther, "after the window")
}

func TestApplyDuplicateOpenApplication(t *testing.T) {
	app, srv := newServer(t)
	b := guestAt(t, newBrowser(t, srv), "en")
	expectStatus(t, b.post("/apply", applyForm(app, nil)), http.StatusSeeOther, "first application")
	for name, edits := range map[string]map[string]string{
		"same e-mail":           {"company": "Other Company"},
		"same company, renamed": {"company": "JABUTI INTEGRACAO S.A.", "contact_email": "other@jabuti.com.br"},
	} {
		r := b.post("/apply", applyForm(app, edits))
		expectStatus(t, r, http.StatusConflict, name)
		expectContains(t, r, name, "waiting for an answer")
	}
	if n := countApplications(t, app); n != 1 {
		t.Fatalf("%d stored, want 1", n)
	}
}

// appsServer is a server with the fixture's applications, an admin's
// browser and a way to sign in others.
func appsServer(t *testing.T) (*tests.TestApp, *browser, func(string) *browser) {
	app, srv := newServer(t)
	testapp.SeedApplications(t, app)
	return app, signedIn(t, app, srv, testapp.AdminEmail), func(email string) *browser { return signedIn(t, app, srv, email) }
}

func TestApplicationsAreForAdminsOnly(t *testing.T) {
	app, adm, as := appsServer(t)
	paths := []string{"/applications", "/applications?status=new", "/applications/" + testapp.AppNew}
	for _, p := range paths {
		r := adm.get(p)
		expectStatus(t, r, http.StatusOK, "admin GET "+p)
	}
	r := adm.get("/applications")
	expectContains(t, r, "admin list", "Tucano Dados Ltda", "Harbor Resale Inc", "1 application is waiting")
	r = adm.get("/applications?status=declined")
	expectContains(t, r, "declined tab", "Harbor Resale Inc")
	expectNotContains(t, r, "declined tab", "Tucano Dados Ltda")
	expectStatus(t, adm.get("/applications?status=bogus"), http.StatusBadRequest, "bad status filter")
	expectStatus(t, adm.get("/applications/nosuchapplicat"), http.StatusNotFound, "unknown application")

	guest := newBrowser(t, adm.srv)
	for _, p := range paths {
		r := guest.get(p)
		expectStatus(t, r, http.StatusSeeOther, "guest GET "+p)
		if !strings.HasPrefix(r.Header.Get("Location"), "/login") {
			t.Errorf("guest sent to %q", r.Header.Get("Location"))
		}
	}
	for _, email := range []string{testapp.ManagerAnaEmail, testapp.ManagerBrunoEmail, testapp.AcmeAdminEmail,
		testapp.AcmeUserEmail, testapp.GlobexAdminEmail, testapp.GlobexUserEmail} {
		b := as(email)
		for _, p := range paths {
			expectStatus(t, b.get(p), http.StatusForbidden, email+" GET "+p)
		}
		expectStatus(t, b.post("/applications/"+testapp.AppNew+"/approve", url.Values{"name": {"X"}, "slug": {"x"}, "country": {"BR"}}),
			http.StatusForbidden, email+" approves")
		expectStatus(t, b.post("/applications/"+testapp.AppNew+"/decline", url.Values{"reason": {"Not for us, sorry."}}),
			http.StatusForbidden, email+" declines")
	}
	rec, err := app.FindRecordById("partner_applications", testapp.AppNew)
	if err != nil || rec.GetString("status") != "new" || app.TestMailer.TotalSend() != 0 {
		t.Fatalf("refused decisions changed the application (%v) or sent e-mail", err)
	}
}

func TestApplicationApproveCreatesPartnerAndInvitation(t *testing.T) {
	app, adm, _ := appsServer(t)
	r := adm.get("/applications/" + testapp.AppNew)
	expectContains(t, r, "review page", `value="tucano-dados-ltda"`, "Marina Tavares", testapp.AppNewEmail, "Approve and invite")
	r = adm.post("/applications/"+testapp.AppNew+"/approve", url.Values{"name": {"Tucano Dados Ltda"}, "slug": {"tucano-dados"},
		"country": {"BR"}, "region": {"latam"}, "tier": {testapp.TierSilver}, "manager": {testapp.ManagerAnaID},
		"invitee_name": {"Marina Tavares"}, "invitee_email": {testapp.AppNewEmail}})
	expectStatus(t, r, http.StatusSeeOther, "approve")
	partner, err := app.FindFirstRecordByData("partners", "slug", "tucano-dados")
	if err != nil {
		t.Fatalf("partner not created: %v", err)
	}
	if partner.GetString("status") != "onboarding" || !partner.GetDateTime("joined").IsZero() ||
		partner.GetString("tier") != testapp.TierSilver || partner.GetString("manager") != testapp.ManagerAnaID {
		t.Errorf("partner %v", partner.PublicExport())
	}
	inv, err := app.FindFirstRecordByData("invitations", "email", testapp.AppNewEmail)
	if err != nil || inv.GetString("role") != "partner_admin" || inv.GetString("partner") != partner.Id || inv.GetString("locale") != "pt-BR" {
		t.Fatalf("invitation %v (%v)", inv, err)
	}
	if m := app.TestMailer.LastMessage(); m.To[0].Address != testapp.AppNewEmail || !strings.Contains(m.HTML, `lang="pt-BR"`) {
		t.Errorf("invitation e-mail to %v", m.To)
	}
	rec, _ := app.FindRecordById("partner_applications", testapp.AppNew)
	if rec.GetString("status") != "approved" || rec.GetString("partner") != partner.Id || rec.GetString("decided_by") != testapp.AdminID ||
		rec.GetDateTime("decided_at").IsZero() {
		t.Errorf("application after approval %v", rec.PublicExport())
	}
	var events int
	_ = app.DB().Select("COUNT(*)").From("activity").Where(dbx.HashExp{"kind": "application.approved", "partner": partner.Id}).Row(&events)
	if events != 1 {
		t.Errorf("%d approval events for the partner, want 1", events)
	}
	r = adm.get("/applications/" + testapp.AppNew)
	expectContains(t, r, "decided page", "Approved by Alice Admin", "/partners/tucano-dados", "Application approved")
	expectNotContains(t, r, "decided page", "Approve and invite")
	// Deciding twice: 409, nothing more written.
	sent := app.TestMailer.TotalSend()
	r = adm.post("/applications/"+testapp.AppNew+"/approve", url.Values{"name": {"Again"}, "slug": {"again"}, "country": {"BR"}, "invitee_email": {"again@example.com"}})
	expectStatus(t, r, http.StatusConflict, "approve twice")
	expectContains(t, r, "409", "already been decided")
	expectStatus(t, adm.post("/applications/"+testapp.AppNew+"/decline", url.Values{"reason": {"Changed our mind."}}), http.StatusConflict, "decline after approval")
	if _, err := app.FindFirstRecordByData("partners", "slug", "again"); err == nil || app.TestMailer.TotalSend() != sent {
		t.Fatal("a second decision wrote a partner or sent e-mail")
	}
}

// nothingWritten checks that a refused approval left no partner, no
// invitation, and the application waiting.
func nothingWritten(t *testing.T, app core.App, slug, email string) {
	t.Helper()
	if _, err := app.FindFirstRecordByData("partners", "slug", slug); err == nil {
		t.Error("a partner was created")
	}
	if _, err := app.FindFirstRecordByData("invitations", "email", email); err == nil {
		t.Error("an invitation was stored")
	}
	if rec, _ := app.FindRecordById("partner_applications", testapp.AppNew); rec.GetString("status") != "new" {
		t.Errorf("application status %q", rec.GetString("status"))
	}
}

func TestApplicationApproveRefusalsWriteNothing(t *testing.T) {
	app, adm, _ := appsServer(t)
	path := "/applications/" + testapp.AppNew + "/approve"
	form := func(edits map[string]string) url.Values {
		f := url.Values{"name": {"Tucano Dados Ltda"}, "slug": {"tucano-dados"}, "country": {"BR"}, "region": {"latam"},
			"invitee_name": {"Marina Tavares"}, "invitee_email": {testapp.AppNewEmail}}
		for k, v := range edits {
			f.Set(k, v)
		}
		return f
	}
	// The contact already has an account: the page warns, approval refuses.
	rec, _ := app.FindRecordById("partner_applications", testapp.AppNew)
	rec.Set("contact_email", testapp.AcmeUserEmail)
	if err := app.Save(rec); err != nil {
		t.Fatal(err)
	}
	expectContains(t, adm.get("/applications/"+testapp.AppNew), "warning", "already has an account")
	r := adm.post(path, form(map[string]string{"invitee_email": testapp.AcmeUserEmail}))
	expectStatus(t, r, http.StatusBadRequest, "registered contact")
	expectContains(t, r, "registered contact", `id="e-invitee_email"`, "already has an account", `value="tucano-dados"`)
	nothingWritten(t, app, "tucano-dados", testapp.AcmeUserEmail)
	// A web address another partner has.
	r = adm.post(path, form(map[string]string{"name": "Acme", "slug": "acme-brasil"}))
	expectStatus(t, r, http.StatusBadRequest, "slug taken")
	expectContains(t, r, "slug taken", `id="e-slug"`)
	nothingWritten(t, app, "acme-brasil-x", testapp.AppNewEmail)
	// Bad fields.
	r = adm.post(path, form(map[string]string{"name": "", "slug": "Bad Slug", "country": "ZZ", "tier": "nosuchtier00000", "invitee_email": "nobody"}))
	expectStatus(t, r, http.StatusBadRequest, "bad approval form")
	expectContains(t, r, "bad approval form", `id="e-name"`, `id="e-slug"`, `id="e-invitee_email"`)
	// The invitation e-mail fails: the partner and the invitation are undone.
	down := app.OnMailerSend().BindFunc(func(e *core.MailerEvent) error { return errors.New("smtp down") })
	r = adm.post(path, form(nil))
	expectStatus(t, r, http.StatusServiceUnavailable, "mail server down")
	expectContains(t, r, "mail server down", "Nothing was changed")
	nothingWritten(t, app, "tucano-dados", testapp.AppNewEmail)
	app.OnMailerSend().Unbind(down)
	// Another contact, named by the admin: approved and invited.
	expectStatus(t, adm.post(path, form(nil)), http.StatusSeeOther, "approve with another contact")
	inv, err := app.FindFirstRecordByData("invitations", "email", testapp.AppNewEmail)
	if err != nil || inv.GetString("name") != "Marina Tavares" {
		t.Fatalf("invitation of the named contact: %v %v", inv, err)
	}
}

func TestApplicationDeclineEmailsTheReason(t *testing.T) {
	app, adm, _ := appsServer(t)
	path := "/applications/" + testapp.AppNew + "/decline"
	r := adm.post(path, url.Values{"reason": {""}})
	expectStatus(t, r, http.StatusBadRequest, "no reason")
	expectContains(t, r, "no reason", `id="e-reason"`)
	r = adm.post(path, url.Values{"reason": {strings.Repeat("r", applications.MaxReason+1)}})
	expectStatus(t, r, http.StatusBadRequest, "huge reason")
	if app.TestMailer.TotalSend() != 0 {
		t.Fatal("e-mail sent for a refused decline")
	}
	// The mail server refuses: nothing recorded.
	down := app.OnMailerSend().BindFunc(func(e *core.MailerEvent) error { return errors.New("smtp down") })
	expectStatus(t, adm.post(path, url.Values{"reason": {"Only integrators for now."}}), http.StatusServiceUnavailable, "mail down")
	if rec, _ := app.FindRecordById("partner_applications", testapp.AppNew); rec.GetString("status") != "new" {
		t.Fatal("decline recorded although its e-mail failed")
	}
	app.OnMailerSend().Unbind(down)

	reason := "Neste momento aceitamos apenas integradores com equipe técnica própria."
	r = adm.post(path, url.Values{"reason": {reason}})
	expectStatus(t, r, http.StatusSeeOther, "decline")
	m := app.TestMailer.LastMessage()
	if m.To[0].Address != testapp.AppNewEmail || !strings.Contains(m.Subject, "Sua candidatura") ||
		!strings.Contains(m.HTML, reason) || !strings.Contains(m.Text, "O motivo informado") {
		t.Fatalf("decline e-mail to %v: %q\n%s", m.To, m.Subject, m.Text)
	}
	rec, _ := app.FindRecordById("partner_applications", testapp.AppNew)
	if rec.GetString("status") != "declined" || rec.GetString("decline_reason") != reason || rec.GetString("decided_by") != testapp.AdminID {
		t.Fatalf("after decline %v", rec.PublicExport())
	}
	expectStatus(t, adm.post(path, url.Values{"reason": {"Twice."}}), http.StatusConflict, "decline twice")
}
