package ui

import (
	"errors"
	"html/template"
	"net/http"
	"slices"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/activity"
)

// LearnLessonView is a lesson as its page shows it.
type LearnLessonView struct {
	ID, Title, VideoURL string
	Body                template.HTML // the stored, sanitised Markdown
	HasVideo            bool
	Minutes             int
	Done                bool
}

// lessonShowData is the lesson page's data.
type lessonShowData struct {
	Course     *LearnCourseView
	Lesson     *LearnLessonView
	Lessons    []LearnLessonItem
	Prev, Next *LearnLessonItem
	// NextQuiz is the first quiz not yet passed, offered after the last lesson.
	NextQuiz *LearnQuizItem
	// Quizzes are the quizzes that follow this lesson.
	Quizzes []LearnQuizItem
	Prereqs []LearnPrereqView
	Blocked bool
	// Preview is staff reading a lesson whose prerequisites they have not
	// met: the content, without ticking it.
	Preview bool
}

// learnLesson loads the course and the lesson in the path, both through
// their View rules; a lesson of another course is a 404.
func learnLesson(e *core.RequestEvent) (*core.Record, *core.Record, *core.RequestInfo, error) {
	course, info, err := learnCourse(e)
	if err != nil {
		return nil, nil, nil, err
	}
	lesson, err := access.FindVisible(e.App, info, "lessons", e.Request.PathValue("id"))
	if errors.Is(err, access.ErrNotFound) || (err == nil && lesson.GetString("course") != course.Id) {
		return nil, nil, nil, e.NotFoundError("", err)
	}
	return course, lesson, info, err
}

// lessonShow shows a lesson, enrolling a learner on the first visit and
// remembering it as the place to resume. A course with unmet prerequisites
// shows them instead, with a 403.
func (u *portal) lessonShow(e *core.RequestEvent) error {
	course, lesson, info, err := learnLesson(e)
	if err != nil {
		return err
	}
	user := getCtx(e).User
	cd, err := u.courseData(e, info, course)
	if err != nil {
		return err
	}
	d := &lessonShowData{Course: cd.Course, Lessons: cd.Lessons, Prereqs: cd.Prereqs, Blocked: cd.Blocked && !cd.Preview,
		Preview: cd.Preview}
	if d.Blocked {
		return u.render(e, http.StatusForbidden, "lesson_show", &Page{Title: lesson.GetString("title"), Data: d})
	}
	enrol := cd.Course.Enrolment
	if !d.Preview && (enrol != nil || learnAutoEnrols(user)) {
		err := e.App.RunInTransaction(func(tx core.App) error {
			r, err := learnEnsureEnrolment(tx, user, course)
			if err != nil || r.GetString("last_lesson") == lesson.Id {
				return err
			}
			return access.Update(tx, access.Info(user, http.MethodPatch, map[string]any{"last_lesson": lesson.Id}), r)
		})
		if err != nil {
			// The lesson is still worth showing; resume is retried next time.
			e.App.Logger().Warn("recording the lesson opened", "lesson", lesson.Id, "error", err)
		} else if enrol == nil {
			if r, err := learnEnrolment(e.App, info, course.Id); err == nil {
				d.Course.Enrolment = learnEnrolmentView(r)
			}
		}
	}
	d.Lesson = &LearnLessonView{ID: lesson.Id, Title: lesson.GetString("title"), Body: storedHTML(lesson, "body_html"),
		VideoURL: lesson.GetString("video_url"), HasVideo: lesson.GetString("video") != "", Minutes: lesson.GetInt("minutes")}
	i := slices.IndexFunc(d.Lessons, func(l LearnLessonItem) bool { return l.ID == lesson.Id })
	if i >= 0 {
		d.Lesson.Done = d.Lessons[i].Done
		if i > 0 {
			d.Prev = &d.Lessons[i-1]
		}
		if i+1 < len(d.Lessons) {
			d.Next = &d.Lessons[i+1]
		}
	}
	for _, q := range cd.Quizzes {
		if q.Lesson == lesson.Id {
			d.Quizzes = append(d.Quizzes, q)
		}
	}
	if d.Next == nil {
		for _, q := range cd.Quizzes {
			if !q.Passed {
				d.NextQuiz = &q
				break
			}
		}
	}
	return u.render(e, http.StatusOK, "lesson_show", &Page{Title: d.Lesson.Title, Data: d})
}

// lessonComplete ticks a lesson in the viewer's enrolment through the
// enrolments' Update rule (its hook recomputes progress, completes the
// course and issues certificates) with the lesson_completed event, in one
// transaction, then goes on to the next lesson.
func (u *portal) lessonComplete(e *core.RequestEvent) error {
	course, lesson, info, err := learnLesson(e)
	if err != nil {
		return err
	}
	user := getCtx(e).User
	cd, err := u.courseData(e, info, course)
	if err != nil {
		return err
	}
	if cd.Blocked {
		d := &lessonShowData{Course: cd.Course, Lessons: cd.Lessons, Prereqs: cd.Prereqs, Blocked: true}
		return u.render(e, http.StatusForbidden, "lesson_show", &Page{Title: lesson.GetString("title"), Data: d})
	}
	err = e.App.RunInTransaction(func(tx core.App) error {
		r, err := learnEnsureEnrolment(tx, user, course)
		if err != nil {
			return err
		}
		done := r.GetStringSlice("completed_lessons")
		if slices.Contains(done, lesson.Id) {
			return nil
		}
		body := map[string]any{"completed_lessons": append(done, lesson.Id), "last_lesson": lesson.Id}
		if err := access.Update(tx, access.Info(user, http.MethodPatch, body), r); err != nil {
			return err
		}
		return activity.Record(tx, user, activity.KindLessonCompleted, lesson)
	})
	if errors.Is(err, access.ErrForbidden) {
		return e.ForbiddenError("", err)
	}
	if err != nil {
		return err
	}
	slug := course.GetString("slug")
	next := "/courses/" + slug
	i := slices.IndexFunc(cd.Lessons, func(l LearnLessonItem) bool { return l.ID == lesson.Id })
	if i >= 0 && i+1 < len(cd.Lessons) {
		next = "/courses/" + slug + "/lessons/" + cd.Lessons[i+1].ID
	}
	u.setFlash(e, "flash.training_lesson_done")
	return e.Redirect(http.StatusSeeOther, next)
}
