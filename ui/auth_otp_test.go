package ui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// waitForMails waits until the test mailer has sent n e-mails (codes are
// mailed in the background, as PocketBase's request-otp does).
func waitForMails(t *testing.T, app *tests.TestApp, n int) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for app.TestMailer.TotalSend() < n {
		if time.Now().After(deadline) {
			t.Fatalf("%d e-mails sent, want %d", app.TestMailer.TotalSend(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// requestCode asks /login for a sign-in code for email, as the code form does.
func requestCode(b *browser, email, next string) response {
	b.get("/login?method=code")
	return b.post("/login", url.Values{"method": {"code"}, "email": {email}, "next": {next}})
}

// mailedCode returns the code of the last e-mail, checking its recipient.
func mailedCode(t *testing.T, app *tests.TestApp, to string) string {
	t.Helper()
	msg := app.TestMailer.LastMessage()
	if len(msg.To) != 1 || msg.To[0].Address != to {
		t.Fatalf("code mailed to %v, want %s", msg.To, to)
	}
	m := mailCode.FindStringSubmatch(msg.HTML)
	if m == nil {
		t.Fatalf("no code in the e-mail:\n%s", msg.HTML)
	}
	return m[1]
}

func TestCodeSignIn(t *testing.T) {
	app, srv := newServer(t)
	g := newBrowser(t, srv)
	// The sign-in page offers the code beside the password, and the partner
	// application.
	r := g.get("/login?next=/profile")
	expectContains(t, r, "login", `id="use-code"`, `href="/login?method=code&amp;next=%2Fprofile"`, `href="/apply"`)
	r = g.get("/login?method=code&next=/profile")
	expectContains(t, r, "code form", `id="otp-email"`, `name="method" value="code"`, `type="submit"`)
	expectNotContains(t, r, "code form", `name="password"`)

	// Carla (pt-BR) asks for a code: the page never says whether she exists.
	r = requestCode(g, testapp.AcmeAdminEmail, "/profile")
	expectStatus(t, r, http.StatusOK, "code requested")
	expectContains(t, r, "code page", "Se c•••@acme.test estiver cadastrado", `id="otp-code"`,
		`inputmode="numeric"`, `autocomplete="one-time-code"`)
	if g.jar["ponte_session"] != nil {
		t.Fatal("signed in before the code")
	}
	waitForMails(t, app, 1)
	msg := app.TestMailer.LastMessage()
	if !strings.Contains(msg.Subject, "código de acesso") || !strings.Contains(msg.HTML, `lang="pt-BR"`) {
		t.Fatalf("code e-mail not in Carla's language: %q", msg.Subject)
	}
	code := mailedCode(t, app, testapp.AcmeAdminEmail)

	r = g.post("/login/code", url.Values{"code": {"00000000"}, "next": {"/profile"}})
	expectStatus(t, r, http.StatusBadRequest, "wrong code")
	expectContains(t, r, "wrong code", "O código está incorreto ou expirou.", `id="otp-code"`)
	pending := g.jar["ponte_otp"]
	r = g.post("/login/code", url.Values{"code": {code}, "next": {"/profile"}})
	expectStatus(t, r, http.StatusSeeOther, "right code")
	if r.Header.Get("Location") != "/profile" || g.jar["ponte_session"] == nil {
		t.Fatalf("not signed in after the code: %q", r.Header.Get("Location"))
	}
	expectContains(t, g.get("/profile"), "signed in by code", "carla@acme.test")

	// A code works once.
	again := newBrowser(t, srv)
	again.get("/login")
	again.jar["ponte_otp"] = pending
	r = again.post("/login/code", url.Values{"code": {code}})
	expectStatus(t, r, http.StatusBadRequest, "code reuse")
	if again.jar["ponte_session"] != nil {
		t.Fatal("a used code signed in again")
	}
}

func TestCodeSignInTellsNobodyWhoHasAnAccount(t *testing.T) {
	app, srv := newServer(t)
	diego, _ := app.FindAuthRecordByEmail("users", testapp.AcmeUserEmail)
	diego.Set("deactivated", true)
	if err := app.Save(diego); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, srv)
	b.lang = "en"
	unknown := requestCode(b, "nobody@nowhere.test", "/")
	deactivated := requestCode(b, testapp.AcmeUserEmail, "/")
	known := requestCode(b, testapp.GlobexUserEmail, "/")
	for name, r := range map[string]response{"unknown": unknown, "deactivated": deactivated, "known": known} {
		expectStatus(t, r, http.StatusOK, name)
		expectContains(t, r, name, "is registered, a sign-in code is on its way", `id="otp-code"`)
		if !strings.Contains(strings.Join(r.Header.Values("Set-Cookie"), "\n"), "ponte_otp=") {
			t.Errorf("%s: no pending-code cookie, unlike the others", name)
		}
	}
	waitForMails(t, app, 1)
	if n := app.TestMailer.TotalSend(); n != 1 || app.TestMailer.LastMessage().To[0].Address != testapp.GlobexUserEmail {
		t.Fatalf("%d e-mails, want only Fabio's", n)
	}
	// A code typed for an unknown address gets the wrong-code answer.
	g := newBrowser(t, srv)
	g.lang = "en"
	requestCode(g, "nobody@nowhere.test", "/")
	r := g.post("/login/code", url.Values{"code": {"12345678"}})
	expectStatus(t, r, http.StatusBadRequest, "decoy code")
	expectContains(t, r, "decoy code", "The code is wrong or has expired.")
	// A malformed address is refused beside the field, in each language.
	r = g.post("/login", url.Values{"method": {"code"}, "email": {"not an address"}})
	expectStatus(t, r, http.StatusBadRequest, "bad address")
	expectContains(t, r, "bad address", "Enter a valid e-mail address.", `id="otp-email"`, `value="not an address"`)
	g.lang = "pt-BR"
	expectContains(t, g.post("/login", url.Values{"method": {"code"}, "email": {"x"}}), "bad address pt", "Informe um e-mail válido.")
}

func TestCodeSignInExpiredCode(t *testing.T) {
	app, srv := newServer(t)
	b := newBrowser(t, srv)
	b.lang = "en"
	requestCode(b, testapp.GlobexAdminEmail, "/")
	waitForMails(t, app, 1)
	code := mailedCode(t, app, testapp.GlobexAdminEmail)
	otp, err := app.FindOTPById(b.jar["ponte_otp"].Value)
	if err != nil {
		t.Fatal(err)
	}
	old, _ := types.ParseDateTime(time.Now().Add(-time.Hour))
	otp.SetRaw("created", old)
	if err := app.SaveNoValidate(otp); err != nil {
		t.Fatal(err)
	}
	r := b.post("/login/code", url.Values{"code": {code}})
	expectStatus(t, r, http.StatusBadRequest, "expired code")
	expectContains(t, r, "expired code", "This code has expired", `id="otp-resend"`, "Send a new code")
	if b.jar["ponte_session"] != nil {
		t.Fatal("an expired code signed in")
	}
	if _, err := app.FindOTPById(otp.Id); err == nil {
		t.Error("the expired code was kept")
	}
}

func TestCodeSignInLimitsWrongCodes(t *testing.T) {
	app, srv := newServer(t)
	b := newBrowser(t, srv)
	b.lang = "en"
	requestCode(b, testapp.GlobexAdminEmail, "/")
	waitForMails(t, app, 1)
	code := mailedCode(t, app, testapp.GlobexAdminEmail)
	id := b.jar["ponte_otp"].Value
	for i := 1; i < 5; i++ {
		expectContains(t, b.post("/login/code", url.Values{"code": {"00000000"}}), "wrong code", "The code is wrong or has expired.")
	}
	r := b.post("/login/code", url.Values{"code": {"00000000"}})
	expectStatus(t, r, http.StatusBadRequest, "fifth wrong code")
	expectContains(t, r, "fifth wrong code", "used too many times")
	if _, err := app.FindOTPById(id); err == nil {
		t.Fatal("the code survives five wrong tries")
	}
	// The right code is now useless (and the limiter stops the sixth post).
	b.jar["ponte_otp"] = &http.Cookie{Name: "ponte_otp", Value: id}
	if r := b.post("/login/code", url.Values{"code": {code}}); r.Status == http.StatusSeeOther {
		t.Fatal("the right code signed in after five wrong ones")
	}
}

// setMFA ticks the settings' MFA boxes as an admin would.
func setMFA(t *testing.T, app *tests.TestApp, admin *browser, staff, partners bool) {
	t.Helper()
	s, _ := app.FindFirstRecordByFilter("settings", "")
	fields := map[string]string{"portal_name": s.GetString("portal_name"), "primary_colour": "#0f6e6e",
		"default_locale": "pt-BR", "base_currency": "BRL"}
	if staff {
		fields["mfa_staff"] = "1"
	}
	if partners {
		fields["mfa_partners"] = "1"
	}
	admin.get("/settings")
	expectStatus(t, admin.multipartPost("/settings", fields, "", nil), http.StatusSeeOther, "save MFA settings")
}

func TestCodeSignInUnderMFAAsksForThePassword(t *testing.T) {
	app, srv := newServer(t)
	setMFA(t, app, signedIn(t, app, srv, testapp.AdminEmail), false, true)

	b := newBrowser(t, srv)
	b.lang = "en"
	requestCode(b, testapp.GlobexUserEmail, "/profile")
	waitForMails(t, app, 1)
	r := b.post("/login/code", url.Values{"code": {mailedCode(t, app, testapp.GlobexUserEmail)}, "next": {"/profile"}})
	expectStatus(t, r, http.StatusOK, "password step")
	expectContains(t, r, "password step", "One more step: your password", `name="step" value="password"`)
	if b.jar["ponte_session"] != nil {
		t.Fatal("signed in with the code alone under MFA")
	}
	r = b.post("/login/code", url.Values{"step": {"password"}, "password": {"wrong-password"}, "next": {"/profile"}})
	expectStatus(t, r, http.StatusBadRequest, "wrong password")
	expectContains(t, r, "wrong password", "The password is not right.")
	r = b.post("/login/code", url.Values{"step": {"password"}, "password": {testapp.Password}, "next": {"/profile"}})
	expectStatus(t, r, http.StatusSeeOther, "password after code")
	if r.Header.Get("Location") != "/profile" || b.jar["ponte_session"] == nil {
		t.Fatal("not signed in after code and password")
	}
	// The password step cannot be reached without a right code.
	g := newBrowser(t, srv)
	g.lang = "en"
	g.get("/login")
	r = g.post("/login/code", url.Values{"step": {"password"}, "password": {testapp.Password}})
	expectStatus(t, r, http.StatusBadRequest, "password step without a code")
	if g.jar["ponte_session"] != nil {
		t.Fatal("the password step signed in without a code")
	}

	// Staff are not under the partners' requirement: the code is enough.
	s := newBrowser(t, srv)
	requestCode(s, testapp.ManagerAnaEmail, "/")
	waitForMails(t, app, 2)
	r = s.post("/login/code", url.Values{"code": {mailedCode(t, app, testapp.ManagerAnaEmail)}})
	expectStatus(t, r, http.StatusSeeOther, "staff code sign-in")
}

func TestCodeSignInCanBeTurnedOff(t *testing.T) {
	app, srv := newServer(t)
	users, _ := app.FindCollectionByNameOrId("users")
	users.OTP.Enabled = false
	if err := app.Save(users); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, srv)
	b.lang = "en"
	expectNotContains(t, b.get("/login"), "login without codes", `id="use-code"`)
	r := requestCode(b, testapp.AcmeUserEmail, "/")
	expectStatus(t, r, http.StatusForbidden, "codes off")
	expectContains(t, r, "codes off", "Signing in with an e-mailed code is turned off")
	if app.TestMailer.TotalSend() != 0 {
		t.Fatal("a code was mailed while codes are off")
	}
}
