package ui

import (
	"net/http"
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/onboarding"
	"github.com/ponte-portal/ponte/internal/roles"
)

// onboardingShows are the list's views: partners onboarding (longest first),
// those who completed (latest first) and those moved out by hand.
var onboardingShows = []string{onboarding.StatusOnboarding, onboarding.StatusCompleted, onboarding.StatusLeft}

// onboardingPerPage is the staff list's page size.
const onboardingPerPage = 50

// onboardingListData is the staff list's data.
type onboardingListData struct {
	Rows     []OnboardingRow
	Shows    []string
	Managers []Option // admins only: the manager filter
	IsAdmin  bool
	Pager    Pager
}

// onboardingList shows staff the onboarding progress of the partners they
// see (admins all, managers theirs), filtered by status and, for admins, by
// channel manager. Figures come from the partner_onboarding rows the hooks
// keep, one indexed query per page.
func (u *portal) onboardingList(e *core.RequestEvent) error {
	user := getCtx(e).User
	loc := u.locale(e)
	info := access.Info(user, http.MethodGet, nil)
	d := &onboardingListData{Shows: onboardingShows, IsAdmin: roles.Of(user) == roles.Admin}
	p := &Page{Title: u.t(e, "onboarding.title"), Data: d, Errors: map[string]string{}, Values: map[string]string{}}
	q := e.Request.URL.Query()
	_, page := listQuery(loc, q, p.Errors)
	show := q.Get("show")
	if show == "" {
		show = onboarding.StatusOnboarding
	}
	if !slices.Contains(onboardingShows, show) {
		p.Errors["show"] = tr(loc, "validation.invalid_value")
		show = onboarding.StatusOnboarding
	}
	p.Values["show"] = show
	where := []dbx.Expression{dbx.HashExp{"partner_onboarding.status": show}}
	manager := ""
	if d.IsAdmin {
		managers, err := access.ListVisible(e.App, info, "users", access.ListOptions{
			Where: []dbx.Expression{dbx.In("users.role", roles.Admin, roles.Manager)}, Sort: []string{"name"}, PerPage: 200})
		if err != nil {
			return err
		}
		for _, m := range managers.Items {
			d.Managers = append(d.Managers, Option{Value: m.Id, Label: m.GetString("name")})
		}
		manager = q.Get("manager")
		if manager != "" && !slices.ContainsFunc(d.Managers, func(o Option) bool { return o.Value == manager }) {
			p.Errors["manager"] = tr(loc, "validation.invalid_value")
			manager = ""
		}
		if manager != "" {
			// The partners of that manager, through idx_partners_manager.
			where = append(where, dbx.NewExp("partner_onboarding.partner IN (SELECT id FROM partners WHERE manager = {:onbManager})",
				dbx.Params{"onbManager": manager}))
		}
	}
	p.Values["manager"] = manager
	sort := []string{"started"}
	if show != onboarding.StatusOnboarding {
		sort = []string{"-completed", "-started"}
	}
	res, err := access.ListVisible(e.App, info, onboarding.Checklist, access.ListOptions{
		Where: where, Sort: sort, Page: page, PerPage: onboardingPerPage})
	if err != nil {
		return err
	}
	if d.Rows, err = onboardingRows(e.App, info, res.Items); err != nil {
		return err
	}
	d.Pager = newPager("/onboarding", map[string]string{"show": show, "manager": manager}, page, res.HasMore)
	status := http.StatusOK
	if len(p.Errors) > 0 {
		status = http.StatusBadRequest
	}
	return u.render(e, status, "onboarding_list", p)
}
