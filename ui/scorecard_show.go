package ui

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/charts"
	"github.com/ponte-portal/ponte/internal/dashboard"
	"github.com/ponte-portal/ponte/internal/i18n"
	"github.com/ponte-portal/ponte/internal/roles"
)

// scorecardShow is /partners/{slug}/scorecard: one partner's KPIs against
// the previous period and its tier's median, its engagement score with the
// formula, and its last twelve months. Staff who may see the partner and the
// partner's own admin open it; anyone else gets a 404.
func (u *portal) scorecardShow(e *core.RequestEvent) error {
	_, p, err := u.scorecardBuild(e)
	if errors.Is(err, errBadFilters) {
		return u.renderBadFilters(e, p)
	} else if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "dashboard_show", p)
}

// scorecardPartner finds the partner of a scorecard URL, if the viewer may
// open its scorecard: the partners View rule decides who sees the partner;
// of a partner's own people only its admins have a scorecard.
func scorecardPartner(e *core.RequestEvent, info *core.RequestInfo) (*core.Record, error) {
	role := roles.Of(info.Auth)
	if !roles.IsStaff(role) && role != roles.PartnerAdmin {
		return nil, e.NotFoundError("", errors.New("no scorecard for this role"))
	}
	rec, err := access.FindVisibleBy(e.App, info, "partners", "slug", e.Request.PathValue("slug"))
	if errors.Is(err, access.ErrNotFound) {
		return nil, e.NotFoundError("", err)
	}
	return rec, err
}

// scorecardBuild computes a scorecard and its page.
func (u *portal) scorecardBuild(e *core.RequestEvent) (*dashboardData, *Page, error) {
	c := getCtx(e)
	info := access.Info(c.User, http.MethodGet, nil)
	rec, err := scorecardPartner(e, info)
	if err != nil {
		return nil, nil, err
	}
	base := "/partners/" + rec.GetString("slug") + "/scorecard"
	d := &dashboardData{Kind: "scorecard", Action: base}
	p := &Page{Title: u.t(e, "dashboards.scorecard.title", rec.GetString("name")), Data: d}
	per, f, err := u.dashFilters(e, info, false, d, p)
	if err != nil {
		return d, p, err
	}
	f.Partner = rec.Id
	src, err := dashboard.NewSource(e.App, info, f)
	if err != nil {
		return nil, nil, err
	}
	sc, err := dashboard.PartnerScorecard(e.App, src, per)
	if err != nil {
		return nil, nil, err
	}
	fm := u.dashFormat(e)
	loc := fm.loc
	q := dashQuery(p.Values)
	csv := func(t string) string { return base + "/export/" + t + ".csv" + q }
	d.Period, d.Prev, d.Monthly = fm.periodText(per), fm.periodText(per.Previous()), per.Monthly
	info2 := sc.Info
	d.Partner = &info2
	d.Peers, d.HasMedians, d.MinPeers = sc.Peers, sc.HasMedians, dashboard.BenchmarkMinPartners
	d.Tiles = fm.tileViews(sc.Tiles)
	e2 := sc.Engagement
	d.Engagement = &e2

	// The formula, with what this partner earned.
	et := &dashTable{Name: "engagement", Caption: i18n.T(loc, "dashboards.table.formula"), CSV: csv("engagement"),
		Head: []string{i18n.T(loc, "dashboards.col.component"), i18n.T(loc, "dashboards.col.figure_value"),
			i18n.T(loc, "dashboards.col.target"), i18n.T(loc, "dashboards.col.earned")}}
	et.RawHead = append(append([]string(nil), et.Head...), i18n.T(loc, "dashboards.col.possible"))
	for _, comp := range dashboard.Components {
		label := i18n.T(loc, "dashboards.engagement."+comp.Key)
		et.Rows = append(et.Rows, dashRow{
			Cells: []string{label, fm.dec(e2.Figures[comp.Key]), fm.count(comp.Target),
				i18n.T(loc, "dashboards.points", fm.dec(e2.Earned[comp.Key]), fm.count(comp.Points))},
			Raw: []string{comp.Key, raw(e2.Figures[comp.Key]), raw(comp.Target), raw(e2.Earned[comp.Key]), raw(comp.Points)}})
	}
	et.Rows = append(et.Rows, dashRow{Cells: []string{i18n.T(loc, "dashboards.kpi.engagement"), "", "", i18n.T(loc, "dashboards.points", fm.count(float64(e2.Score)), "100")},
		Raw: []string{"score", "", "", raw(float64(e2.Score)), "100"}})

	// The last twelve months.
	tt := &dashTable{Name: "trend", Caption: i18n.T(loc, "dashboards.chart.score_trend"), CSV: csv("trend"),
		Head: []string{i18n.T(loc, "dashboards.col.period"), i18n.T(loc, "dashboards.kpi.revenue"),
			i18n.T(loc, "dashboards.kpi.pipeline"), i18n.T(loc, "dashboards.kpi.engagement")}}
	var x []string
	var rev, pipe, score []float64
	for _, pt := range sc.Trend {
		label := fm.month(pt.Bucket.Start)
		x = append(x, label)
		rev, pipe, score = append(rev, pt.Revenue), append(pipe, pt.Pipeline), append(score, float64(pt.Score))
		tt.Rows = append(tt.Rows, dashRow{Cells: []string{label, fm.money(pt.Revenue), fm.money(pt.Pipeline), fm.count(float64(pt.Score))},
			Raw: []string{pt.Bucket.Key, rawRound(pt.Revenue), rawRound(pt.Pipeline), raw(float64(pt.Score))}})
	}
	money, err := charts.Line("chart-score-money", i18n.T(loc, "dashboards.chart.trend"), charts.Money, x,
		charts.Series{Name: tt.Head[1], Values: rev}, charts.Series{Name: tt.Head[2], Values: pipe})
	if err != nil {
		return nil, nil, err
	}
	scoreChart, err := charts.Line("chart-score", i18n.T(loc, "dashboards.chart.score"), charts.Count, x,
		charts.Series{Name: tt.Head[3], Values: score})
	if err != nil {
		return nil, nil, err
	}
	// One table (under the second chart) holds both charts' numbers.
	d.Charts = append(d.Charts, chartBlock{Chart: money, Currency: fm.cur, Wide: true},
		chartBlock{Chart: scoreChart, Table: tt, Currency: fm.cur, Wide: true})
	kpis := fm.tilesTable(sc.Tiles, sc.HasMedians)
	kpis.CSV = csv("kpis")
	d.Tables = append(d.Tables, kpis, et)
	return d, p, nil
}
