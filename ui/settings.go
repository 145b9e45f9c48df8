package ui

import (
	"bytes"
	"encoding/binary"
	"errors"
	"image"
	_ "image/png" // favicon dimensions
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/branding"
	"github.com/ponte-portal/ponte/internal/i18n"
)

var currencyCode = regexp.MustCompile(`^[A-Z]{3}$`)

// maxUploadMB is the largest per-file document limit an admin may set (the
// settings field allows the same).
const maxUploadMB = 4096

// Favicon limits: the settings field's size, and how far from square an icon
// may be (browsers squash anything else into a square tab icon).
const (
	maxFaviconBytes = 256 << 10
	minFaviconPx    = 16
	maxFaviconRatio = 1.25
)

// maxSignInText bounds each language's sign-in text (the settings fields).
const maxSignInText = 600

// settingsTextFields are the plain fields the settings form edits.
var settingsTextFields = []string{"portal_name", "primary_colour", "default_locale", "base_currency",
	"max_upload_mb", "signin_text_en", "signin_text_pt", "mfa_staff", "mfa_partners"}

// settingsData is the settings page's own data.
type settingsData struct {
	HasLogo, HasFavicon bool
	LogoURL, FaviconURL string
	// Suggestion is a darker shade of a refused colour that is readable.
	Suggestion string
}

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
	b := getCtx(e).Brand
	return &Page{Title: u.t(e, "settings.title"), Errors: map[string]string{}, Values: map[string]string{
		"portal_name": r.GetString("portal_name"), "primary_colour": r.GetString("primary_colour"),
		"default_locale": r.GetString("default_locale"), "base_currency": r.GetString("base_currency"),
		"max_upload_mb":  strconv.Itoa(max(r.GetInt("max_upload_mb"), 1)),
		"signin_text_en": r.GetString("signin_text_en"), "signin_text_pt": r.GetString("signin_text_pt"),
		"mfa_staff": boolValue(r.GetBool("mfa_staff")), "mfa_partners": boolValue(r.GetBool("mfa_partners")),
	}, Data: &settingsData{HasLogo: r.GetString("logo") != "", LogoURL: b.LogoURL,
		HasFavicon: r.GetString("favicon") != "", FaviconURL: b.FaviconURL}}
}

func (u *portal) settingsShow(e *core.RequestEvent) error {
	r, err := u.settingsRecord(e)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "settings", settingsPage(e, u, r))
}

// settingsSubmit saves the portal's name, colour (readable with white text),
// default language, base currency, sign-in text, MFA requirement, logo and
// favicon (raster images only) through the settings Update rule. Saving the
// MFA boxes also sets the users collection's MFA (hooks/settings.go).
func (u *portal) settingsSubmit(e *core.RequestEvent) error {
	r, err := u.settingsRecord(e)
	if err != nil {
		return err
	}
	p := settingsPage(e, u, r)
	loc := u.locale(e)
	for _, f := range settingsTextFields {
		if f == "max_upload_mb" && !e.Request.PostForm.Has(f) {
			continue // a form without the field keeps the current limit
		}
		p.Values[f] = formValue(e, f)
	}
	for _, f := range []string{"signin_text_en", "signin_text_pt"} {
		p.Values[f] = strings.ReplaceAll(p.Values[f], "\r\n", "\n")
		if utf8.RuneCountInString(p.Values[f]) > maxSignInText {
			p.Errors[f] = tr(loc, "brand.settings.text_too_long", maxSignInText)
		}
	}
	p.Values["base_currency"] = strings.ToUpper(p.Values["base_currency"])
	p.Values["primary_colour"] = strings.ToLower(p.Values["primary_colour"])
	if p.Values["portal_name"] == "" {
		p.Errors["portal_name"] = tr(loc, "validation.required")
	}
	if colour := p.Values["primary_colour"]; !hexColour.MatchString(colour) {
		p.Errors["primary_colour"] = tr(loc, "validation.invalid_colour")
	} else if !branding.ReadableOnWhite(colour) {
		d := p.Data.(*settingsData)
		d.Suggestion = branding.Darken(colour)
		p.Errors["primary_colour"] = tr(loc, "brand.settings.contrast",
			i18n.Number(loc, branding.FloorRatio(branding.ContrastWithWhite(colour)), 2),
			i18n.Number(loc, branding.MinContrast, 1), d.Suggestion)
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
	body["mfa_staff"] = p.Values["mfa_staff"] == "1"
	body["mfa_partners"] = p.Values["mfa_partners"] == "1"
	if f, err := uploadedFile(e, "logo"); err != nil {
		return e.BadRequestError("", err)
	} else if f != nil {
		body["logo"] = f
	}
	if _, ok := body["logo"]; !ok && formValue(e, "remove_logo") == "1" {
		body["logo"] = ""
	}
	checkedUpload(e, loc, p, body, "favicon", maxFaviconBytes, []string{"image/png", "image/x-icon"},
		"brand.settings.favicon_invalid", squareIcon)
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
		if _, ok := p.Errors["favicon"]; ok {
			p.Errors["favicon"] = tr(loc, "brand.settings.favicon_invalid")
		}
		return u.render(e, http.StatusBadRequest, "settings", p)
	}
	u.setFlash(e, "flash.settings_saved")
	return e.Redirect(http.StatusSeeOther, "/settings")
}

// squareIcon accepts a PNG or ICO whose first image is at least 16 px and
// roughly square.
func squareIcon(fh *multipart.FileHeader) bool {
	f, err := fh.Open()
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 64)
	n, _ := io.ReadFull(f, head)
	head = head[:n]
	w, h, ok := iconSize(head)
	if !ok {
		return false
	}
	if w < minFaviconPx || h < minFaviconPx {
		return false
	}
	ratio := float64(w) / float64(h)
	return ratio <= maxFaviconRatio && ratio >= 1/maxFaviconRatio
}

// iconSize reads the width and height of a PNG (from its header) or of the
// first image of an ICO directory (0 there means 256).
func iconSize(head []byte) (w, h int, ok bool) {
	if len(head) >= 22 && bytes.Equal(head[:4], []byte{0, 0, 1, 0}) {
		if binary.LittleEndian.Uint16(head[4:6]) == 0 {
			return 0, 0, false
		}
		w, h = int(head[6]), int(head[7])
		if w == 0 {
			w = 256
		}
		if h == 0 {
			h = 256
		}
		return w, h, true
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(head))
	if err != nil || format != "png" {
		return 0, 0, false
	}
	return cfg.Width, cfg.Height, true
}
