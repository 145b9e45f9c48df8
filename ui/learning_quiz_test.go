package ui_test

import (
	"errors"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/testapp"
	"github.com/ponte-portal/ponte/internal/training"
)

// enrolledInBasics signs a Globex user in (en) and starts Partner 101.
func enrolledInBasics(t *testing.T, email string) (*tests.TestApp, *browser, string) {
	t.Helper()
	app, srv := learnServer(t)
	b := signedIn(t, app, srv, email)
	expectStatus(t, b.post("/courses/partner-101/enrol", nil), http.StatusSeeOther, "enrol")
	return app, b, "/quizzes/" + testapp.QuizBasics
}

func TestLearnQuizGradingLimitAndCooldown(t *testing.T) {
	app, b, quiz := enrolledInBasics(t, testapp.GlobexUserEmail)
	r := b.get(quiz)
	expectStatus(t, r, http.StatusOK, "quiz intro")
	expectContains(t, r, "quiz intro", "70%", "0 of 3 used", "15 min", "10 min", `action="/quizzes/`+testapp.QuizBasics+`/start"`)

	// Attempt 1: single wrong, multiple half right, true/false right: 1 of 4.
	form := startQuiz(t, b, testapp.QuizBasics)
	if form != quiz+"/attempts/1" {
		t.Fatalf("first attempt at %s", form)
	}
	// Starting again resumes the open attempt.
	if again := startQuiz(t, b, testapp.QuizBasics); again != form {
		t.Errorf("second start went to %s, want the open %s", again, form)
	}
	expectContains(t, b.get(quiz), "open attempt", "Resume your attempt")
	r = b.post(form, answers(map[string][]string{testapp.QuestionBasicsSingle: {"a"}, testapp.QuestionBasicsMultiple: {"a"},
		testapp.QuestionBasicsTrue: {"true"}}))
	expectStatus(t, r, http.StatusSeeOther, "submit 1")
	a := attempt(t, app, testapp.GlobexUserID, testapp.QuizBasics, 1)
	if a.GetInt("points") != 1 || a.GetInt("max_points") != 4 || a.GetFloat("score") != 25 || a.GetBool("passed") {
		t.Errorf("attempt 1 graded %v", a.FieldsData())
	}
	res := training.StoredResults(a)
	if res[testapp.QuestionBasicsSingle].Correct || res[testapp.QuestionBasicsMultiple].Correct ||
		!res[testapp.QuestionBasicsTrue].Correct || res[testapp.QuestionBasicsTrue].Points != 1 {
		t.Errorf("attempt 1 results %v", res)
	}
	r = b.get(form + "/result")
	expectStatus(t, r, http.StatusOK, "result 1")
	expectContains(t, r, "result 1", "Not passed this time", "Score: 25% (1 of 4 points)", "Everything lives in Ponte.",
		"Wrong", "Right", "A spreadsheet")

	// The cooldown: 429 with the wait, translated, and nothing written.
	r = b.post(quiz+"/start", nil)
	expectStatus(t, r, http.StatusTooManyRequests, "start during cooldown")
	expectContains(t, r, "start during cooldown", "You can try again in 10 min.")
	if n := learnCount(t, app, "quiz_attempts", dbx.HashExp{"user": testapp.GlobexUserID}); n != 1 {
		t.Errorf("%d attempts after a refused start", n)
	}

	// Attempt 2, an hour later: single right, multiple right, true/false
	// unanswered: 3 of 4 = 75 %, passed (70 %).
	backdate(t, app, testapp.GlobexUserID, testapp.QuizBasics)
	form = startQuiz(t, b, testapp.QuizBasics)
	r = b.post(form, answers(map[string][]string{testapp.QuestionBasicsSingle: {"b"}, testapp.QuestionBasicsMultiple: {"c", "a"}}))
	expectStatus(t, r, http.StatusSeeOther, "submit 2")
	a = attempt(t, app, testapp.GlobexUserID, testapp.QuizBasics, 2)
	if a.GetInt("points") != 3 || a.GetFloat("score") != 75 || !a.GetBool("passed") {
		t.Errorf("attempt 2 graded %v", a.FieldsData())
	}
	expectContains(t, b.get(form+"/result"), "result 2", "You passed", "Score: 75% (3 of 4 points)", "no answer")
	e, _ := training.FindEnrollment(app, testapp.GlobexUserID, testapp.CourseBasics)
	// 0 of 3 lessons + 1 of 1 quiz.
	if e.GetInt("progress") != 25 || len(e.GetStringSlice("passed_quizzes")) != 1 {
		t.Errorf("enrolment after passing: %v", e.FieldsData())
	}
	for kind, want := range map[string]int{"training.quiz_started": 2, "training.quiz_submitted": 2, "training.quiz_passed": 1} {
		if n := learnCount(t, app, "activity", dbx.HashExp{"kind": kind, "user": testapp.GlobexUserID}); n != want {
			t.Errorf("%d %s events, want %d", n, kind, want)
		}
	}

	// Attempt 3, then the limit: 409.
	backdate(t, app, testapp.GlobexUserID, testapp.QuizBasics)
	form = startQuiz(t, b, testapp.QuizBasics)
	expectStatus(t, b.post(form, answers(allRight)), http.StatusSeeOther, "submit 3")
	if a = attempt(t, app, testapp.GlobexUserID, testapp.QuizBasics, 3); a.GetFloat("score") != 100 {
		t.Errorf("attempt 3 score %v, want 100", a.GetFloat("score"))
	}
	backdate(t, app, testapp.GlobexUserID, testapp.QuizBasics)
	r = b.post(quiz+"/start", nil)
	expectStatus(t, r, http.StatusConflict, "start past the limit")
	expectContains(t, r, "start past the limit", "You have used all the attempts of this quiz.", "Best score", "100%")
	if n := learnCount(t, app, "quiz_attempts", dbx.HashExp{"user": testapp.GlobexUserID}); n != 3 {
		t.Errorf("%d attempts, want 3", n)
	}
}

func TestLearnQuizBadInput(t *testing.T) {
	app, b, quiz := enrolledInBasics(t, testapp.GlobexUserEmail)
	// Nothing started: 404 for the form, the submit and the result.
	expectStatus(t, b.get(quiz+"/attempts/1"), http.StatusNotFound, "form of an attempt not started")
	expectStatus(t, b.post(quiz+"/attempts/1", answers(allRight)), http.StatusNotFound, "submit an attempt not started")
	expectStatus(t, b.get(quiz+"/attempts/1/result"), http.StatusNotFound, "result of an attempt not started")
	expectStatus(t, b.get(quiz+"/attempts/x"), http.StatusNotFound, "attempt number not a number")

	form := startQuiz(t, b, testapp.QuizBasics)
	// The result before submission sends the owner to the form.
	r := b.get(form + "/result")
	expectStatus(t, r, http.StatusSeeOther, "result before submit")
	if r.Header.Get("Location") != form {
		t.Errorf("result before submit went to %q", r.Header.Get("Location"))
	}
	bad := []struct {
		name    string
		answers map[string][]string
		want    string
	}{
		{"unknown option", map[string][]string{testapp.QuestionBasicsSingle: {"z"}}, "An answer names an option this question does not have."},
		{"option of another question", map[string][]string{testapp.QuestionBasicsTrue: {"a"}}, "An answer names an option this question does not have."},
		{"question of another quiz", map[string][]string{testapp.QuestionSales1: {"a"}}, "An answer is for a question that is not in this attempt."},
		{"two options for a single question", map[string][]string{testapp.QuestionBasicsSingle: {"a", "b"}}, "Choose only one option for this question."},
		{"both true and false", map[string][]string{testapp.QuestionBasicsTrue: {"true", "false"}}, "Choose only one option for this question."},
	}
	for _, c := range bad {
		in := map[string][]string{testapp.QuestionBasicsMultiple: {"a", "c"}}
		for k, v := range c.answers {
			in[k] = v
		}
		r := b.post(form, answers(in))
		expectStatus(t, r, http.StatusBadRequest, c.name)
		expectContains(t, r, c.name, c.want)
		if _, other := c.answers[testapp.QuestionSales1]; !other {
			expectContains(t, r, c.name, `class="learn-question has-error"`)
		}
		// The form keeps what was chosen.
		if !regexp.MustCompile(`name="q_` + testapp.QuestionBasicsMultiple + `" value="c" checked`).MatchString(r.Body) {
			t.Errorf("%s: the form lost the chosen options", c.name)
		}
		a := attempt(t, app, testapp.GlobexUserID, testapp.QuizBasics, 1)
		if !a.GetDateTime("submitted").IsZero() || a.GetString("answers") != "{}" {
			t.Errorf("%s: attempt written: %v", c.name, a.FieldsData())
		}
	}
	if n := learnCount(t, app, "activity", dbx.HashExp{"kind": "training.quiz_submitted"}); n != 0 {
		t.Errorf("%d submitted events after refusals", n)
	}

	// Another learner reaches nobody's attempt but their own.
	other := signedIn(t, app, b.srv, testapp.GlobexAdminEmail)
	expectStatus(t, other.get(form), http.StatusNotFound, "another learner's form")
	expectStatus(t, other.post(form, answers(allRight)), http.StatusNotFound, "another learner submits")

	// Submitted once; the second submit is a 409 and changes nothing.
	expectStatus(t, b.post(form, answers(allRight)), http.StatusSeeOther, "submit")
	r = b.post(form, answers(map[string][]string{testapp.QuestionBasicsSingle: {"a"}}))
	expectStatus(t, r, http.StatusConflict, "submit twice")
	expectContains(t, r, "submit twice", "This attempt was already submitted.")
	if a := attempt(t, app, testapp.GlobexUserID, testapp.QuizBasics, 1); a.GetFloat("score") != 100 {
		t.Errorf("second submit changed the score to %v", a.GetFloat("score"))
	}
	// The form of a submitted attempt goes to its result.
	r = b.get(form)
	expectStatus(t, r, http.StatusSeeOther, "form after submit")

	// The partner admin of the same partner may read the result; the
	// other partner's people may not.
	elena := other
	expectStatus(t, elena.get(form+"/result?user="+testapp.GlobexUserID), http.StatusOK, "partner admin reads a colleague's result")
	carla := signedIn(t, app, b.srv, testapp.AcmeAdminEmail)
	expectStatus(t, carla.get(form+"/result?user="+testapp.GlobexUserID), http.StatusNotFound, "other partner reads the result")
}

func TestLearnQuizDeadline(t *testing.T) {
	app, b, quiz := enrolledInBasics(t, testapp.GlobexUserEmail)
	form := startQuiz(t, b, testapp.QuizBasics)
	a := attempt(t, app, testapp.GlobexUserID, testapp.QuizBasics, 1)
	started := a.GetDateTime("started").Time()
	if d := a.GetDateTime("deadline").Time().Sub(started); d != 15*time.Minute {
		t.Errorf("deadline %v after the start, want 15m", d)
	}
	r := b.get(form)
	expectContains(t, r, "form", `data-deadline="`, "js/quiz.js")
	// Time passes: 20 minutes later the submit is refused and the attempt
	// closed as failed, so it counts.
	a.Set("started", started.Add(-20*time.Minute))
	a.Set("deadline", started.Add(-5*time.Minute))
	if err := app.Save(a); err != nil {
		t.Fatal(err)
	}
	r = b.post(form, answers(allRight))
	expectStatus(t, r, http.StatusConflict, "submit after the deadline")
	expectContains(t, r, "submit after the deadline", "Time is up: this attempt was closed and counts as failed.", "1 of 3 used")
	a = attempt(t, app, testapp.GlobexUserID, testapp.QuizBasics, 1)
	if a.GetDateTime("submitted").IsZero() || a.GetBool("passed") || a.GetFloat("score") != 0 || a.GetString("answers") != "{}" {
		t.Errorf("late attempt not closed as failed: %v", a.FieldsData())
	}
	// Within the grace a submit still counts.
	backdate(t, app, testapp.GlobexUserID, testapp.QuizBasics)
	form = startQuiz(t, b, testapp.QuizBasics)
	a = attempt(t, app, testapp.GlobexUserID, testapp.QuizBasics, 2)
	a.Set("deadline", time.Now().UTC().Add(-training.Grace/2))
	if err := app.Save(a); err != nil {
		t.Fatal(err)
	}
	expectStatus(t, b.post(form, answers(allRight)), http.StatusSeeOther, "submit within the grace")
	// An unsubmitted attempt that ran out is closed when the form is opened.
	backdate(t, app, testapp.GlobexUserID, testapp.QuizBasics)
	form = startQuiz(t, b, testapp.QuizBasics)
	a = attempt(t, app, testapp.GlobexUserID, testapp.QuizBasics, 3)
	a.Set("deadline", time.Now().UTC().Add(-time.Minute))
	if err := app.Save(a); err != nil {
		t.Fatal(err)
	}
	r = b.get(form)
	expectStatus(t, r, http.StatusSeeOther, "form after the deadline")
	if r.Header.Get("Location") != form+"/result" {
		t.Errorf("expired form went to %q", r.Header.Get("Location"))
	}
	if a = attempt(t, app, testapp.GlobexUserID, testapp.QuizBasics, 3); a.GetDateTime("submitted").IsZero() {
		t.Error("expired attempt not closed on opening")
	}
	_ = quiz
}

// The quiz pages never say which option is right: no answer-key data in
// the intro, the form (before and after a refused submit) or the source of
// any option.
func TestLearnQuizPagesNeverContainCorrectAnswers(t *testing.T) {
	app, b, quiz := enrolledInBasics(t, testapp.GlobexUserEmail)
	pages := []response{b.get(quiz)}
	form := startQuiz(t, b, testapp.QuizBasics)
	pages = append(pages, b.get(form), b.post(form, answers(map[string][]string{testapp.QuestionBasicsSingle: {"z"}})))
	input := regexp.MustCompile(`<input type="(radio|checkbox)" name="q_([a-z0-9]+)" value="([a-z]+)"( checked)?>`)
	for i, r := range pages {
		low := strings.ToLower(r.Body)
		for _, q := range testapp.FixtureQuestions {
			if q.Quiz != testapp.QuizBasics {
				continue
			}
			if strings.Contains(r.Body, q.Explanation) {
				t.Errorf("page %d shows the explanation of %s before submission", i, q.ID)
			}
		}
		for _, bad := range []string{"correct", "data-answer", "data-key", "answer_key", "<!--"} {
			if strings.Contains(low, bad) {
				t.Errorf("page %d contains %q", i, bad)
			}
		}
		// Every option input has the same shape: only its value differs.
		if i > 0 {
			m := input.FindAllStringSubmatch(r.Body, -1)
			if len(m) != 9 {
				t.Errorf("page %d: %d plain option inputs, want 9", i, len(m))
			}
		}
	}
	// The raw attempt and question records in the page's reach hold no key either.
	a := attempt(t, app, testapp.GlobexUserID, testapp.QuizBasics, 1)
	raw, _ := a.MarshalJSON()
	if strings.Contains(string(raw), "correct") {
		t.Errorf("the open attempt holds grading data: %s", raw)
	}
}

func TestLearnCertificateIssuedWhenBothCoursesAreDone(t *testing.T) {
	app, srv := learnServer(t)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	passBasics(t, diego)
	certs := func() int {
		return learnCount(t, app, "certificates", dbx.HashExp{"user": testapp.AcmeUserID})
	}
	if n := certs(); n != 0 {
		t.Fatalf("%d certificates after one of two courses", n)
	}
	for _, l := range []string{testapp.LessonSales1, testapp.LessonSales2} {
		expectStatus(t, diego.post("/courses/selling-ponte/lessons/"+l+"/complete", nil), http.StatusSeeOther, "complete "+l)
	}
	// A failed quiz issues nothing.
	form := startQuiz(t, diego, testapp.QuizSales)
	expectStatus(t, diego.post(form, answers(map[string][]string{testapp.QuestionSales1: {"b"}})), http.StatusSeeOther, "fail")
	if n := certs(); n != 0 {
		t.Fatalf("%d certificates after a failed quiz", n)
	}
	r := diego.get(form + "/result")
	expectNotContains(t, r, "failed result", "/certificates/")
	// Passing completes the course and certifies, once.
	form = startQuiz(t, diego, testapp.QuizSales)
	if !strings.HasSuffix(form, "/attempts/2") {
		t.Fatalf("second attempt at %s", form)
	}
	expectStatus(t, diego.post(form, answers(map[string][]string{testapp.QuestionSales1: {"a"}})), http.StatusSeeOther, "pass")
	if n := certs(); n != 1 {
		t.Fatalf("%d certificates after both courses, want 1", n)
	}
	cert, _ := app.FindFirstRecordByData("certificates", "user", testapp.AcmeUserID)
	r = diego.get(form + "/result")
	expectContains(t, r, "passed result", `href="/certificates/`+cert.Id+`"`, "Sales Specialist")
	expectContains(t, diego.get("/courses/selling-ponte"), "course page", `href="/certificates/`+cert.Id+`"`)
	e, _ := training.FindEnrollment(app, testapp.AcmeUserID, testapp.CourseSales)
	if e.GetString("status") != "completed" || e.GetInt("progress") != 100 {
		t.Errorf("Selling Ponte enrolment: %v", e.FieldsData())
	}
	if n := learnCount(t, app, "notifications", dbx.HashExp{"user": testapp.AcmeUserID, "kind": training.NotifyCertificateIssued}); n != 1 {
		t.Errorf("%d certificate notifications, want 1", n)
	}
	// A third attempt, passed again, issues no second certificate.
	form = startQuiz(t, diego, testapp.QuizSales)
	expectStatus(t, diego.post(form, answers(map[string][]string{testapp.QuestionSales1: {"a"}})), http.StatusSeeOther, "pass again")
	if n := certs(); n != 1 {
		t.Errorf("%d certificates after passing again, want 1", n)
	}
}

// A grade whose certificate cannot be issued commits nothing: the attempt
// stays open, the enrolment unchanged, no event written.
func TestLearnFailedIssuanceCommitsNoGrade(t *testing.T) {
	app, srv := learnServer(t)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	passBasics(t, diego)
	for _, l := range []string{testapp.LessonSales1, testapp.LessonSales2} {
		expectStatus(t, diego.post("/courses/selling-ponte/lessons/"+l+"/complete", nil), http.StatusSeeOther, "complete "+l)
	}
	form := startQuiz(t, diego, testapp.QuizSales)
	before, _ := training.FindEnrollment(app, testapp.AcmeUserID, testapp.CourseSales)
	events := learnCount(t, app, "activity", dbx.HashExp{"user": testapp.AcmeUserID})
	app.OnRecordCreate("certificates").BindFunc(func(e *core.RecordEvent) error { return errors.New("disk full") })
	r := diego.post(form, answers(map[string][]string{testapp.QuestionSales1: {"a"}}))
	if r.Status < 500 {
		t.Fatalf("grading with a failing issuance answered %d", r.Status)
	}
	expectNotContains(t, r, "failed grade", "disk full")
	n, _ := strconv.Atoi(form[strings.LastIndex(form, "/")+1:])
	a := attempt(t, app, testapp.AcmeUserID, testapp.QuizSales, n)
	if !a.GetDateTime("submitted").IsZero() || a.GetBool("passed") {
		t.Errorf("attempt committed by a failed grade: %v", a.FieldsData())
	}
	after, _ := training.FindEnrollment(app, testapp.AcmeUserID, testapp.CourseSales)
	if after.GetString("status") != before.GetString("status") || after.GetInt("progress") != before.GetInt("progress") ||
		len(after.GetStringSlice("passed_quizzes")) != 0 {
		t.Errorf("enrolment changed by a failed grade: %v → %v", before.FieldsData(), after.FieldsData())
	}
	if got := learnCount(t, app, "activity", dbx.HashExp{"user": testapp.AcmeUserID}); got != events {
		t.Errorf("%d events written by a failed grade", got-events)
	}
	if n := learnCount(t, app, "certificates", dbx.HashExp{"user": testapp.AcmeUserID}); n != 0 {
		t.Errorf("%d certificates", n)
	}
}

// A quiz without questions cannot be started.
func TestLearnQuizWithoutQuestions(t *testing.T) {
	app, b, quiz := enrolledInBasics(t, testapp.GlobexUserEmail)
	if _, err := app.DB().NewQuery("DELETE FROM quiz_questions WHERE quiz = {:q}").Bind(dbx.Params{"q": testapp.QuizBasics}).Execute(); err != nil {
		t.Fatal(err)
	}
	expectNotContains(t, b.get(quiz), "intro without questions", "/start")
	r := b.post(quiz+"/start", nil)
	expectStatus(t, r, http.StatusConflict, "start without questions")
	expectContains(t, r, "start without questions", "This quiz has no questions yet.")
	if n := learnCount(t, app, "quiz_attempts", dbx.HashExp{"quiz": testapp.QuizBasics}); n != 0 {
		t.Errorf("%d attempts at a quiz without questions", n)
	}
}

// A quiz of a course outside the viewer's audience is a 404, its start too;
// a quiz that follows a lesson is offered on that lesson's page.
func TestLearnQuizOfAnInvisibleCourse(t *testing.T) {
	app, srv := learnServer(t)
	c, _ := app.FindCollectionByNameOrId("quizzes")
	q := core.NewRecord(c)
	q.Id = "quizgold0000001"
	q.Set("course", testapp.CourseGold)
	q.Set("lesson", testapp.LessonGold1)
	q.Set("title", "Gold quiz")
	q.Set("pass_mark", 50)
	if err := app.Save(q); err != nil {
		t.Fatal(err)
	}
	elena := signedIn(t, app, srv, testapp.GlobexAdminEmail)
	expectStatus(t, elena.get("/quizzes/"+q.Id), http.StatusNotFound, "Globex opens the gold quiz")
	expectStatus(t, elena.post("/quizzes/"+q.Id+"/start", nil), http.StatusNotFound, "Globex starts the gold quiz")
	expectStatus(t, elena.get("/quizzes/"+q.Id+"/attempts/1"), http.StatusNotFound, "Globex opens a gold attempt")
	carla := signedIn(t, app, srv, testapp.AcmeAdminEmail)
	expectStatus(t, carla.get("/quizzes/"+q.Id), http.StatusOK, "Acme opens the gold quiz")
	r := carla.get("/courses/gold-deep-dive/lessons/" + testapp.LessonGold1)
	expectContains(t, r, "lesson followed by a quiz", `href="/quizzes/`+q.Id+`"`, "Questionário: Gold quiz")
}
