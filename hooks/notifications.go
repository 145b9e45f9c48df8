package hooks

import "github.com/pocketbase/pocketbase/core"

// bindNotificationHooks binds the notifications hooks.
func bindNotificationHooks(app core.App) {
}
