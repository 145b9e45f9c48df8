package hooks

import "github.com/pocketbase/pocketbase/core"

// bindDealHooks binds the hooks of deals (normalised keys, conflicts, allowed moves, history, protection expiry).
func bindDealHooks(app core.App) {
}
