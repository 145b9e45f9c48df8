package demo_test

import (
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// TestDemoDeals: a year of deal history that tells a story — growth, wins
// and losses, registrations awaiting approval, one conflict between two
// partners, an expired protection — dated in the past, exact history rows,
// and not one notification.
func TestDemoDeals(t *testing.T) {
	app := testapp.NewEmpty(t)
	mustLoad(t, app)
	n := count(t, app, "deals")
	if n < 120 || n > 200 {
		t.Errorf("%d demo deals, want 120–200", n)
	}
	if c := count(t, app, "notifications"); c != 0 {
		t.Errorf("the demo notified %d times", c)
	}
	for status, least := range map[string]int{"pending": 2, "approved": 20, "rejected": 3, "expired": 1} {
		if c := count(t, app, "deals", dbx.HashExp{"status": status}); c < least {
			t.Errorf("%d %s deals, want at least %d", c, status, least)
		}
	}
	won, lost := count(t, app, "deals", dbx.HashExp{"stage": "won"}), count(t, app, "deals", dbx.HashExp{"stage": "lost"})
	if won < 15 || lost < 15 {
		t.Errorf("%d won, %d lost", won, lost)
	}
	// Exactly one flagged registration: Paulista Cloud's, against Carioca's
	// protected deal, awaiting a decision.
	flagged, err := app.FindAllRecords("deals", dbx.HashExp{"conflict": true})
	if err != nil || len(flagged) != 1 {
		t.Fatalf("%d flagged deals (%v)", len(flagged), err)
	}
	other, err := app.FindRecordById("deals", flagged[0].GetString("conflict_with"))
	if err != nil || other.GetString("partner") == flagged[0].GetString("partner") || other.GetString("status") != "approved" ||
		flagged[0].GetString("status") != "pending" {
		t.Errorf("conflict: %v", err)
	}
	// Growth: the last six months register more than the first six.
	now := time.Now().UTC()
	half := now.AddDate(0, -6, 0).Format("2006-01-02")
	recent := count(t, app, "deals", dbx.NewExp("submitted >= {:h}", dbx.Params{"h": half}))
	if recent <= n-recent {
		t.Errorf("no growth: %d deals in the last six months, %d before", recent, n-recent)
	}
	// History: every row in the past, every deal's first row its
	// registration, each closed deal with a closing row at its closed time;
	// no approved open deal has outlived its protection (the job would
	// expire it with a notification).
	if c := count(t, app, "deal_events", dbx.NewExp("at > {:now}", dbx.Params{"now": now.Format("2006-01-02 15:04:05.000Z")})); c != 0 {
		t.Errorf("%d history rows in the future", c)
	}
	if c := count(t, app, "deal_events", dbx.HashExp{"from_status": ""}); c != n {
		t.Errorf("%d registration rows for %d deals", c, n)
	}
	stale := count(t, app, "deals", dbx.NewExp("status = 'approved' AND stage NOT IN ('won','lost') AND protection_until < {:now}",
		dbx.Params{"now": now.Format("2006-01-02 15:04:05.000Z")}))
	if stale != 0 {
		t.Errorf("%d approved open deals past their protection", stale)
	}
	if c := count(t, app, "activity", dbx.NewExp("kind LIKE 'deal.%' AND created > {:now}", dbx.Params{"now": now.Add(time.Minute).Format("2006-01-02 15:04:05.000Z")})); c != 0 {
		t.Errorf("%d deal activity events in the future", c)
	}
}
