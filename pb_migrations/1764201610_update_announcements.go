package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Announcements remember when their audience was notified, so a published
// announcement notifies once: on save when its publish time has come, or
// from the scheduler once it does. The field is hidden: API clients neither
// read nor write it (PocketBase resets hidden fields a non-superuser sends).
func init() {
	m.Register(func(app core.App) error {
		ann, err := app.FindCollectionByNameOrId("announcements")
		if err != nil {
			return err
		}
		ann.Fields.Add(&core.DateField{Name: "notified_at", Hidden: true})
		// The scheduler's queue: published announcements not yet notified,
		// by publish time. Partial, so it stays as small as the queue.
		ann.AddIndex("idx_announcements_due", false, "publish_at",
			"status = 'published' AND notified_at = ''")
		return app.Save(ann)
	}, func(app core.App) error {
		ann, err := app.FindCollectionByNameOrId("announcements")
		if err != nil {
			return err
		}
		ann.RemoveIndex("idx_announcements_due")
		ann.Fields.RemoveByName("notified_at")
		return app.Save(ann)
	})
}
