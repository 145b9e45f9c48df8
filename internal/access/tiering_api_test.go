package access_test

// The tier automation's access matrix through the REST API: every role ×
// list/view/create/update/delete on tier_reviews (staff of the partner
// only: a partner's users never see the vendor's recommendation) and
// tier_changes (staff of the partner and the partner's own users), both
// written only by the portal and the evaluation. Also: an admin's tier
// change through the API lands in the history with the admin as approver,
// and a manager still cannot move a tier.

import (
	"net/http"
	"slices"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// tierFactory is the fixture with the tier programme, reviews and history.
func tierFactory(t testing.TB) *tests.TestApp {
	t.Helper()
	app := testapp.Factory(t)
	testapp.SeedTierHistory(t, app)
	return app
}

var cachedTierFactory = testapp.Cached(tierFactory)

func runTier(t *testing.T, scenarios []tests.ApiScenario) {
	t.Helper()
	for i := range scenarios {
		scenarios[i].TestAppFactory = cachedTierFactory
	}
	run(t, scenarios)
}

func TestRulesAPITierReviews(t *testing.T) {
	all := []string{testapp.ReviewAcme, testapp.ReviewGlobex}
	visible := map[actor][]string{
		guest: nil, admin: all, ana: {testapp.ReviewAcme}, bruno: {testapp.ReviewGlobex},
		acmeAdmin: nil, acmeUser: nil, globexAdmin: nil, globexUser: nil,
	}
	label := map[string]string{testapp.ReviewAcme: "acme's tier review", testapp.ReviewGlobex: "globex's tier review"}
	intact := fieldsAre("tier_reviews", testapp.ReviewGlobex, map[string]any{"status": "proposed", "recommendation": "promote"})
	var s []tests.ApiScenario
	for _, a := range actors {
		s = append(s, listS(a, "tier_reviews", all, visible[a], nil))
		for _, id := range all {
			s = append(s, viewS(a, "tier_reviews", id, label[id], slices.Contains(visible[a], id), nil))
		}
		s = append(s, createS(a, "tier_reviews", "a tier review",
			map[string]any{"partner": testapp.PartnerAcme, "evaluated_at": "2026-01-01 00:00:00.000Z", "recommendation": "promote", "status": "applied"},
			http.StatusForbidden, countWith("tier_reviews", "status", "applied", 0)))
		up := updateS(nil, a, "tier_reviews", testapp.ReviewGlobex, label[testapp.ReviewGlobex],
			map[string]any{"status": "dismissed"}, false, http.StatusForbidden)
		up.AfterTestFunc = afterAll(intact)
		s = append(s, up)
		s = append(s, deleteS(a, "tier_reviews", testapp.ReviewGlobex, label[testapp.ReviewGlobex], false, http.StatusForbidden, intact))
	}
	runTier(t, s)
}

func TestRulesAPITierChanges(t *testing.T) {
	all := []string{testapp.ChangeAcme, testapp.ChangeGlobex}
	acme, globex := []string{testapp.ChangeAcme}, []string{testapp.ChangeGlobex}
	visible := map[actor][]string{
		guest: nil, admin: all, ana: acme, bruno: globex,
		acmeAdmin: acme, acmeUser: acme, globexAdmin: globex, globexUser: globex,
	}
	label := map[string]string{testapp.ChangeAcme: "acme's tier change", testapp.ChangeGlobex: "globex's tier change"}
	intact := fieldsAre("tier_changes", testapp.ChangeAcme, map[string]any{"reason": "promoted", "approved_by": testapp.AdminID})
	var s []tests.ApiScenario
	for _, a := range actors {
		s = append(s, listS(a, "tier_changes", all, visible[a], nil))
		for _, id := range all {
			s = append(s, viewS(a, "tier_changes", id, label[id], slices.Contains(visible[a], id), nil))
		}
		s = append(s, createS(a, "tier_changes", "a tier change",
			map[string]any{"partner": testapp.PartnerAcme, "to_tier": testapp.TierGold, "reason": "forged", "source": "manual"},
			http.StatusForbidden, countWith("tier_changes", "reason", "forged", 0)))
		up := updateS(nil, a, "tier_changes", testapp.ChangeAcme, label[testapp.ChangeAcme],
			map[string]any{"reason": "forged"}, false, http.StatusForbidden)
		up.AfterTestFunc = afterAll(intact)
		s = append(s, up)
		s = append(s, deleteS(a, "tier_changes", testapp.ChangeAcme, label[testapp.ChangeAcme], false, http.StatusForbidden, intact))
	}
	runTier(t, s)
}

// TestRulesAPITierChangeThroughPartners: the partners Update rule decides
// who moves a tier; whoever it admits leaves a history row naming them.
func TestRulesAPITierChangeThroughPartners(t *testing.T) {
	history := func(approver string, want int) afterFunc {
		return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			t.Helper()
			n, err := app.CountRecords("tier_changes", dbx.HashExp{"partner": testapp.PartnerGlobex, "source": "manual", "approved_by": approver})
			if err != nil || int(n) != want {
				t.Fatalf("manual history rows by %q = %d (%v), want %d", approver, n, err, want)
			}
		}
	}
	adminUp := updateS(nil, admin, "partners", testapp.PartnerGlobex, "globex", map[string]any{"tier": testapp.TierGold}, true, 0)
	adminUp.AfterTestFunc = afterAll(fieldsAre("partners", testapp.PartnerGlobex, map[string]any{"tier": testapp.TierGold}), history(testapp.AdminID, 1))
	brunoUp := updateS(nil, bruno, "partners", testapp.PartnerGlobex, "globex", map[string]any{"tier": testapp.TierGold}, false, http.StatusNotFound)
	brunoUp.AfterTestFunc = afterAll(fieldsAre("partners", testapp.PartnerGlobex, map[string]any{"tier": testapp.TierSilver}), history(testapp.ManagerBrunoID, 0))
	elenaUp := updateS(nil, globexAdmin, "partners", testapp.PartnerGlobex, "globex", map[string]any{"tier": testapp.TierGold}, false, http.StatusNotFound)
	elenaUp.AfterTestFunc = afterAll(fieldsAre("partners", testapp.PartnerGlobex, map[string]any{"tier": testapp.TierSilver}), history(testapp.GlobexAdminID, 0))
	runTier(t, []tests.ApiScenario{adminUp, brunoUp, elenaUp})
}

// TestRulesAPITierSettingsHidden: the public settings record does not give
// away the tier evaluation's settings, not even to an admin's API token.
func TestRulesAPITierSettingsHidden(t *testing.T) {
	var s []tests.ApiScenario
	for _, a := range []actor{guest, admin, acmeUser} {
		ls := listS(a, "settings", nil, nil, []string{`"tier_grace_cycles"`, `"tier_auto_apply"`, `"tier_last_evaluated"`})
		ls.Name = a.name + " lists settings without the tier evaluation's fields"
		ls.ExpectedContent = []string{`"portal_name":"Ponte"`}
		s = append(s, ls)
	}
	runTier(t, s)
}
