package onboarding_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/onboarding"
	"github.com/ponte-portal/ponte/internal/testapp"
)

func TestMain(m *testing.M) { testapp.Main(m) }

// TestStartIsIdempotent starts a checklist twice and a third time after the
// partner left onboarding: one row per step, the ticks kept, the checklist
// re-opened.
func TestStartIsIdempotent(t *testing.T) {
	app := testapp.New(t)
	testapp.StartOnboarding(t, app, testapp.PartnerAcme)
	p, _ := app.FindRecordById("partners", testapp.PartnerAcme)
	manual, _ := app.FindRecordById(onboarding.Progress, testapp.ProgressAcmeManual)
	manual.Set("done", true)
	if err := app.Save(manual); err != nil {
		t.Fatal(err)
	}
	if err := onboarding.Start(app, p, time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	if err := onboarding.Left(app, p.Id); err != nil {
		t.Fatal(err)
	}
	if err := onboarding.Start(app, p, time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	n, err := app.CountRecords(onboarding.Progress, dbx.HashExp{"partner": p.Id})
	if err != nil || n != 4 {
		t.Fatalf("progress rows = %d (%v), want 4", n, err)
	}
	row, _ := onboarding.ChecklistOf(app, p.Id)
	if row.GetString("status") != onboarding.StatusOnboarding || row.GetInt("done") != 1 {
		t.Fatalf("checklist %s with %d done, want onboarding with the manual tick kept", row.GetString("status"), row.GetInt("done"))
	}
	done, total, err := onboarding.Counts(app, p.Id)
	if err != nil || done != 1 || total != 4 {
		t.Fatalf("Counts = %d/%d (%v), want 1/4", done, total, err)
	}
}

// TestDaysFromInvitationToCompletion: onboarding is counted from the
// earliest invitation when there is one, else from the checklist's start,
// to completion or now.
func TestDaysFromInvitationToCompletion(t *testing.T) {
	app := testapp.New(t)
	c, err := app.FindCollectionByNameOrId(onboarding.Checklist)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2026, 6, 30, 12, 0, 0, 0, time.UTC)
	r := core.NewRecord(c)
	r.Set("started", now.AddDate(0, 0, -10))
	if d := onboarding.Days(r, now); d != 10 {
		t.Errorf("open, no invitation: %d days, want 10", d)
	}
	r.Set("invited", now.AddDate(0, 0, -12))
	if d := onboarding.Days(r, now); d != 12 {
		t.Errorf("open, invited 12 days ago: %d days, want 12", d)
	}
	r.Set("completed", now.AddDate(0, 0, -2))
	if d := onboarding.Days(r, now); d != 10 {
		t.Errorf("completed: %d days, want 10", d)
	}
	if got := onboarding.StartedAt(r); !got.Equal(now.AddDate(0, 0, -12)) {
		t.Errorf("StartedAt = %v", got)
	}
}

// TestEvaluateIgnoresPartnersNotOnboarding: a partner without a checklist,
// or whose checklist completed, is never judged.
func TestEvaluateIgnoresPartnersNotOnboarding(t *testing.T) {
	app := testapp.New(t)
	if err := onboarding.Evaluate(app, testapp.PartnerGlobex, onboarding.Kinds...); err != nil {
		t.Fatal(err)
	}
	if n, _ := app.CountRecords(onboarding.Progress, dbx.HashExp{"partner": testapp.PartnerGlobex}); n != 0 {
		t.Fatalf("Globex got %d progress rows without onboarding", n)
	}
}

// TestIndexesBehindOnboardingFilters checks that every column the onboarding
// pages and rules filter or sort by leads an index.
func TestIndexesBehindOnboardingFilters(t *testing.T) {
	app := testapp.NewEmpty(t)
	need := map[string][]string{
		onboarding.Steps:     {"active", "kind", "sort", "document", "course"},
		onboarding.Progress:  {"partner", "step", "done_by"},
		onboarding.Checklist: {"partner", "status", "completed"}, // (status, started) and (status, completed) for the list's two sorts
	}
	for table, cols := range need {
		var rows []struct {
			Name string `db:"name"`
		}
		if err := app.DB().NewQuery("SELECT name FROM pragma_index_list({:t})").Bind(dbx.Params{"t": table}).All(&rows); err != nil {
			t.Fatal(err)
		}
		leading := map[string]bool{}
		for _, r := range rows {
			var first string
			if err := app.DB().NewQuery("SELECT name FROM pragma_index_info({:i}) WHERE seqno = 0").
				Bind(dbx.Params{"i": r.Name}).Row(&first); err == nil {
				leading[strings.ToLower(first)] = true
			}
		}
		for _, c := range cols {
			if !leading[c] {
				t.Errorf("%s.%s leads no index", table, c)
			}
		}
	}
}
