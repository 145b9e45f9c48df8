package access_test

// The training access matrix through the REST API: every role × list, view,
// create, update and delete on courses, lessons, quizzes, quiz_questions,
// quiz_answer_keys, enrollments and quiz_attempts, on a fresh clone of the
// fixture with testapp.SeedTraining and a few learners' records applied.
// Besides who sees what, it proves that no response a partner can get
// (lists, views, expands, filters) carries an answer key.

import (
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// Learners' records the training scenarios add.
const (
	enrolDiego = "enroldiego00001" // acme user in Partner 101
	enrolCarla = "enrolcarla00001" // acme admin in the gold course
	enrolFabio = "enrolfabio00001" // globex user in Partner 101
	attDiego   = "attemptdiego001" // acme user's submitted attempt at the Partner 101 quiz
	attFabio   = "attemptfabio001" // globex user's open attempt at it
)

// keyID is the fixed id the scenarios give a question's answer key.
func keyID(question string) string { return "key" + question[:12] }

// learnFactory is the fixture with the training curriculum, answer keys
// under fixed ids, three enrolments and two attempts.
func learnFactory(t testing.TB) *tests.TestApp {
	t.Helper()
	app := testapp.Factory(t)
	testapp.SeedTraining(t, app)
	if _, err := app.DB().NewQuery("DELETE FROM quiz_answer_keys").Execute(); err != nil {
		t.Fatal(err)
	}
	for _, q := range testapp.FixtureQuestions {
		saveNew(t, app, "quiz_answer_keys", keyID(q.ID), map[string]any{"question": q.ID, "correct": q.Correct,
			"explanation": q.Explanation})
	}
	saveNew(t, app, "enrollments", enrolDiego, map[string]any{"user": testapp.AcmeUserID, "course": testapp.CourseBasics})
	saveNew(t, app, "enrollments", enrolCarla, map[string]any{"user": testapp.AcmeAdminID, "course": testapp.CourseGold})
	saveNew(t, app, "enrollments", enrolFabio, map[string]any{"user": testapp.GlobexUserID, "course": testapp.CourseBasics})
	now := time.Now().UTC()
	saveNew(t, app, "quiz_attempts", attDiego, map[string]any{"user": testapp.AcmeUserID, "partner": testapp.PartnerAcme,
		"quiz": testapp.QuizBasics, "course": testapp.CourseBasics, "number": 1, "started": now.Add(-time.Hour),
		"submitted": now.Add(-50 * time.Minute), "answers": map[string][]string{testapp.QuestionBasicsSingle: {"b"}},
		"results": map[string]any{testapp.QuestionBasicsSingle: map[string]any{"correct": true, "points": 1}},
		"points":  1, "max_points": 4, "score": 25})
	saveNew(t, app, "quiz_attempts", attFabio, map[string]any{"user": testapp.GlobexUserID, "partner": testapp.PartnerGlobex,
		"quiz": testapp.QuizBasics, "course": testapp.CourseBasics, "number": 1, "started": now})
	return app
}

// runLearn runs scenarios on learnFactory.
func runLearn(t *testing.T, scenarios []tests.ApiScenario) {
	t.Helper()
	for i := range scenarios {
		scenarios[i].TestAppFactory = cachedLearnFactory
	}
	run(t, scenarios)
}

var (
	allCourses    = []string{testapp.CourseBasics, testapp.CourseSales, testapp.CourseGold, testapp.CourseDraft}
	acmeCourses   = []string{testapp.CourseBasics, testapp.CourseSales, testapp.CourseGold}
	globexCourses = []string{testapp.CourseBasics, testapp.CourseSales}
	allLessons    = []string{testapp.LessonBasics1, testapp.LessonBasics2, testapp.LessonBasics3, testapp.LessonSales1,
		testapp.LessonSales2, testapp.LessonGold1, testapp.LessonDraft1}
	allQuizzes   = []string{testapp.QuizBasics, testapp.QuizSales}
	allQuestions = []string{testapp.QuestionBasicsSingle, testapp.QuestionBasicsMultiple, testapp.QuestionBasicsTrue,
		testapp.QuestionSales1}
	allEnrols   = []string{enrolDiego, enrolCarla, enrolFabio}
	allAttempts = []string{attDiego, attFabio}

	// byAudience: what each role sees of records that follow their course.
	byAudience = map[actor][]string{guest: nil, admin: allCourses, ana: allCourses, bruno: allCourses,
		acmeAdmin: acmeCourses, acmeUser: acmeCourses, globexAdmin: globexCourses, globexUser: globexCourses}
	lessonCourse = map[string]string{testapp.LessonBasics1: testapp.CourseBasics, testapp.LessonBasics2: testapp.CourseBasics,
		testapp.LessonBasics3: testapp.CourseBasics, testapp.LessonSales1: testapp.CourseSales, testapp.LessonSales2: testapp.CourseSales,
		testapp.LessonGold1: testapp.CourseGold, testapp.LessonDraft1: testapp.CourseDraft}

	// Learners' facts: their own, their organisation's for a partner admin,
	// their partners' for a manager, all for an admin.
	visibleEnrols = map[actor][]string{guest: nil, admin: allEnrols, ana: {enrolDiego, enrolCarla}, bruno: {enrolFabio},
		acmeAdmin: {enrolDiego, enrolCarla}, acmeUser: {enrolDiego}, globexAdmin: {enrolFabio}, globexUser: {enrolFabio}}
	visibleAttempts = map[actor][]string{guest: nil, admin: allAttempts, ana: {attDiego}, bruno: {attFabio},
		acmeAdmin: {attDiego}, acmeUser: {attDiego}, globexAdmin: {attFabio}, globexUser: {attFabio}}
)

// answerKeyLeaks are fragments that only an answer key holds: the stored
// correct-option lists and every explanation.
func answerKeyLeaks() []string {
	out := []string{`"correct":[`, `"explanation"`}
	for _, q := range testapp.FixtureQuestions {
		out = append(out, q.Explanation)
	}
	return out
}

// visibleOf returns the ids whose course the actor sees.
func visibleOf(a actor, ids []string, courseOf func(string) string) []string {
	var out []string
	for _, id := range ids {
		if slices.Contains(byAudience[a], courseOf(id)) {
			out = append(out, id)
		}
	}
	return out
}

func TestTrainingAPICourses(t *testing.T) {
	var s []tests.ApiScenario
	for _, a := range actors {
		vis := byAudience[a]
		s = append(s, listS(a, "courses", allCourses, vis, nil))
		for _, id := range allCourses {
			s = append(s, viewS(a, "courses", id, "course "+id, slices.Contains(vis, id), nil))
		}
		st, want := http.StatusBadRequest, 0
		if isStaff(a) {
			st, want = http.StatusOK, 1
		}
		s = append(s, createS(a, "courses", "a course", map[string]any{"title": "Matrix course", "slug": "matrix-course",
			"summary": "S", "level": "beginner", "language": "en", "minutes": 10, "audience": "all", "published": false},
			st, countWith("courses", "slug", "matrix-course", want)))
		s = append(s, updateDocS(a, "courses", testapp.CourseBasics, "Partner 101", map[string]any{"title": "Renamed"},
			isStaff(a), http.StatusNotFound))
		s = append(s, deleteS(a, "courses", testapp.CourseDraft, "the draft course", a == admin, http.StatusNotFound,
			countWith("courses", "id", testapp.CourseDraft, 1)))
	}
	// Derived counts and the rendered description are the server's.
	s = append(s,
		updateDocS(admin, "courses", testapp.CourseBasics, "Partner 101", map[string]any{"lesson_count": 99}, false, http.StatusNotFound),
		updateDocS(ana, "courses", testapp.CourseBasics, "Partner 101", map[string]any{"description_html": "<b>x</b>"}, false, http.StatusNotFound),
	)
	runLearn(t, s)
}

func TestTrainingAPILessonsAndQuizzes(t *testing.T) {
	lessonOf := func(id string) string { return lessonCourse[id] }
	quizOf := func(id string) string {
		return map[string]string{testapp.QuizBasics: testapp.CourseBasics, testapp.QuizSales: testapp.CourseSales}[id]
	}
	questionOf := func(id string) string {
		if id == testapp.QuestionSales1 {
			return testapp.CourseSales
		}
		return testapp.CourseBasics
	}
	leaks := answerKeyLeaks()
	var s []tests.ApiScenario
	for _, a := range actors {
		vis := visibleOf(a, allLessons, lessonOf)
		s = append(s, listS(a, "lessons", allLessons, vis, nil))
		for _, id := range []string{testapp.LessonGold1, testapp.LessonDraft1, testapp.LessonSales1} {
			s = append(s, viewS(a, "lessons", id, "lesson "+id, slices.Contains(vis, id), nil))
		}
		qvis := visibleOf(a, allQuizzes, quizOf)
		s = append(s, listS(a, "quizzes", allQuizzes, qvis, nil))
		s = append(s, viewS(a, "quizzes", testapp.QuizBasics, "the Partner 101 quiz", slices.Contains(qvis, testapp.QuizBasics), nil))
		// Questions: prompt and options only, never the key.
		qqvis := visibleOf(a, allQuestions, questionOf)
		s = append(s, listS(a, "quiz_questions", allQuestions, qqvis, leaks))
		s = append(s, viewS(a, "quiz_questions", testapp.QuestionBasicsMultiple, "the multiple-choice question",
			slices.Contains(qqvis, testapp.QuestionBasicsMultiple), leaks))

		st, want := http.StatusBadRequest, 0
		if isStaff(a) {
			st, want = http.StatusOK, 1
		}
		s = append(s,
			createS(a, "lessons", "a lesson", map[string]any{"course": testapp.CourseBasics, "title": "Matrix lesson", "order": 9},
				st, countWith("lessons", "title", "Matrix lesson", want)),
			createS(a, "quizzes", "a quiz", map[string]any{"course": testapp.CourseBasics, "title": "Matrix quiz", "pass_mark": 50},
				st, countWith("quizzes", "title", "Matrix quiz", want)),
			createS(a, "quiz_questions", "a question", map[string]any{"quiz": testapp.QuizSales, "kind": "single",
				"prompt": "Matrix question?", "options": []map[string]string{{"id": "a", "text": "A"}, {"id": "b", "text": "B"}}, "points": 1},
				st, countWith("quiz_questions", "prompt", "Matrix question?", want)),
			updateDocS(a, "lessons", testapp.LessonBasics1, "the first lesson", map[string]any{"title": "Renamed lesson"},
				isStaff(a), http.StatusNotFound),
			updateDocS(a, "quizzes", testapp.QuizBasics, "the Partner 101 quiz", map[string]any{"pass_mark": 10},
				isStaff(a), http.StatusNotFound),
			updateDocS(a, "quiz_questions", testapp.QuestionSales1, "the sales question", map[string]any{"prompt": "Renamed?"},
				isStaff(a), http.StatusNotFound),
			deleteS(a, "lessons", testapp.LessonDraft1, "the draft's lesson", isStaff(a), http.StatusNotFound,
				countWith("lessons", "id", testapp.LessonDraft1, 1)),
			deleteS(a, "quiz_questions", testapp.QuestionSales1, "the sales question", isStaff(a), http.StatusNotFound,
				countWith("quiz_questions", "id", testapp.QuestionSales1, 1)),
		)
	}
	runLearn(t, s)
}

func TestTrainingAPIAnswerKeys(t *testing.T) {
	allKeys := make([]string, len(testapp.FixtureQuestions))
	for i, q := range testapp.FixtureQuestions {
		allKeys[i] = keyID(q.ID)
	}
	leaks := answerKeyLeaks()
	var s []tests.ApiScenario
	for _, a := range actors {
		staff := isStaff(a)
		var vis []string
		notExpected := leaks
		if staff {
			vis, notExpected = allKeys, nil
		}
		// Partners get nothing: not a list entry, not a view.
		s = append(s, listS(a, "quiz_answer_keys", allKeys, vis, notExpected))
		for _, id := range allKeys {
			s = append(s, viewS(a, "quiz_answer_keys", id, "answer key "+id, staff, notExpected))
		}
		// A second key for the sales question: partners are refused by the
		// rule, staff by the unique (question) index.
		s = append(s, createS(a, "quiz_answer_keys", "a key for the sales question",
			map[string]any{"question": testapp.QuestionSales1, "correct": []string{"b"}}, http.StatusBadRequest,
			countWith("quiz_answer_keys", "question", testapp.QuestionSales1, 1)))
		s = append(s, updateDocS(a, "quiz_answer_keys", keyID(testapp.QuestionSales1), "the sales key",
			map[string]any{"explanation": "Changed"}, staff, http.StatusNotFound))
		s = append(s, deleteS(a, "quiz_answer_keys", keyID(testapp.QuestionSales1), "the sales key", staff, http.StatusNotFound,
			countWith("quiz_answer_keys", "question", testapp.QuestionSales1, 1)))
	}
	// A new question's key by staff.
	s = append(s, tests.ApiScenario{
		Name: "manager ana creates a key for a new question → 200", Method: http.MethodPost,
		URL: recordsURL("quiz_answer_keys"), Body: jsonBody(map[string]any{"question": "qnewquestion001", "correct": []string{"a"}}),
		BeforeTestFunc: as(ana, func(t testing.TB, app *tests.TestApp) {
			saveNew(t, app, "quiz_questions", "qnewquestion001", map[string]any{"quiz": testapp.QuizSales, "kind": "single",
				"prompt": "New?", "options": []map[string]string{{"id": "a", "text": "A"}, {"id": "b", "text": "B"}}, "points": 1})
		}),
		ExpectedStatus:  http.StatusOK,
		ExpectedContent: []string{`"question":"qnewquestion001"`},
	})
	// Reaching the keys sideways: expanding the back-relation from the
	// questions, or filtering questions by their key, tells a partner
	// nothing.
	for _, a := range []actor{acmeUser, globexAdmin, admin} {
		want := `"totalItems":0`
		if a == admin {
			// The control: the same filters do find the question for staff.
			want = `"totalItems":1`
		}
		s = append(s, tests.ApiScenario{
			Name:   a.name + " expands the answer keys from the questions",
			Method: http.MethodGet, URL: recordsURL("quiz_questions") + "?expand=quiz_answer_keys_via_question&perPage=200",
			BeforeTestFunc:     as(a),
			ExpectedStatus:     http.StatusOK,
			ExpectedContent:    []string{`"totalItems":4`},
			NotExpectedContent: map[bool][]string{true: nil, false: append([]string{`"quiz_answer_keys_via_question"`}, leaks...)}[a == admin],
		})
		for _, f := range []string{"quiz_answer_keys_via_question.correct ~ 'b'", "quiz_answer_keys_via_question.explanation ~ 'Ponte'"} {
			s = append(s, tests.ApiScenario{
				Name:   a.name + " filters questions by " + f + " → " + want,
				Method: http.MethodGet, URL: recordsURL("quiz_questions") + "?perPage=200&filter=" + urlEscape(f),
				BeforeTestFunc:  as(a),
				ExpectedStatus:  http.StatusOK,
				ExpectedContent: []string{want},
			})
		}
	}
	runLearn(t, s)
}

func urlEscape(s string) string {
	return strings.NewReplacer(" ", "%20", "'", "%27", "~", "%7E").Replace(s)
}

func TestTrainingAPIEnrollments(t *testing.T) {
	leaks := answerKeyLeaks()
	var s []tests.ApiScenario
	for _, a := range actors {
		vis := visibleEnrols[a]
		s = append(s, listS(a, "enrollments", allEnrols, vis, leaks))
		for _, id := range allEnrols {
			s = append(s, viewS(a, "enrollments", id, "enrolment "+id, slices.Contains(vis, id), leaks))
		}
		// Nobody deletes an enrolment (superusers only).
		s = append(s, deleteS(a, "enrollments", enrolDiego, "Diego's enrolment", false, http.StatusForbidden,
			countWith("enrollments", "id", enrolDiego, 1)))
		// Ticking a lesson: the learner only.
		s = append(s, updateDocS(a, "enrollments", enrolDiego, "Diego's enrolment",
			map[string]any{"last_lesson": testapp.LessonBasics2}, a == acmeUser, http.StatusNotFound))
		if a == guest {
			continue
		}
		// Enrolling oneself in Partner 101 (everyone's audience).
		st, want := http.StatusOK, 1
		if a == acmeUser || a == globexUser {
			st, want = http.StatusBadRequest, 1 // already enrolled: the unique index
		}
		s = append(s, createS(a, "enrollments", "their enrolment in Partner 101",
			map[string]any{"user": a.id, "course": testapp.CourseBasics}, st,
			countWhere("enrollments", "user = {:u} && course = {:c}", dbx.Params{"u": a.id, "c": testapp.CourseBasics}, want)))
	}
	s = append(s,
		// Not in someone else's name, not outside the audience, not a draft,
		// not with the server's fields, not before the prerequisites.
		createS(acmeAdmin, "enrollments", "an enrolment for Fabio", map[string]any{"user": testapp.GlobexUserID, "course": testapp.CourseSales},
			http.StatusBadRequest, countWith("enrollments", "course", testapp.CourseSales, 0)),
		createS(globexUser, "enrollments", "their enrolment in the gold course", map[string]any{"user": testapp.GlobexUserID, "course": testapp.CourseGold},
			http.StatusBadRequest, countWith("enrollments", "course", testapp.CourseGold, 1)),
		createS(acmeAdmin, "enrollments", "their enrolment in the draft course", map[string]any{"user": testapp.AcmeAdminID, "course": testapp.CourseDraft},
			http.StatusBadRequest, countWith("enrollments", "course", testapp.CourseDraft, 0)),
		createS(acmeAdmin, "enrollments", "a completed enrolment", map[string]any{"user": testapp.AcmeAdminID, "course": testapp.CourseBasics,
			"status": "completed", "progress": 100}, http.StatusBadRequest, countWhere("enrollments", "user = {:u} && course = {:c}",
			dbx.Params{"u": testapp.AcmeAdminID, "c": testapp.CourseBasics}, 0)),
		createS(acmeAdmin, "enrollments", "their enrolment in Selling Ponte before Partner 101", map[string]any{"user": testapp.AcmeAdminID,
			"course": testapp.CourseSales}, http.StatusBadRequest, countWith("enrollments", "course", testapp.CourseSales, 0)),
		// The learner may not set what the server keeps, nor tick a lesson
		// of another course.
		updateDocS(acmeUser, "enrollments", enrolDiego, "their enrolment", map[string]any{"progress": 100}, false, http.StatusNotFound),
		updateDocS(acmeUser, "enrollments", enrolDiego, "their enrolment", map[string]any{"status": "completed"}, false, http.StatusNotFound),
		updateDocS(acmeUser, "enrollments", enrolDiego, "their enrolment", map[string]any{"passed_quizzes": []string{testapp.QuizBasics}}, false, http.StatusNotFound),
		updateDocS(acmeUser, "enrollments", enrolDiego, "their enrolment", map[string]any{"course": testapp.CourseGold}, false, http.StatusNotFound),
		updateDocS(acmeUser, "enrollments", enrolDiego, "their enrolment", map[string]any{"completed_lessons": []string{testapp.LessonGold1}},
			false, http.StatusBadRequest),
	)
	// Ticking two lessons through the API recomputes the progress: 2 of
	// 3 lessons and 1 quiz = 50 %.
	s = append(s, tests.ApiScenario{
		Name:   "partner_user acme ticks two lessons of their enrolment → 200, 50 %",
		Method: http.MethodPatch, URL: recordsURL("enrollments") + "/" + enrolDiego,
		Body:            jsonBody(map[string]any{"completed_lessons": []string{testapp.LessonBasics1, testapp.LessonBasics2}}),
		BeforeTestFunc:  as(acmeUser),
		ExpectedStatus:  http.StatusOK,
		ExpectedContent: []string{`"progress":50`, `"status":"in_progress"`},
		AfterTestFunc:   afterAll(fieldsAre("enrollments", enrolDiego, map[string]any{"progress": 50, "partner": testapp.PartnerAcme})),
	})
	runLearn(t, s)
}

func TestTrainingAPIAttempts(t *testing.T) {
	leaks := answerKeyLeaks()
	var s []tests.ApiScenario
	for _, a := range actors {
		vis := visibleAttempts[a]
		s = append(s, listS(a, "quiz_attempts", allAttempts, vis, leaks))
		for _, id := range allAttempts {
			s = append(s, viewS(a, "quiz_attempts", id, "attempt "+id, slices.Contains(vis, id), leaks))
		}
		// Attempts are started and graded by the server only.
		s = append(s,
			createS(a, "quiz_attempts", "an attempt", map[string]any{"user": a.id, "quiz": testapp.QuizSales,
				"course": testapp.CourseSales, "number": 1, "started": "2026-01-01 10:00:00.000Z", "score": 100, "passed": true},
				http.StatusForbidden, countWith("quiz_attempts", "quiz", testapp.QuizSales, 0)),
			updateDocS(a, "quiz_attempts", attFabio, "Fabio's open attempt", map[string]any{"score": 100, "passed": true},
				false, http.StatusForbidden),
			deleteS(a, "quiz_attempts", attDiego, "Diego's attempt", false, http.StatusForbidden,
				countWith("quiz_attempts", "id", attDiego, 1)),
		)
	}
	runLearn(t, s)
}

// keep the core import for helpers shared with other matrix files.
var _ core.App = (*tests.TestApp)(nil)

// cachedLearnFactory is learnFactory seeded once per test binary and cloned for each scenario.
var cachedLearnFactory = testapp.Cached(learnFactory)
