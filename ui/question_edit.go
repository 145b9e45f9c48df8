package ui

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/internal/access"
)

// optionRows is how many option rows the question form offers at least
// (blank rows are ignored, so it works without JavaScript).
const optionRows = 6

// optionIDs are the ids given to new options, in order.
const optionIDs = "abcdefghijklmnopqrstuvwxyz"

// OptionRow is one row of the question form's options.
type OptionRow struct {
	Index         int
	ID, Text, Err string
	Correct       bool
}

// questionEditData is the question form's data.
type questionEditData struct {
	Course      *CourseAdminView
	QuizID      string
	QuizTitle   string
	New         bool
	ID          string
	Kinds       []string
	Options     []OptionRow
	TrueCorrect string // "true" or "false" for a true/false question
}

// questionFormPage builds the question form for rec of quiz (existing
// questions load their answer key, which only staff rules can read).
func (u *portal) questionFormPage(e *core.RequestEvent, course, quiz, rec *core.Record) (*Page, error) {
	d := &questionEditData{Course: courseAdminView(course), QuizID: quiz.Id, QuizTitle: quiz.GetString("title"),
		New: rec.IsNew(), ID: rec.Id, Kinds: questionKinds, TrueCorrect: "true"}
	correct := map[string]bool{}
	explanation := ""
	if !d.New {
		key, err := questionKey(e.App, e, rec.Id)
		if err != nil {
			return nil, err
		}
		if key != nil {
			var ids []string
			_ = key.UnmarshalJSONField("correct", &ids)
			for _, id := range ids {
				correct[id] = true
			}
			explanation = key.GetString("explanation")
		}
	}
	opts, _ := hooks.QuestionOptions(rec)
	if rec.GetString("kind") == "truefalse" {
		if correct["false"] {
			d.TrueCorrect = "false"
		}
		opts = nil
	}
	for i, o := range opts {
		d.Options = append(d.Options, OptionRow{Index: i, ID: o.ID, Text: o.Text, Correct: correct[o.ID]})
	}
	d.Options = padOptions(d.Options)
	points := rec.GetInt("points")
	if points == 0 {
		points = 1
	}
	kind := rec.GetString("kind")
	if kind == "" {
		kind = "single"
	}
	p := &Page{Data: d, Errors: map[string]string{}, Values: map[string]string{
		"kind": kind, "prompt": rec.GetString("prompt"), "points": strconv.Itoa(points), "explanation": explanation,
	}}
	p.Title = u.t(e, "training_admin.question_new")
	if !d.New {
		p.Title = u.t(e, "training_admin.question_edit")
	}
	return p, nil
}

// padOptions adds blank rows up to optionRows (and one spare, up to the
// maximum of options).
func padOptions(rows []OptionRow) []OptionRow {
	want := max(optionRows, min(len(rows)+1, hooks.MaxQuestionOptions))
	for len(rows) < want {
		rows = append(rows, OptionRow{Index: len(rows)})
	}
	return rows
}

// questionKey returns the answer key of a question through the keys' List
// rule (staff only), or nil.
func questionKey(app core.App, e *core.RequestEvent, questionID string) (*core.Record, error) {
	keys, err := access.ListVisible(app, access.Info(getCtx(e).User, http.MethodGet, nil), "quiz_answer_keys",
		access.ListOptions{Where: []dbx.Expression{dbx.HashExp{"quiz_answer_keys.question": questionID}}, PerPage: 1})
	if err != nil || len(keys.Items) == 0 {
		return nil, err
	}
	return keys.Items[0], nil
}

// readQuestionForm validates the question form into p and returns the
// question's body and its answer key's body.
func (u *portal) readQuestionForm(e *core.RequestEvent, p *Page, d *questionEditData) (question, key map[string]any) {
	loc := u.locale(e)
	for _, f := range []string{"kind", "points"} {
		p.Values[f] = formValue(e, f)
	}
	p.Values["prompt"] = strings.ToValidUTF8(strings.TrimSpace(e.Request.PostFormValue("prompt")), "")
	p.Values["explanation"] = strings.ToValidUTF8(strings.TrimSpace(e.Request.PostFormValue("explanation")), "")
	v := p.Values
	kind := v["kind"]
	if !slices.Contains(questionKinds, kind) {
		p.Errors["kind"] = tr(loc, "validation.invalid_value")
	}
	switch n := utf8.RuneCountInString(v["prompt"]); {
	case n == 0:
		p.Errors["prompt"] = tr(loc, "validation.required")
	case n > 2000:
		p.Errors["prompt"] = tr(loc, "validation.max_text_constraint")
	}
	points, err := strconv.Atoi(v["points"])
	if err != nil || points < 1 || points > 100 {
		p.Errors["points"] = tr(loc, "validation.training_admin_range", 1, 100)
	}
	if utf8.RuneCountInString(v["explanation"]) > 5000 {
		p.Errors["explanation"] = tr(loc, "validation.max_text_constraint")
	}

	// The option rows: blank ones are ignored; kept ids are reused, new rows
	// get the next free letter.
	checked := map[string]bool{}
	for _, c := range e.Request.PostForm["correct"] {
		checked[c] = true
	}
	var rows []OptionRow
	used := map[string]bool{}
	for i := 0; i < 26; i++ {
		idx := strconv.Itoa(i)
		text, has := e.Request.PostForm["option_text_"+idx]
		if !has {
			continue
		}
		row := OptionRow{Index: len(rows), ID: formValue(e, "option_id_"+idx), Correct: checked[idx]}
		if len(text) > 0 {
			row.Text = strings.ToValidUTF8(strings.TrimSpace(text[0]), "")
		}
		if row.Text == "" {
			continue
		}
		if utf8.RuneCountInString(row.Text) > hooks.MaxOptionText {
			row.Err = tr(loc, "validation.training_admin_option_text")
			p.Errors["options"] = row.Err
		}
		if row.ID == "" || used[row.ID] || len(row.ID) > 20 {
			row.ID = ""
		} else {
			used[row.ID] = true
		}
		rows = append(rows, row)
	}
	for i := range rows {
		if rows[i].ID == "" {
			for _, r := range optionIDs {
				if !used[string(r)] {
					rows[i].ID = string(r)
					used[string(r)] = true
					break
				}
			}
		}
	}
	d.TrueCorrect = formValue(e, "tf_correct")
	var opts []hooks.QuestionOption
	correct := []string{}
	if kind == "truefalse" {
		if d.TrueCorrect != "true" && d.TrueCorrect != "false" {
			p.Errors["correct"] = tr(loc, "validation.training_admin_key_one")
			d.TrueCorrect = "true"
		}
		lang := d.Course.Language
		if lang == "" {
			lang = loc
		}
		opts = []hooks.QuestionOption{{ID: "true", Text: tr(lang, "training_admin.true")}, {ID: "false", Text: tr(lang, "training_admin.false")}}
		correct = append(correct, d.TrueCorrect)
		rows = nil
	} else {
		switch {
		case len(rows) < hooks.MinQuestionOptions || len(rows) > hooks.MaxQuestionOptions:
			p.Errors["options"] = tr(loc, "validation.training_admin_options_count")
		}
		for _, r := range rows {
			opts = append(opts, hooks.QuestionOption{ID: r.ID, Text: r.Text})
			if r.Correct {
				correct = append(correct, r.ID)
			}
		}
		switch {
		case kind == "multiple" && len(correct) == 0:
			p.Errors["correct"] = tr(loc, "validation.training_admin_key_at_least_one")
		case kind == "single" && len(correct) != 1:
			p.Errors["correct"] = tr(loc, "validation.training_admin_key_one")
		}
	}
	d.Options = padOptions(rows)
	question = map[string]any{"kind": kind, "prompt": v["prompt"], "points": points, "options": opts}
	key = map[string]any{"correct": correct, "explanation": v["explanation"]}
	return question, key
}

// saveQuestion writes a question and its answer key in one transaction:
// an existing key is replaced (so that options and key change together),
// each write through its collection's rule.
func saveQuestion(e *core.RequestEvent, quiz, rec *core.Record, question, key map[string]any) error {
	user := getCtx(e).User
	return e.App.RunInTransaction(func(tx core.App) error {
		if rec.IsNew() {
			var last int
			if err := tx.DB().Select("COALESCE(MAX([[order]]), 0)").From("quiz_questions").
				Where(dbx.HashExp{"quiz": quiz.Id}).Row(&last); err != nil {
				return err
			}
			question["quiz"] = quiz.Id
			question["order"] = last + 1
			if err := access.Create(tx, access.Info(user, http.MethodPost, question), rec); err != nil {
				return err
			}
		} else {
			old, err := questionKey(tx, e, rec.Id)
			if err != nil {
				return err
			}
			if old != nil {
				ok, err := access.CanDelete(tx, access.Info(user, http.MethodDelete, nil), old)
				if err != nil {
					return err
				}
				if !ok {
					return access.ErrForbidden
				}
				if err := tx.Delete(old); err != nil {
					return err
				}
			}
			fresh, err := tx.FindRecordById("quiz_questions", rec.Id)
			if err != nil {
				return err
			}
			if err := access.Update(tx, access.Info(user, http.MethodPatch, question), fresh); err != nil {
				return err
			}
		}
		c, err := tx.FindCachedCollectionByNameOrId("quiz_answer_keys")
		if err != nil {
			return err
		}
		key["question"] = rec.Id
		return access.Create(tx, access.Info(user, http.MethodPost, key), core.NewRecord(c))
	})
}

// questionParents loads a quiz (a new question's, or a question's) with its
// course, checking the quiz's Update rule.
func questionParents(e *core.RequestEvent, quizID string) (quiz, course *core.Record, err error) {
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	quiz, err = access.FindVisible(e.App, info, "quizzes", quizID)
	if err != nil {
		return nil, nil, e.NotFoundError("", err)
	}
	if err := canUpdate(e, quiz); err != nil {
		return nil, nil, err
	}
	course, err = access.FindVisible(e.App, info, "courses", quiz.GetString("course"))
	if err != nil {
		return nil, nil, e.NotFoundError("", err)
	}
	return quiz, course, nil
}

// questionNewShow shows the empty question form of the quiz in the path.
func (u *portal) questionNewShow(e *core.RequestEvent) error {
	quiz, course, err := questionParents(e, e.Request.PathValue("id"))
	if err != nil {
		return err
	}
	c, err := e.App.FindCachedCollectionByNameOrId("quiz_questions")
	if err != nil {
		return err
	}
	p, err := u.questionFormPage(e, course, quiz, core.NewRecord(c))
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "question_edit", p)
}

// questionNewSubmit adds a question with its answer key to the quiz.
func (u *portal) questionNewSubmit(e *core.RequestEvent) error {
	quiz, course, err := questionParents(e, e.Request.PathValue("id"))
	if err != nil {
		return err
	}
	c, err := e.App.FindCachedCollectionByNameOrId("quiz_questions")
	if err != nil {
		return err
	}
	rec := core.NewRecord(c)
	return u.questionSubmit(e, course, quiz, rec)
}

// questionSubmit validates and saves the question form, or shows it again
// with the errors beside the fields.
func (u *portal) questionSubmit(e *core.RequestEvent, course, quiz, rec *core.Record) error {
	p, err := u.questionFormPage(e, course, quiz, rec)
	if err != nil {
		return err
	}
	question, key := u.readQuestionForm(e, p, p.Data.(*questionEditData))
	if len(p.Errors) == 0 {
		err = saveQuestion(e, quiz, rec, question, key)
		if err := u.saveError(e, p, err); err != nil {
			return err
		}
	}
	if len(p.Errors) > 0 {
		if p.Data.(*questionEditData).New {
			rec.MarkAsNew()
		}
		return u.render(e, http.StatusBadRequest, "question_edit", p)
	}
	u.setFlash(e, "flash.training_admin_question_saved")
	return e.Redirect(http.StatusSeeOther, "/quizzes/"+quiz.Id+"/edit#questions")
}

// questionRecord loads the question in the path with its quiz and course.
func questionRecord(e *core.RequestEvent) (question, quiz, course *core.Record, err error) {
	question, err = staffRecord(e, "quiz_questions")
	if err != nil {
		return nil, nil, nil, err
	}
	quiz, course, err = questionParents(e, question.GetString("quiz"))
	return question, quiz, course, err
}

// questionEditShow shows a question with its options and answer key.
func (u *portal) questionEditShow(e *core.RequestEvent) error {
	question, quiz, course, err := questionRecord(e)
	if err != nil {
		return err
	}
	p, err := u.questionFormPage(e, course, quiz, question)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "question_edit", p)
}

// questionEditSubmit saves a question and its answer key.
func (u *portal) questionEditSubmit(e *core.RequestEvent) error {
	question, quiz, course, err := questionRecord(e)
	if err != nil {
		return err
	}
	return u.questionSubmit(e, course, quiz, question)
}

// questionDelete deletes a question (its key cascades) after the form's
// confirmation; the hook recounts the quiz.
func (u *portal) questionDelete(e *core.RequestEvent) error {
	question, quiz, _, err := questionRecord(e)
	if err != nil {
		return err
	}
	if err := deleteVisible(e, question); err != nil {
		return err
	}
	u.setFlash(e, "flash.training_admin_question_deleted")
	return e.Redirect(http.StatusSeeOther, "/quizzes/"+quiz.Id+"/edit#questions")
}

// questionMove moves a question one place up or down and renumbers the
// quiz's questions; htmx gets the re-drawn list.
func (u *portal) questionMove(e *core.RequestEvent) error {
	question, quiz, course, err := questionRecord(e)
	if err != nil {
		return err
	}
	if err := moveInOrder(e, "quiz_questions", "quiz", quiz.Id, question.Id, formValue(e, "direction")); err != nil {
		return err
	}
	if e.Request.Header.Get("HX-Request") == "" {
		return e.Redirect(http.StatusSeeOther, "/quizzes/"+quiz.Id+"/edit#questions")
	}
	rows, err := quizQuestions(e, quiz.Id)
	if err != nil {
		return err
	}
	d := &quizEditData{Course: courseAdminView(course), ID: quiz.Id, Questions: rows}
	return u.renderFragment(e, "quiz_edit", "ta_questions", &Page{Data: d})
}

// Number is the row's 1-based number, for labels.
func (o OptionRow) Number() int { return o.Index + 1 }
