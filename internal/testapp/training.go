package testapp

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// Fixture curriculum (SeedTraining).
const (
	CertSales = "certsales000001" // "Sales Specialist", 12 months, requires CourseBasics and CourseSales

	CourseBasics = "coursebasics001" // "Partner 101", audience all, published, 3 lessons, QuizBasics
	CourseSales  = "coursesales0001" // "Selling Ponte", all, published, prerequisite CourseBasics, leads to CertSales, 2 lessons, QuizSales
	CourseGold   = "coursegold00001" // "Gold deep dive", gold tier only (Acme), published, 1 lesson
	CourseDraft  = "coursedraft0001" // "Upcoming course", audience all, not published, 1 lesson

	LessonBasics1 = "lessonbasics001"
	LessonBasics2 = "lessonbasics002"
	LessonBasics3 = "lessonbasics003"
	LessonSales1  = "lessonsales0001"
	LessonSales2  = "lessonsales0002"
	LessonGold1   = "lessongold00001"
	LessonDraft1  = "lessondraft0001"

	QuizBasics = "quizbasics00001" // pass 70 %, 3 attempts, 10 min cooldown, 15 min limit
	QuizSales  = "quizsales000001" // pass 50 %, no attempt limit, no cooldown, no time limit

	QuestionBasicsSingle   = "qbasicssingle01" // options a, b, c; correct b; 1 point
	QuestionBasicsMultiple = "qbasicsmulti001" // options a, b, c, d; correct a and c; 2 points
	QuestionBasicsTrue     = "qbasicstrue0001" // options true, false; correct true; 1 point
	QuestionSales1         = "qsales000000001" // options a, b; correct a; 1 point
)

// FixtureOption is one answer option of a fixture question.
type FixtureOption struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// FixtureQuestion is a fixture quiz question with its answer key.
type FixtureQuestion struct {
	ID, Quiz, Kind, Prompt string
	Options                []FixtureOption
	Correct                []string
	Points                 int
	Explanation            string
}

// FixtureQuestions lists the questions SeedTraining writes, in order.
var FixtureQuestions = []FixtureQuestion{
	{QuestionBasicsSingle, QuizBasics, "single", "Which portal do partners use?",
		[]FixtureOption{{"a", "A spreadsheet"}, {"b", "Ponte"}, {"c", "E-mail"}}, []string{"b"}, 1,
		"Everything lives in Ponte."},
	{QuestionBasicsMultiple, QuizBasics, "multiple", "Which of these are partner roles?",
		[]FixtureOption{{"a", "Partner admin"}, {"b", "Superuser"}, {"c", "Partner user"}, {"d", "Auditor"}}, []string{"a", "c"}, 2,
		"Partner admins and partner users."},
	{QuestionBasicsTrue, QuizBasics, "truefalse", "Deals are protected after approval.",
		[]FixtureOption{{"true", "True"}, {"false", "False"}}, []string{"true"}, 1,
		"Approved deals get a protection window."},
	{QuestionSales1, QuizSales, "single", "When do you register a deal?",
		[]FixtureOption{{"a", "As soon as the opportunity is qualified"}, {"b", "After it is won"}}, []string{"a"}, 1,
		"Register early to be first."},
}

// SeedTraining adds the fixture curriculum: one certification, four courses
// with their lessons, two quizzes with questions and answer keys.
func SeedTraining(t testing.TB, app core.App) {
	t.Helper()
	err := app.RunInTransaction(func(tx core.App) error {
		save := func(collection, id string, fields map[string]any) error {
			c, err := tx.FindCollectionByNameOrId(collection)
			if err != nil {
				return err
			}
			r := core.NewRecord(c)
			if id != "" {
				r.Id = id
			}
			for k, v := range fields {
				r.Set(k, v)
			}
			return tx.Save(r)
		}
		if err := save("certifications", CertSales, map[string]any{
			"name": "Sales Specialist", "description": "Proves you can sell Ponte.", "validity_months": 12}); err != nil {
			return err
		}
		courses := []struct {
			id, title, slug, audience string
			tiers, prereq             []string
			published                 bool
			cert                      string
		}{
			{CourseBasics, "Partner 101", "partner-101", "all", nil, nil, true, ""},
			{CourseSales, "Selling Ponte", "selling-ponte", "all", nil, []string{CourseBasics}, true, CertSales},
			{CourseGold, "Gold deep dive", "gold-deep-dive", "tiers", []string{TierGold}, nil, true, ""},
			{CourseDraft, "Upcoming course", "upcoming-course", "all", nil, nil, false, ""},
		}
		for _, c := range courses {
			if err := save("courses", c.id, map[string]any{
				"title": c.title, "slug": c.slug, "summary": "Summary of " + c.title, "level": "beginner",
				"minutes": 30, "audience": c.audience, "audience_tiers": c.tiers, "prerequisites": c.prereq,
				"published": c.published, "certification": c.cert, "author": AdminID,
			}); err != nil {
				return err
			}
		}
		lessons := []struct{ id, course, title string }{
			{LessonBasics1, CourseBasics, "Welcome"}, {LessonBasics2, CourseBasics, "The programme"},
			{LessonBasics3, CourseBasics, "Your first week"}, {LessonSales1, CourseSales, "Positioning"},
			{LessonSales2, CourseSales, "Registering deals"}, {LessonGold1, CourseGold, "Gold benefits"},
			{LessonDraft1, CourseDraft, "Coming soon"},
		}
		for i, l := range lessons {
			if err := save("lessons", l.id, map[string]any{
				"course": l.course, "order": i, "title": l.title, "body": "# " + l.title + "\n\nLesson text.", "minutes": 10,
			}); err != nil {
				return err
			}
		}
		if err := save("quizzes", QuizBasics, map[string]any{"course": CourseBasics, "title": "Partner 101 quiz",
			"pass_mark": 70, "attempt_limit": 3, "cooldown_minutes": 10, "time_limit_minutes": 15}); err != nil {
			return err
		}
		if err := save("quizzes", QuizSales, map[string]any{"course": CourseSales, "title": "Selling quiz",
			"pass_mark": 50}); err != nil {
			return err
		}
		for i, q := range FixtureQuestions {
			if err := save("quiz_questions", q.ID, map[string]any{"quiz": q.Quiz, "order": i, "kind": q.Kind,
				"prompt": q.Prompt, "options": q.Options, "points": q.Points}); err != nil {
				return err
			}
			if err := save("quiz_answer_keys", "", map[string]any{"question": q.ID, "correct": q.Correct,
				"explanation": q.Explanation}); err != nil {
				return err
			}
		}
		c, err := tx.FindCollectionByNameOrId("certifications")
		if err != nil {
			return err
		}
		cert, err := tx.FindRecordById(c, CertSales)
		if err != nil {
			return err
		}
		cert.Set("required_courses", []string{CourseBasics, CourseSales})
		return tx.Save(cert)
	})
	if err != nil {
		t.Fatalf("seeding training: %v", err)
	}
}
