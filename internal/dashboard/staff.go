package dashboard

import (
	"sort"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/kpi"
)

// AdoptionDays is the window of the adoption rate: a partner has adopted the
// portal when one of its people was active in the last AdoptionDays days of
// the period.
const AdoptionDays = 30

// TopN is how many partners the top, bottom and leaderboard tables list.
const TopN = 10

// Staff is the staff (admin or manager) dashboard.
type Staff struct {
	Period, Prev Period
	Tiles        []Tile
	Trend        []TrendPoint
	ByTier       []GroupValue
	ByRegion     []GroupValue
	Funnel       []GroupValue // pipeline level per open stage at the end
	Adoption     Adoption
	// Ranked lists every partner in scope by won revenue (largest first);
	// Top and Bottom are its ends.
	Ranked, Top, Bottom []PartnerRow
	// Leaders lists every partner by engagement score (highest first).
	Leaders []PartnerRow
}

// GroupValue is one bar: a group's key, its label and its value.
type GroupValue struct {
	Key, Label string
	Value      float64
}

// Adoption is the adoption gauge: partners with an active person in the
// last AdoptionDays days of the period ÷ active partners.
type Adoption struct {
	Adopted, Active int
	Rate            float64
	HasRate         bool
}

// PartnerRow is a partner in the top, bottom and engagement tables.
type PartnerRow struct {
	PartnerInfo
	Revenue, Pipeline float64
	Engagement        Engagement
}

// adoption computes the gauge for the period ending on end.
func (s *Source) adoption(end time.Time, partners []PartnerInfo) (Adoption, error) {
	adopted, err := s.PartnersActiveIn(kpi.ActiveUsers, end.AddDate(0, 0, -(AdoptionDays-1)), end)
	if err != nil {
		return Adoption{}, err
	}
	a := Adoption{}
	for _, p := range partners {
		if p.Status == "active" {
			a.Active++
			if adopted[p.ID] {
				a.Adopted++
			}
		}
	}
	a.Rate, a.HasRate = ratio(float64(a.Adopted), float64(a.Active))
	return a, nil
}

// adoptionEnd is the last day the adoption window may end on: the period's
// end, or today when the period runs into the future.
func adoptionEnd(p Period, today time.Time) time.Time {
	if p.To.After(Day(today)) {
		return Day(today)
	}
	return p.To
}

// StaffDashboard computes the staff dashboard for period p as seen by the
// viewer of s. today bounds the adoption window.
func StaffDashboard(app core.App, s *Source, p Period, today time.Time) (*Staff, error) {
	probs := Probabilities(app)
	prev := p.Previous()
	d := &Staff{Period: p, Prev: prev}
	cur, err := s.periodKPIs(p, ByNone, probs)
	if err != nil {
		return nil, err
	}
	old, err := s.periodKPIs(prev, ByNone, probs)
	if err != nil {
		return nil, err
	}
	partners, err := s.Partners()
	if err != nil {
		return nil, err
	}
	d.Adoption, err = s.adoption(adoptionEnd(p, today), partners)
	if err != nil {
		return nil, err
	}
	prevAdoption, err := s.adoption(adoptionEnd(prev, today), partners)
	if err != nil {
		return nil, err
	}
	c, o := cur[""], old[""]
	d.Tiles = []Tile{
		{Key: "revenue", Kind: KindMoney, Value: c.Revenue, Prev: o.Revenue},
		{Key: "pipeline", Kind: KindMoney, Value: c.Pipeline, Prev: o.Pipeline},
		{Key: "weighted", Kind: KindMoney, Value: c.Weighted, Prev: o.Weighted},
		{Key: "win_rate", Kind: KindPercent, Value: c.WinRate, Prev: o.WinRate, NoValue: !c.HasWinRate, PrevNoValue: !o.HasWinRate},
		{Key: "avg_deal", Kind: KindMoney, Value: c.AvgDeal, Prev: o.AvgDeal, NoValue: !c.HasAvgDeal, PrevNoValue: !o.HasAvgDeal},
		{Key: "active_partners", Kind: KindCount, Value: float64(d.Adoption.Active), NoPrev: true},
		{Key: "adoption", Kind: KindPercent, Value: d.Adoption.Rate, Prev: prevAdoption.Rate,
			NoValue: !d.Adoption.HasRate, PrevNoValue: !prevAdoption.HasRate},
		{Key: "certified", Kind: KindCount, Value: c.Certified, Prev: o.Certified},
	}
	if d.Trend, err = s.trend(p, probs); err != nil {
		return nil, err
	}
	for _, st := range kpi.OpenStages {
		d.Funnel = append(d.Funnel, GroupValue{Key: st, Value: c.Stages[st]})
	}

	// Won revenue by tier and region, labelled from the partners in scope.
	tierNames := map[string]string{}
	for _, pi := range partners {
		tierNames[pi.Tier] = pi.TierName
	}
	for _, g := range []struct {
		by  Group
		out *[]GroupValue
	}{{ByTier, &d.ByTier}, {ByRegion, &d.ByRegion}} {
		sums, err := s.Sum([]string{kpi.RevenueWon}, p.From, p.To, g.by)
		if err != nil {
			return nil, err
		}
		for k, m := range sums {
			gv := GroupValue{Key: k, Value: round2(m[kpi.RevenueWon])}
			if g.by == ByTier {
				gv.Label = tierNames[k]
			}
			*g.out = append(*g.out, gv)
		}
		sort.Slice(*g.out, func(i, j int) bool {
			a, b := (*g.out)[i], (*g.out)[j]
			if a.Value != b.Value {
				return a.Value > b.Value
			}
			return a.Key < b.Key
		})
	}

	// Every partner in scope, ranked by won revenue and by engagement.
	revenue, err := s.Sum([]string{kpi.RevenueWon}, p.From, p.To, ByPartner)
	if err != nil {
		return nil, err
	}
	pipe, err := s.Sum([]string{kpi.Pipeline}, zeroTime, p.To, ByPartner)
	if err != nil {
		return nil, err
	}
	eng, err := s.engagementBy(p)
	if err != nil {
		return nil, err
	}
	for _, pi := range partners {
		e, ok := eng[pi.ID]
		if !ok {
			e = score(nil, 0, 0, p.PerMonth(), p.Months())
		}
		d.Ranked = append(d.Ranked, PartnerRow{PartnerInfo: pi, Revenue: round2(revenue.Get(pi.ID, kpi.RevenueWon)),
			Pipeline: round2(pipe.Get(pi.ID, kpi.Pipeline)), Engagement: e})
	}
	d.Leaders = append([]PartnerRow(nil), d.Ranked...)
	sort.SliceStable(d.Ranked, func(i, j int) bool { return d.Ranked[i].Revenue > d.Ranked[j].Revenue })
	sort.SliceStable(d.Leaders, func(i, j int) bool {
		return d.Leaders[i].Engagement.Score > d.Leaders[j].Engagement.Score
	})
	d.Top, d.Bottom = ends(d.Ranked)
	return d, nil
}

// ends returns the first TopN partners of a ranked list and its last TopN,
// lowest first. With fewer than 2×TopN partners the two overlap: a small
// programme still sees who is last.
func ends(rows []PartnerRow) (top, bottom []PartnerRow) {
	n := min(TopN, len(rows))
	top = rows[:n]
	for i := len(rows) - 1; i >= len(rows)-n; i-- {
		bottom = append(bottom, rows[i])
	}
	return top, bottom
}
