package ui

import (
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
)

// announcementStates are the staff feed's filter choices.
var announcementStates = []string{"live", "scheduled", "draft", "expired"}

// announcementListData is the feed page's data.
type announcementListData struct {
	Items     []*AnnouncementView
	Pager     Pager
	States    []string // staff only
	CanCreate bool
	Filtered  bool
}

// announcementsPerPage is the feed's page size.
const announcementsPerPage = 20

// announcementList is the feed: pinned first, then the newest published,
// with the viewer's unread ones marked. Staff also see drafts, scheduled and
// expired announcements, and may filter by state.
func (u *portal) announcementList(e *core.RequestEvent) error {
	c := getCtx(e)
	loc := u.locale(e)
	info := access.Info(c.User, http.MethodGet, nil)
	staff := canWriteAnnouncements(c.User)
	errs := map[string]string{}
	q := e.Request.URL.Query()
	search, page := listQuery(loc, q, errs)
	state := q.Get("state")
	d := &announcementListData{CanCreate: staff}
	if staff {
		d.States = announcementStates
	}
	filters := map[string]string{"q": search, "state": state}
	p := &Page{Title: u.t(e, "announcements.title"), Data: d, Errors: errs, Values: filters}

	var where []dbx.Expression
	at := dbTime(now())
	switch {
	case state == "":
	case staff && state == "live":
		where = append(where, liveAnnouncementsExpr(now()))
	case staff && state == "scheduled":
		where = append(where, dbx.NewExp("announcements.status = 'published' AND announcements.publish_at > {:at}", dbx.Params{"at": at}))
	case staff && state == "draft":
		where = append(where, dbx.HashExp{"announcements.status": "draft"})
	case staff && state == "expired":
		where = append(where, dbx.NewExp("announcements.status = 'published' AND announcements.expires_at != '' AND announcements.expires_at <= {:at}",
			dbx.Params{"at": at}))
	default:
		errs["state"] = tr(loc, "validation.invalid")
	}
	if search != "" {
		where = append(where, dbx.Or(access.Contains("announcements.title", search), access.Contains("announcements.body", search)))
	}
	if len(errs) > 0 {
		return u.render(e, http.StatusBadRequest, "announcement_list", p)
	}
	d.Filtered = len(where) > 0
	res, err := access.ListVisible(e.App, info, "announcements", access.ListOptions{
		Where: where, Sort: []string{"-pinned", "-publish_at", "-created"}, Page: page, PerPage: announcementsPerPage})
	if err != nil {
		return err
	}
	if d.Items, err = announcementViews(e.App, info, res.Items); err != nil {
		return err
	}
	d.Pager = newPager("/announcements", filters, page, res.HasMore)
	return u.render(e, http.StatusOK, "announcement_list", p)
}
