package ui

import (
	"errors"
	"html/template"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/documents"
	"github.com/ponte-portal/ponte/internal/i18n"
	"github.com/ponte-portal/ponte/internal/markdown"
	"github.com/ponte-portal/ponte/internal/roles"
)

// announcementStatuses are the editor's status choices.
var announcementStatuses = []string{"draft", "published"}

// maxTitle is the longest announcement title (the schema's limit).
const maxTitle = 200

// datetimeLocal is the value format of <input type="datetime-local">.
const datetimeLocal = "2006-01-02T15:04"

// announcementEditData is the editor's data.
type announcementEditData struct {
	Ann       *AnnouncementView
	New       bool
	Regions   []string
	Audiences []string
	Statuses  []string
	audienceForm
	Reach   reachData
	Preview previewData
	Cancel  string
	NowUTC  time.Time
	MaxBody int
}

// previewData is the editor's live preview: the rendered body or why not.
type previewData struct {
	HTML template.HTML
	Err  string
}

func newAnnouncement(e *core.RequestEvent) (*core.Record, error) {
	c, err := e.App.FindCachedCollectionByNameOrId("announcements")
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(c)
	r.Set("status", "draft")
	r.Set("audience", "all")
	return r, nil
}

// announcementFormPage builds the editor for rec (new or existing).
func (u *portal) announcementFormPage(e *core.RequestEvent, rec *core.Record) (*Page, error) {
	d := &announcementEditData{Ann: announcementView(rec), New: rec.IsNew(), Regions: roles.Regions,
		Audiences: documents.Audiences, Statuses: announcementStatuses, audienceForm: audienceForm{},
		Cancel: "/announcements", NowUTC: now(), MaxBody: hooks.MaxAnnouncementBody}
	if !d.New {
		d.Cancel = "/announcements/" + rec.Id
		d.Preview.HTML = template.HTML(rec.GetString("body_html"))
	}
	// The choices the viewer may see; named partners they may not see
	// (another manager's) are kept as they are.
	if err := audienceChoices(e, rec, &d.audienceForm); err != nil {
		return nil, err
	}
	flag := func(f string) string {
		if rec.GetBool(f) {
			return "1"
		}
		return ""
	}
	local := func(f string) string {
		if t := rec.GetDateTime(f); !t.IsZero() {
			return t.Time().UTC().Format(datetimeLocal)
		}
		return ""
	}
	p := &Page{Data: d, Errors: map[string]string{}, Values: map[string]string{
		"title": rec.GetString("title"), "body": rec.GetString("body"), "status": rec.GetString("status"),
		"audience": rec.GetString("audience"), "pinned": flag("pinned"), "requires_acknowledgement": flag("requires_acknowledgement"),
		"publish_at": local("publish_at"), "expires_at": local("expires_at"),
	}}
	if p.Values["audience"] == "" {
		p.Values["audience"] = "all"
	}
	if p.Values["status"] == "" {
		p.Values["status"] = "draft"
	}
	p.Title = u.t(e, "announcements.edit_title", rec.GetString("title"))
	if d.New {
		p.Title = u.t(e, "announcements.new")
	}
	d.Reach = u.reach(e, documents.AudienceOf(rec))
	return p, nil
}

// parseUTC reads a datetime-local value as a UTC time ("" is no time).
func parseUTC(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, true
	}
	for _, layout := range []string{datetimeLocal, "2006-01-02T15:04:05"} {
		if t, err := time.ParseInLocation(layout, s, time.UTC); err == nil {
			return t, true
		}
	}
	return time.Time{}, false
}

// bodyTooLong is the translated message for a body over the limit.
func bodyTooLong(loc string, n int) string {
	return tr(loc, "validation.announcement_too_long", i18n.Int(loc, hooks.MaxAnnouncementBody), i18n.Int(loc, int64(n)))
}

// readAnnouncementForm validates the form into p (values and errors) and
// returns the body for the announcements rule and Save.
func (u *portal) readAnnouncementForm(e *core.RequestEvent, p *Page, d *announcementEditData) map[string]any {
	loc := u.locale(e)
	body := map[string]any{}
	for _, f := range []string{"title", "status", "audience", "pinned", "requires_acknowledgement", "publish_at", "expires_at"} {
		p.Values[f] = formValue(e, f)
	}
	// The body keeps its leading spaces (Markdown code blocks).
	p.Values["body"] = strings.ToValidUTF8(strings.TrimRight(e.Request.PostFormValue("body"), " \t\r\n"), "")
	d.Checked = map[string]bool{}
	v := p.Values
	switch n := utf8.RuneCountInString(v["title"]); {
	case n == 0:
		p.Errors["title"] = tr(loc, "validation.required")
	case n > maxTitle:
		p.Errors["title"] = tr(loc, "validation.max_text_constraint")
	}
	body["title"] = v["title"]
	switch n := utf8.RuneCountInString(v["body"]); {
	case strings.TrimSpace(v["body"]) == "":
		p.Errors["body"] = tr(loc, "validation.required")
	case n > hooks.MaxAnnouncementBody:
		p.Errors["body"] = bodyTooLong(loc, n)
	default:
		d.Preview = previewData{HTML: markdown.Render(v["body"])}
	}
	body["body"] = v["body"]
	if !slices.Contains(announcementStatuses, v["status"]) {
		p.Errors["status"] = tr(loc, "validation.invalid_value")
	}
	body["status"] = v["status"]
	body["pinned"] = v["pinned"] == "1"
	body["requires_acknowledgement"] = v["requires_acknowledgement"] == "1"

	pub, ok := parseUTC(v["publish_at"])
	if !ok {
		p.Errors["publish_at"] = tr(loc, "validation.announcement_datetime")
	}
	exp, ok := parseUTC(v["expires_at"])
	if !ok {
		p.Errors["expires_at"] = tr(loc, "validation.announcement_datetime")
	}
	if !exp.IsZero() && p.Errors["publish_at"] == "" {
		start := pub
		if start.IsZero() {
			start = now()
		}
		if !exp.After(start) {
			p.Errors["expires_at"] = tr(loc, "validation.announcement_expires_before_publish")
		}
	}
	body["publish_at"], body["expires_at"] = "", ""
	if !pub.IsZero() {
		body["publish_at"] = pub
	}
	if !exp.IsZero() {
		body["expires_at"] = exp
	}

	a := readAudience(e, p, &d.audienceForm, false)
	audienceBody(a, body)
	d.Reach = u.reach(e, a)
	return body
}

// announcementNewShow shows the empty editor to staff.
func (u *portal) announcementNewShow(e *core.RequestEvent) error {
	rec, err := newAnnouncement(e)
	if err != nil {
		return err
	}
	p, err := u.announcementFormPage(e, rec)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "announcement_edit", p)
}

// announcementNewSubmit creates an announcement through the Create rule; a
// published one whose time has come notifies its audience in the same
// transaction (the hook).
func (u *portal) announcementNewSubmit(e *core.RequestEvent) error {
	user := getCtx(e).User
	rec, err := newAnnouncement(e)
	if err != nil {
		return err
	}
	p, err := u.announcementFormPage(e, rec)
	if err != nil {
		return err
	}
	body := u.readAnnouncementForm(e, p, p.Data.(*announcementEditData))
	if len(p.Errors) == 0 {
		body["author"] = user.Id
		activity.SetActor(rec, user.Id)
		err = e.App.RunInTransaction(func(tx core.App) error {
			return access.Create(tx, access.Info(user, http.MethodPost, body), rec)
		})
		if err := u.saveError(e, p, err); err != nil {
			return err
		}
	}
	if len(p.Errors) > 0 {
		rec.MarkAsNew()
		return u.render(e, http.StatusBadRequest, "announcement_edit", p)
	}
	u.setFlash(e, "flash.announcement_created")
	return e.Redirect(http.StatusSeeOther, "/announcements/"+rec.Id)
}

// announcementEditShow shows the editor for an existing announcement.
func (u *portal) announcementEditShow(e *core.RequestEvent) error {
	rec, err := managedAnnouncement(e)
	if err != nil {
		return err
	}
	p, err := u.announcementFormPage(e, rec)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "announcement_edit", p)
}

// announcementEditSubmit saves an announcement through the Update rule.
func (u *portal) announcementEditSubmit(e *core.RequestEvent) error {
	rec, err := managedAnnouncement(e)
	if err != nil {
		return err
	}
	p, err := u.announcementFormPage(e, rec)
	if err != nil {
		return err
	}
	body := u.readAnnouncementForm(e, p, p.Data.(*announcementEditData))
	if len(p.Errors) == 0 {
		_, err = updateWithEvent(e, rec, body, "")
		if err := u.saveError(e, p, err); err != nil {
			return err
		}
	}
	if len(p.Errors) > 0 {
		return u.render(e, http.StatusBadRequest, "announcement_edit", p)
	}
	u.setFlash(e, "flash.announcement_saved")
	return e.Redirect(http.StatusSeeOther, "/announcements/"+rec.Id)
}

// announcementDelete deletes an announcement (and its read receipts) when
// the Delete rule allows: an admin, or the manager who wrote it.
func (u *portal) announcementDelete(e *core.RequestEvent) error {
	rec, _, err := visibleAnnouncement(e)
	if err != nil {
		return err
	}
	user := getCtx(e).User
	ok, err := access.CanDelete(e.App, access.Info(user, http.MethodDelete, nil), rec)
	if err != nil {
		return err
	}
	if !ok {
		return e.ForbiddenError("", errors.New("announcement not deletable by this user"))
	}
	if err := e.App.RunInTransaction(func(tx core.App) error {
		fresh, err := tx.FindRecordById("announcements", rec.Id)
		if err != nil {
			return err
		}
		return tx.Delete(fresh)
	}); err != nil {
		return err
	}
	u.setFlash(e, "flash.announcement_deleted")
	return e.Redirect(http.StatusSeeOther, "/announcements")
}

// announcementPreview answers the editor's live preview (an htmx fragment):
// the typed Markdown rendered as it will be stored, or why it cannot be.
func (u *portal) announcementPreview(e *core.RequestEvent) error {
	src := e.Request.PostFormValue("body")
	d := previewData{}
	if n := utf8.RuneCountInString(src); n > hooks.MaxAnnouncementBody {
		d.Err = bodyTooLong(u.locale(e), n)
	} else {
		d.HTML = markdown.Render(src)
	}
	return u.renderFragment(e, "announcement_edit", "ann_preview", &Page{Data: d})
}

// announcementReach answers the editor's live "reaches N partners and M
// users" line for the audience in the query.
func (u *portal) announcementReach(e *core.RequestEvent) error {
	q := e.Request.URL.Query()
	a := documents.Audience{Kind: q.Get("audience"), Tiers: validIDs(q["audience_tiers"]),
		Regions: q["audience_regions"], Partners: validIDs(q["audience_partners"])}
	if !slices.Contains(documents.Audiences, a.Kind) {
		return e.BadRequestError("", errors.New("bad audience"))
	}
	for _, r := range a.Regions {
		if !slices.Contains(roles.Regions, r) {
			return e.BadRequestError("", errors.New("bad region"))
		}
	}
	return u.renderFragment(e, "announcement_edit", "ann_reach", &Page{Data: u.reach(e, a)})
}
