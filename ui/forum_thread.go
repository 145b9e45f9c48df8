package ui

import (
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"strconv"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
)

// forumThreadData is a thread's page.
type forumThreadData struct {
	Category  *ForumCategoryView
	Thread    *ForumThreadView
	Posts     []*ForumPostView
	Page      int
	FirstURL  string
	PrevURL   string
	NextURL   string
	LastURL   string
	Following bool
	// CanReply is the posts Create rule's answer; NoReply says why not.
	CanReply  bool
	NoReply   string
	CanSolve  bool
	IsStaff   bool
	ThreadURL string
	// Here is this page's address, for forms to come back to.
	Here string
}

// forumThread shows one page of a thread, oldest post first.
func (u *portal) forumThread(e *core.RequestEvent) error {
	thread, err := forumFind(e, "forum_threads")
	if err != nil {
		return err
	}
	errs := map[string]string{}
	_, page := listQuery(u.locale(e), e.Request.URL.Query(), errs)
	if len(errs) > 0 {
		return e.BadRequestError("", nil)
	}
	p := &Page{Errors: map[string]string{}, Values: map[string]string{}}
	return u.forumThreadRender(e, thread, page, http.StatusOK, p)
}

// forumThreadRender renders page of thread into p with status (a reply
// form with errors is shown on the thread's page).
func (u *portal) forumThreadRender(e *core.RequestEvent, thread *core.Record, page, status int, p *Page) error {
	user := getCtx(e).User
	info := forumInfo(e, http.MethodGet, nil)
	cat, err := access.FindVisible(e.App, info, "forum_categories", thread.GetString("category"))
	if err != nil {
		return err
	}
	d := &forumThreadData{Category: forumCategoryView(cat), Thread: forumThreadView(thread), Page: page,
		IsStaff: isForumStaff(user), ThreadURL: "/forums/t/" + thread.Id}
	if page > d.Thread.Pages {
		return e.NotFoundError("", nil)
	}
	where := []dbx.Expression{dbx.HashExp{"forum_posts.thread": thread.Id}}
	skip := 0
	if page > 1 {
		from, ties, err := forumPageStart(e.App, thread.Id, (page-1)*forumPostsPerPage)
		if errors.Is(err, sql.ErrNoRows) {
			return e.NotFoundError("", err)
		}
		if err != nil {
			return err
		}
		where = append(where, dbx.NewExp("forum_posts.created >= {:pagefrom}", dbx.Params{"pagefrom": from}))
		skip = ties
	}
	posts, err := access.ListVisible(e.App, info, "forum_posts", access.ListOptions{
		Where: where, Sort: []string{"created"}, Page: 1, PerPage: forumPostsPerPage + skip})
	if err != nil {
		return err
	}
	posts.Items = posts.Items[min(skip, len(posts.Items)):]
	for i, r := range posts.Items {
		v := forumPostView(r, user, d.Thread.Locked)
		v.Number = (page-1)*forumPostsPerPage + i + 1
		d.Posts = append(d.Posts, v)
	}
	pageURL := func(n int) string {
		if n <= 1 {
			return d.ThreadURL
		}
		return d.ThreadURL + "?page=" + strconv.Itoa(n)
	}
	d.Here = pageURL(page)
	if page > 1 {
		d.FirstURL, d.PrevURL = pageURL(1), pageURL(page-1)
	}
	if page < d.Thread.Pages || posts.HasMore {
		d.NextURL, d.LastURL = pageURL(page+1), pageURL(max(d.Thread.Pages, page+1))
	}
	follows, err := access.ListVisible(e.App, info, "forum_follows", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"forum_follows.thread": thread.Id, "forum_follows.user": user.Id}}, PerPage: 1})
	if err != nil {
		return err
	}
	d.Following = len(follows.Items) > 0
	if d.CanReply, err = canReply(e, thread); err != nil {
		return err
	}
	if !d.CanReply {
		switch {
		case d.Thread.Locked:
			d.NoReply = u.t(e, "forums.locked_note")
		case d.Category.StaffOnly:
			d.NoReply = u.t(e, "forums.staff_only_note")
		default:
			d.NoReply = u.t(e, "forums.no_reply_note")
		}
	}
	if d.CanSolve, err = access.CanUpdate(e.App, forumInfo(e, http.MethodPatch, map[string]any{"solved": !d.Thread.Solved}), thread); err != nil {
		return err
	}
	p.Title = d.Thread.Title
	if page > 1 {
		p.Title = u.t(e, "forums.title_page", d.Thread.Title, page)
	}
	p.Data = d
	return u.render(e, status, "forum_thread", p)
}

// forumPageStart finds where a page of a thread starts: the creation time
// of the post at offset, and how many posts created at that same moment
// come before it. The thread page then reads its posts from there instead
// of skipping offset rows: the rule's joins make SQLite compare whole rows
// for DISTINCT, which on the last page of a 2,000-post thread means
// sorting 2,000 bodies. Both queries read only the (thread, created) index
// and reveal nothing the thread's post count does not: the caller has
// already seen the thread through its View rule, every post of a thread
// shares its category's visibility, and the page's posts are still read
// through the posts List rule.
func forumPageStart(app core.App, threadID string, offset int) (from string, ties int, err error) {
	err = app.DB().NewQuery("SELECT created FROM forum_posts WHERE thread = {:t} ORDER BY created LIMIT 1 OFFSET {:o}").
		Bind(dbx.Params{"t": threadID, "o": offset}).Row(&from)
	if err != nil {
		return "", 0, err
	}
	var before int
	err = app.DB().NewQuery("SELECT COUNT(*) FROM forum_posts WHERE thread = {:t} AND created < {:c}").
		Bind(dbx.Params{"t": threadID, "c": from}).Row(&before)
	return from, offset - before, err
}

// canReply asks the posts Create rule whether the user may reply.
func canReply(e *core.RequestEvent, thread *core.Record) (bool, error) {
	c, err := e.App.FindCachedCollectionByNameOrId("forum_posts")
	if err != nil {
		return false, err
	}
	user := getCtx(e).User
	body := map[string]any{"thread": thread.Id, "author": user.Id, "body": "?"}
	r := core.NewRecord(c)
	for k, v := range body {
		r.Set(k, v)
	}
	return access.CanCreate(e.App, access.Info(user, http.MethodPost, body), r)
}

// forumReply adds a post to a thread through the posts Create rule. A
// thread the user may not see is a 404, a locked thread or a staff-only
// category a 403, flooding a 429; the page keeps what was typed.
func (u *portal) forumReply(e *core.RequestEvent) error {
	thread, err := forumFind(e, "forum_threads")
	if err != nil {
		return err
	}
	user := getCtx(e).User
	loc := u.locale(e)
	p := &Page{Errors: map[string]string{}, Values: map[string]string{}}
	body := forumBody(e, loc, "body", forumMaxBody, p.Errors)
	p.Values["body"] = body
	last := forumPages(thread.GetInt("post_count"))
	status := http.StatusBadRequest
	var post *core.Record
	if len(p.Errors) == 0 {
		c, err := e.App.FindCachedCollectionByNameOrId("forum_posts")
		if err != nil {
			return err
		}
		post = core.NewRecord(c)
		err = e.App.RunInTransaction(func(tx core.App) error {
			return access.Create(tx, access.Info(user, http.MethodPost,
				map[string]any{"thread": thread.Id, "author": user.Id, "body": body}), post)
		})
		if err != nil {
			if status, err = u.forumSaveStatus(e, p, err); err != nil {
				return err
			}
			if status == http.StatusForbidden {
				p.FormErr = u.t(e, "forums.reply_refused")
			}
		}
	}
	if len(p.Errors) > 0 || p.FormErr != "" {
		return u.forumThreadRender(e, thread, last, status, p)
	}
	fresh, err := e.App.FindRecordById("forum_threads", thread.Id)
	if err == nil {
		last = forumPages(fresh.GetInt("post_count"))
	}
	return e.Redirect(http.StatusSeeOther, forumPageURL(thread.Id, last, post.Id))
}

// forumPageURL links a thread's page, at a post when postID is set.
func forumPageURL(threadID string, page int, postID string) string {
	s := "/forums/t/" + threadID
	if page > 1 {
		s += "?page=" + strconv.Itoa(page)
	}
	if postID != "" {
		s += "#p-" + postID
	}
	return s
}

// forumPostGo opens a thread on the page of a post (notifications link
// here): the post's place is counted among the thread's posts before it,
// through the posts List rule and the (thread, created) index.
func (u *portal) forumPostGo(e *core.RequestEvent) error {
	post, err := forumFind(e, "forum_posts")
	if err != nil {
		return err
	}
	created := post.GetDateTime("created").String()
	before, err := access.CountVisible(e.App, forumInfo(e, http.MethodGet, nil), "forum_posts",
		dbx.HashExp{"forum_posts.thread": post.GetString("thread")},
		dbx.NewExp("(forum_posts.created < {:pc} OR (forum_posts.created = {:pc} AND forum_posts.id < {:pid}))",
			dbx.Params{"pc": created, "pid": post.Id}))
	if err != nil {
		return err
	}
	return e.Redirect(http.StatusSeeOther, forumPageURL(post.GetString("thread"), before/forumPostsPerPage+1, post.Id))
}

// forumFollow follows or unfollows a thread (action "follow" or
// "unfollow") through the follows rules.
func (u *portal) forumFollow(e *core.RequestEvent) error {
	thread, err := forumFind(e, "forum_threads")
	if err != nil {
		return err
	}
	user := getCtx(e).User
	info := forumInfo(e, http.MethodGet, nil)
	mine, err := access.ListVisible(e.App, info, "forum_follows", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"forum_follows.thread": thread.Id, "forum_follows.user": user.Id}}, PerPage: 1})
	if err != nil {
		return err
	}
	switch e.Request.PostFormValue("action") {
	case "follow":
		if len(mine.Items) == 0 {
			c, err := e.App.FindCachedCollectionByNameOrId("forum_follows")
			if err != nil {
				return err
			}
			err = access.Create(e.App, access.Info(user, http.MethodPost,
				map[string]any{"thread": thread.Id, "user": user.Id}), core.NewRecord(c))
			if err != nil {
				return forumRefused(e, err)
			}
		}
		u.setFlash(e, "flash.forum_following")
	case "unfollow":
		for _, f := range mine.Items {
			ok, err := access.CanDelete(e.App, forumInfo(e, http.MethodDelete, nil), f)
			if err != nil {
				return err
			}
			if !ok {
				return e.ForbiddenError("", nil)
			}
			if err := e.App.Delete(f); err != nil {
				return err
			}
		}
		u.setFlash(e, "flash.forum_unfollowed")
	default:
		return e.BadRequestError("", fmt.Errorf("unknown follow action"))
	}
	return e.Redirect(http.StatusSeeOther, forumNext(e, "/forums/t/"+thread.Id))
}

// forumSolved marks a thread solved or not (its author or a moderator, as
// the threads Update rule says).
func (u *portal) forumSolved(e *core.RequestEvent) error {
	thread, err := forumFind(e, "forum_threads")
	if err != nil {
		return err
	}
	solved := e.Request.PostFormValue("solved") == "1"
	if err := forumUpdate(e, thread, map[string]any{"solved": solved}); err != nil {
		return forumRefused(e, err)
	}
	if solved {
		u.setFlash(e, "flash.forum_solved")
	} else {
		u.setFlash(e, "flash.forum_unsolved")
	}
	return e.Redirect(http.StatusSeeOther, forumNext(e, "/forums/t/"+thread.Id))
}
