package ui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/roles"
)

// Limits of the certification form (the schema's).
const (
	maxCertificationName        = 200
	maxCertificationDescription = 20000
	maxCertificationValidity    = 120
	maxCertificationCourses     = 50
)

// certificationEditData is the certification editor's data.
type certificationEditData struct {
	New     bool
	ID      string
	Courses []Option
	Checked map[string]bool
	// Holders counts the certificates already issued, which keep their
	// expiry whatever the validity becomes.
	Holders int
	MaxDesc int
}

// requireCertAdmin refuses the certification editor to anyone but admins (the
// collection's Create and Update rules admit admins only).
func requireCertAdmin(e *core.RequestEvent) error {
	if roles.Of(getCtx(e).User) != roles.Admin {
		return e.ForbiddenError("", errors.New("certifications are edited by admins"))
	}
	return nil
}

// certificationFormPage builds the editor for rec (new or existing).
func (u *portal) certificationFormPage(e *core.RequestEvent, rec *core.Record) (*Page, error) {
	user := getCtx(e).User
	info := access.Info(user, http.MethodGet, nil)
	d := &certificationEditData{New: rec.IsNew(), ID: rec.Id, Checked: map[string]bool{}, MaxDesc: maxCertificationDescription}
	var err error
	if d.Courses, err = certificationCourses(e.App, info); err != nil {
		return nil, err
	}
	for _, id := range rec.GetStringSlice("required_courses") {
		d.Checked[id] = true
	}
	if !d.New {
		// Issued certificates of any state, from the rollup's rows of this
		// certification (one per partner).
		where := dbx.HashExp{"certificate_counts.certification": rec.Id}
		sums, err := access.SumVisibleBy(e.App, info, "certificate_counts", "", "valid", "expired", 0, where)
		if err != nil {
			return nil, err
		}
		revoked, err := access.SumVisibleBy(e.App, info, "certificate_counts", "", "revoked", "revoked", 0, where)
		if err != nil {
			return nil, err
		}
		for _, g := range sums {
			d.Holders += g.SumA + g.SumB
		}
		for _, g := range revoked {
			d.Holders += g.SumA
		}
	}
	p := &Page{Data: d, Errors: map[string]string{}, Values: map[string]string{
		"name": rec.GetString("name"), "description": rec.GetString("description"),
		"validity_months": strconv.Itoa(rec.GetInt("validity_months")),
	}}
	p.Title = u.t(e, "certificates.certification.new")
	if !d.New {
		p.Title = u.t(e, "certificates.certification.edit_title", rec.GetString("name"))
	}
	return p, nil
}

// readCertificationForm validates the form into p and returns the body for
// the certifications rule and Save.
func (u *portal) readCertificationForm(e *core.RequestEvent, p *Page, d *certificationEditData) (map[string]any, error) {
	loc := u.locale(e)
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	v := p.Values
	v["name"] = formValue(e, "name")
	v["validity_months"] = formValue(e, "validity_months")
	// The description keeps its leading spaces (Markdown code blocks).
	v["description"] = strings.ToValidUTF8(strings.TrimRight(e.Request.PostFormValue("description"), " \t\r\n"), "")
	body := map[string]any{"name": v["name"], "description": v["description"]}
	switch n := utf8.RuneCountInString(v["name"]); {
	case n == 0:
		p.Errors["name"] = tr(loc, "validation.required")
	case n > maxCertificationName:
		p.Errors["name"] = tr(loc, "validation.max_text_constraint")
	}
	if utf8.RuneCountInString(v["description"]) > maxCertificationDescription {
		p.Errors["description"] = tr(loc, "validation.certification_description_too_long")
	}
	months, err := strconv.Atoi(v["validity_months"])
	if v["validity_months"] == "" {
		months, err = 0, nil
		v["validity_months"] = "0"
	}
	if err != nil || months < 0 || months > maxCertificationValidity {
		p.Errors["validity_months"] = tr(loc, "validation.certification_validity")
	}
	body["validity_months"] = months

	raw := e.Request.PostForm["required_courses"]
	d.Checked = map[string]bool{}
	for _, id := range raw {
		d.Checked[id] = true
	}
	ids, ok, err := validCertificationCourses(e.App, info, raw)
	if err != nil {
		return nil, err
	}
	switch {
	case !ok || len(validIDs(raw)) != len(raw):
		p.Errors["required_courses"] = tr(loc, "validation.invalid_value")
	case len(ids) > maxCertificationCourses:
		p.Errors["required_courses"] = tr(loc, "validation.certification_too_many_courses")
	}
	body["required_courses"] = ids
	return body, nil
}

// certificationNewShow shows the empty editor to admins.
func (u *portal) certificationNewShow(e *core.RequestEvent) error {
	if err := requireCertAdmin(e); err != nil {
		return err
	}
	rec, err := newCertification(e)
	if err != nil {
		return err
	}
	p, err := u.certificationFormPage(e, rec)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "certification_edit", p)
}

func newCertification(e *core.RequestEvent) (*core.Record, error) {
	c, err := e.App.FindCachedCollectionByNameOrId("certifications")
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(c)
	r.Set("validity_months", 12)
	return r, nil
}

// certificationNewSubmit creates a certification through the Create rule
// with a training.certification_changed event, in one transaction.
func (u *portal) certificationNewSubmit(e *core.RequestEvent) error {
	if err := requireCertAdmin(e); err != nil {
		return err
	}
	rec, err := newCertification(e)
	if err != nil {
		return err
	}
	p, err := u.certificationFormPage(e, rec)
	if err != nil {
		return err
	}
	body, err := u.readCertificationForm(e, p, p.Data.(*certificationEditData))
	if err != nil {
		return err
	}
	if len(p.Errors) == 0 {
		err = createWithEvent(e, rec, body, activity.KindCertificationChanged)
		if err := u.saveError(e, p, err); err != nil {
			return err
		}
	}
	if len(p.Errors) > 0 {
		rec.MarkAsNew()
		return u.render(e, http.StatusBadRequest, "certification_edit", p)
	}
	u.setFlash(e, "flash.certificates.certification_created")
	return e.Redirect(http.StatusSeeOther, "/certifications#cert-"+rec.Id)
}

// managedCertification loads the certification in the path for an admin.
func managedCertification(e *core.RequestEvent) (*core.Record, error) {
	if err := requireCertAdmin(e); err != nil {
		return nil, err
	}
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	rec, err := access.FindVisible(e.App, info, "certifications", e.Request.PathValue("id"))
	if errors.Is(err, access.ErrNotFound) {
		return nil, e.NotFoundError("", err)
	}
	return rec, err
}

// certificationEditShow shows the editor for an existing certification.
func (u *portal) certificationEditShow(e *core.RequestEvent) error {
	rec, err := managedCertification(e)
	if err != nil {
		return err
	}
	p, err := u.certificationFormPage(e, rec)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "certification_edit", p)
}

// certificationEditSubmit saves a certification through the Update rule
// with a training.certification_changed event. A new validity applies to
// certificates issued afterwards: issued ones keep their stored expiry.
func (u *portal) certificationEditSubmit(e *core.RequestEvent) error {
	rec, err := managedCertification(e)
	if err != nil {
		return err
	}
	p, err := u.certificationFormPage(e, rec)
	if err != nil {
		return err
	}
	body, err := u.readCertificationForm(e, p, p.Data.(*certificationEditData))
	if err != nil {
		return err
	}
	if len(p.Errors) == 0 {
		_, err = updateWithEvent(e, rec, body, activity.KindCertificationChanged)
		if err := u.saveError(e, p, err); err != nil {
			return err
		}
	}
	if len(p.Errors) > 0 {
		return u.render(e, http.StatusBadRequest, "certification_edit", p)
	}
	u.setFlash(e, "flash.certificates.certification_saved")
	return e.Redirect(http.StatusSeeOther, "/certifications#cert-"+rec.Id)
}
