package ui

import (
	"net/http"
	"sync"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/session"
)

// dummyHash is compared against when no user has the e-mail, so that a wrong
// e-mail and a wrong password take the same time. It is made on first use:
// hashing costs tens of milliseconds that start-up need not pay.
var dummyHash = sync.OnceValue(func() *core.Record {
	r := core.NewRecord(core.NewAuthCollection("dummy"))
	r.SetPassword("not-a-real-password-for-timing")
	return r
})

func (u *portal) loginShow(e *core.RequestEvent) error {
	if getCtx(e).User != nil {
		return e.Redirect(http.StatusSeeOther, "/")
	}
	p := &Page{Values: map[string]string{"next": safeNext(e.Request.URL.Query().Get("next"))}, Data: loginData(e.App)}
	p.Title = u.t(e, "login.title")
	return u.render(e, http.StatusOK, "login", p)
}

func (u *portal) loginSubmit(e *core.RequestEvent) error {
	if err := parseForm(e); err != nil {
		return err
	}
	email, password := formValue(e, "email"), e.Request.PostFormValue("password")
	next := safeNext(formValue(e, "next"))
	p := &Page{Values: map[string]string{"email": email, "next": next}, Errors: map[string]string{}, Data: loginData(e.App)}
	p.Title = u.t(e, "login.title")
	loc := u.locale(e)

	if email == "" {
		p.Errors["email"] = tr(loc, "validation.required")
	}
	if password == "" {
		p.Errors["password"] = tr(loc, "validation.required")
	}
	if len(p.Errors) > 0 {
		return u.render(e, http.StatusBadRequest, "login", p)
	}

	users, err := e.App.FindCachedCollectionByNameOrId("users")
	if err != nil {
		return err
	}
	if !users.PasswordAuth.Enabled {
		p.FormErr = tr(loc, "login.password_disabled")
		return u.render(e, http.StatusForbidden, "login", p)
	}
	user, err := e.App.FindAuthRecordByEmail("users", email)
	if err != nil {
		dummyHash().ValidatePassword(password)
		user = nil
	}
	if user == nil || !user.ValidatePassword(password) || user.GetBool("deactivated") {
		// One message for every failure: no hint whether the e-mail exists.
		p.FormErr = tr(loc, "login.failed")
		return u.render(e, http.StatusBadRequest, "login", p)
	}

	if needs, err := needsSecondFactor(e.App, user); err != nil {
		return err
	} else if needs {
		return u.startSecondFactor(e, user, next)
	}
	return u.finishSignIn(e, user, next)
}

// finishSignIn starts the portal session and records the sign-in.
func (u *portal) finishSignIn(e *core.RequestEvent, user *core.Record, next string) error {
	token, _, err := session.Create(e.App, user, e.Request.UserAgent(), e.RealIP())
	if err != nil {
		return err
	}
	u.clearCookie(e, guestCSRFCookie)
	u.setSessionCookie(e, token)
	if err := activity.Record(e.App, user, activity.KindLogin, nil); err != nil {
		e.App.Logger().Warn("recording login", "user", user.Id, "error", err)
	}
	return e.Redirect(http.StatusSeeOther, next)
}

func (u *portal) logout(e *core.RequestEvent) error {
	c := getCtx(e)
	if c.token != "" {
		if err := session.Delete(e.App, c.token); err != nil {
			return err
		}
	}
	u.clearCookie(e, u.sessionCookieName(e))
	u.setFlash(e, "flash.signed_out")
	return e.Redirect(http.StatusSeeOther, "/login")
}

func (u *portal) favicon(e *core.RequestEvent) error {
	return e.Redirect(http.StatusMovedPermanently, u.assets.URL("icons/favicon.svg"))
}
