package hooks_test

import (
	"errors"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/testapp"
	"github.com/ponte-portal/ponte/internal/training"
)

// trainingApp is a seeded app with the fixture curriculum.
func trainingApp(t *testing.T) *tests.TestApp {
	t.Helper()
	app := testapp.New(t)
	testapp.SeedTraining(t, app)
	return app
}

// enrol saves an enrolment from Go (the hooks run as for the API).
func enrol(app core.App, user, course string, fields map[string]any) (*core.Record, error) {
	c, err := app.FindCollectionByNameOrId("enrollments")
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(c)
	r.Set("user", user)
	r.Set("course", course)
	for k, v := range fields {
		r.Set(k, v)
	}
	return r, app.Save(r)
}

// trainingCount counts rows of a table matching where.
func trainingCount(t *testing.T, app core.App, table string, where dbx.HashExp) int {
	t.Helper()
	var n int
	if err := app.DB().Select("COUNT(*)").From(table).Where(where).Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// validationCode returns the code of field's validation error in err.
func validationCode(err error, field string) string {
	var verrs validation.Errors
	if !errors.As(err, &verrs) {
		return ""
	}
	var ve validation.Error
	if errors.As(verrs[field], &ve) {
		return ve.Code()
	}
	return ""
}

func TestEnrollmentCreateSetsDerivedFields(t *testing.T) {
	app := trainingApp(t)
	r, err := enrol(app, testapp.AcmeUserID, testapp.CourseBasics, map[string]any{
		"partner": testapp.PartnerGlobex, "status": "completed", "progress": 80})
	if err != nil {
		t.Fatal(err)
	}
	if r.GetString("partner") != testapp.PartnerAcme || r.GetString("status") != training.StatusEnrolled ||
		r.GetInt("progress") != 0 || r.GetDateTime("started").IsZero() {
		t.Errorf("derived fields not set: partner %q status %q progress %d started %v",
			r.GetString("partner"), r.GetString("status"), r.GetInt("progress"), r.GetDateTime("started"))
	}
	if n := trainingCount(t, app, "activity", dbx.HashExp{"kind": "training.enrolled", "user": testapp.AcmeUserID,
		"partner": testapp.PartnerAcme, "target_id": r.Id}); n != 1 {
		t.Errorf("%d enrolled events, want 1", n)
	}
}

func TestEnrollmentRefusesUnmetPrerequisites(t *testing.T) {
	app := trainingApp(t)
	_, err := enrol(app, testapp.AcmeUserID, testapp.CourseSales, nil)
	if code := validationCode(err, "course"); code != "validation_training_prerequisites" {
		t.Fatalf("enrolling without the prerequisite: error %v (code %q)", err, code)
	}
	if n := trainingCount(t, app, "enrollments", dbx.HashExp{"user": testapp.AcmeUserID}); n != 0 {
		t.Errorf("%d enrolments written by a refused create", n)
	}
	if n := trainingCount(t, app, "activity", dbx.HashExp{"kind": "training.enrolled"}); n != 0 {
		t.Errorf("%d events written by a refused create", n)
	}
}

func TestEnrollmentProgressAndLessonsOfTheCourse(t *testing.T) {
	app := trainingApp(t)
	r, err := enrol(app, testapp.AcmeUserID, testapp.CourseBasics, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Set("completed_lessons", []string{testapp.LessonBasics1, testapp.LessonSales1})
	if code := validationCode(app.Save(r), "completed_lessons"); code != "validation_training_lesson_not_in_course" {
		t.Fatalf("a lesson of another course was accepted (code %q)", code)
	}
	r, _ = app.FindRecordById("enrollments", r.Id)
	r.Set("completed_lessons", []string{testapp.LessonBasics1, testapp.LessonBasics2})
	r.Set("last_lesson", testapp.LessonBasics2)
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	// 2 of 3 lessons and 0 of 1 quiz: 2/4.
	if r.GetInt("progress") != 50 || r.GetString("status") != training.StatusInProgress || !r.GetDateTime("completed").IsZero() {
		t.Errorf("progress %d status %q completed %v, want 50 in_progress none", r.GetInt("progress"), r.GetString("status"), r.GetDateTime("completed"))
	}
	r.Set("completed_lessons", []string{testapp.LessonBasics1, testapp.LessonBasics2, testapp.LessonBasics3})
	r.Set("passed_quizzes", []string{testapp.QuizBasics})
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	if r.GetInt("progress") != 100 || r.GetString("status") != training.StatusCompleted || r.GetDateTime("completed").IsZero() {
		t.Errorf("after everything: progress %d status %q completed %v", r.GetInt("progress"), r.GetString("status"), r.GetDateTime("completed"))
	}
	if n := trainingCount(t, app, "activity", dbx.HashExp{"kind": "training.course_completed", "target_id": r.Id}); n != 1 {
		t.Errorf("%d course_completed events, want 1", n)
	}
	// Partner 101 alone completes no certification.
	if n := trainingCount(t, app, "certificates", dbx.HashExp{"user": testapp.AcmeUserID}); n != 0 {
		t.Errorf("%d certificates for half of a certification", n)
	}
}

// completeCourse ticks every lesson and quiz of a course for the user.
func completeCourse(t *testing.T, app core.App, user, course string) *core.Record {
	t.Helper()
	r, err := enrol(app, user, course, nil)
	if err != nil {
		t.Fatal(err)
	}
	lessons, quizzes, err := training.CourseContent(app, course)
	if err != nil {
		t.Fatal(err)
	}
	r.Set("completed_lessons", lessons)
	r.Set("passed_quizzes", quizzes)
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestCompletingTheRequiredCoursesIssuesOneCertificate(t *testing.T) {
	app := trainingApp(t)
	completeCourse(t, app, testapp.AcmeUserID, testapp.CourseBasics)
	before := time.Now().UTC()
	completeCourse(t, app, testapp.AcmeUserID, testapp.CourseSales)
	certs, err := app.FindAllRecords("certificates", dbx.HashExp{"user": testapp.AcmeUserID})
	if err != nil || len(certs) != 1 {
		t.Fatalf("%d certificates (%v), want 1", len(certs), err)
	}
	c := certs[0]
	issued := c.GetDateTime("issued").Time()
	if c.GetString("certification") != testapp.CertSales || c.GetString("status") != "valid" ||
		c.GetString("partner") != testapp.PartnerAcme || c.GetString("holder_name") != "Diego Rocha" ||
		c.GetString("partner_name") != "Acme Brasil Ltda" || len(c.GetString("code")) != training.CodeLength ||
		issued.Before(before.Add(-time.Second)) || !c.GetDateTime("expires").Time().Equal(training.Expiry(issued, 12)) {
		t.Errorf("certificate fields wrong: %v", c.FieldsData())
	}
	if n := trainingCount(t, app, "activity", dbx.HashExp{"kind": "training.certificate_issued", "target_id": c.Id}); n != 1 {
		t.Errorf("%d certificate_issued events, want 1", n)
	}
	if n := trainingCount(t, app, "notifications", dbx.HashExp{"user": testapp.AcmeUserID, "kind": training.NotifyCertificateIssued,
		"link": "/certificates/" + c.Id}); n != 1 {
		t.Errorf("%d certificate notifications, want 1", n)
	}
	// Saving the completed enrolment again issues nothing more.
	r, _ := training.FindEnrollment(app, testapp.AcmeUserID, testapp.CourseSales)
	r.Set("last_lesson", testapp.LessonSales1)
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	if n := trainingCount(t, app, "certificates", dbx.HashExp{"user": testapp.AcmeUserID}); n != 1 {
		t.Errorf("%d certificates after another save, want 1", n)
	}
}

// A failure while issuing undoes the completion: nothing half-written.
func TestFailedIssuanceUndoesTheCompletion(t *testing.T) {
	app := trainingApp(t)
	completeCourse(t, app, testapp.AcmeUserID, testapp.CourseBasics)
	app.OnRecordCreate("certificates").BindFunc(func(e *core.RecordEvent) error { return errors.New("storage is full") })
	r, err := enrol(app, testapp.AcmeUserID, testapp.CourseSales, nil)
	if err != nil {
		t.Fatal(err)
	}
	lessons, quizzes, _ := training.CourseContent(app, testapp.CourseSales)
	r.Set("completed_lessons", lessons)
	r.Set("passed_quizzes", quizzes)
	if err := app.Save(r); err == nil {
		t.Fatal("the completion was saved though issuing failed")
	}
	fresh, _ := app.FindRecordById("enrollments", r.Id)
	if fresh.GetString("status") != training.StatusEnrolled || len(fresh.GetStringSlice("completed_lessons")) != 0 {
		t.Errorf("enrolment changed by a failed completion: %v", fresh.FieldsData())
	}
	if n := trainingCount(t, app, "activity", dbx.HashExp{"kind": "training.course_completed", "target_id": r.Id}); n != 0 {
		t.Errorf("%d completion events left by a failed completion", n)
	}
}

// A row saved from Go with its completion date is history: its dates are
// kept and nothing is issued, recorded or notified.
func TestHistoryEnrolmentIssuesNothing(t *testing.T) {
	app := trainingApp(t)
	started := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	done := time.Date(2025, 3, 20, 17, 0, 0, 0, time.UTC)
	for _, course := range []string{testapp.CourseBasics, testapp.CourseSales} {
		r, err := enrol(app, testapp.AcmeUserID, course, map[string]any{"started": started, "completed": done,
			"completed_lessons": []string{}})
		if err != nil {
			t.Fatal(err)
		}
		if !r.GetDateTime("completed").Time().Equal(done) || !r.GetDateTime("started").Time().Equal(started) ||
			r.GetString("status") != training.StatusCompleted || r.GetInt("progress") != 100 {
			t.Errorf("history row changed: %v", r.FieldsData())
		}
	}
	for _, table := range []string{"certificates", "notifications", "activity"} {
		if n := trainingCount(t, app, table, dbx.HashExp{"user": testapp.AcmeUserID}); n != 0 {
			t.Errorf("history wrote %d %s rows", n, table)
		}
	}
	// An existing enrolment completed from Go with its date is history too.
	r, err := enrol(app, testapp.GlobexUserID, testapp.CourseBasics, nil)
	if err != nil {
		t.Fatal(err)
	}
	r.Set("completed", done)
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	if r.GetString("status") != training.StatusCompleted || !r.GetDateTime("completed").Time().Equal(done) {
		t.Errorf("history update not kept: %v", r.FieldsData())
	}
	if n := trainingCount(t, app, "activity", dbx.HashExp{"kind": "training.course_completed"}); n != 0 {
		t.Errorf("history update recorded %d completions", n)
	}
}
