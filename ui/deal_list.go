package ui

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/deals"
	"github.com/ponte-portal/ponte/internal/roles"
)

// dealsPerPage is the list's page size.
const dealsPerPage = 25

// dealListData is the deals list's data.
type dealListData struct {
	Items              []*DealView
	Pager              Pager
	Stages, Statuses   []string
	Sorts              []string
	Partners, Managers []Option // staff / admin filters
	ShowPartner        bool     // staff and partner admins see whose deal it is
	CanCreate, IsAdmin bool
	Filtered           bool
	ExportURL          string
	Base               string
	// Totals sum the filtered deals per currency and in the base currency,
	// shown only when the list is one partner's (see dealTotals).
	Totals    []DealTotal
	TotalBase float64
	TotalN    int
}

// DealTotal is the sum of the listed deals in one currency.
type DealTotal struct {
	Currency string
	Amount   float64
}

// maxTotalDeals bounds the deals dealTotals reads for a page view.
const maxTotalDeals = 5000

// errTooManyForTotals stops dealTotals past maxTotalDeals.
var errTooManyForTotals = errors.New("deals: too many deals to total on a page view")

// dealList lists the deals the List rule lets the user see (partner users
// their own, partner admins their organisation's, managers their partners',
// admins all), filtered and sorted from whitelists, a page at a time with
// "next" rather than a count.
func (u *portal) dealList(e *core.RequestEvent) error {
	c := getCtx(e)
	loc := u.locale(e)
	role := roles.Of(c.User)
	staff, admin := roles.IsStaff(role), role == roles.Admin
	info := access.Info(c.User, http.MethodGet, nil)
	errs := map[string]string{}
	q := e.Request.URL.Query()
	_, page := listQuery(loc, q, errs)
	f, where := parseDealFilter(loc, q, staff, admin, errs)
	d := &dealListData{Stages: deals.Stages, Statuses: deals.Statuses, Sorts: dealSorts,
		ShowPartner: staff || role == roles.PartnerAdmin, CanCreate: roles.IsPartnerRole(role), IsAdmin: admin,
		Base: deals.LoadSettings(e.App).BaseCurrency}
	p := &Page{Title: u.t(e, "deals.title"), Data: d, Errors: errs, Values: f.values()}
	if err := dealFilterOptions(e.App, info, staff, admin, d); err != nil {
		return err
	}
	if len(errs) > 0 {
		return u.render(e, http.StatusBadRequest, "deal_list", p)
	}
	d.Filtered = len(where) > 0
	d.ExportURL = "/deals/export.csv"
	if qs := f.query(); qs != "" {
		d.ExportURL += "?" + qs
	}
	res, err := access.ListVisible(e.App, info, "deals", access.ListOptions{
		Where: append(where, dealScope(c.User)...), Sort: []string{f.Sort}, Page: page, PerPage: dealsPerPage})
	if err != nil {
		return err
	}
	if d.Items, err = dealViews(e.App, info, res.Items, d.ShowPartner); err != nil {
		return err
	}
	filters := f.values()
	if filters["sort"] == "-submitted" {
		delete(filters, "sort")
	}
	d.Pager = newPager("/deals", filters, page, res.HasMore)
	if roles.IsPartnerRole(role) || f.Partner != "" {
		if err := dealTotals(e.App, info, append(where, dealScope(c.User)...), d); err != nil {
			return err
		}
	}
	return u.render(e, http.StatusOK, "deal_list", p)
}

// dealTotals sums the filtered deals of one partner (a partner's own list,
// or staff filtering by partner) per currency and in the base currency,
// under the List rule, reading the partner's index range; past
// maxTotalDeals it gives up and shows no totals rather than slow the page.
func dealTotals(app core.App, info *core.RequestInfo, where []dbx.Expression, d *dealListData) error {
	sums := map[string]float64{}
	n, base := 0, 0.0
	err := access.EachVisible(app, info, "deals", access.StreamOptions{Where: where}, func(r *core.Record) error {
		if n++; n > maxTotalDeals {
			return errTooManyForTotals
		}
		sums[r.GetString("currency")] += r.GetFloat("amount")
		base += r.GetFloat("amount_base")
		return nil
	})
	if errors.Is(err, errTooManyForTotals) || n == 0 {
		return nil
	}
	if err != nil {
		return err
	}
	d.TotalN, d.TotalBase = n, base
	for cur, a := range sums {
		d.Totals = append(d.Totals, DealTotal{Currency: cur, Amount: a})
	}
	slices.SortFunc(d.Totals, func(a, b DealTotal) int { return strings.Compare(a.Currency, b.Currency) })
	return nil
}

// dealViews maps a page of deals with their partners' and submitters' names
// (two queries for the page, each under its own View rule).
func dealViews(app core.App, info *core.RequestInfo, recs []*core.Record, withPartner bool) ([]*DealView, error) {
	out := make([]*DealView, 0, len(recs))
	var pids, uids []any
	for _, r := range recs {
		pids = append(pids, r.GetString("partner"))
		uids = append(uids, r.GetString("submitted_by"))
	}
	partners := map[string]*core.Record{}
	var err error
	if withPartner {
		if partners, err = visibleByID(app, info, "partners", pids); err != nil {
			return nil, err
		}
	}
	users, err := visibleByID(app, info, "users", uids)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		v := dealView(r)
		if p := partners[v.PartnerID]; p != nil {
			v.PartnerName = p.GetString("name")
		}
		if u := users[r.GetString("submitted_by")]; u != nil {
			v.SubmittedBy = u.GetString("name")
		}
		out = append(out, v)
	}
	return out, nil
}

// dealFilterOptions fills the partner (staff) and manager (admin) selects
// with what the viewer may see.
func dealFilterOptions(app core.App, info *core.RequestInfo, staff, admin bool, d *dealListData) error {
	if staff {
		ps, err := access.ListVisible(app, info, "partners", access.ListOptions{Sort: []string{"name"}, PerPage: 200})
		if err != nil {
			return err
		}
		for _, p := range ps.Items {
			d.Partners = append(d.Partners, Option{Value: p.Id, Label: p.GetString("name")})
		}
	}
	if admin {
		ms, err := access.ListVisible(app, info, "users", access.ListOptions{
			Where: []dbx.Expression{dbx.HashExp{"users.role": roles.Manager}}, Sort: []string{"name"}, PerPage: 200})
		if err != nil {
			return err
		}
		for _, m := range ms.Items {
			d.Managers = append(d.Managers, Option{Value: m.Id, Label: m.GetString("name")})
		}
	}
	return nil
}
