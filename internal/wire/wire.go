// Package wire binds everything Ponte adds to a PocketBase app: record hooks
// and the portal routes. main calls it before app.Start(); tests call it on
// their test app, so both run the same code.
package wire

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/ui"
)

// Register binds Ponte's hooks and portal to app.
func Register(app core.App) error {
	hooks.Register(app)
	return ui.Register(app)
}
