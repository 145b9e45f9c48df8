package ui

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/charts"
	"github.com/ponte-portal/ponte/internal/dashboard"
	"github.com/ponte-portal/ponte/internal/i18n"
	"github.com/ponte-portal/ponte/internal/roles"
)

// dashRegions are the partner regions a dashboard filters by (the partners
// collection's select values).
var dashRegions = []string{"latam", "north_america", "europe", "apac", "mea"}

// dashboardData is the data of the dashboards and the scorecard.
type dashboardData struct {
	Kind    string // "staff", "partner" or "scorecard"
	Action  string // the filter form's URL
	Invalid bool   // the filters were refused: no figures
	// Filter choices; ShowManager and ShowGroups say which selects appear.
	Tiers, Regions, Managers []Option
	ShowManager, ShowGroups  bool
	Period, Prev             string // the periods in words
	Monthly                  bool
	Tiles                    []tileView
	Charts                   []chartBlock
	Tables                   []*dashTable // tables without a chart
	Partner                  *dashboard.PartnerInfo
	Standing                 *tierStanding // partner dashboard: the way to the next tier
	Engagement               *dashboard.Engagement
	Components               []componentView
	Peers                    int
	HasMedians               bool
	MinPeers                 int
}

// tileView is a key figure as shown: formatted value, previous value and
// change.
type tileView struct {
	Key, Label, Value, Prev, Change, Trend, Median string
}

// dashTable is a table of figures: what the page shows (Cells) and what the
// CSV export writes (Raw: plain numbers with a dot, ISO dates).
type dashTable struct {
	Name, Caption string
	Head          []string
	RawHead       []string // the CSV's header when it differs from Head
	Rows          []dashRow
	CSV           string
}

// dashRow is one row of a dashTable; Link, when set, links the first cell.
type dashRow struct {
	Cells, Raw []string
	Link       string
}

// cellParts splits a cell at its first digit, so a phone may wrap an amount
// after its currency symbol ("R$" | "43,000.00") rather than overflow.
type cellParts struct{ Pre, Post string }

// Parts returns the row's cells split for wrapping.
func (r dashRow) Parts() []cellParts {
	out := make([]cellParts, len(r.Cells))
	for i, c := range r.Cells {
		if j := strings.IndexAny(c, "0123456789"); j > 0 {
			out[i] = cellParts{Pre: c[:j], Post: c[j:]}
		} else {
			out[i] = cellParts{Pre: c}
		}
	}
	return out
}

// chartBlock is a chart with the table of the same numbers under it.
type chartBlock struct {
	Chart    charts.Chart
	Table    *dashTable
	Currency string
	Wide     bool
}

// componentView is one row of the engagement formula.
type componentView struct {
	Label, Figure, Target, Earned, Points string
}

// dashFormat formats dashboard figures for one locale and currency.
type dashFormat struct{ loc, cur string }

func (f dashFormat) money(v float64) string { return i18n.Money(f.loc, v, f.cur) }
func (f dashFormat) count(v float64) string { return i18n.Number(f.loc, v, 0) }
func (f dashFormat) dec(v float64) string   { return i18n.Number(f.loc, v, 1) }
func (f dashFormat) pct(v float64) string {
	if f.loc == i18n.PTBR {
		return i18n.Number(f.loc, v*100, 1) + "\u00a0%"
	}
	return i18n.Number(f.loc, v*100, 1) + "%"
}

// value formats a figure of a tile kind.
func (f dashFormat) value(kind string, v float64) string {
	switch kind {
	case dashboard.KindMoney:
		return f.money(v)
	case dashboard.KindPercent:
		return f.pct(v)
	case dashboard.KindDecimal, dashboard.KindScore:
		return f.dec(v)
	}
	return f.count(v)
}

// month labels a month for a chart axis: "jan/26", "Jan ’26".
func (f dashFormat) month(t time.Time) string {
	return i18n.T(f.loc, "dashboards.month_label", i18n.T(f.loc, "dashboards.month."+strconv.Itoa(int(t.Month()))), t.Format("06"))
}

// bucket labels a chart point: a month, or a day ("05/01", "Jan 5").
func (f dashFormat) bucket(b dashboard.Bucket, monthly bool) string {
	if monthly {
		return f.month(b.Start)
	}
	if f.loc == i18n.PTBR {
		return b.Start.Format("02/01")
	}
	return i18n.T(f.loc, "dashboards.month."+strconv.Itoa(int(b.Start.Month()))) + " " + strconv.Itoa(b.Start.Day())
}

// periodText says a period in words.
func (f dashFormat) periodText(p dashboard.Period) string {
	if p.Monthly {
		return f.month(p.From) + " – " + f.month(p.To)
	}
	return i18n.Date(f.loc, p.From) + " – " + i18n.Date(f.loc, p.To)
}

// raw writes a number for a CSV cell: a dot for decimals, no grouping.
func raw(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// rawRound writes a number rounded to cents.
func rawRound(v float64) string { return strconv.FormatFloat(v, 'f', 2, 64) }

// tileViews formats tiles; with medians, the tier median too.
func (f dashFormat) tileViews(tiles []dashboard.Tile) []tileView {
	out := make([]tileView, 0, len(tiles))
	for _, t := range tiles {
		v := tileView{Key: t.Key, Label: i18n.T(f.loc, "dashboards.kpi."+t.Key), Value: "—", Prev: "—", Change: "—"}
		if !t.NoValue {
			v.Value = f.value(t.Kind, t.Value)
		}
		if !t.NoPrev && !t.PrevNoValue {
			v.Prev = f.value(t.Kind, t.Prev)
		}
		if c, ok := t.Change(); ok {
			sign := ""
			switch {
			case c > 0:
				sign, v.Trend = "+", "up"
			case c < 0:
				v.Trend = "down"
			}
			v.Change = sign + f.pct(c)
			switch t.Kind {
			case dashboard.KindPercent:
				v.Change = i18n.T(f.loc, "dashboards.points_change", sign+i18n.Number(f.loc, c*100, 1))
			case dashboard.KindScore:
				v.Change = i18n.T(f.loc, "dashboards.points_change", sign+i18n.Number(f.loc, c, 1))
			}
		}
		if t.HasMedian {
			v.Median = f.value(t.Kind, t.Median)
		}
		out = append(out, v)
	}
	return out
}

// tilesTable is the tiles as a table (with the median column when shown).
func (f dashFormat) tilesTable(tiles []dashboard.Tile, medians bool) *dashTable {
	views := f.tileViews(tiles)
	t := &dashTable{Name: "kpis", Caption: i18n.T(f.loc, "dashboards.table.kpis"),
		Head: []string{i18n.T(f.loc, "dashboards.col.figure"), i18n.T(f.loc, "dashboards.col.value"),
			i18n.T(f.loc, "dashboards.col.previous"), i18n.T(f.loc, "dashboards.col.change")}}
	if medians {
		t.Head = append(t.Head, i18n.T(f.loc, "dashboards.col.median"))
	}
	for i, tl := range tiles {
		v := views[i]
		r := dashRow{Cells: []string{v.Label, v.Value, v.Prev, v.Change}}
		val, prev, change := raw(tl.Value), raw(tl.Prev), ""
		if tl.NoValue {
			val = ""
		}
		if tl.NoPrev || tl.PrevNoValue {
			prev = ""
		}
		if c, ok := tl.Change(); ok {
			change = strconv.FormatFloat(c, 'f', 4, 64)
		}
		r.Raw = []string{tl.Key, val, prev, change}
		if medians {
			r.Cells = append(r.Cells, v.Median)
			r.Raw = append(r.Raw, raw(tl.Median))
		}
		t.Rows = append(t.Rows, r)
	}
	return t
}

// dashQuery keeps a request's filters for links (CSV exports).
func dashQuery(values map[string]string) string {
	q := url.Values{}
	for _, k := range []string{"from", "to", "tier", "region", "manager"} {
		if v := values[k]; v != "" {
			q.Set(k, v)
		}
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// errBadFilters means the dashboard's filters were refused (the page
// shows why, beside each field).
var errBadFilters = errors.New("dashboard: bad filters")

// dashFilters reads and checks a dashboard's filters: the range (default
// the last twelve months), and for staff the tier, the region and, for
// admins, the manager. Unknown values are refused, never ignored, and reach
// SQL only as bound parameters.
func (u *portal) dashFilters(e *core.RequestEvent, info *core.RequestInfo, groups bool, d *dashboardData, p *Page) (dashboard.Period, dashboard.Filter, error) {
	loc := u.locale(e)
	q := e.Request.URL.Query()
	p.Values, p.Errors = map[string]string{}, map[string]string{}
	for _, k := range []string{"from", "to", "tier", "region", "manager"} {
		p.Values[k] = strings.TrimSpace(q.Get(k))
	}
	var f dashboard.Filter
	today := now()
	per := dashboard.DefaultPeriod(today)
	from, to := per.From, dashboard.Day(today)
	if v := p.Values["from"]; v != "" {
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			p.Errors["from"] = tr(loc, "dashboards.error.date")
		}
		from = t
	}
	if v := p.Values["to"]; v != "" {
		t, err := time.Parse("2006-01-02", v)
		if err != nil {
			p.Errors["to"] = tr(loc, "dashboards.error.date")
		}
		to = t
	}
	if len(p.Errors) == 0 && (p.Values["from"] != "" || p.Values["to"] != "") {
		var err error
		per, err = dashboard.NewPeriod(from, to)
		switch {
		case errors.Is(err, dashboard.ErrReversed):
			p.Errors["to"] = tr(loc, "dashboards.error.reversed")
		case errors.Is(err, dashboard.ErrTooLong):
			p.Errors["from"] = tr(loc, "dashboards.error.too_long", dashboard.MaxRangeYears)
		}
	}
	if p.Values["from"] == "" {
		p.Values["from"] = per.From.Format("2006-01-02")
	}
	if p.Values["to"] == "" {
		p.Values["to"] = to.Format("2006-01-02")
	}
	isAdmin := roles.Of(info.Auth) == roles.Admin
	if groups {
		if err := u.dashOptions(e, info, d, isAdmin); err != nil {
			return per, f, err
		}
		if v := p.Values["tier"]; v != "" {
			if !hasOption(d.Tiers, v) {
				p.Errors["tier"] = tr(loc, "dashboards.error.tier")
			}
			f.Tier = v
		}
		if v := p.Values["region"]; v != "" {
			if !hasOption(d.Regions, v) {
				p.Errors["region"] = tr(loc, "dashboards.error.region")
			}
			f.Region = v
		}
		if v := p.Values["manager"]; v != "" {
			if !isAdmin || !hasOption(d.Managers, v) {
				p.Errors["manager"] = tr(loc, "dashboards.error.manager")
			}
			f.Manager = v
		}
	} else {
		for _, k := range []string{"tier", "region", "manager"} {
			if p.Values[k] != "" {
				p.Errors[k] = tr(loc, "dashboards.error.filter")
			}
		}
	}
	if len(p.Errors) > 0 {
		d.Invalid = true
		p.FormErr = tr(loc, "dashboards.error.filters")
		return per, f, errBadFilters
	}
	return per, f, nil
}

func hasOption(opts []Option, v string) bool {
	for _, o := range opts {
		if o.Value == v {
			return true
		}
	}
	return false
}

// dashOptions fills the tier, region and (for admins) manager choices with
// what the viewer may see.
func (u *portal) dashOptions(e *core.RequestEvent, info *core.RequestInfo, d *dashboardData, isAdmin bool) error {
	loc := u.locale(e)
	d.ShowGroups = true
	tiers, err := access.ListVisible(e.App, info, "tiers", access.ListOptions{Sort: []string{"-rank", "name"}, PerPage: 100})
	if err != nil {
		return err
	}
	for _, t := range tiers.Items {
		d.Tiers = append(d.Tiers, Option{Value: t.Id, Label: t.GetString("name")})
	}
	for _, r := range dashRegions {
		d.Regions = append(d.Regions, Option{Value: r, Label: tr(loc, "region."+r)})
	}
	if isAdmin {
		d.ShowManager = true
		managers, err := access.ListVisible(e.App, info, "users", access.ListOptions{
			Where: []dbx.Expression{dbx.HashExp{"users.role": roles.Manager}}, Sort: []string{"name"}, PerPage: 200})
		if err != nil {
			return err
		}
		for _, m := range managers.Items {
			d.Managers = append(d.Managers, Option{Value: m.Id, Label: m.GetString("name")})
		}
	}
	return nil
}

// renderBadFilters shows the dashboard with the refused filters and why.
func (u *portal) renderBadFilters(e *core.RequestEvent, p *Page) error {
	return u.render(e, http.StatusBadRequest, "dashboard_show", p)
}

// trendBlock is the revenue and pipeline line chart with its table.
func (f dashFormat) trendBlock(trend []dashboard.TrendPoint, monthly bool, csv string) (chartBlock, error) {
	t := &dashTable{Name: "trend", Caption: i18n.T(f.loc, "dashboards.chart.trend"), CSV: csv,
		Head: []string{i18n.T(f.loc, "dashboards.col.period"), i18n.T(f.loc, "dashboards.kpi.revenue"),
			i18n.T(f.loc, "dashboards.kpi.pipeline"), i18n.T(f.loc, "dashboards.kpi.weighted")}}
	var x []string
	var rev, pipe, w []float64
	for _, p := range trend {
		label := f.bucket(p.Bucket, monthly)
		x = append(x, label)
		rev, pipe, w = append(rev, p.Revenue), append(pipe, p.Pipeline), append(w, p.Weighted)
		key := p.Bucket.Key
		t.Rows = append(t.Rows, dashRow{Cells: []string{label, f.money(p.Revenue), f.money(p.Pipeline), f.money(p.Weighted)},
			Raw: []string{key, rawRound(p.Revenue), rawRound(p.Pipeline), rawRound(p.Weighted)}})
	}
	c, err := charts.Line("chart-trend", t.Caption, charts.Money, x,
		charts.Series{Name: t.Head[1], Values: rev}, charts.Series{Name: t.Head[2], Values: pipe},
		charts.Series{Name: t.Head[3], Values: w})
	return chartBlock{Chart: c, Table: t, Currency: f.cur, Wide: true}, err
}

// stagesBlock is the pipeline by open stage as a funnel with its table.
func (f dashFormat) stagesBlock(name string, stages []dashboard.GroupValue, csv string) (chartBlock, error) {
	t := &dashTable{Name: name, Caption: i18n.T(f.loc, "dashboards.chart.funnel"), CSV: csv,
		Head: []string{i18n.T(f.loc, "dashboards.col.stage"), i18n.T(f.loc, "dashboards.kpi.pipeline")}}
	var names []string
	var vals []float64
	for _, s := range stages {
		label := i18n.T(f.loc, "dashboards.stage."+s.Key)
		names, vals = append(names, label), append(vals, s.Value)
		t.Rows = append(t.Rows, dashRow{Cells: []string{label, f.money(s.Value)}, Raw: []string{s.Key, rawRound(s.Value)}})
	}
	c, err := charts.Funnel("chart-"+name, t.Caption, charts.Money, names, vals)
	return chartBlock{Chart: c, Table: t, Currency: f.cur}, err
}
