package applications

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/branding"
	"github.com/ponte-portal/ponte/internal/email"
	"github.com/ponte-portal/ponte/internal/i18n"
	"github.com/ponte-portal/ponte/internal/roles"
)

// SendReceived confirms to the applicant, in the language they applied in,
// that their application arrived.
func SendReceived(app core.App, rec *core.Record) error {
	loc := rec.GetString("locale")
	return email.Send(app, email.Message{
		To: rec.GetString("contact_email"), ToName: rec.GetString("contact_name"), Locale: loc,
		Subject:    i18n.T(loc, "applications.mail.received.subject", rec.GetString("company")),
		Intro:      i18n.T(loc, "applications.mail.received.intro", rec.GetString("company")),
		Paragraphs: []string{i18n.T(loc, "applications.mail.received.next")},
		Note:       i18n.T(loc, "applications.mail.received.note"),
	})
}

// SendDeclined tells the applicant, in their language, that the application
// was declined and why.
func SendDeclined(app core.App, rec *core.Record) error {
	loc := rec.GetString("locale")
	return email.Send(app, email.Message{
		To: rec.GetString("contact_email"), ToName: rec.GetString("contact_name"), Locale: loc,
		Subject: i18n.T(loc, "applications.mail.declined.subject", rec.GetString("company")),
		Intro:   i18n.T(loc, "applications.mail.declined.intro", rec.GetString("company")),
		Paragraphs: []string{
			i18n.T(loc, "applications.mail.declined.reason_label"),
			rec.GetString("decline_reason"),
			i18n.T(loc, "applications.mail.declined.outro"),
		},
	})
}

// maxNotified bounds the admins told about one application.
const maxNotified = 50

// NotifyAdmins e-mails the active admins, each in their own language, that
// an application arrived, with a link to review it. It returns how many
// were sent; an error stops at the first failure.
func NotifyAdmins(app core.App, rec *core.Record) (int, error) {
	var admins []*core.Record
	err := app.RecordQuery("users").
		AndWhere(dbx.HashExp{"role": roles.Admin, "deactivated": false}).
		OrderBy("created ASC").Limit(maxNotified).All(&admins)
	if err != nil {
		return 0, err
	}
	link := email.BaseURL(app) + "/applications/" + rec.Id
	country := rec.GetString("country")
	sent := 0
	def := branding.Load(app).DefaultLocale
	for _, a := range admins {
		loc := i18n.Normalize(a.GetString("locale"))
		if loc == "" {
			loc = def
		}
		err := email.Send(app, email.Message{
			To: a.GetString("email"), ToName: a.GetString("name"), Locale: loc,
			Subject: i18n.T(loc, "applications.mail.new.subject", rec.GetString("company")),
			Intro: i18n.T(loc, "applications.mail.new.intro", rec.GetString("company"),
				i18n.CountryName(loc, country)),
			Button: i18n.T(loc, "applications.mail.new.button"), Link: link,
		})
		if err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}
