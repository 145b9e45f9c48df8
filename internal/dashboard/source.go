package dashboard

import (
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/kpi"
)

// Filter narrows the partners whose figures are summed. Empty fields do not
// filter. Values must have been checked by the caller (known tier, region
// and manager ids); they only ever reach SQL as bound parameters.
type Filter struct {
	Tier, Region, Manager string
	Partner               string // one partner (scorecards, partner dashboards)
	ActiveOnly            bool   // partners in status "active" only
}

// Source reads the rollups as one viewer: every query is limited to the
// partners whose kpi rows the kpi collections' List rule shows that viewer,
// and then to the filter.
type Source struct {
	app    core.App
	info   *core.RequestInfo // nil: every partner (tier benchmarks)
	filter Filter
	scope  []any // the partner ids the viewer may see; nil: every partner
	none   bool  // the viewer may see no partner

	sealOnce    sync.Once // reads of one dashboard run side by side
	sealedMonth string
	sealErr     error
}

// NewSource reads as the viewer described by info.
func NewSource(app core.App, info *core.RequestInfo, f Filter) (*Source, error) {
	s := &Source{app: app, info: info, filter: f}
	if info != nil {
		scope, all, err := visiblePartners(app, info)
		if err != nil {
			return nil, err
		}
		s.scope, s.none = scope, !all && len(scope) == 0
	}
	return s, nil
}

// newBenchmarkSource reads every partner's rows, for the anonymous tier
// medians only: see Benchmarks.
func newBenchmarkSource(app core.App, f Filter) *Source { return &Source{app: app, filter: f} }

// visiblePartners evaluates kpi_daily's List rule (kpi_monthly has the same
// one) once per partner instead of once per rollup row: the rule reads only
// the row's partner and the viewer, so a row is visible exactly when a row
// of its partner would be. The rule is applied by access.ApplyListRule
// against a one-row-per-partner table shaped like kpi_daily, as
// access.CanCreate does for new records; a test keeps the rule partner-only.
func visiblePartners(app core.App, info *core.RequestInfo) (ids []any, all bool, err error) {
	c, err := app.FindCachedCollectionByNameOrId("kpi_daily")
	if err != nil {
		return nil, false, err
	}
	if info.HasSuperuserAuth() {
		return nil, true, nil
	}
	if c.ListRule == nil {
		return nil, false, nil
	}
	shape := *c
	shape.Name = "dash_kpi_scope"
	shape.Id = c.Id + "_scope"
	q := app.DB().Select("[[dash_kpi_scope.partner]]").
		PreFragment("WITH [[dash_kpi_scope]] AS (SELECT [[id]] AS [[id]], [[id]] AS [[partner]], '' AS [[day]], '' AS [[metric]], 0 AS [[value]] FROM [[partners]])").
		From("dash_kpi_scope")
	if err := access.ApplyListRule(app, info, &shape, q); err != nil {
		return nil, false, fmt.Errorf("dashboard: kpi rule: %w", err)
	}
	var found []string
	if err := q.Column(&found); err != nil {
		return nil, false, fmt.Errorf("dashboard: visible partners: %w", err)
	}
	if len(found) == 0 {
		return nil, false, nil
	}
	var n int
	if err := app.DB().Select("COUNT(*)").From("partners").Row(&n); err != nil {
		return nil, false, err
	}
	if len(found) == n {
		return nil, true, nil // every partner (an admin): no list to bind
	}
	ids = make([]any, len(found))
	for i, id := range found {
		ids[i] = id
	}
	return ids, false, nil
}

// filtered reports whether the filter needs the partners table.
func (s *Source) filtered() bool {
	f := s.filter
	return f.Tier != "" || f.Region != "" || f.Manager != "" || f.ActiveOnly
}

// scopeWhere limits q to the viewer's partners, by the partner id column
// col.
func (s *Source) scopeWhere(q *dbx.SelectQuery, col string) {
	if s.none {
		q.AndWhere(dbx.NewExp("1=0"))
	} else if s.scope != nil {
		q.AndWhere(dbx.In(col, s.scope...))
	}
	if s.filter.Partner != "" {
		q.AndWhere(dbx.HashExp{col: s.filter.Partner})
	}
}

// partnerWhere applies the scope and the filter to the partners alias dp.
func (s *Source) partnerWhere(q *dbx.SelectQuery) {
	s.scopeWhere(q, "dp.id")
	f := s.filter
	if f.Tier != "" {
		q.AndWhere(dbx.HashExp{"dp.tier": f.Tier})
	}
	if f.Region != "" {
		q.AndWhere(dbx.HashExp{"dp.region": f.Region})
	}
	if f.Manager != "" {
		q.AndWhere(dbx.HashExp{"dp.manager": f.Manager})
	}
	if f.ActiveOnly {
		q.AndWhere(dbx.HashExp{"dp.status": "active"})
	}
}

// Group says what sums are grouped by.
type Group string

// Groupings of sums.
const (
	ByNone    Group = ""
	ByPartner Group = "dp.id"
	ByTier    Group = "dp.tier"
	ByRegion  Group = "dp.region"
	byPeriod  Group = "period"
)

// Sums holds sums per group key and metric.
type Sums map[string]map[string]float64

func (s Sums) add(k, m string, v float64) {
	if s[k] == nil {
		s[k] = map[string]float64{}
	}
	s[k][m] += v
}

// Get returns one sum (0 when absent).
func (s Sums) Get(k, m string) float64 { return s[k][m] }

// query sums metrics from one rollup table over [from, to] ("" for no
// bound; days "YYYY-MM-DD" in kpi_daily, months "YYYY-MM" in kpi_monthly).
func (s *Source) query(out Sums, table string, metrics []string, from, to string, g Group) error {
	col := "day"
	if table == "kpi_monthly" {
		col = "month"
	}
	var conds []dbx.Expression
	if from != "" {
		conds = append(conds, dbx.NewExp("k."+col+" >= {:from}", dbx.Params{"from": from}))
	}
	if to != "" {
		conds = append(conds, dbx.NewExp("k."+col+" <= {:to}", dbx.Params{"to": to}))
	}
	return s.read(out, rollupRead{table: table, col: col, where: dbx.And(conds...), value: "k.value",
		fewRows: from != "" && from == to}, metrics, g)
}

// queryRunning sums, from kpi_running, the change of metrics from the end of
// month before to the end of month at: the running total at at minus the
// one at before ("" = from the beginning: the total at at). Both months
// must be sealed.
func (s *Source) queryRunning(out Sums, metrics []string, before, at string, g Group) error {
	r := rollupRead{table: "kpi_running", col: "month", value: "k.value", fewRows: true,
		where: dbx.NewExp("k.month = {:at}", dbx.Params{"at": at})}
	if before != "" {
		r.where = dbx.NewExp("k.month IN ({:before}, {:at})", dbx.Params{"before": before, "at": at})
		r.value = "CASE WHEN k.month = {:at} THEN k.value ELSE -k.value END"
	}
	return s.read(out, r, metrics, g)
}

// rollupRead is one sum over a rollup table: the rows where holds, summing
// value (SQL over the alias k).
type rollupRead struct {
	table, col string
	where      dbx.Expression
	value      string
	// fewRows: where selects at most two rows per partner and metric (one
	// or two months): a per-partner read then returns the rows as they are
	// and sums them here, which costs less than SQLite sorting them into
	// groups.
	fewRows bool
}

// read runs r for metrics, grouped by g, limited to the viewer's scope and
// the filter, and adds the sums into out.
func (s *Source) read(out Sums, r rollupRead, metrics []string, g Group) error {
	key := "('')"
	switch g {
	case byPeriod:
		key = "k." + r.col
	case ByNone:
	default:
		key = "COALESCE(" + string(g) + ", '')"
	}
	ms := make([]any, len(metrics))
	for i, m := range metrics {
		ms[i] = m
	}
	join := s.filtered() || g == ByTier || g == ByRegion
	if g == ByPartner && !join {
		key = "k.partner"
	}
	sum := "SUM(" + r.value + ") AS v"
	rowwise := g == ByPartner && r.fewRows
	if rowwise {
		sum = "(" + r.value + ") AS v" // parenthesised: dbx quotes a bare column
	}
	q := s.app.DB().Select(key+" AS g", "k.metric AS m", sum).
		From(r.table + " k").
		Where(dbx.In("k.metric", ms...))
	// A subset of the partners (a filter, a manager's scope, one partner)
	// is read partner by partner: its rows rather than the programme's.
	subset := !s.none && (s.filtered() || s.scope != nil || s.filter.Partner != "") && g != ByPartner
	if (g == ByPartner && r.table == "kpi_monthly" && !rowwise) || subset {
		// Partner by partner (a CROSS JOIN keeps partners the outer loop)
		// through the (partner, metric, month, value) index: rows come
		// grouped already, with no sort of the whole programme's rows into
		// a temporary b-tree. (Reads of one or two months go row by row
		// instead, see fewRows: two seeks per partner and metric cost more.)
		join = true
		if g == ByPartner {
			key = "dp.id"
		}
		q = s.app.DB().Select(key+" AS g", "k.metric AS m", sum).
			From("partners dp").
			Join("CROSS JOIN", r.table+" k", dbx.NewExp("k.partner = dp.id")).
			Where(dbx.In("k.metric", ms...))
	} else if join {
		q.InnerJoin("partners dp", dbx.NewExp("dp.id = k.partner"))
	}
	if r.where != nil {
		q.AndWhere(r.where)
	}
	if join {
		s.partnerWhere(q)
	} else {
		s.scopeWhere(q, "k.partner")
	}
	switch {
	case rowwise: // summed below
	case g == ByNone:
		q.GroupBy("m") // in the index's order: no temporary b-tree
	default:
		q.GroupBy("g", "m")
	}
	var rows []struct {
		G string  `db:"g"`
		M string  `db:"m"`
		V float64 `db:"v"`
	}
	if err := q.All(&rows); err != nil {
		return fmt.Errorf("dashboard: sums from %s: %w", r.table, err)
	}
	for _, r := range rows {
		out.add(r.G, r.M, r.V)
	}
	return nil
}

// sealed returns the last month the running totals cover ("" none), read
// once per Source.
func (s *Source) sealed() (string, error) {
	s.sealOnce.Do(func() { s.sealedMonth, s.sealErr = kpi.Sealed(s.app) })
	return s.sealedMonth, s.sealErr
}

// months sums metrics over the whole months [lo, hi] ("" lo: from the
// beginning): programme-wide sums from the programme totals; otherwise the
// covered part from the running totals (two rows per partner and metric, or
// one from the beginning) and any month after it from kpi_monthly.
func (s *Source) months(out Sums, metrics []string, lo, hi string, g Group) error {
	if g == ByNone && s.programmeWide() {
		return s.totals(out, metrics, lo, hi, ByNone)
	}
	sealed, err := s.sealed()
	if err != nil {
		return err
	}
	if sealed == "" || (lo != "" && lo > sealed) {
		return s.query(out, "kpi_monthly", metrics, lo, hi, g)
	}
	before := ""
	if lo != "" {
		before = kpi.AddMonths(lo, -1)
	}
	if err := s.queryRunning(out, metrics, before, min(hi, sealed), g); err != nil {
		return err
	}
	if hi > sealed {
		return s.query(out, "kpi_monthly", metrics, kpi.AddMonths(sealed, 1), hi, g)
	}
	return nil
}

// programmeWide reports whether s sums every partner with no filter: the
// programme totals then hold its monthly sums.
func (s *Source) programmeWide() bool {
	return !s.none && s.scope == nil && !s.filtered() && s.filter.Partner == ""
}

// totals sums metrics over the months [lo, hi] ("" lo: from the beginning)
// from the programme totals, as one group (ByNone) or per month (byPeriod).
func (s *Source) totals(out Sums, metrics []string, lo, hi string, g Group) error {
	ms := make([]any, len(metrics))
	for i, m := range metrics {
		ms[i] = m
	}
	key := "('')"
	if g == byPeriod {
		key = "t.month"
	}
	q := s.app.DB().Select(key+" AS g", "t.metric AS m", "SUM(t.value) AS v").From("kpi_totals t").
		Where(dbx.In("t.metric", ms...)).
		AndWhere(dbx.NewExp("t.month <= {:hi}", dbx.Params{"hi": hi})).
		GroupBy("g", "m")
	if lo != "" {
		q.AndWhere(dbx.NewExp("t.month >= {:lo}", dbx.Params{"lo": lo}))
	}
	var rows []struct {
		G string  `db:"g"`
		M string  `db:"m"`
		V float64 `db:"v"`
	}
	if err := q.All(&rows); err != nil {
		return fmt.Errorf("dashboard: programme totals: %w", err)
	}
	for _, r := range rows {
		out.add(r.G, r.M, r.V)
	}
	return nil
}

// Sum adds up metrics over the days [from, to] (from zero: since the
// beginning), reading whole months from kpi_monthly and the days of partial
// months at either edge from kpi_daily. For a stock metric the sum up to a
// day is its level on that day.
func (s *Source) Sum(metrics []string, from, to time.Time, g Group) (Sums, error) {
	out := Sums{}
	to = Day(to)
	if !from.IsZero() {
		from = Day(from)
		if to.Before(from) {
			return out, nil
		}
	}
	days := func(a, b time.Time) error {
		return s.query(out, "kpi_daily", metrics, a.Format("2006-01-02"), b.Format("2006-01-02"), g)
	}
	// The months wholly inside [from, to].
	firstWhole := time.Time{}
	if !from.IsZero() {
		firstWhole = monthStart(from)
		if !from.Equal(firstWhole) {
			firstWhole = firstWhole.AddDate(0, 1, 0)
		}
	}
	lastWhole := monthStart(to)
	if !to.Equal(monthEnd(to)) {
		lastWhole = lastWhole.AddDate(0, -1, 0)
	}
	if !from.IsZero() && lastWhole.Before(firstWhole) {
		return out, days(from, to) // no whole month: all from kpi_daily
	}
	if !from.IsZero() && !from.Equal(firstWhole) {
		if err := days(from, firstWhole.AddDate(0, 0, -1)); err != nil {
			return nil, err
		}
	}
	lo := ""
	if !from.IsZero() {
		lo = firstWhole.Format("2006-01")
	}
	if err := s.months(out, metrics, lo, lastWhole.Format("2006-01"), g); err != nil {
		return nil, err
	}
	if tail := lastWhole.AddDate(0, 1, 0); !tail.After(to) {
		if err := days(tail, to); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Series sums metrics per chart bucket of p: per month for a monthly period
// (from the programme totals when s sees every partner unfiltered, else from
// kpi_monthly), per day from kpi_daily otherwise.
func (s *Source) Series(metrics []string, p Period) (Sums, error) {
	out := Sums{}
	if p.Monthly && s.programmeWide() {
		return out, s.totals(out, metrics, p.From.Format("2006-01"), p.To.Format("2006-01"), byPeriod)
	}
	if p.Monthly {
		return out, s.query(out, "kpi_monthly", metrics, p.From.Format("2006-01"), p.To.Format("2006-01"), byPeriod)
	}
	return out, s.query(out, "kpi_daily", metrics, p.From.Format("2006-01-02"), p.To.Format("2006-01-02"), byPeriod)
}

// MonthlySum sums metrics over the calendar months p touches, from
// kpi_monthly only: for figures that cannot be added up day by day, such
// as distinct active users.
func (s *Source) MonthlySum(metrics []string, p Period, g Group) (Sums, int, error) {
	out := Sums{}
	months := (p.To.Year()-p.From.Year())*12 + int(p.To.Month()-p.From.Month()) + 1
	return out, months, s.months(out, metrics, p.From.Format("2006-01"), p.To.Format("2006-01"), g)
}

// PartnersActiveIn returns the partners (in status active, in scope and
// filter) with a positive value of metric on some day in [from, to].
//
// It reads sets of rows rather than probing partner by partner, which costs
// more per partner: a month the window holds whole — or the current month,
// when the window runs to today — is settled by its kpi_monthly rows (one
// per partner; a month's row is positive exactly when one of its days is,
// for the flow and distinct metrics this is used for), the other days by
// their kpi_daily rows. Only when those other days are many (a 30-day window
// ending on the 31st) does it probe each partner's rows of the window
// through the (partner, day, metric) key index instead, which stops at the
// first hit.
func (s *Source) PartnersActiveIn(metric string, from, to time.Time) (map[string]bool, error) {
	from, to = Day(from), Day(to)
	today := Day(time.Now())
	var months []any
	var days [][2]time.Time
	partialDays := 0
	for m := monthStart(from); !m.After(to); m = m.AddDate(0, 1, 0) {
		lo, hi := m, monthEnd(m)
		if lo.Before(from) {
			lo = from
		}
		if hi.After(to) {
			hi = to
		}
		dataEnd := monthEnd(m) // the month's rows hold no day after today
		if dataEnd.After(today) {
			dataEnd = today
		}
		if lo.Equal(m) && !hi.Before(dataEnd) {
			months = append(months, m.Format("2006-01"))
			continue
		}
		days = append(days, [2]time.Time{lo, hi})
		partialDays += Days(lo, hi)
	}
	out := map[string]bool{}
	collect := func(q *dbx.SelectQuery) error {
		s.partnerWhere(q)
		var ids []string
		if err := q.Column(&ids); err != nil {
			return fmt.Errorf("dashboard: active partners: %w", err)
		}
		for _, id := range ids {
			out[id] = true
		}
		return nil
	}
	if partialDays > probeAfterDays {
		q := s.app.DB().Select("dp.id").From("partners dp").
			Where(dbx.HashExp{"dp.status": "active"}).
			AndWhere(dbx.NewExp(`EXISTS (SELECT 1 FROM kpi_daily k INDEXED BY idx_kpi_daily_key
				WHERE k.partner = dp.id AND k.day >= {:from} AND k.day <= {:to} AND k.metric = {:metric} AND k.value > 0)`,
				dbx.Params{"metric": metric, "from": from.Format("2006-01-02"), "to": to.Format("2006-01-02")}))
		return out, collect(q)
	}
	rowsOf := func(table string, where dbx.Expression) *dbx.SelectQuery {
		return s.app.DB().Select("k.partner").From(table+" k").
			InnerJoin("partners dp", dbx.NewExp("dp.id = k.partner")).
			Where(dbx.HashExp{"k.metric": metric, "dp.status": "active"}).
			AndWhere(dbx.NewExp("k.value > 0")).AndWhere(where)
	}
	if len(months) > 0 {
		if err := collect(rowsOf("kpi_monthly", dbx.In("k.month", months...))); err != nil {
			return nil, err
		}
	}
	for _, d := range days {
		q := rowsOf("kpi_daily", dbx.NewExp("k.day >= {:from} AND k.day <= {:to}",
			dbx.Params{"from": d[0].Format("2006-01-02"), "to": d[1].Format("2006-01-02")}))
		if err := collect(q); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// probeAfterDays is the number of days outside whole months above which
// PartnersActiveIn probes partner by partner rather than reading the days'
// rows.
const probeAfterDays = 10

// PartnerInfo is a partner in scope, with what the dashboards show of it.
type PartnerInfo struct {
	ID, Name, Slug, Tier, TierName, Region, Status string
	TierRank                                       int
}

// Partners lists the partners in scope and filter, by name.
func (s *Source) Partners() ([]PartnerInfo, error) {
	q := s.app.DB().Select("dp.id AS id", "dp.name AS name", "dp.slug AS slug", "COALESCE(dp.tier, '') AS tier",
		"COALESCE(dt.name, '') AS tier_name", "COALESCE(dt.rank, 0) AS tier_rank",
		"COALESCE(dp.region, '') AS region", "dp.status AS status").
		From("partners dp").
		LeftJoin("tiers dt", dbx.NewExp("dt.id = dp.tier")).
		OrderBy("dp.name ASC", "dp.id ASC")
	s.partnerWhere(q)
	var rows []struct {
		ID       string `db:"id"`
		Name     string `db:"name"`
		Slug     string `db:"slug"`
		Tier     string `db:"tier"`
		TierName string `db:"tier_name"`
		TierRank int    `db:"tier_rank"`
		Region   string `db:"region"`
		Status   string `db:"status"`
	}
	if err := q.All(&rows); err != nil {
		return nil, fmt.Errorf("dashboard: partners: %w", err)
	}
	out := make([]PartnerInfo, len(rows))
	for i, r := range rows {
		out[i] = PartnerInfo{ID: r.ID, Name: r.Name, Slug: r.Slug, Tier: r.Tier, TierName: r.TierName,
			TierRank: r.TierRank, Region: r.Region, Status: r.Status}
	}
	return out, nil
}

// stageMetric is the pipeline metric of an open stage.
func stageMetric(stage string) string { return "pipeline." + strings.ToLower(stage) }
