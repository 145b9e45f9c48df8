package access_test

// The invitations access matrix through the REST API: every role ×
// list/view/create/update/delete. Staff see the invitations of the partners
// they manage (admins all, staff invitations included), a partner admin their
// own partner's; partner users and guests none. Every write goes through the
// portal, so the REST API refuses them all. The token hash never appears.

import (
	"net/http"
	"slices"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/testapp"
)

func invFactory(t testing.TB) *tests.TestApp {
	t.Helper()
	app := testapp.Factory(t)
	testapp.SeedInvitations(t, app)
	return app
}

var cachedInvFactory = testapp.Cached(invFactory)

func TestInvitationsRules(t *testing.T) {
	all := []string{testapp.InvAcme, testapp.InvGlobex, testapp.InvStaff}
	visible := map[actor][]string{
		guest: nil, admin: all,
		ana: {testapp.InvAcme}, bruno: {testapp.InvGlobex},
		acmeAdmin: {testapp.InvAcme}, acmeUser: nil,
		globexAdmin: {testapp.InvGlobex}, globexUser: nil,
	}
	hidden := []string{testapp.InvTokenHash, `"token_hash"`}
	var sc []tests.ApiScenario
	for _, a := range actors {
		sc = append(sc, listS(a, "invitations", all, visible[a], hidden))
		for _, id := range all {
			sc = append(sc, viewS(a, "invitations", id, id, slices.Contains(visible[a], id), hidden))
		}
		body := map[string]any{"email": "x@acme.test", "role": "partner_user", "partner": testapp.PartnerAcme,
			"token_hash": "ab" + testapp.InvTokenHash, "status": "pending", "expires": "2030-01-01 00:00:00.000Z"}
		status := http.StatusForbidden
		sc = append(sc, createS(a, "invitations", "an invitation", body, status, countWith("invitations", "email", "x@acme.test", 0)))
		sc = append(sc, updateS(nil, a, "invitations", testapp.InvAcme, "Acme's invitation", map[string]any{"status": "accepted"}, false, status))
		sc = append(sc, deleteS(a, "invitations", testapp.InvAcme, "Acme's invitation", false, status, countWith("invitations", "id", testapp.InvAcme, 1)))
	}
	for i := range sc {
		sc[i].TestAppFactory = cachedInvFactory
	}
	run(t, sc)
}
