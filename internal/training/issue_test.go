package training_test

import (
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/testapp"
	"github.com/ponte-portal/ponte/internal/training"
)

func TestMain(m *testing.M) { testapp.Main(m) }

// completeBoth completes Partner 101 and Selling Ponte for Diego from Go,
// the second save being the one that earns the certificate.
func completeBoth(t *testing.T, app core.App) error {
	t.Helper()
	c, _ := app.FindCollectionByNameOrId("enrollments")
	var last error
	for _, course := range []string{testapp.CourseBasics, testapp.CourseSales} {
		r := core.NewRecord(c)
		r.Set("user", testapp.AcmeUserID)
		r.Set("course", course)
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		lessons, quizzes, err := training.CourseContent(app, course)
		if err != nil {
			t.Fatal(err)
		}
		r.Set("completed_lessons", lessons)
		r.Set("passed_quizzes", quizzes)
		last = app.Save(r)
	}
	return last
}

// takenCode gives Elena a certificate holding code, so that it is taken.
func takenCode(t *testing.T, app *tests.TestApp, code string, expires time.Time) {
	t.Helper()
	c, _ := app.FindCollectionByNameOrId("certificates")
	r := core.NewRecord(c)
	r.Set("user", testapp.GlobexAdminID)
	r.Set("certification", testapp.CertSales)
	r.Set("code", code)
	r.Set("issued", time.Now().UTC())
	r.Set("status", "valid")
	if !expires.IsZero() {
		r.Set("expires", expires)
	}
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
}

func TestIssuanceDrawsAnotherCodeWhenOneIsTaken(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedTraining(t, app)
	taken, fresh := training.NewCode(), training.NewCode()
	takenCode(t, app, taken, time.Time{})
	codes := []string{taken, fresh}
	defer training.SetNewCode(func() string { c := codes[0]; codes = codes[1:]; return c })()
	if err := completeBoth(t, app); err != nil {
		t.Fatalf("issuing with a taken first code: %v", err)
	}
	got, err := app.FindFirstRecordByData("certificates", "user", testapp.AcmeUserID)
	if err != nil || got.GetString("code") != fresh {
		t.Fatalf("certificate %v (%v), want code %s", got, err, fresh)
	}
}

func TestIssuanceGivesUpAfterRepeatedCollisions(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedTraining(t, app)
	taken := training.NewCode()
	takenCode(t, app, taken, time.Time{})
	defer training.SetNewCode(func() string { return taken })()
	if err := completeBoth(t, app); err == nil {
		t.Fatal("issuing succeeded with every code taken")
	}
	var n int
	_ = app.DB().Select("COUNT(*)").From("certificates").Where(dbx.HashExp{"user": testapp.AcmeUserID}).Row(&n)
	if n != 0 {
		t.Errorf("%d certificates", n)
	}
	e, _ := training.FindEnrollment(app, testapp.AcmeUserID, testapp.CourseSales)
	if e.GetString("status") == training.StatusCompleted {
		t.Error("the completion was kept though issuing failed")
	}
}

// A certificate still marked valid but past its last day does not count:
// the learner gets a new one.
func TestHoldsValidIgnoresExpiredCertificates(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedTraining(t, app)
	takenCode(t, app, training.NewCode(), time.Date(2026, 6, 10, 0, 0, 0, 0, time.UTC))
	now := time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)
	if ok, err := training.HoldsValid(app, testapp.GlobexAdminID, testapp.CertSales, now); err != nil || !ok {
		t.Errorf("valid through its last day: %v %v", ok, err)
	}
	if ok, _ := training.HoldsValid(app, testapp.GlobexAdminID, testapp.CertSales, now.Add(12*time.Hour)); ok {
		t.Error("still valid the day after its last day")
	}
}
