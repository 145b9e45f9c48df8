package ui

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/i18n"
	"github.com/ponte-portal/ponte/internal/notify"
	"github.com/ponte-portal/ponte/internal/roles"
	"github.com/ponte-portal/ponte/internal/session"
)

// profileData is the profile page's own data.
type profileData struct {
	Partner *PartnerView
	// OtherSessions counts the user's sessions on other devices.
	OtherSessions int
	// Sessions lists the user's live portal sessions, this one first.
	Sessions []SessionView
	// NotifyEmail is the user's e-mail preference, one of NotifyChoices.
	NotifyEmail   string
	NotifyChoices []string
}

func (u *portal) profilePage(e *core.RequestEvent) (*Page, error) {
	c := getCtx(e)
	p := &Page{Title: u.t(e, "profile.title"), Errors: map[string]string{}, Values: map[string]string{
		"name": c.User.GetString("name"), "job_title": c.User.GetString("job_title"),
		"locale": c.User.GetString("locale"), "email_visible": boolValue(c.User.EmailVisibility()),
	}}
	d := &profileData{NotifyEmail: notify.EmailPreference(c.User), NotifyChoices: notify.EmailPreferences}
	if pid := c.User.GetString("partner"); pid != "" {
		info := access.Info(c.User, http.MethodGet, nil)
		if rec, err := access.FindVisible(e.App, info, "partners", pid); err == nil {
			views, err := partnerViews(e.App, info, []*core.Record{rec})
			if err != nil {
				return nil, err
			}
			d.Partner = views[0]
		}
	}
	sessions, err := session.List(e.App, c.User.Id)
	if err != nil {
		return nil, err
	}
	d.Sessions = sessionViews(u.locale(e), sessions, c.Session)
	d.OtherSessions = max(len(d.Sessions)-1, 0)
	p.Data = d
	return p, nil
}

func (u *portal) profileShow(e *core.RequestEvent) error {
	p, err := u.profilePage(e)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "profile", p)
}

// updateSelf saves fields of the signed-in user's own record through the
// users Update rule, exactly as a PATCH to the REST API would be judged.
func (u *portal) updateSelf(e *core.RequestEvent, body map[string]any) error {
	c := getCtx(e)
	rec, err := e.App.FindRecordById("users", c.User.Id)
	if err != nil {
		return err
	}
	if err := access.Update(e.App, access.Info(c.User, http.MethodPatch, body), rec); err != nil {
		if errors.Is(err, access.ErrForbidden) {
			return e.ForbiddenError("", err)
		}
		return err
	}
	c.User = rec
	return nil
}

func (u *portal) profileUpdate(e *core.RequestEvent) error {
	if err := parseForm(e); err != nil {
		return err
	}
	loc := u.locale(e)
	name, job, locale := formValue(e, "name"), formValue(e, "job_title"), formValue(e, "locale")
	visible := formValue(e, "email_visible") == "1"
	p, err := u.profilePage(e)
	if err != nil {
		return err
	}
	p.Values = map[string]string{"name": name, "job_title": job, "locale": locale, "email_visible": boolValue(visible)}
	if name == "" {
		p.Errors["name"] = tr(loc, "validation.required")
	}
	if locale != "" && i18n.Normalize(locale) != locale {
		p.Errors["locale"] = tr(loc, "validation.invalid")
	}
	if len(p.Errors) > 0 {
		return u.render(e, http.StatusBadRequest, "profile", p)
	}
	body := map[string]any{"name": name, "job_title": job, "locale": locale}
	if !roles.IsStaff(roles.Of(getCtx(e).User)) { // staff addresses are always visible
		body["emailVisibility"] = visible
	}
	if err := u.updateSelf(e, body); err != nil {
		if errs, ok := validationMessages(loc, err); ok {
			p.Errors = errs
			return u.render(e, http.StatusBadRequest, "profile", p)
		}
		return err
	}
	if err := activity.Record(e.App, getCtx(e).User, activity.KindProfileUpdated, getCtx(e).User); err != nil {
		e.App.Logger().Warn("recording profile update", "error", err)
	}
	getCtx(e).Locale = "" // the user may have changed language
	u.setFlash(e, "flash.profile_saved")
	return e.Redirect(http.StatusSeeOther, "/profile")
}

// profilePassword changes the user's own password after checking the current
// one. Every other session and REST token of the user ends; this one goes on.
func (u *portal) profilePassword(e *core.RequestEvent) error {
	if err := parseForm(e); err != nil {
		return err
	}
	loc := u.locale(e)
	p, err := u.profilePage(e)
	if err != nil {
		return err
	}
	user, err := e.App.FindRecordById("users", getCtx(e).User.Id)
	if err != nil {
		return err
	}
	if !user.ValidatePassword(e.Request.PostFormValue("current_password")) {
		p.Errors["current_password"] = tr(loc, "validation.password_wrong")
		return u.render(e, http.StatusBadRequest, "profile", p)
	}
	if checkNewPassword(loc, e.Request.PostFormValue("password"), e.Request.PostFormValue("password_confirm"), p.Errors) {
		return u.render(e, http.StatusBadRequest, "profile", p)
	}
	if err := u.updateSelf(e, map[string]any{"password": e.Request.PostFormValue("password")}); err != nil {
		if errs, ok := validationMessages(loc, err); ok {
			p.Errors = errs
			return u.render(e, http.StatusBadRequest, "profile", p)
		}
		return err
	}
	if err := u.keepSession(e, getCtx(e).User); err != nil {
		return err
	}
	u.setFlash(e, "flash.password_changed")
	return e.Redirect(http.StatusSeeOther, "/profile")
}

// profileSignOutOthers is POST /profile/sessions: with session=<id> it ends
// that one session of the signed-in user (another user's id is a 404), with
// scope=all every session including this one and every REST token
// (auth_sessions.go), and with neither every other session (a phone left
// somewhere, a shared computer). Sessions are the portal's own server state,
// not records any API rule exposes: each query is scoped by the user's id.
func (u *portal) profileSignOutOthers(e *core.RequestEvent) error {
	c := getCtx(e)
	if id := formValue(e, "session"); id != "" {
		return u.signOutSession(e, id)
	}
	if formValue(e, "scope") == "all" {
		return u.signOutEverywhere(e)
	}
	if err := session.DeleteForUser(e.App, c.User.Id, c.Session.Record.Id); err != nil {
		return err
	}
	u.setFlash(e, "flash.signed_out_others")
	return e.Redirect(http.StatusSeeOther, "/profile")
}

// boolValue renders a checkbox state for Page.Values.
func boolValue(b bool) string {
	if b {
		return "1"
	}
	return ""
}

// profilePhoto saves or removes the user's own avatar (raster images only,
// checked by the users avatar field) through the users Update rule.
func (u *portal) profilePhoto(e *core.RequestEvent) error {
	loc := u.locale(e)
	p, err := u.profilePage(e)
	if err != nil {
		return err
	}
	body := map[string]any{}
	if f, err := uploadedFile(e, "avatar"); err != nil {
		return e.BadRequestError("", err)
	} else if f != nil {
		body["avatar"] = f
	} else if formValue(e, "remove_avatar") == "1" {
		body["avatar"] = ""
	} else {
		p.Errors["avatar"] = tr(loc, "validation.required")
		return u.render(e, http.StatusBadRequest, "profile", p)
	}
	if err := u.updateSelf(e, body); err != nil {
		if errs, ok := validationMessages(loc, err); ok {
			p.Errors = errs
			return u.render(e, http.StatusBadRequest, "profile", p)
		}
		return err
	}
	u.setFlash(e, "flash.photo_saved")
	return e.Redirect(http.StatusSeeOther, "/profile")
}
