package ui

import (
	"errors"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/i18n"
	"github.com/ponte-portal/ponte/internal/roles"
	"github.com/ponte-portal/ponte/internal/training"
)

// learnLevels and learnLanguages are the catalogue's filter choices.
var (
	learnLevels    = []string{"beginner", "intermediate", "advanced"}
	learnLanguages = []string{"en", "pt-BR"}
)

// LearnCourseView is a course as the catalogue and its page show it.
type LearnCourseView struct {
	ID, Title, Slug, Summary, Level, Language, CoverURL string
	Minutes, Lessons                                    int
	Published                                           bool
	Description                                         template.HTML // course page only
	Certification                                       *LearnCertRef
	// Enrolment is the viewer's own (nil when not enrolled).
	Enrolment *LearnEnrolmentView
}

// LearnCertRef names a certification (and, on a learner's pages, the
// viewer's valid certificate of it).
type LearnCertRef struct {
	ID, Name      string
	CertificateID string
}

// LearnEnrolmentView is the viewer's enrolment in a course.
type LearnEnrolmentView struct {
	Status     string
	Progress   int
	Started    time.Time
	Completed  time.Time
	LastLesson string
	done       []string
	passed     []string
}

// LearnLessonItem is a lesson in a course's list.
type LearnLessonItem struct {
	ID, Title string
	Minutes   int
	Done      bool
}

// LearnQuizItem is a quiz in a course's list; Lesson is the lesson it
// follows, if any.
type LearnQuizItem struct {
	ID, Title, Lesson string
	PassMark          int
	Passed            bool
}

// LearnPrereqView is a prerequisite course and whether the viewer completed it;
// Slug is "" when the viewer may not see the course (it cannot be met).
type LearnPrereqView struct {
	Title, Slug string
	Done        bool
}

func learnCourseView(r *core.Record) *LearnCourseView {
	v := &LearnCourseView{ID: r.Id, Title: r.GetString("title"), Slug: r.GetString("slug"), Summary: r.GetString("summary"),
		Level: r.GetString("level"), Language: r.GetString("language"), Minutes: r.GetInt("minutes"),
		Lessons: r.GetInt("lesson_count"), Published: r.GetBool("published")}
	if c := r.GetString("cover"); c != "" {
		v.CoverURL = "/api/files/" + r.Collection().Id + "/" + r.Id + "/" + c + "?thumb=480x270"
	}
	return v
}

func learnEnrolmentView(r *core.Record) *LearnEnrolmentView {
	if r == nil {
		return nil
	}
	return &LearnEnrolmentView{Status: r.GetString("status"), Progress: r.GetInt("progress"),
		Started: r.GetDateTime("started").Time(), Completed: r.GetDateTime("completed").Time(),
		LastLesson: r.GetString("last_lesson"), done: r.GetStringSlice("completed_lessons"),
		passed: r.GetStringSlice("passed_quizzes")}
}

// learnAutoEnrols says whether the user is enrolled automatically when opening a
// lesson: partner users are; staff previewing a course are not (they may
// still enrol with the button).
func learnAutoEnrols(user *core.Record) bool { return !roles.IsStaff(roles.Of(user)) }

// learnCourse loads the course in the path by slug through its View rule:
// a course outside the viewer's audience, or unpublished for a partner, is
// the same 404 as a missing one.
func learnCourse(e *core.RequestEvent) (*core.Record, *core.RequestInfo, error) {
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	rec, err := access.FindVisibleBy(e.App, info, "courses", "slug", e.Request.PathValue("slug"))
	if errors.Is(err, access.ErrNotFound) {
		return nil, nil, e.NotFoundError("", err)
	}
	return rec, info, err
}

// learnEnrolments returns the viewer's enrolments in the given courses, by
// course, in one query on the (user, course) index.
func learnEnrolments(app core.App, info *core.RequestInfo, courseIDs []any) (map[string]*core.Record, error) {
	out := map[string]*core.Record{}
	if info.Auth == nil || len(courseIDs) == 0 {
		return out, nil
	}
	res, err := access.ListVisible(app, info, "enrollments", access.ListOptions{
		Where:   []dbx.Expression{dbx.HashExp{"enrollments.user": info.Auth.Id}, dbx.In("enrollments.course", courseIDs...)},
		PerPage: 200})
	if err != nil {
		return nil, err
	}
	for _, r := range res.Items {
		out[r.GetString("course")] = r
	}
	return out, nil
}

// learnEnrolment is the viewer's enrolment in one course, or nil.
func learnEnrolment(app core.App, info *core.RequestInfo, courseID string) (*core.Record, error) {
	m, err := learnEnrolments(app, info, []any{courseID})
	if err != nil {
		return nil, err
	}
	return m[courseID], nil
}

// learnEnsureEnrolment returns the user's enrolment in course, creating it
// through the enrolments' Create rule (its hook refuses unmet
// prerequisites and records the event). Run it in a transaction.
func learnEnsureEnrolment(tx core.App, user, course *core.Record) (*core.Record, error) {
	info := access.Info(user, http.MethodGet, nil)
	if r, err := learnEnrolment(tx, info, course.Id); err != nil || r != nil {
		return r, err
	}
	c, err := tx.FindCachedCollectionByNameOrId("enrollments")
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(c)
	err = access.Create(tx, access.Info(user, http.MethodPost, map[string]any{"user": user.Id, "course": course.Id}), r)
	return r, err
}

// prerequisites lists a course's prerequisites with the viewer's state, and
// whether any is unmet.
func learnPrereqs(app core.App, info *core.RequestInfo, course *core.Record) ([]LearnPrereqView, bool, error) {
	ids := course.GetStringSlice("prerequisites")
	if len(ids) == 0 {
		return nil, false, nil
	}
	anyIDs := make([]any, len(ids))
	for i, id := range ids {
		anyIDs[i] = id
	}
	visible, err := visibleByID(app, info, "courses", anyIDs)
	if err != nil {
		return nil, false, err
	}
	done, err := training.CompletedCourses(app, info.Auth.Id, ids)
	if err != nil {
		return nil, false, err
	}
	out := make([]LearnPrereqView, 0, len(ids))
	unmet := false
	for _, id := range ids {
		p := LearnPrereqView{Done: done[id]}
		if r := visible[id]; r != nil {
			p.Title, p.Slug = r.GetString("title"), r.GetString("slug")
		} else {
			// Still unmet, but its name stays private.
			p.Title = ""
		}
		unmet = unmet || !p.Done
		out = append(out, p)
	}
	return out, unmet, nil
}

// learnCertRefs names the certifications of courses (visible to the
// viewer) in one query, with the viewer's valid certificates of them.
func learnCertRefs(app core.App, info *core.RequestInfo, courses []*core.Record) (map[string]*LearnCertRef, error) {
	var ids []any
	for _, c := range courses {
		if id := c.GetString("certification"); id != "" && !slices.Contains(ids, any(id)) {
			ids = append(ids, id)
		}
	}
	out := map[string]*LearnCertRef{}
	certs, err := visibleByID(app, info, "certifications", ids)
	if err != nil || len(certs) == 0 {
		return out, err
	}
	for id, r := range certs {
		out[id] = &LearnCertRef{ID: id, Name: r.GetString("name")}
	}
	if info.Auth == nil {
		return out, nil
	}
	mine, err := access.ListVisible(app, info, "certificates", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"certificates.user": info.Auth.Id, "certificates.status": training.CertificateValid},
			dbx.In("certificates.certification", ids...)},
		Sort: []string{"-issued"}, PerPage: 200})
	if err != nil {
		return nil, err
	}
	for _, c := range mine.Items {
		if ref := out[c.GetString("certification")]; ref != nil && ref.CertificateID == "" {
			ref.CertificateID = c.Id
		}
	}
	return out, nil
}

// LearnScore formats a quiz score (a percentage with at most one decimal)
// for the page's locale: 66.7 in English, 66,7 in Portuguese.
func (p *Page) LearnScore(score float64) string {
	s := strconv.FormatFloat(score, 'f', -1, 64)
	if p.Locale == i18n.PTBR {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}
