// Package tiering evaluates partners against the programme's tier
// requirements, keeps each partner's current review (with the grace period
// before a demotion) and applies tier changes with their history.
//
// Figures come from the KPI rollups (kpi_daily, kpi_monthly), never from raw
// events: won revenue and won deals are flows summed over the trailing
// twelve months, certified people a stock whose level is the sum of every
// change up to the day.
package tiering

import (
	"sort"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/kpi"
)

// Rule is one requirement a tier may state: the tier field holding the
// minimum and the KPI metric the partner's figure is read from.
type Rule struct {
	Key    string // short name: "revenue", "certified", "deals"
	Field  string // tiers field with the minimum (0: no requirement)
	Metric string // KPI metric
	Stock  bool   // a level up to the day rather than a twelve-month flow
	Money  bool   // an amount in the base currency
}

// Rules are the requirements, in display order. Adding one is a tiers field
// (a migration), a line here and its labels "tiering.rule.<key>" and
// "tiering.missing.<key>".
var Rules = []Rule{
	{Key: "revenue", Field: "min_revenue_12m", Metric: kpi.RevenueWon, Money: true},
	{Key: "certified", Field: "min_certified_users", Metric: kpi.CertifiedUsers, Stock: true},
	{Key: "deals", Field: "min_deals_won_12m", Metric: kpi.DealsWon},
}

// Tier is a tier with its minimums per rule key.
type Tier struct {
	ID, Name string
	Rank     int
	Min      map[string]float64
}

// TierOf maps a tiers record.
func TierOf(r *core.Record) Tier {
	t := Tier{ID: r.Id, Name: r.GetString("name"), Rank: r.GetInt("rank"), Min: map[string]float64{}}
	for _, rule := range Rules {
		t.Min[rule.Key] = r.GetFloat(rule.Field)
	}
	return t
}

// LoadTiers returns every tier, lowest rank first. Tiers are programme
// data every signed-in user may read; the evaluation reads them as the
// system.
func LoadTiers(app core.App) ([]Tier, error) {
	recs, err := app.FindRecordsByFilter("tiers", "", "rank", 0, 0)
	if err != nil {
		return nil, err
	}
	return SortTiers(recs), nil
}

// SortTiers maps tier records, lowest rank first (name breaks ties).
func SortTiers(recs []*core.Record) []Tier {
	out := make([]Tier, 0, len(recs))
	for _, r := range recs {
		out = append(out, TierOf(r))
	}
	sort.SliceStable(out, func(i, j int) bool {
		if out[i].Rank != out[j].Rank {
			return out[i].Rank < out[j].Rank
		}
		return out[i].Name < out[j].Name
	})
	return out
}

// Figures are one partner's values per rule key.
type Figures map[string]float64

// Check is one requirement of one tier against a partner's figure.
type Check struct {
	Tier      string  `json:"tier"`
	Rule      string  `json:"rule"`
	Value     float64 `json:"value"`
	Threshold float64 `json:"threshold"`
	Met       bool    `json:"met"`
}

// Missing is how much is still needed (0 when met).
func (c Check) Missing() float64 {
	if c.Met {
		return 0
	}
	return c.Threshold - c.Value
}

// Share is the progress towards the threshold, 0–1.
func (c Check) Share() float64 {
	if c.Threshold <= 0 || c.Value >= c.Threshold {
		return 1
	}
	if c.Value <= 0 {
		return 0
	}
	return c.Value / c.Threshold
}

// Checks compares f with every requirement t states (a minimum of 0 states
// none). A value exactly at the threshold meets it.
func Checks(t Tier, f Figures) []Check {
	var out []Check
	for _, r := range Rules {
		min := t.Min[r.Key]
		if min <= 0 {
			continue
		}
		v := f[r.Key]
		out = append(out, Check{Tier: t.ID, Rule: r.Key, Value: v, Threshold: min, Met: v >= min})
	}
	return out
}

// Meets says whether f meets every requirement of t.
func Meets(t Tier, f Figures) bool {
	for _, c := range Checks(t, f) {
		if !c.Met {
			return false
		}
	}
	return true
}

// Qualifying returns the highest tier whose requirements f meets (nil: none;
// tiers is lowest rank first).
func Qualifying(tiers []Tier, f Figures) *Tier {
	for i := len(tiers) - 1; i >= 0; i-- {
		if Meets(tiers[i], f) {
			t := tiers[i]
			return &t
		}
	}
	return nil
}

// Find returns the tier with id (nil when absent or id is "").
func Find(tiers []Tier, id string) *Tier {
	for i := range tiers {
		if tiers[i].ID == id {
			t := tiers[i]
			return &t
		}
	}
	return nil
}

// Next returns the tier ranked just above id's (the lowest tier when id is
// "" or unknown; nil at the top).
func Next(tiers []Tier, id string) *Tier {
	cur := Find(tiers, id)
	for i := range tiers {
		if cur == nil || (tiers[i].Rank > cur.Rank && tiers[i].ID != cur.ID) {
			t := tiers[i]
			return &t
		}
	}
	return nil
}
