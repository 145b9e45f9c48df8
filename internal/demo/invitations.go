package demo

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/invite"
	"github.com/ponte-portal/ponte/internal/roles"
)

// invitationsSummary counts what seedInvitations created.
type invitationsSummary struct {
	pending, dueReminder, expired, accepted, revoked int
}

// line is the summary's line in the demo report ("" prints nothing).
func (s invitationsSummary) line() string {
	return fmt.Sprintf("%d invitations: %d pending (%d due a reminder), %d accepted, %d expired, %d revoked.",
		s.pending+s.accepted+s.expired+s.revoked, s.pending, s.dueReminder, s.accepted, s.expired, s.revoked)
}

// invitationSeed is one demo invitation into an onboarding partner. The
// inviter is the partner's admin (its first person) unless byStaff names a
// staff login; acceptedBy names the person (login) who accepted it.
type invitationSeed struct {
	partner, login, name, role, locale, status, byStaff, acceptedBy string
	sentDaysAgo                                                     int
}

var invitationSeeds = []invitationSeed{
	{partner: "mineira-dados", login: "paulo.mendes", name: "Paulo Mendes", role: roles.PartnerUser, locale: localePT,
		status: invite.StatusPending, sentDaysAgo: 1},
	{partner: "douro-sistemas", login: "rui.almeida", name: "Rui Almeida", role: roles.PartnerUser, locale: localePT,
		status: invite.StatusPending, byStaff: mgrRestBRPT, sentDaysAgo: 4}, // due its reminder
	{partner: "sierra-madre-tecnologia", login: "luis.ortega", name: "Luis Ortega", role: roles.PartnerUser, locale: localeEN,
		status: invite.StatusExpired, sentDaysAgo: 10},
	{partner: "sierra-madre-tecnologia", login: "daniela.trevino", name: "Daniela Treviño", role: roles.PartnerUser, locale: localePT,
		status: invite.StatusAccepted, acceptedBy: "daniela.trevino", sentDaysAgo: 20},
	{partner: "mineira-dados", login: "contato.antigo", role: roles.PartnerUser, locale: localePT,
		status: invite.StatusRevoked, byStaff: mgrSouthEast, sentDaysAgo: 6},
}

// seedInvitations loads the demo's invitations: a few into the onboarding
// partners, at every state. Their tokens are thrown away and no e-mail goes
// out: the links exist only for invitations made in the running demo.
func seedInvitations(tx core.App, now time.Time) (invitationsSummary, error) {
	var s invitationsSummary
	c, err := tx.FindCollectionByNameOrId(invite.Collection)
	if err != nil {
		return s, err
	}
	for _, is := range invitationSeeds {
		partner, err := tx.FindFirstRecordByData("partners", "slug", is.partner)
		if err != nil {
			return s, fmt.Errorf("invitation: partner %s: %w", is.partner, err)
		}
		domain := is.partner + ".example"
		inviter, err := tx.FindAuthRecordByEmail("users", firstPersonLogin(is.partner)+"@"+domain)
		if is.byStaff != "" {
			inviter, err = tx.FindAuthRecordByEmail("users", is.byStaff+"@"+staffDomain)
		}
		if err != nil {
			return s, fmt.Errorf("invitation: inviter for %s: %w", is.login, err)
		}
		_, hash, err := invite.NewToken()
		if err != nil {
			return s, err
		}
		sent := now.Add(-time.Duration(is.sentDaysAgo) * 24 * time.Hour).Truncate(time.Minute)
		r := core.NewRecord(c)
		r.Set("email", is.login+"@"+domain)
		r.Set("name", is.name)
		r.Set("role", is.role)
		r.Set("partner", partner.Id)
		r.Set("invited_by", inviter.Id)
		r.Set("token_hash", hash)
		r.Set("locale", is.locale)
		r.Set("status", is.status)
		r.Set("expires", sent.Add(invite.Validity))
		r.Set("last_sent", sent)
		r.Set("send_count", 1)
		created, err := types.ParseDateTime(sent)
		if err != nil {
			return s, err
		}
		r.SetRaw("created", created)
		switch is.status {
		case invite.StatusPending:
			s.pending++
			if is.sentDaysAgo*24 >= int(invite.ReminderAfter.Hours()) {
				s.dueReminder++
			}
		case invite.StatusExpired:
			s.expired++
		case invite.StatusRevoked:
			r.Set("revoked_by", inviter.Id)
			r.Set("revoked_at", sent.Add(26*time.Hour))
			s.revoked++
		case invite.StatusAccepted:
			u, err := tx.FindAuthRecordByEmail("users", is.acceptedBy+"@"+domain)
			if err != nil {
				return s, fmt.Errorf("invitation: accepted by %s: %w", is.acceptedBy, err)
			}
			r.Set("accepted_user", u.Id)
			r.Set("accepted_at", sent.Add(30*time.Hour))
			s.accepted++
		}
		if err := tx.Save(r); err != nil {
			return s, fmt.Errorf("invitation %s: %w", is.login, err)
		}
	}
	return s, nil
}

// firstPersonLogin is the login of a demo partner's admin (its first person).
func firstPersonLogin(slug string) string {
	for _, p := range partnerSeeds {
		if p.slug == slug && len(p.people) > 0 {
			return p.people[0].login
		}
	}
	return ""
}
