package ui

import (
	"errors"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/roles"
)

// editableFields lists the partner fields each role's form offers. The
// partners Update rule is still the judge: it refuses a body that names a
// field the role may not change.
var editableFields = map[string][]string{
	roles.Admin:        {"name", "status", "tier", "country", "region", "website", "manager", "joined"},
	roles.Manager:      {"name", "status", "country", "region", "website", "joined"},
	roles.PartnerAdmin: {"name", "country", "website"},
}

// formCountries are offered in the country select (the catalogue names them).
var formCountries = []string{"BR", "PT", "US", "MX", "AR", "CL", "CO", "ES", "CA", "AO"}

// partnerEditData is the edit form's data.
type partnerEditData struct {
	Partner   *PartnerView
	Fields    map[string]bool
	Statuses  []string
	Regions   []string
	Countries []string
	Tiers     []Option
	Managers  []Option
	Cancel    string
	New       bool
}

// editablePartner loads the partner by slug and checks the Update rule for
// an empty change, i.e. whether the user may edit it at all.
func (u *portal) editablePartner(e *core.RequestEvent) (*core.Record, error) {
	c := getCtx(e)
	info := access.Info(c.User, http.MethodGet, nil)
	rec, err := access.FindVisibleBy(e.App, info, "partners", "slug", e.Request.PathValue("slug"))
	if errors.Is(err, access.ErrNotFound) {
		return nil, e.NotFoundError("", err)
	} else if err != nil {
		return nil, err
	}
	ok, err := access.CanUpdate(e.App, access.Info(c.User, http.MethodPatch, nil), rec)
	if err != nil {
		return nil, err
	}
	if !ok || len(editableFields[roles.Of(c.User)]) == 0 {
		return nil, e.ForbiddenError("", errors.New("partner not editable by this user"))
	}
	return rec, nil
}

func (u *portal) partnerEditPage(e *core.RequestEvent, rec *core.Record) (*Page, error) {
	c := getCtx(e)
	info := access.Info(c.User, http.MethodGet, nil)
	views, err := partnerViews(e.App, info, []*core.Record{rec})
	if err != nil {
		return nil, err
	}
	d := &partnerEditData{Partner: views[0], Fields: map[string]bool{}, Statuses: roles.PartnerStatuses,
		Regions: roles.Regions, Countries: formCountries, Cancel: "/partners/" + rec.GetString("slug"), New: rec.IsNew()}
	if rec.Id == c.User.GetString("partner") {
		d.Cancel = "/organisation"
	}
	if d.New {
		d.Cancel = "/partners"
		d.Fields["slug"] = true
	}
	if !slices.Contains(d.Countries, rec.GetString("country")) {
		d.Countries = append([]string{rec.GetString("country")}, d.Countries...)
	}
	for _, f := range editableFields[roles.Of(c.User)] {
		d.Fields[f] = true
	}
	if d.Fields["tier"] {
		tiers, err := access.ListVisible(e.App, info, "tiers", access.ListOptions{Sort: []string{"-rank", "name"}, PerPage: 100})
		if err != nil {
			return nil, err
		}
		for _, t := range tiers.Items {
			d.Tiers = append(d.Tiers, Option{Value: t.Id, Label: t.GetString("name")})
		}
	}
	if d.Fields["manager"] {
		staff, err := access.ListVisible(e.App, info, "users", access.ListOptions{
			Where: []dbx.Expression{dbx.HashExp{"users.role": roles.Manager}}, Sort: []string{"name"}, PerPage: 200})
		if err != nil {
			return nil, err
		}
		for _, m := range staff.Items {
			d.Managers = append(d.Managers, Option{Value: m.Id, Label: m.GetString("name")})
		}
	}
	joined := ""
	if t := rec.GetDateTime("joined").Time(); !t.IsZero() {
		joined = t.Format(time.DateOnly)
	}
	title := u.t(e, "partner.edit_title", rec.GetString("name"))
	if d.New {
		title = u.t(e, "partner.new")
	}
	p := &Page{Title: title, Data: d, Errors: map[string]string{},
		Values: map[string]string{
			"slug": rec.GetString("slug"), "name": rec.GetString("name"), "status": rec.GetString("status"), "tier": rec.GetString("tier"),
			"country": rec.GetString("country"), "region": rec.GetString("region"), "website": rec.GetString("website"),
			"manager": rec.GetString("manager"), "joined": joined,
		}}
	return p, nil
}

func (u *portal) partnerEditShow(e *core.RequestEvent) error {
	rec, err := u.editablePartner(e)
	if err != nil {
		return err
	}
	p, err := u.partnerEditPage(e, rec)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "partner_edit", p)
}

// readPartnerForm copies the form's fields into p.Values and validates them in
// the user's language; it returns the body for the rule check and Save.
func (u *portal) readPartnerForm(e *core.RequestEvent, p *Page, d *partnerEditData) map[string]any {
	loc := u.locale(e)
	body := map[string]any{}
	for f := range d.Fields {
		v := formValue(e, f)
		p.Values[f] = v
		body[f] = v
	}
	if v := p.Values["name"]; v == "" {
		p.Errors["name"] = tr(loc, "validation.required")
	}
	if d.Fields["slug"] {
		if p.Values["slug"] == "" {
			p.Values["slug"] = slugify(p.Values["name"])
			body["slug"] = p.Values["slug"]
		}
		if !slugPattern.MatchString(p.Values["slug"]) || len(p.Values["slug"]) > 80 || reservedSlugs[p.Values["slug"]] {
			p.Errors["slug"] = tr(loc, "validation.invalid_slug")
		}
	}
	if d.Fields["status"] && !slices.Contains(roles.PartnerStatuses, p.Values["status"]) {
		p.Errors["status"] = tr(loc, "validation.invalid_value")
	}
	if d.Fields["region"] && p.Values["region"] != "" && !slices.Contains(roles.Regions, p.Values["region"]) {
		p.Errors["region"] = tr(loc, "validation.invalid_value")
	}
	if d.Fields["tier"] && p.Values["tier"] != "" && !slices.ContainsFunc(d.Tiers, func(o Option) bool { return o.Value == p.Values["tier"] }) {
		p.Errors["tier"] = tr(loc, "validation.invalid_value")
	}
	if d.Fields["manager"] && p.Values["manager"] != "" && !recordID.MatchString(p.Values["manager"]) {
		p.Errors["manager"] = tr(loc, "validation.invalid_value")
	}
	if v := p.Values["country"]; !countryCode.MatchString(v) {
		p.Errors["country"] = tr(loc, "validation.invalid_value")
	}
	if v := p.Values["website"]; v != "" {
		if w, err := url.Parse(v); err != nil || (w.Scheme != "https" && w.Scheme != "http") || w.Host == "" {
			p.Errors["website"] = tr(loc, "validation.invalid_url")
		}
	}
	if f, err := uploadedFile(e, "logo"); err != nil {
		p.Errors["logo"] = tr(loc, "validation.invalid_file")
	} else if f != nil {
		body["logo"] = f
	} else if formValue(e, "remove_logo") == "1" {
		body["logo"] = ""
	}
	if d.Fields["joined"] {
		if v := p.Values["joined"]; v != "" {
			t, err := time.Parse(time.DateOnly, v)
			if err != nil {
				p.Errors["joined"] = tr(loc, "validation.invalid_date")
			} else {
				body["joined"] = t.UTC()
			}
		}
	}
	return body
}

func (u *portal) partnerEditSubmit(e *core.RequestEvent) error {
	rec, err := u.editablePartner(e)
	if err != nil {
		return err
	}
	return u.submitPartnerForm(e, rec, "flash.partner_saved", func(body map[string]any) (*core.Record, error) {
		return updateWithEvent(e, rec, body, activity.KindPartnerUpdated)
	})
}

// submitPartnerForm validates the partner form, saves it with save and sends
// the browser to the partner's page (or "my organisation" for its own admin).
// Bad input and refused saves re-show the form with the user's values.
func (u *portal) submitPartnerForm(e *core.RequestEvent, rec *core.Record, flash string,
	save func(body map[string]any) (*core.Record, error)) error {
	p, err := u.partnerEditPage(e, rec)
	if err != nil {
		return err
	}
	body := u.readPartnerForm(e, p, p.Data.(*partnerEditData))
	if len(p.Errors) == 0 {
		saved, err := save(body)
		if err := u.saveError(e, p, err); err != nil {
			return err
		}
		if saved != nil {
			rec = saved
		}
	}
	if len(p.Errors) > 0 {
		return u.render(e, http.StatusBadRequest, "partner_edit", p)
	}
	u.setFlash(e, flash)
	if rec.Id == getCtx(e).User.GetString("partner") {
		return e.Redirect(http.StatusSeeOther, "/organisation")
	}
	return e.Redirect(http.StatusSeeOther, "/partners/"+rec.GetString("slug"))
}

// saveError turns a failed save into a 403 (rule refused) or field errors on p
// (validation); other errors are returned as they are, nil stays nil.
func (u *portal) saveError(e *core.RequestEvent, p *Page, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, access.ErrForbidden) {
		return e.ForbiddenError("", err)
	}
	if errs, ok := validationMessages(u.locale(e), err); ok {
		p.Errors = errs
		return nil
	}
	return err
}

// newPartner returns an unsaved partner with the form's defaults.
func newPartner(e *core.RequestEvent) (*core.Record, error) {
	c, err := e.App.FindCachedCollectionByNameOrId("partners")
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(c)
	r.Set("status", "onboarding")
	r.Set("country", "BR")
	r.Set("joined", time.Now().UTC())
	return r, nil
}

// partnerNewShow shows the empty partner form to those the Create rule allows.
func (u *portal) partnerNewShow(e *core.RequestEvent) error {
	rec, err := newPartner(e)
	if err != nil {
		return err
	}
	p, err := u.partnerEditPage(e, rec)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "partner_edit", p)
}

// partnerNewSubmit creates a partner after the partners Create rule has
// judged the new record, and records the event in the same transaction.
func (u *portal) partnerNewSubmit(e *core.RequestEvent) error {
	rec, err := newPartner(e)
	if err != nil {
		return err
	}
	return u.submitPartnerForm(e, rec, "flash.partner_created", func(body map[string]any) (*core.Record, error) {
		return rec, createWithEvent(e, rec, body, activity.KindPartnerCreated)
	})
}

var (
	slugPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)
	// reservedSlugs would collide with portal routes under /partners/.
	reservedSlugs = map[string]bool{"new": true, "edit": true}
	nonSlug       = regexp.MustCompile(`[^a-z0-9]+`)
)

// slugify makes a URL slug from a company name: "Açaí Sistemas S.A." →
// "acai-sistemas-s-a".
func slugify(name string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(name)) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	s := strings.Trim(nonSlug.ReplaceAllString(b.String(), "-"), "-")
	if len(s) > 60 {
		s = strings.TrimRight(s[:60], "-")
	}
	return s
}
