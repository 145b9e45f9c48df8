package ui

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/training"
)

// quizResultData is the result page's data.
type quizResultData struct {
	Quiz              *LearnQuizView
	Course            *LearnCourseView
	Number            int
	Submitted         time.Time
	Score             float64
	Points, MaxPoints int
	Passed, Own       bool
	Questions         []LearnQuestionView
	// Certificate is the learner's valid certificate of the course's
	// certification, when they hold one.
	Certificate *LearnCertRef
}

// quizResult shows a submitted attempt: score, pass or fail, and per
// question right or wrong, the learner's answer and the explanation. The
// attempt is the viewer's own, or (?user=) another learner's the attempts'
// View rule shows them (their partner admin, manager, an admin). Before
// submission the owner is sent to the form; nobody ever sees which options
// were correct, only the explanations, read server-side for this page.
func (u *portal) quizResult(e *core.RequestEvent) error {
	quiz, course, info, err := learnQuiz(e)
	if err != nil {
		return err
	}
	n, err := learnAttemptNumber(e)
	if err != nil {
		return err
	}
	owner := e.Request.URL.Query().Get("user")
	if owner == "" {
		owner = info.Auth.Id
	}
	res, err := access.ListVisible(e.App, info, "quiz_attempts", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"quiz_attempts.user": owner, "quiz_attempts.quiz": quiz.Id,
			"quiz_attempts.number": n}}, PerPage: 1})
	if err != nil {
		return err
	}
	if len(res.Items) == 0 {
		return e.NotFoundError("", errors.New("no such attempt"))
	}
	attempt := res.Items[0]
	own := owner == info.Auth.Id
	if attempt.GetDateTime("submitted").IsZero() {
		if !own {
			return e.NotFoundError("", errors.New("attempt not submitted"))
		}
		return e.Redirect(http.StatusSeeOther, "/quizzes/"+quiz.Id+"/attempts/"+strconv.Itoa(n))
	}
	answers := training.StoredAnswers(attempt)
	qs, err := attemptQuestions(e.App, quiz, attempt, answers)
	if err != nil {
		return err
	}
	ids := make([]string, len(qs))
	for i, q := range qs {
		ids[i] = q.ID
	}
	keys, err := training.LoadKeys(e.App, ids)
	if err != nil {
		return err
	}
	results := training.StoredResults(attempt)
	for i := range qs {
		r := results[qs[i].ID]
		qs[i].Correct, qs[i].Scored = r.Correct, r.Points
		qs[i].Explanation = keys[qs[i].ID].Explanation
	}
	d := &quizResultData{Quiz: &LearnQuizView{ID: quiz.Id, Title: quiz.GetString("title"), PassMark: quiz.GetInt("pass_mark")},
		Course: learnCourseView(course), Number: n, Submitted: attempt.GetDateTime("submitted").Time(),
		Score: attempt.GetFloat("score"), Points: attempt.GetInt("points"), MaxPoints: attempt.GetInt("max_points"),
		Passed: attempt.GetBool("passed"), Own: own, Questions: qs}
	if own && d.Passed {
		refs, err := learnCertRefs(e.App, info, []*core.Record{course})
		if err != nil {
			return err
		}
		if ref := refs[course.GetString("certification")]; ref != nil && ref.CertificateID != "" {
			d.Certificate = ref
		}
	}
	return u.render(e, http.StatusOK, "quiz_result", &Page{Title: d.Quiz.Title, Data: d})
}
