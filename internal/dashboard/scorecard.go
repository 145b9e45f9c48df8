package dashboard

import (
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/kpi"
)

// BenchmarkMinPartners is the fewest active partners a tier needs for its
// medians to be shown: with fewer, a median would come too close to
// revealing one named peer's figures.
const BenchmarkMinPartners = 5

// Scorecard is one partner's scorecard.
type Scorecard struct {
	Period, Prev Period
	Info         PartnerInfo
	Tiles        []Tile // each with the previous period and, when shown, the tier median
	Engagement   Engagement
	PrevScore    int
	// Peers is how many active partners the tier medians are taken over;
	// HasMedians says whether they are shown.
	Peers      int
	HasMedians bool
	Trend      []ScoreTrendPoint // the twelve months up to the period's end
}

// ScoreTrendPoint is one month of the scorecard's trend.
type ScoreTrendPoint struct {
	Bucket            Bucket
	Revenue, Pipeline float64
	Score             int
}

// scoreTiles adds the engagement figures to the shared tiles.
func scoreTiles(c, o KPIs, e, pe Engagement) []Tile {
	t := periodTiles(c, o)
	return append(t,
		Tile{Key: "deals_registered", Kind: KindCount, Value: c.Registered, Prev: o.Registered},
		Tile{Key: "conversation", Kind: KindCount, Value: c.Posts + c.Messages, Prev: o.Posts + o.Messages},
		Tile{Key: "courses", Kind: KindCount, Value: c.Courses, Prev: o.Courses},
		Tile{Key: "active_users", Kind: KindDecimal, Value: e.Figures["active_users"], Prev: pe.Figures["active_users"]},
		Tile{Key: "engagement", Kind: KindCount, Value: float64(e.Score), Prev: float64(pe.Score)},
	)
}

// tileValues lists the tile values of scoreTiles in order, for medians.
func tileValues(t []Tile) []float64 {
	out := make([]float64, len(t))
	for i := range t {
		out[i] = t[i].Value
	}
	return out
}

// PartnerScorecard computes the scorecard of the partner in s's filter for p.
// The tier medians are the one figure read across partners the viewer may
// not see: an anonymous median of every active partner of the same tier,
// shown only from BenchmarkMinPartners partners up.
func PartnerScorecard(app core.App, s *Source, p Period) (*Scorecard, error) {
	if s.filter.Partner == "" {
		return nil, fmt.Errorf("dashboard: scorecard without a partner")
	}
	probs := Probabilities(app)
	sc := &Scorecard{Period: p, Prev: p.Previous()}
	partners, err := s.Partners()
	if err != nil {
		return nil, err
	}
	if len(partners) != 1 {
		return nil, fmt.Errorf("dashboard: partner not in scope")
	}
	sc.Info = partners[0]
	cur, old, _, err := s.overview(p, probs, nil)
	if err != nil {
		return nil, err
	}
	f, err := s.partnerFigures(p)
	if err != nil {
		return nil, err
	}
	pf, err := s.partnerFigures(sc.Prev)
	if err != nil {
		return nil, err
	}
	e, pe := f.engagement(sc.Info.ID, p), pf.engagement(sc.Info.ID, sc.Prev)
	sc.Engagement, sc.PrevScore = e, pe.Score
	sc.Tiles = scoreTiles(cur, old, e, pe)

	if sc.Info.Tier != "" {
		medians, peers, err := tierMedians(app, sc.Info.Tier, p, probs)
		if err != nil {
			return nil, err
		}
		sc.Peers = peers
		if peers >= BenchmarkMinPartners {
			sc.HasMedians = true
			for i := range sc.Tiles {
				sc.Tiles[i].Median, sc.Tiles[i].HasMedian = medians[i], true
			}
		}
	}
	sc.Trend, err = s.scoreTrend(p.To)
	return sc, err
}

// BenchmarkTTL is how long a tier's medians for a period are reused: they
// summarise every active partner of the tier, move slowly, and cost a read
// of the whole tier's rollups.
const BenchmarkTTL = 10 * time.Minute

// medianCache keeps tier medians per data dir, tier and period.
var medianCache = struct {
	sync.Mutex
	m map[string]cachedMedians
}{m: map[string]cachedMedians{}}

type cachedMedians struct {
	vals  []float64
	peers int
	at    time.Time
}

// tierMedians returns the tier's medians, reusing those computed less than
// BenchmarkTTL ago.
func tierMedians(app core.App, tier string, p Period, probs map[string]float64) ([]float64, int, error) {
	key := app.DataDir() + "|" + tier + "|" + p.From.Format("2006-01-02") + "|" + p.To.Format("2006-01-02")
	medianCache.Lock()
	c, ok := medianCache.m[key]
	medianCache.Unlock()
	if ok && time.Since(c.at) < BenchmarkTTL {
		return c.vals, c.peers, nil
	}
	vals, peers, err := computeTierMedians(app, tier, p, probs)
	if err != nil {
		return nil, 0, err
	}
	medianCache.Lock()
	if len(medianCache.m) > 1000 {
		clear(medianCache.m)
	}
	medianCache.m[key] = cachedMedians{vals: vals, peers: peers, at: time.Now()}
	medianCache.Unlock()
	return vals, peers, nil
}

// computeTierMedians reads every active partner of the tier (whoever the
// viewer is) and returns the median of each scorecard tile and the partner
// count.
func computeTierMedians(app core.App, tier string, p Period, probs map[string]float64) ([]float64, int, error) {
	b := newBenchmarkSource(app, Filter{Tier: tier, ActiveOnly: true})
	peers, err := b.Partners()
	if err != nil {
		return nil, 0, err
	}
	if len(peers) < BenchmarkMinPartners {
		return nil, len(peers), nil
	}
	f, err := b.partnerFigures(p)
	if err != nil {
		return nil, 0, err
	}
	stages, err := b.Sum(stockMetrics()[2:], zeroTime, p.To, ByPartner)
	if err != nil {
		return nil, 0, err
	}
	var cols [][]float64
	for _, pi := range peers {
		levels := map[string]float64{}
		for m, v := range stages[pi.ID] {
			levels[m] = v
		}
		levels[kpi.Pipeline] = f.levels.Get(pi.ID, kpi.Pipeline)
		levels[kpi.CertifiedUsers] = f.levels.Get(pi.ID, kpi.CertifiedUsers)
		k := kpisOf(f.flows[pi.ID], levels, probs)
		vals := tileValues(scoreTiles(k, KPIs{}, f.engagement(pi.ID, p), Engagement{}))
		for i, v := range vals {
			if len(cols) <= i {
				cols = append(cols, nil)
			}
			cols[i] = append(cols[i], v)
		}
	}
	out := make([]float64, len(cols))
	for i, c := range cols {
		out[i] = Median(c)
	}
	return out, len(peers), nil
}

// Median is the middle value (the mean of the two middle values for an even
// count); 0 for none.
func Median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	n := len(s)
	if n%2 == 1 {
		return s[n/2]
	}
	return round2((s[n/2-1] + s[n/2]) / 2)
}

// scoreTrend reads the twelve calendar months up to end's month: won
// revenue, the pipeline level at each month's end and the month's
// engagement score.
func (s *Source) scoreTrend(end time.Time) ([]ScoreTrendPoint, error) {
	p := Period{From: monthStart(end).AddDate(0, -11, 0), To: monthEnd(end), Monthly: true}
	metrics := append(append([]string{kpi.ActiveUsers}, flowMetrics...), stockMetrics()...)
	series, err := s.Series(metrics, p)
	if err != nil {
		return nil, err
	}
	before, err := s.Sum(stockMetrics(), zeroTime, p.From.AddDate(0, 0, -1), ByNone)
	if err != nil {
		return nil, err
	}
	level := map[string]float64{}
	for m, v := range before[""] {
		level[m] = v
	}
	var out []ScoreTrendPoint
	for _, b := range p.Buckets() {
		for _, m := range stockMetrics() {
			level[m] += series.Get(b.Key, m)
		}
		e := score(series[b.Key], level[kpi.CertifiedUsers], series.Get(b.Key, kpi.ActiveUsers), 1, 1)
		out = append(out, ScoreTrendPoint{Bucket: b, Revenue: round2(series.Get(b.Key, kpi.RevenueWon)),
			Pipeline: round2(level[kpi.Pipeline]), Score: e.Score})
	}
	return out, nil
}
