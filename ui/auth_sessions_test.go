package ui_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/session"
	"github.com/ponte-portal/ponte/internal/testapp"
)

const (
	androidUA = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Mobile Safari/537.36"
	iphoneUA  = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)

// signedInOn returns a browser holding a session started from a device with
// the given User-Agent and IP, and that session's id.
func signedInOn(t *testing.T, app *tests.TestApp, srv *httptest.Server, email, ua, ip string) (*browser, string) {
	t.Helper()
	u, err := app.FindAuthRecordByEmail("users", email)
	if err != nil {
		t.Fatal(err)
	}
	tok, s, err := session.Create(app, u, ua, ip)
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, srv)
	b.jar["ponte_session"] = &http.Cookie{Name: "ponte_session", Value: tok}
	b.csrf = s.CSRF
	return b, s.Record.Id
}

func TestSessionsAreListedAndEndedOneByOne(t *testing.T) {
	app, srv := newServer(t)
	phone, phoneID := signedInOn(t, app, srv, testapp.AcmeUserEmail, androidUA, "203.0.113.7")
	laptop, laptopID := signedInOn(t, app, srv, testapp.AcmeUserEmail, iphoneUA, "198.51.100.2")
	elena, elenaID := signedInOn(t, app, srv, testapp.GlobexAdminEmail, androidUA, "192.0.2.1")

	// Diego (pt-BR) sees both sessions, this one marked, in words.
	r := laptop.get("/profile")
	expectContains(t, r, "sessions", "Chrome no Android", "Safari no iPhone", "IP 203.0.113.7", "Este dispositivo",
		`id="session-`+phoneID+`"`, `name="session" value="`+phoneID+`"`, `id="sign-out-everywhere"`,
		"Você também está conectado em 1 outro dispositivo ou navegador.")
	expectNotContains(t, r, "sessions", elenaID, "192.0.2.1", `name="session" value="`+laptopID+`"`)

	// He cannot end Elena's session: it is not his (404), and it goes on.
	r = laptop.post("/profile/sessions", url.Values{"session": {elenaID}})
	expectStatus(t, r, http.StatusNotFound, "another user's session")
	expectStatus(t, elena.get("/"), http.StatusOK, "Elena still signed in")
	expectStatus(t, laptop.post("/profile/sessions", url.Values{"session": {"nosuchsession00"}}), http.StatusNotFound, "unknown session")
	expectStatus(t, laptop.post("/profile/sessions", url.Values{"session": {"../x"}}), http.StatusNotFound, "malformed id")
	// Nor can Elena end his.
	expectStatus(t, elena.post("/profile/sessions", url.Values{"session": {phoneID}}), http.StatusNotFound, "Elena ends Diego's")
	expectStatus(t, phone.get("/"), http.StatusOK, "phone still signed in")

	// He ends the phone's session; this one goes on.
	r = laptop.post("/profile/sessions", url.Values{"session": {phoneID}})
	expectStatus(t, r, http.StatusSeeOther, "end the phone")
	expectStatus(t, phone.get("/"), http.StatusSeeOther, "phone signed out")
	r = laptop.get("/profile")
	expectStatus(t, r, http.StatusOK, "laptop still signed in")
	expectContains(t, r, "after", "Aquela sessão foi encerrada.", "Esta é sua única sessão.")

	// A guest cannot post to the sessions form.
	g := newBrowser(t, srv)
	g.get("/login")
	expectStatus(t, g.post("/profile/sessions", url.Values{"session": {laptopID}}), http.StatusSeeOther, "guest")
	expectStatus(t, laptop.get("/"), http.StatusOK, "laptop after the guest's try")
}

func TestSignOutEverywhereEndsSessionsAndTokens(t *testing.T) {
	app, srv := newServer(t)
	phone, _ := signedInOn(t, app, srv, testapp.GlobexUserEmail, androidUA, "203.0.113.7")
	desk, _ := signedInOn(t, app, srv, testapp.GlobexUserEmail, iphoneUA, "198.51.100.2")
	other, _ := signedInOn(t, app, srv, testapp.GlobexAdminEmail, androidUA, "192.0.2.1")
	token := testapp.Token(t, app, testapp.GlobexUserEmail)
	api := func() int {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/api/collections/users/auth-refresh", nil)
		req.Header.Set("Authorization", token)
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if api() != http.StatusOK {
		t.Fatal("token refused before signing out")
	}
	desk.lang = "en"
	r := desk.post("/profile/sessions", url.Values{"scope": {"all"}})
	expectStatus(t, r, http.StatusSeeOther, "sign out everywhere")
	if r.Header.Get("Location") != "/login" {
		t.Fatalf("redirected to %q", r.Header.Get("Location"))
	}
	expectContains(t, desk.get("/login"), "flash", "You have signed out everywhere.")
	expectStatus(t, desk.get("/"), http.StatusSeeOther, "this session")
	expectStatus(t, phone.get("/"), http.StatusSeeOther, "the phone's session")
	expectStatus(t, other.get("/"), http.StatusOK, "another user's session")
	if code := api(); code != http.StatusUnauthorized {
		t.Fatalf("REST token still works after signing out everywhere: %d", code)
	}
	if n, _ := app.CountRecords("sessions"); n != 1 {
		t.Fatalf("%d sessions left, want only Elena's", n)
	}
	// The event is in the activity log.
	u, _ := app.FindAuthRecordByEmail("users", testapp.GlobexUserEmail)
	if _, err := app.FindFirstRecordByFilter("activity", "user = {:u} && kind = 'user.signed_out_everywhere'",
		map[string]any{"u": u.Id}); err != nil {
		t.Fatal("no activity event for signing out everywhere")
	}
}
