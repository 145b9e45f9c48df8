package kpi

import (
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// Delta is one change to one rollup row: Period is a day ("2026-03-14",
// kpi_daily) or a month ("2026-03", kpi_monthly).
type Delta struct {
	Partner string
	Period  string
	Metric  string
	Value   float64
}

// Both returns the same change for the day and for its month, which is what
// every flow and stock metric needs.
func Both(partner, day, metric string, v float64) []Delta {
	return []Delta{{partner, day, metric, v}, {partner, day[:7], metric, v}}
}

// Add applies deltas to kpi_daily and kpi_monthly with one upsert statement
// per table on app's database (and to the programme totals and the running
// totals of the covered months a delta changes), so inside a hook it runs in the change's
// transaction (pass e.App). Deltas of partner "" (staff without a partner)
// and of value 0 are skipped.
func Add(app core.App, deltas ...Delta) error {
	var daily, monthly []Delta
	for _, d := range deltas {
		if d.Partner == "" || d.Value == 0 {
			continue
		}
		switch len(d.Period) {
		case 10:
			daily = append(daily, d)
		case 7:
			monthly = append(monthly, d)
		}
	}
	if err := upsert(app.DB(), "kpi_daily", "day", daily); err != nil {
		return err
	}
	if err := upsert(app.DB(), "kpi_monthly", "month", monthly); err != nil {
		return err
	}
	if err := addTotals(app, monthly); err != nil {
		return err
	}
	return addRunning(app, monthly)
}

// upsert adds ds to table in one multi-row INSERT … ON CONFLICT DO UPDATE.
func upsert(db dbx.Builder, table, period string, ds []Delta) error {
	for len(ds) > 0 {
		n := min(len(ds), 200)
		if err := upsertBatch(db, table, period, ds[:n]); err != nil {
			return err
		}
		ds = ds[n:]
	}
	return nil
}

func upsertBatch(db dbx.Builder, table, period string, ds []Delta) error {
	var sb strings.Builder
	sb.WriteString("INSERT INTO " + table + " (id, partner, " + period + ", metric, value) VALUES ")
	params := make(dbx.Params, len(ds)*5)
	for i, d := range ds {
		n := strconv.Itoa(i)
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString("({:i" + n + "},{:p" + n + "},{:d" + n + "},{:m" + n + "},{:v" + n + "})")
		params["i"+n] = core.GenerateDefaultRandomId()
		params["p"+n] = d.Partner
		params["d"+n] = d.Period
		params["m"+n] = d.Metric
		params["v"+n] = d.Value
	}
	sb.WriteString(" ON CONFLICT(partner, " + period + ", metric) DO UPDATE SET value = value + excluded.value")
	_, err := db.NewQuery(sb.String()).Bind(params).Execute()
	return err
}

// Day returns the UTC day of a stored date ("2026-03-14 10:00:00.000Z"), or
// "" for an empty one.
func Day(stored string) string {
	if len(stored) < 10 {
		return ""
	}
	return stored[:10]
}

// nextDay returns the day after day (both "YYYY-MM-DD").
func nextDay(day string) string {
	t, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return day
	}
	return t.AddDate(0, 0, 1).Format(time.DateOnly)
}

// AddMonths moves a rollup month ("YYYY-MM") by n months; a malformed month
// is returned unchanged.
func AddMonths(month string, n int) string {
	t, err := time.Parse("2006-01", month)
	if err != nil {
		return month
	}
	return t.AddDate(0, n, 0).Format("2006-01")
}

// nextMonth returns the month after month.
func nextMonth(month string) string { return AddMonths(month, 1) }
