package ui

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// dashboardRoutes binds the KPI dashboards, partner scorecards and their CSV exports: in for signed-in users, staff for vendor staff only, g
// for guests too. Who sees which figures is decided from the signed-in
// user and the kpi collections' rules, inside the handlers.
func (u *portal) dashboardRoutes(g, in, staff *router.RouterGroup[*core.RequestEvent]) {
	in.GET("/dashboard", u.dashboardShow)
	in.GET("/dashboard/export/{table}", u.dashboardExport)
	in.GET("/partners/{slug}/scorecard", u.scorecardShow)
	in.GET("/partners/{slug}/scorecard/export/{table}", u.scorecardExport)
}
