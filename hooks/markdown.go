package hooks

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/markdown"
)

// markdownCollections keep their Markdown source in "body" and its rendered,
// sanitised HTML in "body_html".
var markdownCollections = []string{"announcements", "forum_posts", "messages"}

func bindMarkdownHooks(app core.App) {
	app.OnRecordCreate(markdownCollections...).BindFunc(renderBody)
	app.OnRecordUpdate(markdownCollections...).BindFunc(renderBody)
}

// renderBody renders body into body_html on every save: pages show the
// stored HTML and never render on view (a thread of 50 posts costs no
// Markdown work), and no writer — not even a superuser in the dashboard —
// can store HTML that did not come from the sanitising renderer.
func renderBody(e *core.RecordEvent) error {
	e.Record.Set("body_html", string(markdown.Render(e.Record.GetString("body"))))
	return e.Next()
}
