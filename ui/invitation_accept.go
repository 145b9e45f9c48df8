package ui

import (
	"errors"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/i18n"
	"github.com/ponte-portal/ponte/internal/invite"
	"github.com/ponte-portal/ponte/internal/session"
)

// invitationAcceptData is the acceptance page's data.
type invitationAcceptData struct {
	Email, Role, Partner, Inviter string
	Expires                       string // formatted in the page's locale
	Locales                       []LocaleOption
	Providers                     []ProviderLink
	Token                         string
	SignedInAs                    string // the other account the browser is signed in with
}

// acceptedInvitation looks the path's token up; a refusal renders the one
// "invitation not usable" page with its status (404 unknown or forged, 410
// expired, revoked or used) and returns a nil record.
func (u *portal) acceptedInvitation(e *core.RequestEvent) (*core.Record, error) {
	token := e.Request.PathValue("token")
	inv, err := invite.Lookup(e.App, token, now())
	if err == nil {
		return inv, nil
	}
	return nil, u.invitationGone(e, err)
}

// invitationGone renders the page that explains why a link does not work.
func (u *portal) invitationGone(e *core.RequestEvent, err error) error {
	loc := u.locale(e)
	status, _, msg, ok := inviteError(loc, err)
	if !ok {
		return err
	}
	p := &Page{Title: tr(loc, "invitations.gone.title"), Data: map[string]any{"Message": msg,
		"Registered": errors.Is(err, invite.ErrAlreadyRegistered) || errors.Is(err, invite.ErrUsed)}}
	if errors.Is(err, invite.ErrAlreadyRegistered) {
		status = http.StatusConflict
	}
	return u.render(e, status, "invitation_gone", p)
}

// invitationAcceptPage builds the form for a usable invitation. On a first
// visit (no language chosen yet) the page speaks the invitation's language.
func (u *portal) invitationAcceptPage(e *core.RequestEvent, inv *core.Record) *Page {
	c := getCtx(e)
	if _, err := e.Request.Cookie(localeCookie); err != nil && c.User == nil {
		if l := i18n.Normalize(inv.GetString("locale")); l != "" {
			c.Locale = l
		}
	}
	loc := u.locale(e)
	d := &invitationAcceptData{Email: inv.GetString("email"), Role: inv.GetString("role"),
		Expires: i18n.LongDate(loc, inv.GetDateTime("expires").Time()), Token: e.Request.PathValue("token"),
		Providers: oauth2Providers(e.App)}
	// The invitee cannot read the partner or the inviter through the rules
	// yet; the invitation names them, so the page may too.
	if p, err := e.App.FindRecordById("partners", inv.GetString("partner")); err == nil {
		d.Partner = p.GetString("name")
	}
	if by, err := e.App.FindRecordById("users", inv.GetString("invited_by")); err == nil {
		d.Inviter = by.GetString("name")
	}
	for _, l := range i18n.Locales {
		d.Locales = append(d.Locales, LocaleOption{Code: l, Label: i18n.T(l, "locale.name")})
	}
	if c.User != nil {
		d.SignedInAs = c.User.Email()
	}
	invLoc := i18n.Normalize(inv.GetString("locale"))
	if invLoc == "" {
		invLoc = loc
	}
	return &Page{Title: tr(loc, "invitations.accept.title"), Data: d, Errors: map[string]string{},
		Values: map[string]string{"name": inv.GetString("name"), "locale": invLoc}}
}

// invitationAcceptShow is the invitee's landing page: name, password and
// language, or "Continue with <provider>".
func (u *portal) invitationAcceptShow(e *core.RequestEvent) error {
	inv, err := u.acceptedInvitation(e)
	if inv == nil {
		return err
	}
	return u.render(e, http.StatusOK, "invitation_accept", u.invitationAcceptPage(e, inv))
}

// invitationAcceptSubmit creates the user and marks the invitation used in
// one transaction, then signs the new user in and lands on the home page.
func (u *portal) invitationAcceptSubmit(e *core.RequestEvent) error {
	inv, err := u.acceptedInvitation(e)
	if inv == nil {
		return err
	}
	p := u.invitationAcceptPage(e, inv)
	if getCtx(e).User != nil {
		// Signed in as someone else: the page offers to sign out first.
		return u.render(e, http.StatusConflict, "invitation_accept", p)
	}
	loc := u.locale(e)
	name, lang := formValue(e, "name"), formValue(e, "locale")
	p.Values["name"], p.Values["locale"] = name, lang
	switch {
	case name == "":
		p.Errors["name"] = tr(loc, "validation.required")
	case len([]rune(name)) > 120:
		p.Errors["name"] = tr(loc, "invitations.error.name")
	}
	if i18n.Normalize(lang) != lang || lang == "" {
		p.Errors["locale"] = tr(loc, "validation.invalid_value")
	}
	pw := e.Request.PostFormValue("password")
	checkNewPassword(loc, pw, e.Request.PostFormValue("password_confirm"), p.Errors)
	if len(p.Errors) > 0 {
		return u.render(e, http.StatusBadRequest, "invitation_accept", p)
	}
	var user *core.Record
	err = e.App.RunInTransaction(func(tx core.App) error {
		var err error
		user, err = invite.Accept(tx, e.Request.PathValue("token"), invite.Acceptance{Name: name, Password: pw, Locale: lang}, now())
		return err
	})
	if err != nil {
		if errs, ok := validationMessages(loc, err); ok {
			for f, m := range errs {
				if f != "name" && f != "password" {
					f = "password"
				}
				p.Errors[f] = m
			}
			return u.render(e, http.StatusBadRequest, "invitation_accept", p)
		}
		return u.invitationGone(e, err)
	}
	u.setFlash(e, "flash.invitations.welcome")
	return u.finishSignIn(e, user, "/")
}

// invitationAcceptSignOut ends the session of the other account the browser
// is signed in with and comes back to the invitation.
func (u *portal) invitationAcceptSignOut(e *core.RequestEvent) error {
	c := getCtx(e)
	if c.token != "" {
		if err := session.Delete(e.App, c.token); err != nil {
			return err
		}
		u.clearCookie(e, u.sessionCookieName(e))
	}
	token := e.Request.PathValue("token")
	if strings.ContainsAny(token, "/?#\\") || len(token) > 64 {
		return e.NotFoundError("", nil)
	}
	return e.Redirect(http.StatusSeeOther, invite.AcceptPath+token)
}
