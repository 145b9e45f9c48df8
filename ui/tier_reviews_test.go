package ui_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/testapp"
	"github.com/ponte-portal/ponte/internal/tiering"
)

// tierProgramme gives the fixture tier requirements and figures: Acme
// (Gold) meets only Silver; Globex (Silver) meets Gold.
func tierProgramme(t *testing.T, app *tests.TestApp) {
	t.Helper()
	testapp.SeedTierProgramme(t, app)
	today := time.Now().UTC()
	testapp.SetPartnerFigures(t, app, testapp.PartnerAcme, today, 150000, 3, 4)
	testapp.SetPartnerFigures(t, app, testapp.PartnerGlobex, today, 650000, 6, 12)
}

func reviewOf(t *testing.T, app core.App, partner string) *core.Record {
	t.Helper()
	r, err := app.FindFirstRecordByData("tier_reviews", "partner", partner)
	if err != nil {
		t.Fatalf("review of %s: %v", partner, err)
	}
	return r
}

func TestTierReviewsAdminOnly(t *testing.T) {
	app, srv := newServer(t)
	tierProgramme(t, app)
	expectStatus(t, newBrowser(t, srv).get("/tiers/reviews"), http.StatusSeeOther, "guest reviews")
	for _, email := range []string{testapp.ManagerAnaEmail, testapp.ManagerBrunoEmail, testapp.AcmeAdminEmail, testapp.GlobexUserEmail} {
		b := signedIn(t, app, srv, email)
		expectStatus(t, b.get("/tiers/reviews"), http.StatusForbidden, email+" reviews")
		b.get("/profile")
		expectStatus(t, b.post("/tiers/reviews/run", nil), http.StatusForbidden, email+" runs")
		expectStatus(t, b.post("/tiers/reviews/settings", url.Values{"tier_grace_cycles": {"0"}, "tier_auto_apply": {"1"}}),
			http.StatusForbidden, email+" settings")
	}
	if n, _ := app.CountRecords("tier_reviews"); n != 0 {
		t.Fatalf("a refused run wrote %d reviews", n)
	}
	if s, _ := tiering.LoadSettings(app); s.AutoApply || s.GraceCycles != 1 {
		t.Fatalf("refused settings saved: %+v", s)
	}

	admin := signedIn(t, app, srv, testapp.AdminEmail)
	admin.lang = "en"
	r := admin.get("/tiers/reviews")
	expectStatus(t, r, 200, "admin reviews")
	expectContains(t, r, "no reviews yet", "No reviews yet", "No evaluation has run yet")
	expectStatus(t, admin.post("/tiers/reviews/run", nil), http.StatusSeeOther, "admin runs")
	r = admin.get("/tiers/reviews")
	expectContains(t, r, "reviews after a run", "Globex México", "Acme Brasil Ltda", "Promote", "At risk (grace period)",
		"Awaiting decision", "/tiers/reviews/"+reviewOf(t, app, testapp.PartnerGlobex).Id+"/apply", "R$650,000.00 / R$500,000.00")
	expectNotContains(t, r, "keep rows have no buttons", "/tiers/reviews/"+reviewOf(t, app, testapp.PartnerAcme).Id+"/apply")
	r = admin.get("/tiers/reviews?show=promote")
	expectContains(t, r, "promote filter", "Globex México")
	expectNotContains(t, r, "promote filter", "Acme Brasil Ltda")
	r = admin.get("/tiers/reviews?show=nonsense")
	expectStatus(t, r, http.StatusBadRequest, "bad filter")
	expectContains(t, r, "bad filter", "field-error")
}

func TestTierReviewApplyAndDismiss(t *testing.T) {
	app, srv := newServer(t)
	tierProgramme(t, app)
	now := time.Now().UTC()
	if _, err := tiering.EvaluateAll(app, now.AddDate(0, 0, -1)); err != nil {
		t.Fatal(err)
	}
	if _, err := tiering.EvaluateAll(app, now); err != nil { // Acme's second night below Gold
		t.Fatal(err)
	}
	globex, acme := reviewOf(t, app, testapp.PartnerGlobex), reviewOf(t, app, testapp.PartnerAcme)
	if acme.GetString("recommendation") != tiering.Demote {
		t.Fatalf("acme: %v", acme.FieldsData())
	}
	apply, dismiss := "/tiers/reviews/"+globex.Id+"/apply", "/tiers/reviews/"+acme.Id+"/dismiss"

	// Managers (even Globex's own) and partner users are refused.
	for _, email := range []string{testapp.ManagerBrunoEmail, testapp.ManagerAnaEmail, testapp.GlobexAdminEmail, testapp.AcmeUserEmail} {
		b := signedIn(t, app, srv, email)
		b.get("/profile")
		expectStatus(t, b.post(apply, nil), http.StatusForbidden, email+" applies")
		expectStatus(t, b.post(dismiss, nil), http.StatusForbidden, email+" dismisses")
	}
	if p, _ := app.FindRecordById("partners", testapp.PartnerGlobex); p.GetString("tier") != testapp.TierSilver {
		t.Fatal("a refused apply changed the tier")
	}

	admin := signedIn(t, app, srv, testapp.AdminEmail)
	admin.lang = "en"
	admin.get("/tiers/reviews")
	expectStatus(t, admin.post(apply, nil), http.StatusSeeOther, "admin applies")
	if p, _ := app.FindRecordById("partners", testapp.PartnerGlobex); p.GetString("tier") != testapp.TierGold {
		t.Fatal("not promoted")
	}
	ch, err := app.FindFirstRecordByData("tier_changes", "partner", testapp.PartnerGlobex)
	if err != nil || ch.GetString("approved_by") != testapp.AdminID || ch.GetString("source") != tiering.SourceEvaluation {
		t.Fatalf("history row: %v %v", ch, err)
	}
	r := admin.post(apply, nil)
	expectStatus(t, r, http.StatusConflict, "apply twice")
	expectContains(t, r, "apply twice", "This recommendation has already been decided.")
	expectStatus(t, admin.post(dismiss, nil), http.StatusSeeOther, "admin dismisses")
	if rv := reviewOf(t, app, testapp.PartnerAcme); rv.GetString("status") != tiering.StatusDismissed {
		t.Fatalf("acme review: %v", rv.FieldsData())
	}
	expectStatus(t, admin.post("/tiers/reviews/nosuchreview000/apply", nil), http.StatusNotFound, "unknown review")
	if n, _ := app.CountRecords("tier_changes"); n != 1 {
		t.Fatalf("%d history rows, want 1", n)
	}
}

func TestTierReviewSettingsForm(t *testing.T) {
	app, srv := newServer(t)
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	admin.lang = "pt-BR"
	admin.get("/tiers/reviews")
	r := admin.post("/tiers/reviews/settings", url.Values{"tier_grace_cycles": {"treze"}, "tier_auto_apply": {"1"}})
	expectStatus(t, r, http.StatusBadRequest, "bad grace")
	expectContains(t, r, "bad grace", `value="treze"`, "checked", "field-error")
	r = admin.post("/tiers/reviews/settings", url.Values{"tier_grace_cycles": {"13"}})
	expectStatus(t, r, http.StatusBadRequest, "grace too large")
	expectStatus(t, admin.post("/tiers/reviews/settings", url.Values{"tier_grace_cycles": {"2"}, "tier_auto_apply": {"1"}}),
		http.StatusSeeOther, "save settings")
	if s, _ := tiering.LoadSettings(app); !s.AutoApply || s.GraceCycles != 2 {
		t.Fatalf("settings %+v", s)
	}
	expectContains(t, admin.get("/tiers/reviews"), "settings shown", `value="2"`, "checked")
}

func TestManualTierChangeWritesHistoryWithTheActor(t *testing.T) {
	app, srv := newServer(t)
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	admin.get("/partners/globex-mexico/edit")
	r := admin.post("/partners/globex-mexico/edit", url.Values{"name": {"Globex México"}, "country": {"MX"}, "status": {"active"},
		"website": {"https://globex.example"}, "tier": {testapp.TierGold}, "manager": {testapp.ManagerBrunoID}})
	expectStatus(t, r, http.StatusSeeOther, "admin changes the tier")
	rows, err := app.FindRecordsByFilter("tier_changes", "partner = {:p}", "", 0, 0, dbx.Params{"p": testapp.PartnerGlobex})
	if err != nil || len(rows) != 1 {
		t.Fatalf("history rows %v %v", rows, err)
	}
	h := rows[0]
	if h.GetString("source") != tiering.SourceManual || h.GetString("approved_by") != testapp.AdminID ||
		h.GetString("from_tier") != testapp.TierSilver || h.GetString("to_tier") != testapp.TierGold {
		t.Fatalf("history row %v", h.FieldsData())
	}
	// Saving the form without a tier change writes nothing more.
	admin.post("/partners/globex-mexico/edit", url.Values{"name": {"Globex México SA"}, "country": {"MX"}, "status": {"active"},
		"website": {"https://globex.example"}, "tier": {testapp.TierGold}, "manager": {testapp.ManagerBrunoID}})
	if n, _ := app.CountRecords("tier_changes"); n != 1 {
		t.Fatalf("%d history rows after an edit without a tier change", n)
	}

	// The history page: the partner's own users and its staff, nobody else.
	for email, want := range map[string]int{
		testapp.GlobexUserEmail: 200, testapp.GlobexAdminEmail: 200, testapp.ManagerBrunoEmail: 200, testapp.AdminEmail: 200,
		testapp.AcmeUserEmail: 404, testapp.AcmeAdminEmail: 404, testapp.ManagerAnaEmail: 404,
	} {
		r := signedIn(t, app, srv, email).get("/partners/globex-mexico/tiers")
		expectStatus(t, r, want, email+" globex history")
		if want == 200 {
			// Staff see who approved; a partner's users, who may not
			// see vendor accounts, read "by the vendor team".
			approver := "Alice Admin"
			if email == testapp.GlobexUserEmail || email == testapp.GlobexAdminEmail {
				approver = "by the vendor team"
			}
			expectContains(t, r, email+" globex history", "Gold", "Silver", "changed by hand", approver)
		}
	}
	expectStatus(t, newBrowser(t, srv).get("/partners/globex-mexico/tiers"), http.StatusSeeOther, "guest history")
	r = signedIn(t, app, srv, testapp.AcmeUserEmail).get("/partners/acme-brasil/tiers")
	expectStatus(t, r, 200, "acme's own empty history")
	expectContains(t, r, "acme's own empty history", "Nenhuma mudança de nível")
}

func TestTierStandingShowsWhatIsMissing(t *testing.T) {
	app, srv := newServer(t)
	testapp.SeedTierProgramme(t, app)
	today := time.Now().UTC()
	// Globex (Silver, en): R$ 420.000 of 500.000, 3 of 5 certified, 12 of 10 deals.
	testapp.SetPartnerFigures(t, app, testapp.PartnerGlobex, today, 420000, 3, 12)
	// Acme (Gold, pt-BR, the top tier): below Gold's revenue.
	testapp.SetPartnerFigures(t, app, testapp.PartnerAcme, today, 380000, 6, 11)

	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	for _, path := range []string{"/tiers", "/"} {
		r := fabio.get(path)
		expectStatus(t, r, 200, "globex "+path)
		expectContains(t, r, "globex "+path, "Next tier:", "R$80,000.00 more won revenue in the last 12 months",
			"2 more certified people", "R$420,000.00 / R$500,000.00", `value="84"`, "Done")
		// Never the other partner's figures, nor internal recommendations.
		expectNotContains(t, r, "globex "+path, "R$380,000.00", "Promote", "Demote")
	}
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	r := diego.get("/tiers")
	expectContains(t, r, "acme /tiers", "Para manter seu nível:", "Faltam R$\u00a0120.000,00 de receita ganha nos últimos 12 meses",
		"Você está no nível mais alto do programa.", `href="/partners/acme-brasil/tiers"`)
	expectNotContains(t, r, "acme /tiers", "420.000")
	// Staff see the programme without a standing panel; the admin links the reviews.
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	admin.lang = "en"
	r = admin.get("/tiers")
	expectContains(t, r, "admin /tiers", `href="/tiers/reviews"`, "Deals won, last 12 months")
	expectNotContains(t, r, "admin /tiers", "Your standing")
	expectNotContains(t, signedIn(t, app, srv, testapp.ManagerAnaEmail).get("/tiers"), "manager /tiers", `href="/tiers/reviews"`)
}

func TestTierReviewApplyAllPromotions(t *testing.T) {
	app, srv := newServer(t)
	tierProgramme(t, app)
	if _, err := tiering.EvaluateAll(app, time.Now().UTC()); err != nil {
		t.Fatal(err)
	}
	bruno := signedIn(t, app, srv, testapp.ManagerBrunoEmail)
	bruno.get("/profile")
	expectStatus(t, bruno.post("/tiers/reviews/apply-promotions", nil), http.StatusForbidden, "manager applies all")
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	admin.lang = "en"
	expectContains(t, admin.get("/tiers/reviews"), "apply-all button", `action="/tiers/reviews/apply-promotions"`)
	expectStatus(t, admin.post("/tiers/reviews/apply-promotions", nil), http.StatusSeeOther, "admin applies all")
	if p, _ := app.FindRecordById("partners", testapp.PartnerGlobex); p.GetString("tier") != testapp.TierGold {
		t.Fatal("the promotion was not applied")
	}
	// Acme's at-risk keep is untouched, and nothing is left to apply.
	if p, _ := app.FindRecordById("partners", testapp.PartnerAcme); p.GetString("tier") != testapp.TierGold {
		t.Fatal("a keep was changed")
	}
	expectNotContains(t, admin.get("/tiers/reviews"), "no more promotions", `action="/tiers/reviews/apply-promotions"`)
}
