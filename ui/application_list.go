package ui

import (
	"net/http"
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
)

// applicationStatuses are the review list's tabs, the work queue first.
var applicationStatuses = []string{"new", "approved", "declined"}

// applicationsPerPage is the review list's page size.
const applicationsPerPage = 25

// applicationListData is the review list's data.
type applicationListData struct {
	Items    []*ApplicationView
	Statuses []string
	Status   string // the tab shown ("" = all)
	New      int    // undecided applications
	Pager    Pager
}

// applicationList is the admins' review list: newest first, by status, with
// the count of undecided applications. The count covers only status "new"
// on its (status, created) index: the queue an admin works through, not
// the whole table.
func (u *portal) applicationList(e *core.RequestEvent) error {
	loc := u.locale(e)
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	errs := map[string]string{}
	q := e.Request.URL.Query()
	_, page := listQuery(loc, q, errs)
	status := q.Get("status")
	if status != "" && !slices.Contains(applicationStatuses, status) {
		errs["status"] = tr(loc, "validation.invalid_value")
		status = ""
	}
	d := &applicationListData{Statuses: applicationStatuses, Status: status}
	p := &Page{Title: tr(loc, "applications.list.title"), Data: d, Errors: errs, Values: map[string]string{"status": status}}
	n, err := countNewApplications(e.App, info)
	if err != nil {
		return err
	}
	d.New = n
	if len(errs) > 0 {
		return u.render(e, http.StatusBadRequest, "application_list", p)
	}
	var where []dbx.Expression
	if status != "" {
		where = append(where, dbx.HashExp{"partner_applications.status": status})
	}
	res, err := access.ListVisible(e.App, info, "partner_applications", access.ListOptions{
		Where: where, Sort: []string{"-created"}, Page: page, PerPage: applicationsPerPage})
	if err != nil {
		return err
	}
	for _, r := range res.Items {
		d.Items = append(d.Items, applicationView(r))
	}
	d.Pager = newPager("/applications", map[string]string{"status": status}, page, res.HasMore)
	return u.render(e, http.StatusOK, "application_list", p)
}

// countNewApplications counts the undecided applications under the List
// rule with COUNT(*), which SQLite answers from the (status, created) index
// alone (access.CountVisible's COUNT(DISTINCT id) reads every row).
func countNewApplications(app core.App, info *core.RequestInfo) (int, error) {
	c, err := app.FindCachedCollectionByNameOrId("partner_applications")
	if err != nil {
		return 0, err
	}
	q := app.RecordQuery(c).Select("COUNT(*)").AndWhere(dbx.HashExp{"partner_applications.status": "new"})
	if err := access.ApplyListRule(app, info, c, q); err != nil {
		return 0, err
	}
	var n int
	err = q.Row(&n)
	return n, err
}
