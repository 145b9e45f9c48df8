package hooks

import "github.com/pocketbase/pocketbase/core"

// bindOnboardingHooks binds the onboarding area's record hooks and jobs.
func bindOnboardingHooks(app core.App) {
}
