package hooks

import "github.com/pocketbase/pocketbase/core"

// bindForumHooks binds the forums hooks.
func bindForumHooks(app core.App) {
}
