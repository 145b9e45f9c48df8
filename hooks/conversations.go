package hooks

import "github.com/pocketbase/pocketbase/core"

// bindConversationHooks binds the conversations hooks.
func bindConversationHooks(app core.App) {
}
