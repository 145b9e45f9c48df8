package ui

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/onboarding"
)

// onboardingStepEditData is the template editor's data: the kinds and the
// kind-specific choices (documents asking for acknowledgement, courses).
type onboardingStepEditData struct {
	New       bool
	ID        string
	Kinds     []string
	Documents []Option
	Courses   []Option
}

// onboardingTitleMax and onboardingDescMax are the schema's limits.
const (
	onboardingTitleMax = 200
	onboardingDescMax  = 1000
)

// onboardingStepPage builds the editor for rec (new or existing).
func (u *portal) onboardingStepPage(e *core.RequestEvent, rec *core.Record) (*Page, error) {
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	d := &onboardingStepEditData{New: rec.IsNew(), ID: rec.Id, Kinds: onboarding.Kinds}
	docs, err := access.ListVisible(e.App, info, "documents", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"documents.requires_acknowledgement": true, "documents.partner": ""}},
		Sort:  []string{"title"}, PerPage: 200})
	if err != nil {
		return nil, err
	}
	for _, r := range docs.Items {
		d.Documents = append(d.Documents, Option{Value: r.Id, Label: r.GetString("title")})
	}
	courses, err := access.ListVisible(e.App, info, "courses", access.ListOptions{Sort: []string{"title"}, PerPage: 200})
	if err != nil {
		return nil, err
	}
	for _, r := range courses.Items {
		d.Courses = append(d.Courses, Option{Value: r.Id, Label: r.GetString("title")})
	}
	flag := func(f string) string {
		if rec.GetBool(f) {
			return "1"
		}
		return ""
	}
	count := ""
	if n := rec.GetInt("count"); n > 0 {
		count = strconv.Itoa(n)
	}
	p := &Page{Data: d, Errors: map[string]string{}, Values: map[string]string{
		"kind": rec.GetString("kind"), "title_en": rec.GetString("title_en"), "title_pt": rec.GetString("title_pt"),
		"description_en": rec.GetString("description_en"), "description_pt": rec.GetString("description_pt"),
		"document": rec.GetString("document"), "course": rec.GetString("course"), "count": count,
		"required": flag("required"), "active": flag("active"),
	}}
	p.Title = u.t(e, "onboarding.step_edit")
	if d.New {
		p.Title = u.t(e, "onboarding.step_new")
	}
	return p, nil
}

// readOnboardingStepForm validates the editor's fields into p and returns
// the body for the rule and Save.
func (u *portal) readOnboardingStepForm(e *core.RequestEvent, p *Page, d *onboardingStepEditData) map[string]any {
	loc := u.locale(e)
	for _, f := range []string{"kind", "title_en", "title_pt", "description_en", "description_pt", "document", "course", "count", "required", "active"} {
		p.Values[f] = formValue(e, f)
	}
	v := p.Values
	body := map[string]any{"required": v["required"] == "1", "active": v["active"] == "1"}
	if !slices.Contains(onboarding.Kinds, v["kind"]) {
		p.Errors["kind"] = tr(loc, "validation.invalid_value")
	}
	body["kind"] = v["kind"]
	for _, f := range []string{"title_en", "title_pt"} {
		switch n := utf8.RuneCountInString(v[f]); {
		case n == 0:
			p.Errors[f] = tr(loc, "validation.required")
		case n > onboardingTitleMax:
			p.Errors[f] = tr(loc, "validation.max_text_constraint")
		}
		body[f] = v[f]
	}
	for _, f := range []string{"description_en", "description_pt"} {
		if utf8.RuneCountInString(v[f]) > onboardingDescMax {
			p.Errors[f] = tr(loc, "validation.max_text_constraint")
		}
		body[f] = v[f]
	}
	body["document"], body["course"], body["count"] = "", "", 0
	switch v["kind"] {
	case onboarding.KindAgreement:
		if !slices.ContainsFunc(d.Documents, func(o Option) bool { return o.Value == v["document"] }) {
			p.Errors["document"] = tr(loc, "validation.onboarding_document_required")
		}
		body["document"] = v["document"]
	case onboarding.KindCourse:
		if !slices.ContainsFunc(d.Courses, func(o Option) bool { return o.Value == v["course"] }) {
			p.Errors["course"] = tr(loc, "validation.onboarding_course_required")
		}
		body["course"] = v["course"]
	case onboarding.KindInvite:
		n, err := strconv.Atoi(v["count"])
		if err != nil || n < 1 || n > 100 {
			p.Errors["count"] = tr(loc, "validation.onboarding_count")
		}
		body["count"] = n
	}
	return body
}

// onboardingStepNewShow shows the empty editor.
func (u *portal) onboardingStepNewShow(e *core.RequestEvent) error {
	rec, err := newOnboardingStep(e)
	if err != nil {
		return err
	}
	p, err := u.onboardingStepPage(e, rec)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "onboarding_step_edit", p)
}

// newOnboardingStep is an unsaved template with the editor's defaults,
// placed after the last one.
func newOnboardingStep(e *core.RequestEvent) (*core.Record, error) {
	c, err := e.App.FindCachedCollectionByNameOrId(onboarding.Steps)
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(c)
	r.Set("kind", onboarding.KindManual)
	r.Set("required", true)
	r.Set("active", true)
	return r, nil
}

// onboardingStepNewSubmit creates a template through the Create rule; the
// hook puts it on the checklists of partners still onboarding.
func (u *portal) onboardingStepNewSubmit(e *core.RequestEvent) error {
	user := getCtx(e).User
	rec, err := newOnboardingStep(e)
	if err != nil {
		return err
	}
	p, err := u.onboardingStepPage(e, rec)
	if err != nil {
		return err
	}
	body := u.readOnboardingStepForm(e, p, p.Data.(*onboardingStepEditData))
	if len(p.Errors) == 0 {
		var last int
		_ = e.App.DB().Select("COALESCE(MAX(sort), 0)").From(onboarding.Steps).Row(&last)
		body["sort"] = last + 10
		activity.SetActor(rec, user.Id)
		err = e.App.RunInTransaction(func(tx core.App) error {
			return access.Create(tx, access.Info(user, http.MethodPost, body), rec)
		})
		if err := u.saveError(e, p, err); err != nil {
			return err
		}
	}
	if len(p.Errors) > 0 {
		rec.MarkAsNew()
		return u.render(e, http.StatusBadRequest, "onboarding_step_edit", p)
	}
	u.setFlash(e, "flash.onboarding_step_saved")
	return e.Redirect(http.StatusSeeOther, "/onboarding/steps")
}

// editableOnboardingStep loads the template in the path (404 when absent).
func editableOnboardingStep(e *core.RequestEvent) (*core.Record, error) {
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	rec, err := access.FindVisible(e.App, info, onboarding.Steps, e.Request.PathValue("id"))
	if errors.Is(err, access.ErrNotFound) {
		return nil, e.NotFoundError("", err)
	}
	return rec, err
}

// onboardingStepEditShow shows the editor for a template.
func (u *portal) onboardingStepEditShow(e *core.RequestEvent) error {
	rec, err := editableOnboardingStep(e)
	if err != nil {
		return err
	}
	p, err := u.onboardingStepPage(e, rec)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "onboarding_step_edit", p)
}

// onboardingStepEditSubmit saves a template through the Update rule;
// unticking "active" takes it off every checklist (ticks are kept).
func (u *portal) onboardingStepEditSubmit(e *core.RequestEvent) error {
	rec, err := editableOnboardingStep(e)
	if err != nil {
		return err
	}
	p, err := u.onboardingStepPage(e, rec)
	if err != nil {
		return err
	}
	body := u.readOnboardingStepForm(e, p, p.Data.(*onboardingStepEditData))
	if len(p.Errors) == 0 {
		_, err = updateWithEvent(e, rec, body, "")
		if err := u.saveError(e, p, err); err != nil {
			return err
		}
	}
	if len(p.Errors) > 0 {
		return u.render(e, http.StatusBadRequest, "onboarding_step_edit", p)
	}
	u.setFlash(e, "flash.onboarding_step_saved")
	return e.Redirect(http.StatusSeeOther, "/onboarding/steps")
}
