package hooks

import (
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/training"
)

// bindTrainingHooks binds the hooks of enrolments and quiz attempts (progress, grading, certificate issuance).
//
// They are model hooks, so the REST API, the portal and Go code obey the
// same rules: an enrolment takes its partner from the learner, starts
// enrolled at 0 %, is refused while prerequisites are unmet, and its
// progress, status and completion follow from the lessons and quizzes it
// records. Completing a course appends an event and issues the
// certificates it completes, all in the save's transaction. A row saved
// with its completion date already set is history (the demo, imports): its
// dates are kept and it issues, records and notifies nothing.
func bindTrainingHooks(app core.App) {
	app.OnRecordCreate("enrollments").BindFunc(createEnrollment)
	app.OnRecordUpdate("enrollments").BindFunc(updateEnrollment)
}

// createEnrollment sets an enrolment's derived fields and refuses unmet
// prerequisites.
func createEnrollment(e *core.RecordEvent) error {
	r := e.Record
	user, err := e.App.FindRecordById("users", r.GetString("user"))
	if err != nil {
		return validation.Errors{"user": validation.NewError("validation_invalid", "Unknown user.")}
	}
	course, err := e.App.FindRecordById("courses", r.GetString("course"))
	if err != nil {
		return validation.Errors{"course": validation.NewError("validation_invalid", "Unknown course.")}
	}
	r.Set("partner", user.GetString("partner"))
	if !r.GetDateTime("completed").IsZero() {
		// History: keep what the writer says happened.
		r.Set("status", training.StatusCompleted)
		r.Set("progress", 100)
		if r.GetDateTime("started").IsZero() {
			r.Set("started", r.GetDateTime("completed"))
		}
		return e.Next()
	}
	unmet, err := training.UnmetPrerequisites(e.App, user.Id, course)
	if err != nil {
		return err
	}
	if len(unmet) > 0 {
		return validation.Errors{"course": training.ErrPrerequisites}
	}
	r.Set("status", training.StatusEnrolled)
	r.Set("progress", 0)
	r.Set("started", time.Now().UTC())
	r.Set("passed_quizzes", []string{})
	return inTx(e, func(tx core.App) error {
		at := time.Now().UTC()
		completedNow, err := training.Recompute(tx, r, false, at)
		if err != nil {
			return err
		}
		if err := e.Next(); err != nil {
			return err
		}
		if err := activity.Record(tx, user, activity.KindCourseEnrolled, r); err != nil {
			return err
		}
		return completed(tx, user, r, completedNow, at)
	})
}

// updateEnrollment recomputes progress and status and, on the move to
// completed, records the completion and issues certificates in the same
// transaction.
func updateEnrollment(e *core.RecordEvent) error {
	r := e.Record
	// The stored row, not r.Original(): a record saved earlier by the same
	// Go code keeps a blank original until it is read again.
	orig, err := e.App.FindRecordById("enrollments", r.Id)
	if err != nil {
		return err
	}
	// Who and which course never change.
	r.Set("user", orig.GetString("user"))
	r.Set("course", orig.GetString("course"))
	r.Set("partner", orig.GetString("partner"))
	if orig.GetDateTime("completed").IsZero() && !r.GetDateTime("completed").IsZero() {
		// History written from Go with its completion date.
		r.Set("status", training.StatusCompleted)
		r.Set("progress", 100)
		return e.Next()
	}
	wasDone := orig.GetString("status") == training.StatusCompleted
	return inTx(e, func(tx core.App) error {
		at := time.Now().UTC()
		completedNow, err := training.Recompute(tx, r, wasDone, at)
		if err != nil {
			return err
		}
		if err := e.Next(); err != nil {
			return err
		}
		user, err := tx.FindRecordById("users", r.GetString("user"))
		if err != nil {
			return err
		}
		return completed(tx, user, r, completedNow, at)
	})
}

// completed records a course's completion and issues the certificates it
// completes, when the save has just completed it.
func completed(tx core.App, user, enrolment *core.Record, completedNow bool, at time.Time) error {
	if !completedNow {
		return nil
	}
	if err := activity.Record(tx, user, activity.KindCourseCompleted, enrolment); err != nil {
		return err
	}
	_, err := training.IssueCertificates(tx, user, enrolment.GetString("course"), at)
	return err
}
