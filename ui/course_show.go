package ui

import (
	"errors"
	"net/http"
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
)

// courseShowData is the course page's data.
type courseShowData struct {
	Course  *LearnCourseView
	Lessons []LearnLessonItem
	Quizzes []LearnQuizItem
	Prereqs []LearnPrereqView
	// Blocked says a prerequisite is unmet: no enrolling, no lessons.
	// Preview lets staff open the lessons anyway, to check the content.
	Blocked, Preview bool
	// Action is the main button: enrol, continue or review; NextURL is
	// where continue and review go.
	Action, NextURL string
}

// learnMaxItems bounds the lessons and quizzes a course page lists.
const learnMaxItems = 200

// courseShow is a course's page: description, lessons with ticks, quizzes,
// prerequisites with their state, the certification it leads to and the
// enrol / continue / review button.
func (u *portal) courseShow(e *core.RequestEvent) error {
	course, info, err := learnCourse(e)
	if err != nil {
		return err
	}
	d, err := u.courseData(e, info, course)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "course_show", &Page{Title: d.Course.Title, Data: d})
}

// courseData gathers the course page in a fixed number of queries.
func (u *portal) courseData(e *core.RequestEvent, info *core.RequestInfo, course *core.Record) (*courseShowData, error) {
	d := &courseShowData{Course: learnCourseView(course)}
	d.Course.Description = storedHTML(course, "description_html")
	certs, err := learnCertRefs(e.App, info, []*core.Record{course})
	if err != nil {
		return nil, err
	}
	d.Course.Certification = certs[course.GetString("certification")]
	enrol, err := learnEnrolment(e.App, info, course.Id)
	if err != nil {
		return nil, err
	}
	d.Course.Enrolment = learnEnrolmentView(enrol)
	if d.Prereqs, d.Blocked, err = learnPrereqs(e.App, info, course); err != nil {
		return nil, err
	}
	d.Preview = d.Blocked && !learnAutoEnrols(getCtx(e).User)
	lessons, err := access.ListVisible(e.App, info, "lessons", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"lessons.course": course.Id}}, Sort: []string{"order"}, PerPage: learnMaxItems})
	if err != nil {
		return nil, err
	}
	quizzes, err := access.ListVisible(e.App, info, "quizzes", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"quizzes.course": course.Id}}, Sort: []string{"created"}, PerPage: learnMaxItems})
	if err != nil {
		return nil, err
	}
	ev := d.Course.Enrolment
	firstOpen := ""
	for _, l := range lessons.Items {
		it := LearnLessonItem{ID: l.Id, Title: l.GetString("title"), Minutes: l.GetInt("minutes")}
		it.Done = ev != nil && slices.Contains(ev.done, l.Id)
		if !it.Done && firstOpen == "" {
			firstOpen = l.Id
		}
		d.Lessons = append(d.Lessons, it)
	}
	d.Course.Lessons = len(d.Lessons)
	for _, q := range quizzes.Items {
		d.Quizzes = append(d.Quizzes, LearnQuizItem{ID: q.Id, Title: q.GetString("title"), Lesson: q.GetString("lesson"),
			PassMark: q.GetInt("pass_mark"),
			Passed:   ev != nil && slices.Contains(ev.passed, q.Id)})
	}
	lessonURL := func(id string) string { return "/courses/" + course.GetString("slug") + "/lessons/" + id }
	switch {
	case d.Blocked:
		d.Action = ""
	case ev == nil:
		d.Action = "enrol"
	case ev.Status == "completed":
		d.Action = "review"
		if len(d.Lessons) > 0 {
			d.NextURL = lessonURL(d.Lessons[0].ID)
		}
	default:
		d.Action = "continue"
		switch {
		case ev.LastLesson != "" && slices.ContainsFunc(d.Lessons, func(l LearnLessonItem) bool { return l.ID == ev.LastLesson }):
			d.NextURL = lessonURL(ev.LastLesson)
		case firstOpen != "":
			d.NextURL = lessonURL(firstOpen)
		default:
			for _, q := range d.Quizzes {
				if !q.Passed {
					d.NextURL = "/quizzes/" + q.ID
					break
				}
			}
		}
		if d.NextURL == "" && len(d.Lessons) > 0 {
			d.NextURL = lessonURL(d.Lessons[0].ID)
		}
	}
	return d, nil
}

// courseEnrol enrols the viewer through the enrolments' Create rule (its
// hook records the event). Unmet prerequisites get the course page with
// the list and a 403.
func (u *portal) courseEnrol(e *core.RequestEvent) error {
	course, info, err := learnCourse(e)
	if err != nil {
		return err
	}
	user := getCtx(e).User
	d, err := u.courseData(e, info, course)
	if err != nil {
		return err
	}
	if d.Blocked {
		return u.render(e, http.StatusForbidden, "course_show",
			&Page{Title: d.Course.Title, Data: d, FormErr: u.t(e, "training.prereq.refused")})
	}
	err = e.App.RunInTransaction(func(tx core.App) error {
		_, err := learnEnsureEnrolment(tx, user, course)
		return err
	})
	if errors.Is(err, access.ErrForbidden) {
		return e.ForbiddenError("", err)
	}
	if msgs, ok := validationMessages(u.locale(e), err); ok {
		// A prerequisite completed state changed meanwhile: show why.
		return u.render(e, http.StatusForbidden, "course_show",
			&Page{Title: d.Course.Title, Data: d, FormErr: msgs["course"]})
	}
	if err != nil {
		return err
	}
	u.setFlash(e, "flash.training_enrolled")
	return e.Redirect(http.StatusSeeOther, "/courses/"+course.GetString("slug"))
}
