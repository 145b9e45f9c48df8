package activity

// Onboarding events: a checklist step ticked (by the partner's own work or
// by the channel manager) and a partner's checklist completed.
const (
	KindOnboardingStepDone  = "onboarding.step_done"
	KindOnboardingCompleted = "onboarding.completed"
)
