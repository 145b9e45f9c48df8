package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Indexes in the invitations list's exact order (newest first, then id) for
// each of its filters. The List rule joins partners, so PocketBase selects
// DISTINCT; without an index in the list's order SQLite sorted and
// de-duplicated every visible invitation on each page view (2 s at 100,000
// rows), with it a page reads about its own rows. They replace the
// (…, created) indexes of 1764201641.
func init() {
	m.Register(func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("invitations")
		if err != nil {
			return err
		}
		c.RemoveIndex("idx_invitations_status_created")
		c.RemoveIndex("idx_invitations_partner_status")
		c.RemoveIndex("idx_invitations_partner_created")
		c.AddIndex("idx_invitations_created_id", false, "created DESC, id", "")
		c.AddIndex("idx_invitations_status_created_id", false, "status, created DESC, id", "")
		c.AddIndex("idx_invitations_partner_created_id", false, "partner, created DESC, id", "")
		c.AddIndex("idx_invitations_partner_status_created_id", false, "partner, status, created DESC, id", "")
		return app.Save(c)
	}, func(app core.App) error {
		c, err := app.FindCollectionByNameOrId("invitations")
		if err != nil {
			return err
		}
		for _, n := range []string{"idx_invitations_created_id", "idx_invitations_status_created_id",
			"idx_invitations_partner_created_id", "idx_invitations_partner_status_created_id"} {
			c.RemoveIndex(n)
		}
		c.AddIndex("idx_invitations_status_created", false, "status, created", "")
		c.AddIndex("idx_invitations_partner_status", false, "partner, status, created", "")
		c.AddIndex("idx_invitations_partner_created", false, "partner, created", "")
		return app.Save(c)
	})
}
