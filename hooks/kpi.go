package hooks

import (
	"database/sql"
	"errors"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/ponte-portal/ponte/internal/kpi"
)

// KPISealJob is the cron job that seals the KPI running totals.
const KPISealJob = "ponte.kpi.seal"

// bindKPIHooks binds the hooks of the KPI rollups kept in the transaction of
// each change: every write of an activity, deal_events or certificates row
// adds its changes to kpi_daily and kpi_monthly before the transaction
// commits, so the rollups never disagree with the raw data (kpi.Rebuild
// recomputes the same from scratch).
//
// Deleting a deal cascades to its deal_events, and the delete hook below
// takes each event's contribution back out: an admin deleting a deal removes
// it from every figure, as a rebuild would.
//
// Handlers carry ids "ponte.kpi.<collection>.<create|update|delete>" (the
// benchmarks unbind them to measure what they cost).
//
// The running totals (kpi_running) are extended into each new month by a
// daily job shortly after midnight UTC and once when the server starts, so
// a server that was down over a month's end catches up.
func bindKPIHooks(app core.App) {
	sealRunning := func() {
		if _, err := kpi.Seal(app, time.Now()); err != nil {
			app.Logger().Error("sealing KPI running totals", "error", err)
		}
	}
	app.Cron().MustAdd(KPISealJob, "7 0 * * *", sealRunning)
	// After the rest of the serve chain (which loads the demo with --demo),
	// before the server takes requests.
	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{Id: "ponte.kpi.seal", Func: func(e *core.ServeEvent) error {
		if err := e.Next(); err != nil {
			return err
		}
		sealRunning()
		return nil
	}})
	bind := func(h *hook.TaggedHook[*core.RecordEvent], id string, fn func(e *core.RecordEvent) error) {
		h.Bind(&hook.Handler[*core.RecordEvent]{Id: id, Func: fn})
	}
	// Rollup rows deleted as records (with their partner) leave the
	// programme totals too.
	bind(app.OnRecordDelete("kpi_monthly"), "ponte.kpi.kpi_monthly.delete", func(e *core.RecordEvent) error {
		return e.App.RunInTransaction(func(tx core.App) error {
			e.App = tx
			// The stored value, not the loaded record's: other hooks of
			// the same cascade may have changed the row since it was read.
			var v float64
			err := tx.DB().NewQuery("SELECT value FROM kpi_monthly WHERE id = {:id}").
				Bind(dbx.Params{"id": e.Record.Id}).Row(&v)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
			if err := e.Next(); err != nil {
				return err
			}
			return kpi.DropMonthlyRow(tx, e.Record.GetString("month"), e.Record.GetString("metric"), v)
		})
	})
	bind(app.OnRecordCreate("activity"), "ponte.kpi.activity.create", func(e *core.RecordEvent) error {
		return afterWrite(e, func(tx core.App) error {
			return addActivity(tx, kpi.ActivityRowOf(e.Record), 1)
		})
	})
	bind(app.OnRecordUpdate("activity"), "ponte.kpi.activity.update", func(e *core.RecordEvent) error {
		return afterUpdate(e, func(tx core.App, old *core.Record) error {
			if err := addActivity(tx, kpi.ActivityRowOf(old), -1); err != nil {
				return err
			}
			return addActivity(tx, kpi.ActivityRowOf(e.Record), 1)
		})
	})
	bind(app.OnRecordDelete("activity"), "ponte.kpi.activity.delete", func(e *core.RecordEvent) error {
		return afterWrite(e, func(tx core.App) error {
			return addActivity(tx, kpi.ActivityRowOf(e.Record), -1)
		})
	})

	bind(app.OnRecordCreate("deal_events"), "ponte.kpi.deal_events.create", func(e *core.RecordEvent) error {
		return afterWrite(e, func(tx core.App) error {
			return kpi.Add(tx, kpi.DealDeltas(dealEventOf(e.Record), 1)...)
		})
	})
	bind(app.OnRecordUpdate("deal_events"), "ponte.kpi.deal_events.update", func(e *core.RecordEvent) error {
		return afterUpdate(e, func(tx core.App, old *core.Record) error {
			ds := kpi.DealDeltas(dealEventOf(old), -1)
			return kpi.Add(tx, append(ds, kpi.DealDeltas(dealEventOf(e.Record), 1)...)...)
		})
	})
	bind(app.OnRecordDelete("deal_events"), "ponte.kpi.deal_events.delete", func(e *core.RecordEvent) error {
		return afterWrite(e, func(tx core.App) error {
			return kpi.Add(tx, kpi.DealDeltas(dealEventOf(e.Record), -1)...)
		})
	})

	bind(app.OnRecordCreate("certificates"), "ponte.kpi.certificates.create", func(e *core.RecordEvent) error {
		return afterWrite(e, func(tx core.App) error { return addCertified(tx, e.Record, nil) })
	})
	bind(app.OnRecordUpdate("certificates"), "ponte.kpi.certificates.update", func(e *core.RecordEvent) error {
		return afterUpdate(e, func(tx core.App, old *core.Record) error {
			before := kpi.CertRowOf(old)
			return addCertified(tx, e.Record, &before)
		})
	})
	bind(app.OnRecordDelete("certificates"), "ponte.kpi.certificates.delete", func(e *core.RecordEvent) error {
		return afterWrite(e, func(tx core.App) error {
			old := kpi.CertRowOf(e.Record)
			return addCertified(tx, e.Record, &old)
		})
	})
}

// afterWrite runs the rest of the hook chain (the write) and then fn in one
// transaction: the caller's when there is one, a new one otherwise.
func afterWrite(e *core.RecordEvent, fn func(tx core.App) error) error {
	return e.App.RunInTransaction(func(tx core.App) error {
		e.App = tx
		if err := e.Next(); err != nil {
			return err
		}
		return fn(tx)
	})
}

// afterUpdate is afterWrite for an update: fn also gets the row as stored
// before it (read from the database, not Original(), which keeps the state
// the caller first loaded when one record is saved twice).
func afterUpdate(e *core.RecordEvent, fn func(tx core.App, old *core.Record) error) error {
	return e.App.RunInTransaction(func(tx core.App) error {
		e.App = tx
		old, err := tx.FindRecordById(e.Record.Collection(), e.Record.Id)
		if err != nil {
			return err
		}
		if err := e.Next(); err != nil {
			return err
		}
		return fn(tx, old)
	})
}

// addActivity applies the changes one activity row makes, times sign.
func addActivity(tx core.App, a kpi.ActivityRow, sign float64) error {
	ds, err := kpi.ActivityDeltas(tx, a, sign)
	if err != nil {
		return err
	}
	return kpi.Add(tx, ds...)
}

// addCertified applies the change of training.certified after one of a
// person's certificates was written (old: its state before, nil when new).
func addCertified(tx core.App, r *core.Record, old *kpi.CertRow) error {
	ds, err := kpi.CertifiedDeltas(tx, r.GetString("user"), r.Id, old)
	if err != nil {
		return err
	}
	return kpi.Add(tx, ds...)
}

// dealEventOf reads a deal_events record.
func dealEventOf(r *core.Record) kpi.DealEvent {
	return kpi.DealEvent{
		Partner: r.GetString("partner"),
		At:      r.GetDateTime("at").String(),
		From:    kpi.DealState{Stage: r.GetString("from_stage"), Status: r.GetString("from_status"), Amount: r.GetFloat("from_amount_base")},
		To:      kpi.DealState{Stage: r.GetString("to_stage"), Status: r.GetString("to_status"), Amount: r.GetFloat("to_amount_base")},
	}
}
