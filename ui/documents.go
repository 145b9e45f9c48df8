package ui

import (
	"errors"
	"html/template"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/documents"
	"github.com/ponte-portal/ponte/internal/roles"
)

// DocumentView is a document as the library and its page show it.
type DocumentView struct {
	ID, Title, Status, Kind, Audience string
	Description                       template.HTML
	Folder                            *FolderView
	Tags                              []string
	Size                              int64
	Versions                          int
	Revised, Published                time.Time
	RequiresAck                       bool
	// Private names the partner a private document belongs to ("" when
	// shared, or when the viewer may not see that partner).
	Private, PrivateID string
	IsNew, IsUpdated   bool
	CurrentVersion     string
}

// FolderView is one folder of the library's tree.
type FolderView struct {
	ID, Name, Parent string
	Depth, Order     int
	Children         []*FolderView
	Active, Open     bool
}

// VersionView is one version in a document's history.
type VersionView struct {
	ID, Filename, Notes, Mime, SHA256 string
	Number, RestoredFrom              int
	Size                              int64
	Created                           time.Time
	By                                string // uploader's name, "" when not visible
	Current                           bool
}

func documentView(r *core.Record, folders map[string]*FolderView) *DocumentView {
	v := &DocumentView{
		ID: r.Id, Title: r.GetString("title"), Status: r.GetString("status"), Kind: r.GetString("kind"),
		Audience: r.GetString("audience"), Tags: documents.Tags(r.Get("tags")), Size: int64(r.GetInt("size")),
		Versions: r.GetInt("version_count"), Revised: r.GetDateTime("revised").Time(),
		Published: r.GetDateTime("published").Time(), RequiresAck: r.GetBool("requires_acknowledgement"),
		PrivateID: r.GetString("partner"), CurrentVersion: r.GetString("current_version"),
	}
	if f := folders[r.GetString("folder")]; f != nil {
		v.Folder = f
	}
	if v.Kind == "" {
		v.Kind = "other"
	}
	return v
}

// loadFolders reads the visible folder tree: the roots in order, and every
// folder by id.
func loadFolders(app core.App, info *core.RequestInfo) ([]*FolderView, map[string]*FolderView, error) {
	page, err := access.ListVisible(app, info, "document_folders", access.ListOptions{Sort: []string{"order", "name"}, PerPage: 200})
	if err != nil {
		return nil, nil, err
	}
	byID := map[string]*FolderView{}
	for _, r := range page.Items {
		byID[r.Id] = &FolderView{ID: r.Id, Name: r.GetString("name"), Parent: r.GetString("parent"), Order: r.GetInt("order")}
	}
	var roots []*FolderView
	for _, r := range page.Items {
		f := byID[r.Id]
		if p := byID[f.Parent]; p != nil && p != f {
			p.Children = append(p.Children, f)
		} else {
			roots = append(roots, f)
		}
	}
	var depth func([]*FolderView, int)
	depth = func(fs []*FolderView, d int) {
		for _, f := range fs {
			f.Depth = d
			if d < 8 {
				depth(f.Children, d+1)
			}
		}
	}
	depth(roots, 0)
	return roots, byID, nil
}

// flattenFolders lists a tree depth-first, for indented select boxes.
func flattenFolders(roots []*FolderView) []*FolderView {
	var out []*FolderView
	var walk func([]*FolderView)
	walk = func(fs []*FolderView) {
		for _, f := range fs {
			out = append(out, f)
			if f.Depth < 8 {
				walk(f.Children)
			}
		}
	}
	walk(roots)
	return out
}

// folderAndDescendants returns the ids of a folder and every folder below it.
func folderAndDescendants(f *FolderView) []any {
	ids := []any{f.ID}
	if f.Depth < 8 {
		for _, c := range f.Children {
			ids = append(ids, folderAndDescendants(c)...)
		}
	}
	return ids
}

// Indent is the prefix that shows a folder's depth in a select box.
func (f *FolderView) Indent() string { return strings.Repeat("— ", f.Depth) }

// visibleDocument loads the document in the path through its View rule.
func visibleDocument(e *core.RequestEvent) (*core.Record, *core.RequestInfo, error) {
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	rec, err := access.FindVisible(e.App, info, "documents", e.Request.PathValue("id"))
	if errors.Is(err, access.ErrNotFound) {
		return nil, nil, e.NotFoundError("", err)
	}
	return rec, info, err
}

// managedDocument loads the document in the path and checks that the
// documents Update rule lets the user change it.
func managedDocument(e *core.RequestEvent) (*core.Record, error) {
	rec, _, err := visibleDocument(e)
	if err != nil {
		return nil, err
	}
	ok, err := access.CanUpdate(e.App, access.Info(getCtx(e).User, http.MethodPatch, nil), rec)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, e.ForbiddenError("", errors.New("document not editable by this user"))
	}
	return rec, nil
}

// documentVersions lists a document's versions visible to the user, newest
// first, with uploader names resolved through the user's own access.
func documentVersions(app core.App, info *core.RequestInfo, doc *core.Record, page, perPage int) ([]*VersionView, bool, error) {
	p, err := access.ListVisible(app, info, "document_versions", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"document_versions.document": doc.Id}},
		Sort:  []string{"-number"}, Page: page, PerPage: perPage,
	})
	if err != nil {
		return nil, false, err
	}
	var uploaderIDs []any
	sources := map[string]bool{}
	for _, r := range p.Items {
		if id := r.GetString("uploaded_by"); id != "" {
			uploaderIDs = append(uploaderIDs, id)
		}
		if s := r.GetString("content_of"); s != "" {
			sources[s] = true
		}
	}
	uploaders, err := visibleByID(app, info, "users", uploaderIDs)
	if err != nil {
		return nil, false, err
	}
	srcNumbers := map[string]int{}
	if len(sources) > 0 {
		ids := make([]any, 0, len(sources))
		for id := range sources {
			ids = append(ids, id)
		}
		srcs, err := visibleByID(app, info, "document_versions", ids)
		if err != nil {
			return nil, false, err
		}
		for id, r := range srcs {
			srcNumbers[id] = r.GetInt("number")
		}
	}
	out := make([]*VersionView, 0, len(p.Items))
	for _, r := range p.Items {
		v := &VersionView{
			ID: r.Id, Number: r.GetInt("number"), Filename: r.GetString("filename"), Notes: r.GetString("notes"),
			Mime: r.GetString("mime"), SHA256: r.GetString("sha256"), Size: int64(r.GetInt("size")),
			Created: r.GetDateTime("created").Time(), Current: r.Id == doc.GetString("current_version"),
			RestoredFrom: srcNumbers[r.GetString("content_of")],
		}
		if up := uploaders[r.GetString("uploaded_by")]; up != nil {
			v.By = up.GetString("name")
		}
		out = append(out, v)
	}
	return out, p.HasMore, nil
}

// canManageDocuments says whether the user's role may create documents at
// all (the documents Create rule still judges each one).
func canManageDocuments(user *core.Record) bool {
	return roles.IsStaff(roles.Of(user))
}

// ChangeValue shows a value from a document's metadata history in the
// page's language: statuses, audiences, regions and yes/no are translated,
// names and text are shown as they were.
func (p *Page) ChangeValue(field, value string) string {
	switch field {
	case "status":
		return p.T("documents.status." + value)
	case "audience":
		return p.T("documents.audience." + value)
	case "requires_acknowledgement":
		if value == "true" {
			return p.T("common.yes")
		}
		return p.T("common.no")
	case "audience_regions":
		parts := strings.Split(value, ", ")
		for i, r := range parts {
			parts[i] = p.T("region." + r)
		}
		return strings.Join(parts, ", ")
	}
	return value
}
