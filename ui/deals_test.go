package ui_test

// The portal tests of deal registration: the list, the registration form,
// the deal page with its update form and approver panel, the CSV export and
// the settings — every access decision from both sides, bad input with
// translated messages and kept values, conflicts that never name the other
// partner, export isolation, injection and formula neutralisation.

import (
	"encoding/csv"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/testapp"
)

func newDealServer(t *testing.T) (*tests.TestApp, *httptest.Server) {
	t.Helper()
	app, srv := newServer(t)
	testapp.SeedDeals(t, app)
	return app, srv
}

// dealCustomers names the fixture deals by id.
var dealCustomers = map[string]string{}

func init() {
	for _, d := range testapp.FixtureDeals {
		dealCustomers[d.ID] = d.Customer
	}
}

// dealsSeenBy is what each fixture user may see (the deals List rule).
var dealsSeenBy = map[string][]string{
	testapp.AdminEmail:        {testapp.DealAcmeApproved, testapp.DealAcmePending, testapp.DealAcmeWon, testapp.DealGlobexApproved, testapp.DealGlobexLost, testapp.DealGlobexPending},
	testapp.ManagerAnaEmail:   {testapp.DealAcmeApproved, testapp.DealAcmePending, testapp.DealAcmeWon},
	testapp.ManagerBrunoEmail: {testapp.DealGlobexApproved, testapp.DealGlobexLost, testapp.DealGlobexPending},
	testapp.AcmeAdminEmail:    {testapp.DealAcmeApproved, testapp.DealAcmePending, testapp.DealAcmeWon},
	testapp.AcmeUserEmail:     {testapp.DealAcmeApproved, testapp.DealAcmeWon},
	testapp.GlobexAdminEmail:  {testapp.DealGlobexApproved, testapp.DealGlobexLost, testapp.DealGlobexPending},
	testapp.GlobexUserEmail:   {testapp.DealGlobexApproved, testapp.DealGlobexPending},
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestDealListAndPageAccess(t *testing.T) {
	app, srv := newDealServer(t)
	guest := newBrowser(t, srv)
	for _, path := range []string{"/deals", "/deals/" + testapp.DealAcmeApproved, "/deals/export.csv", "/deals/new"} {
		r := guest.get(path)
		if r.Status == http.StatusOK || !strings.Contains(r.Header.Get("Location"), "/login") {
			t.Errorf("guest %s: %d %q", path, r.Status, r.Header.Get("Location"))
		}
	}
	for email, seen := range dealsSeenBy {
		b := signedIn(t, app, srv, email)
		r := b.get("/deals")
		expectStatus(t, r, http.StatusOK, email+" lists deals")
		for id, name := range dealCustomers {
			in := strings.Contains(r.Body, `href="/deals/`+id+`"`)
			if in != contains(seen, id) {
				t.Errorf("%s: deal %s (%s) listed %v, want %v", email, id, name, in, !in)
			}
			page := b.get("/deals/" + id)
			want := http.StatusNotFound
			if contains(seen, id) {
				want = http.StatusOK
			}
			expectStatus(t, page, want, email+" opens "+id)
			if want == http.StatusNotFound {
				expectNotContains(t, page, email+" opens "+id, name)
			}
		}
	}
	// Registration is for partners; the settings for admins.
	for _, email := range []string{testapp.AdminEmail, testapp.ManagerAnaEmail} {
		expectStatus(t, signedIn(t, app, srv, email).get("/deals/new"), http.StatusForbidden, email+" opens the form")
	}
	for _, email := range []string{testapp.ManagerAnaEmail, testapp.AcmeAdminEmail, testapp.AcmeUserEmail} {
		expectStatus(t, signedIn(t, app, srv, email).get("/deals/settings"), http.StatusForbidden, email+" opens the settings")
	}
	expectStatus(t, signedIn(t, app, srv, testapp.AdminEmail).get("/deals/settings"), http.StatusOK, "admin opens the settings")
}

func TestDealListFilters(t *testing.T) {
	app, srv := newDealServer(t)
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	listed := func(path string, want ...string) {
		t.Helper()
		r := admin.get(path)
		expectStatus(t, r, http.StatusOK, path)
		for id := range dealCustomers {
			if in := strings.Contains(r.Body, `href="/deals/`+id+`"`); in != contains(want, id) {
				t.Errorf("%s: %s listed %v", path, id, in)
			}
		}
	}
	listed("/deals?status=pending", testapp.DealAcmePending, testapp.DealGlobexPending)
	listed("/deals?stage=won", testapp.DealAcmeWon)
	listed("/deals?stage=open&partner="+testapp.PartnerGlobex, testapp.DealGlobexApproved, testapp.DealGlobexPending)
	listed("/deals?manager="+testapp.ManagerAnaID+"&status=approved", testapp.DealAcmeApproved, testapp.DealAcmeWon)
	listed("/deals?q=a%C3%A7a%C3%AD", testapp.DealAcmeApproved)
	listed("/deals?q=delta.com", testapp.DealGlobexApproved)
	listed("/deals?q=" + url.QueryEscape("x' OR 1=1 --"))
	listed("/deals?q=" + url.QueryEscape("%"))
	today := time.Now().UTC().Format(time.DateOnly)
	listed("/deals?from="+time.Now().AddDate(0, 0, -3).UTC().Format(time.DateOnly)+"&to="+today, testapp.DealAcmePending, testapp.DealGlobexPending)
	listed("/deals?sort=-amount_base&stage=lost", testapp.DealGlobexLost)

	// One partner's list shows its totals: Globex's three deals are
	// 90,000 + 50,000 + 25,000 BRL (300,000 MXN and 15,000 USD).
	r0 := admin.get("/deals?partner=" + testapp.PartnerGlobex)
	expectContains(t, r0, "Globex totals", "3 deals in total: <strong>R$165,000.00</strong>", "(MX$300,000.00 + $15,000.00)")
	expectNotContains(t, admin.get("/deals"), "admin's unfiltered list", "in total")

	// A partner filter means nothing to a partner: the rule still decides.
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	r := diego.get("/deals?partner=" + testapp.PartnerGlobex)
	expectNotContains(t, r, "partner filter by a partner", dealCustomers[testapp.DealGlobexApproved])
	expectContains(t, r, "Diego's totals", "2 negócios no total")

	// Bad filters: 400, translated beside the field, values kept.
	carla := signedIn(t, app, srv, testapp.AcmeAdminEmail)
	r = carla.get("/deals?from=2026-05-01&to=2026-01-01&status=bogus&q=acme")
	expectStatus(t, r, http.StatusBadRequest, "reversed range")
	expectContains(t, r, "reversed range", "A data final é anterior à inicial.", "Este valor não é válido.", `value="acme"`, `value="2026-05-01"`)
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	r = fabio.get("/deals?from=1990-01-01&to=2040-01-01")
	expectStatus(t, r, http.StatusBadRequest, "50-year range")
	expectContains(t, r, "50-year range", "Choose a range of at most 10 years.")
	r = fabio.get("/deals?close_from=yesterday&sort=id")
	expectStatus(t, r, http.StatusBadRequest, "bad date and sort")
	expectContains(t, r, "bad date", "Enter a date as YYYY-MM-DD.")
	r = fabio.get("/deals?page=0")
	expectStatus(t, r, http.StatusBadRequest, "page 0")
}

func TestDealRegistration(t *testing.T) {
	app, srv := newDealServer(t)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	r := diego.get("/deals/new")
	expectStatus(t, r, http.StatusOK, "form")
	expectContains(t, r, "form", `<option value="BRL"`, `<option value="USD"`, `value="BR">Brasil</option>`)

	before := count(t, app, "deals", nil)
	bad := url.Values{"customer_name": {"Omega Logística"}, "customer_domain": {"not a domain"}, "customer_country": {"XX"},
		"product": {"Ponte"}, "amount": {"-5"}, "currency": {"BRL"}, "expected_close": {time.Now().AddDate(0, 1, 0).Format(time.DateOnly)}}
	r = diego.post("/deals/new", bad)
	expectStatus(t, r, http.StatusBadRequest, "negative amount")
	expectContains(t, r, "negative amount", "Informe um valor maior que zero", `value="Omega Logística"`, `value="not a domain"`)
	bad.Set("amount", "1.500,00")
	r = diego.post("/deals/new", bad)
	expectStatus(t, r, http.StatusBadRequest, "bad domain")
	expectContains(t, r, "bad domain and country", "Informe um endereço web como acme.com.br.", "Escolha um país da lista.")
	bad.Set("customer_domain", "omega.com.br")
	r = diego.post("/deals/new", bad)
	expectContains(t, r, "bad country", "Escolha um país da lista.")
	bad.Set("customer_country", "BR")
	bad.Set("currency", "XYZ")
	r = diego.post("/deals/new", bad)
	expectContains(t, r, "unknown currency", "Esta moeda não tem taxa de câmbio.")
	bad.Set("currency", "USD")
	bad.Set("expected_close", "2001-01-01")
	r = diego.post("/deals/new", bad)
	expectContains(t, r, "close in the past", "O fechamento previsto não pode estar mais de 30 dias no passado.")
	bad.Set("amount", "500000000000")
	bad.Set("expected_close", time.Now().AddDate(1, 0, 0).Format(time.DateOnly))
	r = diego.post("/deals/new", bad)
	expectContains(t, r, "absurd amount", "Informe um valor maior que zero e de no máximo 100.000.000.000.")
	if n := count(t, app, "deals", nil); n != before {
		t.Fatalf("%d deals after refused forms, want %d", n, before)
	}

	bad.Set("amount", "1.500,50")
	r = diego.post("/deals/new", bad)
	expectStatus(t, r, http.StatusSeeOther, "valid registration")
	id := strings.TrimPrefix(r.Header.Get("Location"), "/deals/")
	d, err := app.FindRecordById("deals", id)
	if err != nil {
		t.Fatal(err)
	}
	if d.GetString("partner") != testapp.PartnerAcme || d.GetString("submitted_by") != testapp.AcmeUserID ||
		d.GetFloat("amount") != 1500.5 || d.GetFloat("amount_base") != 7502.5 || d.GetString("status") != "pending" {
		t.Errorf("stored %v %v %v %v %v", d.GetString("partner"), d.GetString("submitted_by"), d.GetFloat("amount"), d.GetFloat("amount_base"), d.GetString("status"))
	}
	r = diego.get("/deals/" + id)
	expectContains(t, r, "registered deal page", "Negócio registrado.", "Omega Logística", "Histórico", "registrou (Registrado, Pendente).")
}

// TestDealConflictFlow: a partner registering another partner's protected
// customer is told only that the account is protected — never by whom, in
// the page or the API — while its manager sees both registrations side by
// side and decides.
func TestDealConflictFlow(t *testing.T) {
	app, srv := newDealServer(t)
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	fabio.get("/deals/new")
	r := fabio.post("/deals/new", url.Values{"customer_name": {"ACAI INDUSTRIA S/A"}, "customer_domain": {"https://www.acai.com.br"},
		"customer_country": {"BR"}, "product": {"Ponte"}, "amount": {"2000"}, "currency": {"USD"},
		"expected_close": {time.Now().AddDate(0, 2, 0).Format(time.DateOnly)}})
	expectStatus(t, r, http.StatusSeeOther, "conflicting registration")
	id := strings.TrimPrefix(r.Header.Get("Location"), "/deals/")
	secrets := []string{"Acme", testapp.DealAcmeApproved, testapp.PartnerAcme, "Diego", "Açaí Indústria Ltda."}
	for _, path := range []string{"/deals/" + id, "/deals", "/deals/export.csv"} {
		r = fabio.get(path)
		expectStatus(t, r, http.StatusOK, path)
		expectNotContains(t, r, "Fabio's "+path, secrets...)
	}
	r = fabio.get("/deals/" + id)
	expectContains(t, r, "Fabio's deal page", "This account is already protected by another registration.")
	for _, email := range []string{testapp.GlobexUserEmail, testapp.GlobexAdminEmail} {
		res := fabioAPI(t, app, srv, email, "/api/collections/deals/records/"+id)
		for _, s := range secrets {
			if strings.Contains(res, s) {
				t.Errorf("%s: API JSON contains %q", email, s)
			}
		}
		if !strings.Contains(res, `"conflict":true`) {
			t.Errorf("%s: API JSON lacks the flag: %s", email, res)
		}
	}

	// Bruno, Globex's manager, compares and decides.
	bruno := signedIn(t, app, srv, testapp.ManagerBrunoEmail)
	r = bruno.get("/deals/" + id)
	expectStatus(t, r, http.StatusOK, "Bruno's deal page")
	expectContains(t, r, "Bruno's comparison", "Another partner holds a protected registration", "Acme Brasil Ltda", "Açaí Indústria Ltda.", "Approve", "Reject")
	// Ana (Acme's manager) cannot see or decide Globex's deal.
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	expectStatus(t, ana.get("/deals/"+id), http.StatusNotFound, "Ana opens Globex's deal")
	ana.get("/deals")
	expectStatus(t, ana.post("/deals/"+id+"/decide", url.Values{"action": {"approve"}}), http.StatusNotFound, "Ana decides Globex's deal")
	// Partners cannot reach the panel at all.
	elena := signedIn(t, app, srv, testapp.GlobexAdminEmail)
	elena.get("/deals/" + id)
	expectStatus(t, elena.post("/deals/"+id+"/decide", url.Values{"action": {"approve"}}), http.StatusForbidden, "Elena approves her own deal")

	r = bruno.post("/deals/"+id+"/decide", url.Values{"action": {"reject"}})
	expectStatus(t, r, http.StatusBadRequest, "reject without reason")
	expectContains(t, r, "reject without reason", "Say why the registration is rejected.")
	r = bruno.post("/deals/"+id+"/decide", url.Values{"action": {"approve"}, "comment": {"Customer confirmed Globex"}})
	expectStatus(t, r, http.StatusSeeOther, "approve")
	d, _ := app.FindRecordById("deals", id)
	if d.GetString("status") != "approved" || d.GetString("decided_by") != testapp.ManagerBrunoID || d.GetDateTime("protection_until").IsZero() {
		t.Errorf("after approval: %s %s %v", d.GetString("status"), d.GetString("decided_by"), d.GetDateTime("protection_until"))
	}
	r = fabio.get("/deals/" + id)
	expectContains(t, r, "history after approval", "Customer confirmed Globex", "Status Pending → Approved.")
	// Extending moves the protection forward by the window.
	old := d.GetDateTime("protection_until").Time()
	expectStatus(t, bruno.post("/deals/"+id+"/decide", url.Values{"action": {"extend"}}), http.StatusSeeOther, "extend")
	d, _ = app.FindRecordById("deals", id)
	if got := d.GetDateTime("protection_until").Time().Sub(old); got < 89*24*time.Hour || got > 91*24*time.Hour {
		t.Errorf("extended by %v", got)
	}
}

// fabioAPI reads a REST path as the user.
func fabioAPI(t *testing.T, app core.App, srv *httptest.Server, email, path string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
	req.Header.Set("Authorization", testapp.Token(t, app, email))
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	var b strings.Builder
	buf := make([]byte, 4096)
	for {
		n, err := res.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String()
}

func TestDealUpdateForm(t *testing.T) {
	app, srv := newDealServer(t)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	r := diego.get("/deals/" + testapp.DealAcmeApproved)
	expectContains(t, r, "update form", `action="/deals/`+testapp.DealAcmeApproved+`"`, `name="stage"`)
	form := url.Values{"stage": {"negotiation"}, "amount": {"120000,00"}, "currency": {"BRL"},
		"expected_close": {time.Now().AddDate(0, 1, 0).Format(time.DateOnly)}, "notes": {"Board meeting next week"},
		"status": {"approved"}, "protection_until": {"2099-01-01"}}
	expectStatus(t, diego.post("/deals/"+testapp.DealAcmeApproved, form), http.StatusSeeOther, "update")
	d, _ := app.FindRecordById("deals", testapp.DealAcmeApproved)
	if d.GetString("stage") != "negotiation" || d.GetFloat("amount_base") != 120000 || d.GetDateTime("protection_until").Time().Year() == 2099 {
		t.Errorf("stored %s %v %v", d.GetString("stage"), d.GetFloat("amount_base"), d.GetDateTime("protection_until"))
	}
	// Carla's deal is not Diego's; Globex's neither.
	for _, id := range []string{testapp.DealAcmePending, testapp.DealGlobexApproved} {
		expectStatus(t, diego.post("/deals/"+id, form), http.StatusNotFound, "Diego updates "+id)
	}
	// A won deal: final, its amount the staff's.
	won := url.Values{"stage": {"won"}, "amount": {"25000.00"}, "currency": {"USD"},
		"expected_close": {time.Now().AddDate(0, 1, 0).Format(time.DateOnly)}}
	r = diego.post("/deals/"+testapp.DealAcmeWon, won)
	expectStatus(t, r, http.StatusBadRequest, "won amount by a partner")
	expectContains(t, r, "won amount by a partner", "Só a equipe do fornecedor pode alterar o valor de um negócio ganho.", `value="25000.00"`)
	won.Set("amount", "20000.00")
	won.Set("stage", "negotiation")
	r = diego.post("/deals/"+testapp.DealAcmeWon, won)
	expectStatus(t, r, http.StatusBadRequest, "won → negotiation")
	expectContains(t, r, "won → negotiation", "Um negócio ganho é definitivo")
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	ana.get("/deals/" + testapp.DealAcmeWon)
	won.Set("stage", "won")
	won.Set("amount", "25000.00")
	won.Del("_csrf") // Diego's token stayed in the form values
	expectStatus(t, ana.post("/deals/"+testapp.DealAcmeWon, won), http.StatusSeeOther, "Ana corrects a won amount")
	if d, _ := app.FindRecordById("deals", testapp.DealAcmeWon); d.GetFloat("amount_base") != 125000 {
		t.Errorf("won amount_base %v, want 125000", d.GetFloat("amount_base"))
	}
	// Bad input in the form.
	bad := url.Values{"stage": {"proposal"}, "amount": {"abc"}, "currency": {"BRL"}, "expected_close": {"31/12/2026"}}
	r = diego.post("/deals/"+testapp.DealAcmeApproved, bad)
	expectStatus(t, r, http.StatusBadRequest, "bad amount and date")
	expectContains(t, r, "bad amount and date", "Informe um valor maior que zero", "Informe a data como AAAA-MM-DD.", `value="abc"`)
}

func TestDealExport(t *testing.T) {
	app, srv := newDealServer(t)
	// A customer name that a spreadsheet would run.
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	diego.get("/deals/new")
	r := diego.post("/deals/new", url.Values{"customer_name": {`=HYPERLINK("http://evil.example","click")`}, "product": {"@SUM(1)"},
		"amount": {"10"}, "currency": {"BRL"}, "expected_close": {time.Now().AddDate(0, 1, 0).Format(time.DateOnly)}})
	expectStatus(t, r, http.StatusSeeOther, "formula customer")

	rows := func(b *browser, path string) [][]string {
		t.Helper()
		res := b.get(path)
		expectStatus(t, res, http.StatusOK, path)
		if !strings.HasPrefix(res.Body, "\ufeff") || !strings.Contains(res.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("%s: not a BOM CSV: %q", path, res.Header.Get("Content-Type"))
		}
		recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(res.Body, "\ufeff"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	got := rows(diego, "/deals/export.csv")
	if got[0][0] != "ID" || got[0][4] != "Cliente" || len(got) != 4 {
		t.Fatalf("Diego's export: %v", got)
	}
	ids := map[string]bool{}
	for _, row := range got[1:] {
		ids[row[0]] = true
		if strings.HasPrefix(row[4], "=") || strings.HasPrefix(row[7], "@") {
			t.Errorf("formula not neutralised: %q %q", row[4], row[7])
		}
		if strings.Contains(row[4], "HYPERLINK") && row[4] != `'=HYPERLINK("http://evil.example","click")` {
			t.Errorf("neutralised cell %q", row[4])
		}
	}
	if !ids[testapp.DealAcmeApproved] || !ids[testapp.DealAcmeWon] || ids[testapp.DealAcmePending] || ids[testapp.DealGlobexApproved] {
		t.Errorf("Diego's export holds %v", ids)
	}
	// Filtered as on screen; a filter value is data, never SQL.
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	if got := rows(admin, "/deals/export.csv?partner="+testapp.PartnerGlobex); len(got) != 4 {
		t.Errorf("admin's Globex export: %d rows", len(got)-1)
	}
	for _, q := range []string{"x' OR 1=1 --", "%", `") OR 1=1 --`} {
		if got := rows(admin, "/deals/export.csv?q="+url.QueryEscape(q)); len(got) != 1 {
			t.Errorf("q=%q exported %d rows", q, len(got)-1)
		}
	}
	if got := rows(admin, "/deals/export.csv?status=approved&sort=-amount_base"); len(got) != 5 || got[1][0] != testapp.DealAcmeApproved && got[1][0] != testapp.DealAcmeWon {
		t.Errorf("approved by amount: %v", got)
	}
	res := admin.get("/deals/export.csv?status=' OR 1=1 --")
	expectStatus(t, res, http.StatusBadRequest, "injection as status")
	// Globex's people never get Acme's rows, whatever they ask for (the
	// partner filter is staff's; the rule decides).
	for _, email := range []string{testapp.GlobexAdminEmail, testapp.GlobexUserEmail} {
		b := signedIn(t, app, srv, email)
		for _, row := range rows(b, "/deals/export.csv?partner="+testapp.PartnerAcme)[1:] {
			if !contains(dealsSeenBy[email], row[0]) || strings.Contains(strings.Join(row, ","), "Acme") {
				t.Errorf("%s exported %v", email, row)
			}
		}
	}
}

func TestDealSettingsPage(t *testing.T) {
	app, srv := newDealServer(t)
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	r := admin.get("/deals/settings")
	expectContains(t, r, "settings", `value="90"`, "USD", "MXN")
	r = admin.post("/deals/settings", url.Values{"deal_protection_days": {"0"}, "prob_registered": {"10"}, "prob_qualified": {"101"},
		"prob_proposal": {"50"}, "prob_negotiation": {"75"}})
	expectStatus(t, r, http.StatusBadRequest, "bad settings")
	expectContains(t, r, "bad settings", `value="101"`, `value="0"`)
	r = admin.post("/deals/settings", url.Values{"deal_protection_days": {"60"}, "prob_registered": {"5"}, "prob_qualified": {"20"},
		"prob_proposal": {"40"}, "prob_negotiation": {"80"}})
	expectStatus(t, r, http.StatusSeeOther, "settings saved")
	s, _ := app.FindFirstRecordByFilter("settings", "")
	if s.GetInt("deal_protection_days") != 60 || !strings.Contains(s.GetString("stage_probabilities"), `"negotiation":80`) {
		t.Errorf("settings %v %s", s.GetInt("deal_protection_days"), s.GetString("stage_probabilities"))
	}

	// Rates: add, refuse duplicates and the base, change one without
	// rewriting existing deals, delete.
	admin.get("/deals/settings")
	expectStatus(t, admin.post("/deals/settings/rates", url.Values{"currency_new": {"gbp"}, "rate": {"6,5"}}), http.StatusSeeOther, "add GBP")
	if n := count(t, app, "currency_rates", dbx.HashExp{"currency": "GBP", "rate": 6.5}); n != 1 {
		t.Errorf("GBP rates %d", n)
	}
	for _, c := range []struct{ cur, rate, msg string }{{"USD", "5", "This currency already has a rate"}, {"BRL", "1", "The base currency needs no rate."},
		{"EURO", "1", "Enter a three-letter currency code"}, {"CHF", "-1", "Enter a rate greater than zero"}} {
		r = admin.post("/deals/settings/rates", url.Values{"currency_new": {c.cur}, "rate": {c.rate}})
		expectStatus(t, r, http.StatusBadRequest, "rate "+c.cur)
		expectContains(t, r, "rate "+c.cur, c.msg)
	}
	usd, _ := app.FindFirstRecordByFilter("currency_rates", "currency = 'USD'")
	expectStatus(t, admin.post("/deals/settings/rates", url.Values{"id": {usd.Id}, "rate": {"6"}}), http.StatusSeeOther, "change USD")
	if d, _ := app.FindRecordById("deals", testapp.DealAcmeWon); d.GetFloat("amount_base") != 100000 {
		t.Errorf("a rate change rewrote a deal: %v", d.GetFloat("amount_base"))
	}
	eur, _ := app.FindFirstRecordByFilter("currency_rates", "currency = 'EUR'")
	expectStatus(t, admin.post("/deals/settings/rates/"+eur.Id+"/delete", nil), http.StatusSeeOther, "delete EUR")
	if n := count(t, app, "currency_rates", dbx.HashExp{"currency": "EUR"}); n != 0 {
		t.Error("EUR still there")
	}
	// Nobody else writes rates.
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	ana.get("/deals")
	expectStatus(t, ana.post("/deals/settings/rates", url.Values{"currency_new": {"JPY"}, "rate": {"0.03"}}), http.StatusForbidden, "Ana adds a rate")
	expectStatus(t, ana.post("/deals/settings/rates/"+usd.Id+"/delete", nil), http.StatusForbidden, "Ana deletes a rate")
}
