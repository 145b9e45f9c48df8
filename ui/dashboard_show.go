package ui

import (
	"errors"
	"math"
	"net/http"
	"strconv"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/branding"
	"github.com/ponte-portal/ponte/internal/charts"
	"github.com/ponte-portal/ponte/internal/dashboard"
	"github.com/ponte-portal/ponte/internal/i18n"
	"github.com/ponte-portal/ponte/internal/roles"
)

// dashboardShow is /dashboard: the staff dashboard for admins and managers
// (a manager's limited to their partners by the kpi rules), the partner
// dashboard for a partner's people. The scope comes from the signed-in user
// only, never from the query.
func (u *portal) dashboardShow(e *core.RequestEvent) error {
	_, p, err := u.dashboardBuild(e)
	if errors.Is(err, errBadFilters) {
		return u.renderBadFilters(e, p)
	} else if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "dashboard_show", p)
}

// dashboardBuild computes the viewer's dashboard and its page.
func (u *portal) dashboardBuild(e *core.RequestEvent) (*dashboardData, *Page, error) {
	c := getCtx(e)
	info := access.Info(c.User, http.MethodGet, nil)
	role := roles.Of(c.User)
	staff := roles.IsStaff(role)
	if !staff && (!roles.IsPartnerRole(role) || c.User.GetString("partner") == "") {
		return nil, nil, e.NotFoundError("", errors.New("no dashboard for this user"))
	}
	d := &dashboardData{Kind: "partner", Action: "/dashboard"}
	p := &Page{Title: u.t(e, "dashboards.title"), Data: d}
	if staff {
		d.Kind = "staff"
	}
	per, f, err := u.dashFilters(e, info, staff, d, p)
	if err != nil {
		return d, p, err
	}
	fm := u.dashFormat(e)
	q := dashQuery(p.Values)
	d.Period, d.Prev, d.Monthly = fm.periodText(per), fm.periodText(per.Previous()), per.Monthly
	if !staff {
		f.Partner = c.User.GetString("partner")
		src, err := dashboard.NewSource(e.App, info, f)
		if err != nil {
			return nil, nil, err
		}
		pd, err := dashboard.PartnerDashboard(e.App, src, per)
		if errors.Is(err, access.ErrNotFound) {
			return nil, nil, e.NotFoundError("", err)
		} else if err != nil {
			return nil, nil, err
		}
		// The way to the next tier, as the tier evaluation judges it.
		if d.Standing, err = u.tierStandingOf(e, info); err != nil {
			return nil, nil, err
		}
		return d, p, u.partnerDashboardView(fm, d, pd, q)
	}
	src, err := dashboard.NewSource(e.App, info, f)
	if err != nil {
		return nil, nil, err
	}
	sd, err := dashboard.StaffDashboard(e.App, src, per, now())
	if err != nil {
		return nil, nil, err
	}
	return d, p, u.staffDashboardView(fm, d, sd, q)
}

// dashFormat formats for the request's locale and the portal's base
// currency.
func (u *portal) dashFormat(e *core.RequestEvent) dashFormat {
	c := getCtx(e)
	if c.Brand.Name == "" {
		c.Brand = branding.Load(e.App)
	}
	return dashFormat{loc: u.locale(e), cur: c.Brand.Currency}
}

// exportURL links the CSV of one dashboard table with the same filters.
func exportURL(table, q string) string { return "/dashboard/export/" + table + ".csv" + q }

// staffDashboardView turns the staff figures into tiles, charts and tables.
func (u *portal) staffDashboardView(f dashFormat, d *dashboardData, sd *dashboard.Staff, q string) error {
	loc := f.loc
	d.Tiles = f.tileViews(sd.Tiles)
	kpis := f.tilesTable(sd.Tiles, false)
	kpis.CSV = exportURL("kpis", q)
	trend, err := f.trendBlock(sd.Trend, sd.Period.Monthly, exportURL("trend", q))
	if err != nil {
		return err
	}
	d.Charts = append(d.Charts, trend)
	for _, g := range []struct {
		name, key string
		vals      []dashboard.GroupValue
	}{{"tiers", "dashboards.col.tier", sd.ByTier}, {"regions", "dashboards.col.region", sd.ByRegion}} {
		t := &dashTable{Name: g.name, Caption: i18n.T(loc, "dashboards.chart."+g.name), CSV: exportURL(g.name, q),
			Head: []string{i18n.T(loc, g.key), i18n.T(loc, "dashboards.kpi.revenue")}}
		var x []string
		var vals []float64
		for _, v := range g.vals {
			label := v.Label
			if g.name == "regions" {
				label = i18n.T(loc, "region."+v.Key)
			}
			if v.Key == "" {
				label = i18n.T(loc, "dashboards.none")
			}
			x, vals = append(x, label), append(vals, v.Value)
			t.Rows = append(t.Rows, dashRow{Cells: []string{label, f.money(v.Value)}, Raw: []string{label, rawRound(v.Value)}})
		}
		c, err := charts.Bar("chart-"+g.name, t.Caption, charts.Money, x, charts.Series{Name: t.Head[1], Values: vals})
		if err != nil {
			return err
		}
		d.Charts = append(d.Charts, chartBlock{Chart: c, Table: t, Currency: f.cur})
	}
	funnel, err := f.stagesBlock("funnel", sd.Funnel, exportURL("funnel", q))
	if err != nil {
		return err
	}
	d.Charts = append(d.Charts, funnel)

	a := sd.Adoption
	at := &dashTable{Name: "adoption", Caption: i18n.T(loc, "dashboards.chart.adoption"), CSV: exportURL("adoption", q),
		Head: []string{i18n.T(loc, "dashboards.col.adopted"), i18n.T(loc, "dashboards.col.active_partners"), i18n.T(loc, "dashboards.kpi.adoption")}}
	rate, rawRate := "—", ""
	if a.HasRate {
		rate, rawRate = f.pct(a.Rate), strconvRatio(a.Rate)
	}
	at.Rows = []dashRow{{Cells: []string{f.count(float64(a.Adopted)), f.count(float64(a.Active)), rate},
		Raw: []string{raw(float64(a.Adopted)), raw(float64(a.Active)), rawRate}}}
	gauge, err := charts.Gauge("chart-adoption", at.Caption, i18n.T(loc, "dashboards.kpi.adoption"), round1(a.Rate*100))
	if err != nil {
		return err
	}
	d.Charts = append(d.Charts, chartBlock{Chart: gauge, Table: at})

	d.Tables = append(d.Tables,
		f.partnerTable("top", "dashboards.table.top", sd.Top, exportURL("top", q)),
		f.partnerTable("bottom", "dashboards.table.bottom", sd.Bottom, exportURL("bottom", q)),
		f.engagementTable("engagement", limitRows(sd.Leaders, dashboard.TopN), exportURL("engagement", q)),
		kpis)
	return nil
}

func limitRows(rows []dashboard.PartnerRow, n int) []dashboard.PartnerRow {
	if len(rows) > n {
		return rows[:n]
	}
	return rows
}

func round1(v float64) float64 { return math.Round(v*10) / 10 }

func strconvRatio(v float64) string { return strconv.FormatFloat(v, 'f', 4, 64) }

// partnerTable lists partners with their won revenue and pipeline, each
// linked to its scorecard.
func (f dashFormat) partnerTable(name, caption string, rows []dashboard.PartnerRow, csv string) *dashTable {
	t := &dashTable{Name: name, Caption: i18n.T(f.loc, caption), CSV: csv,
		Head: []string{i18n.T(f.loc, "dashboards.col.partner"), i18n.T(f.loc, "dashboards.col.tier"),
			i18n.T(f.loc, "dashboards.kpi.revenue"), i18n.T(f.loc, "dashboards.kpi.pipeline")}}
	for _, r := range rows {
		t.Rows = append(t.Rows, dashRow{Link: "/partners/" + r.Slug + "/scorecard",
			Cells: []string{r.Name, r.TierName, f.money(r.Revenue), f.money(r.Pipeline)},
			Raw:   []string{r.Name, r.TierName, rawRound(r.Revenue), rawRound(r.Pipeline)}})
	}
	return t
}

// engagementTable is the engagement leaderboard.
func (f dashFormat) engagementTable(name string, rows []dashboard.PartnerRow, csv string) *dashTable {
	t := &dashTable{Name: name, Caption: i18n.T(f.loc, "dashboards.table.engagement"), CSV: csv,
		Head: []string{i18n.T(f.loc, "dashboards.col.partner"), i18n.T(f.loc, "dashboards.col.tier"),
			i18n.T(f.loc, "dashboards.col.score")}}
	for _, r := range rows {
		t.Rows = append(t.Rows, dashRow{Link: "/partners/" + r.Slug + "/scorecard",
			Cells: []string{r.Name, r.TierName, f.count(float64(r.Engagement.Score))},
			Raw:   []string{r.Name, r.TierName, raw(float64(r.Engagement.Score))}})
	}
	return t
}

// partnerDashboardView turns a partner's figures into tiles, charts, tables
// and the next-tier progress.
func (u *portal) partnerDashboardView(f dashFormat, d *dashboardData, pd *dashboard.Partner, q string) error {
	loc := f.loc
	info := pd.Info
	d.Partner = &info
	d.Tiles = f.tileViews(pd.Tiles)
	trend, err := f.trendBlock(pd.Trend, pd.Period.Monthly, exportURL("trend", q))
	if err != nil {
		return err
	}
	stages, err := f.stagesBlock("stages", pd.Stages, exportURL("stages", q))
	if err != nil {
		return err
	}
	d.Charts = append(d.Charts, trend, stages)
	kpis := f.tilesTable(pd.Tiles, false)
	kpis.CSV = exportURL("kpis", q)

	pt := &dashTable{Name: "progress", Caption: i18n.T(loc, "dashboards.table.progress"), CSV: exportURL("progress", q),
		Head: []string{i18n.T(loc, "dashboards.col.requirement"), i18n.T(loc, "dashboards.col.current"),
			i18n.T(loc, "dashboards.col.required"), i18n.T(loc, "dashboards.col.missing")}}
	if st := d.Standing; st != nil {
		for _, it := range st.Toward {
			cells := []string{i18n.T(loc, "tiering.rule."+it.Rule), f.count(it.Value), f.count(it.Threshold), f.count(it.Missing)}
			raws := []string{it.Rule, raw(it.Value), raw(it.Threshold), raw(it.Missing)}
			if it.Money {
				cells[1], cells[2], cells[3] = f.money(it.Value), f.money(it.Threshold), f.money(it.Missing)
				raws[1], raws[2], raws[3] = rawRound(it.Value), rawRound(it.Threshold), rawRound(it.Missing)
			}
			pt.Rows = append(pt.Rows, dashRow{Cells: cells, Raw: raws})
		}
	}
	d.Tables = append(d.Tables, pt, kpis)
	return nil
}
