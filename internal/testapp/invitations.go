package testapp

import (
	"regexp"
	"testing"

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
