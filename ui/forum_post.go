package ui

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
)

// forumFormData is the data of the new-thread, edit and report forms.
type forumFormData struct {
	Category *ForumCategoryView
	Thread   *ForumThreadView
	Post     *ForumPostView
	Cancel   string
	Already  bool // the user already reported this post
}

// forumNewPage is the new-thread form for a visible category the user may
// post in (403 otherwise).
func (u *portal) forumNewPage(e *core.RequestEvent) (*core.Record, *Page, error) {
	cat, err := forumFind(e, "forum_categories")
	if err != nil {
		return nil, nil, err
	}
	ok, err := canStartThread(e, cat)
	if err != nil {
		return nil, nil, err
	}
	if !ok {
		return nil, nil, e.ForbiddenError("", nil)
	}
	d := &forumFormData{Category: forumCategoryView(cat), Cancel: "/forums/c/" + cat.Id}
	return cat, &Page{Title: u.t(e, "forums.new_thread"), Data: d, Errors: map[string]string{}, Values: map[string]string{}}, nil
}

func (u *portal) forumThreadNewShow(e *core.RequestEvent) error {
	_, p, err := u.forumNewPage(e)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "forum_new", p)
}

// forumThreadNewSubmit creates a thread and its first post in one
// transaction through both Create rules: a refusal, a bad field or the
// flood limit leaves neither.
func (u *portal) forumThreadNewSubmit(e *core.RequestEvent) error {
	cat, p, err := u.forumNewPage(e)
	if err != nil {
		return err
	}
	user := getCtx(e).User
	loc := u.locale(e)
	title := formValue(e, "title")
	p.Values["title"] = title
	switch {
	case title == "":
		p.Errors["title"] = tr(loc, "validation.required")
	case utf8.RuneCountInString(title) > forumMaxTitle:
		p.Errors["title"] = tr(loc, "validation.forum_too_long", forumMaxTitle)
	}
	body := forumBody(e, loc, "body", forumMaxBody, p.Errors)
	p.Values["body"] = body
	status := http.StatusBadRequest
	var thread *core.Record
	if len(p.Errors) == 0 {
		tc, err := e.App.FindCachedCollectionByNameOrId("forum_threads")
		if err != nil {
			return err
		}
		pc, err := e.App.FindCachedCollectionByNameOrId("forum_posts")
		if err != nil {
			return err
		}
		thread = core.NewRecord(tc)
		err = e.App.RunInTransaction(func(tx core.App) error {
			if err := access.Create(tx, access.Info(user, http.MethodPost,
				map[string]any{"category": cat.Id, "title": title, "author": user.Id}), thread); err != nil {
				return err
			}
			return access.Create(tx, access.Info(user, http.MethodPost,
				map[string]any{"thread": thread.Id, "author": user.Id, "body": body}), core.NewRecord(pc))
		})
		if err != nil {
			if status, err = u.forumSaveStatus(e, p, err); err != nil {
				return err
			}
			if status == http.StatusForbidden {
				return e.ForbiddenError("", nil)
			}
		}
	}
	if len(p.Errors) > 0 {
		return u.render(e, status, "forum_new", p)
	}
	u.setFlash(e, "flash.forum_thread_created")
	return e.Redirect(http.StatusSeeOther, "/forums/t/"+thread.Id)
}

// forumEditPage is the edit form of a visible post whose author the posts
// Update rule lets change it (403 otherwise: someone else's post, a
// removed post, a locked thread).
func (u *portal) forumEditPage(e *core.RequestEvent) (*core.Record, *Page, error) {
	post, err := forumFind(e, "forum_posts")
	if err != nil {
		return nil, nil, err
	}
	ok, err := access.CanUpdate(e.App, forumInfo(e, http.MethodPatch, map[string]any{"body": post.GetString("body")}), post)
	if err != nil {
		return nil, nil, err
	}
	if !ok || post.GetString("author") != getCtx(e).User.Id {
		return nil, nil, e.ForbiddenError("", nil)
	}
	thread, err := access.FindVisible(e.App, forumInfo(e, http.MethodGet, nil), "forum_threads", post.GetString("thread"))
	if err != nil {
		return nil, nil, err
	}
	d := &forumFormData{Thread: forumThreadView(thread), Post: forumPostView(post, getCtx(e).User, false),
		Cancel: "/forums/p/" + post.Id}
	return post, &Page{Title: u.t(e, "forums.edit_post"), Data: d, Errors: map[string]string{},
		Values: map[string]string{"body": post.GetString("body")}}, nil
}

func (u *portal) forumPostEditShow(e *core.RequestEvent) error {
	_, p, err := u.forumEditPage(e)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "forum_post_edit", p)
}

// forumPostEditSubmit saves the author's new text; the hook marks the post
// edited.
func (u *portal) forumPostEditSubmit(e *core.RequestEvent) error {
	post, p, err := u.forumEditPage(e)
	if err != nil {
		return err
	}
	body := forumBody(e, u.locale(e), "body", forumMaxBody, p.Errors)
	p.Values["body"] = body
	status := http.StatusBadRequest
	if len(p.Errors) == 0 {
		if err := forumUpdate(e, post, map[string]any{"body": body}); err != nil {
			if status, err = u.forumSaveStatus(e, p, err); err != nil {
				return err
			}
			if status == http.StatusForbidden {
				return e.ForbiddenError("", nil)
			}
		}
	}
	if len(p.Errors) > 0 {
		return u.render(e, status, "forum_post_edit", p)
	}
	u.setFlash(e, "flash.forum_post_saved")
	return e.Redirect(http.StatusSeeOther, "/forums/p/"+post.Id)
}

// forumReportPage is the report form of a visible post.
func (u *portal) forumReportPage(e *core.RequestEvent) (*core.Record, *Page, error) {
	post, err := forumFind(e, "forum_posts")
	if err != nil {
		return nil, nil, err
	}
	info := forumInfo(e, http.MethodGet, nil)
	thread, err := access.FindVisible(e.App, info, "forum_threads", post.GetString("thread"))
	if err != nil {
		return nil, nil, err
	}
	mine, err := access.ListVisible(e.App, info, "forum_reports", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"forum_reports.post": post.Id, "forum_reports.reporter": getCtx(e).User.Id}}, PerPage: 1})
	if err != nil {
		return nil, nil, err
	}
	d := &forumFormData{Thread: forumThreadView(thread), Post: forumPostView(post, getCtx(e).User, false),
		Cancel: "/forums/p/" + post.Id, Already: len(mine.Items) > 0}
	return post, &Page{Title: u.t(e, "forums.report_title"), Data: d, Errors: map[string]string{}, Values: map[string]string{}}, nil
}

func (u *portal) forumReportShow(e *core.RequestEvent) error {
	_, p, err := u.forumReportPage(e)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "forum_report", p)
}

// forumReportSubmit reports a post to the moderators, once per person.
func (u *portal) forumReportSubmit(e *core.RequestEvent) error {
	post, p, err := u.forumReportPage(e)
	if err != nil {
		return err
	}
	d := p.Data.(*forumFormData)
	loc := u.locale(e)
	reason := formValue(e, "reason")
	p.Values["reason"] = reason
	switch {
	case d.Already:
		p.FormErr = tr(loc, "forums.already_reported")
		return u.render(e, http.StatusConflict, "forum_report", p)
	case reason == "":
		p.Errors["reason"] = tr(loc, "validation.required")
	case utf8.RuneCountInString(reason) > forumMaxReason:
		p.Errors["reason"] = tr(loc, "validation.forum_too_long", forumMaxReason)
	}
	status := http.StatusBadRequest
	if len(p.Errors) == 0 {
		user := getCtx(e).User
		c, err := e.App.FindCachedCollectionByNameOrId("forum_reports")
		if err != nil {
			return err
		}
		err = e.App.RunInTransaction(func(tx core.App) error {
			return access.Create(tx, access.Info(user, http.MethodPost,
				map[string]any{"post": post.Id, "reporter": user.Id, "reason": strings.TrimSpace(reason)}), core.NewRecord(c))
		})
		if err != nil {
			if status, err = u.forumSaveStatus(e, p, err); err != nil {
				return err
			}
			if status == http.StatusForbidden {
				return e.ForbiddenError("", nil)
			}
		}
	}
	if len(p.Errors) > 0 {
		return u.render(e, status, "forum_report", p)
	}
	u.setFlash(e, "flash.forum_reported")
	return e.Redirect(http.StatusSeeOther, "/forums/p/"+post.Id)
}
