package testapp

import (
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/deals"
)

// Fixture deals (SeedDeals). The portal's base currency is BRL; the rates
// are FixtureRates. Every deal is saved from Go with `submitted` set, so it
// is history: the hooks derive keys, amounts, decisions and protection and
// write the deal_events rows, but notify nobody.
const (
	// DealAcmeApproved: Acme, submitted by Diego 30 days ago, "Açaí
	// Indústria Ltda." (acai.com.br, BR), 100,000 BRL, proposal, approved
	// when submitted, protected for 60 more days.
	DealAcmeApproved = "dealacmeapprov1"
	// DealAcmePending: Acme, submitted by Carla 2 days ago, "Beta Comércio
	// S.A." (BR), 50,000 BRL, registered, pending, no conflict.
	DealAcmePending = "dealacmepending"
	// DealAcmeWon: Acme, submitted by Diego 60 days ago, "Gamma Tech Inc."
	// (US), 20,000 USD = 100,000 BRL, won (closed 10 days ago), approved.
	DealAcmeWon = "dealacmewon0001"
	// DealGlobexApproved: Globex, submitted by Fabio 20 days ago, "Delta
	// Foods S.A. de C.V." (delta.com.mx, MX), 300,000 MXN = 90,000 BRL,
	// negotiation, approved, protected for 70 more days.
	DealGlobexApproved = "dealglobexappr1"
	// DealGlobexLost: Globex, submitted by Elena 45 days ago, "Epsilon
	// Corp" (US), 10,000 USD = 50,000 BRL, lost (closed 5 days ago),
	// approved.
	DealGlobexLost = "dealglobexlost1"
	// DealGlobexPending: Globex, submitted by Fabio 1 day ago, "Zeta
	// Ltd" (MX), 5,000 USD = 25,000 BRL, qualified, pending.
	DealGlobexPending = "dealglobexpend1"
)

// FixtureRates are the exchange rates SeedDeals writes: units of the base
// currency (BRL) per unit of the currency.
var FixtureRates = map[string]float64{"USD": 5, "EUR": 5.5, "MXN": 0.3}

// FixtureDeal describes one fixture deal. AmountBase is its amount in BRL.
type FixtureDeal struct {
	ID, Partner, SubmittedBy, Customer, Domain, Country, Product string
	Amount                                                       float64
	Currency                                                     string
	AmountBase                                                   float64
	Stage, Status                                                string
	// SubmittedDaysAgo dates the registration (and its approval);
	// ClosedDaysAgo dates the move to won or lost (0 for open deals).
	SubmittedDaysAgo, ClosedDaysAgo int
}

// FixtureDeals lists the deals SeedDeals writes, in order.
var FixtureDeals = []FixtureDeal{
	{DealAcmeApproved, PartnerAcme, AcmeUserID, "Açaí Indústria Ltda.", "www.acai.com.br", "BR", "Ponte Enterprise",
		100000, "BRL", 100000, "proposal", "approved", 30, 0},
	{DealAcmePending, PartnerAcme, AcmeAdminID, "Beta Comércio S.A.", "", "BR", "Ponte Cloud",
		50000, "BRL", 50000, "registered", "pending", 2, 0},
	{DealAcmeWon, PartnerAcme, AcmeUserID, "Gamma Tech Inc.", "gammatech.com", "US", "Ponte Enterprise",
		20000, "USD", 100000, "won", "approved", 60, 10},
	{DealGlobexApproved, PartnerGlobex, GlobexUserID, "Delta Foods S.A. de C.V.", "delta.com.mx", "MX", "Ponte Cloud",
		300000, "MXN", 90000, "negotiation", "approved", 20, 0},
	{DealGlobexLost, PartnerGlobex, GlobexAdminID, "Epsilon Corp", "", "US", "Ponte Cloud",
		10000, "USD", 50000, "lost", "approved", 45, 5},
	{DealGlobexPending, PartnerGlobex, GlobexUserID, "Zeta Ltd", "zeta.mx", "MX", "Ponte Starter",
		5000, "USD", 25000, "qualified", "pending", 1, 0},
}

// SeedDeals writes FixtureRates and FixtureDeals through the deal hooks, in
// one transaction: each deal is registered (submitted days ago), approved
// at registration when its status says so and, when closed, moved to won or
// lost on its closing day, so its deal_events rows tell that story.
func SeedDeals(t testing.TB, app core.App) {
	t.Helper()
	if err := seedDeals(app, time.Now().UTC()); err != nil {
		t.Fatalf("seeding deals: %v", err)
	}
}

func seedDeals(app core.App, now time.Time) error {
	return app.RunInTransaction(func(tx core.App) error {
		rates, err := tx.FindCollectionByNameOrId("currency_rates")
		if err != nil {
			return err
		}
		for _, cur := range []string{"EUR", "MXN", "USD"} {
			r := core.NewRecord(rates)
			r.Set("currency", cur)
			r.Set("rate", FixtureRates[cur])
			if err := tx.Save(r); err != nil {
				return err
			}
		}
		c, err := tx.FindCollectionByNameOrId("deals")
		if err != nil {
			return err
		}
		for _, d := range FixtureDeals {
			submitted := now.AddDate(0, 0, -d.SubmittedDaysAgo)
			r := core.NewRecord(c)
			r.Id = d.ID
			r.Set("partner", d.Partner)
			r.Set("submitted_by", d.SubmittedBy)
			r.Set("customer_name", d.Customer)
			r.Set("customer_domain", d.Domain)
			r.Set("customer_country", d.Country)
			r.Set("product", d.Product)
			r.Set("amount", d.Amount)
			r.Set("currency", d.Currency)
			r.Set("stage", "registered")
			if d.ClosedDaysAgo == 0 {
				r.Set("stage", d.Stage)
			}
			r.Set("status", d.Status)
			if d.Status == "approved" {
				r.Set("decided_by", managerOf(d.Partner))
			}
			r.Set("expected_close", submitted.AddDate(0, 0, 90))
			r.Set("submitted", submitted)
			if err := tx.Save(r); err != nil {
				return err
			}
			if d.ClosedDaysAgo == 0 {
				continue
			}
			r.Set("stage", d.Stage)
			deals.SetEventTime(r, now.AddDate(0, 0, -d.ClosedDaysAgo))
			if err := tx.Save(r); err != nil {
				return err
			}
		}
		return nil
	})
}

// managerOf names the fixture partner's channel manager.
func managerOf(partner string) string {
	if partner == PartnerGlobex {
		return ManagerBrunoID
	}
	return ManagerAnaID
}
