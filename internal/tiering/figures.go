package tiering

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/dashboard"
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
// summed over the 365 days up to today, stocks summed from the beginning,
// read from the KPI rollups by the dashboards' reader (dashboard.Source:
// running totals for covered months, the days of partial months from
// kpi_daily). partners nil reads every partner. info nil reads as the
// system (the nightly evaluation); a viewer's info applies the rollups' own
// List rule, so a partner's user can only ever read their own partner's
// figures.
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
	f := dashboard.Filter{}
	if len(partners) == 1 {
		f.Partner = partners[0]
	}
	src, err := dashboard.NewSource(app, info, f)
	if err != nil {
		return nil, err
	}
	today = day(today)
	out := map[string]Figures{}
	for _, read := range []struct {
		metrics []string
		from    time.Time
	}{{flows, WindowStart(today)}, {stocks, time.Time{}}} {
		if len(read.metrics) == 0 {
			continue
		}
		sums, err := src.Sum(read.metrics, read.from, today, dashboard.ByPartner)
		if err != nil {
			return nil, fmt.Errorf("tiering: figures: %w", err)
		}
		for p, ms := range sums {
			if out[p] == nil {
				out[p] = Figures{}
			}
			for m, v := range ms {
				out[p][key[m]] += v
			}
		}
	}
	if len(partners) > 1 {
		keep := map[string]bool{}
		for _, p := range partners {
			keep[p] = true
		}
		for p := range out {
			if !keep[p] {
				delete(out, p)
			}
		}
	}
	for p, fs := range out {
		for k, v := range fs {
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
