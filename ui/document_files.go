package ui

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/documents"
)

// documentVersionUpload adds a new version from the upload form on the
// document page. Errors re-show the page with the message beside the file
// input (413 for a file over the limit).
func (u *portal) documentVersionUpload(e *core.RequestEvent) error {
	user := getCtx(e).User
	rec, err := managedDocument(e)
	if err != nil {
		return err
	}
	file, ferr := uploadedFile(e, "file")
	msg := ""
	switch {
	case ferr != nil:
		msg = u.t(e, "validation.invalid_file")
	case file == nil:
		msg = u.t(e, uploadEmptyKey(e, "file"))
	default:
		err = e.App.RunInTransaction(func(tx core.App) error {
			return createVersion(tx, user, rec, map[string]any{"file": file, "notes": formValue(e, "notes")})
		})
		if errors.Is(err, access.ErrForbidden) {
			return e.ForbiddenError("", err)
		}
		if errs, ok := validationMessages(u.locale(e), err); ok {
			for _, m := range errs {
				msg = m
				break
			}
		} else if err != nil {
			return err
		}
	}
	if msg != "" {
		return u.reshowDocument(e, msg, formValue(e, "notes"))
	}
	u.setFlash(e, "flash.version_uploaded")
	return e.Redirect(http.StatusSeeOther, "/documents/"+rec.Id)
}

// reshowDocument renders the document page again with an upload error.
func (u *portal) reshowDocument(e *core.RequestEvent, msg, notes string) error {
	status := http.StatusBadRequest
	if msg == u.t(e, "validation.file_too_large") {
		status = http.StatusRequestEntityTooLarge
	}
	e.Set(reshowKey, reshow{status: status, msg: msg, notes: notes})
	return u.documentShow(e)
}

// reshowKey carries an upload error into documentShow.
const reshowKey = "ponte.reshow"

type reshow struct {
	status     int
	msg, notes string
}

// documentVersionRestore makes an old version current again by recording a
// new version that shares its bytes: history is never rewritten.
func (u *portal) documentVersionRestore(e *core.RequestEvent) error {
	user := getCtx(e).User
	rec, err := managedDocument(e)
	if err != nil {
		return err
	}
	v, err := versionByNumber(e, rec)
	if err != nil {
		return err
	}
	if v.Id == rec.GetString("current_version") {
		u.setFlash(e, "flash.version_already_current")
		return e.Redirect(http.StatusSeeOther, "/documents/"+rec.Id+"/history")
	}
	err = e.App.RunInTransaction(func(tx core.App) error {
		notes := tr(u.locale(e), "documents.restored_note", v.GetInt("number"))
		return createVersion(tx, user, rec, map[string]any{"content_of": v.Id, "notes": notes})
	})
	if errors.Is(err, access.ErrForbidden) {
		return e.ForbiddenError("", err)
	}
	if errs, ok := validationMessages(u.locale(e), err); ok {
		for _, m := range errs {
			return u.reshowDocument(e, m, "")
		}
	} else if err != nil {
		return err
	}
	u.setFlash(e, "flash.version_restored")
	return e.Redirect(http.StatusSeeOther, "/documents/"+rec.Id+"/history")
}

// versionByNumber loads the version in the path through the versions View
// rule; 404 when it does not exist or is hidden.
func versionByNumber(e *core.RequestEvent, doc *core.Record) (*core.Record, error) {
	n, err := strconv.Atoi(e.Request.PathValue("n"))
	if err != nil || n < 1 {
		return nil, e.NotFoundError("", err)
	}
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	page, err := access.ListVisible(e.App, info, "document_versions", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"document_versions.document": doc.Id, "document_versions.number": n}}, PerPage: 1})
	if err != nil {
		return nil, err
	}
	if len(page.Items) == 0 {
		return nil, e.NotFoundError("", access.ErrNotFound)
	}
	return page.Items[0], nil
}

// inlineTypes may be shown in the browser on request (?inline=1); anything
// else, and HTML, SVG or script above all, is always an attachment.
var inlineTypes = []string{"application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp"}

// documentDownload streams the current version of a document.
func (u *portal) documentDownload(e *core.RequestEvent) error {
	rec, _, err := visibleDocument(e)
	if err != nil {
		return err
	}
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	v, err := access.FindVisible(e.App, info, "document_versions", rec.GetString("current_version"))
	if err != nil {
		return e.NotFoundError("", err)
	}
	return u.streamVersion(e, v)
}

// documentVersionDownload streams one version of a document.
func (u *portal) documentVersionDownload(e *core.RequestEvent) error {
	rec, _, err := visibleDocument(e)
	if err != nil {
		return err
	}
	v, err := versionByNumber(e, rec)
	if err != nil {
		return err
	}
	return u.streamVersion(e, v)
}

// streamVersion sends a version's bytes (the version's own file, or for a
// restored version the file of the version it restored) after the View
// rules have passed, and counts the download.
func (u *portal) streamVersion(e *core.RequestEvent, v *core.Record) error {
	holder := v
	if src := v.GetString("content_of"); src != "" {
		h, err := e.App.FindRecordById("document_versions", src)
		if err != nil || h.GetString("document") != v.GetString("document") {
			return e.NotFoundError("", err)
		}
		holder = h
	}
	file := holder.GetString("file")
	if file == "" {
		return e.NotFoundError("", errors.New("version without a file"))
	}
	fsys, err := e.App.NewFilesystem()
	if err != nil {
		return err
	}
	defer fsys.Close()
	key := holder.BaseFilesPath() + "/" + file
	if ok, err := fsys.Exists(key); err != nil || !ok {
		return e.NotFoundError("", errors.New("version file missing from storage"))
	}
	name := documents.CleanFileName(v.GetString("filename"))
	disposition := "attachment"
	mime, _, _ := strings.Cut(v.GetString("mime"), ";")
	if e.Request.URL.Query().Get("inline") == "1" && slices.Contains(inlineTypes, mime) {
		disposition = "inline"
	}
	h := e.Response.Header()
	h.Set("Content-Disposition", disposition+"; filename=\""+asciiName(name)+"\"; filename*=UTF-8''"+rfc5987(name))
	// Whatever the file holds, it runs nothing on the portal's origin.
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "private, no-cache")
	if activeType(mime) {
		// Markup and script a browser would run is sent as plain bytes.
		mime = "application/octet-stream"
	}
	if mime != "" {
		h.Set("Content-Type", mime)
	}
	// A HEAD, or a resumed download's later range, is not another download.
	if r := e.Request.Header.Get("Range"); e.Request.Method == http.MethodGet && (r == "" || strings.HasPrefix(r, "bytes=0-")) {
		if err := documents.RecordDownload(e.App, getCtx(e).User, v); err != nil {
			e.App.Logger().Warn("counting a download", "error", err)
		}
	}
	return fsys.Serve(e.Response, e.Request, key, name)
}

// activeType says whether a browser would render a type as a document that
// can run script (HTML, SVG and other XML, JavaScript).
func activeType(mime string) bool {
	mime = strings.ToLower(mime)
	return strings.Contains(mime, "html") || strings.HasSuffix(mime, "+xml") || mime == "text/xml" ||
		mime == "application/xml" || strings.Contains(mime, "javascript") || strings.Contains(mime, "ecmascript")
}

// rfc5987 percent-encodes a file name for filename*: every byte but RFC
// 5987's attr-char (url.PathEscape leaves "=", "@" and ":" as they are, which
// strict parsers reject).
func rfc5987(name string) string {
	var b strings.Builder
	for _, c := range []byte(name) {
		if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || strings.IndexByte("!#$&+-.^_`|~", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// asciiName is the plain-ASCII fallback of a file name for old clients.
func asciiName(name string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
}

// documentAcknowledge records that the user has read the current version.
func (u *portal) documentAcknowledge(e *core.RequestEvent) error {
	user := getCtx(e).User
	rec, _, err := visibleDocument(e)
	if err != nil {
		return err
	}
	c, err := e.App.FindCachedCollectionByNameOrId("document_acknowledgements")
	if err != nil {
		return err
	}
	// The version acknowledged is the one the page showed: if a newer one
	// arrived meanwhile, the rule refuses and the user sees the new one.
	version := formValue(e, "version")
	if version == "" {
		version = rec.GetString("current_version")
	}
	if version != rec.GetString("current_version") {
		// A newer version arrived while the page was open: show it.
		u.setFlash(e, "flash.document_ack_stale")
		return e.Redirect(http.StatusSeeOther, "/documents/"+rec.Id)
	}
	ack := core.NewRecord(c)
	body := map[string]any{"document": rec.Id, "version": version, "user": user.Id}
	err = e.App.RunInTransaction(func(tx core.App) error {
		n, err := tx.CountRecords("document_acknowledgements", dbx.HashExp{"version": version, "user": user.Id})
		if err != nil || n > 0 {
			return err // already acknowledged: nothing to do
		}
		if err := access.Create(tx, access.Info(user, http.MethodPost, body), ack); err != nil {
			return err
		}
		return activity.Record(tx, user, activity.KindDocumentAcknowledged, rec)
	})
	if errors.Is(err, access.ErrForbidden) {
		return e.ForbiddenError("", err)
	} else if err != nil {
		return err
	}
	u.setFlash(e, "flash.document_acknowledged")
	return e.Redirect(http.StatusSeeOther, "/documents/"+rec.Id)
}

// statusFlash is the message after each status change.
var statusFlash = map[string]string{
	"draft": "flash.document_status_draft", "published": "flash.document_status_published",
	"archived": "flash.document_status_archived",
}

// documentStatus publishes, archives or returns a document to draft.
func (u *portal) documentStatus(e *core.RequestEvent) error {
	rec, err := managedDocument(e)
	if err != nil {
		return err
	}
	status := formValue(e, "status")
	if !slices.Contains(documents.Statuses, status) {
		return e.BadRequestError("", errors.New("bad status"))
	}
	_, err = updateWithEvent(e, rec, map[string]any{"status": status}, activity.KindDocumentUpdated)
	if errors.Is(err, access.ErrForbidden) {
		return e.ForbiddenError("", err)
	} else if err != nil {
		return err
	}
	u.setFlash(e, statusFlash[status])
	return e.Redirect(http.StatusSeeOther, "/documents/"+rec.Id)
}

// documentDelete deletes a document with its versions, files and figures,
// through the documents Delete rule.
func (u *portal) documentDelete(e *core.RequestEvent) error {
	user := getCtx(e).User
	rec, _, err := visibleDocument(e)
	if err != nil {
		return err
	}
	ok, err := access.CanDelete(e.App, access.Info(user, http.MethodDelete, nil), rec)
	if err != nil {
		return err
	}
	if !ok {
		return e.ForbiddenError("", errors.New("document not deletable by this user"))
	}
	err = e.App.RunInTransaction(func(tx core.App) error {
		if err := activity.Record(tx, user, activity.KindDocumentDeleted, rec); err != nil {
			return err
		}
		return tx.Delete(rec)
	})
	if err != nil {
		return err
	}
	u.setFlash(e, "flash.document_deleted")
	return e.Redirect(http.StatusSeeOther, "/documents")
}
