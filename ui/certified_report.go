package ui

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/csvexport"
)

// certifiedPartnersPerPage is the report's page of partners.
const certifiedPartnersPerPage = 50

// CertifiedRow is one line of the certified people report: a certification
// or a partner with its numbers of valid, expiring (valid, ending within 30
// days) and expired certificates.
type CertifiedRow struct {
	ID, Name                 string
	Valid, Expiring, Expired int
	// Link drills down to the people (the filtered certificates list).
	Link string
}

// certifiedReportData is the report page's data.
type certifiedReportData struct {
	Certifications []*CertifiedRow
	Partners       []*CertifiedRow
	Options        []Option
	Selected       string // certification filter, "" for all
	Pager          Pager
	ExportURL      string
}

// certifiedCounts counts the viewer's visible certificates per value of
// group in each state, with one grouped query per state on the indexed
// certificates collection.
func certifiedCounts(app core.App, info *core.RequestInfo, group string, where ...dbx.Expression) (map[string]*CertifiedRow, error) {
	at := now()
	out := map[string]*CertifiedRow{}
	row := func(k string) *CertifiedRow {
		if out[k] == nil {
			out[k] = &CertifiedRow{ID: k}
		}
		return out[k]
	}
	for _, s := range []struct {
		expr dbx.Expression
		set  func(r *CertifiedRow, n int)
	}{
		{certificateStateExpr("valid", at), func(r *CertifiedRow, n int) { r.Valid = n }},
		{certificateExpiringExpr(at), func(r *CertifiedRow, n int) { r.Expiring = n }},
		{certificateStateExpr("expired", at), func(r *CertifiedRow, n int) { r.Expired = n }},
	} {
		groups, err := access.CountVisibleBy(app, info, "certificates", group, "", 0, append(where, s.expr)...)
		if err != nil {
			return nil, err
		}
		for _, g := range groups {
			s.set(row(g.Key), g.Rows)
		}
	}
	return out, nil
}

// certDrillLink is the certificates list filtered to one certification and/or
// partner, valid ones first.
func certDrillLink(certification, partner string) string {
	return listURL("/certificates", map[string]string{"certification": certification, "partner": partner, "status": "valid"}, 1)
}

// certifiedReport shows staff how many people hold a valid certificate,
// one expiring within 30 days or an expired one: per certification, and per
// partner (for one certification or all), each number linking to the
// people. Managers see their partners only (the certificates rule).
func (u *portal) certifiedReport(e *core.RequestEvent) error {
	user := getCtx(e).User
	loc := u.locale(e)
	info := access.Info(user, http.MethodGet, nil)
	q := e.Request.URL.Query()
	errs := map[string]string{}
	_, page := listQuery(loc, q, errs)
	d := &certifiedReportData{Selected: q.Get("certification")}
	var err error
	if d.Options, err = certificationOptions(e.App, info); err != nil {
		return err
	}
	filters := map[string]string{"certification": d.Selected}
	p := &Page{Title: u.t(e, "certificates.report.title"), Data: d, Errors: errs, Values: filters}
	if d.Selected != "" && !certHasOption(d.Options, d.Selected) {
		errs["certification"] = tr(loc, "validation.invalid_value")
	}
	if len(errs) > 0 {
		return u.render(e, http.StatusBadRequest, "certified_report", p)
	}
	d.ExportURL = listURL("/certifications/report.csv", filters, 1)

	byCert, err := certifiedCounts(e.App, info, "certification")
	if err != nil {
		return err
	}
	for _, o := range d.Options {
		r := byCert[o.Value]
		if r == nil {
			r = &CertifiedRow{ID: o.Value}
		}
		r.Name, r.Link = o.Label, certDrillLink(o.Value, "")
		d.Certifications = append(d.Certifications, r)
	}

	var where []dbx.Expression
	if d.Selected != "" {
		where = append(where, certificationIs(d.Selected))
	}
	// The partners with any visible certificate, most certificates first;
	// then the numbers for this page's partners only.
	all, err := access.CountVisibleBy(e.App, info, "certificates", "partner", "", 0, where...)
	if err != nil {
		return err
	}
	start := (page - 1) * certifiedPartnersPerPage
	if start > len(all) {
		start = len(all)
	}
	end := min(start+certifiedPartnersPerPage, len(all))
	ids := []any{}
	for _, g := range all[start:end] {
		if g.Key != "" {
			ids = append(ids, g.Key)
		}
	}
	if len(ids) > 0 {
		counts, err := certifiedCounts(e.App, info, "partner", append(where, dbx.In("certificates.partner", ids...))...)
		if err != nil {
			return err
		}
		names, err := visibleByID(e.App, info, "partners", ids)
		if err != nil {
			return err
		}
		for _, id := range ids {
			k := id.(string)
			r := counts[k]
			if r == nil {
				r = &CertifiedRow{ID: k}
			}
			r.Name = k
			if n := names[k]; n != nil {
				r.Name = n.GetString("name")
			}
			r.Link = certDrillLink(d.Selected, k)
			d.Partners = append(d.Partners, r)
		}
	}
	d.Pager = newPager("/certifications/report", filters, page, end < len(all))
	return u.render(e, http.StatusOK, "certified_report", p)
}

// certifiedReportExport streams the report as CSV: one row per
// certification and partner with its numbers (for one certification when
// the filter names it).
func (u *portal) certifiedReportExport(e *core.RequestEvent) error {
	user := getCtx(e).User
	loc := u.locale(e)
	info := access.Info(user, http.MethodGet, nil)
	opts, err := certificationOptions(e.App, info)
	if err != nil {
		return err
	}
	selected := e.Request.URL.Query().Get("certification")
	if selected != "" && !certHasOption(opts, selected) {
		return e.BadRequestError("", nil)
	}
	type line struct {
		cert string
		row  *CertifiedRow
	}
	var lines []line
	partnerIDs := []any{}
	seen := map[string]bool{}
	for _, o := range opts {
		if selected != "" && o.Value != selected {
			continue
		}
		counts, err := certifiedCounts(e.App, info, "partner", certificationIs(o.Value))
		if err != nil {
			return err
		}
		for k, r := range counts {
			lines = append(lines, line{o.Label, r})
			if k != "" && !seen[k] {
				seen[k] = true
				partnerIDs = append(partnerIDs, k)
			}
		}
	}
	names := map[string]string{}
	for start := 0; start < len(partnerIDs); start += 200 {
		recs, err := visibleByID(e.App, info, "partners", partnerIDs[start:min(start+200, len(partnerIDs))])
		if err != nil {
			return err
		}
		for id, r := range recs {
			names[id] = r.GetString("name")
		}
	}
	slices.SortFunc(lines, func(a, b line) int {
		if c := strings.Compare(a.cert, b.cert); c != 0 {
			return c
		}
		return strings.Compare(names[a.row.ID], names[b.row.ID])
	})
	w, err := csvexport.Start(e.Response, "certified-people-"+now().Format(time.DateOnly)+".csv")
	if err != nil {
		return err
	}
	if err := w.Row(tr(loc, "certificates.col.certification"), tr(loc, "certificates.col.partner"),
		tr(loc, "certificates.report.valid"), tr(loc, "certificates.report.expiring"), tr(loc, "certificates.report.expired")); err != nil {
		return err
	}
	for _, l := range lines {
		name := names[l.row.ID]
		if name == "" {
			name = l.row.ID
		}
		if err := w.Row(l.cert, name, strconv.Itoa(l.row.Valid), strconv.Itoa(l.row.Expiring),
			strconv.Itoa(l.row.Expired)); err != nil {
			return err
		}
	}
	return w.Flush()
}
