package ui_test

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/logger"

	"github.com/ponte-portal/ponte/internal/invite"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// countInvitations counts invitations matching a filter ("" = all).
func countInvitations(t *testing.T, app core.App, filter string) int {
	t.Helper()
	if filter == "" {
		filter = "id != ''"
	}
	recs, err := app.FindRecordsByFilter(invite.Collection, filter, "", 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	return len(recs)
}

// TestInvitationLifecycleInThePortal: a partner admin invites a colleague,
// the colleague opens the e-mailed link signed out, sets a password in
// pt-BR, lands signed in on the home page; the link then answers 410.
func TestInvitationLifecycleInThePortal(t *testing.T) {
	app, srv := newServer(t)
	carla := signedIn(t, app, srv, testapp.AcmeAdminEmail)
	expectContains(t, carla.get("/invitations/new"), "colleague form", "Convidar um colega", "Acme")
	r := carla.post("/invitations/new", url.Values{"email": {"Nova@Acme.test"}, "name": {"Nova"}, "role": {"partner_user"}, "locale": {"pt-BR"}})
	expectStatus(t, r, http.StatusSeeOther, "invite colleague")
	expectContains(t, carla.get("/invitations"), "list", "nova@acme.test", "Convidado por Carla Mendes", "Pendente")

	m := app.TestMailer.LastMessage()
	if m.To[0].Address != "nova@acme.test" || !strings.Contains(m.Subject, "Acme") || !strings.Contains(m.Text, "Carla Mendes") {
		t.Fatalf("e-mail to %v: %q\n%s", m.To, m.Subject, m.Text)
	}
	token := testapp.LastInvitationToken(t, app)
	link := "/invitations/accept/" + token

	g := newBrowser(t, srv)
	r = g.get(link)
	expectStatus(t, r, http.StatusOK, "acceptance page")
	expectContains(t, r, "acceptance page", "Entre em Acme", "Carla Mendes convidou você.", `value="Nova"`)

	bad := g.post(link, url.Values{"name": {"Nova Silva"}, "password": {"curta"}, "password_confirm": {"curta"}, "locale": {"pt-BR"}})
	expectStatus(t, bad, http.StatusBadRequest, "short password")
	expectContains(t, bad, "short password", `value="Nova Silva"`, "field-error")
	bad = g.post(link, url.Values{"name": {"Nova Silva"}, "password": {"uma-senha-longa"}, "password_confirm": {"outra-senha"}, "locale": {"pt-BR"}})
	expectStatus(t, bad, http.StatusBadRequest, "mismatch")

	r = g.post(link, url.Values{"name": {"Nova Silva"}, "password": {"uma-senha-longa"}, "password_confirm": {"uma-senha-longa"}, "locale": {"pt-BR"}})
	expectStatus(t, r, http.StatusSeeOther, "accept")
	if r.Header.Get("Location") != "/" || g.jar["ponte_session"] == nil {
		t.Fatalf("not signed in after accepting: %q", r.Header.Get("Location"))
	}
	home := g.get("/")
	expectStatus(t, home, http.StatusOK, "home after accepting")
	expectContains(t, home, "home", "Nova Silva")
	u, err := app.FindAuthRecordByEmail("users", "nova@acme.test")
	if err != nil || u.GetString("role") != "partner_user" || u.GetString("partner") != testapp.PartnerAcme || u.GetString("locale") != "pt-BR" {
		t.Fatalf("user %v %v", err, u)
	}

	// Replays: the link is used.
	other := newBrowser(t, srv)
	other.lang = "pt-BR"
	used := other.get(link)
	expectStatus(t, used, http.StatusGone, "used link")
	expectContains(t, used, "used link (pt-BR)", "Este convite já foi usado.")
	r = other.post(link, url.Values{"name": {"X"}, "password": {"uma-senha-longa"}, "password_confirm": {"uma-senha-longa"}, "locale": {"en"}})
	expectStatus(t, r, http.StatusGone, "replayed submit")
	if n, _ := app.CountRecords("users"); n != int64(len(testapp.FixtureUsers))+1 {
		t.Fatalf("%d users after the replay", n)
	}
}

func TestInvitationLinkRefusals(t *testing.T) {
	app, srv := newServer(t)
	g := newBrowser(t, srv)
	g.lang = "en"
	r := g.get("/invitations/accept/forged")
	expectStatus(t, r, http.StatusNotFound, "forged token")
	expectContains(t, r, "forged", "This invitation link is not valid.")
	fake, _, _ := invite.NewToken()
	expectStatus(t, g.get("/invitations/accept/"+fake), http.StatusNotFound, "well-formed unknown token")

	issueAt := func(email string) (*core.Record, string) {
		var rec *core.Record
		err := app.RunInTransaction(func(tx core.App) error {
			var err error
			rec, err = invite.Issue(tx, invite.Request{Email: email, Role: "partner_user", PartnerID: testapp.PartnerGlobex, Locale: "en"})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return rec, testapp.LastInvitationToken(t, app)
	}
	// Expired: its date has passed (whether or not the hourly job ran).
	rec, token := issueAt("late@globex.test")
	rec.Set("expires", time.Now().Add(-time.Minute))
	if err := app.Save(rec); err != nil {
		t.Fatal(err)
	}
	r = g.get("/invitations/accept/" + token)
	expectStatus(t, r, http.StatusGone, "expired")
	expectContains(t, r, "expired", "This invitation has expired.")
	// Revoked by Globex's admin in the portal.
	rec, token = issueAt("gone@globex.test")
	elena := signedIn(t, app, srv, testapp.GlobexAdminEmail)
	expectStatus(t, elena.post("/invitations/revoke/"+rec.Id, nil), http.StatusSeeOther, "revoke")
	r = g.post("/invitations/accept/"+token, url.Values{"name": {"G"}, "password": {"long-enough-1"}, "password_confirm": {"long-enough-1"}, "locale": {"en"}})
	expectStatus(t, r, http.StatusGone, "revoked")
	expectContains(t, r, "revoked", "This invitation was withdrawn.")

	// Signed in as someone else: the page says so and offers to sign out.
	_, token = issueAt("third@globex.test")
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	r = fabio.get("/invitations/accept/" + token)
	expectContains(t, r, "signed in as another", "You are signed in as fabio@globex.test", "Sign out and continue")
	expectStatus(t, fabio.post("/invitations/accept/"+token, url.Values{"name": {"T"}, "password": {"long-enough-1"}, "password_confirm": {"long-enough-1"}, "locale": {"en"}}),
		http.StatusConflict, "accepting while signed in")
	r = fabio.post("/invitations/accept/"+token+"/signout", nil)
	expectStatus(t, r, http.StatusSeeOther, "sign out")
	if fabio.jar["ponte_session"] != nil {
		t.Fatal("still signed in")
	}
	expectContains(t, fabio.get("/invitations/accept/"+token), "after sign-out", "Create my account")
	if _, err := app.FindAuthRecordByEmail("users", "third@globex.test"); err == nil {
		t.Fatal("a user was created while signed in as someone else")
	}
}

// TestInvitationForgedFields: a partner admin cannot invite into another
// partner nor grant a staff role, a manager cannot invite into a partner they
// do not manage, a partner user cannot invite at all; nothing is written.
func TestInvitationForgedFields(t *testing.T) {
	app, srv := newServer(t)
	carla := signedIn(t, app, srv, testapp.AcmeAdminEmail)
	for name, form := range map[string]url.Values{
		"into Globex":   {"email": {"a@x.test"}, "role": {"partner_user"}, "partner": {"globex-mexico"}, "locale": {"en"}},
		"grant manager": {"email": {"b@x.test"}, "role": {"manager"}, "locale": {"en"}},
		"grant admin":   {"email": {"c@x.test"}, "role": {"admin"}, "partner": {"acme-brasil"}, "locale": {"en"}},
	} {
		expectStatus(t, carla.post("/invitations/new", form), http.StatusForbidden, "Carla "+name)
	}
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	expectStatus(t, ana.post("/invitations/new", url.Values{"email": {"d@x.test"}, "role": {"partner_admin"}, "partner": {"globex-mexico"}, "choose": {"1"}, "locale": {"en"}}),
		http.StatusForbidden, "Ana into Globex")
	expectStatus(t, ana.post("/invitations/new", url.Values{"email": {"e@x.test"}, "role": {"manager"}, "partner": {""}, "choose": {"1"}, "locale": {"en"}}),
		http.StatusForbidden, "Ana granting manager")
	expectStatus(t, ana.get("/invitations/partner"), http.StatusForbidden, "manager on the invite-a-partner form")
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	expectStatus(t, diego.get("/invitations"), http.StatusForbidden, "partner user list")
	expectStatus(t, diego.post("/invitations/new", url.Values{"email": {"f@x.test"}, "role": {"partner_user"}, "locale": {"en"}}), http.StatusForbidden, "partner user invites")
	guest := newBrowser(t, srv)
	expectStatus(t, guest.get("/invitations"), http.StatusSeeOther, "guest list")
	if n := countInvitations(t, app, ""); n != 0 || app.TestMailer.TotalSend() != 0 {
		t.Fatalf("refused invitations wrote %d rows and %d e-mails", n, app.TestMailer.TotalSend())
	}
	// The manager may invite into Acme.
	expectStatus(t, ana.post("/invitations/new", url.Values{"email": {"g@x.test"}, "role": {"partner_admin"}, "partner": {"acme-brasil"}, "choose": {"1"}, "locale": {"pt-BR"}}),
		http.StatusSeeOther, "Ana into Acme")
}

// TestInvitationBadInput: field errors in the viewer's language, the form
// keeps what was typed; a pending address offers re-sending.
func TestInvitationBadInput(t *testing.T) {
	app, srv := newServer(t)
	carla := signedIn(t, app, srv, testapp.AcmeAdminEmail) // pt-BR
	r := carla.post("/invitations/new", url.Values{"email": {testapp.GlobexUserEmail}, "name": {"Fábio"}, "role": {"partner_user"}, "locale": {"en"}})
	expectStatus(t, r, http.StatusBadRequest, "registered (pt-BR)")
	expectContains(t, r, "registered (pt-BR)", "Já existe uma conta com este endereço de e-mail.", `value="Fábio"`)
	elena := signedIn(t, app, srv, testapp.GlobexAdminEmail) // en
	r = elena.post("/invitations/new", url.Values{"email": {testapp.AcmeUserEmail}, "role": {"partner_user"}, "locale": {"en"}})
	expectStatus(t, r, http.StatusBadRequest, "registered (en)")
	expectContains(t, r, "registered (en)", "Someone with this e-mail address already has an account.")
	r = elena.post("/invitations/new", url.Values{"email": {"not-an-address"}, "role": {"partner_user"}, "locale": {"en"}})
	expectStatus(t, r, http.StatusBadRequest, "bad address")
	expectContains(t, r, "bad address", "Enter a valid e-mail address.", `value="not-an-address"`)

	expectStatus(t, elena.post("/invitations/new", url.Values{"email": {"twice@globex.test"}, "role": {"partner_user"}, "locale": {"en"}}), http.StatusSeeOther, "first")
	r = elena.post("/invitations/new", url.Values{"email": {"twice@globex.test"}, "role": {"partner_user"}, "locale": {"en"}})
	expectStatus(t, r, http.StatusConflict, "pending twice")
	expectContains(t, r, "pending twice", "already has a pending invitation", `id="inv-resend-pending"`)
}

func TestInvitationResendCooldownAndLists(t *testing.T) {
	app, srv := newServer(t)
	elena := signedIn(t, app, srv, testapp.GlobexAdminEmail)
	expectStatus(t, elena.post("/invitations/new", url.Values{"email": {"r@globex.test"}, "role": {"partner_admin"}, "locale": {"en"}}), http.StatusSeeOther, "invite")
	inv, err := invite.FindPending(app, "r@globex.test")
	if err != nil {
		t.Fatal(err)
	}
	r := elena.post("/invitations/resend/"+inv.Id, nil)
	expectStatus(t, r, http.StatusTooManyRequests, "re-send within the cooldown")
	expectContains(t, r, "cooldown", "This invitation was sent moments ago. Try again in 10 min.")
	// Ten minutes later it goes, with a new link.
	first := testapp.LastInvitationToken(t, app)
	inv.Set("last_sent", time.Now().Add(-11*time.Minute))
	if err := app.Save(inv); err != nil {
		t.Fatal(err)
	}
	expectStatus(t, elena.post("/invitations/resend/"+inv.Id, url.Values{"status": {"pending"}}), http.StatusSeeOther, "re-send")
	if testapp.LastInvitationToken(t, app) == first {
		t.Fatal("re-sending kept the old token")
	}
	g := newBrowser(t, srv)
	expectStatus(t, g.get("/invitations/accept/"+first), http.StatusNotFound, "old link after re-send")

	// Lists from both sides: Globex's invitation is not Acme's business.
	carla := signedIn(t, app, srv, testapp.AcmeAdminEmail)
	expectNotContains(t, carla.get("/invitations?status=all"), "Acme list", "r@globex.test")
	expectStatus(t, carla.post("/invitations/revoke/"+inv.Id, nil), http.StatusNotFound, "Carla revoking Globex's")
	expectStatus(t, signedIn(t, app, srv, testapp.ManagerAnaEmail).post("/invitations/resend/"+inv.Id, nil), http.StatusNotFound, "Ana re-sending Globex's")
	expectContains(t, elena.get("/invitations"), "Globex list", "r@globex.test")
	bruno := signedIn(t, app, srv, testapp.ManagerBrunoEmail)
	expectContains(t, bruno.get("/invitations?partner=globex-mexico"), "Bruno filter", "r@globex.test")
	expectStatus(t, bruno.get("/invitations?partner=acme-brasil"), http.StatusBadRequest, "Bruno filtering a partner he cannot see")
	expectStatus(t, bruno.get("/invitations?status=bogus"), http.StatusBadRequest, "bad status")
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	expectContains(t, admin.get("/invitations?status=all"), "admin list", "r@globex.test", "Invite a partner")
}

// TestInvitePartnerInOneTransaction: the admin's "Invite a partner" creates
// the partner in onboarding and the invitation together; when the e-mail
// fails neither exists.
func TestInvitePartnerInOneTransaction(t *testing.T) {
	app, srv := newServer(t)
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	expectStatus(t, admin.get("/invitations/partner"), http.StatusOK, "form")
	form := url.Values{"partner_name": {"Initech Ltda"}, "country": {"BR"}, "manager": {testapp.ManagerAnaID}, "tier": {testapp.TierSilver},
		"email": {"boss@initech.test"}, "name": {"Bill"}, "locale": {"pt-BR"}}
	r := admin.post("/invitations/partner", form)
	expectStatus(t, r, http.StatusSeeOther, "invite partner")
	p, err := app.FindFirstRecordByData("partners", "slug", "initech-ltda")
	if err != nil || p.GetString("status") != "onboarding" || p.GetString("region") != "latam" || p.GetString("manager") != testapp.ManagerAnaID {
		t.Fatalf("partner %v %v", err, p)
	}
	if countInvitations(t, app, "partner = '"+p.Id+"' && role = 'partner_admin' && status = 'pending'") != 1 {
		t.Fatal("no invitation for the first admin")
	}
	m := app.TestMailer.LastMessage()
	if !strings.Contains(m.Subject, "Initech Ltda") || !strings.Contains(m.Text, "Alice Admin") {
		t.Fatalf("e-mail %q\n%s", m.Subject, m.Text)
	}

	// Bad input keeps what was typed.
	r = admin.post("/invitations/partner", url.Values{"partner_name": {""}, "country": {"XX1"}, "email": {"x@y.test"}, "locale": {"en"}})
	expectStatus(t, r, http.StatusBadRequest, "missing name")
	expectContains(t, r, "missing name", `value="x@y.test"`, "This field is required.")

	partners, _ := app.CountRecords("partners")
	app.OnMailerSend().BindFunc(func(e *core.MailerEvent) error { return errors.New("smtp down") })
	form.Set("partner_name", "Umbrella")
	form.Set("email", "boss@umbrella.test")
	r = admin.post("/invitations/partner", form)
	expectStatus(t, r, http.StatusBadGateway, "mail failure")
	expectContains(t, r, "mail failure", "The e-mail could not be sent, so nothing was saved.", `value="Umbrella"`)
	if n, _ := app.CountRecords("partners"); n != partners {
		t.Fatal("a failed e-mail left a partner behind")
	}
	if countInvitations(t, app, "email = 'boss@umbrella.test'") != 0 {
		t.Fatal("a failed e-mail left an invitation behind")
	}
}

// TestInvitationOAuth2: the invitee continues with a configured provider
// whose verified e-mail is the invited one; another address is refused.
func TestInvitationOAuth2(t *testing.T) {
	app, srv := newServer(t)
	idp := newFakeOIDC(t)
	idp.accounts["ok"] = map[string]any{"sub": "idp-new", "email": "sso@globex.test", "email_verified": true, "name": "Sso Person"}
	idp.accounts["other"] = map[string]any{"sub": "idp-other", "email": "someone@else.test", "email_verified": true}
	users, _ := app.FindCollectionByNameOrId("users")
	users.OAuth2.Enabled = true
	users.OAuth2.Providers = []core.OAuth2ProviderConfig{{Name: "oidc", ClientId: "ponte", ClientSecret: "secret",
		AuthURL: idp.URL + "/authorize", TokenURL: idp.URL + "/token", UserInfoURL: idp.URL + "/userinfo", DisplayName: "Acme SSO"}}
	if err := app.Save(users); err != nil {
		t.Fatal(err)
	}
	if err := app.RunInTransaction(func(tx core.App) error {
		_, err := invite.Issue(tx, invite.Request{Email: "sso@globex.test", Role: "partner_user", PartnerID: testapp.PartnerGlobex, Locale: "en", InvitedBy: testapp.GlobexAdminID})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	token := testapp.LastInvitationToken(t, app)
	start := func(b *browser) string {
		r := b.get("/invitations/accept/" + token + "/oauth2/oidc")
		expectStatus(t, r, http.StatusSeeOther, "oauth2 start")
		loc, _ := url.Parse(r.Header.Get("Location"))
		if loc.Query().Get("redirect_uri") != srv.URL+"/invitations/oauth2/oidc/callback" {
			t.Fatalf("redirect_uri %q", loc.Query().Get("redirect_uri"))
		}
		return loc.Query().Get("state")
	}
	b := newBrowser(t, srv)
	b.lang = "en"
	expectContains(t, b.get("/invitations/accept/"+token), "acceptance page", "Continue with Acme SSO")
	st := start(b)
	r := b.get("/invitations/oauth2/oidc/callback?code=other&state=" + url.QueryEscape(st))
	expectStatus(t, r, http.StatusForbidden, "other address")
	expectContains(t, r, "other address", "is not the one this invitation was sent to")
	st = start(b)
	expectStatus(t, b.get("/invitations/oauth2/oidc/callback?code=ok&state=forged"), http.StatusBadRequest, "forged state")
	st = start(b)
	r = b.get("/invitations/oauth2/oidc/callback?code=ok&state=" + url.QueryEscape(st))
	expectStatus(t, r, http.StatusSeeOther, "callback")
	if b.jar["ponte_session"] == nil {
		t.Fatal("not signed in")
	}
	u, err := app.FindAuthRecordByEmail("users", "sso@globex.test")
	if err != nil || u.GetString("partner") != testapp.PartnerGlobex || u.GetString("name") != "Sso Person" {
		t.Fatalf("user %v %v", err, u)
	}
	expectStatus(t, newBrowser(t, srv).get("/invitations/accept/"+token), http.StatusGone, "used by OAuth2")
}

// TestInvitationTokenNotLogged: PocketBase's request log records URLs; the
// acceptance routes are left out so the token is only ever in the e-mail.
// The test waits until a marker request of the same batch is in the log.
func TestInvitationTokenNotLogged(t *testing.T) {
	app, srv := newServer(t)
	settings := app.Settings()
	settings.Logs.MaxDays = 7 // the fixture keeps no request log
	if err := app.Save(settings); err != nil {
		t.Fatal(err)
	}
	if err := app.RunInTransaction(func(tx core.App) error {
		_, err := invite.Issue(tx, invite.Request{Email: "logged@acme.test", Role: "partner_user", PartnerID: testapp.PartnerAcme})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	token := testapp.LastInvitationToken(t, app)
	g := newBrowser(t, srv)
	expectStatus(t, g.get("/invitations/accept/"+token), http.StatusOK, "acceptance page")
	g.post("/invitations/accept/"+token, url.Values{"name": {"L"}, "password": {"x"}, "password_confirm": {"x"}, "locale": {"en"}})
	marker := strings.Repeat("m", 20)
	g.get("/login?marker=" + marker)
	// PocketBase hands each request's log line to a goroutine and writes
	// them in batches: write the batch out until the marker (requested
	// last) is there.
	h, ok := app.Logger().Handler().(*logger.BatchHandler)
	if !ok {
		t.Fatal("the app's logger is not PocketBase's batch handler")
	}
	count := func(s string) int {
		var n int
		if err := app.LogQuery().Select("count(*)").AndWhere(dbx.NewExp("instr(data, {:s}) > 0", dbx.Params{"s": s})).Row(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for deadline := time.Now().Add(10 * time.Second); ; {
		if err := h.WriteAll(context.Background()); err != nil {
			t.Fatal(err)
		}
		if count(marker) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the marker request never reached the log: the test would prove nothing")
		}
		time.Sleep(20 * time.Millisecond) // polling for the state above, not a fixed wait
	}
	if n := count(token); n != 0 {
		t.Fatalf("%d log rows carry the token", n)
	}
}
