package ui

import (
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/branding"
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
	q := e.Request.URL.Query()
	p := &Page{Values: map[string]string{"next": safeNext(q.Get("next"))},
		Data: loginPageData(e.App, q.Get("method") == "code")}
	p.Title = u.t(e, "login.title")
	return u.render(e, http.StatusOK, "login", p)
}

func (u *portal) loginSubmit(e *core.RequestEvent) error {
	if err := parseForm(e); err != nil {
		return err
	}
	if formValue(e, "method") == "code" {
		return u.loginCodeRequest(e)
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
	if user == nil || !user.ValidatePassword(password) || session.Blocked(e.App, user) {
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
	if errors.Is(err, session.ErrBlocked) {
		// Paths that do not ask session.Blocked first (OAuth2) end here.
		return e.ForbiddenError(u.t(e, "login.blocked"), err)
	} else if err != nil {
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

// favicon serves the admins' favicon (settings), cached for a year when
// asked for with its current version (?v=, see branding.Load) and revalidated
// otherwise; without one it redirects to the built-in icon.
func (u *portal) favicon(e *core.RequestEvent) error {
	b := getCtx(e).Brand
	if b.Name == "" {
		b = branding.Load(e.App)
	}
	if b.FaviconPath == "" {
		return e.Redirect(http.StatusFound, u.assets.URL("icons/favicon.svg"))
	}
	fsys, err := e.App.NewFilesystem()
	if err != nil {
		return err
	}
	defer fsys.Close()
	rd, err := fsys.GetReader(b.FaviconPath)
	if err != nil {
		return e.NotFoundError("", err)
	}
	defer rd.Close()
	data, err := io.ReadAll(io.LimitReader(rd, 1<<20))
	if err != nil {
		return err
	}
	h := e.Response.Header()
	h.Set("Content-Type", "image/x-icon")
	if strings.HasSuffix(strings.ToLower(b.FaviconPath), ".png") {
		h.Set("Content-Type", "image/png")
	}
	h.Set("X-Content-Type-Options", "nosniff")
	if v := e.Request.URL.Query().Get("v"); v != "" && "/favicon.ico?v="+v == b.FaviconURL {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "public, no-cache")
	}
	return e.Blob(http.StatusOK, h.Get("Content-Type"), data)
}
