package hooks

import "github.com/pocketbase/pocketbase/core"

// bindAnnouncementHooks binds the announcements hooks.
func bindAnnouncementHooks(app core.App) {
}
