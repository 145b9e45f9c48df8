package demo

import (
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/types"
)

// conversationsSummary counts what seedConversations created.
type conversationsSummary struct {
	count, messages, attachments int
}

// messageSeed is one message: who wrote it (a login: a staff login, or
// "login@slug" for a partner's person), how long before now, its Markdown,
// and optionally a PDF attachment (file name, title, lines).
type messageSeed struct {
	by       string
	ago      time.Duration
	body     string
	pdf      string
	pdfTitle string
	pdfLines []string
}

// conversationSeed is one conversation: its partner (slug), subject, the
// partner person who started it, its messages oldest first, and whether its
// partner side has read the last message.
type conversationSeed struct {
	partner, subject, starter string
	messages                  []messageSeed
	lastUnread                bool
}

// convDay and convHour date the demo messages.
const (
	convDay  = 24 * time.Hour
	convHour = time.Hour
)

// conversationSeeds are conversations between partner people and their
// channel managers, in the partners' languages. The printed partner user
// (Lucas) has an unread answer with a proposal attached.
var conversationSeeds = []conversationSeed{
	{PartnerSlug, "Registro de oportunidade – Banco Horizonte", "lucas.ferreira", []messageSeed{
		{by: "lucas.ferreira@" + PartnerSlug, ago: 3*convDay + 2*convHour, body: "Oi, Mariana! Registramos ontem a oportunidade do **Banco Horizonte** " +
			"(cerca de 1.200 usuários). Você consegue confirmar a proteção de 90 dias?"},
		{by: mgrSouthEast, ago: 3*convDay + 40*time.Minute, body: "Oi, Lucas! Registro aprovado, a proteção vale até o fim do trimestre. " +
			"Qual é o prazo da decisão do cliente?"},
		{by: "lucas.ferreira@" + PartnerSlug, ago: 2*convDay + 5*convHour, body: "A decisão sai em três semanas. Eles pediram:\n\n" +
			"- preço para 1.200 usuários com três anos de contrato;\n- um piloto de 30 dias;\n- referência de outro banco."},
		{by: mgrSouthEast, ago: 26 * time.Hour, body: "Segue a proposta com o desconto Gold e a condição de piloto. " +
			"A referência pode ser a **Cooperativa Serra Azul**; já falei com eles.",
			pdf: "proposta-banco-horizonte.pdf", pdfTitle: "Proposta – Banco Horizonte",
			pdfLines: []string{"Ponte Analytics para 1.200 usuários, contrato de 36 meses.", "Desconto Gold: 25% sobre o preço de lista.",
				"Piloto de 30 dias sem custo, com suporte prioritário.", "Validade da proposta: 30 dias."}},
	}, true},
	{PartnerSlug, "Plano de marketing do 2º trimestre", "carla.mendes", []messageSeed{
		{by: "carla.mendes@" + PartnerSlug, ago: 9*convDay + 3*convHour, body: "Mariana, enviamos o plano de marketing do trimestre: dois webinars e um café da manhã com clientes. " +
			"Podemos usar a verba de MDF para o evento presencial?"},
		{by: mgrSouthEast, ago: 8*convDay + 6*convHour, body: "Pode, sim. Para eventos presenciais a verba cobre até **50%** do custo, com comprovantes. " +
			"Mande a estimativa de público e o orçamento."},
		{by: "carla.mendes@" + PartnerSlug, ago: 8 * convDay, body: "Perfeito, 40 convidados e R$ 18.000 no total. Mando os comprovantes depois do evento."},
	}, false},
	{"carioca-sistemas", "Renovação Platinum e metas de certificação", "fernanda.lima", []messageSeed{
		{by: "fernanda.lima@carioca-sistemas", ago: 12*convDay + 4*convHour, body: "Bom dia! Quantas certificações ainda faltam para mantermos o nível Platinum na renovação?"},
		{by: mgrSouthEast, ago: 12 * convDay, body: "Bom dia, Fernanda! O Platinum pede **10 pessoas certificadas**; vocês têm 8. " +
			"Há uma turma do treinamento de certificação no dia 15."},
		{by: "eduardo.barbosa@carioca-sistemas", ago: 11*convDay + 2*convHour, body: "Inscrevemos o Rodrigo e mais uma pessoa do time de pré-vendas. Obrigado!"},
	}, false},
	{"lakeshore-data", "Pricing for the Midwest health network", "michael.brennan", []messageSeed{
		{by: "michael.brennan@lakeshore-data", ago: 5*convDay + 3*convHour, body: "Hi Laura, the Midwest health network wants Ponte Vault for 14 hospitals. " +
			"Can we get a volume price and a HIPAA addendum?"},
		{by: mgrNAMX, ago: 5*convDay + convHour, body: "Hi Michael! Yes to both. Platinum volume pricing starts at 10 sites; I'll send the addendum from legal today."},
		{by: "michael.brennan@lakeshore-data", ago: 4 * convDay, body: "Great. They also asked about **data residency**: all data must stay in US regions."},
		{by: mgrNAMX, ago: 3*convDay + 20*time.Hour, body: "Confirmed: US-only regions are a contract option at no extra cost. Let's review the quote on Thursday."},
	}, false},
	{"soluciones-anahuac", "Onboarding checklist questions", "alejandro.ramirez", []messageSeed{
		{by: "alejandro.ramirez@soluciones-anahuac", ago: 2*convDay + 6*convHour, body: "Hello Laura, two items of our onboarding checklist are unclear: " +
			"the *technical contact* and the *first registered deal*. Who should we name?"},
		{by: mgrNAMX, ago: 2*convDay + 2*convHour, body: "Hi Alejandro! Name Jorge as technical contact. Any deal counts, even a small one: register it in the portal and it ticks itself."},
	}, true},
	{"tejo-consultoria", "Certificação da equipa", "ines.sousa", []messageSeed{
		{by: "ines.sousa@tejo-consultoria", ago: 6*convDay + 4*convHour, body: "Olá, Rafael. Podemos fazer a certificação em português europeu?"},
		{by: mgrRestBRPT, ago: 6 * convDay, body: "Olá, Inês! O exame está em português; os materiais de apoio têm versão europeia desde março."},
	}, false},
}

// seedConversations adds the demo conversations with their messages (dated
// in the past: history notifies nobody when the demo loads) and the partner
// side's reads: the last message of some is still unread.
func seedConversations(tx core.App, now time.Time) (conversationsSummary, error) {
	var s conversationsSummary
	convs, err := tx.FindCollectionByNameOrId("conversations")
	if err != nil {
		return s, err
	}
	msgs, err := tx.FindCollectionByNameOrId("messages")
	if err != nil {
		return s, err
	}
	reads, err := tx.FindCollectionByNameOrId("conversation_reads")
	if err != nil {
		return s, err
	}
	user := func(login string) (*core.Record, error) {
		email := login
		if !strings.Contains(login, "@") {
			email = login + "@" + staffDomain
		} else {
			email = login + ".example"
		}
		u, err := tx.FindAuthRecordByEmail("users", email)
		if err != nil {
			return nil, fmt.Errorf("conversations: user %s: %w", email, err)
		}
		return u, nil
	}
	for _, c := range conversationSeeds {
		partner, err := tx.FindFirstRecordByData("partners", "slug", c.partner)
		if err != nil {
			return s, fmt.Errorf("conversations: partner %s: %w", c.partner, err)
		}
		starter, err := user(c.starter + "@" + c.partner)
		if err != nil {
			return s, err
		}
		conv := core.NewRecord(convs)
		conv.Set("partner", partner.Id)
		conv.Set("subject", c.subject)
		conv.Set("created_by", starter.Id)
		conv.Set("participants", []string{starter.Id, partner.GetString("manager")})
		if err := tx.Save(conv); err != nil {
			return s, fmt.Errorf("conversations: %q: %w", c.subject, err)
		}
		s.count++
		var last time.Time
		partnerSide := map[string]bool{}
		for _, m := range c.messages {
			author, err := user(m.by)
			if err != nil {
				return s, err
			}
			if author.GetString("partner") != "" {
				partnerSide[author.Id] = true
			}
			r := core.NewRecord(msgs)
			r.Set("conversation", conv.Id)
			r.Set("author", author.Id)
			r.Set("body", m.body)
			last = now.Add(-m.ago).Truncate(time.Minute)
			created, err := types.ParseDateTime(last)
			if err != nil {
				return s, err
			}
			r.SetRaw("created", created)
			if m.pdf != "" {
				f, err := filesystem.NewFileFromBytes(pdfDocument(m.pdfTitle, m.pdfLines), m.pdf)
				if err != nil {
					return s, err
				}
				r.Set("attachments", []*filesystem.File{f})
				s.attachments++
			}
			if err := tx.Save(r); err != nil {
				return s, fmt.Errorf("conversations: message in %q: %w", c.subject, err)
			}
			s.messages++
		}
		// Everyone who wrote has read up to the last message, except the
		// partner side where the last answer is still unread.
		readAt := last
		if c.lastUnread {
			prev := c.messages[len(c.messages)-2]
			readAt = now.Add(-prev.ago).Truncate(time.Minute)
		}
		fresh, err := tx.FindRecordById("conversations", conv.Id)
		if err != nil {
			return s, err
		}
		for _, id := range fresh.GetStringSlice("participants") {
			at := last
			if partnerSide[id] || id == starter.Id {
				at = readAt
			}
			r := core.NewRecord(reads)
			r.Set("conversation", conv.Id)
			r.Set("user", id)
			r.Set("last_read", at)
			if err := tx.Save(r); err != nil {
				return s, err
			}
		}
	}
	return s, nil
}
