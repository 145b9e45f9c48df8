package ui

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// invitationRoutes binds the portal pages of invitations (staff invite a partner's first admin, partner admins invite colleagues) and their acceptance.
func (u *portal) invitationRoutes(g, in, staff *router.RouterGroup[*core.RequestEvent]) {
}
