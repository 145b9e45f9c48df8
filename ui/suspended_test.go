package ui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// TestSuspendedPartnerCannotSignIn: suspending a partner ends its people's
// sessions and REST tokens at once and keeps them out of every sign-in path
// (password, e-mailed code, REST), while the other partner's people carry on;
// re-activating the partner lets them back in.
func TestSuspendedPartnerCannotSignIn(t *testing.T) {
	app, srv := newServer(t)
	carla := signedIn(t, app, srv, testapp.AcmeAdminEmail)
	elena := signedIn(t, app, srv, testapp.GlobexAdminEmail)
	expectStatus(t, carla.get("/"), http.StatusOK, "Carla's home before the suspension")
	restToken := testapp.Token(t, app, testapp.AcmeAdminEmail)

	setStatus := func(status string) {
		t.Helper()
		acme, err := app.FindRecordById("partners", testapp.PartnerAcme)
		if err != nil {
			t.Fatal(err)
		}
		acme.Set("status", status)
		if err := app.Save(acme); err != nil {
			t.Fatal(err)
		}
	}
	setStatus("suspended")

	if r := carla.get("/"); r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Errorf("Carla's session after the suspension: %d to %q, want a redirect to /login", r.Status, r.Header.Get("Location"))
	}
	expectStatus(t, elena.get("/"), http.StatusOK, "Elena (Globex) after Acme's suspension")

	// REST: the old token is void, and no new one is issued.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/collections/users/records/"+testapp.AcmeAdminID, nil)
	req.Header.Set("Authorization", restToken)
	if res, err := http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	} else if res.Body.Close(); res.StatusCode == http.StatusOK {
		t.Error("Carla's REST token still reads her record after the suspension")
	}
	auth := func(email string) int {
		t.Helper()
		res, err := http.Post(srv.URL+"/api/collections/users/auth-with-password", "application/json",
			strings.NewReader(`{"identity":"`+email+`","password":"`+testapp.Password+`"}`))
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res.StatusCode
	}
	if st := auth(testapp.AcmeUserEmail); st == http.StatusOK {
		t.Error("REST password sign-in of a suspended partner's user succeeded")
	}
	if st := auth(testapp.GlobexUserEmail); st != http.StatusOK {
		t.Errorf("REST password sign-in of the other partner's user: %d, want 200", st)
	}

	// The portal's password form answers as for a wrong password; no code
	// is e-mailed.
	guest := newBrowser(t, srv)
	guest.get("/login")
	r := guest.post("/login", url.Values{"email": {testapp.AcmeUserEmail}, "password": {testapp.Password}})
	expectStatus(t, r, http.StatusBadRequest, "password sign-in while suspended")
	// Codes go out in the background: ask one for the other partner's user
	// after, wait for it, and require it to be the only e-mail.
	sent := app.TestMailer.TotalSend()
	guest.get("/login?method=code")
	guest.post("/login", url.Values{"method": {"code"}, "email": {testapp.AcmeUserEmail}})
	other := newBrowser(t, srv)
	other.get("/login?method=code")
	other.post("/login", url.Values{"method": {"code"}, "email": {testapp.GlobexUserEmail}})
	waitForMails(t, app, sent+1)
	if n, to := app.TestMailer.TotalSend(), app.TestMailer.LastMessage().To; n != sent+1 || to[0].Address != testapp.GlobexUserEmail {
		t.Errorf("%d e-mails after the two code requests (last to %v), want only Fabio's", n-sent, to)
	}

	setStatus("active")
	again := newBrowser(t, srv)
	again.get("/login")
	if r := again.post("/login", url.Values{"email": {testapp.AcmeUserEmail}, "password": {testapp.Password}}); r.Status != http.StatusSeeOther {
		t.Errorf("password sign-in after re-activation: %d, want 303", r.Status)
	}
	if st := auth(testapp.AcmeUserEmail); st != http.StatusOK {
		t.Errorf("REST sign-in after re-activation: %d, want 200", st)
	}
}
