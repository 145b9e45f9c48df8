package ui_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/testapp"
	"github.com/ponte-portal/ponte/internal/training"
)

// Training scale, on top of seedScale's 2,000 partners and 20,000 users.
const (
	learnBenchCourses   = 200
	learnBenchLessons   = 25 // 5,000 lessons
	learnBenchQuestions = 5
	learnBenchEnrols    = 5  // 100,000 enrolments
	learnBenchAttempts  = 15 // 300,000 attempts
	learnBenchExam      = 50
)

// learnBench is what seedLearningScale wrote.
type learnBench struct {
	exam    string // the 50-question quiz of course 0
	learner *core.Record
	summary string
}

func learnCourseID(i int) string   { return fmt.Sprintf("bcourse%08d", i) }
func learnLessonID(i int) string   { return fmt.Sprintf("blesson%08d", i) }
func learnQuizID(i int) string     { return fmt.Sprintf("bquiz%010d", i) }
func learnQuestionID(i int) string { return fmt.Sprintf("bquest%09d", i) }

// seedLearningScale writes the curriculum and its history with plain
// multi-row INSERTs: 200 courses (every tenth for Gold only, every
// twentieth unpublished, every fourth requiring the one before), 25 lessons
// each, a 5-question quiz each plus a 50-question exam in course 0, 20
// certifications of three courses each, and for each of the 20,000 users 5
// enrolments and 15 submitted attempts.
func seedLearningScale(b *testing.B, app core.App) *learnBench {
	b.Helper()
	start := time.Now()
	sqlDB, ok := app.NonconcurrentDB().(*dbx.DB)
	if !ok {
		b.Fatal("the app's database is not a *dbx.DB")
	}
	tx, err := sqlDB.DB().Begin()
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(5, 7))
	now := time.Now().UTC()
	stamp := benchDate(now.Add(-24 * time.Hour))
	js := func(v any) string { return benchJSON(v) }

	certs, err := newRowInserter(tx, "certifications", "id", "name", "description", "description_html", "validity_months",
		"required_courses", "created", "updated")
	must(err)
	for c := range learnBenchCourses / 10 {
		req := []string{learnCourseID(c * 10), learnCourseID(c*10 + 1), learnCourseID(c*10 + 2)}
		must(certs.add(fmt.Sprintf("bcert%010d", c), fmt.Sprintf("Especialista %s", benchProducts[c%len(benchProducts)]),
			"", "", 24, js(req), stamp, stamp))
	}
	must(certs.flush())

	courses, err := newRowInserter(tx, "courses", "id", "title", "slug", "summary", "description", "description_html",
		"level", "language", "minutes", "published", "certification", "lesson_count", "quiz_count", "audience",
		"audience_tiers", "audience_regions", "audience_partners", "prerequisites", "created", "updated")
	must(err)
	lessons, err := newRowInserter(tx, "lessons", "id", "course", "order", "title", "body", "body_html", "video_url",
		"minutes", "created", "updated")
	must(err)
	quizzes, err := newRowInserter(tx, "quizzes", "id", "course", "title", "pass_mark", "attempt_limit",
		"cooldown_minutes", "time_limit_minutes", "shuffle", "question_count", "max_points", "created", "updated")
	must(err)
	questions, err := newRowInserter(tx, "quiz_questions", "id", "quiz", "order", "kind", "prompt", "options", "points",
		"created", "updated")
	must(err)
	keys, err := newRowInserter(tx, "quiz_answer_keys", "id", "question", "correct", "explanation", "updated")
	must(err)
	levels := []string{"beginner", "intermediate", "advanced"}
	langs := []string{"pt-BR", "en"}
	body := "## Objetivos\n\nNesta lição você aprende a posicionar o produto, qualificar oportunidades e registrar negócios."
	bodyHTML := "<h2>Objetivos</h2>\n<p>Nesta lição você aprende a posicionar o produto, qualificar oportunidades e registrar negócios.</p>\n"
	options := js([]map[string]string{{"id": "a", "text": "Registrar o negócio"}, {"id": "b", "text": "Esperar o fechamento"},
		{"id": "c", "text": "Enviar por e-mail"}, {"id": "d", "text": "Nenhuma das anteriores"}})
	q := 0
	addQuestion := func(quiz string, order int) {
		id := learnQuestionID(q)
		must(questions.add(id, quiz, order, "single", fmt.Sprintf("Pergunta %d: o que fazer primeiro?", order+1), options, 1, stamp, stamp))
		must(keys.add(fmt.Sprintf("bqkey%010d", q), id, `["a"]`, "Registre cedo para garantir a proteção.", stamp))
		q++
	}
	for c := range learnBenchCourses {
		audience, tiers := "all", "[]"
		if c%10 == 9 {
			audience, tiers = "tiers", js([]string{testapp.TierGold})
		}
		prereq := "[]"
		if c%4 == 3 {
			prereq = js([]string{learnCourseID(c - 1)})
		}
		cert := ""
		if c%10 < 3 {
			cert = fmt.Sprintf("bcert%010d", c/10)
		}
		product := benchProducts[c%len(benchProducts)]
		must(courses.add(learnCourseID(c), fmt.Sprintf("%s %d: %s", product, c/len(benchProducts)+1, levels[c%3]),
			fmt.Sprintf("curso-%03d", c), "Tudo o que um parceiro precisa saber para vender e implantar "+product+".",
			body, bodyHTML, levels[c%3], langs[c%2], 90, c%20 != 19, cert, learnBenchLessons, 1, audience, tiers, "[]", "[]",
			prereq, stamp, stamp))
		for l := range learnBenchLessons {
			must(lessons.add(learnLessonID(c*learnBenchLessons+l), learnCourseID(c), l,
				fmt.Sprintf("Lição %d: %s", l+1, product), body, bodyHTML, "", 8, stamp, stamp))
		}
		must(quizzes.add(learnQuizID(c), learnCourseID(c), "Questionário de "+product, 70, 0, 0, 0, false,
			learnBenchQuestions, learnBenchQuestions, stamp, stamp))
		for o := range learnBenchQuestions {
			addQuestion(learnQuizID(c), o)
		}
	}
	exam := learnQuizID(learnBenchCourses)
	must(quizzes.add(exam, learnCourseID(0), "Exame final", 70, 0, 0, 0, true, learnBenchExam, learnBenchExam, stamp, stamp))
	for o := range learnBenchExam {
		addQuestion(exam, o)
	}
	for _, in := range []*rowInserter{courses, lessons, quizzes, questions, keys} {
		must(in.flush())
	}

	enrols, err := newRowInserter(tx, "enrollments", "id", "user", "partner", "course", "status", "progress",
		"completed_lessons", "passed_quizzes", "last_lesson", "started", "completed", "created", "updated")
	must(err)
	attempts, err := newRowInserter(tx, "quiz_attempts", "id", "user", "partner", "quiz", "course", "number",
		"question_order", "answers", "results", "points", "max_points", "score", "passed", "started", "deadline",
		"submitted", "created")
	must(err)
	e, a := 0, 0
	for p := range benchPartners {
		pid := fmt.Sprintf("bp%013d", p)
		for i := range benchUsersPerPartner {
			uid := fmt.Sprintf("bu%06d%07d", p, i)
			// Five distinct courses of the first 190 (never Gold-only or
			// unpublished ones for simplicity), course 0 always among them.
			picked := map[int]bool{0: true}
			for len(picked) < learnBenchEnrols {
				if c := rng.IntN(learnBenchCourses); c%10 != 9 && c%20 != 19 {
					picked[c] = true
				}
			}
			for c := range picked {
				done := rng.IntN(learnBenchLessons + 1)
				ids := make([]string, done)
				for l := range done {
					ids[l] = learnLessonID(c*learnBenchLessons + l)
				}
				status, progress, completed, passed := "in_progress", done*100/(learnBenchLessons+1), "", "[]"
				if done == learnBenchLessons && rng.IntN(2) == 0 {
					status, progress, completed, passed = "completed", 100, stamp, js([]string{learnQuizID(c)})
				} else if done == 0 {
					status = "enrolled"
				}
				last := ""
				if done > 0 {
					last = ids[done-1]
				}
				must(enrols.add(fmt.Sprintf("benrol%09d", e), uid, pid, learnCourseID(c), status, progress, js(ids), passed,
					last, stamp, completed, stamp, stamp))
				e++
				// Three attempts at the course's quiz.
				for n := 1; n <= learnBenchAttempts/learnBenchEnrols; n++ {
					at := now.Add(-time.Duration(rng.IntN(90*24)) * time.Hour)
					score := float64(rng.IntN(6) * 20)
					must(attempts.add(fmt.Sprintf("battempt%07d", a), uid, pid, learnQuizID(c), learnCourseID(c), n,
						`[]`, `{"`+learnQuestionID(c*learnBenchQuestions)+`":["a"]}`, `{}`, score/20, 5, score, score >= 70,
						benchDate(at), "", benchDate(at.Add(7*time.Minute)), benchDate(at)))
					a++
				}
			}
		}
	}
	must(enrols.flush())
	must(attempts.flush())
	must(tx.Commit())

	learner, err := app.FindAuthRecordByEmail("users", benchPartnerUser)
	must(err)
	return &learnBench{exam: exam, learner: learner, summary: fmt.Sprintf(
		"seeded %d courses, %d lessons, %d questions, %d enrolments of %d learners and %d attempts in %s",
		learnBenchCourses, learnBenchCourses*learnBenchLessons, q, e, benchPartners*benchUsersPerPartner, a,
		time.Since(start).Round(time.Millisecond))}
}

// newLearningBench seeds the scale network and the curriculum and serves the
// portal.
func newLearningBench(b *testing.B) (core.App, *httptest.Server, *learnBench, func(string) (*http.Cookie, string)) {
	app := testapp.New(b)
	seedScale(b, app)
	tr := seedLearningScale(b, app)
	srv := httptest.NewServer(testapp.Serve(b, app))
	b.Cleanup(srv.Close)
	session := func(email string) (*http.Cookie, string) { return testapp.SessionCookie(b, app, email) }
	return app, srv, tr, session
}

// BenchmarkTrainingPages measures the catalogue, course, lesson and quiz
// pages on 200 courses, 5,000 lessons, 20,000 learners with 100,000
// enrolments and 300,000 attempts, as a learner of a Gold partner, a
// channel manager and an admin.
// Run: go test ./ui/ -run '^$' -bench TrainingPages -benchtime 200x
func BenchmarkTrainingPages(b *testing.B) {
	app, srv, tr, session := newLearningBench(b)
	learner, _ := session(benchPartnerUser)
	manager, _ := session(benchManager)
	admin, _ := session(testapp.AdminEmail)
	runPageCases(b, app, srv, tr.summary, []benchCase{
		{"catalogue_learner", "/courses", learner},
		{"catalogue_learner_page5", "/courses?page=5", learner},
		{"catalogue_learner_search", "/courses?q=gateway", learner},
		{"catalogue_learner_level_language", "/courses?level=advanced&language=en", learner},
		{"catalogue_learner_mine", "/courses?mine=all", learner},
		{"catalogue_manager", "/courses", manager},
		{"catalogue_admin", "/courses", admin},
		{"course_learner", "/courses/curso-000", learner},
		{"course_learner_prerequisite", "/courses/curso-003", learner},
		{"course_admin", "/courses/curso-000", admin},
		{"lesson_learner", "/courses/curso-000/lessons/" + learnLessonID(12), learner},
		{"quiz_intro_learner", "/quizzes/" + learnQuizID(0), learner},
	})
}

// BenchmarkTrainingGrading measures grading a 50-question quiz on the same
// scale: training.SubmitAttempt in its transaction (the attempt, the
// events, the enrolment), and the whole portal round trip of the submit.
// Each iteration first starts a fresh attempt, untimed.
// Run: go test ./ui/ -run '^$' -bench TrainingGrading -benchtime 200x
func BenchmarkTrainingGrading(b *testing.B) {
	app, srv, tr, session := newLearningBench(b)
	quiz, err := app.FindRecordById("quizzes", tr.exam)
	if err != nil {
		b.Fatal(err)
	}
	answers := training.Answers{}
	for i := range learnBenchExam {
		opt := "a"
		if i%4 == 3 {
			opt = "b" // 38 of 50 right: passed
		}
		answers[learnQuestionID(learnBenchCourses*learnBenchQuestions+i)] = []string{opt}
	}
	start := func(b *testing.B) *core.Record {
		var att *core.Record
		err := app.RunInTransaction(func(tx core.App) error {
			var err error
			att, _, err = training.StartAttempt(tx, tr.learner, quiz, time.Now().UTC())
			return err
		})
		if err != nil {
			b.Fatal(err)
		}
		return att
	}
	b.Run("submit_attempt_50_questions", func(b *testing.B) {
		var took []time.Duration
		for b.Loop() {
			b.StopTimer()
			att := start(b)
			b.StartTimer()
			t0 := time.Now()
			err := app.RunInTransaction(func(tx core.App) error {
				g, err := training.SubmitAttempt(tx, tr.learner, quiz, att, answers, time.Now().UTC())
				if err == nil && (g.Points != 38 || !g.Passed) {
					err = fmt.Errorf("graded %d points, passed %v", g.Points, g.Passed)
				}
				return err
			})
			took = append(took, time.Since(t0))
			if err != nil {
				b.Fatal(err)
			}
		}
		reportPercentiles(b, took)
	})
	b.Run("portal_submit_50_questions", func(b *testing.B) {
		ck, csrf := session(benchPartnerUser)
		form := url.Values{"_csrf": {csrf}}
		for q, opts := range answers {
			form["q_"+q] = opts
		}
		body := form.Encode()
		client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		var took []time.Duration
		for b.Loop() {
			b.StopTimer()
			att := start(b)
			b.StartTimer()
			req, _ := http.NewRequest(http.MethodPost, fmt.Sprintf("%s/quizzes/%s/attempts/%d", srv.URL, tr.exam, att.GetInt("number")),
				strings.NewReader(body))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.AddCookie(ck)
			t0 := time.Now()
			res, err := client.Do(req)
			took = append(took, time.Since(t0))
			if err != nil {
				b.Fatal(err)
			}
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther {
				b.Fatalf("submit: status %d", res.StatusCode)
			}
		}
		reportPercentiles(b, took)
	})
}
