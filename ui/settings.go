package ui

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/i18n"
)

var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// maxUploadMB is the largest per-file document limit an admin may set (the
// settings field allows the same).
const maxUploadMB = 4096

// settingsRecord loads the portal settings record once the settings Update
// rule lets the user change it.
func (u *portal) settingsRecord(e *core.RequestEvent) (*core.Record, error) {
	c := getCtx(e)
	recs, err := e.App.FindRecordsByFilter("settings", "", "", 1, 0)
	if err != nil || len(recs) == 0 {
		return nil, e.NotFoundError("", err)
	}
	ok, err := access.CanUpdate(e.App, access.Info(c.User, http.MethodPatch, nil), recs[0])
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, e.ForbiddenError("", errors.New("settings update refused"))
	}
	return recs[0], nil
}

func settingsPage(e *core.RequestEvent, u *portal, r *core.Record) *Page {
	return &Page{Title: u.t(e, "settings.title"), Errors: map[string]string{}, Values: map[string]string{
		"portal_name": r.GetString("portal_name"), "primary_colour": r.GetString("primary_colour"),
		"default_locale": r.GetString("default_locale"), "base_currency": r.GetString("base_currency"),
		"max_upload_mb": strconv.Itoa(max(r.GetInt("max_upload_mb"), 1)),
	}, Data: map[string]any{"HasLogo": r.GetString("logo") != "", "LogoURL": getCtx(e).Brand.LogoURL}}
}

func (u *portal) settingsShow(e *core.RequestEvent) error {
	r, err := u.settingsRecord(e)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "settings", settingsPage(e, u, r))
}

// settingsSubmit saves the portal's name, colour, default language, base
// currency and logo (raster images only, checked by the field) through the
// settings Update rule.
func (u *portal) settingsSubmit(e *core.RequestEvent) error {
	r, err := u.settingsRecord(e)
	if err != nil {
		return err
	}
	p := settingsPage(e, u, r)
	loc := u.locale(e)
	for _, f := range []string{"portal_name", "primary_colour", "default_locale", "base_currency", "max_upload_mb"} {
		if f == "max_upload_mb" && !e.Request.PostForm.Has(f) {
			continue // a form without the field keeps the current limit
		}
		p.Values[f] = formValue(e, f)
	}
	p.Values["base_currency"] = strings.ToUpper(p.Values["base_currency"])
	if p.Values["portal_name"] == "" {
		p.Errors["portal_name"] = tr(loc, "validation.required")
	}
	if !hexColour.MatchString(p.Values["primary_colour"]) {
		p.Errors["primary_colour"] = tr(loc, "validation.invalid_colour")
	}
	if i18n.Normalize(p.Values["default_locale"]) != p.Values["default_locale"] {
		p.Errors["default_locale"] = tr(loc, "validation.invalid_value")
	}
	if !currencyCode.MatchString(p.Values["base_currency"]) {
		p.Errors["base_currency"] = tr(loc, "validation.currency")
	}
	mb, err := strconv.Atoi(p.Values["max_upload_mb"])
	if err != nil || mb < 1 || mb > maxUploadMB {
		p.Errors["max_upload_mb"] = tr(loc, "validation.whole_number_range", 1, maxUploadMB)
	}
	body := map[string]any{}
	for k, v := range p.Values {
		body[k] = v
	}
	body["max_upload_mb"] = mb
	if f, err := uploadedFile(e, "logo"); err != nil {
		return e.BadRequestError("", err)
	} else if f != nil {
		body["logo"] = f
	}
	if _, ok := body["logo"]; !ok && formValue(e, "remove_logo") == "1" {
		body["logo"] = ""
	}
	if len(p.Errors) > 0 {
		return u.render(e, http.StatusBadRequest, "settings", p)
	}
	_, err = updateWithEvent(e, r, body, activity.KindSettingsUpdated)
	if err := u.saveError(e, p, err); err != nil {
		return err
	}
	if len(p.Errors) > 0 {
		if _, ok := p.Errors["logo"]; ok {
			p.Errors["logo"] = tr(loc, "validation.logo")
		}
		return u.render(e, http.StatusBadRequest, "settings", p)
	}
	u.setFlash(e, "flash.settings_saved")
	return e.Redirect(http.StatusSeeOther, "/settings")
}
