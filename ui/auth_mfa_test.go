package ui_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/testapp"
)

var mailCode = regexp.MustCompile(`letter-spacing:4px">(\d+)<`)

func TestSecondFactorByEmailCode(t *testing.T) {
	app, srv := newServer(t)
	users, _ := app.FindCollectionByNameOrId("users")
	users.MFA.Enabled = true
	users.MFA.Rule = `role = "admin" || role = "partner_admin"`
	users.OTP.Enabled = true // MFA needs two auth methods: password and e-mail code
	if err := app.Save(users); err != nil {
		t.Fatal(err)
	}
	signIn := func(email string) (*browser, response) {
		b := newBrowser(t, srv)
		b.get("/login")
		return b, b.post("/login", url.Values{"email": {email}, "password": {testapp.Password}, "next": {"/profile"}})
	}

	// The MFA rule does not match a partner user: the password is enough.
	_, r := signIn(testapp.AcmeUserEmail)
	expectStatus(t, r, http.StatusSeeOther, "partner user without MFA")

	// A partner admin gets a code by e-mail, in her language, and no session yet.
	b, r := signIn(testapp.AcmeAdminEmail)
	expectStatus(t, r, http.StatusOK, "code step")
	expectContains(t, r, "code step", "Confira seu e-mail", "c•••@acme.test", `autocomplete="one-time-code"`)
	if b.jar["ponte_session"] != nil {
		t.Fatal("a session was created before the second factor")
	}
	msg := app.TestMailer.LastMessage()
	m := mailCode.FindStringSubmatch(msg.HTML)
	if m == nil || !strings.Contains(msg.Subject, "código de acesso") {
		t.Fatalf("no pt-BR code e-mail: %q\n%s", msg.Subject, msg.HTML)
	}
	code := m[1]

	pending := b.jar["ponte_mfa"]
	if pending == nil {
		t.Fatal("no pending sign-in cookie")
	}
	r = b.post("/login/code", url.Values{"code": {"00000000"}, "next": {"/profile"}})
	expectStatus(t, r, http.StatusBadRequest, "wrong code")
	expectContains(t, r, "wrong code", "O código está incorreto ou expirou.")
	r = b.post("/login/code", url.Values{"code": {code}, "next": {"/profile"}})
	expectStatus(t, r, http.StatusSeeOther, "right code")
	if r.Header.Get("Location") != "/profile" || b.jar["ponte_session"] == nil {
		t.Fatalf("not signed in after the code: %q", r.Header.Get("Location"))
	}
	expectStatus(t, b.get("/"), http.StatusOK, "home after MFA")

	// A code works once.
	b2 := newBrowser(t, srv)
	b2.get("/login")
	if b.jar["ponte_mfa"] != nil {
		t.Error("pending sign-in cookie not cleared after use")
	}
	b2.jar["ponte_mfa"] = pending
	expectStatus(t, b2.post("/login/code", url.Values{"code": {code}}), http.StatusBadRequest, "code reuse")

	// An expired code is refused.
	b3, _ := signIn(testapp.AdminEmail)
	otpID := b3.jar["ponte_mfa"].Value
	otp, err := app.FindOTPById(otpID)
	if err != nil {
		t.Fatal(err)
	}
	code = mailCode.FindStringSubmatch(app.TestMailer.LastMessage().HTML)[1]
	old, _ := types.ParseDateTime(time.Now().Add(-time.Hour))
	otp.SetRaw("created", old)
	if err := app.SaveNoValidate(otp); err != nil {
		t.Fatal(err)
	}
	r = b3.post("/login/code", url.Values{"code": {code}})
	expectStatus(t, r, http.StatusBadRequest, "expired code")
	expectContains(t, r, "expired code", "O login expirou.")
	if b3.jar["ponte_session"] != nil {
		t.Fatal("expired code signed in")
	}
	// Without the pending cookie there is nothing to confirm.
	g := newBrowser(t, srv)
	g.get("/login")
	expectStatus(t, g.post("/login/code", url.Values{"code": {"12345678"}}), http.StatusBadRequest, "no pending sign-in")
}

func TestPasswordSignInCanBeTurnedOff(t *testing.T) {
	app, srv := newServer(t)
	users, _ := app.FindCollectionByNameOrId("users")
	users.PasswordAuth.Enabled = false
	users.OTP.Enabled = true // PocketBase requires one auth method
	if err := app.Save(users); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, srv)
	b.lang = "en"
	b.get("/login")
	r := b.post("/login", url.Values{"email": {testapp.AcmeUserEmail}, "password": {testapp.Password}})
	expectStatus(t, r, http.StatusForbidden, "password sign-in off")
	expectContains(t, r, "password sign-in off", "Signing in with a password is turned off")
}

// TestMFARequirementFromSettings: the settings' boxes decide who needs the
// e-mailed code after the password in the portal, for each combination.
func TestMFARequirementFromSettings(t *testing.T) {
	for _, c := range []struct{ staff, partners bool }{{false, true}, {true, false}, {true, true}, {false, false}} {
		app, srv := newServer(t)
		setMFA(t, app, signedIn(t, app, srv, testapp.AdminEmail), c.staff, c.partners)
		for email, covered := range map[string]bool{testapp.AcmeUserEmail: c.partners, testapp.GlobexAdminEmail: c.partners,
			testapp.ManagerBrunoEmail: c.staff, testapp.AdminEmail: c.staff} {
			b := newBrowser(t, srv)
			b.get("/login")
			r := b.post("/login", url.Values{"email": {email}, "password": {testapp.Password}})
			signedIn := b.jar["ponte_session"] != nil
			if covered && (r.Status != http.StatusOK || signedIn || !strings.Contains(r.Body, `id="otp-code"`)) {
				t.Errorf("staff=%v partners=%v: %s signed in with the password alone (%d)", c.staff, c.partners, email, r.Status)
			}
			if !covered && (r.Status != http.StatusSeeOther || !signedIn) {
				t.Errorf("staff=%v partners=%v: %s was asked for a code (%d)", c.staff, c.partners, email, r.Status)
			}
		}
	}
}
