package invite

import (
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// batch bounds how many invitations one job run handles.
const batch = 500

// stamp is now as PocketBase stores dates, for comparisons in SQL.
func stamp(t time.Time) string {
	d, _ := types.ParseDateTime(t.UTC())
	return d.String()
}

// ExpireDue marks pending invitations past their expiry as expired and
// returns how many changed.
func ExpireDue(app core.App, now time.Time) (int, error) {
	var due []*core.Record
	err := app.RecordQuery(Collection).
		AndWhere(dbx.HashExp{"status": StatusPending}).
		AndWhere(dbx.NewExp("[[expires]] <= {:now}", dbx.Params{"now": stamp(now)})).
		OrderBy("expires").Limit(batch).All(&due)
	if err != nil || len(due) == 0 {
		return 0, err
	}
	n := 0
	err = app.RunInTransaction(func(tx core.App) error {
		for _, inv := range due {
			inv.Set("status", StatusExpired)
			if err := tx.Save(inv); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return n, nil
}

// SendReminders e-mails the one reminder of every pending invitation whose
// last e-mail went out ReminderAfter ago or more and that was never reminded.
// The reminder carries a new token (the stored hash cannot give back the
// old one) and keeps the expiry. Each invitation has its own transaction: a
// failed e-mail leaves that one for the next run and goes on with the rest.
func SendReminders(app core.App, now time.Time) (int, error) {
	// Plain conditions (not a filter string, whose `= ''` adds an OR IS
	// NULL) so the (status, reminded_at, last_sent) index serves the query.
	var due []*core.Record
	err := app.RecordQuery(Collection).
		AndWhere(dbx.HashExp{"status": StatusPending, "reminded_at": ""}).
		AndWhere(dbx.NewExp("[[last_sent]] <= {:cut} AND [[expires]] > {:now}",
			dbx.Params{"cut": stamp(now.Add(-ReminderAfter)), "now": stamp(now)})).
		OrderBy("last_sent").Limit(batch).All(&due)
	if err != nil {
		return 0, err
	}
	n := 0
	var firstErr error
	for _, inv := range due {
		err := app.RunInTransaction(func(tx core.App) error {
			fresh, err := tx.FindRecordById(Collection, inv.Id)
			if err != nil || fresh.GetString("status") != StatusPending || !fresh.GetDateTime("reminded_at").IsZero() {
				return nil
			}
			partner, err := partnerOf(tx, fresh)
			if err != nil {
				return err
			}
			var inviter *core.Record
			if id := fresh.GetString("invited_by"); id != "" {
				inviter, _ = tx.FindRecordById("users", id)
			}
			token, hash, err := NewToken()
			if err != nil {
				return err
			}
			fresh.Set("token_hash", hash)
			fresh.Set("reminded_at", now)
			if err := tx.Save(fresh); err != nil {
				return err
			}
			if err := send(tx, fresh, partner, inviter, token, true); err != nil {
				return err
			}
			n++
			return nil
		})
		if err != nil {
			app.Logger().Warn("invitation reminder not sent", "invitation", inv.Id, "error", err)
			if firstErr == nil {
				firstErr = err
			}
		}
	}
	return n, firstErr
}
