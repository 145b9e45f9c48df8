package ui

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// trainingAdminRoutes binds the staff training tools (course editor, question bank, certifications, progress reports): in for signed-in users, staff for vendor staff only, g
// for guests too.
func (u *portal) trainingAdminRoutes(g, in, staff *router.RouterGroup[*core.RequestEvent]) {
}
