package ui_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// fakeOIDC is a minimal OAuth2/OIDC provider: it issues a token for any code
// and answers userinfo with the account configured for that code, checking
// the PKCE verifier was sent.
type fakeOIDC struct {
	*httptest.Server
	mu       sync.Mutex
	accounts map[string]map[string]any // code → userinfo
	tokens   map[string]string         // access token → code
	verifier bool
}

func newFakeOIDC(t *testing.T) *fakeOIDC {
	f := &fakeOIDC{accounts: map[string]map[string]any{}, tokens: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("/token", func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		f.mu.Lock()
		defer f.mu.Unlock()
		if r.PostForm.Get("code_verifier") != "" {
			f.verifier = true
		}
		code := r.PostForm.Get("code")
		if _, ok := f.accounts[code]; !ok {
			http.Error(w, `{"error":"invalid_grant"}`, http.StatusBadRequest)
			return
		}
		tok := "tok-" + code
		f.tokens[tok] = code
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"access_token": tok, "token_type": "Bearer", "expires_in": 3600})
	})
	mux.HandleFunc("/userinfo", func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		code := f.tokens[strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")]
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(f.accounts[code])
	})
	f.Server = httptest.NewServer(mux)
	t.Cleanup(f.Close)
	return f
}

func TestOAuth2SignInForExistingUsers(t *testing.T) {
	app, srv := newServer(t)
	idp := newFakeOIDC(t)
	idp.accounts["diego"] = map[string]any{"sub": "idp-diego", "email": testapp.AcmeUserEmail, "email_verified": true, "name": "Diego"}
	idp.accounts["stranger"] = map[string]any{"sub": "idp-x", "email": "stranger@else.test", "email_verified": true}
	idp.accounts["unverified"] = map[string]any{"sub": "idp-y", "email": testapp.AdminEmail, "email_verified": false}

	users, _ := app.FindCollectionByNameOrId("users")
	users.OAuth2.Enabled = true
	users.OAuth2.Providers = []core.OAuth2ProviderConfig{{Name: "oidc", ClientId: "ponte", ClientSecret: "secret",
		AuthURL: idp.URL + "/authorize", TokenURL: idp.URL + "/token", UserInfoURL: idp.URL + "/userinfo", DisplayName: "Acme SSO"}}
	if err := app.Save(users); err != nil {
		t.Fatal(err)
	}

	// start follows the portal's redirect to the provider and returns the state.
	start := func(b *browser) string {
		r := b.get("/login/oauth2/oidc?next=/profile")
		expectStatus(t, r, http.StatusSeeOther, "oauth2 start")
		loc, _ := url.Parse(r.Header.Get("Location"))
		if !strings.HasPrefix(loc.String(), idp.URL+"/authorize") || loc.Query().Get("code_challenge") == "" ||
			loc.Query().Get("redirect_uri") != srv.URL+"/login/oauth2/oidc/callback" {
			t.Fatalf("bad authorize redirect: %s", loc)
		}
		return loc.Query().Get("state")
	}

	b := newBrowser(t, srv)
	b.lang = "en"
	expectContains(t, b.get("/login"), "login page", "Sign in with Acme SSO")
	state := start(b)
	r := b.get("/login/oauth2/oidc/callback?code=diego&state=" + url.QueryEscape(state))
	expectStatus(t, r, http.StatusSeeOther, "callback")
	if r.Header.Get("Location") != "/profile" || b.jar["ponte_session"] == nil {
		t.Fatalf("not signed in: %q", r.Header.Get("Location"))
	}
	if !idp.verifier {
		t.Error("PKCE verifier not sent to the token endpoint")
	}
	if _, err := app.FindFirstExternalAuthByExpr(dbx.HashExp{"provider": "oidc", "providerId": "idp-diego", "recordRef": testapp.AcmeUserID}); err != nil {
		t.Fatalf("provider account not linked: %v", err)
	}

	// A forged or replayed state is refused, and nobody is signed in.
	g := newBrowser(t, srv)
	g.lang = "en"
	start(g)
	r = g.get("/login/oauth2/oidc/callback?code=diego&state=forged")
	expectStatus(t, r, http.StatusBadRequest, "forged state")
	expectContains(t, r, "forged state", "Signing in with that account did not work.")
	if g.jar["ponte_session"] != nil {
		t.Fatal("signed in with a forged state")
	}
	// An account nobody registered, and an unverified e-mail, do not get in.
	for _, code := range []string{"stranger", "unverified"} {
		g := newBrowser(t, srv)
		g.lang = "en"
		st := start(g)
		r := g.get("/login/oauth2/oidc/callback?code=" + code + "&state=" + url.QueryEscape(st))
		expectStatus(t, r, http.StatusBadRequest, code)
		expectContains(t, r, code, "No portal account uses that sign-in.")
		if g.jar["ponte_session"] != nil {
			t.Fatalf("%s signed in", code)
		}
	}
	n, _ := app.CountRecords("users")
	if n != int64(len(testapp.FixtureUsers)) {
		t.Fatalf("users = %d: OAuth2 created an account", n)
	}
	// Cancelled at the provider; unknown provider.
	g = newBrowser(t, srv)
	g.lang = "en"
	st := start(g)
	expectContains(t, g.get("/login/oauth2/oidc/callback?error=access_denied&state="+url.QueryEscape(st)), "cancelled", "cancelled at the provider")
	expectStatus(t, g.get("/login/oauth2/github"), http.StatusNotFound, "provider not enabled")
}
