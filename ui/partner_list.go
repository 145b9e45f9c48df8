package ui

import (
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

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
	Page      int
	HasMore   bool
	PrevURL   string
	NextURL   string
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
		Q: strings.TrimSpace(q.Get("q")), Tier: q.Get("tier"), Status: q.Get("status"),
		Country: strings.ToUpper(q.Get("country")), Manager: q.Get("manager"), Sort: q.Get("sort"), Page: 1,
	}
	if !utf8.ValidString(f.Q) || utf8.RuneCountInString(f.Q) > 100 {
		errs["q"] = tr(loc, "validation.search_too_long")
		f.Q = strings.ToValidUTF8(f.Q, "")
	}
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
	if v := q.Get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100000 {
			errs["page"] = tr(loc, "validation.invalid")
		} else {
			f.Page = n
		}
	}
	return f
}

// values returns the filter as a query string for links, with page set.
func (f partnerFilter) values(page int) string {
	v := url.Values{}
	for k, s := range map[string]string{"q": f.Q, "tier": f.Tier, "status": f.Status,
		"country": f.Country, "manager": f.Manager} {
		if s != "" {
			v.Set(k, s)
		}
	}
	if f.Sort != "name" {
		v.Set("sort", f.Sort)
	}
	if page > 1 {
		v.Set("page", strconv.Itoa(page))
	}
	if len(v) == 0 {
		return "/partners"
	}
	return "/partners?" + v.Encode()
}

func (u *portal) partnerList(e *core.RequestEvent) error {
	c := getCtx(e)
	info := access.Info(c.User, http.MethodGet, nil)
	errs := map[string]string{}
	f := u.parsePartnerFilter(e, errs)
	d := &partnerListData{Statuses: roles.PartnerStatuses, Page: f.Page}
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
	d.HasMore = page.HasMore
	if f.Page > 1 {
		d.PrevURL = f.values(f.Page - 1)
	}
	if page.HasMore {
		d.NextURL = f.values(f.Page + 1)
	}
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
