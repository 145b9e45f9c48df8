package hooks_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/internal/testapp"
	"github.com/ponte-portal/ponte/internal/tiering"
)

// TestTierPromotionMailsThePartnerAdmins: an applied promotion e-mails the
// partner's admins in their language; a demotion and a manual change do not.
func TestTierPromotionMailsThePartnerAdmins(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedTierProgramme(t, app)
	now := time.Now().UTC()
	testapp.SetPartnerFigures(t, app, testapp.PartnerGlobex, now, 650000, 6, 12) // qualifies for Gold
	testapp.SetPartnerFigures(t, app, testapp.PartnerAcme, now, 10, 0, 0)        // Bronze only
	set, err := app.FindFirstRecordByFilter("settings", "")
	if err != nil {
		t.Fatal(err)
	}
	set.Set("tier_grace_cycles", 0)
	set.Set("tier_auto_apply", true)
	if err := app.Save(set); err != nil {
		t.Fatal(err)
	}
	before := app.TestMailer.TotalSend()
	if _, err := tiering.EvaluateAll(app, now); err != nil {
		t.Fatal(err)
	}
	if got := app.TestMailer.TotalSend() - before; got != 1 {
		t.Fatalf("%d e-mails, want 1 (Globex's admin; Acme's demotion is not announced)", got)
	}
	m := app.TestMailer.LastMessage()
	if m.To[0].Address != testapp.GlobexAdminEmail || !strings.Contains(m.Subject, "Globex México is now Gold") ||
		!strings.Contains(m.HTML, "/tiers") {
		t.Fatalf("e-mail to %v: %q", m.To, m.Subject)
	}

	// A manual change is the vendor's own conversation: no e-mail.
	p, _ := app.FindRecordById("partners", testapp.PartnerAcme)
	p.Set("tier", testapp.TierGold)
	if err := app.Save(p); err != nil {
		t.Fatal(err)
	}
	if got := app.TestMailer.TotalSend() - before; got != 1 {
		t.Fatalf("%d e-mails after a manual change, want still 1", got)
	}
}

// TestTierEvaluationJobIsScheduled: the nightly job is registered at 02:30 UTC.
func TestTierEvaluationJobIsScheduled(t *testing.T) {
	app := testapp.New(t)
	for _, j := range app.Cron().Jobs() {
		if j.Id() == hooks.TierEvaluationJob {
			if j.Expression() != "30 2 * * *" {
				t.Fatalf("schedule %q", j.Expression())
			}
			return
		}
	}
	t.Fatal("the tier evaluation job is not scheduled")
}
