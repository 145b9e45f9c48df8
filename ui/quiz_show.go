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

// LearnQuizView is a quiz's intro as its page shows it.
type LearnQuizView struct {
	ID, Title                                  string
	PassMark, Limit, Cooldown, TimeLimit, Used int
	Questions                                  int
}

// LearnAttemptView is one of the viewer's attempts.
type LearnAttemptView struct {
	Number            int
	Started, Deadline time.Time
	Submitted         time.Time
	Score             float64
	Passed, Open      bool
}

// quizShowData is the quiz intro page's data.
type quizShowData struct {
	Quiz     *LearnQuizView
	Course   *LearnCourseView
	Attempts []LearnAttemptView
	Best     *LearnAttemptView
	Prereqs  []LearnPrereqView
	Blocked  bool
	// OpenNumber is an attempt in progress to resume (0 for none).
	OpenNumber int
	// CooldownLeft is the wait before the next attempt (0 for none);
	// LimitReached says no attempts are left.
	CooldownLeft time.Duration
	CooldownMins int
	LimitReached bool
}

// learnQuiz loads the quiz in the path through its View rule (a quiz of a
// course the viewer may not see is a 404) and its course.
func learnQuiz(e *core.RequestEvent) (*core.Record, *core.Record, *core.RequestInfo, error) {
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	quiz, err := access.FindVisible(e.App, info, "quizzes", e.Request.PathValue("id"))
	if errors.Is(err, access.ErrNotFound) {
		return nil, nil, nil, e.NotFoundError("", err)
	}
	if err != nil {
		return nil, nil, nil, err
	}
	course, err := access.FindVisible(e.App, info, "courses", quiz.GetString("course"))
	if errors.Is(err, access.ErrNotFound) {
		return nil, nil, nil, e.NotFoundError("", err)
	}
	return quiz, course, info, err
}

// learnAttemptNumber reads the attempt number in the path; anything but a
// positive number is a 404.
func learnAttemptNumber(e *core.RequestEvent) (int, error) {
	n, err := strconv.Atoi(e.Request.PathValue("n"))
	if err != nil || n < 1 || n > 1000000 {
		return 0, e.NotFoundError("", errors.New("bad attempt number"))
	}
	return n, nil
}

// quizShow is a quiz's intro: pass mark, attempts used and left, the
// cooldown, the time limit, the best score and the previous attempts.
func (u *portal) quizShow(e *core.RequestEvent) error {
	quiz, course, info, err := learnQuiz(e)
	if err != nil {
		return err
	}
	d, err := u.quizData(e, info, quiz, course)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if d.Blocked && learnAutoEnrols(getCtx(e).User) {
		status = http.StatusForbidden
	}
	return u.render(e, status, "quiz_show", &Page{Title: d.Quiz.Title, Data: d})
}

// quizData gathers the intro page: the viewer's own attempts through the
// attempts' List rule, on the (user, quiz, number) index.
func (u *portal) quizData(e *core.RequestEvent, info *core.RequestInfo, quiz, course *core.Record) (*quizShowData, error) {
	user := getCtx(e).User
	at := now()
	d := &quizShowData{Course: learnCourseView(course), Quiz: &LearnQuizView{ID: quiz.Id, Title: quiz.GetString("title"),
		PassMark: quiz.GetInt("pass_mark"), Limit: quiz.GetInt("attempt_limit"), Cooldown: quiz.GetInt("cooldown_minutes"),
		TimeLimit: quiz.GetInt("time_limit_minutes")}}
	var err error
	if d.Prereqs, d.Blocked, err = learnPrereqs(e.App, info, course); err != nil {
		return nil, err
	}
	n, err := access.CountVisible(e.App, info, "quiz_questions", dbx.HashExp{"quiz_questions.quiz": quiz.Id})
	if err != nil {
		return nil, err
	}
	d.Quiz.Questions = n
	res, err := access.ListVisible(e.App, info, "quiz_attempts", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"quiz_attempts.user": user.Id, "quiz_attempts.quiz": quiz.Id}},
		Sort:  []string{"-number"}, PerPage: 200})
	if err != nil {
		return nil, err
	}
	var lastDone time.Time
	for _, a := range res.Items {
		v := LearnAttemptView{Number: a.GetInt("number"), Started: a.GetDateTime("started").Time(),
			Deadline: a.GetDateTime("deadline").Time(), Submitted: a.GetDateTime("submitted").Time(),
			Score: a.GetFloat("score"), Passed: a.GetBool("passed"), Open: training.Open(a, at)}
		if v.Open && d.OpenNumber == 0 {
			d.OpenNumber = v.Number
		}
		if v.Submitted.IsZero() && !v.Open {
			// Ran out of time unsubmitted: it counts as a failed attempt
			// submitted at its deadline (closed on the next start).
			v.Submitted = v.Deadline
		}
		if !v.Submitted.IsZero() {
			if v.Submitted.After(lastDone) {
				lastDone = v.Submitted
			}
			if d.Best == nil || v.Score > d.Best.Score {
				b := v
				d.Best = &b
			}
		}
		d.Attempts = append(d.Attempts, v)
	}
	d.Quiz.Used = len(d.Attempts)
	if d.OpenNumber == 0 {
		d.LimitReached = d.Quiz.Limit > 0 && d.Quiz.Used >= d.Quiz.Limit
		if cd := d.Quiz.Cooldown; cd > 0 && !lastDone.IsZero() {
			ce := &training.CooldownError{Until: lastDone.Add(time.Duration(cd) * time.Minute)}
			d.CooldownLeft = ce.Remaining(at)
			d.CooldownMins = int(d.CooldownLeft / time.Minute)
		}
	}
	return d, nil
}

// quizStart starts (or resumes) the viewer's attempt and opens its form.
// It refuses unmet prerequisites (403), an exhausted attempt limit or a
// quiz without questions (409) and the cooldown (429, with the wait left),
// each on the intro page with the reason.
func (u *portal) quizStart(e *core.RequestEvent) error {
	quiz, course, info, err := learnQuiz(e)
	if err != nil {
		return err
	}
	user := getCtx(e).User
	refuse := func(status int, msg string) error {
		d, err := u.quizData(e, info, quiz, course)
		if err != nil {
			return err
		}
		return u.render(e, status, "quiz_show", &Page{Title: d.Quiz.Title, Data: d, FormErr: msg})
	}
	unmet, err := training.UnmetPrerequisites(e.App, user.Id, course)
	if err != nil {
		return err
	}
	if len(unmet) > 0 {
		return refuse(http.StatusForbidden, u.t(e, "training.prereq.refused"))
	}
	var attempt *core.Record
	err = e.App.RunInTransaction(func(tx core.App) error {
		if _, err := learnEnsureEnrolment(tx, user, course); err != nil {
			return err
		}
		attempt, _, err = training.StartAttempt(tx, user, quiz, now())
		return err
	})
	var cool *training.CooldownError
	switch {
	case errors.Is(err, training.ErrAttemptLimit):
		return refuse(http.StatusConflict, u.t(e, "training.quiz.limit_reached"))
	case errors.Is(err, training.ErrNoQuestions):
		return refuse(http.StatusConflict, u.t(e, "training.quiz.no_questions"))
	case errors.As(err, &cool):
		mins := int(cool.Remaining(now()) / time.Minute)
		return refuse(http.StatusTooManyRequests, tr(u.locale(e), "training.quiz.cooldown_wait", mins))
	case errors.Is(err, access.ErrForbidden):
		return e.ForbiddenError("", err)
	case err != nil:
		if _, ok := validationMessages(u.locale(e), err); ok {
			return refuse(http.StatusForbidden, u.t(e, "training.prereq.refused"))
		}
		return err
	}
	return e.Redirect(http.StatusSeeOther, "/quizzes/"+quiz.Id+"/attempts/"+strconv.Itoa(attempt.GetInt("number")))
}
