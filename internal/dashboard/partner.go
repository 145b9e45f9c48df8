package dashboard

import (
	"fmt"
	"math"
	"sort"
	"time"

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
	Progress     Progress
}

// TierGoal is a tier and what it asks of a partner.
type TierGoal struct {
	ID, Name                 string
	Rank                     int
	MinRevenue, MinCertified float64
	MinDeals                 float64 // deals won in the last 12 months (0: no such rule)
}

// Progress is a partner's way to the next tier: its won revenue and won
// deals of the last twelve months and its certified people against the next
// tier's minimums (the rules the nightly tier evaluation applies).
type Progress struct {
	Next                                           *TierGoal // nil: no higher tier
	Revenue12m, Certified, Deals12m                float64
	MissingRevenue, MissingCertified, MissingDeals float64
	RevenueShare, CertifiedShare, DealsShare       float64 // 0–1, capped
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
// viewer's own partner) for p. today anchors the twelve months of the
// next-tier progress.
func PartnerDashboard(app core.App, s *Source, p Period, today time.Time) (*Partner, error) {
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
	d.Progress, err = s.progress(d.Info, today)
	return d, err
}

// Tiers lists the programme's tiers (their List rule admits every signed-in
// user), lowest rank first.
func (s *Source) Tiers() ([]TierGoal, error) {
	pg, err := access.ListVisible(s.app, s.info, "tiers", access.ListOptions{Sort: []string{"rank", "name"}, PerPage: 200})
	if err != nil {
		return nil, err
	}
	out := make([]TierGoal, 0, len(pg.Items))
	for _, r := range pg.Items {
		out = append(out, TierGoal{ID: r.Id, Name: r.GetString("name"), Rank: r.GetInt("rank"),
			MinRevenue: r.GetFloat("min_revenue_12m"), MinCertified: r.GetFloat("min_certified_users"),
			MinDeals: r.GetFloat("min_deals_won_12m")})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Rank < out[j].Rank })
	return out, nil
}

// progress compares the partner's last twelve months (the 365 days up to
// today) and certified people with the tier ranked just above its own.
func (s *Source) progress(pi PartnerInfo, today time.Time) (Progress, error) {
	tiers, err := s.Tiers()
	if err != nil {
		return Progress{}, err
	}
	today = Day(today)
	sums, err := s.Sum([]string{kpi.RevenueWon, kpi.DealsWon}, today.AddDate(0, 0, -364), today, ByNone)
	if err != nil {
		return Progress{}, err
	}
	cert, err := s.Sum([]string{kpi.CertifiedUsers}, zeroTime, today, ByNone)
	if err != nil {
		return Progress{}, err
	}
	pr := Progress{Revenue12m: round2(sums.Get("", kpi.RevenueWon)), Certified: cert.Get("", kpi.CertifiedUsers),
		Deals12m: sums.Get("", kpi.DealsWon)}
	for i := range tiers {
		t := tiers[i]
		if t.ID != pi.Tier && (pi.Tier == "" || t.Rank > pi.TierRank) {
			pr.Next = &t
			break
		}
	}
	if pr.Next != nil {
		pr.MissingRevenue = round2(math.Max(0, pr.Next.MinRevenue-pr.Revenue12m))
		pr.MissingCertified = math.Max(0, pr.Next.MinCertified-pr.Certified)
		pr.RevenueShare = share(pr.Revenue12m, pr.Next.MinRevenue)
		pr.CertifiedShare = share(pr.Certified, pr.Next.MinCertified)
		pr.MissingDeals = math.Max(0, pr.Next.MinDeals-pr.Deals12m)
		pr.DealsShare = share(pr.Deals12m, pr.Next.MinDeals)
	}
	return pr, nil
}

func share(v, goal float64) float64 {
	if goal <= 0 {
		return 1
	}
	return math.Min(1, math.Max(0, v/goal))
}
