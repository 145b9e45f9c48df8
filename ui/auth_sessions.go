package ui

import (
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/i18n"
	"github.com/ponte-portal/ponte/internal/session"
)

// SessionView is one of the user's portal sessions on the profile page.
type SessionView struct {
	ID       string
	Device   string // "Chrome on Android", translated
	IP       string
	SignedIn time.Time
	LastSeen time.Time
	Current  bool // the session of this request
}

// sessionViews maps the user's sessions, the current one first.
func sessionViews(loc string, recs []*core.Record, current *session.Session) []SessionView {
	out := make([]SessionView, 0, len(recs))
	for _, r := range recs {
		v := SessionView{ID: r.Id, Device: deviceLabel(loc, r.GetString("user_agent")), IP: r.GetString("ip"),
			SignedIn: r.GetDateTime("created").Time(), LastSeen: r.GetDateTime("last_seen").Time(),
			Current: current != nil && current.Record.Id == r.Id}
		if v.Current {
			out = append([]SessionView{v}, out...)
		} else {
			out = append(out, v)
		}
	}
	return out
}

// deviceLabel says in words which browser on which system a session uses.
func deviceLabel(loc, ua string) string {
	browser, os := session.Device(ua)
	switch {
	case browser != "" && os != "":
		return i18n.T(loc, "brand.sessions.device", browser, os)
	case browser != "":
		return browser
	case os != "":
		return i18n.T(loc, "brand.sessions.browser_on", os)
	}
	return i18n.T(loc, "brand.sessions.unknown_device")
}

// signOutSession ends one of the signed-in user's sessions; the id of
// another user's session, or of none, is a 404.
func (u *portal) signOutSession(e *core.RequestEvent, id string) error {
	c := getCtx(e)
	if !recordID.MatchString(id) {
		return e.NotFoundError("", nil)
	}
	ok, err := session.DeleteOne(e.App, c.User.Id, id)
	if err != nil {
		return err
	}
	if !ok {
		return e.NotFoundError("", nil)
	}
	if id == c.Session.Record.Id {
		u.clearCookie(e, u.sessionCookieName(e))
		u.setFlash(e, "flash.signed_out")
		return e.Redirect(http.StatusSeeOther, "/login")
	}
	u.setFlash(e, "flash.brand_session_ended")
	return e.Redirect(http.StatusSeeOther, "/profile")
}

// signOutEverywhere ends every session of the user, this one included, and
// rotates the token key so the user's REST tokens stop working as well.
func (u *portal) signOutEverywhere(e *core.RequestEvent) error {
	c := getCtx(e)
	if err := session.EndEverywhere(e.App, c.User); err != nil {
		return err
	}
	if err := activity.Record(e.App, c.User, activity.KindSignedOutEverywhere, nil); err != nil {
		e.App.Logger().Warn("recording sign-out everywhere", "user", c.User.Id, "error", err)
	}
	u.clearCookie(e, u.sessionCookieName(e))
	u.setFlash(e, "flash.brand_signed_out_everywhere")
	return e.Redirect(http.StatusSeeOther, "/login")
}
