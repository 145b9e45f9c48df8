package ui

import (
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/markdown"
)

// lessonPreview answers the editors' live Markdown preview (an htmx
// fragment) for the field named by "field" (body or description).
func (u *portal) lessonPreview(e *core.RequestEvent) error {
	field := e.Request.PostFormValue("field")
	if field != "description" {
		field = "body"
	}
	limit := maxLessonBody
	if field == "description" {
		limit = maxCourseDescription
	}
	src := e.Request.PostFormValue(field)
	d := previewData{}
	if n := utf8.RuneCountInString(src); n > limit {
		d.Err = tooLong(u.locale(e), limit, n)
	} else {
		d.HTML = markdown.Render(src)
	}
	return u.renderFragment(e, "lesson_edit", "ta_preview", &Page{Data: d})
}
