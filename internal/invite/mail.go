package invite

import (
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/branding"
	"github.com/ponte-portal/ponte/internal/email"
	"github.com/ponte-portal/ponte/internal/i18n"
)

// AcceptPath is the path of the acceptance page; the token follows it.
const AcceptPath = "/invitations/accept/"

// Link is the absolute acceptance link of a token.
func Link(app core.App, token string) string { return email.BaseURL(app) + AcceptPath + token }

// send e-mails the invitation (or its reminder) in the invitee's language:
// who invited them, to which partner, the link and its expiry date.
func send(app core.App, inv, partner, inviter *core.Record, token string, reminder bool) error {
	b := branding.Load(app)
	loc := i18n.Normalize(inv.GetString("locale"))
	if loc == "" {
		loc = b.DefaultLocale
	}
	who := i18n.T(loc, "invitations.mail.team", b.Name)
	if inviter != nil {
		who = inviter.GetString("name")
		if who == "" {
			who = inviter.GetString("email")
		}
	}
	where := b.Name
	if partner != nil {
		where = partner.GetString("name")
	}
	role := i18n.T(loc, "role."+inv.GetString("role"))
	subject := i18n.T(loc, "invitations.mail.subject", where, b.Name)
	intro := i18n.T(loc, "invitations.mail.intro", who, where, b.Name)
	if partner == nil { // vendor staff: they join the portal's own team
		subject = i18n.T(loc, "invitations.mail.subject_staff", b.Name)
		intro = i18n.T(loc, "invitations.mail.intro_staff", who, b.Name)
	}
	paras := []string{i18n.T(loc, "invitations.mail.role", role)}
	if reminder {
		subject = i18n.T(loc, "invitations.mail.reminder_subject", where, b.Name)
		if partner == nil {
			subject = i18n.T(loc, "invitations.mail.reminder_subject_staff", b.Name)
		}
		paras = append(paras, i18n.T(loc, "invitations.mail.reminder_note"))
	}
	expires := inv.GetDateTime("expires").Time()
	return email.Send(app, email.Message{
		To:         inv.GetString("email"),
		ToName:     inv.GetString("name"),
		Locale:     loc,
		Subject:    subject,
		Intro:      intro,
		Paragraphs: paras,
		Button:     i18n.T(loc, "invitations.mail.button"),
		Link:       Link(app, token),
		Note:       i18n.T(loc, "invitations.mail.expires", i18n.LongDate(loc, expires)),
	})
}
