package ui

import (
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/internal/access"
)

// Choices of the course and question editors (the schema's values).
var (
	courseLevels    = []string{"beginner", "intermediate", "advanced"}
	courseLanguages = []string{"pt-BR", "en"}
	questionKinds   = []string{"single", "multiple", "truefalse"}
)

// CourseAdminView is a course as the staff editor and reports show it.
type CourseAdminView struct {
	ID, Slug, Title, Level, Language string
	Published                        bool
	Lessons, Quizzes, Minutes        int
	CoverURL                         string
	Updated                          time.Time
}

func courseAdminView(r *core.Record) *CourseAdminView {
	v := &CourseAdminView{ID: r.Id, Slug: r.GetString("slug"), Title: r.GetString("title"),
		Level: r.GetString("level"), Language: r.GetString("language"), Published: r.GetBool("published"),
		Lessons: r.GetInt("lesson_count"), Quizzes: r.GetInt("quiz_count"), Minutes: r.GetInt("minutes"),
		Updated: r.GetDateTime("updated").Time()}
	if c := r.GetString("cover"); c != "" && r.Id != "" {
		v.CoverURL = "/api/files/courses/" + r.Id + "/" + c + "?thumb=480x270"
	}
	return v
}

// LessonRow is one lesson in the course editor's ordered list.
type LessonRow struct {
	ID, Title         string
	Position, Minutes int
	Video             bool
	First, Last       bool
}

// QuizRow is one quiz in the course editor.
type QuizRow struct {
	ID, Title, After        string
	Questions, Points, Pass int
}

// QuestionRow is one question in the quiz editor's ordered list.
type QuestionRow struct {
	ID, Kind, Prompt string
	Position, Points int
	Options          int
	First, Last      bool
}

// courseLessons lists a course's lessons in order, through the lessons'
// List rule, on the (course, order) index.
func courseLessons(e *core.RequestEvent, courseID string) ([]LessonRow, error) {
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	var out []LessonRow
	for page := 1; page <= 10; page++ {
		p, err := access.ListVisible(e.App, info, "lessons", access.ListOptions{
			Where: []dbx.Expression{dbx.HashExp{"lessons.course": courseID}}, Sort: []string{"order"}, Page: page, PerPage: 200})
		if err != nil {
			return nil, err
		}
		for _, l := range p.Items {
			out = append(out, LessonRow{ID: l.Id, Title: l.GetString("title"), Minutes: l.GetInt("minutes"),
				Video: l.GetString("video") != "" || l.GetString("video_url") != ""})
		}
		if !p.HasMore {
			break
		}
	}
	for i := range out {
		out[i].Position = i + 1
		out[i].First, out[i].Last = i == 0, i == len(out)-1
	}
	return out, nil
}

// courseQuizzes lists a course's quizzes with the lesson each follows.
func courseQuizzes(e *core.RequestEvent, courseID string, lessons []LessonRow) ([]QuizRow, error) {
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	p, err := access.ListVisible(e.App, info, "quizzes", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"quizzes.course": courseID}}, Sort: []string{"created"}, PerPage: 100})
	if err != nil {
		return nil, err
	}
	titles := map[string]string{}
	for _, l := range lessons {
		titles[l.ID] = l.Title
	}
	out := make([]QuizRow, 0, len(p.Items))
	for _, q := range p.Items {
		out = append(out, QuizRow{ID: q.Id, Title: q.GetString("title"), After: titles[q.GetString("lesson")],
			Questions: q.GetInt("question_count"), Points: q.GetInt("max_points"), Pass: q.GetInt("pass_mark")})
	}
	return out, nil
}

// quizQuestions lists a quiz's questions in order.
func quizQuestions(e *core.RequestEvent, quizID string) ([]QuestionRow, error) {
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	p, err := access.ListVisible(e.App, info, "quiz_questions", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"quiz_questions.quiz": quizID}}, Sort: []string{"order"}, PerPage: 200})
	if err != nil {
		return nil, err
	}
	out := make([]QuestionRow, 0, len(p.Items))
	for i, q := range p.Items {
		opts, _ := hooks.QuestionOptions(q)
		out = append(out, QuestionRow{ID: q.Id, Kind: q.GetString("kind"), Prompt: q.GetString("prompt"),
			Position: i + 1, Points: q.GetInt("points"), Options: len(opts), First: i == 0, Last: i == len(p.Items)-1})
	}
	return out, nil
}
