package ui

import (
	"errors"
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
)

// forumModerate pins, unpins, locks or unlocks a thread (moderators: the
// threads Update rule lets staff change these).
func (u *portal) forumModerate(e *core.RequestEvent) error {
	thread, err := forumFind(e, "forum_threads")
	if err != nil {
		return err
	}
	var body map[string]any
	flash := ""
	switch e.Request.PostFormValue("action") {
	case "pin":
		body, flash = map[string]any{"pinned": true}, "flash.forum_pinned"
	case "unpin":
		body, flash = map[string]any{"pinned": false}, "flash.forum_unpinned"
	case "lock":
		body, flash = map[string]any{"locked": true}, "flash.forum_locked"
	case "unlock":
		body, flash = map[string]any{"locked": false}, "flash.forum_unlocked"
	default:
		return e.BadRequestError("", errors.New("unknown moderation action"))
	}
	if err := forumUpdate(e, thread, body); err != nil {
		return forumRefused(e, err)
	}
	u.setFlash(e, flash)
	return e.Redirect(http.StatusSeeOther, forumNext(e, "/forums/t/"+thread.Id))
}

// forumPostRemove soft-deletes a post: readers see "removed by a
// moderator", its text moves out of their reach (the hook), and its open
// reports are resolved.
func (u *portal) forumPostRemove(e *core.RequestEvent) error {
	return u.forumPostSetDeleted(e, true, "flash.forum_post_removed")
}

// forumPostRestore brings a removed post back.
func (u *portal) forumPostRestore(e *core.RequestEvent) error {
	return u.forumPostSetDeleted(e, false, "flash.forum_post_restored")
}

func (u *portal) forumPostSetDeleted(e *core.RequestEvent, deleted bool, flash string) error {
	post, err := forumFind(e, "forum_posts")
	if err != nil {
		return err
	}
	if err := forumUpdate(e, post, map[string]any{"deleted": deleted}); err != nil {
		return forumRefused(e, err)
	}
	u.setFlash(e, flash)
	return e.Redirect(http.StatusSeeOther, forumNext(e, "/forums/p/"+post.Id))
}

// ForumReportView is one report in the moderators' queue.
type ForumReportView struct {
	ID, Reason, Reporter string
	Created              time.Time
	Resolved             bool
	ResolvedBy           string
	Post                 *ForumPostView
	Thread               *ForumThreadView
}

// forumReportsData is the moderators' queue.
type forumReportsData struct {
	Reports []*ForumReportView
	Pager   Pager
	Status  string // "open" or "resolved"
}

// forumReports lists reports, open ones first by default, newest first,
// with the reported posts and threads resolved through the moderator's
// own access.
func (u *portal) forumReports(e *core.RequestEvent) error {
	info := forumInfo(e, http.MethodGet, nil)
	q := e.Request.URL.Query()
	errs := map[string]string{}
	_, page := listQuery(u.locale(e), q, errs)
	status := q.Get("status")
	if status == "" {
		status = "open"
	}
	if len(errs) > 0 || (status != "open" && status != "resolved") {
		return e.BadRequestError("", nil)
	}
	list, err := access.ListVisible(e.App, info, "forum_reports", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"forum_reports.resolved": status == "resolved"}},
		Sort:  []string{"-created"}, Page: page, PerPage: 25})
	if err != nil {
		return err
	}
	var postIDs, userIDs []any
	for _, r := range list.Items {
		postIDs = append(postIDs, r.GetString("post"))
		userIDs = append(userIDs, r.GetString("reporter"))
		if id := r.GetString("resolved_by"); id != "" {
			userIDs = append(userIDs, id)
		}
	}
	posts, err := visibleByID(e.App, info, "forum_posts", postIDs)
	if err != nil {
		return err
	}
	var threadIDs []any
	for _, p := range posts {
		threadIDs = append(threadIDs, p.GetString("thread"))
	}
	threads, err := visibleByID(e.App, info, "forum_threads", threadIDs)
	if err != nil {
		return err
	}
	users, err := visibleByID(e.App, info, "users", userIDs)
	if err != nil {
		return err
	}
	name := func(id string) string {
		if u := users[id]; u != nil && u.GetString("name") != "" {
			return u.GetString("name")
		}
		return "—"
	}
	d := &forumReportsData{Status: status}
	for _, r := range list.Items {
		v := &ForumReportView{ID: r.Id, Reason: r.GetString("reason"), Reporter: name(r.GetString("reporter")),
			Created: r.GetDateTime("created").Time(), Resolved: r.GetBool("resolved")}
		if v.Resolved {
			v.ResolvedBy = name(r.GetString("resolved_by"))
		}
		if p := posts[r.GetString("post")]; p != nil {
			v.Post = forumPostView(p, nil, true)
			if t := threads[p.GetString("thread")]; t != nil {
				v.Thread = forumThreadView(t)
			}
		}
		d.Reports = append(d.Reports, v)
	}
	d.Pager = newPager("/forums/reports", map[string]string{"status": q.Get("status")}, page, list.HasMore)
	return u.render(e, http.StatusOK, "forum_reports", &Page{Title: u.t(e, "forums.reports_title"), Data: d})
}

// forumReportResolve closes a report (the reports Update rule: staff).
func (u *portal) forumReportResolve(e *core.RequestEvent) error {
	rep, err := forumFind(e, "forum_reports")
	if err != nil {
		return err
	}
	if err := forumUpdate(e, rep, map[string]any{"resolved": true}); err != nil {
		return forumRefused(e, err)
	}
	u.setFlash(e, "flash.forum_report_resolved")
	return e.Redirect(http.StatusSeeOther, forumNext(e, "/forums/reports"))
}
