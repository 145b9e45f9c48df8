// Package dashboard computes the figures of Ponte's KPI dashboards and partner
// scorecards from the kpi_daily and kpi_monthly rollups, joined with partners
// for tier, region, manager and status. It never reads raw events or deals:
// every figure is a sum of rollup rows, read under the rollups' List rule.
package dashboard

import (
	"errors"
	"time"
)

// MonthlyAfterDays is the longest range shown day by day: longer ranges are
// read from kpi_monthly and rounded out to whole calendar months.
const MonthlyAfterDays = 92

// MaxRangeYears is the longest range a dashboard accepts.
const MaxRangeYears = 10

// Range errors, for the handler to translate.
var (
	ErrReversed = errors.New("dashboard: range ends before it starts")
	ErrTooLong  = errors.New("dashboard: range longer than ten years")
)

// Period is a range of whole UTC days, From and To included. Monthly
// periods start on the first of a month and end on the last day of one.
type Period struct {
	From, To time.Time
	Monthly  bool
}

// Day truncates t to its UTC day.
func Day(t time.Time) time.Time {
	t = t.UTC()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC)
}

func monthStart(t time.Time) time.Time {
	return time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, time.UTC)
}

func monthEnd(t time.Time) time.Time { return monthStart(t).AddDate(0, 1, -1) }

// NewPeriod checks a requested range and shapes it: ranges of more than
// MonthlyAfterDays days become monthly and are widened to whole months.
func NewPeriod(from, to time.Time) (Period, error) {
	from, to = Day(from), Day(to)
	if to.Before(from) {
		return Period{}, ErrReversed
	}
	if to.After(from.AddDate(MaxRangeYears, 0, 0)) {
		return Period{}, ErrTooLong
	}
	if Days(from, to) > MonthlyAfterDays {
		return Period{From: monthStart(from), To: monthEnd(to), Monthly: true}, nil
	}
	return Period{From: from, To: to}, nil
}

// DefaultPeriod is the last twelve calendar months up to today's month.
func DefaultPeriod(today time.Time) Period {
	today = Day(today)
	return Period{From: monthStart(today).AddDate(0, -11, 0), To: monthEnd(today), Monthly: true}
}

// Days counts the days from a to b, both included.
func Days(a, b time.Time) int { return int(Day(b).Sub(Day(a)).Hours()/24) + 1 }

// Months counts the calendar months a monthly period covers.
func (p Period) Months() int {
	return (p.To.Year()-p.From.Year())*12 + int(p.To.Month()-p.From.Month()) + 1
}

// Previous is the period of the same length just before p: as many months
// for a monthly period, as many days otherwise.
func (p Period) Previous() Period {
	if p.Monthly {
		n := p.Months()
		return Period{From: p.From.AddDate(0, -n, 0), To: p.From.AddDate(0, 0, -1), Monthly: true}
	}
	n := Days(p.From, p.To)
	return Period{From: p.From.AddDate(0, 0, -n), To: p.From.AddDate(0, 0, -1)}
}

// PerMonth is the number of months figures are averaged over: calendar
// months for a monthly period, days ÷ 30 for a daily one.
func (p Period) PerMonth() float64 {
	if p.Monthly {
		return float64(p.Months())
	}
	return float64(Days(p.From, p.To)) / 30
}

// Buckets lists the period's chart points: "YYYY-MM" months or
// "YYYY-MM-DD" days, with the day each one starts.
func (p Period) Buckets() []Bucket {
	var out []Bucket
	if p.Monthly {
		for m := p.From; !m.After(p.To); m = m.AddDate(0, 1, 0) {
			out = append(out, Bucket{Key: m.Format("2006-01"), Start: m, End: monthEnd(m)})
		}
		return out
	}
	for d := p.From; !d.After(p.To); d = d.AddDate(0, 0, 1) {
		out = append(out, Bucket{Key: d.Format("2006-01-02"), Start: d, End: d})
	}
	return out
}

// Bucket is one point of a chart: a month or a day.
type Bucket struct {
	Key        string
	Start, End time.Time
}
