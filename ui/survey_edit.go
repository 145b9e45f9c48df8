package ui

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/documents"
	"github.com/ponte-portal/ponte/internal/roles"
	"github.com/ponte-portal/ponte/internal/surveys"
)

// surveyEditStatuses are the editor's status choices.
var surveyEditStatuses = []string{"draft", "open", "closed"}

// maxSurveyIntro is the longest intro (the schema's limit).
const maxSurveyIntro = 5000

// surveyEditData is the editor's data.
type surveyEditData struct {
	Survey    *SurveyView
	New       bool
	Locked    bool // answers exist: the questions are frozen
	Regions   []string
	Audiences []string
	Statuses  []string
	Kinds     []string
	Slots     []QuestionSlot
	audienceForm
	Cancel string
}

// QuestionSlot is one of the editor's MaxQuestions question rows.
type QuestionSlot struct {
	N                              int
	Label, Kind, Options, Required string
}

// newSurvey returns an unsaved draft for all partners.
func newSurvey(e *core.RequestEvent) (*core.Record, error) {
	c, err := e.App.FindCachedCollectionByNameOrId("surveys")
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(c)
	r.Set("status", "draft")
	r.Set("audience", "all")
	r.Set("series", "nps")
	return r, nil
}

// adminSurvey refuses non-admins (managers read surveys, admins write
// them) and loads the survey in the path for editing.
func adminSurvey(e *core.RequestEvent) (*core.Record, error) {
	user := getCtx(e).User
	if !isAdminUser(user) {
		return nil, e.ForbiddenError("", errors.New("only admins write surveys"))
	}
	if e.Request.PathValue("id") == "" {
		return newSurvey(e)
	}
	rec, err := visibleSurvey(e)
	if err != nil {
		return nil, err
	}
	ok, err := access.CanUpdate(e.App, access.Info(user, http.MethodPatch, nil), rec)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, e.ForbiddenError("", errors.New("survey not editable"))
	}
	return rec, nil
}

// surveyFormPage builds the editor for rec (new or existing).
func (u *portal) surveyFormPage(e *core.RequestEvent, rec *core.Record) (*Page, error) {
	d := &surveyEditData{Survey: surveyView(rec), New: rec.IsNew(), Regions: roles.Regions, Audiences: documents.Audiences,
		Statuses: surveyEditStatuses, Kinds: surveys.Kinds, audienceForm: audienceForm{}, Cancel: "/surveys"}
	if !d.New {
		d.Cancel = "/surveys/" + rec.Id + "/results"
		locked, err := hooks.SurveyHasAnswers(e.App, rec.Id)
		if err != nil {
			return nil, err
		}
		d.Locked = locked
	}
	if err := audienceChoices(e, rec, &d.audienceForm); err != nil {
		return nil, err
	}
	local := func(f string) string {
		if t := rec.GetDateTime(f); !t.IsZero() {
			return t.Time().UTC().Format(datetimeLocal)
		}
		return ""
	}
	p := &Page{Data: d, Errors: map[string]string{}, Values: map[string]string{
		"title": rec.GetString("title"), "intro": rec.GetString("intro"), "status": rec.GetString("status"),
		"audience": rec.GetString("audience"), "series": rec.GetString("series"), "round": rec.GetString("round"),
		"opens": local("opens"), "closes": local("closes"),
	}}
	qs := d.Survey.Questions
	for i := range surveys.MaxQuestions {
		s := QuestionSlot{N: i + 1, Kind: surveys.KindText}
		if i < len(qs) {
			s.Label, s.Kind, s.Options = qs[i].Label, qs[i].Kind, strings.Join(qs[i].Options, "\n")
			if qs[i].Required {
				s.Required = "1"
			}
		}
		d.Slots = append(d.Slots, s)
	}
	p.Title = u.t(e, "surveys.new")
	if !d.New {
		p.Title = u.t(e, "surveys.edit_title", rec.GetString("title"))
	}
	return p, nil
}

// readSurveyForm validates the editor's form into p and returns the body
// for the surveys rule and Save.
func (u *portal) readSurveyForm(e *core.RequestEvent, p *Page, d *surveyEditData) map[string]any {
	loc := pageLocale(e, p)
	body := map[string]any{}
	for _, f := range []string{"title", "status", "series", "round", "opens", "closes"} {
		p.Values[f] = formValue(e, f)
	}
	p.Values["intro"] = strings.ToValidUTF8(strings.TrimRight(e.Request.PostFormValue("intro"), " \t\r\n"), "")
	v := p.Values
	switch n := utf8.RuneCountInString(v["title"]); {
	case n == 0:
		p.Errors["title"] = tr(loc, "validation.required")
	case n > maxTitle:
		p.Errors["title"] = tr(loc, "validation.max_text_constraint")
	}
	if utf8.RuneCountInString(v["intro"]) > maxSurveyIntro {
		p.Errors["intro"] = tr(loc, "validation.max_text_constraint")
	}
	for _, f := range []string{"series", "round"} {
		if utf8.RuneCountInString(v[f]) > 80 {
			p.Errors[f] = tr(loc, "validation.max_text_constraint")
		}
		body[f] = v[f]
	}
	if !slices.Contains(surveyEditStatuses, v["status"]) {
		p.Errors["status"] = tr(loc, "validation.invalid_value")
	}
	body["title"], body["intro"], body["status"] = v["title"], v["intro"], v["status"]
	opens, ok := parseUTC(v["opens"])
	if !ok {
		p.Errors["opens"] = tr(loc, "validation.survey_datetime")
	}
	closes, ok := parseUTC(v["closes"])
	if !ok {
		p.Errors["closes"] = tr(loc, "validation.survey_datetime")
	}
	if !opens.IsZero() && !closes.IsZero() && !closes.After(opens) {
		p.Errors["closes"] = tr(loc, "validation.survey_closes_before_opens")
	}
	body["opens"], body["closes"] = "", ""
	if !opens.IsZero() {
		body["opens"] = opens
	}
	if !closes.IsZero() {
		body["closes"] = closes
	}
	// Frozen questions (answers exist) are disabled in the form, so the
	// browser sends none: the slots keep the stored ones.
	var qs []surveys.Question
	for i := range d.Slots {
		if d.Locked {
			break
		}
		s := &d.Slots[i]
		pre := fmt.Sprintf("q%d_", s.N)
		s.Label, s.Kind, s.Required = formValue(e, pre+"label"), formValue(e, pre+"kind"), formValue(e, pre+"required")
		s.Options = strings.TrimSpace(e.Request.PostFormValue(pre + "options"))
		if s.Label == "" {
			continue
		}
		q := surveys.Question{ID: fmt.Sprintf("q%d", s.N), Kind: s.Kind, Label: s.Label, Required: s.Required == "1"}
		if s.Kind == surveys.KindChoice {
			for _, o := range strings.Split(s.Options, "\n") {
				if o = strings.TrimSpace(o); o != "" {
					q.Options = append(q.Options, o)
				}
			}
		}
		if _, code := surveys.CheckQuestions([]surveys.Question{q}); code != "" {
			p.Errors[pre+"label"] = tr(loc, "validation."+code)
			continue
		}
		qs = append(qs, q)
	}
	if !d.Locked {
		if qs == nil {
			qs = []surveys.Question{}
		}
		body["questions"] = qs
	}
	a := readAudience(e, p, &d.audienceForm, false)
	audienceBody(a, body)
	return body
}

// surveyEditShow shows the editor to admins: empty on /surveys/new, the
// survey's on /surveys/{id}/edit.
func (u *portal) surveyEditShow(e *core.RequestEvent) error {
	rec, err := adminSurvey(e)
	if err != nil {
		return err
	}
	p, err := u.surveyFormPage(e, rec)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "survey_edit", p)
}

// surveyEditSubmit saves the editor: a new survey through the Create rule
// (created by the admin), an existing one through the Update rule.
func (u *portal) surveyEditSubmit(e *core.RequestEvent) error {
	user := getCtx(e).User
	rec, err := adminSurvey(e)
	if err != nil {
		return err
	}
	p, err := u.surveyFormPage(e, rec)
	if err != nil {
		return err
	}
	isNew := rec.IsNew()
	body := u.readSurveyForm(e, p, p.Data.(*surveyEditData))
	if len(p.Errors) == 0 {
		if isNew {
			body["created_by"] = user.Id
			err = e.App.RunInTransaction(func(tx core.App) error {
				return access.Create(tx, access.Info(user, http.MethodPost, body), rec)
			})
		} else {
			_, err = updateWithEvent(e, rec, body, "")
		}
		if err := u.saveError(e, p, err); err != nil {
			return err
		}
	}
	if len(p.Errors) > 0 {
		if isNew {
			rec.MarkAsNew()
		}
		return u.render(e, http.StatusBadRequest, "survey_edit", p)
	}
	u.setFlash(e, "flash.survey_saved")
	return e.Redirect(http.StatusSeeOther, "/surveys/"+rec.Id+"/results")
}

// surveyStatus opens or closes a survey (admins, through the Update rule).
func (u *portal) surveyStatus(e *core.RequestEvent) error {
	rec, err := adminSurvey(e)
	if err != nil {
		return err
	}
	status := formValue(e, "status")
	if status != "open" && status != "closed" {
		return e.BadRequestError("", errors.New("bad survey status"))
	}
	if _, err := updateWithEvent(e, rec, map[string]any{"status": status}, ""); err != nil {
		if errors.Is(err, access.ErrForbidden) {
			return e.ForbiddenError("", err)
		}
		if _, ok := validationMessages(u.locale(e), err); ok {
			return e.BadRequestError("", err)
		}
		return err
	}
	flash := "flash.survey_open"
	if status == "closed" {
		flash = "flash.survey_closed"
	}
	u.setFlash(e, flash)
	return e.Redirect(http.StatusSeeOther, "/surveys/"+rec.Id+"/results")
}
