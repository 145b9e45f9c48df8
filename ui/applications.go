package ui

import (
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
)

// applicationRoutes binds the portal pages of the public "Become a partner" application and its review by admins.
func (u *portal) applicationRoutes(g, in, staff *router.RouterGroup[*core.RequestEvent]) {
}
