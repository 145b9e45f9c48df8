package hooks

import "github.com/pocketbase/pocketbase/core"

// bindInvitationHooks binds the invitations area's record hooks and jobs.
func bindInvitationHooks(app core.App) {
}
