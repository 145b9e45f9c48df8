package hooks_test

// The course content hooks: derived counts on courses and quizzes follow
// every create, update and delete of lessons, quizzes and questions (through
// app.Save and the REST API alike); slugs, prerequisites, quiz lessons,
// question options and answer keys are validated with translatable codes,
// and a refused save writes nothing.

import (
	"errors"
	"net/http"
	"strings"
	"testing"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// contentApp is a seeded app with the fixture curriculum.
func contentApp(t *testing.T) *tests.TestApp {
	t.Helper()
	app := testapp.New(t)
	testapp.SeedTraining(t, app)
	return app
}

// saveNew saves a new record of collection with fields.
func saveContent(app core.App, collection string, fields map[string]any) (*core.Record, error) {
	c, err := app.FindCollectionByNameOrId(collection)
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(c)
	for k, v := range fields {
		r.Set(k, v)
	}
	return r, app.Save(r)
}

// wantCode fails unless err is a validation error with code on field.
func wantContentCode(t *testing.T, err error, field, code string) {
	t.Helper()
	var verrs validation.Errors
	if !errors.As(err, &verrs) {
		t.Fatalf("error %v, want validation error %s on %s", err, code, field)
	}
	var ve validation.Error
	if fe, ok := verrs[field]; !ok || !errors.As(fe, &ve) || ve.Code() != code {
		t.Fatalf("errors %v, want %s on %s", verrs, code, field)
	}
}

// counts reads a record's number fields fresh from the database.
func contentCounts(t *testing.T, app core.App, collection, id string, fields ...string) []int {
	t.Helper()
	r, err := app.FindRecordById(collection, id)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]int, len(fields))
	for i, f := range fields {
		out[i] = r.GetInt(f)
	}
	return out
}

func TestTrainingContentCounts(t *testing.T) {
	app := contentApp(t)
	if got := contentCounts(t, app, "courses", testapp.CourseBasics, "lesson_count", "quiz_count"); got[0] != 3 || got[1] != 1 {
		t.Fatalf("Partner 101 counts %v, want [3 1]", got)
	}
	if got := contentCounts(t, app, "quizzes", testapp.QuizBasics, "question_count", "max_points"); got[0] != 3 || got[1] != 4 {
		t.Fatalf("quiz counts %v, want [3 4]", got)
	}

	// A lesson added, moved to another course, deleted.
	l, err := saveContent(app, "lessons", map[string]any{"course": testapp.CourseBasics, "title": "Extra", "order": 9})
	if err != nil {
		t.Fatal(err)
	}
	if got := contentCounts(t, app, "courses", testapp.CourseBasics, "lesson_count"); got[0] != 4 {
		t.Errorf("after adding a lesson: %v, want 4", got)
	}
	l.Set("course", testapp.CourseSales)
	if err := app.Save(l); err != nil {
		t.Fatal(err)
	}
	if a, b := contentCounts(t, app, "courses", testapp.CourseBasics, "lesson_count"), contentCounts(t, app, "courses", testapp.CourseSales, "lesson_count"); a[0] != 3 || b[0] != 3 {
		t.Errorf("after moving: basics %v sales %v, want 3 and 3", a, b)
	}
	if err := app.Delete(l); err != nil {
		t.Fatal(err)
	}
	if got := contentCounts(t, app, "courses", testapp.CourseSales, "lesson_count"); got[0] != 2 {
		t.Errorf("after deleting: %v, want 2", got)
	}

	// Saving a course loaded before a change never writes a stale count back.
	stale, err := app.FindRecordById("courses", testapp.CourseBasics)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := saveContent(app, "lessons", map[string]any{"course": testapp.CourseBasics, "title": "Another"}); err != nil {
		t.Fatal(err)
	}
	stale.Set("summary", "Changed")
	if err := app.Save(stale); err != nil {
		t.Fatal(err)
	}
	if got := contentCounts(t, app, "courses", testapp.CourseBasics, "lesson_count"); got[0] != 4 {
		t.Errorf("after saving a stale course: %v, want 4", got)
	}

	// Questions: points change, question deleted, quiz added and deleted.
	q, err := app.FindRecordById("quiz_questions", testapp.QuestionBasicsMultiple)
	if err != nil {
		t.Fatal(err)
	}
	q.Set("points", 5)
	if err := app.Save(q); err != nil {
		t.Fatal(err)
	}
	if got := contentCounts(t, app, "quizzes", testapp.QuizBasics, "question_count", "max_points"); got[0] != 3 || got[1] != 7 {
		t.Errorf("after raising points: %v, want [3 7]", got)
	}
	if err := app.Delete(q); err != nil {
		t.Fatal(err)
	}
	if got := contentCounts(t, app, "quizzes", testapp.QuizBasics, "question_count", "max_points"); got[0] != 2 || got[1] != 2 {
		t.Errorf("after deleting a question: %v, want [2 2]", got)
	}
	quiz, err := saveContent(app, "quizzes", map[string]any{"course": testapp.CourseBasics, "title": "Second", "pass_mark": 60})
	if err != nil {
		t.Fatal(err)
	}
	if got := contentCounts(t, app, "courses", testapp.CourseBasics, "quiz_count"); got[0] != 2 {
		t.Errorf("after adding a quiz: %v, want 2", got)
	}
	if err := app.Delete(quiz); err != nil {
		t.Fatal(err)
	}
	if got := contentCounts(t, app, "courses", testapp.CourseBasics, "quiz_count"); got[0] != 1 {
		t.Errorf("after deleting a quiz: %v, want 1", got)
	}
}

func TestTrainingContentCourseValidation(t *testing.T) {
	app := contentApp(t)
	base := map[string]any{"level": "beginner", "audience": "all"}
	with := func(extra map[string]any) map[string]any {
		m := map[string]any{}
		for k, v := range base {
			m[k] = v
		}
		for k, v := range extra {
			m[k] = v
		}
		return m
	}

	// Slug generated from the title, accents dropped, numbered when taken.
	c, err := saveContent(app, "courses", with(map[string]any{"title": "Introdução às Vendas"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.GetString("slug") != "introducao-as-vendas" {
		t.Errorf("slug %q, want introducao-as-vendas", c.GetString("slug"))
	}
	c2, err := saveContent(app, "courses", with(map[string]any{"title": "Introdução às vendas!"}))
	if err != nil {
		t.Fatal(err)
	}
	if c2.GetString("slug") != "introducao-as-vendas-2" {
		t.Errorf("second slug %q, want introducao-as-vendas-2", c2.GetString("slug"))
	}

	_, err = saveContent(app, "courses", with(map[string]any{"title": "Copy", "slug": "partner-101"}))
	wantContentCode(t, err, "slug", "validation_training_admin_slug_taken")
	_, err = saveContent(app, "courses", with(map[string]any{"title": "New", "slug": "new"}))
	wantContentCode(t, err, "slug", "validation_training_admin_slug_reserved")

	// Prerequisites: never itself, never a cycle (Sales requires Basics).
	basics, err := app.FindRecordById("courses", testapp.CourseBasics)
	if err != nil {
		t.Fatal(err)
	}
	basics.Set("prerequisites", []string{testapp.CourseBasics})
	wantContentCode(t, app.Save(basics), "prerequisites", "validation_training_admin_prereq_self")
	basics.Set("prerequisites", []string{testapp.CourseSales})
	wantContentCode(t, app.Save(basics), "prerequisites", "validation_training_admin_prereq_cycle")
	// A longer cycle: Gold → Sales → Basics → Gold.
	gold, err := app.FindRecordById("courses", testapp.CourseGold)
	if err != nil {
		t.Fatal(err)
	}
	gold.Set("prerequisites", []string{testapp.CourseSales})
	if err := app.Save(gold); err != nil {
		t.Fatal(err)
	}
	basics.Set("prerequisites", []string{testapp.CourseGold})
	wantContentCode(t, app.Save(basics), "prerequisites", "validation_training_admin_prereq_cycle")
	fresh, err := app.FindRecordById("courses", testapp.CourseBasics)
	if err != nil {
		t.Fatal(err)
	}
	if len(fresh.GetStringSlice("prerequisites")) != 0 {
		t.Errorf("refused save wrote prerequisites %v", fresh.GetStringSlice("prerequisites"))
	}
}

func TestTrainingContentQuizLesson(t *testing.T) {
	app := contentApp(t)
	_, err := saveContent(app, "quizzes", map[string]any{"course": testapp.CourseBasics, "lesson": testapp.LessonSales1,
		"title": "Wrong lesson", "pass_mark": 50})
	wantContentCode(t, err, "lesson", "validation_training_admin_quiz_lesson")
	if _, err := saveContent(app, "quizzes", map[string]any{"course": testapp.CourseBasics, "lesson": testapp.LessonBasics2,
		"title": "Right lesson", "pass_mark": 50}); err != nil {
		t.Fatal(err)
	}
}

func TestTrainingContentQuestionValidation(t *testing.T) {
	app := contentApp(t)
	opt := func(pairs ...string) []hooks.QuestionOption {
		var out []hooks.QuestionOption
		for i := 0; i+1 < len(pairs); i += 2 {
			out = append(out, hooks.QuestionOption{ID: pairs[i], Text: pairs[i+1]})
		}
		return out
	}
	eleven := make([]hooks.QuestionOption, 11)
	for i := range eleven {
		eleven[i] = hooks.QuestionOption{ID: string(rune('a' + i)), Text: "x"}
	}
	cases := []struct {
		name, kind string
		options    any
		code       string
	}{
		{"not a list", "single", map[string]any{"a": "b"}, "validation_training_admin_options_invalid"},
		{"extra keys", "single", []map[string]any{{"id": "a", "text": "A", "correct": true}, {"id": "b", "text": "B"}}, "validation_training_admin_options_invalid"},
		{"one option", "single", opt("a", "A"), "validation_training_admin_options_count"},
		{"eleven options", "multiple", eleven, "validation_training_admin_options_count"},
		{"bad id", "single", opt("A B", "A", "b", "B"), "validation_training_admin_option_id"},
		{"long id", "single", opt(strings.Repeat("a", 21), "A", "b", "B"), "validation_training_admin_option_id"},
		{"duplicate id", "single", opt("a", "A", "a", "B"), "validation_training_admin_option_id_duplicate"},
		{"empty text", "single", opt("a", " ", "b", "B"), "validation_training_admin_option_text"},
		{"long text", "single", opt("a", strings.Repeat("é", 501), "b", "B"), "validation_training_admin_option_text"},
		{"true/false with other ids", "truefalse", opt("yes", "Yes", "no", "No"), "validation_training_admin_truefalse"},
		{"true/false with three", "truefalse", opt("true", "T", "false", "F", "maybe", "M"), "validation_training_admin_truefalse"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := saveContent(app, "quiz_questions", map[string]any{"quiz": testapp.QuizSales, "kind": c.kind,
				"prompt": "Q?", "points": 1, "options": c.options})
			wantContentCode(t, err, "options", c.code)
		})
	}
	if got := contentCounts(t, app, "quizzes", testapp.QuizSales, "question_count"); got[0] != 1 {
		t.Errorf("refused questions were counted: %v, want 1", got)
	}

	// Answer keys.
	q, err := saveContent(app, "quiz_questions", map[string]any{"quiz": testapp.QuizSales, "kind": "single", "prompt": "Pick",
		"points": 2, "options": opt("a", "A", "b", "B", "c", "C")})
	if err != nil {
		t.Fatal(err)
	}
	keyCases := []struct {
		name    string
		correct any
		code    string
	}{
		{"unknown option", []string{"z"}, "validation_training_admin_key_unknown"},
		{"not a list", "a", "validation_training_admin_key_unknown"},
		{"two for single", []string{"a", "b"}, "validation_training_admin_key_one"},
		{"none for single", []string{}, "validation_training_admin_key_one"},
	}
	for _, c := range keyCases {
		_, err := saveContent(app, "quiz_answer_keys", map[string]any{"question": q.Id, "correct": c.correct})
		if c.name == "not a list" && err == nil {
			t.Errorf("%s: saved", c.name)
			continue
		}
		if c.name != "not a list" {
			wantContentCode(t, err, "correct", c.code)
		}
	}
	key, err := saveContent(app, "quiz_answer_keys", map[string]any{"question": q.Id, "correct": []string{"b"}, "explanation": "B."})
	if err != nil {
		t.Fatal(err)
	}

	// Changing the options re-checks the key: dropping b is refused.
	q.Set("options", opt("a", "A", "c", "C"))
	wantContentCode(t, app.Save(q), "options", "validation_training_admin_key_stale")
	// Turning it multiple keeps the key valid; then a multiple key needs one.
	q.Set("options", opt("a", "A", "b", "B", "c", "C"))
	q.Set("kind", "multiple")
	if err := app.Save(q); err != nil {
		t.Fatal(err)
	}
	key.Set("correct", []string{})
	wantContentCode(t, app.Save(key), "correct", "validation_training_admin_key_at_least_one")
	key.Set("correct", []string{"a", "b"})
	if err := app.Save(key); err != nil {
		t.Fatal(err)
	}
	// Back to single with two correct answers is refused.
	q.Set("kind", "single")
	wantContentCode(t, app.Save(q), "options", "validation_training_admin_key_stale")
}

// The REST API obeys the same hooks: a staff client gets the translated
// code, and the counts follow its writes.
func TestTrainingContentAPI(t *testing.T) {
	jsonBody := func(s string) *strings.Reader { return strings.NewReader(s) }
	scenarios := []tests.ApiScenario{
		{
			Name:   "manager creates a course with a taken slug → 400 with the code",
			Method: http.MethodPost, URL: "/api/collections/courses/records",
			Body: jsonBody(`{"title":"Dup","slug":"partner-101","level":"beginner","audience":"all"}`),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				testapp.SeedTraining(t, app)
			},
			ExpectedStatus:  http.StatusBadRequest,
			ExpectedContent: []string{`"slug"`, `validation_training_admin_slug_taken`},
		},
		{
			Name:   "admin adds a question through the API → 200, quiz counts follow",
			Method: http.MethodPost, URL: "/api/collections/quiz_questions/records",
			Body: jsonBody(`{"quiz":"` + testapp.QuizSales + `","kind":"truefalse","prompt":"Sure?","points":3,` +
				`"options":[{"id":"true","text":"True"},{"id":"false","text":"False"}]}`),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				testapp.SeedTraining(t, app)
			},
			ExpectedStatus:  http.StatusOK,
			ExpectedContent: []string{`"prompt":"Sure?"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				r, err := app.FindRecordById("quizzes", testapp.QuizSales)
				if err != nil {
					t.Fatal(err)
				}
				if r.GetInt("question_count") != 2 || r.GetInt("max_points") != 4 {
					t.Errorf("quiz counts %d/%d, want 2/4", r.GetInt("question_count"), r.GetInt("max_points"))
				}
			},
		},
		{
			Name:   "admin sends a truefalse question with other options → 400",
			Method: http.MethodPost, URL: "/api/collections/quiz_questions/records",
			Body: jsonBody(`{"quiz":"` + testapp.QuizSales + `","kind":"truefalse","prompt":"Sure?","points":1,` +
				`"options":[{"id":"yes","text":"Yes"},{"id":"no","text":"No"}]}`),
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				testapp.SeedTraining(t, app)
			},
			ExpectedStatus:  http.StatusBadRequest,
			ExpectedContent: []string{`validation_training_admin_truefalse`},
		},
	}
	for i := range scenarios {
		s := &scenarios[i]
		email := testapp.AdminEmail
		if strings.HasPrefix(s.Name, "manager") {
			email = testapp.ManagerAnaEmail
		}
		s.TestAppFactory = testapp.Factory
		before := s.BeforeTestFunc
		s.BeforeTestFunc = func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
			before(t, app, e)
			token := testapp.Token(t, app, email)
			// The request is built before a token can be minted from the
			// scenario's app, so a middleware puts it on.
			e.Router.Bind(&hook.Handler[*core.RequestEvent]{
				Id:       "ponte.test.content.authorize",
				Priority: apis.DefaultLoadAuthTokenMiddlewarePriority - 1,
				Func: func(re *core.RequestEvent) error {
					re.Request.Header.Set("Authorization", token)
					return re.Next()
				},
			})
		}
		s.Test(t)
	}
}

// progressRows reads the progress rollup as "course/partner" → counts.
func progressRows(t *testing.T, app core.App) map[string][5]int {
	t.Helper()
	var raw []struct {
		Course     string `db:"course"`
		Partner    string `db:"partner"`
		Enrolled   int    `db:"enrolled"`
		InProgress int    `db:"in_progress"`
		Completed  int    `db:"completed"`
		BestTenths int    `db:"best_tenths"`
		BestCount  int    `db:"best_count"`
	}
	if err := app.DB().NewQuery(`SELECT course, partner, enrolled, in_progress, completed, best_tenths, best_count
		FROM course_progress_stats WHERE enrolled != 0 OR best_count != 0`).All(&raw); err != nil {
		t.Fatal(err)
	}
	out := map[string][5]int{}
	for _, r := range raw {
		out[r.Course+"/"+r.Partner] = [5]int{r.Enrolled, r.InProgress, r.Completed, r.BestTenths, r.BestCount}
	}
	return out
}

// The progress rollup follows enrolments and attempts as they are created,
// changed and deleted, and always agrees with a rebuild from scratch.
func TestTrainingContentProgressRollup(t *testing.T) {
	app := contentApp(t)
	enrol := func(user, course string) *core.Record {
		t.Helper()
		r, err := saveContent(app, "enrollments", map[string]any{"user": user, "course": course})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	setStatus := func(r *core.Record, status string) {
		t.Helper()
		// Through the hooks' own path: lessons ticked make it in progress.
		if status == "in_progress" {
			r.Set("completed_lessons", []string{testapp.LessonBasics1})
		}
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	n := 0
	attempt := func(user, partner string, score float64) *core.Record {
		t.Helper()
		n++
		r, err := saveContent(app, "quiz_attempts", map[string]any{"user": user, "partner": partner, "quiz": testapp.QuizBasics,
			"course": testapp.CourseBasics, "number": n, "started": "2026-01-01 10:00:00.000Z",
			"submitted": "2026-01-01 10:10:00.000Z", "score": score})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	diego := enrol(testapp.AcmeUserID, testapp.CourseBasics)
	enrol(testapp.AcmeAdminID, testapp.CourseBasics)
	fabio := enrol(testapp.GlobexUserID, testapp.CourseBasics)
	setStatus(diego, "in_progress")
	a1 := attempt(testapp.AcmeUserID, testapp.PartnerAcme, 60)
	attempt(testapp.AcmeUserID, testapp.PartnerAcme, 90)
	attempt(testapp.GlobexUserID, testapp.PartnerGlobex, 40)
	a1.Set("score", 95) // a regrade raises Diego's best
	if err := app.Save(a1); err != nil {
		t.Fatal(err)
	}
	got := progressRows(t, app)
	acme, total := got[testapp.CourseBasics+"/"+testapp.PartnerAcme], got[testapp.CourseBasics+"/"]
	if acme != [5]int{2, 1, 0, 950, 1} {
		t.Errorf("Acme row %v, want [2 1 0 950 1]", acme)
	}
	if total != [5]int{3, 1, 0, 1350, 2} {
		t.Errorf("totals row %v, want [3 1 0 1350 2]", total)
	}
	if err := app.Delete(a1); err != nil {
		t.Fatal(err)
	}
	if err := app.Delete(fabio); err != nil {
		t.Fatal(err)
	}
	kept := progressRows(t, app)
	if err := hooks.RebuildCourseProgress(app); err != nil {
		t.Fatal(err)
	}
	rebuilt := progressRows(t, app)
	if len(kept) != len(rebuilt) {
		t.Errorf("kept %v, rebuilt %v", kept, rebuilt)
	}
	for k, v := range rebuilt {
		if kept[k] != v {
			t.Errorf("%s: kept %v, rebuilt %v", k, kept[k], v)
		}
	}
	if kept[testapp.CourseBasics+"/"+testapp.PartnerAcme] != [5]int{2, 1, 0, 900, 1} {
		t.Errorf("Acme after deletes: %v", kept[testapp.CourseBasics+"/"+testapp.PartnerAcme])
	}
}

// The progress rollup through the REST API: admins read every row, a
// manager only their partners' (never the totals, which include other
// managers' partners), partner users and guests nothing.
func TestTrainingContentProgressRollupRules(t *testing.T) {
	seed := func(t testing.TB, app *tests.TestApp) {
		testapp.SeedTraining(t, app)
		for _, e := range []struct{ user, course string }{
			{testapp.AcmeUserID, testapp.CourseBasics}, {testapp.GlobexUserID, testapp.CourseBasics},
		} {
			if _, err := saveContent(app, "enrollments", map[string]any{"user": e.user, "course": e.course}); err != nil {
				t.Fatal(err)
			}
		}
	}
	url := "/api/collections/course_progress_stats/records?sort=partner"
	cases := []struct {
		name, email string
		want, not   []string
	}{
		{"admin", testapp.AdminEmail, []string{`"partner":""`, testapp.PartnerAcme, testapp.PartnerGlobex, `"totalItems":3`}, nil},
		{"manager of Acme", testapp.ManagerAnaEmail, []string{testapp.PartnerAcme, `"totalItems":1`}, []string{testapp.PartnerGlobex, `"partner":""`}},
		{"manager of Globex", testapp.ManagerBrunoEmail, []string{testapp.PartnerGlobex, `"totalItems":1`}, []string{testapp.PartnerAcme, `"partner":""`}},
		{"partner admin", testapp.AcmeAdminEmail, []string{`"totalItems":0`}, []string{testapp.PartnerAcme}},
		{"partner user", testapp.GlobexUserEmail, []string{`"totalItems":0`}, []string{testapp.PartnerGlobex}},
		{"guest", "", []string{`"totalItems":0`}, []string{testapp.PartnerAcme}},
	}
	for _, c := range cases {
		email := c.email
		s := tests.ApiScenario{
			Name: c.name + " lists the progress rollup", Method: http.MethodGet, URL: url,
			TestAppFactory: testapp.Factory,
			BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
				seed(t, app)
				if email == "" {
					return
				}
				token := testapp.Token(t, app, email)
				e.Router.Bind(&hook.Handler[*core.RequestEvent]{
					Id:       "ponte.test.rollup.authorize",
					Priority: apis.DefaultLoadAuthTokenMiddlewarePriority - 1,
					Func: func(re *core.RequestEvent) error {
						re.Request.Header.Set("Authorization", token)
						return re.Next()
					},
				})
			},
			ExpectedStatus: http.StatusOK, ExpectedContent: c.want, NotExpectedContent: c.not,
		}
		s.Test(t)
	}
	// Nobody writes it through the API.
	create := tests.ApiScenario{
		Name: "admin creates a rollup row → 403", Method: http.MethodPost, URL: "/api/collections/course_progress_stats/records",
		Body: strings.NewReader(`{"course":"` + testapp.CourseBasics + `","enrolled":99}`), TestAppFactory: testapp.Factory,
		BeforeTestFunc: func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
			token := testapp.Token(t, app, testapp.AdminEmail)
			e.Router.Bind(&hook.Handler[*core.RequestEvent]{
				Id: "ponte.test.rollup.authorize", Priority: apis.DefaultLoadAuthTokenMiddlewarePriority - 1,
				Func: func(re *core.RequestEvent) error { re.Request.Header.Set("Authorization", token); return re.Next() },
			})
		},
		ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{`"status":403`},
	}
	create.Test(t)
}
