package ui

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// surveyRoutes binds the portal pages of satisfaction surveys, their results and the feedback form.
func (u *portal) surveyRoutes(g, in, staff *router.RouterGroup[*core.RequestEvent]) {
}

// homeSurvey returns the home page panel of the survey the user is invited to answer now (nil: no panel). The panel's
// partial is defined in its area's templates.
func (u *portal) homeSurvey(e *core.RequestEvent, info *core.RequestInfo) (any, error) {
	return nil, nil
}
