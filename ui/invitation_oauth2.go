package ui

import (
	"errors"
	"net/http"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/auth"

	"github.com/ponte-portal/ponte/internal/invite"
)

// invitationTrip carries an invitation accepted through an OAuth2 provider
// (with the invitation's token) across the trip to the provider: the
// sign-in's trip under /invitations, so the two flows never read each
// other's cookie.
var invitationTrip = oauth2Trip{cookie: "ponte_invite_oauth2", path: "/invitations"}

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
	return invitationTrip.begin(e, p, oauth2Pending{Provider: name, Token: token})
}

// invitationOAuth2Callback accepts the invitation with the provider's
// account when its verified e-mail is the invitation's, then signs in.
func (u *portal) invitationOAuth2Callback(e *core.RequestEvent) error {
	loc := u.locale(e)
	name := e.Request.PathValue("provider")
	clear := func() { invitationTrip.clear(e) }
	pending, err := invitationTrip.pending(e, name)
	if err != nil {
		clear()
		return e.BadRequestError("", err)
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
	p, err := inviteOAuth2Provider(e, name)
	if err != nil {
		return err
	}
	who, err := invitationTrip.exchange(e, p, pending)
	if errors.Is(err, errOAuth2Cancelled) {
		return refuse(http.StatusBadRequest, "login.oauth2_cancelled", err)
	} else if err != nil {
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
