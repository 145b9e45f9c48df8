package tiering

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
)

// day truncates t to its UTC day.
func day(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

// WindowStart is the first day of the twelve months that end on today: the
// 365 days up to and including today, as the partner dashboard counts them.
func WindowStart(today time.Time) time.Time { return day(today).AddDate(0, 0, -364) }

// ReadFigures returns each partner's figure per rule as of today: flows
// summed over the 365 days up to today, stocks summed from the beginning.
// partners nil reads every partner. info nil reads as the system (the
// nightly evaluation); a viewer's info applies the rollups' own List rule,
// so a partner's user can only ever read their own partner's figures.
func ReadFigures(app core.App, info *core.RequestInfo, partners []string, today time.Time) (map[string]Figures, error) {
	var flows, stocks []string
	key := map[string]string{}
	for _, r := range Rules {
		key[r.Metric] = r.Key
		if r.Stock {
			stocks = append(stocks, r.Metric)
		} else {
			flows = append(flows, r.Metric)
		}
	}
	out := map[string]Figures{}
	add := func(p, m string, v float64) {
		if out[p] == nil {
			out[p] = Figures{}
		}
		out[p][key[m]] += v
	}
	r := &reader{app: app, info: info, partners: partners, add: add}
	today = day(today)
	if err := r.sum(flows, WindowStart(today), today); err != nil {
		return nil, err
	}
	if err := r.sum(stocks, time.Time{}, today); err != nil {
		return nil, err
	}
	for p, f := range out {
		for k, v := range f {
			// Sums of float amounts drift by fractions of a cent; the
			// comparison with a threshold must not.
			out[p][k] = float64(int64(v*100+sign(v)*0.5)) / 100
		}
	}
	return out, nil
}

func sign(v float64) float64 {
	if v < 0 {
		return -1
	}
	return 1
}

// reader sums rollup rows grouped by partner and metric.
type reader struct {
	app      core.App
	info     *core.RequestInfo
	partners []string
	add      func(partner, metric string, v float64)
}

// sum adds metrics over the days [from, to] (from zero: since the
// beginning): whole months from kpi_monthly, the days of partial months at
// either edge from kpi_daily.
func (r *reader) sum(metrics []string, from, to time.Time) error {
	if len(metrics) == 0 {
		return nil
	}
	days := func(a, b time.Time) error {
		return r.query("kpi_daily", "day", metrics, a.Format(time.DateOnly), b.Format(time.DateOnly))
	}
	monthStart := func(t time.Time) time.Time { return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC) }
	firstWhole := time.Time{}
	if !from.IsZero() {
		firstWhole = monthStart(from)
		if !from.Equal(firstWhole) {
			firstWhole = firstWhole.AddDate(0, 1, 0)
		}
	}
	lastWhole := monthStart(to)
	if !to.Equal(lastWhole.AddDate(0, 1, -1)) {
		lastWhole = lastWhole.AddDate(0, -1, 0)
	}
	if !from.IsZero() && lastWhole.Before(firstWhole) {
		return days(from, to)
	}
	if !from.IsZero() && !from.Equal(firstWhole) {
		if err := days(from, firstWhole.AddDate(0, 0, -1)); err != nil {
			return err
		}
	}
	lo := ""
	if !from.IsZero() {
		lo = firstWhole.Format("2006-01")
	}
	if err := r.query("kpi_monthly", "month", metrics, lo, lastWhole.Format("2006-01")); err != nil {
		return err
	}
	if tail := lastWhole.AddDate(0, 1, 0); !tail.After(to) {
		return days(tail, to)
	}
	return nil
}

// query sums one rollup table over [lo, hi] ("" for no lower bound).
func (r *reader) query(table, col string, metrics []string, lo, hi string) error {
	ms := make([]any, len(metrics))
	for i, m := range metrics {
		ms[i] = m
	}
	q := r.app.DB().Select(table+".partner AS p", table+".metric AS m", "SUM("+table+".value) AS v").
		From(table).
		Where(dbx.In(table+".metric", ms...)).
		AndWhere(dbx.NewExp(table+"."+col+" <= {:hi}", dbx.Params{"hi": hi}))
	if lo != "" {
		q.AndWhere(dbx.NewExp(table+"."+col+" >= {:lo}", dbx.Params{"lo": lo}))
	}
	if r.partners != nil {
		ps := make([]any, len(r.partners))
		for i, p := range r.partners {
			ps[i] = p
		}
		q.AndWhere(dbx.In(table+".partner", ps...))
	}
	if r.info != nil {
		c, err := r.app.FindCachedCollectionByNameOrId(table)
		if err != nil {
			return err
		}
		if err := access.ApplyListRule(r.app, r.info, c, q); err != nil {
			return err
		}
	}
	q.GroupBy(table+".partner", table+".metric")
	var rows []struct {
		P string  `db:"p"`
		M string  `db:"m"`
		V float64 `db:"v"`
	}
	if err := q.All(&rows); err != nil {
		return fmt.Errorf("tiering: sums from %s: %w", table, err)
	}
	for _, row := range rows {
		r.add(row.P, row.M, row.V)
	}
	return nil
}
