package hooks_test

import (
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/internal/invite"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// TestInvitationJob: the hourly job is bound; run at a fixed clock it sends
// one reminder after three days (never a second) and expires after seven.
func TestInvitationJob(t *testing.T) {
	app := testapp.New(t)
	found := false
	for _, j := range app.Cron().Jobs() {
		if j.Id() == hooks.InvitationJob {
			found = j.Expression() == "41 * * * *"
		}
	}
	if !found {
		t.Fatalf("job %s not registered hourly", hooks.InvitationJob)
	}
	now := time.Now().UTC()
	var inv *core.Record
	if err := app.RunInTransaction(func(tx core.App) error {
		var err error
		inv, err = invite.IssueAt(tx, invite.Request{Email: "Later@Globex.test", Role: "partner_user", PartnerID: testapp.PartnerGlobex, Locale: "en"}, now)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if inv.GetString("email") != "later@globex.test" {
		t.Fatalf("address stored as %q", inv.GetString("email"))
	}
	app.TestMailer.Reset()
	for _, step := range []struct {
		at                time.Duration
		expired, reminded int
	}{
		{47 * time.Hour, 0, 0},
		{73 * time.Hour, 0, 1},
		{74 * time.Hour, 0, 0},
		{6 * 24 * time.Hour, 0, 0},
		{7*24*time.Hour + time.Minute, 1, 0},
		{8 * 24 * time.Hour, 0, 0},
	} {
		e, r, err := hooks.RunInvitationJobs(app, now.Add(step.at))
		if err != nil || e != step.expired || r != step.reminded {
			t.Fatalf("at +%v: expired %d reminded %d (%v); want %d, %d", step.at, e, r, err, step.expired, step.reminded)
		}
	}
	if app.TestMailer.TotalSend() != 1 || app.TestMailer.LastMessage().Subject == "" {
		t.Fatalf("%d e-mails, want the one reminder", app.TestMailer.TotalSend())
	}
}

// TestSettledInvitationsStaySettled: whoever saves (a superuser included),
// an accepted or revoked invitation does not become pending again.
func TestSettledInvitationsStaySettled(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedInvitations(t, app)
	inv, err := app.FindRecordById(invite.Collection, testapp.InvAcme)
	if err != nil {
		t.Fatal(err)
	}
	inv.Set("status", invite.StatusRevoked)
	if err := app.Save(inv); err != nil {
		t.Fatal(err)
	}
	inv, err = app.FindRecordById(invite.Collection, testapp.InvAcme)
	if err != nil {
		t.Fatal(err)
	}
	inv.Set("status", invite.StatusPending)
	if err := app.Save(inv); err == nil {
		t.Fatal("a revoked invitation was reopened")
	}
}
