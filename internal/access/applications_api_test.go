package access_test

// The partner applications access matrix through the REST API: only admins
// list, view, correct and delete applications; nobody creates one through
// the API (the public form is the only door); a decision is final; the
// keyed address hash never leaves the server.

import (
	"net/http"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/testapp"
)

const appsColl = "partner_applications"

// appsFactory is the fixture with testapp.SeedApplications.
func appsFactory(t testing.TB) *tests.TestApp {
	t.Helper()
	app := testapp.Factory(t)
	testapp.SeedApplications(t, app)
	return app
}

var cachedAppsFactory = testapp.Cached(appsFactory)

func TestRulesAPIPartnerApplications(t *testing.T) {
	ref := cachedAppsFactory(t) // the same snapshot the scenarios clone
	all := []string{testapp.AppNew, testapp.AppDeclined}
	hidden := []string{`"ip_hash"`, "00112233445566778899aabbccddeeff"}
	body := map[string]any{"company": "Via API Ltda", "country": "BR", "website": "https://via-api.test",
		"contact_name": "Api", "contact_email": "api@via-api.test", "message": "Trying the REST door.",
		"consent": true, "locale": "en", "status": "new"}

	var s []tests.ApiScenario
	for _, a := range actors {
		visible := []string(nil)
		if a == admin {
			visible = all
		}
		s = append(s, listS(a, appsColl, all, visible, hidden))
		s = append(s, viewS(a, appsColl, testapp.AppNew, "the waiting application", a == admin, hidden))
		// No REST create for anyone, admins included: 403, nothing stored.
		status := http.StatusForbidden
		s = append(s, createS(a, appsColl, "an application", body, status, countWith(appsColl, "company", "Via API Ltda", 0)))
		if a != admin {
			s = append(s,
				updateS(ref, a, appsColl, testapp.AppNew, "the waiting application", map[string]any{"status": "declined", "decline_reason": "spam"}, false, http.StatusNotFound),
				deleteS(a, appsColl, testapp.AppNew, "the waiting application", false, http.StatusNotFound, unchanged(ref, appsColl, testapp.AppNew)),
			)
		}
	}
	s = append(s,
		// An admin corrects a typo, and may record a decision as themselves.
		updateS(ref, admin, appsColl, testapp.AppNew, "the waiting application", map[string]any{"phone": "+55 11 4000-9999"}, true, 0),
		updateS(ref, admin, appsColl, testapp.AppNew, "the waiting application",
			map[string]any{"status": "declined", "decline_reason": "Not now.", "decided_by": testapp.AdminID}, true, 0),
		// … but not in another admin's name (the rule refuses: 404),
		updateS(ref, admin, appsColl, testapp.AppNew, "the waiting application",
			map[string]any{"status": "declined", "decline_reason": "Not now.", "decided_by": testapp.ManagerAnaID}, false, http.StatusNotFound),
		// … nor approve without a partner, decline without a reason, or
		// reopen a decided application (the hooks: 400).
		updateS(ref, admin, appsColl, testapp.AppNew, "the waiting application", map[string]any{"status": "approved"}, false, http.StatusBadRequest),
		updateS(ref, admin, appsColl, testapp.AppNew, "the waiting application", map[string]any{"status": "declined"}, false, http.StatusBadRequest),
		updateS(ref, admin, appsColl, testapp.AppDeclined, "the declined application", map[string]any{"status": "new"}, false, http.StatusBadRequest),
		deleteS(admin, appsColl, testapp.AppDeclined, "the declined application", true, 0, nil),
	)
	for i := range s {
		s[i].TestAppFactory = cachedAppsFactory
	}
	run(t, s)
}
