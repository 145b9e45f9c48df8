package ui

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/auth"
	"github.com/pocketbase/pocketbase/tools/security"
	"golang.org/x/oauth2"

	"github.com/ponte-portal/ponte/internal/invite"
)

// inviteOAuth2Cookie carries an invitation accepted through an OAuth2
// provider (state, PKCE verifier, provider and the invitation's token)
// across the trip to the provider. It is the sign-in cookie's twin, kept
// under /invitations so the two flows never read each other's.
const inviteOAuth2Cookie = "ponte_invite_oauth2"

// inviteOAuth2Pending is the content of inviteOAuth2Cookie.
type inviteOAuth2Pending struct {
	State    string `json:"s"`
	Verifier string `json:"v"`
	Provider string `json:"p"`
	Token    string `json:"t"`
}

// inviteOAuth2Provider is the named provider with the invitation callback.
// The operator registers <portal>/invitations/oauth2/<provider>/callback at
// the provider besides the sign-in callback.
func inviteOAuth2Provider(e *core.RequestEvent, name string) (auth.Provider, error) {
	p, err := oauth2Provider(e, name)
	if err != nil {
		return nil, err
	}
	p.SetRedirectURL(portalBaseURL(e) + "/invitations/oauth2/" + name + "/callback")
	return p, nil
}

// invitationOAuth2Start sends the invitee to the provider.
func (u *portal) invitationOAuth2Start(e *core.RequestEvent) error {
	inv, err := u.acceptedInvitation(e)
	if inv == nil {
		return err
	}
	token := e.Request.PathValue("token")
	if getCtx(e).User != nil {
		return e.Redirect(http.StatusSeeOther, invite.AcceptPath+token)
	}
	name := e.Request.PathValue("provider")
	p, err := inviteOAuth2Provider(e, name)
	if err != nil {
		return err
	}
	pending := inviteOAuth2Pending{State: security.RandomString(32), Provider: name, Token: token}
	var opts []oauth2.AuthCodeOption
	if p.PKCE() {
		pending.Verifier = security.RandomString(64)
		sum := sha256.Sum256([]byte(pending.Verifier))
		opts = append(opts,
			oauth2.SetAuthURLParam("code_challenge", base64.RawURLEncoding.EncodeToString(sum[:])),
			oauth2.SetAuthURLParam("code_challenge_method", "S256"))
	}
	raw, _ := json.Marshal(pending)
	e.SetCookie(&http.Cookie{Name: inviteOAuth2Cookie, Value: base64.RawURLEncoding.EncodeToString(raw), Path: "/invitations",
		HttpOnly: true, Secure: isHTTPS(e), SameSite: http.SameSiteLaxMode, MaxAge: 600})
	return e.Redirect(http.StatusSeeOther, p.BuildAuthURL(pending.State, opts...))
}

// invitationOAuth2Callback accepts the invitation with the provider's
// account when its verified e-mail is the invitation's, then signs in.
func (u *portal) invitationOAuth2Callback(e *core.RequestEvent) error {
	loc := u.locale(e)
	name := e.Request.PathValue("provider")
	clear := func() {
		e.SetCookie(&http.Cookie{Name: inviteOAuth2Cookie, Value: "", Path: "/invitations", HttpOnly: true,
			Secure: isHTTPS(e), SameSite: http.SameSiteLaxMode, MaxAge: -1})
	}
	var pending inviteOAuth2Pending
	ck, err := e.Request.Cookie(inviteOAuth2Cookie)
	if err != nil {
		return e.BadRequestError("", err)
	}
	raw, err := base64.RawURLEncoding.DecodeString(ck.Value)
	if err != nil || json.Unmarshal(raw, &pending) != nil {
		clear()
		return e.BadRequestError("", errors.New("bad invitation oauth2 cookie"))
	}
	q := e.Request.URL.Query()
	if pending.Provider != name || pending.State == "" ||
		subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(pending.State)) != 1 {
		clear()
		return e.BadRequestError("", errors.New("state mismatch"))
	}
	inv, err := invite.Lookup(e.App, pending.Token, now())
	if err != nil {
		clear()
		return u.invitationGone(e, err)
	}
	e.Request.SetPathValue("token", pending.Token)
	refuse := func(status int, key string, cause error) error {
		e.App.Logger().Info("invitation oauth2 refused", "provider", name, "error", cause)
		clear()
		p := u.invitationAcceptPage(e, inv)
		p.FormErr = tr(loc, key)
		return u.render(e, status, "invitation_accept", p)
	}
	if q.Get("error") != "" || q.Get("code") == "" {
		return refuse(http.StatusBadRequest, "login.oauth2_cancelled", errors.New("provider error: "+q.Get("error")))
	}
	p, err := inviteOAuth2Provider(e, name)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(e.Request.Context(), 15*time.Second)
	defer cancel()
	p.SetContext(ctx)
	var opts []oauth2.AuthCodeOption
	if pending.Verifier != "" {
		opts = append(opts, oauth2.SetAuthURLParam("code_verifier", pending.Verifier))
	}
	tok, err := p.FetchToken(q.Get("code"), opts...)
	if err != nil {
		return refuse(http.StatusBadGateway, "login.oauth2_failed", err)
	}
	who, err := p.FetchAuthUser(tok)
	if err != nil || who.Id == "" {
		return refuse(http.StatusBadGateway, "login.oauth2_failed", err)
	}
	// Providers hand out only verified addresses; it must be the invited one.
	if who.Email == "" || !strings.EqualFold(who.Email, inv.GetString("email")) {
		return refuse(http.StatusForbidden, "invitations.oauth2.email_mismatch", errors.New("provider e-mail differs"))
	}
	users, err := e.App.FindCachedCollectionByNameOrId("users")
	if err != nil {
		return err
	}
	if _, err := e.App.FindFirstExternalAuthByExpr(dbx.HashExp{
		"collectionRef": users.Id, "provider": name, "providerId": who.Id}); err == nil {
		return refuse(http.StatusConflict, "invitations.oauth2.linked", errors.New("provider account already linked"))
	}
	fullName := []rune(strings.TrimSpace(who.Name))
	if len(fullName) > 120 { // the provider's name, cut to the portal's limit
		fullName = fullName[:120]
	}
	var user *core.Record
	err = e.App.RunInTransaction(func(tx core.App) error {
		var err error
		user, err = invite.Accept(tx, pending.Token, invite.Acceptance{Name: string(fullName), Provider: name, ProviderID: who.Id}, now())
		return err
	})
	clear()
	if err != nil {
		return u.invitationGone(e, err)
	}
	u.setFlash(e, "flash.invitations.welcome")
	return u.finishSignIn(e, user, "/")
}
