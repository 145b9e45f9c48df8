package access_test

// The onboarding collections through the REST API, from both sides: step
// templates readable by signed-in users and written by admins only; a
// partner's progress and checklist visible to its own users, its channel
// manager and admins, never to the other partner; progress written through
// a rule only by staff of the partner on manual steps; checklists and
// progress never created, deleted or (checklists) updated through the API.

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// onboardingBoth puts both fixture partners in onboarding.
func onboardingBoth(t testing.TB, app *tests.TestApp) {
	testapp.StartOnboarding(t, app, testapp.PartnerAcme)
	testapp.StartOnboarding(t, app, testapp.PartnerGlobex)
}

// onbListS: a lists coll filtered by filter and gets exactly want of the
// given fragments, none of the others.
func onbListS(a actor, coll, filter string, wantN int, want, not []string) tests.ApiScenario {
	return tests.ApiScenario{
		Name:               fmt.Sprintf("%s lists %s [%s] → %d", a.name, coll, filter, wantN),
		Method:             http.MethodGet,
		URL:                recordsURL(coll) + "?perPage=200&filter=" + url.QueryEscape(filter),
		TestAppFactory:     testapp.Factory,
		BeforeTestFunc:     as(a, onboardingBoth),
		ExpectedStatus:     http.StatusOK,
		ExpectedContent:    append([]string{fmt.Sprintf(`"totalItems":%d`, wantN)}, want...),
		NotExpectedContent: not,
	}
}

// refusedTick is an update scenario that must leave the row as it was: still
// open, of the same partner, stamped by nobody. (The setup runs per
// scenario, so the rows' autodates differ from any reference app.)
func refusedTick(a actor, id, label, partner string, body map[string]any) tests.ApiScenario {
	sc := updateS(nil, a, "onboarding_progress", id, label, body, false, http.StatusNotFound, onboardingBoth)
	sc.AfterTestFunc = afterAll(fieldsAre("onboarding_progress", id, map[string]any{"done": false, "done_by": "", "done_at": "", "partner": partner}))
	return sc
}

func TestOnboardingAPIProgressAndChecklists(t *testing.T) {
	acme, globex := `"partner":"`+testapp.PartnerAcme+`"`, `"partner":"`+testapp.PartnerGlobex+`"`
	manual := "step='" + testapp.StepManual + "'"
	visible := map[actor][]string{
		guest: nil, admin: {acme, globex},
		ana: {acme}, bruno: {globex},
		acmeAdmin: {acme}, acmeUser: {acme},
		globexAdmin: {globex}, globexUser: {globex},
	}
	var s []tests.ApiScenario
	for _, a := range actors {
		want := visible[a]
		not := without([]string{acme, globex}, want)
		s = append(s,
			onbListS(a, "onboarding_progress", manual, len(want), want, not),
			onbListS(a, "partner_onboarding", "status='onboarding'", len(want), want, not))
	}
	// One partner's progress row, seen from every side.
	for _, a := range signedIn {
		sees := a == admin || a == ana || a == acmeAdmin || a == acmeUser
		s = append(s, viewS(a, "onboarding_progress", testapp.ProgressAcmeManual, "acme manual step", sees, nil, onboardingBoth))
	}
	// Ticking a manual step: the partner's manager or an admin only.
	for _, a := range signedIn {
		if a == admin || a == ana {
			s = append(s, updateS(nil, a, "onboarding_progress", testapp.ProgressAcmeManual, "acme manual step",
				map[string]any{"done": true}, true, 0, onboardingBoth))
		} else {
			s = append(s, refusedTick(a, testapp.ProgressAcmeManual, "acme manual step", testapp.PartnerAcme, map[string]any{"done": true}))
		}
	}
	// Never the stamps, the partner or an automatic step, not even by staff.
	s = append(s,
		refusedTick(ana, testapp.ProgressAcmeManual, "acme manual step", testapp.PartnerAcme,
			map[string]any{"done": true, "done_by": testapp.AcmeUserID}),
		refusedTick(admin, testapp.ProgressAcmeManual, "acme manual step", testapp.PartnerAcme,
			map[string]any{"partner": testapp.PartnerGlobex}),
		deleteS(admin, "onboarding_progress", testapp.ProgressAcmeManual, "acme manual step", false, http.StatusForbidden,
			fieldsAre("onboarding_progress", testapp.ProgressAcmeManual, map[string]any{"partner": testapp.PartnerAcme}), onboardingBoth),
		createS(admin, "onboarding_progress", "a progress row", map[string]any{"partner": testapp.PartnerAcme, "step": testapp.StepProfile, "done": true},
			http.StatusForbidden, countWith("onboarding_progress", "done", "true", 0), onboardingBoth),
		createS(acmeAdmin, "partner_onboarding", "a checklist", map[string]any{"partner": testapp.PartnerAcme, "status": "completed"},
			http.StatusForbidden, countWith("partner_onboarding", "status", "completed", 0), onboardingBoth),
	)
	// Automatic steps are not ticked through the API, not even by staff.
	s = append(s, refusedTick(ana, testapp.ProgressAcmeProfile, "acme profile step", testapp.PartnerAcme, map[string]any{"done": true}))
	// Work done through the REST API ticks like the portal's: a deal
	// registered by Diego through the API ticks Acme's first-deal step in
	// the same request, Globex's stays open.
	deal := createS(acmeUser, "deals", "Acme's first deal (ticks onboarding)", map[string]any{"partner": testapp.PartnerAcme,
		"submitted_by": testapp.AcmeUserID, "customer_name": "Rest Onboarding Ltda", "product": "Ponte Cloud",
		"amount": 1234, "currency": "BRL", "stage": "registered"}, http.StatusOK, stepDone(testapp.PartnerAcme, testapp.StepFirstDeal, true), onboardingBoth)
	deal.AfterTestFunc = afterAll(stepDone(testapp.PartnerAcme, testapp.StepFirstDeal, true), stepDone(testapp.PartnerGlobex, testapp.StepFirstDeal, false))
	s = append(s, deal)
	run(t, s)
}

// stepDone checks whether the partner's row of step is ticked.
func stepDone(partner, step string, want bool) afterFunc {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		if got := testapp.OnboardingProgress(t, app, partner, step).GetBool("done"); got != want {
			t.Errorf("%s step %s done = %v, want %v", partner, step, got, want)
		}
	}
}

func TestOnboardingAPISteps(t *testing.T) {
	ref := testapp.New(t)
	all := []string{testapp.StepProfile, testapp.StepInvite, testapp.StepFirstDeal, testapp.StepManual}
	var s []tests.ApiScenario
	s = append(s, listS(guest, "onboarding_steps", all, nil, nil))
	for _, a := range signedIn {
		s = append(s, listS(a, "onboarding_steps", all, all, nil))
	}
	body := map[string]any{"kind": "manual", "title_en": "Sign the NDA", "title_pt": "Assine o NDA", "active": true}
	for _, a := range signedIn {
		if a == admin {
			s = append(s, createS(a, "onboarding_steps", "a manual step", body, http.StatusOK, countWith("onboarding_steps", "title_en", "Sign the NDA", 1)))
		} else {
			s = append(s, createS(a, "onboarding_steps", "a manual step", body, http.StatusBadRequest, countWith("onboarding_steps", "title_en", "Sign the NDA", 0)))
		}
		s = append(s, updateS(ref, a, "onboarding_steps", testapp.StepManual, "the manual step",
			map[string]any{"title_en": "Renamed"}, a == admin, http.StatusNotFound))
	}
	s = append(s, deleteS(admin, "onboarding_steps", testapp.StepManual, "the manual step", false, http.StatusForbidden,
		unchanged(ref, "onboarding_steps", testapp.StepManual)))
	run(t, s)
}
