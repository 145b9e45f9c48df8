package dashboard

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/kpi"
)

// Partner is one partner's own dashboard.
type Partner struct {
	Period, Prev Period
	Info         PartnerInfo
	Tiles        []Tile
	Trend        []TrendPoint
	Stages       []GroupValue // pipeline level per open stage at the end
}

// periodTiles are the partner dashboard's and the scorecard's shared tiles.
func periodTiles(c, o KPIs) []Tile {
	return []Tile{
		{Key: "revenue", Kind: KindMoney, Value: c.Revenue, Prev: o.Revenue},
		{Key: "pipeline", Kind: KindMoney, Value: c.Pipeline, Prev: o.Pipeline},
		{Key: "weighted", Kind: KindMoney, Value: c.Weighted, Prev: o.Weighted},
		{Key: "win_rate", Kind: KindPercent, Value: c.WinRate, Prev: o.WinRate, NoValue: !c.HasWinRate, PrevNoValue: !o.HasWinRate},
		{Key: "avg_deal", Kind: KindMoney, Value: c.AvgDeal, Prev: o.AvgDeal, NoValue: !c.HasAvgDeal, PrevNoValue: !o.HasAvgDeal},
		{Key: "certified", Kind: KindCount, Value: c.Certified, Prev: o.Certified},
		{Key: "downloads", Kind: KindCount, Value: c.Downloads, Prev: o.Downloads},
		{Key: "logins", Kind: KindCount, Value: c.Logins, Prev: o.Logins},
	}
}

// npsTile is the satisfaction tile: the net promoter score of the period's
// survey answers against the previous period's.
func npsTile(c, o KPIs) Tile {
	return Tile{Key: "nps", Kind: KindScore, Value: c.NPS, Prev: o.NPS, NoValue: !c.HasNPS, PrevNoValue: !o.HasNPS}
}

// PartnerDashboard computes the dashboard of the partner in s's filter (the
// viewer's own partner) for p. (The way to the next tier is the tier
// evaluation's: internal/tiering, shown by the portal beside it.)
func PartnerDashboard(app core.App, s *Source, p Period) (*Partner, error) {
	if s.filter.Partner == "" {
		return nil, fmt.Errorf("dashboard: partner dashboard without a partner")
	}
	probs := Probabilities(app)
	d := &Partner{Period: p, Prev: p.Previous()}
	partners, err := s.Partners()
	if err != nil {
		return nil, err
	}
	if len(partners) != 1 {
		return nil, access.ErrNotFound
	}
	d.Info = partners[0]
	cur, old, trend, err := s.overview(p, probs, nil)
	if err != nil {
		return nil, err
	}
	d.Tiles, d.Trend = append(periodTiles(cur, old), npsTile(cur, old)), trend
	for _, st := range kpi.OpenStages {
		d.Stages = append(d.Stages, GroupValue{Key: st, Value: round2(cur.Stages[st])})
	}
	return d, nil
}
