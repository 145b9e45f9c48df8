package ui_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/ponte-portal/ponte/internal/testapp"
)

func TestTierPages(t *testing.T) {
	app, srv := newServer(t)
	goldEdit := "/tiers/" + testapp.TierGold + "/edit"

	// Everyone signed in sees the programme; only admins get edit links.
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	r := diego.get("/tiers")
	expectStatus(t, r, 200, "partner user tiers")
	expectContains(t, r, "partner user tiers", "Gold", "Silver", "Seu nível", "Marketing funds")
	expectNotContains(t, r, "partner user tiers", `href="/tiers/new"`, goldEdit, "Parceiros neste nível")
	expectStatus(t, newBrowser(t, srv).get("/tiers"), http.StatusSeeOther, "guest tiers")
	for email, want := range map[string]int{testapp.ManagerAnaEmail: 403, testapp.AcmeAdminEmail: 403, testapp.AcmeUserEmail: 403, testapp.AdminEmail: 200} {
		b := signedIn(t, app, srv, email)
		expectStatus(t, b.get("/tiers/new"), want, email+" new tier form")
		expectStatus(t, b.get(goldEdit), want, email+" edit tier form")
	}
	// A manager's forged post changes nothing.
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	ana.get("/tiers")
	expectStatus(t, ana.post(goldEdit, url.Values{"name": {"Hacked"}, "rank": {"1"}, "colour": {"#000000"}}), 403, "manager posts")

	admin := signedIn(t, app, srv, testapp.AdminEmail)
	admin.lang = "en"
	r = admin.get("/tiers")
	expectContains(t, r, "admin tiers", `href="/tiers/new"`, goldEdit, "Partners in this tier")
	admin.get("/tiers/new")
	r = admin.post("/tiers/new", url.Values{"name": {"Platinum"}, "rank": {"3"}, "colour": {"#334455"},
		"min_revenue_12m": {"3.000.000,00"}, "min_certified_users": {"10"}, "min_deals_won_12m": {"25"}, "benefits": {"- **All** of Gold\n<script>x</script>"}})
	expectStatus(t, r, http.StatusSeeOther, "create tier")
	p, err := app.FindFirstRecordByData("tiers", "name", "Platinum")
	if err != nil || p.GetFloat("min_revenue_12m") != 3000000 || p.GetInt("min_certified_users") != 10 || p.GetInt("min_deals_won_12m") != 25 {
		t.Fatalf("tier not created as submitted: %v %v", err, p)
	}
	r = admin.get("/tiers")
	expectContains(t, r, "rendered", "<strong>All</strong>", "R$3,000,000.00")
	expectNotContains(t, r, "rendered", "<script>x</script>")

	// Editing, and bad input kept with translated messages.
	r = admin.post(goldEdit, url.Values{"name": {"Gold"}, "rank": {"2"}, "colour": {"#b8860b"}, "min_revenue_12m": {"1,000,000.50"}, "min_certified_users": {"5"}})
	expectStatus(t, r, http.StatusSeeOther, "edit tier")
	g, _ := app.FindRecordById("tiers", testapp.TierGold)
	if g.GetFloat("min_revenue_12m") != 1000000.5 {
		t.Fatalf("revenue = %v", g.GetFloat("min_revenue_12m"))
	}
	r = admin.post(goldEdit, url.Values{"name": {"Gold"}, "rank": {"-1"}, "colour": {"red"}, "min_revenue_12m": {"lots"}, "min_certified_users": {"x"}, "min_deals_won_12m": {"-3"}})
	expectStatus(t, r, http.StatusBadRequest, "bad tier")
	expectContains(t, r, "bad tier", "Choose a colour like #0f6e6e.", "Enter a whole number from 0 to 1000.", "Enter an amount", `value="lots"`, `value="-3"`, "Enter a whole number from 0 to 1000000.")
	r = admin.post("/tiers/new", url.Values{"name": {"Gold"}, "rank": {"9"}, "colour": {"#123456"}})
	expectStatus(t, r, http.StatusBadRequest, "duplicate tier name")
	expectContains(t, r, "duplicate tier name", "This value is already in use.")
	expectStatus(t, admin.get("/tiers/nosuchtier00000/edit"), http.StatusNotFound, "unknown tier")
}
