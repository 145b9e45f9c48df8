package ui

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/ponte-portal/ponte/internal/branding"
	"github.com/ponte-portal/ponte/internal/i18n"
	"github.com/ponte-portal/ponte/internal/roles"
	"github.com/ponte-portal/ponte/internal/session"
)

const (
	ctxKey           = "ponte.ctx"
	localeCookie     = "ponte_locale"
	guestCSRFCookie  = "ponte_csrf"
	flashCookie      = "ponte_flash"
	sessionCookie    = "ponte_session"
	sessionCookieTLS = "__Host-ponte_session"
	csrfField        = "_csrf"
	csrfHeader       = "X-CSRF-Token"
)

// reqCtx is what the portal middlewares learn about a request.
type reqCtx struct {
	Session *session.Session
	User    *core.Record // nil for a guest
	Locale  string
	CSRF    string
	Nonce   string
	Brand   branding.Branding
	token   string // the session cookie value, for sign-out
}

func getCtx(e *core.RequestEvent) *reqCtx {
	if c, ok := e.Get(ctxKey).(*reqCtx); ok {
		return c
	}
	c := &reqCtx{}
	e.Set(ctxKey, c)
	return c
}

// isHTTPS reports whether the browser reached the portal over HTTPS: directly,
// or through a reverse proxy the operator declared trusted (Settings →
// Trusted proxy headers in the dashboard) that says so in X-Forwarded-Proto.
func isHTTPS(e *core.RequestEvent) bool {
	if e.IsTLS() {
		return true
	}
	return len(e.App.Settings().TrustedProxy.Headers) > 0 &&
		strings.EqualFold(e.Request.Header.Get("X-Forwarded-Proto"), "https")
}

// isPortalPath reports whether a path belongs to the portal rather than to
// PocketBase's API or dashboard.
func isPortalPath(p string) bool {
	return !(p == "/api" || strings.HasPrefix(p, "/api/") || p == "/_" || strings.HasPrefix(p, "/_/"))
}

func randomNonce() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// guard wraps every portal request (router-level, before PocketBase's rate
// limiter so its 429 is rendered too): it sets the security headers, turns
// any error or panic into a styled, translated error page, and never lets
// an error's text or a stack trace reach the user.
func (u *portal) guard(e *core.RequestEvent) (err error) {
	if !isPortalPath(e.Request.URL.Path) {
		return e.Next()
	}
	c := getCtx(e)
	c.Nonce = randomNonce()
	h := e.Response.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'self' 'nonce-"+c.Nonce+"'; "+
		"style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; "+
		"object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
	h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if isHTTPS(e) {
		h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	}

	defer func() {
		if r := recover(); r != nil {
			if r == http.ErrAbortHandler {
				panic(r)
			}
			if !e.Written() {
				u.renderError(e, http.StatusInternalServerError, fmt.Errorf("panic: %v", r))
			}
			err = nil
		}
	}()

	if err := e.Next(); err != nil {
		if e.Written() {
			e.App.Logger().Error("portal error after response", "path", e.Request.URL.Path, "error", err)
			return nil
		}
		status := http.StatusInternalServerError
		var apiErr *router.ApiError
		if errors.As(err, &apiErr) {
			status = apiErr.Status
		}
		u.renderError(e, status, err)
	}
	return nil
}

// loadSession authenticates portal requests by the session cookie only. A
// bearer token sent to a portal route is ignored: the cookie never
// authenticates the API and the API token never authenticates the portal.
func (u *portal) loadSession(e *core.RequestEvent) error {
	e.Auth = nil
	c := getCtx(e)
	c.Brand = branding.Load(e.App)
	if ck, err := e.Request.Cookie(u.sessionCookieName(e)); err == nil && ck.Value != "" {
		if s, err := session.Load(e.App, ck.Value); err == nil {
			c.Session, c.User, c.CSRF, c.token = s, s.User, s.CSRF, ck.Value
			e.Auth = s.User
		} else {
			u.clearCookie(e, u.sessionCookieName(e))
		}
	}
	if c.User == nil {
		if ck, err := e.Request.Cookie(guestCSRFCookie); err == nil && len(ck.Value) >= 32 {
			c.CSRF = ck.Value
		} else {
			c.CSRF = session.RandomToken()
			e.SetCookie(&http.Cookie{Name: guestCSRFCookie, Value: c.CSRF, Path: "/", HttpOnly: true,
				Secure: isHTTPS(e), SameSite: http.SameSiteLaxMode})
		}
	}
	c.Locale = u.locale(e)
	return e.Next()
}

// locale picks the request's language: the user's setting, else the locale
// cookie, else Accept-Language, else the portal's default.
func (u *portal) locale(e *core.RequestEvent) string {
	c := getCtx(e)
	if c.Locale != "" {
		return c.Locale
	}
	if c.User != nil {
		if l := i18n.Normalize(c.User.GetString("locale")); l != "" {
			return l
		}
	}
	if ck, err := e.Request.Cookie(localeCookie); err == nil {
		if l := i18n.Normalize(ck.Value); l != "" {
			return l
		}
	}
	if l := i18n.FromAcceptLanguage(e.Request.Header.Get("Accept-Language")); l != "" {
		return l
	}
	if c.Brand.DefaultLocale == "" {
		c.Brand = branding.Load(e.App)
	}
	return c.Brand.DefaultLocale
}

// checkCSRF refuses a state-changing request whose token (form field or
// header) does not match the session's (or, for a guest, the CSRF cookie's).
func (u *portal) checkCSRF(e *core.RequestEvent) error {
	switch e.Request.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return e.Next()
	}
	// The form is read here, under the portal's size limit, before anything
	// else can read the body with a larger one.
	if err := parseForm(e); err != nil {
		return err
	}
	c := getCtx(e)
	got := e.Request.Header.Get(csrfHeader)
	if got == "" {
		got = e.Request.PostFormValue(csrfField)
	}
	if c.CSRF == "" || got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(c.CSRF)) != 1 {
		return e.ForbiddenError("", errors.New("csrf token missing or invalid"))
	}
	return e.Next()
}

// requireUser sends guests to the sign-in page, remembering where they went.
func (u *portal) requireUser(e *core.RequestEvent) error {
	if getCtx(e).User == nil {
		next := e.Request.URL.RequestURI()
		target := "/login"
		if next != "/" && safeNext(next) != "/" {
			target += "?next=" + urlQueryEscape(next)
		}
		return e.Redirect(http.StatusSeeOther, target)
	}
	return e.Next()
}

// requireRole allows only the listed roles (after requireUser).
func requireRole(allowed ...string) func(e *core.RequestEvent) error {
	return func(e *core.RequestEvent) error {
		role := roles.Of(getCtx(e).User)
		for _, a := range allowed {
			if role == a {
				return e.Next()
			}
		}
		return e.ForbiddenError("", fmt.Errorf("role %q may not use %s", role, e.Request.URL.Path))
	}
}

func (u *portal) sessionCookieName(e *core.RequestEvent) string {
	if isHTTPS(e) {
		return sessionCookieTLS
	}
	return sessionCookie
}

func (u *portal) setSessionCookie(e *core.RequestEvent, token string) {
	e.SetCookie(&http.Cookie{
		Name: u.sessionCookieName(e), Value: token, Path: "/", HttpOnly: true,
		Secure: isHTTPS(e), SameSite: http.SameSiteLaxMode, MaxAge: int(session.AbsoluteTimeout.Seconds()),
	})
}

func (u *portal) clearCookie(e *core.RequestEvent, name string) {
	e.SetCookie(&http.Cookie{Name: name, Value: "", Path: "/", HttpOnly: true, Secure: isHTTPS(e),
		SameSite: http.SameSiteLaxMode, MaxAge: -1})
}

// setFlash stores a catalogue key shown once on the next page.
func (u *portal) setFlash(e *core.RequestEvent, key string) {
	e.SetCookie(&http.Cookie{Name: flashCookie, Value: key, Path: "/", HttpOnly: true,
		Secure: isHTTPS(e), SameSite: http.SameSiteLaxMode, MaxAge: 60})
}

// takeFlash returns the pending flash key (only known keys) and clears it.
func (u *portal) takeFlash(e *core.RequestEvent) string {
	ck, err := e.Request.Cookie(flashCookie)
	if err != nil || ck.Value == "" {
		return ""
	}
	u.clearCookie(e, flashCookie)
	if strings.HasPrefix(ck.Value, "flash.") && i18n.Has(i18n.EN, ck.Value) {
		return ck.Value
	}
	return ""
}

// safeNext keeps a post-sign-in redirect on this site: a local absolute path,
// never "//host" or "/\host".
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") ||
		strings.HasPrefix(next, "/\\") || strings.ContainsAny(next, "\r\n") ||
		strings.HasPrefix(next, "/login") || strings.HasPrefix(next, "/logout") {
		return "/"
	}
	return next
}
