package ui

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// forumRoutes binds the forums pages: in for signed-in users, staff for
// vendor staff only, g for guests too.
func (u *portal) forumRoutes(g, in, staff *router.RouterGroup[*core.RequestEvent]) {
}
