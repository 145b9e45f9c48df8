package tiering

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/branding"
	"github.com/ponte-portal/ponte/internal/email"
	"github.com/ponte-portal/ponte/internal/i18n"
)

// MailPromotion e-mails the partner admins of a promoted partner, each in
// their language, with a link to the programme page. change is a
// tier_changes row; only promotions made from an evaluation are announced
// (a manual change is the vendor's conversation with the partner). It
// returns how many e-mails were handed to the mailer.
func MailPromotion(app core.App, change *core.Record) (int, error) {
	if change.GetString("source") != SourceEvaluation || change.GetString("to_tier") == "" {
		return 0, nil
	}
	to, err := app.FindRecordById("tiers", change.GetString("to_tier"))
	if err != nil {
		return 0, nil
	}
	if from, err := app.FindRecordById("tiers", change.GetString("from_tier")); err == nil && from.GetInt("rank") >= to.GetInt("rank") {
		return 0, nil
	}
	p, err := app.FindRecordById("partners", change.GetString("partner"))
	if err != nil {
		return 0, err
	}
	admins, err := app.FindAllRecords("users", dbx.HashExp{"partner": p.Id, "role": "partner_admin", "deactivated": false})
	if err != nil {
		return 0, err
	}
	sent := 0
	for _, u := range admins {
		// The user's language, else the portal's default (set by admins).
		loc := i18n.Normalize(u.GetString("locale"))
		if loc == "" {
			loc = branding.Load(app).DefaultLocale
		}
		err := email.Send(app, email.Message{
			To: u.Email(), ToName: u.GetString("name"), Locale: loc,
			Subject: i18n.T(loc, "tiering.mail.subject", p.GetString("name"), to.GetString("name")),
			Intro:   i18n.T(loc, "tiering.mail.intro", p.GetString("name"), to.GetString("name")),
			Button:  i18n.T(loc, "tiering.mail.button"),
			Link:    email.BaseURL(app) + "/tiers",
		})
		if err != nil {
			return sent, err
		}
		sent++
	}
	return sent, nil
}
