package ui_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/testapp"
)

func TestGuestIsSentToSignIn(t *testing.T) {
	_, srv := newServer(t)
	b := newBrowser(t, srv)
	for _, p := range []string{"/", "/partners", "/profile", "/organisation", "/partners/acme-brasil"} {
		r := b.get(p)
		expectStatus(t, r, http.StatusSeeOther, "guest GET "+p)
		loc := r.Header.Get("Location")
		if !strings.HasPrefix(loc, "/login") {
			t.Errorf("guest GET %s redirected to %q", p, loc)
		}
	}
	r := b.get("/partners?status=active")
	if got := r.Header.Get("Location"); got != "/login?next="+url.QueryEscape("/partners?status=active") {
		t.Errorf("next not kept: %q", got)
	}
}

func TestSignInAndOut(t *testing.T) {
	app, srv := newServer(t)
	b := newBrowser(t, srv)
	expectStatus(t, b.get("/login"), http.StatusOK, "login page")
	r := b.post("/login", url.Values{"email": {testapp.AcmeUserEmail}, "password": {testapp.Password}, "next": {"/profile"}})
	expectStatus(t, r, http.StatusSeeOther, "sign in")
	if r.Header.Get("Location") != "/profile" {
		t.Fatalf("redirect to %q, want /profile", r.Header.Get("Location"))
	}
	ck := b.jar["ponte_session"]
	if ck == nil || !ck.HttpOnly || ck.SameSite != http.SameSiteLaxMode {
		t.Fatalf("session cookie missing or not HttpOnly/SameSite: %+v", ck)
	}
	// The cookie is an opaque random id, not a token the API would accept.
	if strings.Count(ck.Value, ".") == 2 {
		t.Fatalf("session cookie looks like a JWT: %q", ck.Value)
	}
	home := b.get("/")
	expectStatus(t, home, http.StatusOK, "home after sign in")
	expectContains(t, home, "home", "Acme Brasil Ltda", "Diego Rocha")

	// The sign-in is recorded in the activity log.
	n, err := app.CountRecords("activity")
	if err != nil || n == 0 {
		t.Fatalf("no login activity recorded (n=%d, err=%v)", n, err)
	}

	// Open redirects are refused.
	b2 := newBrowser(t, srv)
	b2.get("/login")
	r = b2.post("/login", url.Values{"email": {testapp.AcmeUserEmail}, "password": {testapp.Password}, "next": {"//evil.example/x"}})
	if r.Header.Get("Location") != "/" {
		t.Fatalf("open redirect: %q", r.Header.Get("Location"))
	}

	r = b.post("/logout", nil)
	expectStatus(t, r, http.StatusSeeOther, "sign out")
	if b.jar["ponte_session"] != nil {
		t.Fatal("session cookie not cleared")
	}
	// The old cookie value no longer works even if replayed.
	b.jar["ponte_session"] = ck
	expectStatus(t, b.get("/"), http.StatusSeeOther, "replayed cookie after sign out")
}

func TestWrongPasswordIsGenericAndTranslated(t *testing.T) {
	_, srv := newServer(t)
	cases := []struct{ lang, msg string }{
		{"en-US,en;q=0.9", "Wrong e-mail or password."},
		{"pt-BR,pt;q=0.9", "E-mail ou senha incorretos."},
	}
	for _, c := range cases {
		b := newBrowser(t, srv)
		b.lang = c.lang
		b.get("/login")
		wrong := b.post("/login", url.Values{"email": {testapp.AcmeUserEmail}, "password": {"nope-nope"}})
		expectStatus(t, wrong, http.StatusBadRequest, "wrong password")
		expectContains(t, wrong, "wrong password", c.msg, `value="`+testapp.AcmeUserEmail+`"`)
		unknown := b.post("/login", url.Values{"email": {"nobody@nowhere.test"}, "password": {"nope-nope"}})
		expectStatus(t, unknown, http.StatusBadRequest, "unknown e-mail")
		expectContains(t, unknown, "unknown e-mail", c.msg)
		if b.jar["ponte_session"] != nil {
			t.Fatal("a session was created for a failed sign-in")
		}
	}
	b := newBrowser(t, srv)
	b.lang = "pt-BR"
	b.get("/login")
	empty := b.post("/login", url.Values{"email": {""}, "password": {""}})
	expectStatus(t, empty, http.StatusBadRequest, "empty form")
	expectContains(t, empty, "empty form", "Este campo é obrigatório.", `aria-invalid="true"`)
}

func TestDeactivatedUserCannotSignInAndLosesSession(t *testing.T) {
	app, srv := newServer(t)
	b := signedIn(t, app, srv, testapp.AcmeUserEmail)
	expectStatus(t, b.get("/"), http.StatusOK, "before deactivation")

	u, _ := app.FindAuthRecordByEmail("users", testapp.AcmeUserEmail)
	u.Set("deactivated", true)
	if err := app.Save(u); err != nil {
		t.Fatal(err)
	}
	expectStatus(t, b.get("/"), http.StatusSeeOther, "session after deactivation")

	g := newBrowser(t, srv)
	g.get("/login")
	r := g.post("/login", url.Values{"email": {testapp.AcmeUserEmail}, "password": {testapp.Password}})
	expectStatus(t, r, http.StatusBadRequest, "deactivated sign in")
	expectContains(t, r, "deactivated sign in", "E-mail ou senha incorretos.")
}

func TestSessionTimeouts(t *testing.T) {
	app, srv := newServer(t)
	for _, field := range []string{"last_seen", "expires"} {
		b := signedIn(t, app, srv, testapp.AcmeUserEmail)
		s, err := app.FindFirstRecordByData("sessions", "user", testapp.AcmeUserID)
		if err != nil {
			t.Fatal(err)
		}
		old, _ := types.ParseDateTime(time.Now().Add(-15 * 24 * time.Hour))
		s.Set(field, old)
		if err := app.Save(s); err != nil {
			t.Fatal(err)
		}
		expectStatus(t, b.get("/"), http.StatusSeeOther, field+" in the past")
		if _, err := app.FindRecordById("sessions", s.Id); err == nil {
			t.Errorf("session with old %s was not deleted", field)
		}
	}
}

func TestCSRF(t *testing.T) {
	app, srv := newServer(t)
	b := signedIn(t, app, srv, testapp.AcmeUserEmail)
	for name, token := range map[string]string{"missing": "", "forged": "forged-token-forged-token-forged-token"} {
		form := url.Values{"name": {"Hacked"}}
		if token != "" {
			form.Set("_csrf", token)
		}
		r := b.do(http.MethodPost, "/profile", form)
		expectStatus(t, r, http.StatusForbidden, name+" csrf")
		expectContains(t, r, name+" csrf", "Você não pode fazer isso", `class="error-page"`)
	}
	u, _ := app.FindAuthRecordByEmail("users", testapp.AcmeUserEmail)
	if u.GetString("name") == "Hacked" {
		t.Fatal("profile changed without a valid CSRF token")
	}
	// The header form of the token (htmx) is accepted.
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/locale", strings.NewReader("locale=en"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("X-CSRF-Token", b.csrf)
	req.AddCookie(b.jar["ponte_session"])
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("header CSRF token refused: %d", res.StatusCode)
	}
	// A guest form needs the guest CSRF cookie.
	g := newBrowser(t, srv)
	r := g.do(http.MethodPost, "/login", url.Values{"email": {testapp.AcmeUserEmail}, "password": {testapp.Password}})
	expectStatus(t, r, http.StatusForbidden, "guest post without csrf cookie")
}

func TestSignInIsRateLimited(t *testing.T) {
	_, srv := newServer(t)
	b := newBrowser(t, srv)
	b.lang = "en"
	b.get("/login")
	var last response
	for i := 0; i < 12; i++ {
		last = b.post("/login", url.Values{"email": {testapp.AcmeUserEmail}, "password": {"wrong-password"}})
	}
	expectStatus(t, last, http.StatusTooManyRequests, "12th sign-in attempt")
	expectContains(t, last, "rate limited", "Too many attempts", `class="error-page"`)
}

func TestPortalAndAPIAuthAreSeparate(t *testing.T) {
	app, srv := newServer(t)
	// A REST bearer token does not sign anyone in to the portal.
	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/", nil)
	req.Header.Set("Authorization", testapp.Token(t, app, testapp.AdminEmail))
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther {
		t.Fatalf("bearer token opened the portal: %d", res.StatusCode)
	}
	// A portal session cookie does not authenticate the REST API.
	b := signedIn(t, app, srv, testapp.AdminEmail)
	r := b.get("/api/collections/partners/records")
	expectStatus(t, r, http.StatusOK, "api with cookie")
	expectContains(t, r, "api with cookie", `"totalItems":0`)
}

func TestSecurityHeaders(t *testing.T) {
	app, srv := newServer(t)
	b := signedIn(t, app, srv, testapp.AcmeUserEmail)
	r := b.get("/")
	csp := r.Header.Get("Content-Security-Policy")
	for _, want := range []string{"script-src 'self' 'nonce-", "frame-ancestors 'none'", "object-src 'none'"} {
		if !strings.Contains(csp, want) {
			t.Errorf("CSP %q lacks %q", csp, want)
		}
	}
	if strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") {
		t.Errorf("CSP allows unsafe sources: %q", csp)
	}
	nonce := csp[strings.Index(csp, "'nonce-")+7:]
	nonce = nonce[:strings.Index(nonce, "'")]
	expectContains(t, r, "nonce in page", `nonce="`+nonce+`"`)
	if again := b.get("/"); strings.Contains(again.Header.Get("Content-Security-Policy"), nonce) {
		t.Error("nonce reused across requests")
	}
	for h, want := range map[string]string{"Referrer-Policy": "strict-origin-when-cross-origin", "X-Frame-Options": "DENY",
		"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"} {
		if got := r.Header.Get(h); got != want {
			t.Errorf("%s = %q, want %q", h, got, want)
		}
	}
	if r.Header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS sent over plain HTTP")
	}
}

func TestStaticAssetsAreServedWithChecksums(t *testing.T) {
	app, srv := newServer(t)
	b := signedIn(t, app, srv, testapp.AcmeUserEmail)
	page := b.get("/")
	for _, asset := range []string{"app.css", "vendor/htmx.org/htmx.min.js"} {
		i := strings.Index(page.Body, "/"+asset)
		if i < 0 {
			t.Fatalf("page does not link %s", asset)
		}
		start := strings.LastIndex(page.Body[:i], "/static/")
		url := page.Body[start : i+len(asset)+1]
		r := b.get(url)
		expectStatus(t, r, http.StatusOK, url)
		if !strings.Contains(r.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("%s not cached immutably: %q", url, r.Header.Get("Cache-Control"))
		}
	}
	expectStatus(t, b.get("/static/abc/nothing.css"), http.StatusNotFound, "unknown asset")
	// Without an admins' favicon, a temporary redirect to the built-in icon:
	// a permanent one would pin it in browsers once a favicon is uploaded.
	fav := newBrowser(t, srv).get("/favicon.ico")
	expectStatus(t, fav, http.StatusFound, "favicon")
	icon := newBrowser(t, srv).get(fav.Header.Get("Location"))
	expectStatus(t, icon, http.StatusOK, "favicon target")
	if !strings.Contains(icon.Header.Get("Content-Security-Policy"), "default-src 'none'") {
		t.Error("our SVG icon is served without its own restrictive CSP")
	}
}

func TestThemeStylesheet(t *testing.T) {
	app, srv := newServer(t)
	s, _ := app.FindFirstRecordByFilter("settings", "")
	s.Set("primary_colour", "#aa3300")
	if err := app.Save(s); err != nil {
		t.Fatal(err)
	}
	g := newBrowser(t, srv)
	login := g.get("/login")
	i := strings.Index(login.Body, `href="/theme.css?v=`)
	if i < 0 {
		t.Fatal("page does not link the theme stylesheet")
	}
	href := login.Body[i+6 : i+6+strings.Index(login.Body[i+6:], `"`)]
	css := g.get(href)
	expectStatus(t, css, http.StatusOK, "theme")
	expectContains(t, css, "guest theme", "--brand:#aa3300")
	expectNotContains(t, css, "guest theme", "tier-")
	if !strings.Contains(css.Header.Get("Cache-Control"), "immutable") || css.Header.Get("Content-Type") != "text/css; charset=utf-8" {
		t.Errorf("theme headers: %v", css.Header)
	}
	b := signedIn(t, app, srv, testapp.AcmeUserEmail)
	css = b.get("/theme.css")
	expectContains(t, css, "user theme", ".tier-"+testapp.TierGold+"{--tier:#b8860b}")
	if strings.Contains(css.Header.Get("Cache-Control"), "immutable") {
		t.Error("unversioned theme URL cached forever")
	}
	// No inline style element is left for htmx to trip over.
	expectNotContains(t, b.get("/"), "home", "<style")
}

// TestHTTPSBehindTrustedProxy: with trusted proxy headers configured and
// X-Forwarded-Proto https, the session cookie gets the __Host- prefix and
// Secure flag, and HSTS is sent; without the trust, the header is ignored.
func TestHTTPSBehindTrustedProxy(t *testing.T) {
	app, srv := newServer(t)
	signIn := func() *http.Response {
		g := newBrowser(t, srv)
		g.get("/login")
		form := url.Values{"email": {testapp.AcmeUserEmail}, "password": {testapp.Password}, "_csrf": {g.csrf}}
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/login", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.Header.Set("X-Forwarded-Proto", "https")
		for _, c := range g.jar {
			req.AddCookie(c)
		}
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		return res
	}
	res := signIn()
	if res.Header.Get("Strict-Transport-Security") != "" {
		t.Error("HSTS sent for an untrusted X-Forwarded-Proto")
	}
	for _, c := range res.Cookies() {
		if strings.HasPrefix(c.Name, "__Host-") {
			t.Error("__Host- cookie for an untrusted X-Forwarded-Proto")
		}
	}

	app.Settings().TrustedProxy.Headers = []string{"X-Forwarded-For"}
	res = signIn()
	if res.Header.Get("Strict-Transport-Security") == "" {
		t.Error("no HSTS behind a trusted HTTPS proxy")
	}
	var found bool
	for _, c := range res.Cookies() {
		if c.Name == "__Host-ponte_session" {
			found = c.Secure && c.HttpOnly && c.Path == "/" && c.Domain == ""
		}
	}
	if !found {
		t.Errorf("no Secure __Host-ponte_session cookie: %v", res.Cookies())
	}
}
