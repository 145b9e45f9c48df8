package access_test

// The REST matrix of deal registration: deals, deal_events and
// currency_rates, every role against its own partner's and the other
// partner's records (testapp.SeedDeals), for list, view, create, update and
// delete. Refused writes are checked again by reloading the record.

import (
	"fmt"
	"net/http"
	"net/url"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// dealsFactory is the fixture with the fixture deals and rates, seeded once
// per test binary (the deals hooks make seeding cost more than a scenario).
var dealsFactory = testapp.Cached(func(t testing.TB) *tests.TestApp {
	app := testapp.Factory(t)
	testapp.SeedDeals(t, app)
	return app
})

// runDeals runs scenarios on dealsFactory.
func runDeals(t *testing.T, scenarios []tests.ApiScenario) {
	t.Helper()
	for i := range scenarios {
		scenarios[i].TestAppFactory = dealsFactory
	}
	run(t, scenarios)
}

var (
	allDeals = []string{testapp.DealAcmeApproved, testapp.DealAcmePending, testapp.DealAcmeWon,
		testapp.DealGlobexApproved, testapp.DealGlobexLost, testapp.DealGlobexPending}
	acmeDeals   = allDeals[:3]
	globexDeals = allDeals[3:]

	// dealsVisible: admins all, managers their partner's, partner admins
	// their organisation's, partner users the deals they submitted.
	dealsVisible = map[actor][]string{
		guest: nil, admin: allDeals, ana: acmeDeals, bruno: globexDeals,
		acmeAdmin: acmeDeals, acmeUser: {testapp.DealAcmeApproved, testapp.DealAcmeWon},
		globexAdmin: globexDeals, globexUser: {testapp.DealGlobexApproved, testapp.DealGlobexPending},
	}
	// dealEventsVisible counts each actor's history rows (one per deal,
	// two for the closed ones).
	dealEventsVisible = map[actor]int{guest: 0, admin: 8, ana: 4, bruno: 4, acmeAdmin: 4, acmeUser: 3, globexAdmin: 4, globexUser: 2}
)

// dealSnapshot keeps the stored deals as a scenario's setup left them, for
// checking that a refused request changed nothing.
var dealSnapshot = map[string]map[string]string{}

func snapshotDeals(t testing.TB, app *tests.TestApp) {
	recs, err := app.FindAllRecords("deals")
	if err != nil {
		t.Fatal(err)
	}
	clear(dealSnapshot)
	for _, r := range recs {
		dealSnapshot[r.Id] = snapshot(r)
	}
}

// dealUnchanged checks the deal against the snapshot taken before the
// request, and that no history row was added.
func dealUnchanged(id string) afterFunc {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		got, err := app.FindRecordById("deals", id)
		if err != nil {
			t.Fatalf("deal %s is gone after a refused request: %v", id, err)
		}
		g := snapshot(got)
		for k, v := range dealSnapshot[id] {
			if g[k] != v {
				t.Errorf("deal %s field %q changed by a refused request: %q → %q", id, k, v, g[k])
			}
		}
		if n, _ := app.CountRecords("deal_events"); n != 8 {
			t.Errorf("%d history rows after a refused request, want 8", n)
		}
	}
}

func dealUpdate(a actor, id, label string, body map[string]any, allowed bool, refused int) tests.ApiScenario {
	s := updateS(nil, a, "deals", id, label, body, allowed, refused, snapshotDeals)
	if !allowed {
		s.AfterTestFunc = afterAll(dealUnchanged(id))
	}
	return s
}

func TestRulesAPIDeals(t *testing.T) {
	var s []tests.ApiScenario
	for _, a := range actors {
		vis := dealsVisible[a]
		s = append(s, listS(a, "deals", allDeals, vis, []string{`"conflict_with"`}))
		for _, id := range allDeals {
			visible := false
			for _, v := range vis {
				visible = visible || v == id
			}
			s = append(s, viewS(a, "deals", id, "deal "+id, visible, []string{`"conflict_with"`}))
		}
	}

	// Creates: a partner's own people register for their partner, as
	// themselves, without the server's or the approver's fields.
	own := func(partner, user string, extra map[string]any) map[string]any {
		b := map[string]any{"partner": partner, "submitted_by": user, "customer_name": "Rest Cliente Ltda",
			"product": "Ponte Cloud", "amount": 1234, "currency": "BRL", "stage": "registered"}
		for k, v := range extra {
			b[k] = v
		}
		return b
	}
	created := func(n int) afterFunc { return countWith("deals", "customer_name", "Rest Cliente Ltda", n) }
	okCreate := createS(acmeUser, "deals", "a deal of Acme as himself", own(testapp.PartnerAcme, testapp.AcmeUserID, nil), http.StatusOK, created(1))
	okCreate.ExpectedContent = []string{`"status":"pending"`, `"customer_key":"rest cliente"`, `"amount_base":1234`}
	okCreate.NotExpectedContent = []string{`"conflict_with"`}
	s = append(s, okCreate)
	okAdmin := createS(globexAdmin, "deals", "a deal of Globex as herself", own(testapp.PartnerGlobex, testapp.GlobexAdminID, nil), http.StatusOK, created(1))
	okAdmin.ExpectedContent = []string{`"status":"pending"`}
	s = append(s, okAdmin)
	refusedCreates := []struct {
		a     actor
		label string
		body  map[string]any
	}{
		{guest, "a deal", own(testapp.PartnerAcme, testapp.AcmeUserID, nil)},
		{admin, "a deal for Acme", own(testapp.PartnerAcme, testapp.AdminID, nil)},
		{ana, "a deal for Acme", own(testapp.PartnerAcme, testapp.ManagerAnaID, nil)},
		{acmeUser, "a deal for Globex", own(testapp.PartnerGlobex, testapp.AcmeUserID, nil)},
		{globexAdmin, "a deal for Acme", own(testapp.PartnerAcme, testapp.GlobexAdminID, nil)},
		{acmeUser, "a deal as Carla", own(testapp.PartnerAcme, testapp.AcmeAdminID, nil)},
		{acmeUser, "an approved deal", own(testapp.PartnerAcme, testapp.AcmeUserID, map[string]any{"status": "approved"})},
		{acmeAdmin, "a protected deal", own(testapp.PartnerAcme, testapp.AcmeAdminID, map[string]any{"protection_until": "2030-01-01 00:00:00.000Z"})},
		{acmeUser, "a back-dated deal", own(testapp.PartnerAcme, testapp.AcmeUserID, map[string]any{"submitted": "2020-01-01 00:00:00.000Z"})},
		{acmeUser, "a deal with its own base amount", own(testapp.PartnerAcme, testapp.AcmeUserID, map[string]any{"amount_base": 1})},
	}
	for _, c := range refusedCreates {
		s = append(s, createS(c.a, "deals", c.label, c.body, http.StatusBadRequest, created(0)))
	}
	// The hidden conflict_with is not the caller's to set: it is dropped.
	pointing := createS(acmeUser, "deals", "a deal pointing at a conflict", own(testapp.PartnerAcme, testapp.AcmeUserID,
		map[string]any{"conflict_with": testapp.DealGlobexApproved}), http.StatusOK, countWith("deals", "conflict_with", testapp.DealGlobexApproved, 0))
	pointing.ExpectedContent = []string{`"conflict":false`}
	pointing.NotExpectedContent = []string{testapp.DealGlobexApproved}
	s = append(s, pointing)

	// Updates.
	notes := map[string]any{"notes": "rest note"}
	s = append(s,
		dealUpdate(acmeUser, testapp.DealAcmeApproved, "his deal", notes, true, 0),
		dealUpdate(acmeUser, testapp.DealAcmePending, "Carla's deal", notes, false, http.StatusNotFound),
		dealUpdate(acmeUser, testapp.DealGlobexApproved, "a Globex deal", notes, false, http.StatusNotFound),
		dealUpdate(acmeAdmin, testapp.DealAcmeApproved, "Diego's deal", notes, true, 0),
		dealUpdate(acmeAdmin, testapp.DealGlobexPending, "a Globex deal", notes, false, http.StatusNotFound),
		dealUpdate(globexUser, testapp.DealAcmeApproved, "an Acme deal", notes, false, http.StatusNotFound),
		dealUpdate(bruno, testapp.DealAcmePending, "an Acme deal", map[string]any{"status": "approved"}, false, http.StatusNotFound),
		dealUpdate(acmeAdmin, testapp.DealAcmePending, "Carla's own deal", map[string]any{"status": "approved"}, false, http.StatusNotFound),
		dealUpdate(acmeUser, testapp.DealAcmeApproved, "his deal", map[string]any{"status": "expired"}, false, http.StatusNotFound),
		dealUpdate(acmeUser, testapp.DealAcmeApproved, "his deal", map[string]any{"protection_until": "2030-01-01 00:00:00.000Z"}, false, http.StatusNotFound),
		dealUpdate(acmeUser, testapp.DealAcmeWon, "his won deal", map[string]any{"amount": 1}, false, http.StatusBadRequest),
		dealUpdate(ana, testapp.DealAcmeWon, "a won deal", map[string]any{"amount": 30000}, true, 0),
		dealUpdate(acmeAdmin, testapp.DealAcmeApproved, "a deal", map[string]any{"submitted": "2020-01-01 00:00:00.000Z"}, false, http.StatusNotFound),
		dealUpdate(admin, testapp.DealAcmeApproved, "a deal", map[string]any{"submitted": "2020-01-01 00:00:00.000Z"}, false, http.StatusNotFound),
		dealUpdate(ana, testapp.DealAcmeApproved, "a deal", map[string]any{"amount_base": 1}, false, http.StatusNotFound),
		dealUpdate(ana, testapp.DealAcmeApproved, "a deal", map[string]any{"partner": testapp.PartnerGlobex}, false, http.StatusNotFound),
		dealUpdate(ana, testapp.DealAcmeWon, "a won deal", map[string]any{"status": "pending"}, false, http.StatusBadRequest),
		dealUpdate(ana, testapp.DealAcmePending, "a pending deal", map[string]any{"status": "rejected"}, false, http.StatusBadRequest),
		dealUpdate(ana, testapp.DealAcmePending, "a pending deal", map[string]any{"status": "rejected", "reason": "Duplicate"}, true, 0),
		dealUpdate(admin, testapp.DealGlobexPending, "a pending deal", map[string]any{"status": "approved"}, true, 0),
		dealUpdate(guest, testapp.DealAcmeApproved, "a deal", notes, false, http.StatusNotFound),
	)
	for _, a := range actors {
		s = append(s, deleteS(a, "deals", testapp.DealAcmePending, "a deal", a == admin, http.StatusNotFound,
			afterAll(func(t testing.TB, app *tests.TestApp, _ *http.Response) {
				if _, err := app.FindRecordById("deals", testapp.DealAcmePending); err != nil {
					t.Error("refused delete removed the deal")
				}
			})))
	}
	runDeals(t, s)
}

// TestRulesAPIDealConflictHidden: a registration that conflicts with
// another partner's protected deal is saved flagged, and neither the
// creating response nor any read of it names the other deal or partner.
func TestRulesAPIDealConflictHidden(t *testing.T) {
	hidden := []string{testapp.DealAcmeApproved, testapp.PartnerAcme, "Acme", `"conflict_with"`}
	body := map[string]any{"partner": testapp.PartnerGlobex, "submitted_by": testapp.GlobexUserID,
		"customer_name": "ACAI INDUSTRIA S/A", "product": "Ponte", "amount": 10, "currency": "USD"}
	c := createS(globexUser, "deals", "a deal for Acme's protected customer", body, http.StatusOK,
		countWith("deals", "customer_key", "acai industria", 2))
	c.ExpectedContent = []string{`"conflict":true`, `"status":"pending"`}
	c.NotExpectedContent = hidden
	var s []tests.ApiScenario
	s = append(s, c)
	for _, a := range []actor{globexUser, globexAdmin} {
		l := listS(a, "deals", nil, nil, hidden, func(t testing.TB, app *tests.TestApp) {
			col, _ := app.FindCollectionByNameOrId("deals")
			r := core.NewRecord(col)
			for k, v := range body {
				r.Set(k, v)
			}
			if err := app.Save(r); err != nil || !r.GetBool("conflict") {
				t.Fatalf("conflicting deal: %v", err)
			}
		})
		l.Name = a.name + " lists deals after a conflict → nothing of Acme"
		l.ExpectedContent = []string{`"conflict":true`}
		s = append(s, l)
		// Nor can the hidden relation be expanded (ignored) or filtered on
		// (refused), which would tell its target a bit at a time.
		for q, status := range map[string]int{"?expand=conflict_with": http.StatusOK,
			"?filter=" + url.QueryEscape(`conflict_with="`+testapp.DealAcmeApproved+`"`): http.StatusBadRequest,
			"?filter=" + url.QueryEscape(`conflict_with.partner.name~"Acme"`):            http.StatusBadRequest} {
			x := l
			x.URL = recordsURL("deals") + q
			x.Name = fmt.Sprintf("%s lists deals%s → %d", a.name, q, status)
			x.ExpectedStatus, x.ExpectedContent = status, []string{map[bool]string{true: `"conflict":true`, false: statusFrag(status)}[status == http.StatusOK]}
			s = append(s, x)
		}
	}
	runDeals(t, s)
}

func TestRulesAPIDealEvents(t *testing.T) {
	var s []tests.ApiScenario
	for _, a := range actors {
		n := dealEventsVisible[a]
		var notExpected []string
		for _, id := range allDeals {
			seen := false
			for _, v := range dealsVisible[a] {
				seen = seen || v == id
			}
			if !seen {
				notExpected = append(notExpected, `"deal":"`+id+`"`)
			}
		}
		l := listS(a, "deal_events", nil, nil, notExpected)
		l.Name = fmt.Sprintf("%s lists deal_events → exactly %d", a.name, n)
		l.ExpectedContent = []string{fmt.Sprintf(`"totalItems":%d`, n)}
		s = append(s, l)
		ev := map[string]any{"deal": testapp.DealAcmeApproved, "partner": testapp.PartnerAcme, "to_stage": "won", "at": "2026-01-01 00:00:00.000Z"}
		s = append(s, createS(a, "deal_events", "a history row", ev, http.StatusForbidden, countWith("deal_events", "to_stage", "won", 1)))
	}
	// Rows can be neither changed nor deleted through the API, even by admins.
	for _, a := range []actor{admin, ana, acmeUser} {
		for _, method := range []string{http.MethodPatch, http.MethodDelete} {
			s = append(s, tests.ApiScenario{
				Name:   fmt.Sprintf("%s %s a history row → 403", a.name, method),
				Method: method, URL: recordsURL("deal_events") + "/x",
				Body:           jsonBody(map[string]any{"to_stage": "lost"}),
				TestAppFactory: testapp.Factory, BeforeTestFunc: as(a),
				ExpectedStatus: http.StatusForbidden, ExpectedContent: []string{statusFrag(403)},
			})
		}
	}
	runDeals(t, s)
}

func TestRulesAPICurrencyRates(t *testing.T) {
	var s []tests.ApiScenario
	for _, a := range actors {
		l := listS(a, "currency_rates", nil, nil, nil)
		want := 3
		if a == guest {
			want = 0
		}
		l.Name = fmt.Sprintf("%s lists currency_rates → exactly %d", a.name, want)
		l.ExpectedContent = []string{fmt.Sprintf(`"totalItems":%d`, want)}
		s = append(s, l)
		st := http.StatusBadRequest
		if a == admin {
			st = http.StatusOK
		}
		s = append(s, createS(a, "currency_rates", "a GBP rate", map[string]any{"currency": "GBP", "rate": 6.5}, st,
			countWith("currency_rates", "currency", "GBP", map[bool]int{true: 1, false: 0}[a == admin])))
		refused := http.StatusNotFound
		s = append(s, updateS(nil, a, "currency_rates", rateCHF, "the CHF rate", map[string]any{"rate": 6.1}, a == admin, refused, seedCHF))
		s = append(s, deleteS(a, "currency_rates", rateCHF, "the CHF rate", a == admin, refused,
			countWith("currency_rates", "currency", "CHF", 1), seedCHF))
	}
	// The code of a rate never changes, not even for an admin.
	s = append(s, updateS(nil, admin, "currency_rates", rateCHF, "the CHF rate", map[string]any{"currency": "XAU"}, false, http.StatusNotFound, seedCHF))
	runDeals(t, s)
}

// rateCHF is a rate with a fixed id for the update and delete scenarios.
const rateCHF = "ratechf00000001"

func seedCHF(t testing.TB, app *tests.TestApp) {
	col, err := app.FindCollectionByNameOrId("currency_rates")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(col)
	r.Id = rateCHF
	r.Set("currency", "CHF")
	r.Set("rate", 6)
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
}
