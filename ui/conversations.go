package ui

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// conversationRoutes binds the conversations pages: in for signed-in users, staff for
// vendor staff only, g for guests too.
func (u *portal) conversationRoutes(g, in, staff *router.RouterGroup[*core.RequestEvent]) {
}
