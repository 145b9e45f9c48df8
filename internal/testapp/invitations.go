package testapp

import (
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
)

// invitationLink finds an acceptance link's token in an e-mail.
var invitationLink = regexp.MustCompile(`/invitations/accept/([A-Za-z0-9_-]{43})`)

// LastInvitationToken returns the token of the acceptance link in the last
// e-mail the test mailer caught, failing the test when there is none.
func LastInvitationToken(t testing.TB, app *tests.TestApp) string {
	t.Helper()
	m := app.TestMailer.LastMessage()
	if m.Subject == "" {
		t.Fatal("testapp: no e-mail was sent")
	}
	match := invitationLink.FindStringSubmatch(m.Text)
	if match == nil {
		t.Fatalf("testapp: the last e-mail has no invitation link:\n%s", m.Text)
	}
	return match[1]
}

// Invitations SeedInvitations writes, with fixed ids: one pending per
// partner (by its partner admin) and one for a staff role (by the admin).
const (
	InvAcme   = "invitationacme1"
	InvGlobex = "invitationglobx"
	InvStaff  = "invitationstaff"
)

// InvTokenHash is the seeded invitations' hash prefix: a distinctive value
// REST tests check never appears in a response.
const InvTokenHash = "7a7a7a7a7a7a7a7a"

// SeedInvitations adds the three invitations (no e-mail is sent).
func SeedInvitations(t testing.TB, app core.App) {
	t.Helper()
	c, err := app.FindCollectionByNameOrId("invitations")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	for i, s := range []struct{ id, email, role, partner, by string }{
		{InvAcme, "new@acme.test", "partner_user", PartnerAcme, AcmeAdminID},
		{InvGlobex, "new@globex.test", "partner_admin", PartnerGlobex, GlobexAdminID},
		{InvStaff, "new@vendor.test", "manager", "", AdminID},
	} {
		r := core.NewRecord(c)
		r.Id = s.id
		r.Set("email", s.email)
		r.Set("role", s.role)
		r.Set("partner", s.partner)
		r.Set("invited_by", s.by)
		r.Set("token_hash", InvTokenHash+strings.Repeat(string(rune('0'+i)), 48))
		r.Set("status", "pending")
		r.Set("expires", now.Add(7*24*time.Hour))
		r.Set("last_sent", now)
		r.Set("send_count", 1)
		if err := app.Save(r); err != nil {
			t.Fatalf("seeding invitation %s: %v", s.id, err)
		}
	}
}
