package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		c := core.NewBaseCollection("sessions", "pc_sessions0001")
		c.Fields.Add(
			// SHA-256 of the cookie's random id: a database leak yields no usable cookie.
			&core.TextField{Name: "token_hash", Required: true, Hidden: true, Max: 64},
			&core.RelationField{Name: "user", Required: true, CollectionId: users.Id, MaxSelect: 1, CascadeDelete: true},
			&core.TextField{Name: "csrf", Required: true, Hidden: true, Max: 64},
			// SHA-256 of the user's tokenKey when the session began: a password
			// change or deactivation rotates the key and so ends the session.
			&core.TextField{Name: "key_sum", Required: true, Hidden: true, Max: 64},
			&core.DateField{Name: "expires", Required: true},
			&core.DateField{Name: "last_seen", Required: true},
			&core.TextField{Name: "user_agent", Max: 300},
			&core.TextField{Name: "ip", Max: 64},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		c.AddIndex("idx_sessions_token", true, "token_hash", "")
		c.AddIndex("idx_sessions_user", false, "user", "")
		c.AddIndex("idx_sessions_expires", false, "expires", "")
		// Portal sessions are server state: superusers only, all rules nil.
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("sessions")
		if err != nil {
			return nil
		}
		return app.Delete(c)
	})
}
