package kpi

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Running totals (kpi_running): for every partner and metric, the sum of its
// kpi_monthly rows through each covered ("sealed") month. Seal extends the
// table through the current month — a daily job shortly after midnight UTC,
// so a new month is covered minutes after it starts, and reads fall back to
// kpi_monthly for months not covered yet — and Add keeps every covered month
// current. The last covered month is the table's highest month (rows are
// dense: a partner and metric with a row in one covered month has one in
// every later covered month, so the highest month is present whenever the
// table holds anything).
//
// The invariant, which Add, Seal and Rebuild keep and a test checks against
// a recomputation: for every covered month M and every partner and metric,
// the row at M (absent = 0) equals the sum of kpi_monthly through M.

// monthLayout formats a rollup month.
const monthLayout = "2006-01"

// Sealed returns the last month kpi_running covers, or "" when none is.
func Sealed(app core.App) (string, error) {
	var m string
	err := app.DB().NewQuery("SELECT COALESCE(MAX(month), '') FROM kpi_running").Row(&m)
	return m, err
}

// Seal extends kpi_running through now's (UTC) month, one month at a time:
// a month's total is the previous month's total plus the month's
// kpi_monthly row. It returns how many months it covered. It is idempotent
// and cheap when there is nothing to do; the KPI hooks run it daily and at
// start-up, Rebuild at its end.
func Seal(app core.App, now time.Time) (int, error) {
	n := 0
	err := app.RunInTransaction(func(tx core.App) error {
		var err error
		n, err = seal(tx, now)
		return err
	})
	return n, err
}

func seal(tx core.App, now time.Time) (int, error) {
	db := tx.DB()
	last := now.UTC().Format(monthLayout)
	sealed, err := Sealed(tx)
	if err != nil {
		return 0, err
	}
	next := ""
	if sealed != "" {
		next = nextMonth(sealed)
	} else if err := db.NewQuery("SELECT COALESCE(MIN(month), '') FROM kpi_monthly").Row(&next); err != nil {
		return 0, err
	}
	if next == "" {
		return 0, nil // no rollups at all yet
	}
	n := 0
	for m, prev := next, sealed; m <= last; prev, m = m, nextMonth(m) {
		_, err := db.NewQuery(`INSERT INTO kpi_running (id, partner, month, metric, value)
			SELECT 'r' || lower(hex(randomblob(7))), partner, {:m}, metric, SUM(value) FROM (
				SELECT partner, metric, value FROM kpi_running WHERE month = {:prev}
				UNION ALL
				SELECT partner, metric, value FROM kpi_monthly WHERE month = {:m}
			) GROUP BY partner, metric`).Bind(dbx.Params{"m": m, "prev": prev}).Execute()
		if err != nil {
			return n, fmt.Errorf("kpi: sealing %s: %w", m, err)
		}
		n++
	}
	return n, nil
}

// addRunning carries monthly deltas into the covered months they change: a
// change to month m adds to the running total of every covered month from m
// on (creating rows where the total was 0) — one row for a change made now.
// Deltas of months not covered yet (a new month before the daily Seal)
// change nothing here: Seal adds them from kpi_monthly.
func addRunning(app core.App, monthly []Delta) error {
	if len(monthly) == 0 {
		return nil
	}
	sealed, err := Sealed(app)
	if err != nil || sealed == "" {
		return err
	}
	var rows []Delta
	for _, d := range monthly {
		for m := d.Period; m <= sealed; m = nextMonth(m) {
			rows = append(rows, Delta{d.Partner, m, d.Metric, d.Value})
		}
	}
	return upsert(app.DB(), "kpi_running", "month", rows)
}
