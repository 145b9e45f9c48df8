package hooks

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"
	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/branding"
	"github.com/ponte-portal/ponte/internal/documents"
)

func bindDocumentHooks(app core.App) {
	app.OnRecordValidate("documents").BindFunc(validateDocument)
	app.OnRecordUpdate("documents").BindFunc(recordDocumentChanges)
	app.OnRecordUpdateRequest("documents").BindFunc(actorFromRequest)
	app.OnRecordCreate("document_versions").BindFunc(addVersion)
	app.OnRecordUpdate("document_versions").BindFunc(refuseVersionChange)
	// REST uploads run in one transaction like the portal's, so the version
	// number, the document's current version and the file land together.
	app.OnRecordCreateRequest("document_versions").BindFunc(inTransaction)
	app.OnRecordCreate("document_acknowledgements").BindFunc(copyUserPartner)
	app.OnRecordCreate("document_acknowledgements").BindFunc(countAck)
	app.OnRecordCreate("document_downloads").BindFunc(copyUserPartner)
	app.OnRecordValidate("document_folders").BindFunc(validateFolder)
	app.OnRecordDelete("document_folders").BindFunc(refuseDeletingNonEmptyFolder)
	app.OnFileDownloadRequest().BindFunc(countAPIDownload)
}

// Validation errors of documents, translated by the portal from their codes.
var (
	ErrDocumentArchived = validation.Errors{"document": validation.NewError(
		"validation_document_archived", "An archived document takes no new versions.")}
	ErrDuplicateVersion = validation.Errors{"file": validation.NewError(
		"validation_duplicate_version", "This file is identical to the current version.")}
	ErrFileRequired = validation.Errors{"file": validation.NewError(
		"validation_file_required", "Choose a file to upload.")}
	ErrFileEmpty = validation.Errors{"file": validation.NewError(
		"validation_file_empty", "The file is empty.")}
	ErrFileTooLarge = validation.Errors{"file": validation.NewError(
		"validation_file_too_large", "The file is larger than the upload limit.")}
	ErrVersionImmutable = validation.Errors{"id": validation.NewError(
		"validation_version_immutable", "Versions cannot be changed once written.")}
	ErrFolderNotEmpty = validation.Errors{"id": validation.NewError(
		"validation_folder_not_empty", "Move this folder's documents and subfolders first.")}
	ErrFolderCycle = validation.Errors{"parent": validation.NewError(
		"validation_folder_cycle", "A folder cannot sit inside itself.")}
)

// inTransaction runs the rest of a REST request in one transaction.
func inTransaction(e *core.RecordRequestEvent) error {
	return e.App.RunInTransaction(func(tx core.App) error {
		e.App = tx
		return e.Next()
	})
}

// actorFromRequest remembers which API user changes a document, for its
// metadata history (the portal sets it itself).
func actorFromRequest(e *core.RecordRequestEvent) error {
	if e.Auth != nil && e.Auth.Collection().Name == "users" {
		activity.SetActor(e.Record, e.Auth.Id)
	}
	return e.Next()
}

// validateDocument normalises tags, keeps the audience lists consistent with
// the chosen audience, and stamps the first publication.
func validateDocument(e *core.RecordEvent) error {
	r := e.Record
	r.Set("title", strings.TrimSpace(r.GetString("title")))
	tags, err := documents.NormalizeTags(r.Get("tags"))
	if err != nil {
		return validation.Errors{"tags": validation.NewError("validation_invalid_tags", err.Error())}
	}
	r.Set("tags", tags)
	switch r.GetString("audience") {
	case "tiers":
		if len(r.GetStringSlice("audience_tiers")) == 0 {
			return validation.Errors{"audience_tiers": validation.NewError("validation_audience_empty", "Choose at least one tier.")}
		}
	case "regions":
		if len(r.GetStringSlice("audience_regions")) == 0 {
			return validation.Errors{"audience_regions": validation.NewError("validation_audience_empty", "Choose at least one region.")}
		}
	case "partners":
		if len(r.GetStringSlice("audience_partners")) == 0 {
			return validation.Errors{"audience_partners": validation.NewError("validation_audience_empty", "Choose at least one partner.")}
		}
	}
	// Lists the audience does not use are cleared, so nothing stale is read
	// when the audience changes back.
	for _, f := range []string{"tiers", "regions", "partners"} {
		if r.GetString("audience") != f {
			r.Set("audience_"+f, []string{})
		}
	}
	// The current version is always one of the document's own (the versions
	// hook sets it; nothing may point it at another document's file).
	if cur := r.GetString("current_version"); cur != "" {
		v, err := e.App.FindRecordById("document_versions", cur)
		if err != nil || v.GetString("document") != r.Id {
			return validation.Errors{"current_version": validation.NewError("validation_invalid_value", "Not a version of this document.")}
		}
	}
	if r.GetString("status") == "published" && r.GetDateTime("published").IsZero() {
		r.Set("published", types.NowDateTime())
	}
	if r.GetDateTime("revised").IsZero() {
		r.Set("revised", types.NowDateTime())
	}
	return e.Next()
}

// trackedFields are the document fields whose changes the history shows;
// derived fields (current version, size, kind …) change with every upload
// and are shown as versions instead.
var trackedFields = []string{"title", "description", "folder", "tags", "status", "partner",
	"requires_acknowledgement", "audience", "audience_tiers", "audience_regions", "audience_partners"}

// recordDocumentChanges writes one document_changes row per tracked field
// that the update changes, in the same transaction as the update.
func recordDocumentChanges(e *core.RecordEvent) error {
	old := e.Record.Original()
	if err := e.Next(); err != nil {
		return err
	}
	// Compared after the save, so the history shows what was stored (the
	// validate hook trims the title, normalises tags and clears the audience
	// lists the audience no longer uses), not what was submitted.
	type change struct{ field, from, to string }
	var changes []change
	for _, f := range trackedFields {
		from, to := fieldText(e.App, old, f), fieldText(e.App, e.Record, f)
		if from != to {
			changes = append(changes, change{f, from, to})
		}
	}
	if len(changes) == 0 {
		return nil
	}
	c, err := e.App.FindCachedCollectionByNameOrId("document_changes")
	if err != nil {
		return err
	}
	for _, ch := range changes {
		row := core.NewRecord(c)
		row.Set("document", e.Record.Id)
		row.Set("user", activity.Actor(e.Record))
		row.Set("field", ch.field)
		row.Set("old", clip(ch.from, 1000))
		row.Set("new", clip(ch.to, 1000))
		if err := e.App.Save(row); err != nil {
			return err
		}
	}
	return nil
}

// fieldText renders a field for the history: names rather than ids for
// relations (names can change later; the history keeps what they were).
func fieldText(app core.App, r *core.Record, field string) string {
	switch field {
	case "folder", "partner", "audience_tiers", "audience_partners":
		ids := r.GetStringSlice(field)
		if len(ids) == 0 {
			return ""
		}
		coll := map[string]string{"folder": "document_folders", "partner": "partners",
			"audience_tiers": "tiers", "audience_partners": "partners"}[field]
		name := "name"
		recs, err := app.FindRecordsByIds(coll, ids)
		if err != nil {
			return strings.Join(ids, ", ")
		}
		names := make([]string, 0, len(recs))
		for _, x := range recs {
			names = append(names, x.GetString(name))
		}
		slices.Sort(names)
		return strings.Join(names, ", ")
	case "tags", "audience_regions":
		v := r.GetStringSlice(field)
		if field == "tags" {
			v = documents.Tags(r.Get("tags"))
		}
		return strings.Join(v, ", ")
	case "requires_acknowledgement":
		if r.GetBool(field) {
			return "true"
		}
		return "false"
	}
	return r.GetString(field)
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// addVersion gives a new version its number, hash, size and type, refuses a
// duplicate of the current version or an upload to an archived document,
// and makes the version current. Callers run it in a transaction (the
// portal does, REST creates are wrapped), so two uploads never share a
// number; the unique (document, number) index is the last guard.
func addVersion(e *core.RecordEvent) error {
	v := e.Record
	doc, err := e.App.FindRecordById("documents", v.GetString("document"))
	if err != nil {
		return validation.Errors{"document": validation.NewError("validation_invalid_value", "Unknown document.")}
	}
	if doc.GetString("status") == "archived" {
		return ErrDocumentArchived
	}
	restored := false
	if src := v.GetString("content_of"); src != "" {
		// A restore: the new version shares the bytes of an older one.
		orig, err := e.App.FindRecordById("document_versions", src)
		if err != nil || orig.GetString("document") != doc.Id {
			return validation.Errors{"content_of": validation.NewError("validation_invalid_value", "Unknown version.")}
		}
		if root := orig.GetString("content_of"); root != "" {
			v.Set("content_of", root)
		}
		for _, f := range []string{"filename", "size", "sha256", "mime"} {
			v.Set(f, orig.Get(f))
		}
		v.Set("file", nil)
		restored = true
	} else if err := describeUpload(v); err != nil {
		return err
	} else if err := checkUploadLimit(e.App, v); err != nil {
		return err
	}
	if cur := doc.GetString("current_version"); cur != "" {
		curRec, err := e.App.FindRecordById("document_versions", cur)
		if err == nil && curRec.GetString("sha256") == v.GetString("sha256") {
			return ErrDuplicateVersion
		}
	}
	var last int
	if err := e.App.DB().Select("COALESCE(MAX(number), 0)").From("document_versions").
		Where(dbx.HashExp{"document": doc.Id}).Row(&last); err != nil {
		return err
	}
	v.Set("number", last+1)
	// A creation date set before saving (Go code importing history, such as
	// the demo; the API cannot set it) is history: it notifies nobody.
	history := !v.GetDateTime("created").IsZero()
	if err := e.Next(); err != nil {
		return err
	}
	if err := versionAdded(e.App, doc, v, last, restored, history); err != nil {
		// PocketBase removes a new record's files when its insert fails or
		// when the transaction rolls back after the save, but not when the
		// save fails after the insert inside a transaction (here): the file
		// would stay in storage without a row.
		removeFiles(e.App, v)
		return err
	}
	return nil
}

// versionAdded makes v its document's current version and appends the
// upload's activity events; a new version of a published document that is
// not history notifies its audience.
func versionAdded(app core.App, doc, v *core.Record, last int, restored, history bool) error {
	doc.Set("current_version", v.Id)
	doc.Set("revised", types.NowDateTime())
	doc.Set("size", v.GetInt("size"))
	doc.Set("kind", documents.KindOf(v.GetString("mime"), v.GetString("filename")))
	doc.Set("version_count", last+1)
	if err := app.Save(doc); err != nil {
		return err
	}
	var uploader *core.Record
	if id := v.GetString("uploaded_by"); id != "" {
		uploader, _ = app.FindRecordById("users", id)
	}
	kind := activity.KindDocumentVersionAdded
	if restored {
		kind = activity.KindDocumentRestored
	}
	if err := activity.Record(app, uploader, kind, doc); err != nil {
		return err
	}
	if doc.GetString("status") == "published" && last > 0 {
		if err := activity.Record(app, uploader, activity.KindDocumentRevised, doc); err != nil || history {
			return err
		}
		return notifyDocumentRevised(app, doc, v.GetString("uploaded_by"))
	}
	return nil
}

// removeFiles deletes a record's storage directory (best effort, logged).
func removeFiles(app core.App, r *core.Record) {
	fsys, err := app.NewFilesystem()
	if err != nil {
		app.Logger().Warn("removing the files of a failed upload", "error", err)
		return
	}
	defer fsys.Close()
	if failed := fsys.DeletePrefix(r.BaseFilesPath() + "/"); len(failed) > 0 {
		app.Logger().Warn("removing the files of a failed upload", "record", r.Id, "error", errors.Join(failed...))
	}
}

// describeUpload hashes and sniffs the uploaded file and checks it against
// the portal's upload limit.
func describeUpload(v *core.Record) error {
	files := v.GetUnsavedFiles("file")
	if len(files) == 0 {
		return ErrFileRequired
	}
	f := files[0]
	if f.Size <= 0 {
		return ErrFileEmpty
	}
	rd, err := f.Reader.Open()
	if err != nil {
		return err
	}
	defer rd.Close()
	h := sha256.New()
	head := make([]byte, 3072)
	n, err := io.ReadFull(rd, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return err
	}
	head = head[:n]
	h.Write(head)
	rest, err := io.Copy(h, rd)
	if err != nil {
		return err
	}
	size := int64(n) + rest
	if size == 0 {
		return ErrFileEmpty
	}
	v.Set("size", size)
	v.Set("sha256", hex.EncodeToString(h.Sum(nil)))
	// The type is what the bytes say, not what the name claims.
	v.Set("mime", mimetype.Detect(head).String())
	if v.GetString("filename") == "" {
		v.Set("filename", documents.CleanFileName(f.OriginalName))
	} else {
		v.Set("filename", documents.CleanFileName(v.GetString("filename")))
	}
	return nil
}

// checkUploadLimit refuses a version whose file is over the portal's limit.
func checkUploadLimit(app core.App, v *core.Record) error {
	if v.GetInt("size") > 0 && int64(v.GetInt("size")) > branding.Load(app).MaxUploadBytes {
		return ErrFileTooLarge
	}
	return nil
}

// refuseVersionChange keeps versions immutable, for the dashboard too.
func refuseVersionChange(e *core.RecordEvent) error {
	return ErrVersionImmutable
}

// countAck adds a new acknowledgement to the stats rollup, in its
// transaction.
func countAck(e *core.RecordEvent) error {
	if err := e.Next(); err != nil {
		return err
	}
	r := e.Record
	return documents.RecordAck(e.App, r.GetString("document"), r.GetString("version"), r.GetString("partner"))
}

// copyUserPartner stamps a download or acknowledgement with its user's
// partner, so per-partner counts need no join.
func copyUserPartner(e *core.RecordEvent) error {
	e.Record.Set("partner", "")
	if id := e.Record.GetString("user"); id != "" {
		if u, err := e.App.FindRecordById("users", id); err == nil {
			e.Record.Set("partner", u.GetString("partner"))
		}
	}
	return e.Next()
}

// validateFolder trims the name and refuses a parent chain that loops.
func validateFolder(e *core.RecordEvent) error {
	r := e.Record
	r.Set("name", strings.TrimSpace(r.GetString("name")))
	seen := map[string]bool{r.Id: true}
	for p := r.GetString("parent"); p != ""; {
		if seen[p] || len(seen) > 32 {
			return ErrFolderCycle
		}
		seen[p] = true
		parent, err := e.App.FindRecordById("document_folders", p)
		if err != nil {
			break
		}
		p = parent.GetString("parent")
	}
	return e.Next()
}

// refuseDeletingNonEmptyFolder keeps documents from losing their folder
// silently.
func refuseDeletingNonEmptyFolder(e *core.RecordEvent) error {
	for coll, field := range map[string]string{"documents": "folder", "document_folders": "parent"} {
		n, err := e.App.CountRecords(coll, dbx.HashExp{field: e.Record.Id})
		if err != nil {
			return err
		}
		if n > 0 {
			return ErrFolderNotEmpty
		}
	}
	return e.Next()
}

// countAPIDownload counts a version downloaded through the REST file
// endpoint (which has already applied the View rule) like a portal download.
// The file is protected, so PocketBase checked the View rule as the user of
// the ?token= file token, not as e.Auth (the Authorization header, which a
// browser fetching the file does not send): that user is the downloader.
func countAPIDownload(e *core.FileDownloadRequestEvent) error {
	if e.Collection.Name != "document_versions" || e.Request.URL.Query().Get("thumb") != "" {
		return e.Next()
	}
	user, err := e.App.FindAuthRecordByToken(e.Request.URL.Query().Get("token"), core.TokenTypeFile)
	if err != nil || user.Collection().Name != "users" {
		return e.Next()
	}
	if err := documents.RecordDownload(e.App, user, e.Record); err != nil {
		e.App.Logger().Warn("counting an API download", "error", err)
	}
	return e.Next()
}
