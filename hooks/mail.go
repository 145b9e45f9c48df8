package hooks

import (
	"bytes"
	"html/template"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/branding"
	"github.com/ponte-portal/ponte/internal/i18n"
)

func bindMailHooks(app core.App) {
	app.OnMailerRecordPasswordResetSend("users").BindFunc(translateResetMail)
}

var resetMail = template.Must(template.New("reset").Parse(`<!doctype html>
<html lang="{{.Lang}}"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2933">
<p>{{.Hello}}</p>
<p>{{.Intro}}</p>
<p><a href="{{.Link}}" style="display:inline-block;padding:10px 16px;background:{{.Colour}};color:#fff;border-radius:6px;text-decoration:none">{{.Button}}</a></p>
<p style="color:#52606d;font-size:14px">{{.Ignore}}</p>
<p style="color:#52606d;font-size:14px">{{.Portal}}</p>
</body></html>`))

// translateResetMail replaces PocketBase's reset e-mail (admin-UI link, English)
// with one in the user's language that links to the portal's reset page. It
// serves the portal's "forgot password" and the REST request alike.
func translateResetMail(e *core.MailerRecordEvent) error {
	token, _ := e.Meta["token"].(string)
	loc := i18n.Normalize(e.Record.GetString("locale"))
	b := branding.Load(e.App)
	if loc == "" {
		loc = b.DefaultLocale
	}
	link := strings.TrimRight(e.App.Settings().Meta.AppURL, "/") + "/reset/" + token
	name := e.Record.GetString("name")
	if name == "" {
		name = e.Record.Email()
	}
	var buf bytes.Buffer
	err := resetMail.Execute(&buf, map[string]string{
		"Lang":   loc,
		"Hello":  i18n.T(loc, "mail.hello", name),
		"Intro":  i18n.T(loc, "mail.reset.intro", b.Name),
		"Button": i18n.T(loc, "mail.reset.button"),
		"Ignore": i18n.T(loc, "mail.reset.ignore"),
		"Portal": b.Name,
		"Colour": b.Colour,
		"Link":   link,
	})
	if err != nil {
		return err
	}
	e.Message.Subject = i18n.T(loc, "mail.reset.subject", b.Name)
	e.Message.HTML = buf.String()
	e.Message.Text = ""
	return e.Next()
}
