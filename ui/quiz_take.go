package ui

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/training"
)

// LearnQuestionView is a question on the attempt form: prompt and options
// in the attempt's order, and what the learner chose. It never holds which
// option is correct.
type LearnQuestionView struct {
	ID, Kind, Prompt string
	Number, Points   int
	Options          []LearnOptionView
	// Error is a refused answer's message, beside the question.
	Error string
	// Correct, Explanation and Scored are set on the result page only.
	Correct     bool
	Scored      int
	Explanation string
}

// LearnOptionView is one option of a question, Chosen when the learner
// picked it.
type LearnOptionView struct {
	ID, Text string
	Chosen   bool
}

// quizTakeData is the attempt form's data.
type quizTakeData struct {
	Quiz      *LearnQuizView
	Course    *LearnCourseView
	Number    int
	Deadline  time.Time
	Questions []LearnQuestionView
}

// ownAttempt loads the viewer's attempt number n at quiz through the
// attempts' View rule, narrowed to their own: the form is for its owner
// only. A missing one is a 404.
func ownAttempt(e *core.RequestEvent, info *core.RequestInfo, quiz *core.Record, n int) (*core.Record, error) {
	res, err := access.ListVisible(e.App, info, "quiz_attempts", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"quiz_attempts.user": info.Auth.Id, "quiz_attempts.quiz": quiz.Id,
			"quiz_attempts.number": n}}, PerPage: 1})
	if err != nil {
		return nil, err
	}
	if len(res.Items) == 0 {
		return nil, e.NotFoundError("", errors.New("no such attempt"))
	}
	return res.Items[0], nil
}

// ownAttemptInPath loads the quiz of the path (through its course's rules)
// and the viewer's own attempt whose number is in the path.
func ownAttemptInPath(e *core.RequestEvent) (quiz, course, attempt *core.Record, err error) {
	quiz, course, info, err := learnQuiz(e)
	if err != nil {
		return nil, nil, nil, err
	}
	n, err := learnAttemptNumber(e)
	if err != nil {
		return nil, nil, nil, err
	}
	if attempt, err = ownAttempt(e, info, quiz, n); err != nil {
		return nil, nil, nil, err
	}
	return quiz, course, attempt, nil
}

// attemptQuestions maps an attempt's questions in its stored order, with
// the options in the order shown and the learner's answers marked.
func attemptQuestions(app core.App, quiz, attempt *core.Record, answers training.Answers) ([]LearnQuestionView, error) {
	recs, err := training.LoadQuestions(app, quiz.Id)
	if err != nil {
		return nil, err
	}
	byID := map[string]*core.Record{}
	for _, r := range recs {
		byID[r.Id] = r
	}
	var out []LearnQuestionView
	for _, o := range training.Order(attempt) {
		r := byID[o.Question]
		if r == nil {
			continue
		}
		q := training.QuestionOf(r)
		text := map[string]string{}
		for _, opt := range q.Options {
			text[opt.ID] = opt.Text
		}
		v := LearnQuestionView{ID: q.ID, Kind: q.Kind, Prompt: r.GetString("prompt"), Number: len(out) + 1, Points: max(q.Points, 1)}
		for _, id := range o.Options {
			if t, ok := text[id]; ok {
				v.Options = append(v.Options, LearnOptionView{ID: id, Text: t, Chosen: slices.Contains(answers[q.ID], id)})
			}
		}
		out = append(out, v)
	}
	return out, nil
}

// quizTake shows the form of an open attempt. A submitted attempt goes to
// its result; one whose time ran out is closed as failed and goes there too.
func (u *portal) quizTake(e *core.RequestEvent) error {
	quiz, course, attempt, err := ownAttemptInPath(e)
	if err != nil {
		return err
	}
	result := "/quizzes/" + quiz.Id + "/attempts/" + strconv.Itoa(attempt.GetInt("number")) + "/result"
	if !attempt.GetDateTime("submitted").IsZero() {
		return e.Redirect(http.StatusSeeOther, result)
	}
	if !training.Open(attempt, now()) {
		if err := closeAttempt(e, attempt); err != nil {
			return err
		}
		u.setFlash(e, "flash.training_time_up")
		return e.Redirect(http.StatusSeeOther, result)
	}
	return u.renderAttempt(e, http.StatusOK, quiz, course, attempt, training.StoredAnswers(attempt), "", "")
}

// renderAttempt renders the attempt form with status, the answers to show
// checked, and an error for the whole form or beside one question.
func (u *portal) renderAttempt(e *core.RequestEvent, status int, quiz, course, attempt *core.Record, answers training.Answers, formErr, questionErr string) error {
	qs, err := attemptQuestions(e.App, quiz, attempt, answers)
	if err != nil {
		return err
	}
	d := &quizTakeData{Quiz: &LearnQuizView{ID: quiz.Id, Title: quiz.GetString("title"), PassMark: quiz.GetInt("pass_mark"),
		TimeLimit: quiz.GetInt("time_limit_minutes")}, Course: learnCourseView(course), Number: attempt.GetInt("number"),
		Deadline: attempt.GetDateTime("deadline").Time(), Questions: qs}
	d.Quiz.Questions = len(qs)
	p := &Page{Title: d.Quiz.Title, Data: d, FormErr: formErr}
	if questionErr != "" {
		for i := range d.Questions {
			if d.Questions[i].ID == questionErr {
				d.Questions[i].Error = formErr
			}
		}
	}
	return u.render(e, status, "quiz_take", p)
}

// closeAttempt closes an attempt whose time ran out, in its own
// transaction, so it counts even when the request is refused.
func closeAttempt(e *core.RequestEvent, attempt *core.Record) error {
	return e.App.RunInTransaction(func(tx core.App) error {
		fresh, err := tx.FindRecordById("quiz_attempts", attempt.Id)
		if err != nil {
			return err
		}
		return training.CloseExpired(tx, fresh)
	})
}

// readAnswers collects the form's answers: fields q_<question id> holding
// option ids. Other fields (the CSRF token) are ignored.
func readAnswers(e *core.RequestEvent) training.Answers {
	out := training.Answers{}
	for k, vs := range e.Request.PostForm {
		id, ok := strings.CutPrefix(k, "q_")
		if !ok {
			continue
		}
		for _, v := range vs {
			if v = strings.TrimSpace(v); v != "" {
				out[id] = append(out[id], v)
			}
		}
	}
	return out
}

// quizSubmit grades the viewer's attempt in one transaction (attempt,
// enrolment, certificates and events together; training.SubmitAttempt).
// A submitted attempt is a 409; one past its deadline is closed as failed
// and refused with a 409 "time is up"; answers to questions not in the
// attempt or naming options the question does not have, or several options
// for a single-answer question, are a 400 on the form with what was chosen.
func (u *portal) quizSubmit(e *core.RequestEvent) error {
	quiz, course, attempt, err := ownAttemptInPath(e)
	if err != nil {
		return err
	}
	user := getCtx(e).User
	answers := readAnswers(e)
	err = e.App.RunInTransaction(func(tx core.App) error {
		_, err := training.SubmitAttempt(tx, user, quiz, attempt, answers, now())
		return err
	})
	result := "/quizzes/" + quiz.Id + "/attempts/" + strconv.Itoa(attempt.GetInt("number")) + "/result"
	var ae *training.AnswerError
	switch {
	case err == nil:
		return e.Redirect(http.StatusSeeOther, result)
	case errors.Is(err, training.ErrSubmitted):
		return u.renderRefusedAttempt(e, http.StatusConflict, quiz, course, u.t(e, "training.quiz.already_submitted"))
	case errors.Is(err, training.ErrTimeUp):
		if err := closeAttempt(e, attempt); err != nil {
			return err
		}
		return u.renderRefusedAttempt(e, http.StatusConflict, quiz, course, u.t(e, "training.quiz.time_up"))
	case errors.As(err, &ae):
		key := "training.quiz.bad_option"
		switch {
		case errors.Is(ae, training.ErrUnknownQuestion):
			key = "training.quiz.bad_question"
		case errors.Is(ae, training.ErrTooManyOptions):
			key = "training.quiz.one_option"
		}
		return u.renderAttempt(e, http.StatusBadRequest, quiz, course, attempt, answers, u.t(e, key), ae.Question)
	}
	return err
}

// renderRefusedAttempt answers a refused submit with the quiz's intro page
// and the reason.
func (u *portal) renderRefusedAttempt(e *core.RequestEvent, status int, quiz, course *core.Record, msg string) error {
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	d, err := u.quizData(e, info, quiz, course)
	if err != nil {
		return err
	}
	return u.render(e, status, "quiz_show", &Page{Title: d.Quiz.Title, Data: d, FormErr: msg})
}
