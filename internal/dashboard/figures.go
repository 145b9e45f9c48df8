package dashboard

import (
	"encoding/json"
	"errors"
	"math"
	"sync"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/kpi"
	"github.com/ponte-portal/ponte/internal/surveys"
)

// Tile kinds: how a tile's value is formatted.
const (
	KindMoney   = "money"
	KindCount   = "count"
	KindPercent = "percent" // a ratio 0–1
	KindDecimal = "decimal"
	KindScore   = "score" // a score such as NPS (−100 to 100): changes in points
)

// Tile is one key figure with the previous period's value.
type Tile struct {
	Key         string // i18n suffix, "dashboards.kpi.<Key>"
	Kind        string
	Value, Prev float64
	NoPrev      bool // the figure has no history (shown as "—")
	NoValue     bool // undefined (a win rate without closed deals)
	PrevNoValue bool
	// Median is the tier's median, for scorecards; HasMedian says it exists.
	Median    float64
	HasMedian bool
}

// Change is the change from Prev to Value, and false when it is undefined
// (no previous value, or a previous value of 0 for a relative change). For
// a rate (KindPercent) it is the difference in points of the ratio
// (0.4 → 0.667 is +0.267), for a score the difference in points (NPS 10 →
// 25 is +15), otherwise the relative change (1500 → 6000 is +3).
func (t Tile) Change() (float64, bool) {
	if t.NoPrev || t.NoValue || t.PrevNoValue {
		return 0, false
	}
	if t.Kind == KindPercent || t.Kind == KindScore {
		return t.Value - t.Prev, true
	}
	if t.Prev == 0 {
		return 0, false
	}
	return (t.Value - t.Prev) / math.Abs(t.Prev), true
}

// Flow metrics summed over a period.
var flowMetrics = []string{kpi.RevenueWon, kpi.DealsWon, kpi.DealsLost, kpi.DealsRegistered,
	kpi.Logins, kpi.Downloads, kpi.ForumPosts, kpi.Messages, kpi.CoursesCompleted,
	kpi.SurveyPromoters, kpi.SurveyPassives, kpi.SurveyDetractors}

// nps is the period's net promoter score from the survey-answer rollups
// (surveys.NPS; the sums are counts).
func nps(flows map[string]float64) (float64, bool) {
	return surveys.NPS(int(math.Round(flows[kpi.SurveyPromoters])), int(math.Round(flows[kpi.SurveyPassives])),
		int(math.Round(flows[kpi.SurveyDetractors])))
}

// stockMetrics are the levels read at the end of a period.
func stockMetrics() []string {
	out := []string{kpi.Pipeline, kpi.CertifiedUsers}
	for _, st := range kpi.OpenStages {
		out = append(out, stageMetric(st))
	}
	return out
}

// Probabilities reads the win probability (percent) of each open stage from
// the portal settings, with the defaults the deals migration writes.
func Probabilities(app core.App) map[string]float64 {
	out := map[string]float64{"registered": 10, "qualified": 25, "proposal": 50, "negotiation": 75}
	recs, err := app.FindRecordsByFilter("settings", "", "", 1, 0)
	if err != nil || len(recs) == 0 {
		return out
	}
	var probs map[string]float64
	if raw := recs[0].GetString("stage_probabilities"); raw != "" && json.Unmarshal([]byte(raw), &probs) == nil {
		for _, st := range kpi.OpenStages {
			if p, ok := probs[st]; ok && p >= 0 && p <= 100 {
				out[st] = p
			}
		}
	}
	return out
}

// weighted is the weighted pipeline of one group's stage levels.
func weighted(levels map[string]float64, probs map[string]float64) float64 {
	w := 0.0
	for _, st := range kpi.OpenStages {
		w += levels[stageMetric(st)] * probs[st] / 100
	}
	return math.Round(w*100) / 100
}

// ratio divides, reporting false for a zero denominator.
func ratio(a, b float64) (float64, bool) {
	if b == 0 {
		return 0, false
	}
	return a / b, true
}

// KPIs are the headline figures of one period for one group.
type KPIs struct {
	Revenue, WonDeals, LostDeals, Registered    float64
	Pipeline, Weighted, Certified               float64
	Logins, Downloads, Posts, Messages, Courses float64
	WinRate, AvgDeal                            float64
	HasWinRate, HasAvgDeal                      bool
	Stages                                      map[string]float64
	// NPS is the satisfaction score of the period's survey answers.
	NPS    float64
	HasNPS bool
}

func kpisOf(flows, levels map[string]float64, probs map[string]float64) KPIs {
	k := KPIs{
		Revenue: flows[kpi.RevenueWon], WonDeals: flows[kpi.DealsWon], LostDeals: flows[kpi.DealsLost],
		Registered: flows[kpi.DealsRegistered], Logins: flows[kpi.Logins], Downloads: flows[kpi.Downloads],
		Posts: flows[kpi.ForumPosts], Messages: flows[kpi.Messages], Courses: flows[kpi.CoursesCompleted],
		Pipeline: levels[kpi.Pipeline], Certified: levels[kpi.CertifiedUsers],
		Weighted: weighted(levels, probs), Stages: map[string]float64{},
	}
	for _, st := range kpi.OpenStages {
		k.Stages[st] = levels[stageMetric(st)]
	}
	k.WinRate, k.HasWinRate = ratio(k.WonDeals, k.WonDeals+k.LostDeals)
	k.AvgDeal, k.HasAvgDeal = ratio(k.Revenue, k.WonDeals)
	k.NPS, k.HasNPS = nps(flows)
	return k
}

// TrendPoint is one bucket of the revenue and pipeline chart.
type TrendPoint struct {
	Bucket                      Bucket
	Revenue, Pipeline, Weighted float64
}

// overview reads the period's KPIs, the previous period's and the trend in
// three reads: the period's flows and stock changes per bucket, the levels
// on the day before it (the previous period's end) and the previous
// period's flows. The period's levels are the levels before it plus its
// changes.
//
// byPartner, when given, holds the period's flows per partner (the staff
// dashboard reads them anyway): the period's flows are then their sum, so
// the per-bucket read carries only won revenue and the stock changes, and
// the previous period only the deal metrics its tiles compare.
func (s *Source) overview(p Period, probs map[string]float64, byPartner Sums) (cur, prev KPIs, trend []TrendPoint, err error) {
	r, err := s.readOverview(p, byPartner != nil)
	if err != nil {
		return
	}
	cur, prev, trend = r.compose(p, probs, byPartner)
	return
}

// overviewReads are the rollup sums an overview is composed from.
type overviewReads struct {
	series, before, prevFlows Sums
	lite                      bool
}

// readOverview runs the overview's three reads; lite leaves the period's
// flows (but won revenue) to a per-partner read.
func (s *Source) readOverview(p Period, lite bool) (*overviewReads, error) {
	stocks := stockMetrics()
	bucketed, prevMetrics := append(append([]string(nil), flowMetrics...), stocks...), flowMetrics
	if lite {
		bucketed = append([]string{kpi.RevenueWon}, stocks...)
		prevMetrics = []string{kpi.RevenueWon, kpi.DealsWon, kpi.DealsLost,
			kpi.SurveyPromoters, kpi.SurveyPassives, kpi.SurveyDetractors}
	}
	r := &overviewReads{lite: lite}
	var err error
	if r.series, err = s.Series(bucketed, p); err != nil {
		return nil, err
	}
	if r.before, err = s.Sum(stocks, zeroTime, p.From.AddDate(0, 0, -1), ByNone); err != nil {
		return nil, err
	}
	pp := p.Previous()
	if r.prevFlows, err = s.Sum(prevMetrics, pp.From, pp.To, ByNone); err != nil {
		return nil, err
	}
	return r, nil
}

// compose adds the reads up into the two periods' KPIs and the trend.
func (r *overviewReads) compose(p Period, probs map[string]float64, byPartner Sums) (cur, prev KPIs, trend []TrendPoint) {
	level := map[string]float64{}
	for m, v := range r.before[""] {
		level[m] = v
	}
	flows := map[string]float64{}
	for _, b := range p.Buckets() {
		for _, m := range stockMetrics() {
			level[m] += r.series.Get(b.Key, m)
		}
		if !r.lite {
			for _, m := range flowMetrics {
				flows[m] += r.series.Get(b.Key, m)
			}
		}
		trend = append(trend, TrendPoint{Bucket: b, Revenue: round2(r.series.Get(b.Key, kpi.RevenueWon)),
			Pipeline: round2(level[kpi.Pipeline]), Weighted: weighted(level, probs)})
	}
	for _, ms := range byPartner {
		for m, v := range ms {
			flows[m] += v
		}
	}
	return kpisOf(flows, level, probs), kpisOf(r.prevFlows[""], r.before[""], probs), trend
}

// partnerFigures are every partner's figures of a period, read in three
// queries: flows, levels at the end (pipeline, certified people) and the
// monthly active people (each from the running totals where they cover the
// period).
type partnerFigures struct {
	flows, levels, active Sums
	months                int
}

func (s *Source) partnerFigures(p Period) (*partnerFigures, error) {
	// The three reads are independent: they run side by side.
	f := &partnerFigures{}
	var errF, errL, errA error
	var wg sync.WaitGroup
	wg.Go(func() { f.flows, errF = s.Sum(flowMetrics, p.From, p.To, ByPartner) })
	wg.Go(func() { f.levels, errL = s.Sum([]string{kpi.Pipeline, kpi.CertifiedUsers}, zeroTime, p.To, ByPartner) })
	f.active, f.months, errA = s.MonthlySum([]string{kpi.ActiveUsers}, p, ByPartner)
	wg.Wait()
	if err := errors.Join(errF, errL, errA); err != nil {
		return nil, err
	}
	return f, nil
}

// engagement is one partner's engagement score from the figures.
func (f *partnerFigures) engagement(id string, p Period) Engagement {
	return score(f.flows[id], f.levels.Get(id, kpi.CertifiedUsers), f.active.Get(id, kpi.ActiveUsers), p.PerMonth(), f.months)
}

func round2(f float64) float64 { return math.Round(f*100) / 100 }
