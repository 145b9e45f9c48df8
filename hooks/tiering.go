package hooks

import "github.com/pocketbase/pocketbase/core"

// bindTieringHooks binds the tiering area's record hooks and jobs.
func bindTieringHooks(app core.App) {
}
