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

// certifiedFilter narrows the report's numbers to one certification
// and/or some partners.
type certifiedFilter struct {
	Certification string
	Partners      []any
}

// where is the filter on table (certificates or certificate_counts), with
// the viewer's scope.
func (f certifiedFilter) where(user *core.Record, table string) []dbx.Expression {
	w := certificateScope(user, table)
	if f.Certification != "" {
		w = append(w, dbx.HashExp{table + ".certification": f.Certification})
	}
	if len(f.Partners) > 0 {
		w = append(w, dbx.In(table+".partner", f.Partners...))
	}
	return w
}

// certifiedCounts counts, per value of group (certification or partner),
// the valid, expiring and expired certificates the viewer may see. Stored
// statuses come from the certificate_counts rollup (a few rows per partner
// instead of every certificate); two narrow ranges of the certificates'
// (status, expires) index add what the clock changes: valid certificates
// past their last day that the hourly job has not marked yet count as
// expired, and those ending within 30 days as expiring. Every query goes
// through the collections' List rules.
func certifiedCounts(app core.App, info *core.RequestInfo, group string, f certifiedFilter) (map[string]*CertifiedRow, error) {
	at := now()
	out := map[string]*CertifiedRow{}
	row := func(k string) *CertifiedRow {
		if out[k] == nil {
			out[k] = &CertifiedRow{ID: k}
		}
		return out[k]
	}
	sums, err := access.SumVisibleBy(app, info, "certificate_counts", group, "valid", "expired", 0,
		f.where(info.Auth, "certificate_counts")...)
	if err != nil {
		return nil, err
	}
	for _, g := range sums {
		r := row(g.Key)
		r.Valid, r.Expired = g.SumA, g.SumB
	}
	pastDue, err := access.CountVisibleBy(app, info, "certificates", group, "", 0,
		append(f.where(info.Auth, "certificates"), certificatePastDueExpr(at))...)
	if err != nil {
		return nil, err
	}
	for _, g := range pastDue {
		r := row(g.Key)
		r.Valid, r.Expired = max(0, r.Valid-g.Rows), r.Expired+g.Rows
	}
	expiring, err := access.CountVisibleBy(app, info, "certificates", group, "", 0,
		append(f.where(info.Auth, "certificates"), certificateExpiringExpr(at))...)
	if err != nil {
		return nil, err
	}
	for _, g := range expiring {
		row(g.Key).Expiring = g.Rows
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

	byCert, err := certifiedCounts(e.App, info, "certification", certifiedFilter{})
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

	// The partners with any certificate the viewer may see, most valid
	// ones first (from the rollup); then the numbers of this page's
	// partners only.
	f := certifiedFilter{Certification: d.Selected}
	all, err := access.SumVisibleBy(e.App, info, "certificate_counts", "partner", "valid", "expired", 0,
		f.where(user, "certificate_counts")...)
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
		f.Partners = ids
		counts, err := certifiedCounts(e.App, info, "partner", f)
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
		counts, err := certifiedCounts(e.App, info, "partner", certifiedFilter{Certification: o.Value})
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
