package ui

import (
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/roles"
)

var (
	recordID    = regexp.MustCompile(`^[a-z0-9]{15}$`)
	countryCode = regexp.MustCompile(`^[A-Z]{2}$`)
)

// partnerSorts whitelists the directory's sort orders.
var partnerSorts = []string{"name", "-joined", "country"}

// Option is one choice of a select box.
type Option struct {
	Value, Label string
	Count        int
}

// partnerListData is the directory page's data.
type partnerListData struct {
	Partners  []*PartnerView
	Pager     Pager
	Tiers     []Option
	Managers  []Option
	Countries []Option
	Statuses  []string
	Filtered  bool
}

// partnerFilter is the directory's validated query.
type partnerFilter struct {
	Q, Tier, Status, Country, Manager, Sort string
	Page                                    int
}

// parsePartnerFilter validates the query string; every value is checked
// against a pattern or whitelist before it reaches a query.
func (u *portal) parsePartnerFilter(e *core.RequestEvent, errs map[string]string) partnerFilter {
	loc := u.locale(e)
	q := e.Request.URL.Query()
	f := partnerFilter{
		Tier: q.Get("tier"), Status: q.Get("status"),
		Country: strings.ToUpper(q.Get("country")), Manager: q.Get("manager"), Sort: q.Get("sort"),
	}
	f.Q, f.Page = listQuery(loc, q, errs)
	if f.Tier != "" && !recordID.MatchString(f.Tier) {
		errs["tier"] = tr(loc, "validation.invalid")
	}
	if f.Status != "" && !slices.Contains(roles.PartnerStatuses, f.Status) {
		errs["status"] = tr(loc, "validation.invalid")
	}
	if f.Country != "" && !countryCode.MatchString(f.Country) {
		errs["country"] = tr(loc, "validation.invalid")
	}
	if f.Manager != "" && !recordID.MatchString(f.Manager) {
		errs["manager"] = tr(loc, "validation.invalid")
	}
	if f.Sort == "" {
		f.Sort = "name"
	} else if !slices.Contains(partnerSorts, f.Sort) {
		errs["sort"] = tr(loc, "validation.invalid")
		f.Sort = "name"
	}
	return f
}

// filters returns the filter for links (the default sort left out).
func (f partnerFilter) filters() map[string]string {
	m := map[string]string{"q": f.Q, "tier": f.Tier, "status": f.Status, "country": f.Country, "manager": f.Manager}
	if f.Sort != "name" {
		m["sort"] = f.Sort
	}
	return m
}

func (u *portal) partnerList(e *core.RequestEvent) error {
	c := getCtx(e)
	info := access.Info(c.User, http.MethodGet, nil)
	errs := map[string]string{}
	f := u.parsePartnerFilter(e, errs)
	d := &partnerListData{Statuses: roles.PartnerStatuses, Pager: Pager{Page: f.Page}}
	p := &Page{Title: u.t(e, "partners.title"), Data: d, Errors: errs, Values: map[string]string{
		"q": f.Q, "tier": f.Tier, "status": f.Status, "country": f.Country, "manager": f.Manager, "sort": f.Sort,
	}}
	if err := u.partnerFilterOptions(e, info, d); err != nil {
		return err
	}
	if len(errs) > 0 {
		return u.render(e, http.StatusBadRequest, "partner_list", p)
	}

	var where []dbx.Expression
	if f.Q != "" {
		where = append(where, access.Contains("partners.name", f.Q))
	}
	for col, v := range map[string]string{"tier": f.Tier, "status": f.Status, "country": f.Country, "manager": f.Manager} {
		if v != "" {
			where = append(where, dbx.HashExp{"partners." + col: v})
		}
	}
	d.Filtered = len(where) > 0
	sort := []string{f.Sort}
	if f.Sort != "name" {
		sort = append(sort, "name")
	}
	page, err := access.ListVisible(e.App, info, "partners", access.ListOptions{
		Where: where, Sort: sort, Page: f.Page, PerPage: 20})
	if err != nil {
		return err
	}
	if d.Partners, err = u.partnersWithUsers(e, info, page.Items); err != nil {
		return err
	}
	d.Pager = newPager("/partners", f.filters(), f.Page, page.HasMore)
	return u.render(e, http.StatusOK, "partner_list", p)
}

// partnerFilterOptions fills the filter selects with what the viewer may see.
func (u *portal) partnerFilterOptions(e *core.RequestEvent, info *core.RequestInfo, d *partnerListData) error {
	tiers, err := access.ListVisible(e.App, info, "tiers", access.ListOptions{Sort: []string{"-rank", "name"}, PerPage: 100})
	if err != nil {
		return err
	}
	for _, t := range tiers.Items {
		d.Tiers = append(d.Tiers, Option{Value: t.Id, Label: t.GetString("name")})
	}
	managers, err := access.ListVisible(e.App, info, "users", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"users.role": roles.Manager}}, Sort: []string{"name"}, PerPage: 200})
	if err != nil {
		return err
	}
	for _, m := range managers.Items {
		d.Managers = append(d.Managers, Option{Value: m.Id, Label: m.GetString("name")})
	}
	countries, err := access.CountVisibleGrouped(e.App, info, "partners", "country")
	if err != nil {
		return err
	}
	for code, n := range countries {
		d.Countries = append(d.Countries, Option{Value: code, Label: code, Count: n})
	}
	slices.SortFunc(d.Countries, func(a, b Option) int { return strings.Compare(a.Value, b.Value) })
	return nil
}
