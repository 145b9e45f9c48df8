// Package email composes and sends Ponte's branded one-off e-mails —
// invitations, application decisions, account messages — in the recipient's
// language, with the portal's name, logo and colour from the settings record.
// Notification e-mails and digests (internal/notify) follow the same style.
package email

import (
	"bytes"
	"html/template"
	"net/mail"
	"strings"
	ttemplate "text/template"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/mailer"

	"github.com/ponte-portal/ponte/internal/branding"
	"github.com/ponte-portal/ponte/internal/i18n"
)

// Message is what one e-mail says, already translated. Only To, Subject and
// Intro are required; empty parts are left out.
type Message struct {
	To, ToName string // address and display name of the recipient
	Locale     string // the recipient's language ("" = the portal default)
	Subject    string
	Hello      string   // greeting; "" = "Hello, <ToName>" in Locale
	Intro      string   // first paragraph
	Paragraphs []string // further paragraphs, plain text
	Button     string   // label of the call-to-action button
	Link       string   // absolute URL of the button ("" = no button)
	Code       string   // a one-time code shown large ("" = none)
	Note       string   // small print under the button
}

// layoutData is what the templates see.
type layoutData struct {
	Message
	Lang, Portal, Colour, LogoURL string
}

// htmlLayout is the HTML part. E-mail clients ignore style sheets, hence the
// inline styles; the button colour is the portal's (its contrast with white
// is checked when an admin sets it).
var htmlLayout = template.Must(template.New("email").Parse(`<!doctype html>
<html lang="{{.Lang}}"><body style="font-family:system-ui,sans-serif;line-height:1.5;color:#1f2933">
{{if .LogoURL}}<p><img src="{{.LogoURL}}" alt="{{.Portal}}" height="48"></p>{{else}}<p style="font-weight:700;color:{{.Colour}}">{{.Portal}}</p>{{end}}
<p>{{.Hello}}</p>
<p>{{.Intro}}</p>
{{range .Paragraphs}}<p>{{.}}</p>
{{end}}{{if .Link}}<p><a href="{{.Link}}" style="display:inline-block;padding:10px 16px;background:{{.Colour}};color:#fff;border-radius:6px;text-decoration:none">{{.Button}}</a></p>
<p style="color:#52606d;font-size:13px;word-break:break-all">{{.Link}}</p>{{end}}
{{if .Code}}<p style="font-size:28px;font-weight:700;letter-spacing:4px">{{.Code}}</p>{{end}}
{{if .Note}}<p style="color:#52606d;font-size:14px">{{.Note}}</p>{{end}}
<p style="color:#52606d;font-size:14px">{{.Portal}}</p>
</body></html>`))

// textLayout is the plain-text part of the same e-mail.
var textLayout = ttemplate.Must(ttemplate.New("email").Parse(`{{.Hello}}

{{.Intro}}
{{range .Paragraphs}}
{{.}}
{{end}}{{if .Link}}
{{.Button}}: {{.Link}}
{{end}}{{if .Code}}
{{.Code}}
{{end}}{{if .Note}}
{{.Note}}
{{end}}
--
{{.Portal}}
`))

// BaseURL is the portal's public address (Settings → Application URL),
// without a trailing slash; links in e-mails start with it.
func BaseURL(app core.App) string { return strings.TrimRight(app.Settings().Meta.AppURL, "/") }

// LogoURL is the absolute address of the portal's logo for e-mails (the
// 48 px high thumbnail), or "" when there is none. Notification e-mails
// (internal/notify) use it for the same header.
func LogoURL(app core.App, b branding.Branding) string {
	if b.LogoURL == "" {
		return ""
	}
	return BaseURL(app) + b.LogoURL
}

// Sender is the From address of the portal's e-mails: the mail settings'
// sender, named after the portal when the settings give no name.
func Sender(app core.App, b branding.Branding) mail.Address {
	meta := app.Settings().Meta
	from := mail.Address{Name: meta.SenderName, Address: meta.SenderAddress}
	if from.Name == "" {
		from.Name = b.Name
	}
	return from
}

// Compose builds the e-mail with the portal's branding.
func Compose(app core.App, m Message) (*mailer.Message, error) {
	b := branding.Load(app)
	loc := i18n.Normalize(m.Locale)
	if loc == "" {
		loc = b.DefaultLocale
	}
	if m.Hello == "" {
		name := m.ToName
		if name == "" {
			name = m.To
		}
		m.Hello = i18n.T(loc, "mail.hello", name)
	}
	d := layoutData{Message: m, Lang: loc, Portal: b.Name, Colour: b.Colour, LogoURL: LogoURL(app, b)}
	var html, text bytes.Buffer
	if err := htmlLayout.Execute(&html, d); err != nil {
		return nil, err
	}
	if err := textLayout.Execute(&text, d); err != nil {
		return nil, err
	}
	return &mailer.Message{
		From:    Sender(app, b),
		To:      []mail.Address{{Name: m.ToName, Address: m.To}},
		Subject: m.Subject,
		HTML:    html.String(),
		Text:    text.String(),
		Headers: map[string]string{"Auto-Submitted": "auto-generated"},
	}, nil
}

// Send composes and sends the e-mail through the app's mailer (SMTP, or the
// test mailer under tests). An error means it was not handed over.
func Send(app core.App, m Message) error {
	msg, err := Compose(app, m)
	if err != nil {
		return err
	}
	return app.NewMailClient().Send(msg)
}
