package ui_test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// TestPageAccessMatrix walks every portal page for every role, with the own
// partner and the other partner, and checks both what is shown and what is
// not.
func TestPageAccessMatrix(t *testing.T) {
	app, srv := newServer(t)
	type visit struct {
		path   string
		status int
		shows  []string
		hides  []string
	}
	acme, globex := "Acme Brasil Ltda", "Globex México"
	matrix := map[string][]visit{
		testapp.AdminEmail: {
			{"/", 200, []string{acme, globex}, nil},
			{"/partners", 200, []string{acme, globex}, nil},
			{"/partners/acme-brasil", 200, []string{acme, "Carla Mendes", "Diego Rocha"}, nil},
			{"/partners/globex-mexico", 200, []string{globex, "Elena Ruiz"}, nil},
			{"/organisation", 403, nil, nil},
			{"/profile", 200, []string{testapp.AdminEmail}, nil},
		},
		testapp.ManagerAnaEmail: {
			{"/", 200, []string{acme}, []string{globex}},
			{"/partners", 200, []string{acme}, []string{globex}},
			{"/partners/acme-brasil", 200, []string{acme, "Diego Rocha"}, nil},
			{"/partners/globex-mexico", 404, nil, []string{globex, "Elena Ruiz"}},
			{"/organisation", 403, nil, nil},
		},
		testapp.ManagerBrunoEmail: {
			{"/partners", 200, []string{globex}, []string{acme}},
			{"/partners/acme-brasil", 404, nil, []string{acme, "Carla Mendes"}},
			{"/partners/globex-mexico", 200, []string{globex, "Fabio Torres"}, nil},
		},
		testapp.AcmeAdminEmail: {
			{"/", 200, []string{acme, "Ana Souza"}, []string{globex, "Bruno Lima"}},
			{"/organisation", 200, []string{acme, "Diego Rocha", `action="/members/` + testapp.AcmeUserID + `"`}, []string{"Elena Ruiz"}},
			{"/partners", 403, nil, []string{globex}},
			{"/partners/globex-mexico", 404, nil, []string{globex}},
			{"/partners/acme-brasil", 303, nil, nil},
		},
		testapp.AcmeUserEmail: {
			{"/", 200, []string{acme, "Ana Souza"}, []string{globex}},
			{"/organisation", 200, []string{"Carla Mendes"}, []string{"Elena Ruiz", `/members/`}},
			{"/partners", 403, nil, nil},
			{"/partners/globex-mexico", 404, nil, []string{globex}},
		},
		testapp.GlobexUserEmail: {
			{"/", 200, []string{globex, "Bruno Lima"}, []string{acme, "Ana Souza"}},
			{"/organisation", 200, []string{"Elena Ruiz"}, []string{"Diego Rocha"}},
			{"/partners/acme-brasil", 404, nil, []string{acme}},
		},
	}
	for email, visits := range matrix {
		b := signedIn(t, app, srv, email)
		for _, v := range visits {
			what := email + " GET " + v.path
			r := b.get(v.path)
			expectStatus(t, r, v.status, what)
			expectContains(t, r, what, v.shows...)
			expectNotContains(t, r, what, v.hides...)
			if v.status >= 400 {
				expectContains(t, r, what, `class="error-page"`)
			}
		}
	}
}

// TestNavigationShowsOnlyWhatTheRoleMayUse checks the nav links per role.
func TestNavigationShowsOnlyWhatTheRoleMayUse(t *testing.T) {
	app, srv := newServer(t)
	for email, want := range map[string][2][]string{
		testapp.AdminEmail:      {{`href="/partners"`, `href="/people"`, `href="/tiers"`, `href="/settings"`}, {`href="/organisation"`}},
		testapp.ManagerAnaEmail: {{`href="/partners"`, `href="/people"`, `href="/tiers"`}, {`href="/organisation"`, `href="/settings"`}},
		testapp.AcmeUserEmail:   {{`href="/organisation"`, `href="/tiers"`}, {`href="/partners"`, `href="/people"`, `href="/settings"`}},
		testapp.AcmeAdminEmail:  {{`href="/organisation"`, `href="/tiers"`}, {`href="/partners"`, `href="/people"`, `href="/settings"`}},
	} {
		r := signedIn(t, app, srv, email).get("/profile")
		expectContains(t, r, email+" nav", `href="/courses"`, `href="/deals"`, `href="/dashboard"`, `href="/certificates"`)
		expectContains(t, r, email+" nav", want[0]...)
		expectNotContains(t, r, email+" nav", want[1]...)
	}
}

func TestUnknownPathsAreStyled404(t *testing.T) {
	app, srv := newServer(t)
	b := signedIn(t, app, srv, testapp.AcmeUserEmail)
	for _, p := range []string{"/nope", "/partners/does-not-exist", "/partners/%00", "/static/abc/x.css", "/a/b/c"} {
		r := b.get(p)
		expectStatus(t, r, http.StatusNotFound, p)
		expectContains(t, r, p, "Página não encontrada")
	}
	// The API keeps its JSON errors.
	r := b.get("/api/collections/nope/records")
	expectStatus(t, r, http.StatusNotFound, "api 404")
	if !strings.HasPrefix(strings.TrimSpace(r.Body), "{") {
		t.Fatalf("API 404 is not JSON: %s", r.Body)
	}
}

func TestPartnerDirectoryFiltersAndPaging(t *testing.T) {
	app, srv := newServer(t)
	partners, _ := app.FindCollectionByNameOrId("partners")
	for i := 0; i < 23; i++ {
		r := core.NewRecord(partners)
		r.Set("name", fmt.Sprintf("Zeta Revenda %02d", i))
		r.Set("slug", fmt.Sprintf("zeta-%02d", i))
		r.Set("status", []string{"active", "onboarding"}[i%2])
		r.Set("country", "PT")
		r.Set("manager", testapp.ManagerAnaID)
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	admin.lang = "en"

	r := admin.get("/partners?q=zeta")
	expectStatus(t, r, 200, "search")
	expectContains(t, r, "search page 1", "Zeta Revenda 00", "Zeta Revenda 19", `rel="next"`)
	expectNotContains(t, r, "search page 1", "Zeta Revenda 20", "Acme Brasil")
	r = admin.get("/partners?q=zeta&page=2")
	expectContains(t, r, "search page 2", "Zeta Revenda 20", "Zeta Revenda 22", `rel="prev"`)
	expectNotContains(t, r, "search page 2", "Zeta Revenda 19", `rel="next"`)

	r = admin.get("/partners?status=onboarding&country=PT")
	expectContains(t, r, "status filter", "Zeta Revenda 01")
	expectNotContains(t, r, "status filter", "Zeta Revenda 00", "Acme Brasil")
	r = admin.get("/partners?tier=" + testapp.TierSilver)
	expectContains(t, r, "tier filter", "Globex")
	expectNotContains(t, r, "tier filter", "Acme Brasil", "Zeta")
	r = admin.get("/partners?manager=" + testapp.ManagerBrunoID)
	expectContains(t, r, "manager filter", "Globex")
	expectNotContains(t, r, "manager filter", "Acme Brasil", "Zeta")

	// LIKE wildcards are searched literally.
	r = admin.get("/partners?q=%25")
	expectContains(t, r, "literal %", "No partners match.")

	// A manager's filters never widen what the rule shows.
	bruno := signedIn(t, app, srv, testapp.ManagerBrunoEmail)
	r = bruno.get("/partners?manager=" + testapp.ManagerAnaID)
	expectStatus(t, r, 200, "bruno filters by ana")
	expectNotContains(t, r, "bruno filters by ana", "Zeta", "Acme Brasil")

	// Invalid values: 400, the form re-shown with the error beside the field.
	for _, q := range []string{"status=bogus", "tier=../../x", "country=Brazil", "sort=password", "page=-1", "page=abc",
		"q=" + url.QueryEscape(strings.Repeat("x", 101))} {
		r := admin.get("/partners?" + q)
		expectStatus(t, r, http.StatusBadRequest, q)
		if !strings.Contains(r.Body, `class="field-error"`) && !strings.Contains(r.Body, `class="alert alert-error"`) {
			t.Errorf("%s: no error shown beside the filters", q)
		}
	}
	r = admin.get("/partners?status=bogus&q=keep-me")
	expectContains(t, r, "values kept", `value="keep-me"`, "This value is not valid.")
}

func TestProfileUpdate(t *testing.T) {
	app, srv := newServer(t)
	b := signedIn(t, app, srv, testapp.AcmeUserEmail)
	b.get("/profile")
	r := b.post("/profile", url.Values{"name": {"Diego R. Rocha"}, "job_title": {"Pré-vendas"}, "locale": {"en"}})
	expectStatus(t, r, http.StatusSeeOther, "profile save")
	r = b.get("/profile")
	expectContains(t, r, "after save", "Your profile has been saved.", `value="Diego R. Rocha"`, `value="Pré-vendas"`)
	u, _ := app.FindAuthRecordByEmail("users", testapp.AcmeUserEmail)
	if u.GetString("locale") != "en" || u.GetString("name") != "Diego R. Rocha" {
		t.Fatalf("profile not saved: %v", u.PublicExport())
	}

	// Invalid input: 400, values kept, translated errors beside the fields.
	r = b.post("/profile", url.Values{"name": {""}, "job_title": {"Kept title"}, "locale": {"en"}})
	expectStatus(t, r, http.StatusBadRequest, "empty name")
	expectContains(t, r, "empty name", "This field is required.", `value="Kept title"`)
	r = b.post("/profile", url.Values{"name": {strings.Repeat("n", 121)}, "locale": {"en"}})
	expectStatus(t, r, http.StatusBadRequest, "long name")
	expectContains(t, r, "long name", "This text is too long.")
	r = b.post("/profile", url.Values{"name": {"Ok"}, "locale": {"fr"}})
	expectStatus(t, r, http.StatusBadRequest, "bad locale")

	// Role and partner cannot be smuggled in through the profile form.
	r = b.post("/profile", url.Values{"name": {"Diego"}, "role": {"admin"}, "partner": {testapp.PartnerGlobex}})
	expectStatus(t, r, http.StatusSeeOther, "extra fields ignored")
	u, _ = app.FindAuthRecordByEmail("users", testapp.AcmeUserEmail)
	if u.GetString("role") != "partner_user" || u.GetString("partner") != testapp.PartnerAcme {
		t.Fatalf("role/partner changed through the profile: %s %s", u.GetString("role"), u.GetString("partner"))
	}
}

func TestPasswordChangeEndsOtherSessionsAndTokens(t *testing.T) {
	app, srv := newServer(t)
	token := testapp.Token(t, app, testapp.AcmeUserEmail)
	other := signedIn(t, app, srv, testapp.AcmeUserEmail)
	b := signedIn(t, app, srv, testapp.AcmeUserEmail)
	b.lang = "en"
	b.get("/profile")

	r := b.post("/profile/password", url.Values{"current_password": {"wrong"}, "password": {"New-pass-2026"}, "password_confirm": {"New-pass-2026"}})
	expectStatus(t, r, http.StatusBadRequest, "wrong current password")
	r = b.post("/profile/password", url.Values{"current_password": {testapp.Password}, "password": {"short"}, "password_confirm": {"short"}})
	expectStatus(t, r, http.StatusBadRequest, "short password")
	r = b.post("/profile/password", url.Values{"current_password": {testapp.Password}, "password": {"New-pass-2026"}, "password_confirm": {"Other-pass-2026"}})
	expectStatus(t, r, http.StatusBadRequest, "mismatch")

	r = b.post("/profile/password", url.Values{"current_password": {testapp.Password}, "password": {"New-pass-2026"}, "password_confirm": {"New-pass-2026"}})
	expectStatus(t, r, http.StatusSeeOther, "password change")
	expectStatus(t, b.get("/profile"), http.StatusOK, "this session goes on")
	expectStatus(t, other.get("/"), http.StatusSeeOther, "other session ended")

	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/collections/users/records/"+testapp.AcmeUserID, nil)
	req.Header.Set("Authorization", token)
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode == http.StatusOK {
		t.Fatal("REST token still works after a password change")
	}
	u, _ := app.FindAuthRecordByEmail("users", testapp.AcmeUserEmail)
	if !u.ValidatePassword("New-pass-2026") {
		t.Fatal("new password not set")
	}
}

func TestPartnerAdminManagesColleagues(t *testing.T) {
	app, srv := newServer(t)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	carla := signedIn(t, app, srv, testapp.AcmeAdminEmail)
	carla.get("/organisation")

	r := carla.post("/members/"+testapp.AcmeUserID, url.Values{"action": {"role"}, "role": {"partner_admin"}})
	expectStatus(t, r, http.StatusSeeOther, "promote colleague")
	u, _ := app.FindRecordById("users", testapp.AcmeUserID)
	if u.GetString("role") != "partner_admin" {
		t.Fatal("role not changed")
	}
	// Roles outside the partner roles are refused.
	r = carla.post("/members/"+testapp.AcmeUserID, url.Values{"action": {"role"}, "role": {"admin"}})
	expectStatus(t, r, http.StatusBadRequest, "grant admin")
	// Another partner's user is invisible: 404, nothing changes.
	r = carla.post("/members/"+testapp.GlobexUserID, url.Values{"action": {"deactivate"}})
	expectStatus(t, r, http.StatusNotFound, "other partner's user")
	if g, _ := app.FindRecordById("users", testapp.GlobexUserID); g.GetBool("deactivated") {
		t.Fatal("another partner's user was deactivated")
	}
	// Nobody changes their own role.
	r = carla.post("/members/"+testapp.AcmeAdminID, url.Values{"action": {"role"}, "role": {"partner_user"}})
	expectStatus(t, r, http.StatusForbidden, "own role")

	// Deactivation ends the colleague's session at once.
	r = carla.post("/members/"+testapp.AcmeUserID, url.Values{"action": {"deactivate"}})
	expectStatus(t, r, http.StatusSeeOther, "deactivate")
	expectStatus(t, diego.get("/"), http.StatusSeeOther, "deactivated user's session")
	r = carla.post("/members/"+testapp.AcmeUserID, url.Values{"action": {"reactivate"}})
	expectStatus(t, r, http.StatusSeeOther, "reactivate")

	// A partner user may not manage colleagues (the users Update rule says no).
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	fabio.get("/organisation")
	r = fabio.post("/members/"+testapp.GlobexAdminID, url.Values{"action": {"deactivate"}})
	expectStatus(t, r, http.StatusForbidden, "partner user deactivates admin")
	// A channel manager sees the people but may not change them (the users
	// Update rule has no manager branch).
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	expectNotContains(t, ana.get("/partners/acme-brasil"), "manager's partner page", `action="/members/`)
	r = ana.post("/members/"+testapp.AcmeUserID, url.Values{"action": {"deactivate"}})
	expectStatus(t, r, http.StatusForbidden, "manager deactivates")

	// The vendor admin manages any partner's people from the partner page.
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	expectContains(t, admin.get("/partners/globex-mexico"), "admin's partner page", `action="/members/`+testapp.GlobexUserID+`"`)
	r = admin.post("/members/"+testapp.GlobexUserID, url.Values{"action": {"deactivate"}})
	expectStatus(t, r, http.StatusSeeOther, "admin deactivates")
	if r.Header.Get("Location") != "/partners/globex-mexico" {
		t.Fatalf("admin redirected to %q", r.Header.Get("Location"))
	}
	if g, _ := app.FindRecordById("users", testapp.GlobexUserID); !g.GetBool("deactivated") {
		t.Fatal("admin's deactivation not saved")
	}
}

func TestLocaleSwitch(t *testing.T) {
	app, srv := newServer(t)
	g := newBrowser(t, srv)
	g.lang = "pt-BR"
	expectContains(t, g.get("/login"), "pt login", "Entre no seu portal", `lang="pt-BR"`)
	r := g.post("/locale", url.Values{"locale": {"en"}, "next": {"/login"}})
	expectStatus(t, r, http.StatusSeeOther, "switch")
	expectContains(t, g.get("/login"), "en login", "Sign in to your portal", `lang="en"`)
	expectStatus(t, g.post("/locale", url.Values{"locale": {"xx"}}), http.StatusBadRequest, "unknown locale")

	b := signedIn(t, app, srv, testapp.GlobexUserEmail) // locale en
	expectContains(t, b.get("/"), "en home", "Your organisation")
	b.get("/")
	b.post("/locale", url.Values{"locale": {"pt-BR"}, "next": {"/"}})
	expectContains(t, b.get("/"), "pt home", "Sua empresa")
	u, _ := app.FindAuthRecordByEmail("users", testapp.GlobexUserEmail)
	if u.GetString("locale") != "pt-BR" {
		t.Fatal("user's locale not saved")
	}
}

func TestForgotAndResetPassword(t *testing.T) {
	app, srv := newServer(t)
	app.Settings().Meta.AppURL = "http://portal.test"
	g := newBrowser(t, srv)
	g.get("/forgot")
	r := g.post("/forgot", url.Values{"email": {testapp.AcmeUserEmail}})
	expectStatus(t, r, http.StatusOK, "forgot")
	expectContains(t, r, "forgot", "Confira seu e-mail.")
	if app.TestMailer.TotalSend() != 1 {
		t.Fatalf("sent %d mails, want 1", app.TestMailer.TotalSend())
	}
	msg := app.TestMailer.LastMessage()
	if !strings.Contains(msg.Subject, "Redefina sua senha") || !strings.Contains(msg.HTML, "http://portal.test/reset/") {
		t.Fatalf("reset mail not in pt-BR or without portal link: %s\n%s", msg.Subject, msg.HTML)
	}
	// Unknown addresses get the same answer and no mail.
	r = g.post("/forgot", url.Values{"email": {"nobody@nowhere.test"}})
	expectStatus(t, r, http.StatusOK, "forgot unknown")
	expectContains(t, r, "forgot unknown", "Confira seu e-mail.")
	if app.TestMailer.TotalSend() != 1 {
		t.Fatal("a mail was sent for an unknown address")
	}
	expectStatus(t, g.post("/forgot", url.Values{"email": {"not an email"}}), http.StatusBadRequest, "bad email")

	link := msg.HTML[strings.Index(msg.HTML, "http://portal.test/reset/"):]
	link = link[len("http://portal.test"):strings.Index(link, `"`)]
	expectContains(t, g.get(link), "reset form", `name="password_confirm"`)
	r = g.post(link, url.Values{"password": {"Reset-pass-2026"}, "password_confirm": {"nope"}})
	expectStatus(t, r, http.StatusBadRequest, "reset mismatch")
	r = g.post(link, url.Values{"password": {"Reset-pass-2026"}, "password_confirm": {"Reset-pass-2026"}})
	expectStatus(t, r, http.StatusSeeOther, "reset")
	u, _ := app.FindAuthRecordByEmail("users", testapp.AcmeUserEmail)
	if !u.ValidatePassword("Reset-pass-2026") {
		t.Fatal("password not reset")
	}
	// The link works once.
	expectContains(t, g.get(link), "used link", "Este link é inválido ou expirou.")
	expectStatus(t, g.post(link, url.Values{"password": {"Again-pass-2026"}, "password_confirm": {"Again-pass-2026"}}),
		http.StatusBadRequest, "reuse")
	expectContains(t, g.get("/reset/garbage"), "garbage token", "Este link é inválido ou expirou.")
}

func TestSignOutEverywhereElse(t *testing.T) {
	app, srv := newServer(t)
	phone := signedIn(t, app, srv, testapp.AcmeUserEmail)
	other := signedIn(t, app, srv, testapp.GlobexUserEmail)
	b := signedIn(t, app, srv, testapp.AcmeUserEmail)
	r := b.get("/profile")
	expectContains(t, r, "profile", "Você também está conectado em 1 outro dispositivo ou navegador.")
	expectStatus(t, b.post("/profile/sessions", nil), http.StatusSeeOther, "sign out others")
	expectStatus(t, phone.get("/"), http.StatusSeeOther, "the phone's session")
	expectStatus(t, b.get("/"), http.StatusOK, "this session")
	expectStatus(t, other.get("/"), http.StatusOK, "another user's session")
	expectContains(t, b.get("/profile"), "after", "Esta é sua única sessão.")
}

// TestEmailVisibilityMatchesTheAPI: the portal shows a user's e-mail exactly
// where the REST API would: staff always, partner users once they opt in.
func TestEmailVisibilityMatchesTheAPI(t *testing.T) {
	app, srv := newServer(t)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	token := testapp.Token(t, app, testapp.AcmeUserEmail)
	apiShows := func(id, email string) bool {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/collections/users/records/"+id, nil)
		req.Header.Set("Authorization", token)
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		var buf strings.Builder
		_, _ = io.Copy(&buf, res.Body)
		if res.StatusCode != http.StatusOK {
			t.Fatalf("API view of %s: %d", id, res.StatusCode)
		}
		return strings.Contains(buf.String(), email)
	}

	// Staff: visible in both.
	expectContains(t, diego.get("/"), "manager's e-mail", testapp.ManagerAnaEmail)
	if !apiShows(testapp.ManagerAnaID, testapp.ManagerAnaEmail) {
		t.Error("API hides the channel manager's e-mail the portal shows")
	}
	// A colleague who has not opted in: hidden in both.
	expectNotContains(t, diego.get("/organisation"), "colleague hidden", testapp.AcmeAdminEmail)
	if apiShows(testapp.AcmeAdminID, testapp.AcmeAdminEmail) {
		t.Error("API shows an e-mail the user did not make visible")
	}
	// She opts in on her profile: visible in both.
	carla := signedIn(t, app, srv, testapp.AcmeAdminEmail)
	carla.get("/profile")
	expectStatus(t, carla.post("/profile", url.Values{"name": {"Carla Mendes"}, "email_visible": {"1"}}), http.StatusSeeOther, "opt in")
	expectContains(t, diego.get("/organisation"), "colleague visible", testapp.AcmeAdminEmail)
	if !apiShows(testapp.AcmeAdminID, testapp.AcmeAdminEmail) {
		t.Error("API hides an e-mail the user made visible")
	}
	// Staff cannot hide theirs through the form.
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	ana.get("/profile")
	ana.post("/profile", url.Values{"name": {"Ana Souza"}})
	if u, _ := app.FindRecordById("users", testapp.ManagerAnaID); !u.EmailVisibility() {
		t.Error("staff e-mail became hidden")
	}
}

func TestPeopleDirectory(t *testing.T) {
	app, srv := newServer(t)
	expectStatus(t, signedIn(t, app, srv, testapp.AcmeAdminEmail).get("/people"), http.StatusForbidden, "partner admin")
	expectStatus(t, signedIn(t, app, srv, testapp.AcmeUserEmail).get("/people"), http.StatusForbidden, "partner user")

	admin := signedIn(t, app, srv, testapp.AdminEmail)
	admin.lang = "en"
	r := admin.get("/people")
	expectStatus(t, r, 200, "admin people")
	expectContains(t, r, "admin people", "Carla Mendes", "Elena Ruiz", "Bruno Lima", "Vendor staff")

	// A manager sees staff and the people of her partners only.
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	r = ana.get("/people")
	expectContains(t, r, "ana people", "Carla Mendes", "Diego Rocha", "Bruno Lima")
	expectNotContains(t, r, "ana people", "Elena Ruiz", "Fabio Torres")
	r = ana.get("/people?partner=" + testapp.PartnerGlobex)
	expectStatus(t, r, 200, "ana filters by globex")
	expectNotContains(t, r, "ana filters by globex", "Elena Ruiz", "Fabio Torres")

	r = admin.get("/people?q=fixture+partner_user&role=partner_user")
	expectContains(t, r, "search by job title", "Diego Rocha", "Fabio Torres")
	expectNotContains(t, r, "search by job title", "Carla Mendes")
	r = admin.get("/people?partner=" + testapp.PartnerAcme + "&role=partner_admin")
	expectContains(t, r, "partner + role", "Carla Mendes")
	expectNotContains(t, r, "partner + role", "Diego Rocha", "Elena Ruiz")
	u, _ := app.FindRecordById("users", testapp.GlobexUserID)
	u.Set("deactivated", true)
	if err := app.Save(u); err != nil {
		t.Fatal(err)
	}
	r = admin.get("/people?state=deactivated")
	expectContains(t, r, "deactivated", "Fabio Torres")
	expectNotContains(t, r, "deactivated", "Carla Mendes")
	for _, q := range []string{"role=root", "partner=../x", "state=gone", "page=0"} {
		expectStatus(t, admin.get("/people?"+q), http.StatusBadRequest, q)
	}
}

// TestPartnerActivity: staff and the partner's admin see its recent activity
// (through the activity rule); a partner user and other partners do not.
func TestPartnerActivity(t *testing.T) {
	app, srv := newServer(t)
	// Diego signs in through the form, which records the event.
	g := newBrowser(t, srv)
	g.get("/login")
	expectStatus(t, g.post("/login", url.Values{"email": {testapp.AcmeUserEmail}, "password": {testapp.Password}}), http.StatusSeeOther, "sign in")

	admin := signedIn(t, app, srv, testapp.AdminEmail)
	admin.lang = "en"
	r := admin.get("/partners/acme-brasil")
	expectContains(t, r, "admin sees activity", "Recent activity", "<strong>Diego Rocha</strong> signed in")
	expectContains(t, signedIn(t, app, srv, testapp.ManagerAnaEmail).get("/partners/acme-brasil"), "manager", "Diego Rocha</strong> entrou no portal")
	expectContains(t, signedIn(t, app, srv, testapp.AcmeAdminEmail).get("/organisation"), "partner admin", "Atividade recente", "Diego Rocha</strong> entrou no portal")
	expectNotContains(t, g.get("/organisation"), "partner user", "Atividade recente")
	// Globex's page shows none of Acme's events.
	expectNotContains(t, admin.get("/partners/globex-mexico"), "other partner", "Diego Rocha")
}
