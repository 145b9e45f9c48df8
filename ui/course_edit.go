package ui

import (
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/documents"
	"github.com/ponte-portal/ponte/internal/markdown"
	"github.com/ponte-portal/ponte/internal/roles"
)

// maxCoverBytes is the largest course cover (the schema's limit).
const maxCoverBytes = 2 << 20

// coverTypes are the cover image types the schema accepts.
var coverTypes = []string{"image/png", "image/jpeg", "image/webp"}

// courseEditData is the course editor's data.
type courseEditData struct {
	Course    *CourseAdminView
	New       bool
	Levels    []string
	Languages []string
	Regions   []string
	Audiences []string
	audienceForm
	Courses, Certs []Option
	Prereq         map[string]bool
	Preview        previewData
	Lessons        []LessonRow
	Quizzes        []QuizRow
	CanDelete      bool
	Cancel         string
}

func newCourse(e *core.RequestEvent) (*core.Record, error) {
	c, err := e.App.FindCachedCollectionByNameOrId("courses")
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(c)
	r.Set("level", "beginner")
	r.Set("language", getCtx(e).Locale)
	r.Set("audience", "all")
	return r, nil
}

// audienceChoices fills an audience box's tiers and partners (those the
// viewer may see) and keeps named partners the viewer may not see.
func audienceChoices(e *core.RequestEvent, rec *core.Record, f *audienceForm) error {
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	tiers, err := access.ListVisible(e.App, info, "tiers", access.ListOptions{Sort: []string{"-rank", "name"}, PerPage: 100})
	if err != nil {
		return err
	}
	for _, t := range tiers.Items {
		f.Tiers = append(f.Tiers, Option{Value: t.Id, Label: t.GetString("name")})
	}
	seen := map[string]bool{}
	for page := 1; page <= maxPartnerOptionPages; page++ {
		partners, err := access.ListVisible(e.App, info, "partners", access.ListOptions{Sort: []string{"name"}, Page: page, PerPage: 200})
		if err != nil {
			return err
		}
		for _, p := range partners.Items {
			seen[p.Id] = true
			f.Partners = append(f.Partners, Option{Value: p.Id, Label: p.GetString("name")})
		}
		if !partners.HasMore {
			break
		}
	}
	for _, id := range rec.GetStringSlice("audience_partners") {
		if !seen[id] {
			f.Hidden = append(f.Hidden, id)
		}
	}
	f.Checked = map[string]bool{}
	for _, fld := range []string{"audience_tiers", "audience_regions", "audience_partners"} {
		for _, v := range rec.GetStringSlice(fld) {
			f.Checked[v] = true
		}
	}
	return nil
}

// courseFormPage builds the course editor for rec (new or existing).
func (u *portal) courseFormPage(e *core.RequestEvent, rec *core.Record) (*Page, error) {
	user := getCtx(e).User
	info := access.Info(user, http.MethodGet, nil)
	d := &courseEditData{Course: courseAdminView(rec), New: rec.IsNew(), Levels: courseLevels, Languages: courseLanguages,
		Regions: roles.Regions, Audiences: documents.Audiences, Prereq: map[string]bool{}, Cancel: "/courses"}
	if err := audienceChoices(e, rec, &d.audienceForm); err != nil {
		return nil, err
	}
	courses, err := access.ListVisible(e.App, info, "courses", access.ListOptions{Sort: []string{"title"}, PerPage: 200})
	if err != nil {
		return nil, err
	}
	for _, c := range courses.Items {
		if c.Id != rec.Id {
			d.Courses = append(d.Courses, Option{Value: c.Id, Label: c.GetString("title")})
		}
	}
	certs, err := access.ListVisible(e.App, info, "certifications", access.ListOptions{Sort: []string{"name"}, PerPage: 200})
	if err != nil {
		return nil, err
	}
	for _, c := range certs.Items {
		d.Certs = append(d.Certs, Option{Value: c.Id, Label: c.GetString("name")})
	}
	for _, id := range rec.GetStringSlice("prerequisites") {
		d.Prereq[id] = true
		// Past the first 200 titles: still offered, so saving keeps it.
		if !slices.ContainsFunc(d.Courses, func(o Option) bool { return o.Value == id }) {
			if c, err := access.FindVisible(e.App, info, "courses", id); err == nil {
				d.Courses = append(d.Courses, Option{Value: c.Id, Label: c.GetString("title")})
			}
		}
	}
	if !d.New {
		d.Cancel = "/courses/" + rec.GetString("slug")
		d.Preview.HTML = template.HTML(rec.GetString("description_html"))
		if d.Lessons, err = courseLessons(e, rec.Id); err != nil {
			return nil, err
		}
		if d.Quizzes, err = courseQuizzes(e, rec.Id, d.Lessons); err != nil {
			return nil, err
		}
		if d.CanDelete, err = access.CanDelete(e.App, access.Info(user, http.MethodDelete, nil), rec); err != nil {
			return nil, err
		}
	}
	flag := func(f string) string {
		if rec.GetBool(f) {
			return "1"
		}
		return ""
	}
	p := &Page{Data: d, Errors: map[string]string{}, Values: map[string]string{
		"title": rec.GetString("title"), "slug": rec.GetString("slug"), "summary": rec.GetString("summary"),
		"description": rec.GetString("description"), "level": rec.GetString("level"), "language": rec.GetString("language"),
		"minutes": strconv.Itoa(rec.GetInt("minutes")), "audience": rec.GetString("audience"),
		"certification": rec.GetString("certification"), "published": flag("published"),
	}}
	if p.Values["audience"] == "" {
		p.Values["audience"] = "all"
	}
	p.Title = u.t(e, "training_admin.course_new")
	if !d.New {
		p.Title = u.t(e, "training_admin.course_edit_title", rec.GetString("title"))
	}
	return p, nil
}

// checkCover reads the uploaded cover, if any, and checks its size and type
// (png, jpeg or webp).
func checkCover(e *core.RequestEvent, loc string, p *Page, body map[string]any) {
	checkedUpload(e, loc, p, body, "cover", maxCoverBytes, coverTypes, "validation.training_admin_cover", nil)
}

// readCourseForm validates the course form into p and returns the body for
// the courses rule and Save.
func (u *portal) readCourseForm(e *core.RequestEvent, p *Page, d *courseEditData) map[string]any {
	loc := u.locale(e)
	body := map[string]any{}
	for _, f := range []string{"title", "slug", "summary", "level", "language", "minutes", "certification", "published", "audience"} {
		p.Values[f] = formValue(e, f)
	}
	p.Values["description"] = strings.ToValidUTF8(strings.TrimRight(e.Request.PostFormValue("description"), " \t\r\n"), "")
	v := p.Values
	switch n := utf8.RuneCountInString(v["title"]); {
	case n == 0:
		p.Errors["title"] = tr(loc, "validation.required")
	case n > maxTitle:
		p.Errors["title"] = tr(loc, "validation.max_text_constraint")
	}
	v["slug"] = strings.ToLower(v["slug"])
	if v["slug"] != "" && (!slugPattern.MatchString(v["slug"]) || len(v["slug"]) > 80) {
		p.Errors["slug"] = tr(loc, "validation.training_admin_slug")
	}
	if utf8.RuneCountInString(v["summary"]) > 1000 {
		p.Errors["summary"] = tr(loc, "validation.max_text_constraint")
	}
	if n := utf8.RuneCountInString(v["description"]); n > maxCourseDescription {
		p.Errors["description"] = tooLong(loc, maxCourseDescription, n)
	} else {
		d.Preview = previewData{HTML: markdown.Render(v["description"])}
	}
	if !slices.Contains(courseLevels, v["level"]) {
		p.Errors["level"] = tr(loc, "validation.invalid_value")
	}
	if v["language"] != "" && !slices.Contains(courseLanguages, v["language"]) {
		p.Errors["language"] = tr(loc, "validation.invalid_value")
	}
	minutes, ok := wholeNumber(v["minutes"], 100000)
	if !ok {
		p.Errors["minutes"] = tr(loc, "validation.whole_number", 100000)
	}
	if v["certification"] != "" && !slices.ContainsFunc(d.Certs, func(o Option) bool { return o.Value == v["certification"] }) {
		p.Errors["certification"] = tr(loc, "validation.invalid_value")
	}
	d.Prereq = map[string]bool{}
	prereq := []string{}
	for _, id := range e.Request.PostForm["prerequisites"] {
		if !slices.ContainsFunc(d.Courses, func(o Option) bool { return o.Value == id }) {
			p.Errors["prerequisites"] = tr(loc, "validation.invalid_value")
			continue
		}
		if !d.Prereq[id] {
			prereq = append(prereq, id)
		}
		d.Prereq[id] = true
	}
	if len(prereq) > 20 {
		p.Errors["prerequisites"] = tr(loc, "validation.training_admin_prereq_many")
	}
	a := readAudience(e, p, &d.audienceForm, false)
	audienceBody(a, body)
	checkCover(e, loc, p, body)

	body["title"] = v["title"]
	body["slug"] = v["slug"]
	body["summary"] = v["summary"]
	body["description"] = v["description"]
	body["level"] = v["level"]
	body["language"] = v["language"]
	body["minutes"] = minutes
	body["certification"] = v["certification"]
	body["prerequisites"] = prereq
	body["published"] = v["published"] == "1"
	return body
}

// wholeNumber reads an optional whole number from 0 to max ("" is 0).
func wholeNumber(s string, max int) (int, bool) {
	if s == "" {
		return 0, true
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0 && n <= max
}

// courseNewShow shows the empty course editor to staff.
func (u *portal) courseNewShow(e *core.RequestEvent) error {
	rec, err := newCourse(e)
	if err != nil {
		return err
	}
	p, err := u.courseFormPage(e, rec)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "course_edit", p)
}

// courseNewSubmit creates a course through the Create rule with the
// training.course_created event, in one transaction.
func (u *portal) courseNewSubmit(e *core.RequestEvent) error {
	rec, err := newCourse(e)
	if err != nil {
		return err
	}
	p, err := u.courseFormPage(e, rec)
	if err != nil {
		return err
	}
	body := u.readCourseForm(e, p, p.Data.(*courseEditData))
	if len(p.Errors) == 0 {
		body["author"] = getCtx(e).User.Id
		err = createWithEvent(e, rec, body, activity.KindCourseCreated)
		if err := u.saveError(e, p, err); err != nil {
			return err
		}
	}
	if len(p.Errors) > 0 {
		rec.MarkAsNew()
		return u.render(e, http.StatusBadRequest, "course_edit", p)
	}
	u.setFlash(e, "flash.training_admin_course_created")
	return e.Redirect(http.StatusSeeOther, "/courses/"+rec.GetString("slug")+"/edit")
}

// courseEditShow shows the editor of an existing course with its lessons
// and quizzes.
func (u *portal) courseEditShow(e *core.RequestEvent) error {
	rec, err := staffCourse(e)
	if err != nil {
		return err
	}
	p, err := u.courseFormPage(e, rec)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "course_edit", p)
}

// courseEditSubmit saves a course through the Update rule with the
// training.course_updated event.
func (u *portal) courseEditSubmit(e *core.RequestEvent) error {
	rec, err := staffCourse(e)
	if err != nil {
		return err
	}
	p, err := u.courseFormPage(e, rec)
	if err != nil {
		return err
	}
	body := u.readCourseForm(e, p, p.Data.(*courseEditData))
	var saved *core.Record
	if len(p.Errors) == 0 {
		saved, err = updateWithEvent(e, rec, body, activity.KindCourseUpdated)
		if err := u.saveError(e, p, err); err != nil {
			return err
		}
	}
	if len(p.Errors) > 0 {
		return u.render(e, http.StatusBadRequest, "course_edit", p)
	}
	u.setFlash(e, "flash.training_admin_course_saved")
	return e.Redirect(http.StatusSeeOther, "/courses/"+saved.GetString("slug")+"/edit")
}
