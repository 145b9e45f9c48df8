package ui

import (
	"net/http"
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/roles"
)

// personRow is one line of the people directory.
type personRow struct {
	*UserView
	Partner *PartnerView
}

// peopleData is the people directory's data.
type peopleData struct {
	People   []personRow
	Roles    []string
	Partners []Option
	Pager    Pager
}

// peopleList is the staff's directory of people: search by name or job
// title, filter by role, partner and activation. The users List rule decides
// who appears (admins: everyone; managers: staff and their partners' users).
func (u *portal) peopleList(e *core.RequestEvent) error {
	c := getCtx(e)
	loc := u.locale(e)
	info := access.Info(c.User, http.MethodGet, nil)
	q := e.Request.URL.Query()
	errs := map[string]string{}
	search, page := listQuery(loc, q, errs)
	f := map[string]string{"q": search, "role": q.Get("role"), "partner": q.Get("partner"), "state": q.Get("state")}
	if f["role"] != "" && !slices.Contains(roles.All, f["role"]) {
		errs["role"] = tr(loc, "validation.invalid_value")
	}
	if f["partner"] != "" && !recordID.MatchString(f["partner"]) {
		errs["partner"] = tr(loc, "validation.invalid_value")
	}
	if f["state"] != "" && f["state"] != "active" && f["state"] != "deactivated" {
		errs["state"] = tr(loc, "validation.invalid_value")
	}
	d := &peopleData{Roles: roles.All, Pager: Pager{Page: page}}
	p := &Page{Title: u.t(e, "people.title"), Data: d, Errors: errs, Values: f}
	partners, err := access.ListVisible(e.App, info, "partners", access.ListOptions{Sort: []string{"name"}, PerPage: 200})
	if err != nil {
		return err
	}
	for _, r := range partners.Items {
		d.Partners = append(d.Partners, Option{Value: r.Id, Label: r.GetString("name")})
	}
	if len(errs) > 0 {
		return u.render(e, http.StatusBadRequest, "people", p)
	}

	var where []dbx.Expression
	if f["q"] != "" {
		where = append(where, dbx.Or(access.Contains("users.name", f["q"]), access.Contains("users.job_title", f["q"])))
	}
	if f["role"] != "" {
		where = append(where, dbx.HashExp{"users.role": f["role"]})
	}
	if f["partner"] != "" {
		where = append(where, dbx.HashExp{"users.partner": f["partner"]})
	}
	switch f["state"] {
	case "active":
		where = append(where, dbx.HashExp{"users.deactivated": false})
	case "deactivated":
		where = append(where, dbx.HashExp{"users.deactivated": true})
	}
	res, err := access.ListVisible(e.App, info, "users", access.ListOptions{Where: where, Sort: []string{"name"}, Page: page, PerPage: 25})
	if err != nil {
		return err
	}
	partnerIDs := []any{}
	for _, r := range res.Items {
		if pid := r.GetString("partner"); pid != "" {
			partnerIDs = append(partnerIDs, pid)
		}
	}
	byID, err := visibleByID(e.App, info, "partners", partnerIDs)
	if err != nil {
		return err
	}
	for _, r := range res.Items {
		row := personRow{UserView: userView(r, c.User)}
		if pr := byID[r.GetString("partner")]; pr != nil {
			row.Partner = partnerView(pr)
		}
		d.People = append(d.People, row)
	}
	d.Pager = newPager("/people", f, page, res.HasMore)
	return u.render(e, http.StatusOK, "people", p)
}
