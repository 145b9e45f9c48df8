package ui

import (
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"
	"unicode/utf8"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/roles"
)

// forumRoutes binds the forums pages: in for signed-in users, staff for
// vendor staff only, g for guests too. Every read and write goes through
// the forum collections' own rules (internal/access); the role groups only
// keep staff tools out of partners' way.
func (u *portal) forumRoutes(g, in, staff *router.RouterGroup[*core.RequestEvent]) {
	in.GET("/forums", u.forumIndex)
	in.GET("/forums/c/{id}", u.forumCategory)
	in.GET("/forums/c/{id}/new", u.forumThreadNewShow)
	in.POST("/forums/c/{id}/new", u.forumThreadNewSubmit)
	in.GET("/forums/t/{id}", u.forumThread)
	in.POST("/forums/t/{id}/reply", u.forumReply)
	in.POST("/forums/t/{id}/follow", u.forumFollow)
	in.POST("/forums/t/{id}/solved", u.forumSolved)
	in.GET("/forums/p/{id}", u.forumPostGo)
	in.GET("/forums/p/{id}/edit", u.forumPostEditShow)
	in.POST("/forums/p/{id}/edit", u.forumPostEditSubmit)
	in.GET("/forums/p/{id}/report", u.forumReportShow)
	in.POST("/forums/p/{id}/report", u.forumReportSubmit)

	staff.POST("/forums/t/{id}/moderate", u.forumModerate)
	staff.POST("/forums/p/{id}/remove", u.forumPostRemove)
	staff.POST("/forums/p/{id}/restore", u.forumPostRestore)
	staff.GET("/forums/reports", u.forumReports)
	staff.POST("/forums/reports/{id}/resolve", u.forumReportResolve)
	staff.GET("/forums/categories/new", u.forumCategoryNewShow)
	staff.POST("/forums/categories/new", u.forumCategoryNewSubmit)
	staff.GET("/forums/c/{id}/edit", u.forumCategoryEditShow)
	staff.POST("/forums/c/{id}/edit", u.forumCategoryEditSubmit)
}

// Forum page sizes.
const (
	forumPostsPerPage   = 20
	forumThreadsPerPage = 25
	// forumMaxBody mirrors the posts' body limit (characters).
	forumMaxBody   = 50000
	forumMaxTitle  = 200
	forumMaxReason = 1000
)

// forumRateLimitedCode is the validation code of the forum hooks' flood
// limit (hooks.CodeForumRateLimited), answered with 429.
const forumRateLimitedCode = "validation_forum_rate_limited"

// ForumAuthorView is who wrote a thread or post, as the record carries it:
// the name, the organisation, and whether they are vendor staff.
type ForumAuthorView struct {
	Name, Organisation string
	Staff              bool
}

func forumAuthor(r *core.Record) ForumAuthorView {
	a := ForumAuthorView{Name: r.GetString("author_name"), Organisation: r.GetString("organisation"), Staff: r.GetBool("by_staff")}
	if a.Name == "" {
		a.Name = "—"
	}
	return a
}

// ForumCategoryView is a category with its figures.
type ForumCategoryView struct {
	ID, Name, Description, Audience string
	Order, Threads, Posts           int
	StaffOnly                       bool
	LastActivity                    time.Time
}

func forumCategoryView(r *core.Record) *ForumCategoryView {
	return &ForumCategoryView{
		ID: r.Id, Name: r.GetString("name"), Description: r.GetString("description"), Audience: r.GetString("audience"),
		Order: r.GetInt("order"), Threads: r.GetInt("thread_count"), Posts: r.GetInt("post_count"),
		StaffOnly: r.GetBool("staff_only_posting"), LastActivity: r.GetDateTime("last_activity").Time(),
	}
}

// ForumThreadView is a thread in a list or on its page.
type ForumThreadView struct {
	ID, CategoryID, Title  string
	Author                 ForumAuthorView
	Pinned, Locked, Solved bool
	Posts, Pages           int
	Created, LastActivity  time.Time
}

func forumThreadView(r *core.Record) *ForumThreadView {
	v := &ForumThreadView{
		ID: r.Id, CategoryID: r.GetString("category"), Title: r.GetString("title"), Author: forumAuthor(r),
		Pinned: r.GetBool("pinned"), Locked: r.GetBool("locked"), Solved: r.GetBool("solved"),
		Posts: r.GetInt("post_count"), Created: r.GetDateTime("created").Time(),
		LastActivity: r.GetDateTime("last_activity").Time(),
	}
	v.Pages = forumPages(v.Posts)
	return v
}

// forumPages is how many pages a thread of n posts has (at least one).
func forumPages(n int) int { return max(1, (n+forumPostsPerPage-1)/forumPostsPerPage) }

// ForumPostView is a post as the thread page shows it. Body is the stored,
// sanitised HTML; a removed post has none.
type ForumPostView struct {
	ID, AuthorID    string
	Number          int
	Author          ForumAuthorView
	Body            template.HTML
	Created, Edited time.Time
	Removed, Mine   bool
	CanEdit         bool
}

func forumPostView(r *core.Record, viewer *core.Record, locked bool) *ForumPostView {
	v := &ForumPostView{
		ID: r.Id, AuthorID: r.GetString("author"), Author: forumAuthor(r), Created: r.GetDateTime("created").Time(),
		Edited: r.GetDateTime("edited").Time(), Removed: r.GetBool("deleted"),
	}
	if !v.Removed {
		v.Body = template.HTML(r.GetString("body_html"))
	}
	v.Mine = viewer != nil && v.AuthorID == viewer.Id
	// The edit link mirrors the posts Update rule for the author; the rule
	// itself decides when the form is sent.
	v.CanEdit = v.Mine && !v.Removed && !locked
	return v
}

// forumInfo is the signed-in user's request info for rules.
func forumInfo(e *core.RequestEvent, method string, body map[string]any) *core.RequestInfo {
	return access.Info(getCtx(e).User, method, body)
}

// forumFind loads a record in the path's id through the collection's View
// rule; a record the user may not see is a 404.
func forumFind(e *core.RequestEvent, collection string) (*core.Record, error) {
	id := e.Request.PathValue("id")
	if !recordID.MatchString(id) {
		return nil, e.NotFoundError("", nil)
	}
	rec, err := access.FindVisible(e.App, forumInfo(e, http.MethodGet, nil), collection, id)
	if errors.Is(err, access.ErrNotFound) {
		return nil, e.NotFoundError("", err)
	}
	return rec, err
}

// forumBody reads a Markdown field as typed (only invalid UTF-8 and
// carriage returns removed: indentation is Markdown) and checks it is
// neither empty nor over the limit.
func forumBody(e *core.RequestEvent, loc, field string, max int, errs map[string]string) string {
	v := strings.ReplaceAll(e.Request.PostFormValue(field), "\r\n", "\n")
	if !utf8.ValidString(v) {
		v = strings.ToValidUTF8(v, "")
	}
	switch {
	case strings.TrimSpace(v) == "":
		errs[field] = tr(loc, "validation.required")
	case utf8.RuneCountInString(v) > max:
		errs[field] = tr(loc, "validation.forum_too_long", max)
	}
	return v
}

// forumSaveStatus turns a failed save into field errors in p and the status
// to answer with: 429 for the flood limit, 400 for other validation
// errors. Refusals by a rule and anything else are returned as errors.
func (u *portal) forumSaveStatus(e *core.RequestEvent, p *Page, err error) (int, error) {
	if errors.Is(err, access.ErrForbidden) {
		return http.StatusForbidden, nil
	}
	msgs, ok := validationMessages(u.locale(e), err)
	if !ok {
		return 0, err
	}
	for k, v := range msgs {
		p.Errors[k] = v
	}
	var verrs validation.Errors
	if errors.As(err, &verrs) {
		for _, fe := range verrs {
			var ve validation.Error
			if errors.As(fe, &ve) && ve.Code() == forumRateLimitedCode {
				return http.StatusTooManyRequests, nil
			}
		}
	}
	return http.StatusBadRequest, nil
}

// forumUpdate applies body to rec through its collection's Update rule in
// one transaction, re-reading it first; the user is the change's actor
// (for deleted_by and resolved_by).
func forumUpdate(e *core.RequestEvent, rec *core.Record, body map[string]any) error {
	_, err := updateWithEvent(e, rec, body, "")
	return err
}

// forumRefused answers a write the rule refused: 403.
func forumRefused(e *core.RequestEvent, err error) error {
	if errors.Is(err, access.ErrForbidden) {
		return e.ForbiddenError("", err)
	}
	return err
}

// forumNext is a local forum path to return to after an action, or
// fallback.
func forumNext(e *core.RequestEvent, fallback string) string {
	next := e.Request.PostFormValue("next")
	u, err := url.Parse(next)
	if err != nil || safeNext(next) != next || u.Scheme != "" || u.Host != "" || u.RawPath != "" ||
		path.Clean(u.Path) != u.Path || (u.Path != "/forums" && !strings.HasPrefix(u.Path, "/forums/")) {
		return fallback
	}
	return next
}

// isForumStaff says whether the user moderates the forums.
func isForumStaff(user *core.Record) bool { return roles.IsStaff(roles.Of(user)) }
