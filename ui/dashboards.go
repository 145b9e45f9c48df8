package ui

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// dashboardRoutes binds the KPI dashboards, partner scorecards and their CSV exports: in for signed-in users, staff for vendor staff only, g
// for guests too.
func (u *portal) dashboardRoutes(g, in, staff *router.RouterGroup[*core.RequestEvent]) {
}
