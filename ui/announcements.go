package ui

import (
	"errors"
	"html/template"
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/roles"
)

// announcementRoutes binds the announcements pages: in for signed-in users, staff for
// vendor staff only, g for guests too.
func (u *portal) announcementRoutes(g, in, staff *router.RouterGroup[*core.RequestEvent]) {
	in.GET("/announcements", u.announcementList)
	in.GET("/announcements/{id}", u.announcementShow)
	in.POST("/announcements/{id}/acknowledge", u.announcementAcknowledge)

	staff.GET("/announcements/new", u.announcementNewShow)
	staff.POST("/announcements/new", u.announcementNewSubmit)
	staff.POST("/announcements/preview", u.announcementPreview)
	staff.GET("/announcements/reach", u.announcementReach)
	staff.GET("/announcements/{id}/edit", u.announcementEditShow)
	staff.POST("/announcements/{id}/edit", u.announcementEditSubmit)
	staff.POST("/announcements/{id}/delete", u.announcementDelete)
}

// AnnouncementView is an announcement as the feeds and its page show it.
type AnnouncementView struct {
	ID, Title, Status, Audience string
	// State is draft, scheduled, live or expired (as of the page view).
	State string
	// Body is the stored, sanitised HTML (set on the announcement page only).
	Body                        template.HTML
	Author                      string // "" when the viewer may not see the author
	Pinned, RequiresAck, Unread bool
	PublishAt, ExpiresAt        time.Time
	Updated                     time.Time
}

// announcementState names where an announcement stands at now.
func announcementState(r *core.Record, at time.Time) string {
	if r.GetString("status") != "published" {
		return "draft"
	}
	pub, exp := r.GetDateTime("publish_at"), r.GetDateTime("expires_at")
	switch {
	case pub.IsZero() || pub.Time().After(at):
		return "scheduled"
	case !exp.IsZero() && !exp.Time().After(at):
		return "expired"
	}
	return "live"
}

func announcementView(r *core.Record) *AnnouncementView {
	return &AnnouncementView{
		ID: r.Id, Title: r.GetString("title"), Status: r.GetString("status"), Audience: r.GetString("audience"),
		State: announcementState(r, now()), Pinned: r.GetBool("pinned"), RequiresAck: r.GetBool("requires_acknowledgement"),
		PublishAt: r.GetDateTime("publish_at").Time(), ExpiresAt: r.GetDateTime("expires_at").Time(),
		Updated: r.GetDateTime("updated").Time(),
	}
}

// dbTime formats t as PocketBase stores dates, for comparisons in SQL.
func dbTime(t time.Time) string { return t.UTC().Format(types.DefaultDateLayout) }

// liveAnnouncementsExpr matches the announcements partners see at t:
// published, their time come and not expired. Partners' rule already says
// so; staff feeds (the home page) add it to leave drafts and the rest out.
func liveAnnouncementsExpr(t time.Time) dbx.Expression {
	return dbx.NewExp("announcements.status = 'published' AND announcements.publish_at != ''"+
		" AND announcements.publish_at <= {:annLive} AND (announcements.expires_at = '' OR announcements.expires_at > {:annLive})",
		dbx.Params{"annLive": dbTime(t)})
}

// announcementViews maps a page of announcements and marks those the viewer
// has not read, from their own receipts on the (announcement, user) index.
func announcementViews(app core.App, info *core.RequestInfo, recs []*core.Record) ([]*AnnouncementView, error) {
	out := make([]*AnnouncementView, 0, len(recs))
	if len(recs) == 0 {
		return out, nil
	}
	ids := make([]any, len(recs))
	for i, r := range recs {
		ids[i] = r.Id
	}
	read := map[string]bool{}
	if info.Auth != nil {
		reads, err := access.ListVisible(app, info, "announcement_reads", access.ListOptions{
			Where: []dbx.Expression{dbx.In("announcement_reads.announcement", ids...),
				dbx.HashExp{"announcement_reads.user": info.Auth.Id}},
			PerPage: len(ids)})
		if err != nil {
			return nil, err
		}
		for _, r := range reads.Items {
			read[r.GetString("announcement")] = true
		}
	}
	for _, r := range recs {
		v := announcementView(r)
		v.Unread = !read[r.Id] && v.State == "live"
		out = append(out, v)
	}
	return out, nil
}

// latestAnnouncements is the home pages' feed: the n latest live
// announcements the user may see, pinned first, unread marked.
func latestAnnouncements(app core.App, info *core.RequestInfo, n int) ([]*AnnouncementView, error) {
	page, err := access.ListVisible(app, info, "announcements", access.ListOptions{
		Where: []dbx.Expression{liveAnnouncementsExpr(now())},
		Sort:  []string{"-pinned", "-publish_at"}, PerPage: n})
	if err != nil {
		return nil, err
	}
	return announcementViews(app, info, page.Items)
}

// visibleAnnouncement loads the announcement in the path through its View
// rule (404 when the user may not see it).
func visibleAnnouncement(e *core.RequestEvent) (*core.Record, *core.RequestInfo, error) {
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	rec, err := access.FindVisible(e.App, info, "announcements", e.Request.PathValue("id"))
	if errors.Is(err, access.ErrNotFound) {
		return nil, nil, e.NotFoundError("", err)
	}
	return rec, info, err
}

// managedAnnouncement loads the announcement in the path and checks that
// the Update rule lets the user change it.
func managedAnnouncement(e *core.RequestEvent) (*core.Record, error) {
	rec, _, err := visibleAnnouncement(e)
	if err != nil {
		return nil, err
	}
	ok, err := access.CanUpdate(e.App, access.Info(getCtx(e).User, http.MethodPatch, nil), rec)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, e.ForbiddenError("", errors.New("announcement not editable by this user"))
	}
	return rec, nil
}

// canWriteAnnouncements says whether the user's role may write
// announcements at all (the rules still judge each one).
func canWriteAnnouncements(user *core.Record) bool {
	return roles.IsStaff(roles.Of(user))
}
