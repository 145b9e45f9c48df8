package ui

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
)

// themeCSS writes the portal's colours as CSS: the brand colour for everyone,
// and each tier's colour for signed-in users (tiers are visible to them
// only). It is served as a stylesheet rather than an inline <style>: htmx
// parses whole pages it fetches, and an inline style carrying another
// response's nonce is a CSP violation in the current page.
func (u *portal) themeCSS(e *core.RequestEvent) string {
	c := getCtx(e)
	var b strings.Builder
	b.WriteString(":root{--brand:" + safeColour(c.Brand.Colour) + "}\n")
	if c.User != nil {
		tiers, err := access.ListVisible(e.App, access.Info(c.User, http.MethodGet, nil), "tiers",
			access.ListOptions{Sort: []string{"rank"}, PerPage: 100})
		if err == nil {
			for _, t := range tiers.Items {
				b.WriteString(".tier-" + t.Id + "{--tier:" + safeColour(t.GetString("colour")) + "}\n")
			}
		}
	}
	return b.String()
}

// themeURL returns the theme stylesheet's URL, versioned by its content so
// the browser may cache it until a colour changes.
func themeURL(css string) string {
	h := sha256.Sum256([]byte(css))
	return "/theme.css?v=" + hex.EncodeToString(h[:6])
}

// safeColour lets only a #rrggbb colour into CSS.
func safeColour(c string) string {
	if hexColour.MatchString(c) {
		return c
	}
	return "#0f6e6e"
}

// themeServe answers /theme.css for the requesting user.
func (u *portal) themeServe(e *core.RequestEvent) error {
	css := u.themeCSS(e)
	h := e.Response.Header()
	h.Set("Content-Type", "text/css; charset=utf-8")
	h.Set("X-Content-Type-Options", "nosniff")
	if e.Request.URL.Query().Get("v") == themeURL(css)[len("/theme.css?v="):] {
		h.Set("Cache-Control", "private, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "private, no-cache")
	}
	return e.String(http.StatusOK, css)
}
