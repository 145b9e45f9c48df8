package ui

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// certificateRoutes binds the certificate pages and the public verification page: in for signed-in users, staff for vendor staff only, g
// for guests too.
func (u *portal) certificateRoutes(g, in, staff *router.RouterGroup[*core.RequestEvent]) {
}
