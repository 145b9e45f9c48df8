package ui

import (
	"errors"
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/roles"
)

// StatusCount is one tile of the staff home: partners in a status.
type StatusCount struct {
	Status string
	Count  int
}

// homeData is the home page's data for either audience.
type homeData struct {
	// Partner users.
	Partner    *PartnerView
	Colleagues int
	// Staff.
	Statuses []StatusCount
	Total    int
	Partners []*PartnerView
	HasMore  bool
	// Both: the latest documents the user may see.
	Docs []*DocumentView
	// Both: the latest announcements, pinned first, unread marked.
	News []*AnnouncementView
}

// homePartnersShown is how many partners the staff home lists, and
// homeDocumentsShown how many documents.
const (
	homePartnersShown  = 8
	homeDocumentsShown = 5
	// homeAnnouncementsShown is how many announcements the home feed lists.
	homeAnnouncementsShown = 5
)

// latestDocuments returns the n most recently revised published documents
// the user may see.
func latestDocuments(app core.App, info *core.RequestInfo, n int) ([]*DocumentView, error) {
	page, err := access.ListVisible(app, info, "documents", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"documents.status": "published"}},
		Sort:  []string{"-revised"}, PerPage: n})
	if err != nil {
		return nil, err
	}
	out := make([]*DocumentView, 0, len(page.Items))
	for _, r := range page.Items {
		out = append(out, documentView(r, nil))
	}
	return out, nil
}

func (u *portal) home(e *core.RequestEvent) error {
	c := getCtx(e)
	info := access.Info(c.User, http.MethodGet, nil)
	d := &homeData{}
	p := &Page{Title: u.t(e, "home.title"), Data: d}
	docs, err := latestDocuments(e.App, info, homeDocumentsShown)
	if err != nil {
		return err
	}
	d.Docs = docs
	if d.News, err = latestAnnouncements(e.App, info, homeAnnouncementsShown); err != nil {
		return err
	}

	if roles.IsStaff(roles.Of(c.User)) {
		counts, err := access.CountVisibleGrouped(e.App, info, "partners", "status")
		if err != nil {
			return err
		}
		for _, s := range roles.PartnerStatuses {
			d.Statuses = append(d.Statuses, StatusCount{s, counts[s]})
			d.Total += counts[s]
		}
		page, err := access.ListVisible(e.App, info, "partners", access.ListOptions{
			Sort: []string{"name"}, PerPage: homePartnersShown})
		if err != nil {
			return err
		}
		d.HasMore = page.HasMore
		if d.Partners, err = u.partnersWithUsers(e, info, page.Items); err != nil {
			return err
		}
		return u.render(e, http.StatusOK, "home_staff", p)
	}

	pid := c.User.GetString("partner")
	rec, err := access.FindVisible(e.App, info, "partners", pid)
	if errors.Is(err, access.ErrNotFound) {
		return e.NotFoundError("", err)
	} else if err != nil {
		return err
	}
	views, err := partnerViews(e.App, info, []*core.Record{rec})
	if err != nil {
		return err
	}
	d.Partner = views[0]
	if d.Colleagues, err = access.CountVisible(e.App, info, "users", dbx.HashExp{"users.partner": pid}); err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "home_partner", p)
}

// partnersWithUsers maps partners and adds the number of users of each that
// the viewer may see, in one grouped query.
func (u *portal) partnersWithUsers(e *core.RequestEvent, info *core.RequestInfo, recs []*core.Record) ([]*PartnerView, error) {
	views, err := partnerViews(e.App, info, recs)
	if err != nil || len(recs) == 0 {
		return views, err
	}
	ids := make([]any, len(recs))
	for i, r := range recs {
		ids[i] = r.Id
	}
	counts, err := access.CountVisibleGrouped(e.App, info, "users", "partner", dbx.In("users.partner", ids...))
	if err != nil {
		return nil, err
	}
	for _, v := range views {
		v.Users = counts[v.ID]
	}
	return views, nil
}

// menuShow lists every navigation entry: the phone's "Menu" tab.
func (u *portal) menuShow(e *core.RequestEvent) error {
	return u.render(e, http.StatusOK, "menu", &Page{Title: u.t(e, "nav.menu")})
}
