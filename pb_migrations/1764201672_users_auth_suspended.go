package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// People of a suspended partner cannot sign in through any REST auth method
// either (the portal asks session.Blocked, which applies the same rule).
func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		users.AuthRule = ptr(`deactivated = false && (partner = "" || partner.status != "suspended")`)
		return app.Save(users)
	}, func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		users.AuthRule = ptr(`deactivated = false`)
		return app.Save(users)
	})
}
