package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// The unsubscribe page finds a user by the key in an e-mail's link: a unique
// index (over the users who have a key) makes that one indexed lookup and
// keeps two users from ever sharing a key.
func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		users.AddIndex("idx_users_unsubscribe_key", true, "unsubscribe_key", "unsubscribe_key != ''")
		return app.Save(users)
	}, func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		users.RemoveIndex("idx_users_unsubscribe_key")
		return app.Save(users)
	})
}
