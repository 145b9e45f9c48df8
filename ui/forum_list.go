package ui

import (
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/roles"
)

// forumIndexData is the forums' front page: the categories the user sees.
type forumIndexData struct {
	Categories  []*ForumCategoryView
	IsStaff     bool
	IsAdmin     bool
	OpenReports int
}

// forumIndex lists the categories the user may see, in order, with their
// figures (kept by the hooks: nothing is counted here but the staff's open
// reports, a small indexed set).
func (u *portal) forumIndex(e *core.RequestEvent) error {
	user := getCtx(e).User
	info := forumInfo(e, http.MethodGet, nil)
	cats, err := access.ListVisible(e.App, info, "forum_categories", access.ListOptions{Sort: []string{"order", "name"}, PerPage: 200})
	if err != nil {
		return err
	}
	d := &forumIndexData{IsStaff: isForumStaff(user), IsAdmin: roles.Of(user) == roles.Admin}
	for _, c := range cats.Items {
		d.Categories = append(d.Categories, forumCategoryView(c))
	}
	if d.IsStaff {
		if d.OpenReports, err = access.CountVisible(e.App, info, "forum_reports", dbx.HashExp{"forum_reports.resolved": false}); err != nil {
			return err
		}
	}
	return u.render(e, http.StatusOK, "forum_index", &Page{Title: u.t(e, "forums.title"), Data: d})
}

// forumCategoryData is a category's page: its threads, pinned first, then
// by last activity.
type forumCategoryData struct {
	Category *ForumCategoryView
	Threads  []*ForumThreadView
	Pager    Pager
	CanPost  bool
	IsAdmin  bool
}

func (u *portal) forumCategory(e *core.RequestEvent) error {
	cat, err := forumFind(e, "forum_categories")
	if err != nil {
		return err
	}
	user := getCtx(e).User
	info := forumInfo(e, http.MethodGet, nil)
	errs := map[string]string{}
	_, page := listQuery(u.locale(e), e.Request.URL.Query(), errs)
	if len(errs) > 0 {
		return e.BadRequestError("", nil)
	}
	threads, err := access.ListVisible(e.App, info, "forum_threads", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"forum_threads.category": cat.Id}},
		Sort:  []string{"-pinned", "-last_activity"}, Page: page, PerPage: forumThreadsPerPage})
	if err != nil {
		return err
	}
	d := &forumCategoryData{Category: forumCategoryView(cat), IsAdmin: roles.Of(user) == roles.Admin}
	for _, t := range threads.Items {
		d.Threads = append(d.Threads, forumThreadView(t))
	}
	if page > 1 && len(d.Threads) == 0 {
		return e.NotFoundError("", nil)
	}
	d.Pager = newPager("/forums/c/"+cat.Id, nil, page, threads.HasMore)
	if d.CanPost, err = canStartThread(e, cat); err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "forum_category", &Page{Title: d.Category.Name, Data: d})
}

// canStartThread asks the threads Create rule whether the user may start a
// thread in the category.
func canStartThread(e *core.RequestEvent, cat *core.Record) (bool, error) {
	c, err := e.App.FindCachedCollectionByNameOrId("forum_threads")
	if err != nil {
		return false, err
	}
	user := getCtx(e).User
	body := map[string]any{"category": cat.Id, "title": "?", "author": user.Id}
	r := core.NewRecord(c)
	for k, v := range body {
		r.Set(k, v)
	}
	return access.CanCreate(e.App, access.Info(user, http.MethodPost, body), r)
}
