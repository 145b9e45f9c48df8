package ui

import (
	"net/http"
	"strconv"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
)

// quizEditData is the quiz editor's data: the quiz form and, for an
// existing quiz, its question list.
type quizEditData struct {
	Course    *CourseAdminView
	New       bool
	ID, Title string
	Lessons   []LessonRow
	Questions []QuestionRow
}

// quizLimits are the quiz form's number fields with their bounds (the
// schema's).
var quizLimits = []struct {
	field    string
	min, max int
}{
	{"pass_mark", 1, 100}, {"attempt_limit", 0, 100}, {"cooldown_minutes", 0, 525600}, {"time_limit_minutes", 0, 1440},
}

// quizFormPage builds the quiz editor for rec of course.
func (u *portal) quizFormPage(e *core.RequestEvent, course, rec *core.Record) (*Page, error) {
	d := &quizEditData{Course: courseAdminView(course), New: rec.IsNew(), ID: rec.Id, Title: rec.GetString("title")}
	var err error
	if d.Lessons, err = courseLessons(e, course.Id); err != nil {
		return nil, err
	}
	if !d.New {
		if d.Questions, err = quizQuestions(e, rec.Id); err != nil {
			return nil, err
		}
	}
	p := &Page{Data: d, Errors: map[string]string{}, Values: map[string]string{
		"title": rec.GetString("title"), "lesson": rec.GetString("lesson"),
	}}
	for _, l := range quizLimits {
		p.Values[l.field] = strconv.Itoa(rec.GetInt(l.field))
	}
	if rec.GetBool("shuffle") {
		p.Values["shuffle"] = "1"
	}
	p.Title = u.t(e, "training_admin.quiz_new")
	if !d.New {
		p.Title = u.t(e, "training_admin.quiz_edit_title", rec.GetString("title"))
	}
	return p, nil
}

// readQuizForm validates the quiz form into p and returns the body.
func (u *portal) readQuizForm(e *core.RequestEvent, p *Page, d *quizEditData) map[string]any {
	loc := u.locale(e)
	body := map[string]any{}
	for _, f := range []string{"title", "lesson", "shuffle", "pass_mark", "attempt_limit", "cooldown_minutes", "time_limit_minutes"} {
		p.Values[f] = formValue(e, f)
	}
	v := p.Values
	switch n := utf8.RuneCountInString(v["title"]); {
	case n == 0:
		p.Errors["title"] = tr(loc, "validation.required")
	case n > maxTitle:
		p.Errors["title"] = tr(loc, "validation.max_text_constraint")
	}
	body["title"] = v["title"]
	if v["lesson"] != "" {
		known := false
		for _, l := range d.Lessons {
			known = known || l.ID == v["lesson"]
		}
		if !known {
			p.Errors["lesson"] = tr(loc, "validation.training_admin_quiz_lesson")
		}
	}
	body["lesson"] = v["lesson"]
	for _, l := range quizLimits {
		n, err := strconv.Atoi(v[l.field])
		if v[l.field] == "" && l.min == 0 {
			n, err = 0, nil
		}
		if err != nil || n < l.min || n > l.max {
			p.Errors[l.field] = tr(loc, "validation.training_admin_range", l.min, l.max)
			continue
		}
		body[l.field] = n
	}
	body["shuffle"] = v["shuffle"] == "1"
	return body
}

// quizNewShow shows the empty quiz editor of the course in the path.
func (u *portal) quizNewShow(e *core.RequestEvent) error {
	course, err := staffCourse(e)
	if err != nil {
		return err
	}
	c, err := e.App.FindCachedCollectionByNameOrId("quizzes")
	if err != nil {
		return err
	}
	rec := core.NewRecord(c)
	rec.Set("pass_mark", 70)
	p, err := u.quizFormPage(e, course, rec)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "quiz_edit", p)
}

// quizNewSubmit adds a quiz to the course through the quizzes' Create rule
// and opens it to add questions.
func (u *portal) quizNewSubmit(e *core.RequestEvent) error {
	course, err := staffCourse(e)
	if err != nil {
		return err
	}
	c, err := e.App.FindCachedCollectionByNameOrId("quizzes")
	if err != nil {
		return err
	}
	rec := core.NewRecord(c)
	p, err := u.quizFormPage(e, course, rec)
	if err != nil {
		return err
	}
	body := u.readQuizForm(e, p, p.Data.(*quizEditData))
	if len(p.Errors) == 0 {
		body["course"] = course.Id
		err = e.App.RunInTransaction(func(tx core.App) error {
			return access.Create(tx, access.Info(getCtx(e).User, http.MethodPost, body), rec)
		})
		if err := u.saveError(e, p, err); err != nil {
			return err
		}
	}
	if len(p.Errors) > 0 {
		rec.MarkAsNew()
		return u.render(e, http.StatusBadRequest, "quiz_edit", p)
	}
	u.setFlash(e, "flash.training_admin_quiz_saved")
	return e.Redirect(http.StatusSeeOther, "/quizzes/"+rec.Id+"/edit")
}

// quizCourse loads the quiz in the path and its course through their rules.
func quizCourse(e *core.RequestEvent) (quiz, course *core.Record, err error) {
	return withCourse(e, "quizzes")
}

// quizEditShow shows a quiz's settings and its question list.
func (u *portal) quizEditShow(e *core.RequestEvent) error {
	quiz, course, err := quizCourse(e)
	if err != nil {
		return err
	}
	p, err := u.quizFormPage(e, course, quiz)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "quiz_edit", p)
}

// quizEditSubmit saves a quiz's settings through the Update rule.
func (u *portal) quizEditSubmit(e *core.RequestEvent) error {
	quiz, course, err := quizCourse(e)
	if err != nil {
		return err
	}
	p, err := u.quizFormPage(e, course, quiz)
	if err != nil {
		return err
	}
	body := u.readQuizForm(e, p, p.Data.(*quizEditData))
	if len(p.Errors) == 0 {
		_, err = updateWithEvent(e, quiz, body, "")
		if err := u.saveError(e, p, err); err != nil {
			return err
		}
	}
	if len(p.Errors) > 0 {
		return u.render(e, http.StatusBadRequest, "quiz_edit", p)
	}
	u.setFlash(e, "flash.training_admin_quiz_saved")
	return e.Redirect(http.StatusSeeOther, "/quizzes/"+quiz.Id+"/edit")
}

// quizDelete deletes a quiz with its questions, keys and attempts through
// the Delete rule, after the form's confirmation.
func (u *portal) quizDelete(e *core.RequestEvent) error {
	quiz, course, err := quizCourse(e)
	if err != nil {
		return err
	}
	if err := deleteVisible(e, quiz); err != nil {
		return err
	}
	u.setFlash(e, "flash.training_admin_quiz_deleted")
	return e.Redirect(http.StatusSeeOther, "/courses/"+course.GetString("slug")+"/edit")
}
