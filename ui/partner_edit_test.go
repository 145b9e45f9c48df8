package ui_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/pocketbase/dbx"

	"github.com/ponte-portal/ponte/internal/testapp"
)

func TestPartnerEdit(t *testing.T) {
	app, srv := newServer(t)
	acmeEdit := "/partners/acme-brasil/edit"
	form := func(kv ...string) url.Values {
		v := url.Values{"name": {"Acme Brasil Ltda"}, "country": {"BR"}, "status": {"active"}, "website": {"https://acme.example"}}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}

	// Who may open the form, from both sides.
	for email, want := range map[string]int{
		testapp.AdminEmail: 200, testapp.ManagerAnaEmail: 200, testapp.AcmeAdminEmail: 200,
		testapp.ManagerBrunoEmail: 404, testapp.GlobexAdminEmail: 404, testapp.AcmeUserEmail: 403,
	} {
		expectStatus(t, signedIn(t, app, srv, email).get(acmeEdit), want, email+" opens the Acme form")
	}

	// The admin sets tier and manager.
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	admin.lang = "en"
	admin.get(acmeEdit)
	r := admin.post(acmeEdit, form("tier", testapp.TierSilver, "manager", testapp.ManagerBrunoID, "joined", "2024-02-29"))
	expectStatus(t, r, http.StatusSeeOther, "admin saves")
	p, _ := app.FindRecordById("partners", testapp.PartnerAcme)
	if p.GetString("tier") != testapp.TierSilver || p.GetString("manager") != testapp.ManagerBrunoID ||
		p.GetDateTime("joined").Time().Format("2006-01-02") != "2024-02-29" {
		t.Fatalf("admin's edit not saved: %v", p.PublicExport())
	}
	n, _ := app.CountRecords("activity", dbx.HashExp{"kind": "partner.updated", "partner": testapp.PartnerAcme})
	if n != 1 {
		t.Fatalf("partner.updated events = %d, want 1", n)
	}
	// Bad input: 400, values kept, messages beside the fields.
	r = admin.post(acmeEdit, form("website", "javascript:alert(1)", "name", "Kept name"))
	expectStatus(t, r, http.StatusBadRequest, "bad website")
	expectContains(t, r, "bad website", "Enter a web address starting with https://.", `value="Kept name"`)
	r = admin.post(acmeEdit, form("manager", testapp.AcmeUserID))
	expectStatus(t, r, http.StatusBadRequest, "partner user as manager")
	expectContains(t, r, "partner user as manager", "The channel manager must be vendor staff.")
	for _, kv := range [][2]string{{"status", "closed"}, {"country", "Brasil"}, {"tier", "nosuchtier00000"}, {"joined", "yesterday"}, {"name", ""}} {
		expectStatus(t, admin.post(acmeEdit, form(kv[0], kv[1])), http.StatusBadRequest, "invalid "+kv[0])
	}

	// Bruno now manages Acme; he edits the status but his form has no tier or
	// manager fields, and smuggled values are ignored.
	bruno := signedIn(t, app, srv, testapp.ManagerBrunoEmail)
	r = bruno.get(acmeEdit)
	expectNotContains(t, r, "manager form", `name="tier"`, `name="manager"`)
	bruno.post(acmeEdit, form("status", "onboarding", "tier", testapp.TierGold, "manager", testapp.ManagerAnaID))
	p, _ = app.FindRecordById("partners", testapp.PartnerAcme)
	if p.GetString("status") != "onboarding" || p.GetString("tier") != testapp.TierSilver || p.GetString("manager") != testapp.ManagerBrunoID {
		t.Fatalf("manager edit wrong: status %s tier %s manager %s", p.GetString("status"), p.GetString("tier"), p.GetString("manager"))
	}
	// Ana no longer manages Acme: the partner is invisible to her.
	expectStatus(t, signedIn(t, app, srv, testapp.ManagerAnaEmail).get(acmeEdit), http.StatusNotFound, "ana after reassignment")

	// The partner admin edits the company profile only.
	carla := signedIn(t, app, srv, testapp.AcmeAdminEmail)
	expectContains(t, carla.get("/organisation"), "edit link", `href="/partners/acme-brasil/edit"`)
	r = carla.get(acmeEdit)
	expectNotContains(t, r, "partner admin form", `name="status"`, `name="tier"`, `name="manager"`, `name="joined"`)
	r = carla.post(acmeEdit, form("name", "Acme Brasil Tecnologia Ltda", "website", "https://acme-tec.example", "status", "active"))
	expectStatus(t, r, http.StatusSeeOther, "partner admin saves")
	if r.Header.Get("Location") != "/organisation" {
		t.Fatalf("partner admin redirected to %q", r.Header.Get("Location"))
	}
	p, _ = app.FindRecordById("partners", testapp.PartnerAcme)
	if p.GetString("name") != "Acme Brasil Tecnologia Ltda" || p.GetString("status") != "onboarding" {
		t.Fatalf("partner admin edit wrong: name %q status %q", p.GetString("name"), p.GetString("status"))
	}
	// A partner user sees no edit link and is refused.
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	expectNotContains(t, diego.get("/organisation"), "no edit link", "/edit")
	diego.get("/profile")
	expectStatus(t, diego.post(acmeEdit, form("name", "Hijack")), http.StatusForbidden, "partner user posts")
	// Another partner's admin cannot even see it.
	elena := signedIn(t, app, srv, testapp.GlobexAdminEmail)
	elena.get("/profile")
	expectStatus(t, elena.post(acmeEdit, form("name", "Hijack")), http.StatusNotFound, "other partner admin posts")
	p, _ = app.FindRecordById("partners", testapp.PartnerAcme)
	if p.GetString("name") == "Hijack" {
		t.Fatal("partner renamed by someone without access")
	}
}

func TestPartnerCreate(t *testing.T) {
	app, srv := newServer(t)
	for email, want := range map[string]int{testapp.ManagerAnaEmail: 403, testapp.AcmeAdminEmail: 403, testapp.AcmeUserEmail: 403} {
		expectStatus(t, signedIn(t, app, srv, email).get("/partners/new"), want, email+" opens the new partner form")
	}
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	admin.lang = "en"
	expectContains(t, admin.get("/partners"), "new link", `href="/partners/new"`)
	admin.get("/partners/new")
	form := url.Values{"name": {"Açaí Sistemas S.A."}, "status": {"onboarding"}, "country": {"BR"},
		"tier": {testapp.TierSilver}, "manager": {testapp.ManagerAnaID}, "joined": {"2026-11-01"}}
	r := admin.post("/partners/new", form)
	expectStatus(t, r, http.StatusSeeOther, "create")
	if r.Header.Get("Location") != "/partners/acai-sistemas-s-a" {
		t.Fatalf("redirect to %q", r.Header.Get("Location"))
	}
	p, err := app.FindFirstRecordByData("partners", "slug", "acai-sistemas-s-a")
	if err != nil || p.GetString("region") != "latam" || p.GetString("manager") != testapp.ManagerAnaID {
		t.Fatalf("partner not created as submitted: %v %v", err, p)
	}
	if n, _ := app.CountRecords("activity", dbx.HashExp{"kind": "partner.created", "partner": p.Id}); n != 1 {
		t.Fatalf("partner.created events = %d", n)
	}
	// Ana manages it now and sees it; Bruno does not.
	expectStatus(t, signedIn(t, app, srv, testapp.ManagerAnaEmail).get("/partners/acai-sistemas-s-a"), 200, "ana sees new partner")
	expectStatus(t, signedIn(t, app, srv, testapp.ManagerBrunoEmail).get("/partners/acai-sistemas-s-a"), 404, "bruno")

	// The same name again: the slug is taken; reserved and malformed slugs.
	r = admin.post("/partners/new", form)
	expectStatus(t, r, http.StatusBadRequest, "duplicate slug")
	expectContains(t, r, "duplicate slug", "This value is already in use.", `value="Açaí Sistemas S.A."`)
	for _, slug := range []string{"new", "Bad Slug", "a--b", "-x"} {
		f := url.Values{"name": {"Other"}, "slug": {slug}, "status": {"active"}, "country": {"BR"}}
		expectStatus(t, admin.post("/partners/new", f), http.StatusBadRequest, "slug "+slug)
	}
	n, _ := app.CountRecords("partners")
	if n != 3 {
		t.Fatalf("partners = %d after refused creates, want 3", n)
	}
}
