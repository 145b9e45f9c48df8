package ui

import (
	"net/http"
	"net/mail"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/mails"

	"github.com/ponte-portal/ponte/internal/i18n"
	"github.com/ponte-portal/ponte/internal/session"
)

// minPasswordLength matches the users collection's password field.
const minPasswordLength = 8

func (u *portal) forgotShow(e *core.RequestEvent) error {
	p := &Page{Title: u.t(e, "forgot.title")}
	return u.render(e, http.StatusOK, "forgot", p)
}

// forgotSubmit sends PocketBase's reset e-mail (translated by a mail hook)
// and always answers the same way, whether or not the address exists.
func (u *portal) forgotSubmit(e *core.RequestEvent) error {
	if err := parseForm(e); err != nil {
		return err
	}
	loc := u.locale(e)
	email := formValue(e, "email")
	p := &Page{Title: tr(loc, "forgot.title"), Values: map[string]string{"email": email}, Errors: map[string]string{}}
	if _, err := mail.ParseAddress(email); err != nil || len(email) > 254 {
		p.Errors["email"] = tr(loc, "validation.is_email")
		return u.render(e, http.StatusBadRequest, "forgot", p)
	}
	if user, err := e.App.FindAuthRecordByEmail("users", email); err == nil && !user.GetBool("deactivated") {
		if err := mails.SendRecordPasswordReset(e.App, user); err != nil {
			e.App.Logger().Error("sending password reset", "user", user.Id, "error", err)
		}
	}
	p.Flash = "flash.reset_sent"
	p.Values = nil
	return u.render(e, http.StatusOK, "forgot", p)
}

// resetUser returns the user a reset token was issued for, or nil.
func resetUser(e *core.RequestEvent) *core.Record {
	token := e.Request.PathValue("token")
	if len(token) > 2048 {
		return nil
	}
	user, err := e.App.FindAuthRecordByToken(token, core.TokenTypePasswordReset)
	if err != nil || user.Collection().Name != "users" || user.GetBool("deactivated") {
		return nil
	}
	return user
}

func (u *portal) resetShow(e *core.RequestEvent) error {
	p := &Page{Title: u.t(e, "reset.title"), Data: map[string]any{"Valid": resetUser(e) != nil}}
	return u.render(e, http.StatusOK, "reset", p)
}

func (u *portal) resetSubmit(e *core.RequestEvent) error {
	if err := parseForm(e); err != nil {
		return err
	}
	loc := u.locale(e)
	user := resetUser(e)
	p := &Page{Title: tr(loc, "reset.title"), Data: map[string]any{"Valid": user != nil}, Errors: map[string]string{}}
	if user == nil {
		return u.render(e, http.StatusBadRequest, "reset", p)
	}
	pw, confirm := e.Request.PostFormValue("password"), e.Request.PostFormValue("password_confirm")
	if checkNewPassword(loc, pw, confirm, p.Errors) {
		return u.render(e, http.StatusBadRequest, "reset", p)
	}
	user.SetPassword(pw) // rotates the token key: old sessions and REST tokens end
	if err := e.App.Save(user); err != nil {
		if errs, ok := validationMessages(loc, err); ok {
			p.Errors = errs
			return u.render(e, http.StatusBadRequest, "reset", p)
		}
		return err
	}
	u.setFlash(e, "flash.password_reset")
	return e.Redirect(http.StatusSeeOther, "/login")
}

// checkNewPassword fills errs and reports true when the new password is unusable.
func checkNewPassword(loc, pw, confirm string, errs map[string]string) bool {
	switch {
	case len(pw) < minPasswordLength:
		errs["password"] = tr(loc, "validation.password_short", minPasswordLength)
	case len(pw) > 71:
		errs["password"] = tr(loc, "validation.password_long")
	case pw != confirm:
		errs["password_confirm"] = tr(loc, "validation.password_mismatch")
	}
	return len(errs) > 0
}

// localeSwitch changes the language: a cookie for everyone, and the user's
// own locale setting when signed in (through the users Update rule).
func (u *portal) localeSwitch(e *core.RequestEvent) error {
	if err := parseForm(e); err != nil {
		return err
	}
	loc := i18n.Normalize(formValue(e, "locale"))
	if loc == "" {
		return e.BadRequestError("", nil)
	}
	e.SetCookie(&http.Cookie{Name: localeCookie, Value: loc, Path: "/", HttpOnly: true, Secure: isHTTPS(e),
		SameSite: http.SameSiteLaxMode, MaxAge: 365 * 24 * 3600})
	c := getCtx(e)
	if c.User != nil && c.User.GetString("locale") != loc {
		if err := u.updateSelf(e, map[string]any{"locale": loc}); err != nil {
			return err
		}
	}
	return e.Redirect(http.StatusSeeOther, safeNext(formValue(e, "next")))
}

// keepSession starts a fresh session for the current user after their token
// key changed (own password change), so they stay signed in here while every
// other session ends.
func (u *portal) keepSession(e *core.RequestEvent, user *core.Record) error {
	c := getCtx(e)
	token, s, err := session.Create(e.App, user, e.Request.UserAgent(), e.RealIP())
	if err != nil {
		return err
	}
	if err := session.DeleteForUser(e.App, user.Id, s.Record.Id); err != nil {
		return err
	}
	c.Session, c.CSRF, c.token, c.User = s, s.CSRF, token, user
	u.setSessionCookie(e, token)
	return nil
}
