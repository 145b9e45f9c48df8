package ui

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/documents"
	"github.com/ponte-portal/ponte/internal/roles"
)

// documentEditData is the document form's data.
type documentEditData struct {
	Doc       *DocumentView
	New       bool
	Folders   []*FolderView
	Regions   []string
	Statuses  []string
	Audiences []string
	audienceForm
	Reach  reachData
	Limit  int64
	Cancel string
}

// reachData is the "this audience reaches …" line of the form.
type reachData struct {
	Partners, Users int
	Err             bool
}

// maxPartnerOptionPages bounds the partner choices of the form (200 a page):
// 5,000 partners, more than a programme this portal serves.
const maxPartnerOptionPages = 25

// documentForm is what the form submitted, validated.
type documentForm struct {
	body     map[string]any
	audience documents.Audience
}

func (u *portal) documentFormPage(e *core.RequestEvent, rec *core.Record) (*Page, error) {
	c := getCtx(e)
	info := access.Info(c.User, http.MethodGet, nil)
	roots, _, err := loadFolders(e.App, info)
	if err != nil {
		return nil, err
	}
	d := &documentEditData{New: rec.IsNew(), Folders: flattenFolders(roots), Regions: roles.Regions,
		Statuses: documents.Statuses, Audiences: documents.Audiences, audienceForm: audienceForm{Checked: map[string]bool{}},
		Limit: c.Brand.MaxUploadBytes, Doc: documentView(rec, nil), Cancel: "/documents"}
	if !d.New {
		d.Cancel = "/documents/" + rec.Id
	}
	tiers, err := access.ListVisible(e.App, info, "tiers", access.ListOptions{Sort: []string{"-rank", "name"}, PerPage: 100})
	if err != nil {
		return nil, err
	}
	for _, t := range tiers.Items {
		d.Tiers = append(d.Tiers, Option{Value: t.Id, Label: t.GetString("name")})
	}
	// The partner choices: those the viewer may see, plus any already chosen.
	chosen := append(rec.GetStringSlice("audience_partners"), rec.GetString("partner"))
	seen := map[string]bool{}
	for page := 1; page <= maxPartnerOptionPages; page++ {
		partners, err := access.ListVisible(e.App, info, "partners", access.ListOptions{Sort: []string{"name"}, Page: page, PerPage: 200})
		if err != nil {
			return nil, err
		}
		for _, p := range partners.Items {
			seen[p.Id] = true
			d.Partners = append(d.Partners, Option{Value: p.Id, Label: p.GetString("name")})
		}
		if !partners.HasMore {
			break
		}
	}
	var extra []any
	for _, id := range chosen {
		if id != "" && !seen[id] {
			extra = append(extra, id)
		}
	}
	more, err := visibleByID(e.App, info, "partners", extra)
	if err != nil {
		return nil, err
	}
	for _, p := range more {
		seen[p.Id] = true
		d.Partners = append(d.Partners, Option{Value: p.Id, Label: p.GetString("name")})
	}
	// Named partners the viewer may not see (another manager's) are kept as
	// they are: the form cannot show them, and saving must not drop them.
	for _, id := range rec.GetStringSlice("audience_partners") {
		if !seen[id] {
			d.Hidden = append(d.Hidden, id)
		}
	}
	for _, f := range []string{"audience_tiers", "audience_regions", "audience_partners"} {
		for _, v := range rec.GetStringSlice(f) {
			d.Checked[v] = true
		}
	}
	ack := ""
	if rec.GetBool("requires_acknowledgement") {
		ack = "1"
	}
	p := &Page{Data: d, Errors: map[string]string{}, Values: map[string]string{
		"title": rec.GetString("title"), "description": rec.GetString("description"), "folder": rec.GetString("folder"),
		"tags": strings.Join(documents.Tags(rec.Get("tags")), ", "), "status": rec.GetString("status"),
		"audience": rec.GetString("audience"), "partner": rec.GetString("partner"), "requires_acknowledgement": ack,
	}}
	if p.Values["audience"] == "" {
		p.Values["audience"] = "all"
	}
	if p.Values["status"] == "" {
		p.Values["status"] = "draft"
	}
	p.Title = u.t(e, "documents.edit_title", rec.GetString("title"))
	if d.New {
		p.Title = u.t(e, "documents.new")
	}
	d.Reach = u.reach(e, documents.AudienceOf(rec))
	return p, nil
}

// reach counts who an audience reaches, or flags an error for the form.
func (u *portal) reach(e *core.RequestEvent, a documents.Audience) reachData {
	if a.Kind == "" {
		a.Kind = "all"
	}
	np, nu, err := documents.Reach(e.App, a)
	if err != nil {
		e.App.Logger().Warn("counting an audience", "error", err)
		return reachData{Err: true}
	}
	return reachData{Partners: np, Users: nu}
}

// readDocumentForm validates the form into p (values and errors) and
// returns the body for the documents rule and Save.
func (u *portal) readDocumentForm(e *core.RequestEvent, p *Page, d *documentEditData) documentForm {
	loc := u.locale(e)
	form := documentForm{body: map[string]any{}}
	for _, f := range []string{"title", "description", "folder", "tags", "status", "audience", "partner", "requires_acknowledgement"} {
		p.Values[f] = formValue(e, f)
	}
	d.Checked = map[string]bool{}
	v := p.Values
	if v["title"] == "" {
		p.Errors["title"] = tr(loc, "validation.required")
	}
	form.body["title"] = v["title"]
	form.body["description"] = v["description"]
	if v["folder"] != "" && !slices.ContainsFunc(d.Folders, func(f *FolderView) bool { return f.ID == v["folder"] }) {
		p.Errors["folder"] = tr(loc, "validation.unknown_folder")
	}
	form.body["folder"] = v["folder"]
	tags, err := documents.NormalizeTags(v["tags"])
	if err != nil {
		p.Errors["tags"] = tr(loc, "validation.invalid_tags")
	}
	form.body["tags"] = tags
	if !slices.Contains(documents.Statuses, v["status"]) {
		p.Errors["status"] = tr(loc, "validation.invalid_value")
	}
	form.body["status"] = v["status"]
	form.body["requires_acknowledgement"] = v["requires_acknowledgement"] == "1"

	a := readAudience(e, p, &d.audienceForm, v["partner"] != "")
	a.Private = v["partner"]
	if a.Private != "" && !slices.ContainsFunc(d.Partners, func(o Option) bool { return o.Value == a.Private }) {
		p.Errors["partner"] = tr(loc, "validation.invalid_value")
	}
	audienceBody(a, form.body)
	form.body["partner"] = a.Private
	form.audience = a
	d.Reach = u.reach(e, a)
	return form
}

// documentNewShow shows the empty document form to staff.
func (u *portal) documentNewShow(e *core.RequestEvent) error {
	rec, err := newDocument(e)
	if err != nil {
		return err
	}
	return u.documentFormShow(e, rec)
}

// documentFormShow renders the document form for rec (new or existing).
func (u *portal) documentFormShow(e *core.RequestEvent, rec *core.Record) error {
	p, err := u.documentFormPage(e, rec)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "document_edit", p)
}

func newDocument(e *core.RequestEvent) (*core.Record, error) {
	c, err := e.App.FindCachedCollectionByNameOrId("documents")
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(c)
	r.Set("status", "draft")
	r.Set("audience", "all")
	if f := e.Request.URL.Query().Get("folder"); recordID.MatchString(f) {
		r.Set("folder", f)
	}
	return r, nil
}

// documentNewSubmit creates a document and its first version in one
// transaction: a refused rule, a bad field or a failed upload leaves
// neither the document nor a file behind.
func (u *portal) documentNewSubmit(e *core.RequestEvent) error {
	user := getCtx(e).User
	rec, err := newDocument(e)
	if err != nil {
		return err
	}
	p, err := u.documentFormPage(e, rec)
	if err != nil {
		return err
	}
	d := p.Data.(*documentEditData)
	form := u.readDocumentForm(e, p, d)
	p.Values["notes"] = formValue(e, "notes")
	file, ferr := uploadedFile(e, "file")
	switch {
	case ferr != nil:
		p.Errors["file"] = u.t(e, "validation.invalid_file")
	case file == nil:
		p.Errors["file"] = u.t(e, uploadEmptyKey(e, "file"))
	}
	if len(p.Errors) == 0 {
		form.body["owner"] = user.Id
		err = e.App.RunInTransaction(func(tx core.App) error {
			if err := access.Create(tx, access.Info(user, http.MethodPost, form.body), rec); err != nil {
				return err
			}
			if err := activity.Record(tx, user, activity.KindDocumentCreated, rec); err != nil {
				return err
			}
			return createVersion(tx, user, rec, map[string]any{"file": file, "notes": p.Values["notes"]})
		})
		if err := u.saveError(e, p, err); err != nil {
			return err
		}
	}
	if len(p.Errors) > 0 {
		rec.MarkAsNew()
		return u.render(e, u.formStatus(e, p), "document_edit", p)
	}
	u.setFlash(e, "flash.document_created")
	return e.Redirect(http.StatusSeeOther, "/documents/"+rec.Id)
}

// formStatus is 413 when the file is over the upload limit, else 400.
func (u *portal) formStatus(e *core.RequestEvent, p *Page) int {
	if p.Errors["file"] != "" && p.Errors["file"] == u.t(e, "validation.file_too_large") {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusBadRequest
}

// uploadEmptyKey tells an empty file from no file at all.
func uploadEmptyKey(e *core.RequestEvent, field string) string {
	if e.Request.MultipartForm != nil {
		if fhs := e.Request.MultipartForm.File[field]; len(fhs) > 0 && fhs[0].Filename != "" {
			return "validation.file_empty"
		}
	}
	return "validation.file_required"
}

// createVersion adds a version to doc through the document_versions Create
// rule, inside the caller's transaction.
func createVersion(tx core.App, user, doc *core.Record, body map[string]any) error {
	c, err := tx.FindCachedCollectionByNameOrId("document_versions")
	if err != nil {
		return err
	}
	body["document"] = doc.Id
	body["uploaded_by"] = user.Id
	v := core.NewRecord(c)
	return access.Create(tx, access.Info(user, http.MethodPost, body), v)
}

// documentEditShow shows the form for an existing document.
func (u *portal) documentEditShow(e *core.RequestEvent) error {
	rec, err := managedDocument(e)
	if err != nil {
		return err
	}
	return u.documentFormShow(e, rec)
}

// documentEditSubmit saves the metadata through the documents Update rule;
// the hook records what changed, with the user as its author.
func (u *portal) documentEditSubmit(e *core.RequestEvent) error {
	rec, err := managedDocument(e)
	if err != nil {
		return err
	}
	p, err := u.documentFormPage(e, rec)
	if err != nil {
		return err
	}
	form := u.readDocumentForm(e, p, p.Data.(*documentEditData))
	if len(p.Errors) == 0 {
		_, err = updateWithEvent(e, rec, form.body, activity.KindDocumentUpdated)
		if err := u.saveError(e, p, err); err != nil {
			return err
		}
	}
	if len(p.Errors) > 0 {
		return u.render(e, http.StatusBadRequest, "document_edit", p)
	}
	u.setFlash(e, "flash.document_saved")
	return e.Redirect(http.StatusSeeOther, "/documents/"+rec.Id)
}

// documentReach answers the form's live "reaches N partners and M users"
// line (an htmx fragment) for the audience in the query.
func (u *portal) documentReach(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	a := documents.Audience{Kind: q.Get("audience"), Private: q.Get("partner"),
		Tiers: validIDs(q["audience_tiers"]), Regions: q["audience_regions"], Partners: validIDs(q["audience_partners"])}
	if !slices.Contains(documents.Audiences, a.Kind) || (a.Private != "" && !recordID.MatchString(a.Private)) {
		return e.BadRequestError("", errors.New("bad audience"))
	}
	for _, r := range a.Regions {
		if !slices.Contains(roles.Regions, r) {
			return e.BadRequestError("", errors.New("bad region"))
		}
	}
	p := &Page{Data: u.reach(e, a)}
	return u.renderFragment(e, "document_edit", "reach", p)
}

// validIDs keeps the values that look like record ids.
func validIDs(vals []string) []string {
	out := make([]string, 0, len(vals))
	for _, v := range vals {
		if recordID.MatchString(v) {
			out = append(out, v)
		}
	}
	return out
}
