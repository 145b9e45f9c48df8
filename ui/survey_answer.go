package ui

import (
	"errors"
	"net/http"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/roles"
	"github.com/ponte-portal/ponte/internal/surveys"
)

// surveyAnswerData is the answer page's data.
type surveyAnswerData struct {
	Survey *SurveyView
	Scores []int
	// Done: the viewer has answered (the thank-you state), with their score
	// and when.
	Done       bool
	DoneScore  int
	DoneAt     time.Time
	MaxComment int
	MaxText    int
	Questions  []QuestionView
}

// QuestionView is a custom question on the answer page: its form field's
// name and, for a choice or a scale, the choices.
type QuestionView struct {
	surveys.Question
	Name    string
	Choices []Option
}

// questionViews maps a survey's questions for the answer form.
func questionViews(qs []surveys.Question) []QuestionView {
	out := make([]QuestionView, 0, len(qs))
	for _, q := range qs {
		v := QuestionView{Question: q, Name: "q_" + q.ID}
		switch q.Kind {
		case surveys.KindChoice:
			for _, o := range q.Options {
				v.Choices = append(v.Choices, Option{Value: o, Label: o})
			}
		case surveys.KindScale:
			for i := 1; i <= 5; i++ {
				v.Choices = append(v.Choices, Option{Value: strconv.Itoa(i), Label: strconv.Itoa(i)})
			}
		}
		out = append(out, v)
	}
	return out
}

// surveyAnswerPage builds the answer page of rec for the viewer.
func (u *portal) surveyAnswerPage(e *core.RequestEvent, rec *core.Record) (*Page, *surveyAnswerData, error) {
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	d := &surveyAnswerData{Survey: surveyView(rec), MaxComment: surveys.MaxComment, MaxText: surveys.MaxText}
	d.Questions = questionViews(d.Survey.Questions)
	for i := 0; i <= 10; i++ {
		d.Scores = append(d.Scores, i)
	}
	done, err := answeredBy(e.App, info, []string{rec.Id})
	if err != nil {
		return nil, nil, err
	}
	if r := done[rec.Id]; r != nil {
		d.Done, d.DoneScore, d.DoneAt = true, r.GetInt("score"), r.GetDateTime("created").Time()
	}
	p := &Page{Title: rec.GetString("title"), Data: d, Errors: map[string]string{}, Values: map[string]string{}}
	return p, d, nil
}

// surveyUnavailable answers a partner user whose survey is not open to
// them (a draft, closed, or not for their partner) with a clear page: 404,
// so that whether the survey exists never leaks.
func (u *portal) surveyUnavailable(e *core.RequestEvent) error {
	p := &Page{Title: u.t(e, "surveys.unavailable_title")}
	return u.render(e, http.StatusNotFound, "survey_unavailable", p)
}

// surveyShow is a survey's page: staff go to its results; a partner user
// sees the questions, or the thank-you state once answered.
func (u *portal) surveyShow(e *core.RequestEvent) error {
	user := getCtx(e).User
	if roles.IsStaff(roles.Of(user)) {
		rec, err := visibleSurvey(e)
		if err != nil {
			return err
		}
		return e.Redirect(http.StatusSeeOther, "/surveys/"+rec.Id+"/results")
	}
	rec, err := access.FindVisible(e.App, access.Info(user, http.MethodGet, nil), "surveys", e.Request.PathValue("id"))
	if errors.Is(err, access.ErrNotFound) {
		return u.surveyUnavailable(e)
	}
	if err != nil {
		return err
	}
	p, _, err := u.surveyAnswerPage(e, rec)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "survey_answer", p)
}

// surveyAnswer saves a partner user's answer through the responses' Create
// rule (open, targeted, their own); the hook records the NPS band's
// activity event in the same transaction. A second answer is a 409.
func (u *portal) surveyAnswer(e *core.RequestEvent) error {
	user := getCtx(e).User
	loc := u.locale(e)
	if !roles.IsPartnerRole(roles.Of(user)) {
		return e.ForbiddenError("", errors.New("only partner users answer surveys"))
	}
	rec, err := access.FindVisible(e.App, access.Info(user, http.MethodGet, nil), "surveys", e.Request.PathValue("id"))
	if errors.Is(err, access.ErrNotFound) {
		return u.surveyUnavailable(e)
	}
	if err != nil {
		return err
	}
	p, d, err := u.surveyAnswerPage(e, rec)
	if err != nil {
		return err
	}
	if d.Done {
		p.FormErr = tr(loc, "validation.survey_answered")
		return u.render(e, http.StatusConflict, "survey_answer", p)
	}
	body := map[string]any{"survey": rec.Id, "user": user.Id}
	p.Values["score"] = formValue(e, "score")
	score, err := strconv.Atoi(p.Values["score"])
	switch {
	case p.Values["score"] == "":
		p.Errors["score"] = tr(loc, "validation.survey_score_required")
	case err != nil || surveys.Band(score) == "":
		p.Errors["score"] = tr(loc, "validation.survey_score")
	default:
		body["score"] = score
	}
	p.Values["comment"] = formValue(e, "comment")
	if utf8.RuneCountInString(p.Values["comment"]) > surveys.MaxComment {
		p.Errors["comment"] = tr(loc, "validation.survey_comment_too_long", surveys.MaxComment)
	}
	body["comment"] = p.Values["comment"]
	answers := map[string]string{}
	for _, q := range d.Survey.Questions {
		name := "q_" + q.ID
		p.Values[name] = formValue(e, name)
		v, code := surveys.CheckAnswer(q, p.Values[name])
		if code != "" {
			p.Errors[name] = tr(loc, "validation."+code)
			continue
		}
		if v != "" {
			answers[q.ID] = v
		}
	}
	body["answers"] = answers
	if len(p.Errors) > 0 {
		return u.render(e, http.StatusBadRequest, "survey_answer", p)
	}
	c, err := e.App.FindCachedCollectionByNameOrId("survey_responses")
	if err != nil {
		return err
	}
	resp := core.NewRecord(c)
	err = e.App.RunInTransaction(func(tx core.App) error {
		return access.Create(tx, access.Info(user, http.MethodPost, body), resp)
	})
	if errors.Is(err, access.ErrForbidden) {
		// Visible a moment ago but closed or retargeted since.
		return u.surveyUnavailable(e)
	}
	if err != nil {
		if dup, _ := hooks.HasAnswered(e.App, rec.Id, user.Id); dup {
			p.FormErr = tr(loc, "validation.survey_answered")
			return u.render(e, http.StatusConflict, "survey_answer", p)
		}
	}
	if err := u.saveError(e, p, err); err != nil {
		return err
	}
	if len(p.Errors) > 0 {
		return u.render(e, http.StatusBadRequest, "survey_answer", p)
	}
	u.setFlash(e, "flash.survey_answered")
	return e.Redirect(http.StatusSeeOther, "/surveys/"+rec.Id)
}
