package demo

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/deals"
)

// dealsSummary counts what seedDeals created.
type dealsSummary struct {
	deals, events, won, lost, pending, expired, conflicts int
}

// line reports the deal history in one line.
func (s dealsSummary) line() string {
	return fmt.Sprintf("%d deals over the last year (%d won, %d lost, %d awaiting approval, %d expired protection, %d conflict) with %d history rows.",
		s.deals, s.won, s.lost, s.pending, s.expired, s.conflicts, s.events)
}

// demoRates are the exchange rates the demo writes (BRL per unit).
var demoRates = map[string]float64{"EUR": 5.6, "MXN": 0.29, "USD": 5.2}

// dealPartner is how one active demo partner sells: deals per month at the
// start of the year, its currency and typical deal size in that currency,
// and how often it wins.
type dealPartner struct {
	slug, currency string
	perMonth       float64
	size           float64
	winRate        float64
}

var dealPartners = []dealPartner{
	{PartnerSlug, "BRL", 2.2, 180_000, 0.45},
	{"carioca-sistemas", "BRL", 2.8, 320_000, 0.5},
	{"araucaria-tecnologia", "BRL", 1.2, 90_000, 0.35},
	{"capibaribe-digital", "BRL", 1.0, 70_000, 0.3},
	{"tejo-consultoria", "EUR", 1.4, 40_000, 0.45},
	{"lakeshore-data", "USD", 2.0, 85_000, 0.5},
	{"soluciones-anahuac", "MXN", 1.0, 900_000, 0.3},
}

// seasonality weights the months of the year (January first): quiet
// January, February and July, busy March and the year-end rush.
var seasonality = [12]float64{0.6, 0.7, 1.2, 1.0, 1.0, 1.0, 0.7, 0.9, 1.0, 1.1, 1.3, 1.4}

var (
	demoCustomerFirst = []string{"Hospital", "Construtora", "Rede", "Grupo", "Banco", "Cooperativa", "Transportadora", "Laboratório",
		"Indústrias", "Supermercados", "Editora", "Frigorífico", "Colégio", "Seguradora", "Metalúrgica", "Farmácias"}
	demoCustomerSecond = []string{"Horizonte", "Santa Luzia", "Atlântico", "Boa Vista", "Paraná", "Cordilheira", "Vale Verde", "Aurora",
		"Estrela do Sul", "Tropical", "Ipê", "Serra Azul", "Porto Seguro", "Jacarandá", "Araguaia", "Pampa", "Maré Alta", "Monte Claro"}
	demoCustomerSuffix = []string{"Ltda", "S.A.", "Ltda.", "", "S/A", "EIRELI"}
	demoForeignFirst   = []string{"Northwind", "Contoso", "Fabrikam", "Tailspin", "Litware", "Proseware", "Adventure Works", "Wingtip",
		"Blue Yonder", "Coho", "Fourth Coffee", "Margie's", "Alpine Ski", "Lucerne", "Trey", "Humongous"}
	demoForeignSecond = map[string][]string{
		"USD": {"Health", "Logistics", "Bank", "Retail", "Energy", "Foods", "Insurance", "Labs"},
		"EUR": {"Saúde", "Logística", "Seguros", "Energia", "Retalho", "Turismo", "Vinhos", "Engenharia"},
		"MXN": {"Salud", "Logística", "Alimentos", "Energía", "Seguros", "Minería", "Hoteles", "Farmacéutica"},
	}
	demoForeignSuffix = map[string][]string{
		"USD": {"Inc.", "LLC", "Corp.", ""}, "EUR": {"Lda.", "S.A.", ""}, "MXN": {"S.A. de C.V.", "S. de R.L. de C.V.", ""},
	}
	demoProducts = []string{"Ponte Cloud", "Ponte Enterprise", "Ponte Analytics", "Implantação e treinamento", "Suporte Premium"}
	demoCountry  = map[string]string{"BRL": "BR", "USD": "US", "EUR": "PT", "MXN": "MX"}
	demoReasons  = []string{"Cliente já atendido diretamente pela equipe do fabricante.",
		"Oportunidade sem orçamento aprovado; registre de novo quando houver.",
		"Registro duplicado de uma oportunidade existente."}
)

// demoDeal is one deal's planned story, relative to the demo's now.
type demoDeal struct {
	partner              *dealPartner
	partnerID, managerID string
	submitter            string
	customer, domain     string
	amount               float64
	submitted            time.Time
	stall                bool // stops after qualifying; its protection expires
}

// seedDeals adds a year of deal history for the active demo partners: the
// exchange rates, registrations growing over the year with the seasons,
// approvals and the odd rejection, stage moves, wins and losses, the
// registrations of the last days still awaiting approval, one conflict
// between two partners and one protection that ran out. Every change is
// saved through the deal hooks with its own past time (deals.SetEventTime),
// so the history rows and activity are dated and nobody is notified.
func seedDeals(tx core.App, now time.Time) (dealsSummary, error) {
	var s dealsSummary
	rates, err := tx.FindCollectionByNameOrId("currency_rates")
	if err != nil {
		return s, err
	}
	for _, cur := range []string{"EUR", "MXN", "USD"} {
		r := core.NewRecord(rates)
		r.Set("currency", cur)
		r.Set("rate", demoRates[cur])
		if err := tx.Save(r); err != nil {
			return s, fmt.Errorf("rate %s: %w", cur, err)
		}
	}
	col, err := tx.FindCollectionByNameOrId("deals")
	if err != nil {
		return s, err
	}
	rng := rand.New(rand.NewPCG(2026, 6))
	used := map[string]bool{}
	now = now.UTC().Truncate(time.Minute)

	var plan []demoDeal
	for i := range dealPartners {
		dp := &dealPartners[i]
		var p struct {
			ID      string `db:"id"`
			Manager string `db:"manager"`
		}
		if err := tx.DB().Select("id", "manager").From("partners").Where(dbx.HashExp{"slug": dp.slug}).One(&p); err != nil {
			return s, fmt.Errorf("partner %s: %w", dp.slug, err)
		}
		var people []string
		if err := tx.DB().Select("id").From("users").Where(dbx.HashExp{"partner": p.ID, "deactivated": false}).
			OrderBy("email").Column(&people); err != nil {
			return s, err
		}
		// Twelve months back to front: growth from 60 % to 140 % of the
		// partner's pace, times the month's season.
		for m := 11; m >= 0; m-- {
			monthStart := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, time.UTC).AddDate(0, -m, 0)
			growth := 0.6 + 0.8*float64(11-m)/11
			expect := dp.perMonth * growth * seasonality[monthStart.Month()-1]
			n := int(expect)
			if rng.Float64() < expect-float64(n) {
				n++
			}
			for range n {
				day := monthStart.Add(time.Duration(rng.Float64() * float64(monthStart.AddDate(0, 1, 0).Sub(monthStart))))
				if !day.Before(now.Add(-6 * time.Hour)) {
					continue
				}
				name, domain := demoCustomer(rng, dp.currency, used)
				plan = append(plan, demoDeal{partner: dp, partnerID: p.ID, managerID: p.Manager,
					submitter: people[rng.IntN(len(people))], customer: name, domain: domain,
					amount: math.Round(dp.size*(0.3+rng.ExpFloat64())/100) * 100, submitted: day})
			}
		}
	}
	// Oldest first, so that protection and conflicts see what came before.
	sortDemoDeals(plan)
	for i := range plan {
		if age := now.Sub(plan[i].submitted); age > 110*24*time.Hour && age < 150*24*time.Hour {
			plan[i].stall = true
			break
		}
	}
	for _, d := range plan {
		if err := seedDemoDeal(tx, col, rng, d, now, &s); err != nil {
			return s, err
		}
	}
	if err := seedDemoConflict(tx, col, now, &s); err != nil {
		return s, err
	}
	n, err := tx.CountRecords("deal_events")
	s.events = int(n)
	return s, err
}

// demoCustomer invents a customer name (and web address) not used yet, so
// only the planned conflict flags anything.
func demoCustomer(rng *rand.Rand, currency string, used map[string]bool) (string, string) {
	for {
		var name string
		if currency == "BRL" {
			name = demoCustomerFirst[rng.IntN(len(demoCustomerFirst))] + " " + demoCustomerSecond[rng.IntN(len(demoCustomerSecond))]
			if suf := demoCustomerSuffix[rng.IntN(len(demoCustomerSuffix))]; suf != "" {
				name += " " + suf
			}
		} else {
			second := demoForeignSecond[currency]
			name = demoForeignFirst[rng.IntN(len(demoForeignFirst))] + " " + second[rng.IntN(len(second))]
			if suf := demoForeignSuffix[currency][rng.IntN(len(demoForeignSuffix[currency]))]; suf != "" {
				name += " " + suf
			}
		}
		key := deals.CustomerKey(name)
		if used[key] || key == deals.CustomerKey(demoConflictCustomer) {
			continue
		}
		used[key] = true
		domain := ""
		if rng.IntN(3) > 0 {
			domain = demoDomain(key, currency)
		}
		return name, domain
	}
}

// demoDomain makes a web address from a customer key ("rede aurora" →
// redeaurora.com.br).
func demoDomain(key, currency string) string {
	b := make([]byte, 0, len(key))
	for i := 0; i < len(key); i++ {
		if c := key[i]; (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			b = append(b, c)
		}
	}
	tld := map[string]string{"BRL": ".com.br", "USD": ".com", "EUR": ".pt", "MXN": ".com.mx"}[currency]
	return string(b) + tld
}

func sortDemoDeals(p []demoDeal) {
	for i := 1; i < len(p); i++ {
		for j := i; j > 0 && p[j].submitted.Before(p[j-1].submitted); j-- {
			p[j], p[j-1] = p[j-1], p[j]
		}
	}
}

// seedDemoDeal registers one planned deal and plays its story up to now:
// a decision one to three days later (recent ones still wait), then stage
// moves every few weeks and, for older deals, a win or a loss; an approved
// deal left open past its protection expires.
func seedDemoDeal(tx core.App, col *core.Collection, rng *rand.Rand, d demoDeal, now time.Time, s *dealsSummary) error {
	r := core.NewRecord(col)
	r.Set("partner", d.partnerID)
	r.Set("submitted_by", d.submitter)
	r.Set("customer_name", d.customer)
	r.Set("customer_domain", d.domain)
	r.Set("customer_country", demoCountry[d.partner.currency])
	r.Set("product", demoProducts[rng.IntN(len(demoProducts))])
	r.Set("amount", d.amount)
	r.Set("currency", d.partner.currency)
	r.Set("stage", deals.StageRegistered)
	r.Set("expected_close", d.submitted.AddDate(0, 0, 60+rng.IntN(60)))
	r.Set("submitted", d.submitted)
	if err := tx.Save(r); err != nil {
		return fmt.Errorf("deal %s: %w", d.customer, err)
	}
	s.deals++
	// Registrations of the last week still wait for the channel manager.
	at := d.submitted.Add(time.Duration(24+rng.IntN(48)) * time.Hour)
	if !at.Before(now) || now.Sub(d.submitted) < 7*24*time.Hour {
		s.pending++
		return nil
	}
	step := func(actor string, when time.Time, fields map[string]any) error {
		activity.SetActor(r, actor)
		deals.SetEventTime(r, when)
		for k, v := range fields {
			r.Set(k, v)
		}
		return tx.Save(r)
	}
	if rng.Float64() < 0.1 {
		return step(d.managerID, at, map[string]any{"status": deals.StatusRejected, "reason": demoReasons[rng.IntN(len(demoReasons))]})
	}
	if err := step(d.managerID, at, map[string]any{"status": deals.StatusApproved}); err != nil {
		return err
	}
	// Stage moves every 8–20 days (so a deal closes well inside its 90-day
	// protection); after the negotiation, the outcome. A stalled deal stops
	// after qualifying and its protection runs out.
	expire := func() error {
		pu := r.GetDateTime("protection_until").Time()
		if pu.IsZero() || !pu.Before(now) {
			return nil
		}
		s.expired++
		return step("", pu, map[string]any{"status": deals.StatusExpired})
	}
	for i, stage := range []string{deals.StageQualified, deals.StageProposal, deals.StageNegotiation, ""} {
		at = at.Add(time.Duration(8+rng.IntN(13)) * 24 * time.Hour)
		if !at.Before(now) || (d.stall && i == 1) {
			return expire()
		}
		fields := map[string]any{"stage": stage}
		if stage == "" {
			fields["stage"] = deals.StageLost
			if rng.Float64() < d.partner.winRate {
				fields["stage"] = deals.StageWon
				// Won deals often close a little below the registered amount.
				fields["amount"] = math.Round(d.amount*(0.85+0.15*rng.Float64())/100) * 100
				s.won++
			} else {
				s.lost++
			}
		}
		if err := step(d.submitter, at, fields); err != nil {
			return err
		}
	}
	return nil
}

// demoConflictCustomer is the customer two demo partners register.
const demoConflictCustomer = "Petroquímica Guanabara S.A."

// seedDemoConflict: Carioca Sistemas registered Petroquímica Guanabara five
// weeks ago and holds its protection; three days ago Paulista Cloud
// registered "PETROQUIMICA GUANABARA LTDA" — flagged, awaiting Mariana's
// decision, with the two side by side on the deal page.
func seedDemoConflict(tx core.App, col *core.Collection, now time.Time, s *dealsSummary) error {
	for i, spec := range []struct {
		slug, name, domain string
		daysAgo            int
		amount             float64
	}{
		{"carioca-sistemas", demoConflictCustomer, "petroquimicaguanabara.com.br", 35, 1_200_000},
		{PartnerSlug, "PETROQUIMICA GUANABARA LTDA", "www.petroquimicaguanabara.com.br", 3, 950_000},
	} {
		var p struct {
			ID      string `db:"id"`
			Manager string `db:"manager"`
		}
		if err := tx.DB().Select("id", "manager").From("partners").Where(dbx.HashExp{"slug": spec.slug}).One(&p); err != nil {
			return err
		}
		var people []string
		if err := tx.DB().Select("id").From("users").Where(dbx.HashExp{"partner": p.ID, "deactivated": false}).
			OrderBy("email").Limit(2).Column(&people); err != nil || len(people) == 0 {
			return fmt.Errorf("conflict partner %s: %w", spec.slug, err)
		}
		submitted := now.AddDate(0, 0, -spec.daysAgo)
		r := core.NewRecord(col)
		r.Set("partner", p.ID)
		r.Set("submitted_by", people[len(people)-1])
		r.Set("customer_name", spec.name)
		r.Set("customer_domain", spec.domain)
		r.Set("customer_country", "BR")
		r.Set("product", "Ponte Enterprise")
		r.Set("amount", spec.amount)
		r.Set("currency", "BRL")
		r.Set("stage", deals.StageRegistered)
		r.Set("expected_close", submitted.AddDate(0, 4, 0))
		r.Set("submitted", submitted)
		if err := tx.Save(r); err != nil {
			return err
		}
		s.deals++
		if i == 1 {
			if !r.GetBool("conflict") {
				return fmt.Errorf("demo: the planned conflict was not detected")
			}
			s.pending++
			s.conflicts++
			continue
		}
		activity.SetActor(r, p.Manager)
		deals.SetEventTime(r, submitted.Add(20*time.Hour))
		r.Set("status", deals.StatusApproved)
		if err := tx.Save(r); err != nil {
			return err
		}
		activity.SetActor(r, people[len(people)-1])
		deals.SetEventTime(r, submitted.AddDate(0, 0, 12))
		r.Set("stage", deals.StageProposal)
		if err := tx.Save(r); err != nil {
			return err
		}
	}
	return nil
}
