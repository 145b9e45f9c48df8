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
	// Partner users: the courses they are taking, and their deals.
	Learning  []HomeCourse
	OpenDeals int
	// Both: deal registrations awaiting a decision that the viewer sees
	// (staff: those they may approve; partner users: their own).
	PendingDeals int
	// Lifecycle panels, each built by its area (nil hides the panel):
	// the onboarding checklist (partners) or onboarding progress (staff),
	// an open survey to answer, and the tier standing (partners).
	Onboarding any
	Survey     any
	Tier       any
}

// HomeCourse is a course in progress on the partner home.
type HomeCourse struct {
	Title, Slug string
	Progress    int
}

// homePartnersShown is how many partners the staff home lists, and
// homeDocumentsShown how many documents.
const (
	homePartnersShown  = 8
	homeDocumentsShown = 5
	// homeAnnouncementsShown is how many announcements the home feed lists.
	homeAnnouncementsShown = 5
	// homeCoursesShown is how many courses in progress the partner home lists.
	homeCoursesShown = 3
)

// coursesInProgress lists the user's unfinished enrolments, most recently
// touched first, with their courses' titles (read through the courses rule:
// a course taken out of the user's audience drops off).
func coursesInProgress(app core.App, info *core.RequestInfo, userID string, n int) ([]HomeCourse, error) {
	page, err := access.ListVisible(app, info, "enrollments", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"enrollments.user": userID}, dbx.Not(dbx.HashExp{"enrollments.status": "completed"})},
		Sort:  []string{"-updated"}, PerPage: n})
	if err != nil || len(page.Items) == 0 {
		return nil, err
	}
	ids := make([]any, len(page.Items))
	for i, r := range page.Items {
		ids[i] = r.GetString("course")
	}
	courses, err := access.ListVisible(app, info, "courses", access.ListOptions{
		Where: []dbx.Expression{dbx.In("courses.id", ids...)}, PerPage: n})
	if err != nil {
		return nil, err
	}
	byID := make(map[string]*core.Record, len(courses.Items))
	for _, c := range courses.Items {
		byID[c.Id] = c
	}
	out := make([]HomeCourse, 0, len(page.Items))
	for _, r := range page.Items {
		if c := byID[r.GetString("course")]; c != nil {
			out = append(out, HomeCourse{Title: c.GetString("title"), Slug: c.GetString("slug"), Progress: r.GetInt("progress")})
		}
	}
	return out, nil
}

// openDeals counts the deals the viewer sees that are still in play: not
// won or lost, and pending or approved.
func openDeals(app core.App, info *core.RequestInfo) (int, error) {
	return access.CountVisible(app, info, "deals",
		dbx.In("deals.status", "pending", "approved"), dbx.NotIn("deals.stage", "won", "lost"))
}

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

	if d.PendingDeals, err = access.CountVisible(e.App, info, "deals", dbx.HashExp{"deals.status": "pending"}); err != nil {
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
		if d.Onboarding, err = u.homeOnboarding(e, info); err != nil {
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
	if d.Learning, err = coursesInProgress(e.App, info, c.User.Id, homeCoursesShown); err != nil {
		return err
	}
	if d.OpenDeals, err = openDeals(e.App, info); err != nil {
		return err
	}
	if d.Onboarding, err = u.homeOnboarding(e, info); err != nil {
		return err
	}
	if d.Survey, err = u.homeSurvey(e, info); err != nil {
		return err
	}
	if d.Tier, err = u.homeTier(e, info); err != nil {
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
