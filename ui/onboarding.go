package ui

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// onboardingRoutes binds the portal pages of onboarding step templates, partner checklists and onboarding progress.
func (u *portal) onboardingRoutes(g, in, staff *router.RouterGroup[*core.RequestEvent]) {
}

// homeOnboarding returns the home page panel of the partner's onboarding checklist, or for staff the onboarding progress summary (nil: no panel). The panel's
// partial is defined in its area's templates.
func (u *portal) homeOnboarding(e *core.RequestEvent, info *core.RequestInfo) (any, error) {
	return nil, nil
}
