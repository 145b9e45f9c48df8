package hooks

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/markdown"
)

// markdownFields maps each collection with user-written Markdown to its
// source field and the field that keeps the rendered, sanitised HTML.
var markdownFields = map[string][2]string{
	"announcements":  {"body", "body_html"},
	"forum_posts":    {"body", "body_html"},
	"messages":       {"body", "body_html"},
	"tiers":          {"benefits", "benefits_html"},
	"documents":      {"description", "description_html"},
	"courses":        {"description", "description_html"},
	"lessons":        {"body", "body_html"},
	"certifications": {"description", "description_html"},
}

func bindMarkdownHooks(app core.App) {
	for coll := range markdownFields {
		app.OnRecordCreate(coll).BindFunc(renderBody)
		app.OnRecordUpdate(coll).BindFunc(renderBody)
	}
}

// renderBody renders body into body_html on every save: pages show the
// stored HTML and never render on view (a thread of 50 posts costs no
// Markdown work), and no writer — not even a superuser in the dashboard —
// can store HTML that did not come from the sanitising renderer.
func renderBody(e *core.RecordEvent) error {
	f := markdownFields[e.Record.Collection().Name]
	if e.Record.Collection().Fields.GetByName(f[1]) != nil { // the field exists once its migration ran
		e.Record.Set(f[1], string(markdown.Render(e.Record.GetString(f[0]))))
	}
	return e.Next()
}
