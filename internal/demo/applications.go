package demo

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// applicationsSummary counts what seedApplications created.
type applicationsSummary struct{ waiting, approved, declined int }

// line is the summary's line in the demo report ("" prints nothing).
func (s applicationsSummary) line() string {
	return fmt.Sprintf("%d partner applications: %d waiting, %d approved, %d declined.",
		s.waiting+s.approved+s.declined, s.waiting, s.approved, s.declined)
}

// applicationSeed is one demo application; ago is how long ago it arrived,
// decided how long ago it was decided (0 = still waiting).
type applicationSeed struct {
	company, country, website, name, email, phone, locale, message string
	ago, decided                                                   time.Duration
	status, partnerSlug, reason                                    string
}

var demoApplications = []applicationSeed{
	{company: "Northwind Cloud Partners LLC", country: "US", website: "https://northwind-cloud.example",
		name: "Rachel Porter", email: "rachel.porter@northwind-cloud.example", phone: "+1 512 555 0148", locale: "en",
		message: "We are a 14-person Microsoft and AWS integrator in Austin, Texas, serving mid-market retailers.\n" +
			"Our customers keep asking for a partner portal solution; we would like to resell and implement yours, starting with two pilot customers next quarter.",
		ago: 5 * time.Hour, status: "new"},
	{company: "Maré Alta Tecnologia Ltda", country: "BR", website: "https://marealta.example",
		name: "Patrícia Andrade", email: "patricia.andrade@marealta.example", phone: "+55 71 98765-4321", locale: "pt-BR",
		message: "Somos uma integradora de Salvador com 22 pessoas, focada em varejo e redes de farmácias no Nordeste.\n" +
			"Já implantamos ERP e BI em mais de 60 lojas e queremos incluir o portal na nossa oferta. Temos dois técnicos certificados em nuvem.",
		ago: 2*24*time.Hour + 3*time.Hour, status: "new"},
	{company: "Douro Sistemas Lda.", country: "PT", website: "https://douro-sistemas.example",
		name: "Miguel Pinto", email: "miguel.pinto@douro-sistemas.example", locale: "pt-BR",
		message: "Consultora do Porto com clientes na indústria do vinho e no turismo. Procuramos uma solução de portal de parceiros para revender em Portugal e na Galiza.",
		ago:     26 * 24 * time.Hour, decided: 23 * 24 * time.Hour, status: "approved", partnerSlug: "douro-sistemas"},
	{company: "Pampa Revenda de Informática ME", country: "BR", website: "https://pampa-revenda.example",
		name: "Rodrigo Schneider", email: "rodrigo@pampa-revenda.example", phone: "+55 51 3222-1100", locale: "pt-BR",
		message: "Revendemos computadores e periféricos em Porto Alegre e queremos oferecer software aos nossos clientes.",
		ago:     12 * 24 * time.Hour, decided: 9 * 24 * time.Hour, status: "declined",
		reason: "Neste momento o programa aceita apenas integradores com equipe técnica própria para implantação. " +
			"Quando vocês tiverem pelo menos uma pessoa dedicada a serviços, teremos prazer em avaliar uma nova candidatura."},
}

// seedApplications loads the demo's partner applications: two waiting for
// a decision, one approved (the partner Douro Sistemas, now onboarding) and
// one declined with its reason. Nothing is e-mailed: these are history.
func seedApplications(tx core.App, now time.Time) (applicationsSummary, error) {
	var s applicationsSummary
	c, err := tx.FindCollectionByNameOrId("partner_applications")
	if err != nil {
		return s, err
	}
	admin, err := tx.FindAuthRecordByEmail("users", AdminEmail)
	if err != nil {
		return s, err
	}
	for _, a := range demoApplications {
		r := core.NewRecord(c)
		created := now.Add(-a.ago).UTC()
		r.Load(map[string]any{
			"company": a.company, "country": a.country, "website": a.website, "contact_name": a.name,
			"contact_email": a.email, "phone": a.phone, "message": a.message, "consent": true,
			"consent_at": created, "locale": a.locale, "status": a.status,
		})
		stamp, err := types.ParseDateTime(created)
		if err != nil {
			return s, err
		}
		r.SetRaw("created", stamp)
		if a.decided > 0 {
			r.Set("decided_by", admin.Id)
			r.Set("decided_at", now.Add(-a.decided).UTC())
			r.Set("decline_reason", a.reason)
		}
		if a.partnerSlug != "" {
			p, err := tx.FindFirstRecordByData("partners", "slug", a.partnerSlug)
			if err != nil {
				return s, fmt.Errorf("demo application %s: %w", a.company, err)
			}
			r.Set("partner", p.Id)
		}
		if err := tx.Save(r); err != nil {
			return s, fmt.Errorf("demo application %s: %w", a.company, err)
		}
		switch a.status {
		case "new":
			s.waiting++
		case "approved":
			s.approved++
		default:
			s.declined++
		}
	}
	return s, nil
}
