package hooks

import "github.com/pocketbase/pocketbase/core"

// bindKPIHooks binds the hooks of the KPI rollups kept in the transaction of each change.
func bindKPIHooks(app core.App) {
}
