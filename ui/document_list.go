package ui

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/documents"
)

// libraryData is the library page's data.
type libraryData struct {
	Folders   []*FolderView
	FolderOpt []*FolderView
	Folder    *FolderView
	Docs      []*DocumentView
	Pager     Pager
	Kinds     []string
	Statuses  []string
	Filtered  bool
	CanCreate bool
	// Since is when the badges count from: the user's previous visit.
	Since time.Time
}

// libraryFilter is the library's validated query.
type libraryFilter struct {
	Q, Folder, Tag, Kind, Since, Status string
	Page                                int
}

func (f libraryFilter) filters() map[string]string {
	return map[string]string{"q": f.Q, "folder": f.Folder, "tag": f.Tag, "kind": f.Kind, "since": f.Since, "status": f.Status}
}

// libraryVisitGap is how long a pause starts a new visit: badges mark what
// changed since the previous visit, not since the previous page view.
const libraryVisitGap = 30 * time.Minute

func (u *portal) documentList(e *core.RequestEvent) error {
	c := getCtx(e)
	loc := u.locale(e)
	info := access.Info(c.User, http.MethodGet, nil)
	staff := canManageDocuments(c.User)
	errs := map[string]string{}
	q := e.Request.URL.Query()
	f := libraryFilter{Folder: q.Get("folder"), Tag: strings.TrimSpace(q.Get("tag")), Kind: q.Get("kind"),
		Since: q.Get("since"), Status: q.Get("status")}
	f.Q, f.Page = listQuery(loc, q, errs)

	d := &libraryData{Kinds: documents.Kinds, CanCreate: staff}
	if staff {
		d.Statuses = documents.Statuses
	}
	p := &Page{Title: u.t(e, "documents.title"), Data: d, Errors: errs, Values: f.filters()}
	roots, folders, err := loadFolders(e.App, info)
	if err != nil {
		return err
	}
	d.Folders, d.FolderOpt = roots, flattenFolders(roots)

	var where []dbx.Expression
	if f.Folder != "" {
		if fv := folders[f.Folder]; fv != nil {
			d.Folder = fv
			fv.Active = true
			where = append(where, folderExpr(folderAndDescendants(fv)))
		} else {
			errs["folder"] = tr(loc, "validation.invalid")
		}
	}
	if f.Tag != "" {
		if !utf8.ValidString(f.Tag) || utf8.RuneCountInString(f.Tag) > documents.MaxTagLength {
			errs["tag"] = tr(loc, "validation.invalid")
		} else {
			where = append(where, tagExpr(f.Tag))
		}
	}
	if f.Kind != "" {
		if !slices.Contains(documents.Kinds, f.Kind) {
			errs["kind"] = tr(loc, "validation.invalid")
		} else {
			where = append(where, dbx.HashExp{"documents.kind": f.Kind})
		}
	}
	if f.Since != "" {
		t, err := time.Parse(time.DateOnly, f.Since)
		if err != nil {
			errs["since"] = tr(loc, "validation.invalid_date")
		} else {
			where = append(where, dbx.NewExp("documents.revised >= {:since}", dbx.Params{"since": t.UTC().Format("2006-01-02 15:04:05.000Z")}))
		}
	}
	switch {
	case f.Status == "":
		if staff {
			// Archived documents stay out of the way unless asked for.
			where = append(where, dbx.Not(dbx.HashExp{"documents.status": "archived"}))
		}
	case staff && slices.Contains(documents.Statuses, f.Status):
		where = append(where, dbx.HashExp{"documents.status": f.Status})
	default:
		errs["status"] = tr(loc, "validation.invalid")
	}
	if f.Q != "" {
		where = append(where, dbx.Or(access.Contains("documents.title", f.Q),
			access.Contains("documents.description", f.Q), access.Contains("documents.tags", f.Q)))
	}
	if len(errs) > 0 {
		return u.render(e, http.StatusBadRequest, "document_list", p)
	}
	d.Filtered = len(where) > 0 && !(staff && f.Status == "" && len(where) == 1)

	page, err := access.ListVisible(e.App, info, "documents", access.ListOptions{
		Where: where, Sort: []string{"-revised"}, Page: f.Page, PerPage: 20})
	if err != nil {
		return err
	}
	d.Since = u.libraryVisit(e)
	privateNames, err := privatePartnerNames(e.App, info, page.Items)
	if err != nil {
		return err
	}
	for _, r := range page.Items {
		v := documentView(r, folders)
		v.Private = privateNames[v.PrivateID]
		markFresh(v, d.Since)
		d.Docs = append(d.Docs, v)
	}
	d.Pager = newPager("/documents", f.filters(), f.Page, page.HasMore)
	return u.render(e, http.StatusOK, "document_list", p)
}

// markFresh sets the "new" and "updated" badges relative to since (no badges
// on a first visit, when everything would be new).
func markFresh(v *DocumentView, since time.Time) {
	if since.IsZero() {
		return
	}
	switch {
	case v.Published.After(since):
		v.IsNew = true
	case v.Revised.After(since):
		v.IsUpdated = true
	}
}

// folderExpr matches documents in any of the folders. The unary + keeps
// SQLite from choosing the folder index: a folder with its subfolders holds
// thousands of documents, which it would then sort; walking the revised
// index newest first stops after one page of matches.
func folderExpr(ids []any) dbx.Expression {
	params := dbx.Params{}
	names := make([]string, len(ids))
	base := tagSeq.Add(1)
	for i, id := range ids {
		n := fmt.Sprintf("folder%d_%d", base, i)
		params[n] = id
		names[i] = "{:" + n + "}"
	}
	return dbx.NewExp("+documents.folder IN ("+strings.Join(names, ", ")+")", params)
}

// tagSeq numbers tag parameters so two in one query never clash.
var tagSeq atomic.Uint64

// tagExpr matches documents carrying tag (case-insensitively).
func tagExpr(tag string) dbx.Expression {
	name := fmt.Sprintf("tag%d", tagSeq.Add(1))
	return dbx.NewExp("EXISTS (SELECT 1 FROM json_each(documents.tags) WHERE lower(json_each.value) = lower({:"+name+"}))",
		dbx.Params{name: tag})
}

// privatePartnerNames names the partners of private documents, through the
// viewer's partners List rule.
func privatePartnerNames(app core.App, info *core.RequestInfo, recs []*core.Record) (map[string]string, error) {
	var ids []any
	for _, r := range recs {
		if p := r.GetString("partner"); p != "" {
			ids = append(ids, p)
		}
	}
	ps, err := visibleByID(app, info, "partners", ids)
	if err != nil {
		return nil, err
	}
	out := map[string]string{}
	for id, p := range ps {
		out[id] = p.GetString("name")
	}
	return out, nil
}

// libraryVisit returns when the user's previous library visit began (zero on
// a first visit) and records this one. The user's own bookkeeping columns are
// written directly: no rule or hook has a say in them, and a page view must
// not bump the user's token key or updated time.
func (u *portal) libraryVisit(e *core.RequestEvent) time.Time {
	user := getCtx(e).User
	var row struct {
		Visit string `db:"library_visit"`
		Seen  string `db:"library_seen"`
	}
	if err := e.App.DB().Select("library_visit", "library_seen").From("users").
		Where(dbx.HashExp{"id": user.Id}).One(&row); err != nil {
		return time.Time{}
	}
	parse := func(s string) time.Time {
		t, _ := time.Parse("2006-01-02 15:04:05.000Z", s)
		return t
	}
	visit, seen := parse(row.Visit), parse(row.Seen)
	n := now()
	if !visit.IsZero() && n.Sub(visit) < libraryVisitGap {
		// The same visit: keep the baseline, extend the visit now and then.
		if n.Sub(visit) > time.Minute {
			_, _ = e.App.DB().Update("users", dbx.Params{"library_visit": n.Format("2006-01-02 15:04:05.000Z")},
				dbx.HashExp{"id": user.Id}).Execute()
		}
		return seen
	}
	_, err := e.App.DB().Update("users", dbx.Params{
		"library_visit": n.Format("2006-01-02 15:04:05.000Z"),
		"library_seen":  row.Visit,
	}, dbx.HashExp{"id": user.Id}).Execute()
	if err != nil {
		e.App.Logger().Warn("recording a library visit", "error", err)
	}
	return visit
}
