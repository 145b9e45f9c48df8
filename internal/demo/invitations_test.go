package demo_test

import (
	"testing"
	"time"

	"github.com/pocketbase/dbx"

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// TestDemoInvitations: invitations into the onboarding partners at every
// state, no e-mail sent while loading, and the one due a reminder gets it
// when the hourly job runs.
func TestDemoInvitations(t *testing.T) {
	app := testapp.NewEmpty(t)
	mustLoad(t, app)
	for status, want := range map[string]int{"pending": 2, "accepted": 1, "expired": 1, "revoked": 1} {
		if c := count(t, app, "invitations", dbx.HashExp{"status": status}); c != want {
			t.Errorf("%d %s invitations, want %d", c, status, want)
		}
	}
	if app.TestMailer.TotalSend() != 0 {
		t.Fatalf("the demo sent %d e-mails", app.TestMailer.TotalSend())
	}
	if _, reminded, err := hooks.RunInvitationJobs(app, time.Now()); err != nil || reminded != 1 {
		t.Fatalf("job on the demo: %d reminders (%v), want 1", reminded, err)
	}
}
