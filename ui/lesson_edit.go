package ui

import (
	"html/template"
	"mime/multipart"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/markdown"
)

// videoTypes are the sniffed types of the video files a lesson accepts.
var videoTypes = []string{"video/mp4", "video/webm", "video/ogg", "application/ogg"}

// lessonEditData is the lesson editor's data.
type lessonEditData struct {
	Course  *CourseAdminView
	New     bool
	ID      string
	Video   string // the stored video file's name, if any
	Preview previewData
	MaxBody int
}

// lessonFormPage builds the lesson editor for rec of course.
func (u *portal) lessonFormPage(e *core.RequestEvent, course, rec *core.Record) *Page {
	d := &lessonEditData{Course: courseAdminView(course), New: rec.IsNew(), ID: rec.Id, Video: rec.GetString("video"),
		Preview: previewData{HTML: template.HTML(rec.GetString("body_html"))}, MaxBody: maxLessonBody}
	p := &Page{Data: d, Errors: map[string]string{}, Values: map[string]string{
		"title": rec.GetString("title"), "body": rec.GetString("body"), "minutes": strconv.Itoa(rec.GetInt("minutes")),
		"video_url": rec.GetString("video_url"),
	}}
	p.Title = u.t(e, "training_admin.lesson_new")
	if !d.New {
		p.Title = u.t(e, "training_admin.lesson_edit_title", rec.GetString("title"))
	}
	return p
}

// checkVideo reads the uploaded video, if any, and checks its type by
// content and by extension.
func checkVideo(e *core.RequestEvent, loc string, p *Page, body map[string]any) {
	checkedUpload(e, loc, p, body, "video", maxVideoBytes, videoTypes, "validation.training_admin_video",
		func(fh *multipart.FileHeader) bool {
			return slices.Contains([]string{".mp4", ".m4v", ".webm", ".ogg", ".ogv"}, strings.ToLower(path.Ext(fh.Filename)))
		})
}

// readLessonForm validates the lesson form into p and returns the body for
// the lessons rule and Save.
func (u *portal) readLessonForm(e *core.RequestEvent, p *Page, d *lessonEditData) map[string]any {
	loc := u.locale(e)
	body := map[string]any{}
	for _, f := range []string{"title", "minutes", "video_url"} {
		p.Values[f] = formValue(e, f)
	}
	p.Values["body"] = strings.ToValidUTF8(strings.TrimRight(e.Request.PostFormValue("body"), " \t\r\n"), "")
	v := p.Values
	switch n := utf8.RuneCountInString(v["title"]); {
	case n == 0:
		p.Errors["title"] = tr(loc, "validation.required")
	case n > maxTitle:
		p.Errors["title"] = tr(loc, "validation.max_text_constraint")
	}
	if n := utf8.RuneCountInString(v["body"]); n > maxLessonBody {
		p.Errors["body"] = tooLong(loc, maxLessonBody, n)
	} else {
		d.Preview = previewData{HTML: markdown.Render(v["body"])}
	}
	minutes, ok := wholeNumber(v["minutes"], 10000)
	if !ok {
		p.Errors["minutes"] = tr(loc, "validation.whole_number", 10000)
	}
	if s := v["video_url"]; s != "" {
		w, err := url.Parse(s)
		if err != nil || (w.Scheme != "https" && w.Scheme != "http") || w.Host == "" || len(s) > 2000 {
			p.Errors["video_url"] = tr(loc, "validation.training_admin_video_url")
		}
	}
	checkVideo(e, loc, p, body)
	body["title"] = v["title"]
	body["body"] = v["body"]
	body["minutes"] = minutes
	body["video_url"] = v["video_url"]
	return body
}

// lessonSaveError is saveError with the video's own message.
func (u *portal) lessonSaveError(e *core.RequestEvent, p *Page, err error) error {
	if err := u.saveError(e, p, err); err != nil {
		return err
	}
	if _, bad := p.Errors["video"]; bad {
		p.Errors["video"] = u.t(e, "validation.training_admin_video")
	}
	return nil
}

// lessonNewShow shows the empty lesson editor of the course in the path.
func (u *portal) lessonNewShow(e *core.RequestEvent) error {
	course, err := staffCourse(e)
	if err != nil {
		return err
	}
	c, err := e.App.FindCachedCollectionByNameOrId("lessons")
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "lesson_edit", u.lessonFormPage(e, course, core.NewRecord(c)))
}

// lessonNewSubmit adds a lesson at the end of the course through the
// lessons' Create rule (the hook counts it on the course).
func (u *portal) lessonNewSubmit(e *core.RequestEvent) error {
	course, err := staffCourse(e)
	if err != nil {
		return err
	}
	c, err := e.App.FindCachedCollectionByNameOrId("lessons")
	if err != nil {
		return err
	}
	rec := core.NewRecord(c)
	p := u.lessonFormPage(e, course, rec)
	body := u.readLessonForm(e, p, p.Data.(*lessonEditData))
	if len(p.Errors) == 0 {
		body["course"] = course.Id
		err = e.App.RunInTransaction(func(tx core.App) error {
			var last int
			if err := tx.DB().Select("COALESCE(MAX([[order]]), 0)").From("lessons").
				Where(dbx.HashExp{"course": course.Id}).Row(&last); err != nil {
				return err
			}
			body["order"] = last + 1
			return access.Create(tx, access.Info(getCtx(e).User, http.MethodPost, body), rec)
		})
		if err := u.lessonSaveError(e, p, err); err != nil {
			return err
		}
	}
	if len(p.Errors) > 0 {
		rec.MarkAsNew()
		return u.render(e, http.StatusBadRequest, "lesson_edit", p)
	}
	u.setFlash(e, "flash.training_admin_lesson_saved")
	return e.Redirect(http.StatusSeeOther, "/courses/"+course.GetString("slug")+"/edit")
}

// withCourse loads the lesson or quiz (collection) in the path and its
// course, both checked against their rules.
func withCourse(e *core.RequestEvent, collection string) (rec, course *core.Record, err error) {
	rec, err = staffRecord(e, collection)
	if err != nil {
		return nil, nil, err
	}
	course, err = access.FindVisible(e.App, access.Info(getCtx(e).User, http.MethodGet, nil), "courses", rec.GetString("course"))
	if err != nil {
		return nil, nil, e.NotFoundError("", err)
	}
	return rec, course, nil
}

// lessonCourse loads the lesson in the path and its course.
func lessonCourse(e *core.RequestEvent) (lesson, course *core.Record, err error) {
	return withCourse(e, "lessons")
}

// lessonEditShow shows the editor of a lesson.
func (u *portal) lessonEditShow(e *core.RequestEvent) error {
	lesson, course, err := lessonCourse(e)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "lesson_edit", u.lessonFormPage(e, course, lesson))
}

// lessonEditSubmit saves a lesson through the lessons' Update rule.
func (u *portal) lessonEditSubmit(e *core.RequestEvent) error {
	lesson, course, err := lessonCourse(e)
	if err != nil {
		return err
	}
	p := u.lessonFormPage(e, course, lesson)
	body := u.readLessonForm(e, p, p.Data.(*lessonEditData))
	if len(p.Errors) == 0 {
		_, err = updateWithEvent(e, lesson, body, "")
		if err := u.lessonSaveError(e, p, err); err != nil {
			return err
		}
	}
	if len(p.Errors) > 0 {
		return u.render(e, http.StatusBadRequest, "lesson_edit", p)
	}
	u.setFlash(e, "flash.training_admin_lesson_saved")
	return e.Redirect(http.StatusSeeOther, "/courses/"+course.GetString("slug")+"/edit")
}

// lessonDelete deletes a lesson (after the form's confirmation) through the
// lessons' Delete rule; the hook recounts the course.
func (u *portal) lessonDelete(e *core.RequestEvent) error {
	lesson, course, err := lessonCourse(e)
	if err != nil {
		return err
	}
	if err := deleteVisible(e, lesson); err != nil {
		return err
	}
	u.setFlash(e, "flash.training_admin_lesson_deleted")
	return e.Redirect(http.StatusSeeOther, "/courses/"+course.GetString("slug")+"/edit")
}
