package ui

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/csvexport"
	"github.com/ponte-portal/ponte/internal/i18n"
	"github.com/ponte-portal/ponte/internal/roles"
)

// certificatesPerPage is the list's page size.
const certificatesPerPage = 25

// certificateExportPage is how many certificates an export reads per query.
const certificateExportPage = 200

// certificateListData is the certificates page's data.
type certificateListData struct {
	Items          []*CertificateView
	Pager          Pager
	Certifications []Option
	Partners       []Option // staff only
	// ManyPartners: the viewer sees more partners than a list of choices
	// holds, so the filter also searches partners by name.
	ManyPartners bool
	States       []string
	Staff        bool
	ShowPartner  bool // staff and partner admins see other people's certificates
	Filtered     bool
	ExportURL    string
}

// certificateFilter is the validated filter of the list and its export.
type certificateFilter struct {
	Values map[string]string
	Where  []dbx.Expression
	Page   int
}

// readCertificateFilter validates the list's query (certification, partner
// for staff, status, expiring) into SQL conditions; bad values get a
// translated message in errs.
func readCertificateFilter(loc string, q url.Values, user *core.Record, d *certificateListData, errs map[string]string) certificateFilter {
	at := now()
	f := certificateFilter{Values: map[string]string{
		"certification": q.Get("certification"), "partner": q.Get("partner"),
		"status": q.Get("status"), "expiring": q.Get("expiring"), "partner_q": strings.TrimSpace(q.Get("partner_q")),
	}}
	_, f.Page = listQuery(loc, q, errs)
	f.Where = certificateScope(user, "certificates")
	v := f.Values
	if v["certification"] != "" {
		if !certHasOption(d.Certifications, v["certification"]) {
			errs["certification"] = tr(loc, "validation.invalid_value")
		}
		f.Where = append(f.Where, dbx.HashExp{"certificates.certification": v["certification"]})
	}
	if v["partner"] != "" {
		if !d.Staff || !certHasOption(d.Partners, v["partner"]) {
			errs["partner"] = tr(loc, "validation.invalid_value")
		}
		f.Where = append(f.Where, dbx.HashExp{"certificates.partner": v["partner"]})
	}
	if v["partner_q"] != "" {
		if !d.Staff || !utf8.ValidString(v["partner_q"]) || utf8.RuneCountInString(v["partner_q"]) > 100 {
			errs["partner_q"] = tr(loc, "validation.search_too_long")
			v["partner_q"] = ""
		} else {
			f.Where = append(f.Where, access.Contains("certificates.partner_name", v["partner_q"]))
		}
	}
	if v["status"] != "" {
		if !slices.Contains(certificateStates, v["status"]) {
			errs["status"] = tr(loc, "validation.invalid_value")
		}
		f.Where = append(f.Where, certificateStateExpr(v["status"], at))
	}
	switch v["expiring"] {
	case "":
	case "1":
		f.Where = append(f.Where, certificateExpiringExpr(at))
	default:
		errs["expiring"] = tr(loc, "validation.invalid_value")
	}
	return f
}

// certificateListPage builds the list's data and filter for the request.
func (u *portal) certificateListPage(e *core.RequestEvent) (*Page, *certificateListData, certificateFilter, error) {
	c := getCtx(e)
	loc := u.locale(e)
	info := access.Info(c.User, http.MethodGet, nil)
	role := roles.Of(c.User)
	d := &certificateListData{States: certificateStates, Staff: roles.IsStaff(role)}
	d.ShowPartner = d.Staff || role == roles.PartnerAdmin
	var err error
	if d.Certifications, err = certificationOptions(e.App, info); err != nil {
		return nil, nil, certificateFilter{}, err
	}
	if d.Staff {
		if d.Partners, d.ManyPartners, err = certPartnerOptions(e.App, info); err != nil {
			return nil, nil, certificateFilter{}, err
		}
		// A partner chosen elsewhere (the report's drill-down) but beyond
		// the listed choices: one indexed look-up through the rule.
		if id := e.Request.URL.Query().Get("partner"); id != "" && d.ManyPartners && !certHasOption(d.Partners, id) {
			if p, err := access.FindVisible(e.App, info, "partners", id); err == nil {
				d.Partners = append([]Option{{Value: p.Id, Label: p.GetString("name")}}, d.Partners...)
			}
		}
	}
	errs := map[string]string{}
	f := readCertificateFilter(loc, e.Request.URL.Query(), c.User, d, errs)
	d.Filtered = f.Values["certification"] != "" || f.Values["partner"] != "" || f.Values["status"] != "" ||
		f.Values["expiring"] != "" || f.Values["partner_q"] != ""
	d.ExportURL = listURL("/certificates/export.csv", f.Values, 1)
	p := &Page{Title: u.t(e, "certificates.title"), Data: d, Errors: errs, Values: f.Values}
	return p, d, f, nil
}

// certificateList shows the certificates the viewer may see, newest first:
// their own, their organisation's for a partner admin, their partners' for
// a manager, all for an admin.
func (u *portal) certificateList(e *core.RequestEvent) error {
	p, d, f, err := u.certificateListPage(e)
	if err != nil {
		return err
	}
	if len(p.Errors) > 0 {
		return u.render(e, http.StatusBadRequest, "certificate_list", p)
	}
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	res, err := access.ListVisible(e.App, info, "certificates", access.ListOptions{
		Where: f.Where, Sort: []string{"-issued"}, Page: f.Page, PerPage: certificatesPerPage})
	if err != nil {
		return err
	}
	if d.Items, err = certificateViews(e.App, info, res.Items); err != nil {
		return err
	}
	d.Pager = newPager("/certificates", f.Values, f.Page, res.HasMore)
	return u.render(e, http.StatusOK, "certificate_list", p)
}

// certificateExport streams the filtered list as CSV, read through the List
// rule in pages keyed on the id (no offset scans, no count).
func (u *portal) certificateExport(e *core.RequestEvent) error {
	p, _, f, err := u.certificateListPage(e)
	if err != nil {
		return err
	}
	if len(p.Errors) > 0 {
		return e.BadRequestError("", nil)
	}
	loc := u.locale(e)
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	w, err := csvexport.Start(e.Response, "certificates.csv")
	if err != nil {
		return err
	}
	if err := w.Row(tr(loc, "certificates.col.holder"), tr(loc, "certificates.col.partner"),
		tr(loc, "certificates.col.certification"), tr(loc, "certificates.col.code"), tr(loc, "certificates.col.issued"),
		tr(loc, "certificates.col.expires"), tr(loc, "certificates.col.status"), tr(loc, "certificates.col.revoked")); err != nil {
		return err
	}
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.DateOnly)
	}
	last := ""
	for {
		where := slices.Clone(f.Where)
		if last != "" {
			where = append(where, dbx.NewExp("certificates.id > {:certLast}", dbx.Params{"certLast": last}))
		}
		res, err := access.ListVisible(e.App, info, "certificates", access.ListOptions{Where: where, PerPage: certificateExportPage})
		if err != nil {
			return err
		}
		views, err := certificateViews(e.App, info, res.Items)
		if err != nil {
			return err
		}
		for _, v := range views {
			if err := w.Row(v.Holder, v.Partner, v.Certification, v.FormattedCode, day(v.Issued), day(v.Expires),
				i18n.T(loc, "certificates.status."+v.Status), day(v.Revoked)); err != nil {
				return err
			}
			last = v.ID
		}
		if !res.HasMore {
			break
		}
	}
	return w.Flush()
}
