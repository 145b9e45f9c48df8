package hooks

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/branding"
	"github.com/ponte-portal/ponte/internal/email"
	"github.com/ponte-portal/ponte/internal/i18n"
)

func bindMailHooks(app core.App) {
	app.OnMailerRecordPasswordResetSend("users").BindFunc(translateResetMail)
	app.OnMailerRecordOTPSend("users").BindFunc(translateOTPMail)
}

// mailLocale returns the recipient's language, else the portal default.
func mailLocale(r *core.Record, b branding.Branding) string {
	if loc := i18n.Normalize(r.GetString("locale")); loc != "" {
		return loc
	}
	return b.DefaultLocale
}

// renderMail replaces PocketBase's message with Ponte's branded layout
// (internal/email: logo, name, colour, language) and lets it be sent.
func renderMail(e *core.MailerRecordEvent, m email.Message) error {
	m.To, m.ToName = e.Record.Email(), e.Record.GetString("name")
	msg, err := email.Compose(e.App, m)
	if err != nil {
		return err
	}
	e.Message.Subject = msg.Subject
	e.Message.HTML = msg.HTML
	e.Message.Text = msg.Text
	if e.Message.Headers == nil {
		e.Message.Headers = map[string]string{}
	}
	for k, v := range msg.Headers {
		e.Message.Headers[k] = v
	}
	return e.Next()
}

// translateResetMail replaces PocketBase's reset e-mail (admin-UI link, English)
// with one in the user's language that links to the portal's reset page. It
// serves the portal's "forgot password" and the REST request alike.
func translateResetMail(e *core.MailerRecordEvent) error {
	token, _ := e.Meta["token"].(string)
	b := branding.Load(e.App)
	loc := mailLocale(e.Record, b)
	return renderMail(e, email.Message{Locale: loc,
		Subject: i18n.T(loc, "mail.reset.subject", b.Name), Intro: i18n.T(loc, "mail.reset.intro", b.Name),
		Button: i18n.T(loc, "mail.reset.button"), Note: i18n.T(loc, "mail.reset.ignore"),
		Link: email.BaseURL(e.App) + "/reset/" + token,
	})
}

// translateOTPMail sends the one-time sign-in code (the portal's code sign-in
// and second factor, and PocketBase's OTP requests) in the user's language.
func translateOTPMail(e *core.MailerRecordEvent) error {
	code, _ := e.Meta["password"].(string)
	b := branding.Load(e.App)
	loc := mailLocale(e.Record, b)
	return renderMail(e, email.Message{Locale: loc,
		Subject: i18n.T(loc, "mail.otp.subject", b.Name), Intro: i18n.T(loc, "mail.otp.intro", b.Name),
		Code: code, Note: i18n.T(loc, "brand.mail.otp_note"),
	})
}
