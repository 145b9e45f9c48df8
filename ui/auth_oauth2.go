package ui

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/auth"
	"github.com/pocketbase/pocketbase/tools/security"
	"golang.org/x/oauth2"

	"github.com/ponte-portal/ponte/internal/session"
)

// oauth2Pending is what a trip to an OAuth2 provider carries in its cookie:
// the state, the PKCE verifier, the provider, and where to go next (sign-in)
// or the invitation's token (accepting an invitation).
type oauth2Pending struct {
	State    string `json:"s"`
	Verifier string `json:"v"`
	Provider string `json:"p"`
	Next     string `json:"n,omitempty"`
	Token    string `json:"t,omitempty"`
}

// oauth2Trip is one OAuth2 flow's cookie: the sign-in's under /login, an
// invitation's under /invitations, so the two never read each other's.
type oauth2Trip struct{ cookie, path string }

// signInTrip is the sign-in's OAuth2 cookie.
var signInTrip = oauth2Trip{cookie: "ponte_oauth2", path: "/login"}

// errOAuth2Cancelled: the provider sent the user back without a code (they
// declined, or the provider failed).
var errOAuth2Cancelled = errors.New("oauth2: the provider returned no code")

// begin sends the browser to provider p with a fresh state and, when the
// provider supports it, a PKCE challenge, remembering pending in the trip's
// cookie for ten minutes.
func (t oauth2Trip) begin(e *core.RequestEvent, p auth.Provider, pending oauth2Pending) error {
	pending.State = security.RandomString(32)
	var opts []oauth2.AuthCodeOption
	if p.PKCE() {
		pending.Verifier = security.RandomString(64)
		sum := sha256.Sum256([]byte(pending.Verifier))
		opts = append(opts,
			oauth2.SetAuthURLParam("code_challenge", base64.RawURLEncoding.EncodeToString(sum[:])),
			oauth2.SetAuthURLParam("code_challenge_method", "S256"))
	}
	raw, _ := json.Marshal(pending)
	e.SetCookie(&http.Cookie{Name: t.cookie, Value: base64.RawURLEncoding.EncodeToString(raw), Path: t.path,
		HttpOnly: true, Secure: isHTTPS(e), SameSite: http.SameSiteLaxMode, MaxAge: 600})
	return e.Redirect(http.StatusSeeOther, p.BuildAuthURL(pending.State, opts...))
}

// clear forgets the trip's cookie.
func (t oauth2Trip) clear(e *core.RequestEvent) {
	e.SetCookie(&http.Cookie{Name: t.cookie, Value: "", Path: t.path, HttpOnly: true, Secure: isHTTPS(e),
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// pending reads the trip's cookie on the callback of provider name and
// checks the returned state against it (in constant time).
func (t oauth2Trip) pending(e *core.RequestEvent, name string) (oauth2Pending, error) {
	var pending oauth2Pending
	ck, err := e.Request.Cookie(t.cookie)
	if err != nil {
		return pending, err
	}
	raw, err := base64.RawURLEncoding.DecodeString(ck.Value)
	if err != nil || json.Unmarshal(raw, &pending) != nil {
		return pending, errors.New("oauth2: bad pending cookie")
	}
	if pending.Provider != name || pending.State == "" ||
		subtle.ConstantTimeCompare([]byte(e.Request.URL.Query().Get("state")), []byte(pending.State)) != 1 {
		return pending, errors.New("oauth2: state mismatch")
	}
	return pending, nil
}

// exchange trades the callback's code for the provider's account (within 15
// seconds, with the PKCE verifier when there is one). errOAuth2Cancelled
// when the provider sent no code.
func (t oauth2Trip) exchange(e *core.RequestEvent, p auth.Provider, pending oauth2Pending) (*auth.AuthUser, error) {
	q := e.Request.URL.Query()
	if q.Get("error") != "" || q.Get("code") == "" {
		return nil, fmt.Errorf("%w: %s", errOAuth2Cancelled, q.Get("error"))
	}
	ctx, cancel := context.WithTimeout(e.Request.Context(), 15*time.Second)
	defer cancel()
	p.SetContext(ctx)
	var opts []oauth2.AuthCodeOption
	if pending.Verifier != "" {
		opts = append(opts, oauth2.SetAuthURLParam("code_verifier", pending.Verifier))
	}
	token, err := p.FetchToken(q.Get("code"), opts...)
	if err != nil {
		return nil, err
	}
	who, err := p.FetchAuthUser(token)
	if err == nil && who.Id == "" {
		err = errors.New("oauth2: the provider named no account")
	}
	return who, err
}

// ProviderLink is one "Sign in with …" button on the sign-in page.
type ProviderLink struct {
	Name, DisplayName string
}

// oauth2Providers lists the OAuth2 providers enabled on the users collection
// (dashboard → Collections → users → Options → OAuth2).
func oauth2Providers(app core.App) []ProviderLink {
	users, err := app.FindCachedCollectionByNameOrId("users")
	if err != nil || !users.OAuth2.Enabled {
		return nil
	}
	var out []ProviderLink
	for _, cfg := range users.OAuth2.Providers {
		p, err := cfg.InitProvider()
		if err != nil {
			continue
		}
		out = append(out, ProviderLink{Name: cfg.Name, DisplayName: p.DisplayName()})
	}
	return out
}

// oauth2Provider initialises the named provider with the portal's callback.
func oauth2Provider(e *core.RequestEvent, name string) (auth.Provider, error) {
	users, err := e.App.FindCachedCollectionByNameOrId("users")
	if err != nil {
		return nil, err
	}
	cfg, ok := users.OAuth2.GetProviderConfig(name)
	if !users.OAuth2.Enabled || !ok {
		return nil, e.NotFoundError("", errors.New("oauth2 provider not enabled"))
	}
	p, err := cfg.InitProvider()
	if err != nil {
		return nil, err
	}
	p.SetRedirectURL(portalBaseURL(e) + "/login/oauth2/" + name + "/callback")
	return p, nil
}

// pocketBaseDefaultAppURL is PocketBase's own default Application URL: when
// the setting still holds it, the operator has not set the portal's address.
const pocketBaseDefaultAppURL = "http://localhost:8090"

// portalBaseURL is the address partners use: the Application URL from the
// settings once the operator has set it, else this request's scheme and host.
func portalBaseURL(e *core.RequestEvent) string {
	if u := strings.TrimRight(e.App.Settings().Meta.AppURL, "/"); u != "" && u != pocketBaseDefaultAppURL {
		return u
	}
	scheme := "http"
	if isHTTPS(e) {
		scheme = "https"
	}
	return scheme + "://" + e.Request.Host
}

// oauth2Start sends the browser to the provider with a fresh state and, when
// the provider supports it, a PKCE challenge.
func (u *portal) oauth2Start(e *core.RequestEvent) error {
	name := e.Request.PathValue("provider")
	p, err := oauth2Provider(e, name)
	if err != nil {
		return err
	}
	return signInTrip.begin(e, p, oauth2Pending{Provider: name, Next: safeNext(e.Request.URL.Query().Get("next"))})
}

// oauth2Callback finishes an OAuth2 sign-in for an existing portal user: the
// provider account already linked to the user, or a verified e-mail address
// that matches one (which links it). Nobody is created: self-registration
// stays off.
func (u *portal) oauth2Callback(e *core.RequestEvent) error {
	loc := u.locale(e)
	name := e.Request.PathValue("provider")
	fail := func(status int, key string, err error) error {
		if err != nil {
			e.App.Logger().Info("oauth2 sign-in refused", "provider", name, "error", err)
		}
		signInTrip.clear(e)
		p := &Page{Title: tr(loc, "login.title"), FormErr: tr(loc, key), Values: map[string]string{"next": "/"}}
		p.Data = loginData(e.App)
		return u.render(e, status, "login", p)
	}

	pending, err := signInTrip.pending(e, name)
	if err != nil {
		return fail(http.StatusBadRequest, "login.oauth2_failed", err)
	}
	p, err := oauth2Provider(e, name)
	if err != nil {
		return err
	}
	who, err := signInTrip.exchange(e, p, pending)
	if errors.Is(err, errOAuth2Cancelled) {
		return fail(http.StatusBadRequest, "login.oauth2_cancelled", err)
	} else if err != nil {
		return fail(http.StatusBadGateway, "login.oauth2_failed", err)
	}

	user, err := u.oauth2User(e, name, who)
	if err != nil {
		return fail(http.StatusBadRequest, "login.oauth2_no_account", err)
	}
	signInTrip.clear(e)
	if needs, err := needsSecondFactor(e.App, user); err != nil {
		return err
	} else if needs {
		return u.startSecondFactor(e, user, pending.Next)
	}
	return u.finishSignIn(e, user, pending.Next)
}

// oauth2User finds the portal user for a provider account, linking it by a
// verified e-mail address the first time.
func (u *portal) oauth2User(e *core.RequestEvent, provider string, who *auth.AuthUser) (*core.Record, error) {
	users, err := e.App.FindCachedCollectionByNameOrId("users")
	if err != nil {
		return nil, err
	}
	var user *core.Record
	link, err := e.App.FindFirstExternalAuthByExpr(dbx.HashExp{
		"collectionRef": users.Id, "provider": provider, "providerId": who.Id})
	if err == nil {
		user, err = e.App.FindRecordById(users, link.RecordRef())
		if err != nil {
			return nil, err
		}
	} else {
		if who.Email == "" { // providers give only verified addresses
			return nil, errors.New("no linked account and no verified e-mail")
		}
		user, err = e.App.FindAuthRecordByEmail(users, who.Email)
		if err != nil {
			return nil, errors.New("no portal user with that e-mail")
		}
		ea := core.NewExternalAuth(e.App)
		ea.SetCollectionRef(users.Id)
		ea.SetRecordRef(user.Id)
		ea.SetProvider(provider)
		ea.SetProviderId(who.Id)
		if err := e.App.Save(ea); err != nil {
			return nil, err
		}
	}
	if session.Blocked(e.App, user) {
		return nil, session.ErrInvalid
	}
	return user, nil
}

// loginData is the sign-in page's data with the password form showing.
func loginData(app core.App) map[string]any { return loginPageData(app, false) }

// loginPageData is the sign-in page's data: the OAuth2 buttons, whether
// codes by e-mail are on (the #use-code link), and whether the code request
// form shows instead of the password form (codeForm).
func loginPageData(app core.App, codeForm bool) map[string]any {
	otp := codeSignInEnabled(app)
	return map[string]any{"Providers": oauth2Providers(app), "OTP": otp, "CodeForm": codeForm && otp}
}
