package dashboard

import (
	"errors"
	"sort"
	"sync"
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

// adoptedBy returns the partners with an active person in the
// AdoptionDays days ending on end.
func (s *Source) adoptedBy(end time.Time) (map[string]bool, error) {
	return s.PartnersActiveIn(kpi.ActiveUsers, end.AddDate(0, 0, -(AdoptionDays-1)), end)
}

// adoption computes the gauge from the adopted partners among partners.
func adoption(adopted map[string]bool, partners []PartnerInfo) Adoption {
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
	return a
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
// viewer of s. today bounds the adoption window. It reads the rollups about
// ten times: the totals and trend (three reads), every partner's figures
// (three), the partners in scope and the two adoption windows; tiers,
// regions, rankings and scores are summed from those in memory.
func StaffDashboard(app core.App, s *Source, p Period, today time.Time) (*Staff, error) {
	probs := Probabilities(app)
	prev := p.Previous()
	d := &Staff{Period: p, Prev: prev}
	// Three independent groups of reads run side by side: SQLite serves
	// concurrent readers, and each group is a few large index scans.
	var (
		f                             *partnerFigures
		ov                            *overviewReads
		partners                      []PartnerInfo
		adopted, prevAdopted          map[string]bool
		errF, errO, errP, errA, errPA error
		wg                            sync.WaitGroup
	)
	end, prevEnd := adoptionEnd(p, today), adoptionEnd(prev, today)
	wg.Add(4)
	go func() { defer wg.Done(); f, errF = s.partnerFigures(p) }()
	go func() { defer wg.Done(); ov, errO = s.readOverview(p, true) }()
	go func() { defer wg.Done(); adopted, errA = s.adoptedBy(end) }()
	go func() { defer wg.Done(); prevAdopted, errPA = s.adoptedBy(prevEnd) }()
	partners, errP = s.Partners()
	wg.Wait()
	if err := errors.Join(errF, errO, errP, errA, errPA); err != nil {
		return nil, err
	}
	d.Adoption = adoption(adopted, partners)
	prevAdoption := adoption(prevAdopted, partners)
	c, o, trend := ov.compose(p, probs, f.flows)
	d.Trend = trend
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
		npsTile(c, o),
	}
	for _, st := range kpi.OpenStages {
		d.Funnel = append(d.Funnel, GroupValue{Key: st, Value: round2(c.Stages[st])})
	}

	// Every partner in scope: won revenue by tier and region, rankings.
	tiers, regions := map[string]*GroupValue{}, map[string]*GroupValue{}
	for _, pi := range partners {
		rev := round2(f.flows.Get(pi.ID, kpi.RevenueWon))
		d.Ranked = append(d.Ranked, PartnerRow{PartnerInfo: pi, Revenue: rev,
			Pipeline: round2(f.levels.Get(pi.ID, kpi.Pipeline)), Engagement: f.engagement(pi.ID, p)})
		if rev == 0 && f.flows[pi.ID] == nil {
			continue
		}
		if tiers[pi.Tier] == nil {
			tiers[pi.Tier] = &GroupValue{Key: pi.Tier, Label: pi.TierName}
		}
		tiers[pi.Tier].Value += rev
		if regions[pi.Region] == nil {
			regions[pi.Region] = &GroupValue{Key: pi.Region}
		}
		regions[pi.Region].Value += rev
	}
	d.ByTier, d.ByRegion = sortedGroups(tiers), sortedGroups(regions)
	d.Leaders = append([]PartnerRow(nil), d.Ranked...)
	sort.SliceStable(d.Ranked, func(i, j int) bool { return d.Ranked[i].Revenue > d.Ranked[j].Revenue })
	sort.SliceStable(d.Leaders, func(i, j int) bool {
		return d.Leaders[i].Engagement.Score > d.Leaders[j].Engagement.Score
	})
	d.Top, d.Bottom = ends(d.Ranked)
	return d, nil
}

// sortedGroups lists groups by value, largest first, values rounded.
func sortedGroups(m map[string]*GroupValue) []GroupValue {
	out := make([]GroupValue, 0, len(m))
	for _, g := range m {
		g.Value = round2(g.Value)
		out = append(out, *g)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Value != out[j].Value {
			return out[i].Value > out[j].Value
		}
		return out[i].Key < out[j].Key
	})
	return out
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
