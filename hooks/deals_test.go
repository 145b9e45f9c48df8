package hooks_test

// The deal hooks: registration stamps (submitted, keys, amount in the base
// currency, conflicts and duplicates), validation of amounts, currencies,
// dates, countries and domains, the allowed stage and status moves per
// actor, exact history rows, activity for the deal's partner,
// notifications, and the protection expiry job.

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/hook"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// newDeal registers a deal for Acme by Diego (as the portal does: the actor
// named) over valid defaults.
func newDeal(t *testing.T, app core.App, actor string, fields map[string]any) (*core.Record, error) {
	t.Helper()
	c, err := app.FindCollectionByNameOrId("deals")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	r.Set("partner", testapp.PartnerAcme)
	r.Set("submitted_by", testapp.AcmeUserID)
	r.Set("customer_name", "Omega Logística Ltda.")
	r.Set("product", "Ponte Cloud")
	r.Set("amount", 1000)
	r.Set("currency", "BRL")
	r.Set("expected_close", time.Now().AddDate(0, 2, 0))
	for k, v := range fields {
		r.Set(k, v)
	}
	if actor != "" {
		activity.SetActor(r, actor)
	}
	return r, app.Save(r)
}

// dealChange saves fields on a fresh copy of the deal as actor ("" for Go
// code).
func dealChange(t *testing.T, app core.App, id, actor string, fields map[string]any) (*core.Record, error) {
	t.Helper()
	r, err := app.FindRecordById("deals", id)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range fields {
		r.Set(k, v)
	}
	if actor != "" {
		activity.SetActor(r, actor)
	}
	return r, app.Save(r)
}

// dealFieldCode returns the validation code of field in err, or "".
func dealFieldCode(err error, field string) string {
	var verrs validation.Errors
	if !errors.As(err, &verrs) {
		return ""
	}
	var ve validation.Error
	if f, ok := verrs[field]; ok && errors.As(f, &ve) {
		return ve.Code()
	}
	return ""
}

// dealEvents lists a deal's history rows in order.
func dealEvents(t *testing.T, app core.App, id string) []*core.Record {
	t.Helper()
	recs, err := app.FindRecordsByFilter("deal_events", "deal = {:d}", "at,created", 0, 0, dbx.Params{"d": id})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// dealRow is the comparable part of a history row.
type dealRow struct {
	User, FromStage, ToStage, FromStatus, ToStatus string
	FromBase, ToBase                               float64
	Comment                                        string
}

func dealRows(recs []*core.Record) []dealRow {
	out := make([]dealRow, len(recs))
	for i, r := range recs {
		out[i] = dealRow{r.GetString("user"), r.GetString("from_stage"), r.GetString("to_stage"),
			r.GetString("from_status"), r.GetString("to_status"), r.GetFloat("from_amount_base"),
			r.GetFloat("to_amount_base"), r.GetString("comment")}
	}
	return out
}

func TestDealRegistrationStamps(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedDeals(t, app)
	before := time.Now().Add(-time.Second)
	r, err := newDeal(t, app, testapp.AcmeUserID, map[string]any{
		"customer_name": "  Omega Logística Ltda. ", "customer_domain": "https://WWW.Omega.com.br/contato",
		"customer_country": "br", "amount": 2000, "currency": "usd", "stage": "", "status": "approved",
		"submitted": "2020-01-01 00:00:00.000Z", "conflict": true, "decided_by": testapp.AdminID,
	})
	if err != nil {
		t.Fatal(err)
	}
	r, _ = app.FindRecordById("deals", r.Id)
	sub := r.GetDateTime("submitted").Time()
	if sub.Before(before) || sub.After(time.Now()) {
		t.Errorf("submitted = %v, want now (a person cannot back-date a registration)", sub)
	}
	want := map[string]any{"customer_name": "Omega Logística Ltda.", "customer_domain": "omega.com.br", "customer_country": "BR",
		"customer_key": "omega logistica", "domain_key": "omega", "currency": "USD", "stage": "registered", "status": "pending",
		"decided_by": "", "conflict": false}
	for f, v := range want {
		if got := r.Get(f); got != v {
			t.Errorf("%s = %#v, want %#v", f, got, v)
		}
	}
	if got := r.GetFloat("amount_base"); got != 10000 {
		t.Errorf("amount_base = %v, want 2000 × 5 = 10000", got)
	}
	got := dealRows(dealEvents(t, app, r.Id))
	wantRows := []dealRow{{testapp.AcmeUserID, "", "registered", "", "pending", 0, 10000, ""}}
	if len(got) != 1 || got[0] != wantRows[0] {
		t.Errorf("history = %+v, want %+v", got, wantRows)
	}
	// The activity event belongs to the deal's partner; Ana is asked to decide.
	ev, err := app.FindFirstRecordByFilter("activity", "kind = 'deal.registered' && target_id = {:id}", dbx.Params{"id": r.Id})
	if err != nil || ev.GetString("partner") != testapp.PartnerAcme || ev.GetString("user") != testapp.AcmeUserID {
		t.Errorf("activity %v %v", ev, err)
	}
	n, err := app.FindFirstRecordByFilter("notifications", "link = {:l}", dbx.Params{"l": "/deals/" + r.Id})
	if err != nil || n.GetString("user") != testapp.ManagerAnaID || n.GetString("kind") != hooks.NotifyDealSubmitted ||
		n.GetString("title") != "Registro de negócio para avaliar: Omega Logística Ltda." {
		t.Errorf("notification %v %v", n, err)
	}
}

// TestDealFixtureHistory: the fixture's deals carry the story the other
// areas' tests rely on, as history (dated, notifying nobody).
func TestDealFixtureHistory(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedDeals(t, app)
	if n, _ := app.CountRecords("notifications"); n != 0 {
		t.Errorf("the fixture notified %d times", n)
	}
	for _, d := range testapp.FixtureDeals {
		r, err := app.FindRecordById("deals", d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if r.GetFloat("amount_base") != d.AmountBase || r.GetString("stage") != d.Stage || r.GetString("status") != d.Status {
			t.Errorf("%s: %v %s %s", d.ID, r.GetFloat("amount_base"), r.GetString("stage"), r.GetString("status"))
		}
		age := time.Since(r.GetDateTime("submitted").Time())
		if age < time.Duration(d.SubmittedDaysAgo)*24*time.Hour-time.Minute || age > time.Duration(d.SubmittedDaysAgo)*24*time.Hour+time.Minute {
			t.Errorf("%s submitted %v ago", d.ID, age)
		}
		evs := dealEvents(t, app, d.ID)
		want := 1
		if d.ClosedDaysAgo > 0 {
			want = 2
		}
		if len(evs) != want {
			t.Fatalf("%s: %d history rows, want %d", d.ID, len(evs), want)
		}
		if !evs[0].GetDateTime("at").Equal(r.GetDateTime("submitted")) {
			t.Errorf("%s: first row at %v, submitted %v", d.ID, evs[0].GetDateTime("at"), r.GetDateTime("submitted"))
		}
		if d.ClosedDaysAgo > 0 {
			closed := r.GetDateTime("closed").Time()
			if !evs[1].GetDateTime("at").Time().Equal(closed) || evs[1].GetString("to_stage") != d.Stage {
				t.Errorf("%s: closing row %v, closed %v", d.ID, evs[1].GetDateTime("at"), closed)
			}
		}
		if d.Status == "approved" && r.GetDateTime("protection_until").IsZero() {
			t.Errorf("%s: approved without protection", d.ID)
		}
	}
}

func TestDealValidation(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedDeals(t, app)
	cases := []struct {
		name   string
		fields map[string]any
		field  string
		code   string
	}{
		{"zero amount", map[string]any{"amount": 0}, "amount", "validation_deal_amount"},
		{"negative amount", map[string]any{"amount": -5}, "amount", "validation_deal_amount"},
		{"absurd amount", map[string]any{"amount": 2e11}, "amount", "validation_deal_amount"},
		{"unknown currency", map[string]any{"currency": "XYZ"}, "currency", "validation_deal_unknown_currency"},
		{"close long past", map[string]any{"expected_close": time.Now().AddDate(0, 0, -31)}, "expected_close", "validation_deal_close_past"},
		{"close far ahead", map[string]any{"expected_close": time.Now().AddDate(5, 1, 0)}, "expected_close", "validation_deal_close_future"},
		{"unknown country", map[string]any{"customer_country": "XX"}, "customer_country", "validation_deal_country"},
		{"bad domain", map[string]any{"customer_domain": "not a domain"}, "customer_domain", "validation_deal_domain"},
		{"bare suffix", map[string]any{"customer_domain": "com.br"}, "customer_domain", "validation_deal_domain"},
	}
	before, _ := app.CountRecords("deals")
	for _, c := range cases {
		_, err := newDeal(t, app, testapp.AcmeUserID, c.fields)
		if got := dealFieldCode(err, c.field); got != c.code {
			t.Errorf("%s: %v (code %q), want %s on %s", c.name, err, got, c.code, c.field)
		}
	}
	// Nothing half-written: no deal, no history row, no activity.
	if after, _ := app.CountRecords("deals"); after != before {
		t.Errorf("%d deals after refused registrations, want %d", after, before)
	}
	if n, _ := app.CountRecords("activity", dbx.HashExp{"kind": "deal.registered", "user": testapp.AcmeUserID}); n != 0 {
		t.Errorf("%d activity events for refused registrations", n)
	}
	// Recent past and near future are fine; an unchanged old expected close
	// does not block a later update.
	if _, err := newDeal(t, app, testapp.AcmeUserID, map[string]any{"expected_close": time.Now().AddDate(0, 0, -29)}); err != nil {
		t.Errorf("29 days ago refused: %v", err)
	}
	if _, err := dealChange(t, app, testapp.DealAcmeWon, testapp.ManagerAnaID, map[string]any{"notes": "old close kept"}); err != nil {
		t.Errorf("update of a deal with an old expected close: %v", err)
	}
}

func TestDealConflicts(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedDeals(t, app)
	// Globex registers Acme's protected customer under another spelling.
	r, err := newDeal(t, app, testapp.GlobexUserID, map[string]any{"partner": testapp.PartnerGlobex,
		"submitted_by": testapp.GlobexUserID, "customer_name": "ACAI INDUSTRIA S/A"})
	if err != nil {
		t.Fatal(err)
	}
	if !r.GetBool("conflict") || r.GetString("conflict_with") != testapp.DealAcmeApproved || r.GetString("status") != "pending" {
		t.Errorf("accent/suffix variant: conflict %v with %q status %s", r.GetBool("conflict"), r.GetString("conflict_with"), r.GetString("status"))
	}
	// By domain alone, whatever the name.
	r, _ = newDeal(t, app, testapp.GlobexUserID, map[string]any{"partner": testapp.PartnerGlobex,
		"submitted_by": testapp.GlobexUserID, "customer_name": "Grupo AI", "customer_domain": "http://acai.com"})
	if r.GetString("conflict_with") != testapp.DealAcmeApproved {
		t.Errorf("domain variant: conflict with %q", r.GetString("conflict_with"))
	}
	// Near misses and the owner's closed or unprotected deals do not conflict.
	for _, name := range []string{"Acaí Indústrias Reunidas", "Epsilon Corp", "Gamma Tech"} {
		r, _ = newDeal(t, app, testapp.AcmeUserID, map[string]any{"customer_name": name})
		if name != "Gamma Tech" && r.GetBool("conflict") {
			t.Errorf("%q conflicts with %q", name, r.GetString("conflict_with"))
		}
		if name == "Gamma Tech" && r.GetBool("conflict") {
			t.Errorf("a won deal of the same partner flagged %q", name)
		}
	}
	// A pending deal of another partner protects nothing; Globex's lost one neither.
	r, _ = newDeal(t, app, testapp.AcmeUserID, map[string]any{"customer_name": "Zeta Limited"})
	if r.GetBool("conflict") {
		t.Errorf("a pending registration of another partner conflicts")
	}
	// The same partner's open deal for the customer is a duplicate.
	r, _ = newDeal(t, app, testapp.AcmeAdminID, map[string]any{"submitted_by": testapp.AcmeAdminID, "customer_name": "Açaí Indústria EIRELI"})
	if !r.GetBool("conflict") || r.GetString("conflict_with") != testapp.DealAcmeApproved {
		t.Errorf("duplicate: %v %q", r.GetBool("conflict"), r.GetString("conflict_with"))
	}
	// Once protection has ended there is no conflict.
	if _, err := hooks.ExpireDeals(app, time.Now().AddDate(0, 3, 0)); err != nil {
		t.Fatal(err)
	}
	r, _ = newDeal(t, app, testapp.GlobexUserID, map[string]any{"partner": testapp.PartnerGlobex,
		"submitted_by": testapp.GlobexUserID, "customer_name": "Açaí Indústria"})
	// Only Globex's own earlier registration remains: a duplicate.
	if other := r.GetString("conflict_with"); other == testapp.DealAcmeApproved || mustDeal(t, app, other).GetString("partner") != testapp.PartnerGlobex {
		t.Errorf("an expired protection still conflicts: %q", other)
	}
}

func TestDealMovesAndHistory(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedDeals(t, app)
	d, err := newDeal(t, app, testapp.AcmeUserID, nil)
	if err != nil {
		t.Fatal(err)
	}
	id := d.Id
	step := func(actor string, fields map[string]any, field, code string) {
		t.Helper()
		_, err := dealChange(t, app, id, actor, fields)
		if code == "" && err != nil {
			t.Fatalf("%v by %s: %v", fields, actor, err)
		}
		if code != "" && dealFieldCode(err, field) != code {
			t.Fatalf("%v by %s: %v, want %s on %s", fields, actor, err, code, field)
		}
	}
	// Partners never decide; a partner admin cannot approve either.
	step(testapp.AcmeUserID, map[string]any{"status": "approved"}, "status", "validation_deal_own_approval")
	step(testapp.AcmeAdminID, map[string]any{"status": "approved"}, "status", "validation_deal_own_approval")
	// Another partner's manager is no approver.
	step(testapp.ManagerBrunoID, map[string]any{"status": "approved"}, "status", "validation_deal_status_rights")
	// Rejection needs a reason.
	step(testapp.ManagerAnaID, map[string]any{"status": "rejected"}, "reason", "validation_deal_reason_required")
	step(testapp.ManagerAnaID, map[string]any{"status": "rejected", "reason": "Customer already served directly"}, "", "")
	r, _ := app.FindRecordById("deals", id)
	if r.GetString("decided_by") != testapp.ManagerAnaID || r.GetDateTime("decided").IsZero() {
		t.Errorf("rejection not stamped: %q %v", r.GetString("decided_by"), r.GetDateTime("decided"))
	}
	// A rejected deal is not approved later; the partner resubmits by changing it.
	step(testapp.ManagerAnaID, map[string]any{"status": "approved"}, "status", "validation_deal_status_move")
	step(testapp.AcmeUserID, map[string]any{"notes": "Now with the customer's letter"}, "", "")
	r, _ = app.FindRecordById("deals", id)
	if r.GetString("status") != "pending" || r.GetString("reason") != "" {
		t.Errorf("resubmission: status %s reason %q", r.GetString("status"), r.GetString("reason"))
	}
	step(testapp.AdminID, map[string]any{"status": "approved"}, "", "")
	r, _ = app.FindRecordById("deals", id)
	prot := r.GetDateTime("protection_until").Time()
	if d := time.Until(prot); d < 89*24*time.Hour || d > 90*24*time.Hour+time.Minute {
		t.Errorf("protection ends in %v, want 90 days", d)
	}
	// Stages: forward and back among open ones; the amount converts.
	step(testapp.AcmeUserID, map[string]any{"stage": "negotiation"}, "", "")
	step(testapp.AcmeUserID, map[string]any{"stage": "proposal", "amount": 300, "currency": "EUR"}, "", "")
	step(testapp.AcmeUserID, map[string]any{"notes": "no history row for notes"}, "", "")
	step(testapp.AcmeUserID, map[string]any{"stage": "won"}, "", "")
	r, _ = app.FindRecordById("deals", id)
	if r.GetDateTime("closed").IsZero() {
		t.Error("won without closed")
	}
	// Won is final; its amount is the staff's to correct.
	step(testapp.AcmeUserID, map[string]any{"stage": "negotiation"}, "stage", "validation_deal_stage_final")
	step(testapp.AdminID, map[string]any{"stage": "lost"}, "stage", "validation_deal_stage_final")
	step(testapp.AcmeUserID, map[string]any{"status": "pending"}, "status", "validation_deal_status_move")
	step(testapp.AcmeUserID, map[string]any{"amount": 400}, "amount", "validation_deal_won_amount")
	step(testapp.ManagerAnaID, map[string]any{"amount": 400}, "", "")
	step(testapp.ManagerAnaID, map[string]any{"submitted": types.NowDateTime()}, "submitted", "validation_deal_submitted_immutable")
	step("", map[string]any{"submitted": "2020-01-01 00:00:00.000Z"}, "submitted", "validation_deal_submitted_immutable")
	step(testapp.AcmeAdminID, map[string]any{"partner": testapp.PartnerGlobex}, "partner", "validation_deal_owner_immutable")

	got := dealRows(dealEvents(t, app, id))
	want := []dealRow{
		{testapp.AcmeUserID, "", "registered", "", "pending", 0, 1000, ""},
		{testapp.ManagerAnaID, "registered", "registered", "pending", "rejected", 1000, 1000, "Customer already served directly"},
		{testapp.AcmeUserID, "registered", "registered", "rejected", "pending", 1000, 1000, ""},
		{testapp.AdminID, "registered", "registered", "pending", "approved", 1000, 1000, ""},
		{testapp.AcmeUserID, "registered", "negotiation", "approved", "approved", 1000, 1000, ""},
		{testapp.AcmeUserID, "negotiation", "proposal", "approved", "approved", 1000, 1650, ""},
		{testapp.AcmeUserID, "proposal", "won", "approved", "approved", 1650, 1650, ""},
		{testapp.ManagerAnaID, "won", "won", "approved", "approved", 1650, 2200, ""},
	}
	if len(got) != len(want) {
		t.Fatalf("%d history rows, want %d: %+v", len(got), len(want), got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("row %d = %+v, want %+v", i, got[i], want[i])
		}
	}
	// Activity for the deal's partner, whoever acted.
	for kind, user := range map[string]string{"deal.rejected": testapp.ManagerAnaID, "deal.approved": testapp.AdminID, "deal.won": testapp.AcmeUserID} {
		ev, err := app.FindFirstRecordByFilter("activity", "kind = {:k} && target_id = {:id}", dbx.Params{"k": kind, "id": id})
		if err != nil || ev.GetString("partner") != testapp.PartnerAcme || ev.GetString("user") != user {
			t.Errorf("%s: %v %v", kind, ev, err)
		}
	}
	// The submitter heard of both decisions.
	for _, kind := range []string{hooks.NotifyDealRejected, hooks.NotifyDealApproved} {
		if n, _ := app.CountRecords("notifications", dbx.HashExp{"kind": kind, "user": testapp.AcmeUserID}); n != 1 {
			t.Errorf("%d %s notifications to the submitter", n, kind)
		}
	}
	// History rows never change.
	ev := dealEvents(t, app, id)[0]
	ev.Set("to_stage", "won")
	if err := app.Save(ev); err == nil {
		t.Error("a history row was changed")
	}
}

// TestDealDeleteReferenced: deleting a deal another registration was
// flagged against (an admin's right) clears the reference and keeps the
// flagged deal; its history goes with the deleted deal.
func TestDealDeleteReferenced(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedDeals(t, app)
	r, err := newDeal(t, app, testapp.GlobexUserID, map[string]any{"partner": testapp.PartnerGlobex,
		"submitted_by": testapp.GlobexUserID, "customer_name": "Acai Industria"})
	if err != nil || r.GetString("conflict_with") != testapp.DealAcmeApproved {
		t.Fatalf("setup: %v %q", err, r.GetString("conflict_with"))
	}
	if err := app.Delete(mustDeal(t, app, testapp.DealAcmeApproved)); err != nil {
		t.Fatalf("deleting a referenced deal: %v", err)
	}
	if got := mustDeal(t, app, r.Id).GetString("conflict_with"); got != "" {
		t.Errorf("conflict_with = %q after the other deal was deleted", got)
	}
	if n := len(dealEvents(t, app, testapp.DealAcmeApproved)); n != 0 {
		t.Errorf("%d history rows of a deleted deal", n)
	}
}

// TestDealReopenLost: only approvers reopen a lost deal, to an open stage.
func TestDealReopenLost(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedDeals(t, app)
	if _, err := dealChange(t, app, testapp.DealGlobexLost, testapp.GlobexAdminID, map[string]any{"stage": "proposal"}); dealFieldCode(err, "stage") != "validation_deal_stage_reopen" {
		t.Errorf("partner reopened: %v", err)
	}
	if _, err := dealChange(t, app, testapp.DealGlobexLost, testapp.ManagerBrunoID, map[string]any{"stage": "won"}); dealFieldCode(err, "stage") != "validation_deal_stage_reopen" {
		t.Errorf("lost → won: %v", err)
	}
	r, err := dealChange(t, app, testapp.DealGlobexLost, testapp.ManagerBrunoID, map[string]any{"stage": "proposal"})
	if err != nil || !r.GetDateTime("closed").IsZero() {
		t.Errorf("manager reopen: %v, closed %v", err, r.GetDateTime("closed"))
	}
}

// TestDealRESTActors: the API's callers are named as actors, so the hooks
// refuse the same moves there (a superuser acts as an approver but can
// neither back-date nor expire).
func TestDealRESTActors(t *testing.T) {
	scenarios := []tests.ApiScenario{
		{
			Name: "manager approves over the API", Method: "PATCH", URL: "/api/collections/deals/records/" + testapp.DealAcmePending,
			Body:           dealJSON(`{"status":"approved"}`),
			ExpectedStatus: 200, ExpectedContent: []string{`"status":"approved"`, `"decided_by":"` + testapp.ManagerAnaID + `"`},
			BeforeTestFunc: dealAuthAs(testapp.ManagerAnaEmail),
		},
		{
			Name: "manager sends a won deal back to pending", Method: "PATCH", URL: "/api/collections/deals/records/" + testapp.DealAcmeWon,
			Body: dealJSON(`{"status":"pending","stage":"registered"}`), ExpectedStatus: 400,
			ExpectedContent: []string{"validation_deal_stage_final"}, BeforeTestFunc: dealAuthAs(testapp.ManagerAnaEmail),
		},
		{
			Name: "superuser cannot expire by hand", Method: "PATCH", URL: "/api/collections/deals/records/" + testapp.DealAcmeApproved,
			Body: dealJSON(`{"status":"expired"}`), ExpectedStatus: 400,
			ExpectedContent: []string{"validation_deal_status_rights"}, BeforeTestFunc: dealSuperuser,
		},
		{
			Name: "superuser cannot change submitted", Method: "PATCH", URL: "/api/collections/deals/records/" + testapp.DealAcmeApproved,
			Body: dealJSON(`{"submitted":"2020-01-01 00:00:00.000Z"}`), ExpectedStatus: 400,
			ExpectedContent: []string{"validation_deal_submitted_immutable"}, BeforeTestFunc: dealSuperuser,
		},
	}
	for _, s := range scenarios {
		s.TestAppFactory = func(t testing.TB) *tests.TestApp {
			app := testapp.Factory(t)
			testapp.SeedDeals(t, app)
			return app
		}
		s.Test(t)
	}
}

func TestDealExpiryJob(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedDeals(t, app)
	// Nothing has ended yet.
	if n, err := hooks.ExpireDeals(app, time.Now()); err != nil || n != 0 {
		t.Fatalf("expired %d now (%v)", n, err)
	}
	// In 65 days Acme's approved deal (60 days left) has ended, Globex's
	// (70 left) has not; won and lost deals never expire.
	at := time.Now().AddDate(0, 0, 65)
	n, err := hooks.ExpireDeals(app, at)
	if err != nil || n != 1 {
		t.Fatalf("expired %d (%v), want 1", n, err)
	}
	for id, want := range map[string]string{testapp.DealAcmeApproved: "expired", testapp.DealGlobexApproved: "approved",
		testapp.DealAcmeWon: "approved", testapp.DealGlobexLost: "approved"} {
		r, _ := app.FindRecordById("deals", id)
		if r.GetString("status") != want {
			t.Errorf("%s: %s, want %s", id, r.GetString("status"), want)
		}
	}
	evs := dealEvents(t, app, testapp.DealAcmeApproved)
	last := evs[len(evs)-1]
	if last.GetString("from_status") != "approved" || last.GetString("to_status") != "expired" || last.GetString("user") != "" ||
		!last.GetDateTime("at").Time().Equal(at.UTC().Truncate(time.Millisecond)) {
		t.Errorf("expiry row %v at %v", last, last.GetDateTime("at"))
	}
	if c, _ := app.CountRecords("notifications", dbx.HashExp{"kind": hooks.NotifyDealExpired, "user": testapp.AcmeUserID}); c != 1 {
		t.Errorf("%d expiry notifications to Diego", c)
	}
	if c, _ := app.CountRecords("activity", dbx.HashExp{"kind": "deal.expired", "partner": testapp.PartnerAcme}); c != 1 {
		t.Errorf("%d expiry activity events", c)
	}
	// Run again: nothing more.
	if n, _ := hooks.ExpireDeals(app, at); n != 0 {
		t.Errorf("second run expired %d", n)
	}
	// A stage advance by the partner does not extend protection; the
	// partner's change to the expired deal resubmits it.
	r, err := dealChange(t, app, testapp.DealGlobexApproved, testapp.GlobexUserID, map[string]any{"stage": "proposal"})
	if err != nil || !r.GetDateTime("protection_until").Equal(mustDeal(t, app, testapp.DealGlobexApproved).GetDateTime("protection_until")) {
		t.Errorf("stage advance: %v", err)
	}
	r, err = dealChange(t, app, testapp.DealAcmeApproved, testapp.AcmeUserID, map[string]any{"stage": "negotiation"})
	if err != nil || r.GetString("status") != "pending" {
		t.Errorf("resubmission of the expired deal: %v %s", err, r.GetString("status"))
	}
}

func mustDeal(t *testing.T, app core.App, id string) *core.Record {
	t.Helper()
	r, err := app.FindRecordById("deals", id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func dealJSON(s string) *strings.Reader { return strings.NewReader(s) }

// dealAuthAs signs the scenario's request in as the fixture user with email,
// with a token minted from the scenario's own app.
func dealAuthAs(email string) func(testing.TB, *tests.TestApp, *core.ServeEvent) {
	return func(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
		dealSetAuth(e, testapp.Token(t, app, email))
	}
}

// dealSuperuser signs the request in as a new superuser.
func dealSuperuser(t testing.TB, app *tests.TestApp, e *core.ServeEvent) {
	c, err := app.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		t.Fatal(err)
	}
	su := core.NewRecord(c)
	su.SetEmail("root@vendor.test")
	su.SetPassword("Root-Pass-2026")
	if err := app.Save(su); err != nil {
		t.Fatal(err)
	}
	token, err := su.NewAuthToken()
	if err != nil {
		t.Fatal(err)
	}
	dealSetAuth(e, token)
}

// dealSetAuth puts token on the request just before PocketBase reads it (the
// scenario builds its request from static headers).
func dealSetAuth(e *core.ServeEvent, token string) {
	e.Router.Bind(&hook.Handler[*core.RequestEvent]{
		Id:       "ponte.test.deals.authorize",
		Priority: apis.DefaultLoadAuthTokenMiddlewarePriority - 1,
		Func: func(re *core.RequestEvent) error {
			re.Request.Header.Set("Authorization", token)
			return re.Next()
		},
	})
}
