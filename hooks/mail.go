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
	app.OnMailerRecordOTPSend("users").BindFunc(translateOTPMail)
}

// mailLayout is the one HTML layout of Ponte's account e-mails: a greeting, a
// paragraph, an optional button or code, a note, and the portal's name.
var mailLayout = template.Must(template.New("mail").Parse(`<!doctype html>
<html lang="{{.Lang}}"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2933">
<p>{{.Hello}}</p>
<p>{{.Intro}}</p>
{{if .Link}}<p><a href="{{.Link}}" style="display:inline-block;padding:10px 16px;background:{{.Colour}};color:#fff;border-radius:6px;text-decoration:none">{{.Button}}</a></p>{{end}}
{{if .Code}}<p style="font-size:28px;font-weight:700;letter-spacing:4px">{{.Code}}</p>{{end}}
<p style="color:#52606d;font-size:14px">{{.Note}}</p>
<p style="color:#52606d;font-size:14px">{{.Portal}}</p>
</body></html>`))

// mailParts is what one e-mail says, already translated.
type mailParts struct {
	Lang, Hello, Intro, Button, Link, Code, Note, Portal, Colour string
}

// mailLocale returns the recipient's language, else the portal default.
func mailLocale(r *core.Record, b branding.Branding) string {
	if loc := i18n.Normalize(r.GetString("locale")); loc != "" {
		return loc
	}
	return b.DefaultLocale
}

func greeting(loc string, r *core.Record) string {
	name := r.GetString("name")
	if name == "" {
		name = r.Email()
	}
	return i18n.T(loc, "mail.hello", name)
}

func renderMail(e *core.MailerRecordEvent, subject string, parts mailParts) error {
	var buf bytes.Buffer
	if err := mailLayout.Execute(&buf, parts); err != nil {
		return err
	}
	e.Message.Subject = subject
	e.Message.HTML = buf.String()
	e.Message.Text = ""
	return e.Next()
}

// translateResetMail replaces PocketBase's reset e-mail (admin-UI link, English)
// with one in the user's language that links to the portal's reset page. It
// serves the portal's "forgot password" and the REST request alike.
func translateResetMail(e *core.MailerRecordEvent) error {
	token, _ := e.Meta["token"].(string)
	b := branding.Load(e.App)
	loc := mailLocale(e.Record, b)
	return renderMail(e, i18n.T(loc, "mail.reset.subject", b.Name), mailParts{
		Lang: loc, Hello: greeting(loc, e.Record), Intro: i18n.T(loc, "mail.reset.intro", b.Name),
		Button: i18n.T(loc, "mail.reset.button"), Note: i18n.T(loc, "mail.reset.ignore"),
		Link:   strings.TrimRight(e.App.Settings().Meta.AppURL, "/") + "/reset/" + token,
		Portal: b.Name, Colour: b.Colour,
	})
}

// translateOTPMail sends the one-time sign-in code (the portal's second
// factor, and PocketBase's OTP requests) in the user's language.
func translateOTPMail(e *core.MailerRecordEvent) error {
	code, _ := e.Meta["password"].(string)
	b := branding.Load(e.App)
	loc := mailLocale(e.Record, b)
	return renderMail(e, i18n.T(loc, "mail.otp.subject", b.Name), mailParts{
		Lang: loc, Hello: greeting(loc, e.Record), Intro: i18n.T(loc, "mail.otp.intro", b.Name),
		Code: code, Note: i18n.T(loc, "mail.otp.ignore"), Portal: b.Name, Colour: b.Colour,
	})
}
