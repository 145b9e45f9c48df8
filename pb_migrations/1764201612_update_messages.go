package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Messages keep the names their attachments were uploaded under
// (attachment_names: stored file name → original name). PocketBase stores a
// file under a normalised name with a random suffix; the portal shows and
// sends each attachment under its original name. The conversation hooks
// write the field from the uploaded files on create (whatever a client
// sends), and messages never change afterwards.
func init() {
	m.Register(func(app core.App) error {
		msgs, err := app.FindCollectionByNameOrId("messages")
		if err != nil {
			return err
		}
		msgs.Fields.Add(&core.JSONField{Name: "attachment_names", MaxSize: 8 << 10})
		return app.Save(msgs)
	}, func(app core.App) error {
		msgs, err := app.FindCollectionByNameOrId("messages")
		if err != nil {
			return err
		}
		msgs.Fields.RemoveByName("attachment_names")
		return app.Save(msgs)
	})
}
