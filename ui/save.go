package ui

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/activity"
)

// updateWithEvent changes a record on the signed-in user's behalf in one
// transaction: it re-reads the record, names the user as the change's actor
// (for hooks that keep histories or stamp who did it), applies body through
// the collection's Update rule (access.ErrForbidden when refused) and
// appends the activity event (none when kind is ""). It returns the saved
// record.
func updateWithEvent(e *core.RequestEvent, rec *core.Record, body map[string]any, kind string) (*core.Record, error) {
	user := getCtx(e).User
	var saved *core.Record
	err := e.App.RunInTransaction(func(tx core.App) error {
		fresh, err := tx.FindRecordById(rec.Collection(), rec.Id)
		if err != nil {
			return err
		}
		activity.SetActor(fresh, user.Id)
		if err := access.Update(tx, access.Info(user, http.MethodPatch, body), fresh); err != nil {
			return err
		}
		saved = fresh
		if kind == "" {
			return nil
		}
		return activity.Record(tx, user, kind, fresh)
	})
	return saved, err
}

// createWithEvent creates rec with body through the collection's Create rule
// and appends the activity event, in one transaction.
func createWithEvent(e *core.RequestEvent, rec *core.Record, body map[string]any, kind string) error {
	user := getCtx(e).User
	return e.App.RunInTransaction(func(tx core.App) error {
		if err := access.Create(tx, access.Info(user, http.MethodPost, body), rec); err != nil {
			return err
		}
		return activity.Record(tx, user, kind, rec)
	})
}
