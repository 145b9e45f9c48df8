package training

import (
	"database/sql"
	"errors"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
)

// Enrolment states.
const (
	StatusEnrolled   = "enrolled"
	StatusInProgress = "in_progress"
	StatusCompleted  = "completed"
)

// Validation errors of enrolments, shown beside the field in the user's
// language (validation.training_* in the training catalogues).
var (
	ErrPrerequisites     = validation.NewError("validation_training_prerequisites", "Finish the prerequisite courses first.")
	ErrLessonNotInCourse = validation.NewError("validation_training_lesson_not_in_course", "The lesson is not part of this course.")
)

// Progress is the share of a course done, in whole percent: completed
// lessons plus passed quizzes out of lessons plus quizzes, rounded down so
// that 100 means everything is done. A course without lessons or quizzes is
// at 0.
func Progress(doneLessons, lessons, passedQuizzes, quizzes int) int {
	total := lessons + quizzes
	if total <= 0 {
		return 0
	}
	done := min(doneLessons, lessons) + min(passedQuizzes, quizzes)
	return done * 100 / total
}

// CourseContent returns the ids of a course's lessons (in order) and
// quizzes, read from their (course, …) indexes.
func CourseContent(app core.App, courseID string) (lessons, quizzes []string, err error) {
	if err = app.DB().Select("id").From("lessons").Where(dbx.HashExp{"course": courseID}).
		OrderBy("[[order]] ASC", "id ASC").Column(&lessons); err != nil {
		return nil, nil, err
	}
	err = app.DB().Select("id").From("quizzes").Where(dbx.HashExp{"course": courseID}).
		OrderBy("created ASC", "id ASC").Column(&quizzes)
	return lessons, quizzes, err
}

// CompletedCourses returns which of courseIDs the user has completed, from
// the (user, course) index of enrolments.
func CompletedCourses(app core.App, userID string, courseIDs []string) (map[string]bool, error) {
	done := map[string]bool{}
	if userID == "" || len(courseIDs) == 0 {
		return done, nil
	}
	ids := make([]any, len(courseIDs))
	for i, c := range courseIDs {
		ids[i] = c
	}
	var rows []string
	err := app.DB().Select("course").From("enrollments").
		Where(dbx.HashExp{"user": userID, "status": StatusCompleted}).AndWhere(dbx.In("course", ids...)).Column(&rows)
	for _, c := range rows {
		done[c] = true
	}
	return done, err
}

// UnmetPrerequisites returns the prerequisite course ids of course that the
// user has not completed, in the course's order (nil when all are met).
func UnmetPrerequisites(app core.App, userID string, course *core.Record) ([]string, error) {
	pre := course.GetStringSlice("prerequisites")
	if len(pre) == 0 {
		return nil, nil
	}
	done, err := CompletedCourses(app, userID, pre)
	if err != nil {
		return nil, err
	}
	var out []string
	for _, id := range pre {
		if !done[id] {
			out = append(out, id)
		}
	}
	return out, nil
}

// Recompute checks an enrolment's lessons against its course and sets its
// progress, status and completion date from the course's content as it is
// now. wasDone says whether the stored enrolment was already completed. It
// reports whether the enrolment has just become completed. Completion is
// kept once reached: lessons added to a course later do not take a
// certificate's basis away.
func Recompute(app core.App, r *core.Record, wasDone bool, at time.Time) (completedNow bool, err error) {
	lessons, quizzes, err := CourseContent(app, r.GetString("course"))
	if err != nil {
		return false, err
	}
	done := dedupe(r.GetStringSlice("completed_lessons"))
	for _, id := range done {
		if !slices.Contains(lessons, id) {
			return false, validation.Errors{"completed_lessons": ErrLessonNotInCourse}
		}
	}
	if l := r.GetString("last_lesson"); l != "" && !slices.Contains(lessons, l) {
		return false, validation.Errors{"last_lesson": ErrLessonNotInCourse}
	}
	var passed []string
	for _, id := range dedupe(r.GetStringSlice("passed_quizzes")) {
		if slices.Contains(quizzes, id) {
			passed = append(passed, id)
		}
	}
	r.Set("completed_lessons", done)
	r.Set("passed_quizzes", passed)
	p := Progress(len(done), len(lessons), len(passed), len(quizzes))
	switch {
	case wasDone:
		r.Set("status", StatusCompleted)
		r.Set("progress", 100)
		if r.GetDateTime("completed").IsZero() {
			r.Set("completed", at)
		}
		return false, nil
	case p >= 100:
		r.Set("status", StatusCompleted)
		r.Set("progress", 100)
		r.Set("completed", at)
		return true, nil
	case p > 0 || len(done) > 0 || r.GetString("last_lesson") != "":
		r.Set("status", StatusInProgress)
	default:
		r.Set("status", StatusEnrolled)
	}
	r.Set("progress", p)
	r.Set("completed", "")
	return false, nil
}

// FindEnrollment returns the user's enrolment in a course read directly
// (server-side, for grading), or nil when there is none.
func FindEnrollment(app core.App, userID, courseID string) (*core.Record, error) {
	r, err := app.FindFirstRecordByFilter("enrollments", "user = {:u} && course = {:c}", dbx.Params{"u": userID, "c": courseID})
	if err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, nil
		}
		return nil, err
	}
	return r, nil
}
