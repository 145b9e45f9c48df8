package ui

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// tierReviewRoutes binds the portal pages of tier evaluations, recommendations and the tier history.
func (u *portal) tierReviewRoutes(g, in, staff *router.RouterGroup[*core.RequestEvent]) {
}

// homeTier returns the home page panel of the partner's tier standing: what is missing for the next tier (nil: no panel). The panel's
// partial is defined in its area's templates.
func (u *portal) homeTier(e *core.RequestEvent, info *core.RequestInfo) (any, error) {
	return nil, nil
}
