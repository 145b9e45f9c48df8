package hooks

import "github.com/pocketbase/pocketbase/core"

// bindApplicationHooks binds the applications area's record hooks and jobs.
func bindApplicationHooks(app core.App) {
}
