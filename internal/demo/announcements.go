package demo

import (
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/activity"
)

// announcementsSummary counts what seedAnnouncements created.
type announcementsSummary struct {
	count, reads, acknowledgements int
}

// announcementSeed is one demo announcement. publish and expires are days
// from the load (negative: in the past; expires 0: never).
type announcementSeed struct {
	title, author, audience, body string
	tiers, regions, partners      []string // tier names, regions, partner slugs
	pinned, ack, draft            bool
	publish, expires              int
	// readShare is the share of its audience that has read it.
	readShare float64
}

var announcementSeeds = []announcementSeed{
	{title: "Boas-vindas ao Programa de Parceiros 2026", author: "renata.albuquerque", audience: "all", pinned: true,
		publish: -40, readShare: .8, body: `O programa de parceiros de 2026 começa com **novos níveis, mais verba de marketing** e um portal único para tudo o que vocês precisam.

## O que muda

- Registro de oportunidades com proteção de **90 dias** (Silver e acima)
- Verba de marketing trimestral para Gold e Platinum
- Trilhas de certificação gratuitas no portal

| Nível | Desconto | Proteção |
|---|---|---|
| Silver | 15% | 90 dias |
| Gold | 25% | 90 dias |
| Platinum | 35% | 120 dias |

Dúvidas? Fale com o seu gerente de canal pela aba **Mensagens**.`},
	{title: "Nova política de registro de oportunidades", author: "renata.albuquerque", audience: "all", ack: true,
		publish: -12, readShare: .6, body: `A partir de 1º do próximo mês, toda oportunidade acima de **R$ 50.000** precisa ser registrada no portal antes da primeira proposta.

1. Registre a oportunidade com o CNPJ do cliente final.
2. Aguarde a aprovação (até 2 dias úteis).
3. Oportunidades sem registro não contam para a proteção nem para o rebate.

Leia a política completa na [biblioteca de documentos](/documents) e confirme a leitura abaixo.`},
	{title: "Convite: Encontro de Parceiros Gold e Platinum", author: mgrSouthEast, audience: "tiers",
		tiers: []string{"Gold", "Platinum"}, publish: -6, expires: 20, readShare: .5, body: `Reservem a data: **encontro anual dos parceiros Gold e Platinum** em São Paulo, com roadmap do produto, casos de sucesso e a premiação do ano.

- Local: Centro de Convenções Frei Caneca
- Vagas: até 3 pessoas por parceiro
- Inscrições pelo seu gerente de canal`},
	{title: "Q3 incentives for North America", author: mgrNAMX, audience: "regions", regions: []string{"north_america"},
		publish: -3, readShare: .5, body: `Our **Q3 incentive** for North American partners is live:

- 5% extra rebate on net-new logos closed by September 30
- Double MDF match for joint webinars

Register your deals early: protection starts on approval.`},
	{title: "Paulista Cloud: revisão trimestral de negócios", author: mgrSouthEast, audience: "partners",
		partners: []string{PartnerSlug}, publish: -1, readShare: .4, body: `Carla, Lucas e equipe: a **revisão trimestral (QBR)** será na próxima quinta-feira às 10h.

Pauta:

- [x] Pipeline do trimestre
- [ ] Plano de marketing conjunto
- [ ] Certificações pendentes`},
	{title: "Manutenção programada da plataforma", author: "gustavo.nogueira", audience: "all", publish: 3, body: `No sábado, das **22h às 2h (horário de Brasília)**, o portal ficará indisponível para manutenção. Registros de oportunidade feitos antes disso não são afetados.`},
	{title: "Webinar: novidades da versão 5.2", author: "renata.albuquerque", audience: "all", publish: -30, expires: -16,
		readShare: .5, body: `Participe do webinar sobre a versão 5.2: novos conectores, relatórios e o novo painel de administração. A gravação fica disponível na biblioteca.`},
	{title: "Calendário de treinamentos do 2º semestre", author: "renata.albuquerque", audience: "all", draft: true,
		body: `Rascunho: datas das trilhas de certificação a confirmar com o time de treinamento.`},
}

// seedAnnouncements adds the demo announcements (pinned programme news, one
// asking for acknowledgement, one for two tiers, one for a region, one for
// the printed partner, a scheduled, an expired one and a draft) and has the
// partners' people read and acknowledge some. Announcements already past
// their time are marked as announced, so loading the demo sends nobody a
// notification or an e-mail; the scheduled one notifies its audience when
// its time comes, like any other.
func seedAnnouncements(tx core.App, now time.Time) (announcementsSummary, error) {
	var s announcementsSummary
	rnd := rand.New(rand.NewPCG(2026, 1764201610))
	since, err := types.ParseDateTime(now)
	if err != nil {
		return s, err
	}
	// Whole days back at office hours, always at least an hour before now.
	at := func(days int) time.Time {
		d := time.Date(now.Year(), now.Month(), now.Day(), 12, 30, 0, 0, time.UTC).AddDate(0, 0, days)
		if days <= 0 && d.After(now.Add(-time.Hour)) {
			d = now.Add(-time.Hour)
		}
		return d
	}
	c, err := tx.FindCollectionByNameOrId("announcements")
	if err != nil {
		return s, err
	}
	rc, err := tx.FindCollectionByNameOrId("announcement_reads")
	if err != nil {
		return s, err
	}
	published := map[string]time.Time{} // id → publish time, for the reads
	shares := map[string]float64{}
	for _, a := range announcementSeeds {
		author, err := tx.FindAuthRecordByEmail("users", a.author+"@"+staffDomain)
		if err != nil {
			return s, fmt.Errorf("announcements: author %s: %w", a.author, err)
		}
		r := core.NewRecord(c)
		r.Set("title", a.title)
		r.Set("body", a.body)
		r.Set("author", author.Id)
		r.Set("audience", a.audience)
		r.Set("pinned", a.pinned)
		r.Set("requires_acknowledgement", a.ack)
		r.Set("status", "published")
		if a.draft {
			r.Set("status", "draft")
		}
		for _, name := range a.tiers {
			t, err := tx.FindFirstRecordByData("tiers", "name", name)
			if err != nil {
				return s, fmt.Errorf("announcements: tier %s: %w", name, err)
			}
			r.Set("audience_tiers+", t.Id)
		}
		r.Set("audience_regions", a.regions)
		for _, slug := range a.partners {
			p, err := tx.FindFirstRecordByData("partners", "slug", slug)
			if err != nil {
				return s, fmt.Errorf("announcements: partner %s: %w", slug, err)
			}
			r.Set("audience_partners+", p.Id)
		}
		pub := at(a.publish)
		if !a.draft {
			r.Set("publish_at", pub)
		}
		if a.expires != 0 {
			r.Set("expires_at", at(a.expires))
		}
		if !a.draft && a.publish <= 0 {
			r.Set("notified_at", pub)
		}
		if err := tx.Save(r); err != nil {
			return s, fmt.Errorf("announcements: %s: %w", a.title, err)
		}
		created := pub.Add(-26 * time.Hour)
		if a.draft || a.publish > 0 {
			created = at(-2)
		}
		if _, err := tx.DB().Update("announcements", dbx.Params{"created": annStamp(created), "updated": annStamp(created)},
			dbx.HashExp{"id": r.Id}).Execute(); err != nil {
			return s, err
		}
		if !a.draft && a.publish <= 0 {
			if err := activity.Record(tx, author, activity.KindAnnouncementPublished, r); err != nil {
				return s, err
			}
			if err := backdateAnnouncementEvents(tx, since, r.Id, author.Id, pub); err != nil {
				return s, err
			}
			published[r.Id], shares[r.Id] = pub, a.readShare
		}
		s.count++
	}

	// Reads: each active person reads a share of what they may see (listed
	// through the rules, as the portal would, including expired ones read
	// while they were live), between publication and now; most of those
	// asked to acknowledge do.
	for _, p := range partnerSeeds {
		if p.status == "applicant" {
			continue
		}
		for _, pe := range p.people {
			if pe.deactivated {
				continue
			}
			user, err := tx.FindAuthRecordByEmail("users", pe.login+"@"+p.slug+".example")
			if err != nil {
				return s, err
			}
			visible, err := seenAnnouncements(tx, user)
			if err != nil {
				return s, err
			}
			for _, ann := range visible {
				pub, ok := published[ann.Id]
				if !ok {
					continue
				}
				f, g := rnd.Float64(), rnd.Float64()
				share := shares[ann.Id]
				switch user.Email() {
				case PartnerUserEmail: // the printed partner user: news left to read
					share = 0
					if ann.GetBool("pinned") {
						share = 1
					}
				case PartnerAdminEmail: // the printed partner admin reads and acknowledges
					share = 1
				}
				if f >= share {
					continue
				}
				when := pub.Add(time.Duration(g * float64(now.Add(-30*time.Minute).Sub(pub))))
				if exp := ann.GetDateTime("expires_at"); !exp.IsZero() && when.After(exp.Time()) {
					when = exp.Time().Add(-time.Hour)
				}
				r := core.NewRecord(rc)
				r.Set("announcement", ann.Id)
				r.Set("user", user.Id)
				acked := ann.GetBool("requires_acknowledgement") && (g < .7 || user.Email() == PartnerAdminEmail)
				if acked {
					r.Set("acknowledged", when)
				}
				if err := tx.Save(r); err != nil {
					return s, fmt.Errorf("announcements: read by %s: %w", user.Email(), err)
				}
				params := dbx.Params{"created": annStamp(when)}
				if acked {
					params["acknowledged"] = annStamp(when.Add(2 * time.Minute))
					s.acknowledgements++
				}
				if _, err := tx.DB().Update("announcement_reads", params, dbx.HashExp{"id": r.Id}).Execute(); err != nil {
					return s, err
				}
				if err := backdateAnnouncementEvents(tx, since, ann.Id, user.Id, when); err != nil {
					return s, err
				}
				s.reads++
			}
		}
	}
	return s, nil
}

// seenAnnouncements lists the announcements a user sees now, through the
// rules as the portal would, plus the expired ones meant for everyone: they
// were read while they were live.
func seenAnnouncements(tx core.App, user *core.Record) ([]*core.Record, error) {
	page, err := access.ListVisible(tx, access.Info(user, "GET", nil), "announcements",
		access.ListOptions{Sort: []string{"publish_at"}, PerPage: 200})
	if err != nil {
		return nil, err
	}
	expired, err := tx.FindRecordsByFilter("announcements",
		"status = 'published' && audience = 'all' && expires_at != '' && expires_at <= @now", "publish_at", 0, 0)
	if err != nil {
		return nil, err
	}
	return append(page.Items, expired...), nil
}

// backdateAnnouncementEvents moves the events a user just wrote about an
// announcement (published, read, acknowledged) to when they happened.
func backdateAnnouncementEvents(tx core.App, since types.DateTime, annID, userID string, when time.Time) error {
	_, err := tx.DB().NewQuery(`UPDATE activity SET created = {:at} WHERE target_collection = 'announcements'
		AND target_id = {:a} AND user = {:u} AND created >= {:since}`).
		Bind(dbx.Params{"at": annStamp(when), "a": annID, "u": userID, "since": since.String()}).Execute()
	return err
}

// annStamp formats t as PocketBase stores dates.
func annStamp(t time.Time) string { return t.UTC().Format(types.DefaultDateLayout) }
