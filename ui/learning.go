package ui

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// learningRoutes binds the training learner pages (catalogue, course, lessons, quizzes): in for signed-in users, staff for vendor staff only, g
// for guests too.
func (u *portal) learningRoutes(g, in, staff *router.RouterGroup[*core.RequestEvent]) {
}
