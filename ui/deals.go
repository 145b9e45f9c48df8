package ui

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// dealRoutes binds the deal registration pages, approvals, rates and deal exports: in for signed-in users, staff for vendor staff only, g
// for guests too.
func (u *portal) dealRoutes(g, in, staff *router.RouterGroup[*core.RequestEvent]) {
}
