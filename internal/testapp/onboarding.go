package testapp

import (
	"testing"

	"github.com/pocketbase/pocketbase/core"
)

// The default onboarding step templates (created by the onboarding
// migration with these ids).
const (
	StepProfile   = "onbstepprofile1"
	StepInvite    = "onbstepinvite01" // invite 2 colleagues
	StepFirstDeal = "onbstepfirstdl1"
	StepManual    = "onbstepmanual01"
)

// Progress rows with fixed ids that StartOnboarding creates for the manual
// step of each fixture partner (and Acme's profile step), so REST scenarios
// can name them.
const (
	ProgressAcmeManual   = "onbprogacmeman1"
	ProgressGlobexManual = "onbprogglxman01"
	ProgressAcmeProfile  = "onbprogacmepro1" // Acme's profile step
)

// StartOnboarding moves the fixture partner into status onboarding, as
// staff would, so the hooks give it its checklist (the manual step's row
// with the fixed id above). It fails the test on any error.
func StartOnboarding(t testing.TB, app core.App, partnerID string) {
	t.Helper()
	if err := app.RunInTransaction(func(tx core.App) error {
		c, err := tx.FindCollectionByNameOrId("onboarding_progress")
		if err != nil {
			return err
		}
		id := ProgressAcmeManual
		if partnerID == PartnerGlobex {
			id = ProgressGlobexManual
		}
		rows := map[string]string{}
		switch partnerID {
		case PartnerAcme:
			rows = map[string]string{id: StepManual, ProgressAcmeProfile: StepProfile}
		case PartnerGlobex:
			rows = map[string]string{id: StepManual}
		}
		for rid, step := range rows {
			r := core.NewRecord(c)
			r.Id = rid
			r.Set("partner", partnerID)
			r.Set("step", step)
			if err := tx.Save(r); err != nil {
				return err
			}
		}
		p, err := tx.FindRecordById("partners", partnerID)
		if err != nil {
			return err
		}
		p.Set("status", "onboarding")
		return tx.Save(p)
	}); err != nil {
		t.Fatalf("starting onboarding of %s: %v", partnerID, err)
	}
}

// OnboardingProgress returns the partner's progress row of step.
func OnboardingProgress(t testing.TB, app core.App, partnerID, stepID string) *core.Record {
	t.Helper()
	r, err := app.FindFirstRecordByFilter("onboarding_progress", "partner = {:p} && step = {:s}",
		map[string]any{"p": partnerID, "s": stepID})
	if err != nil {
		t.Fatalf("progress of %s on %s: %v", partnerID, stepID, err)
	}
	return r
}
