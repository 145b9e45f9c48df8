package demo_test

import (
	"time"

	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/onboarding"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// TestDemoOnboardingStages checks the demo has partners at every stage of
// onboarding, ticked by the real hooks: not started, half-way, all but the
// manual call, and one completed with a duration.
func TestDemoOnboardingStages(t *testing.T) {
	app := testapp.NewEmpty(t)
	mustLoad(t, app)
	if n := count(t, app, onboarding.Steps, dbx.HashExp{"active": true}); n != 6 {
		t.Fatalf("active steps = %d, want 6 (4 defaults, agreement, course)", n)
	}
	row := func(slug string) *core.Record {
		t.Helper()
		p, err := app.FindFirstRecordByData("partners", "slug", slug)
		if err != nil {
			t.Fatal(err)
		}
		r, err := onboarding.ChecklistOf(app, p.Id)
		if err != nil || r == nil {
			t.Fatalf("%s has no checklist: %v", slug, err)
		}
		return r
	}
	for _, c := range []struct {
		slug, status string
		done         int
	}{
		{"douro-sistemas", onboarding.StatusOnboarding, 0},
		{"mineira-dados", onboarding.StatusOnboarding, 3},
		{"sierra-madre-tecnologia", onboarding.StatusOnboarding, 5},
		{"soluciones-anahuac", onboarding.StatusCompleted, 6},
	} {
		r := row(c.slug)
		if r.GetString("status") != c.status || r.GetInt("done") != c.done || r.GetInt("total") != 6 {
			t.Errorf("%s: %s %d/%d, want %s %d/6", c.slug, r.GetString("status"), r.GetInt("done"), r.GetInt("total"), c.status, c.done)
		}
	}
	if d := onboarding.Days(row("soluciones-anahuac"), time.Now().UTC()); d != 38 {
		t.Errorf("completed onboarding took %d days, want 38", d)
	}
	// Sierra Madre's first invitation (20 days ago) is where its onboarding starts.
	if d := onboarding.Days(row("sierra-madre-tecnologia"), time.Now().UTC()); d < 19 || d > 21 {
		t.Errorf("Sierra Madre onboarding for %d days, want about 20", d)
	}
}
