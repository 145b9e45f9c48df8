package demo

import (
	"fmt"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// forumsSummary counts what seedForums created.
type forumsSummary struct {
	count, categories, threads, posts int
}

// forumCategorySeed is one demo forum category; key names it in the
// threads. tiers are tier names.
type forumCategorySeed struct {
	key, name, description string
	tiers                  []string
	staffOnly              bool
}

var forumCategorySeeds = []forumCategorySeed{
	{"news", "Avisos do fabricante / Vendor news", "Lançamentos, manutenção e mudanças no programa. Só a equipe do fabricante publica; todos podem seguir os tópicos.", nil, true},
	{"general", "Geral / General", "Vendas, propostas, eventos e o dia a dia do programa — em português ou em inglês.", nil, false},
	{"tech", "Técnico e integrações / Technical", "Implantação, integrações, SSO, APIs e desempenho.", nil, false},
	{"gold", "Sala Gold / Gold lounge", "Espaço dos parceiros Gold: verba de marketing, co-selling e planejamento conjunto.", []string{"Gold"}, false},
}

// forumPostSeed is one post: who (the e-mail's local part) and what, hours
// after the thread began.
type forumPostSeed struct {
	by   string
	at   int // hours after the thread began
	body string
}

// forumThreadSeed is one demo thread; its first post is the question.
// daysAgo is when it began.
type forumThreadSeed struct {
	category, title string
	daysAgo         int
	pinned, locked  bool
	solved          bool
	posts           []forumPostSeed
	// followers also follow it (besides its author).
	followers []string
}

var forumThreadSeeds = []forumThreadSeed{
	{category: "news", title: "Versão 5.2 disponível / Release 5.2 is out", daysAgo: 9, pinned: true, posts: []forumPostSeed{
		{"renata.albuquerque", 0, `A **versão 5.2** já está disponível para todos os clientes.

- Novos conectores: SAP Business One e Totvs Protheus
- Sincronização até 40% mais rápida depois da primeira execução
- Novo painel de administração

As notas de versão completas estão na [biblioteca](/documents). *Release notes in English are in the same folder.*`},
		{"gustavo.nogueira", 30, `Atualização: a primeira sincronização depois do upgrade reconstrói o índice e pode levar mais tempo. É esperado e acontece uma única vez.`},
	}, followers: []string{"lucas.ferreira", "michael.brennan"}},
	{category: "general", title: "Como usar este fórum / How to use this forum", daysAgo: 60, pinned: true, locked: true, posts: []forumPostSeed{
		{"mariana.costa", 0, `Bem-vindos ao fórum de parceiros! Algumas combinações:

1. Procure antes de abrir um tópico novo.
2. Nada de dados de clientes finais (CNPJ, contratos, preços negociados).
3. Marque o tópico como **resolvido** quando a resposta funcionar.
4. Para chamar alguém, use @nome.sobrenome — por exemplo @mariana.costa.

*Posts in English are welcome: many partners read both languages.*`},
	}},
	{category: "general", title: "Desconto para renovação plurianual?", daysAgo: 21, solved: true, posts: []forumPostSeed{
		{"lucas.ferreira", 0, `Um cliente pediu renovação de **3 anos com preço travado**. Alguém sabe qual desconto podemos oferecer sem aprovação especial?`},
		{"fernanda.lima", 3, `Aqui na Carioca usamos a tabela de renovação: até 8% para 2 anos e até 12% para 3 anos, sempre com a oportunidade registrada antes.`},
		{"mariana.costa", 5, `Isso mesmo, @lucas.ferreira. Acima de 12% precisa passar por mim. Registre a oportunidade no portal e anexe a proposta.`},
		{"lucas.ferreira", 6, `Perfeito, obrigado às duas! Marcando como resolvido.`},
	}},
	{category: "general", title: "Demo script for retail customers", daysAgo: 14, posts: []forumPostSeed{
		{"sarah.kim", 0, `Does anyone have a good **demo script** for Ponte Analytics aimed at retail? Ours runs about 50 minutes and we lose people halfway.`},
		{"alejandro.ramirez", 4, `We cut ours to 25 minutes: open with the sales forecast per store, then alerts. Skip the admin screens entirely — customers care about *what next*, not the setup.`},
		{"carla.mendes", 20, `@sarah.kim temos um roteiro em português que funciona bem com varejo. Resumo:

1. Painel de vendas por loja (5 min)
2. Previsão e ruptura de estoque (10 min)
3. Alertas no celular (5 min)

Posso traduzir se ajudar.`},
		{"sarah.kim", 26, `That would be great, thank you @carla.mendes! Even the outline helps.`},
	}, followers: []string{"jennifer.walsh"}},
	{category: "general", title: "MDF: prazo do trimestre", daysAgo: 7, posts: []forumPostSeed{
		{"camila.zanetti", 0, `Qual é o prazo para enviar o plano de marketing (MDF) deste trimestre? Não achei no portal.`},
		{"anapaula.cavalcanti", 2, `Pelo que lembro é até o dia 10 do primeiro mês do trimestre. O formulário está em *Marketing › Campanhas*.`},
		{"rafael.teixeira", 3, `Confirmo: até o dia **10**. Planos enviados depois entram no trimestre seguinte.`},
	}},
	{category: "general", title: "Encontro de parceiros em São Paulo — quem vai?", daysAgo: 4, posts: []forumPostSeed{
		{"eduardo.barbosa", 0, `Vamos em três pessoas da Carioca. Alguém topa um jantar depois do evento?`},
		{"joao.carvalho", 5, `Da Tejo vamos eu e a Inês. Contem connosco para o jantar!`},
		{"lucas.ferreira", 9, `Eu e a Carla também. @eduardo.barbosa reserva para umas 8 pessoas?`},
	}},
	{category: "tech", title: "SSO com Azure AD: grupos não chegam no token", daysAgo: 12, solved: true, posts: []forumPostSeed{
		{"rodrigo.cardoso", 0, "Configurei o **Ponte Gateway** com SSO via Azure AD. O login funciona, mas os grupos do usuário não aparecem no token.\n\nJá tentei mapear o claim `groups` e reiniciar o serviço."},
		{"lucas.ferreira", 2, "Tivemos o mesmo problema. É preciso habilitar *group claims* no registro do aplicativo (Security groups) e depois:\n\n```\nponte-gw config set auth.groups_claim=groups\nponte-gw restart\n```"},
		{"jorge.hernandez", 6, "Also check the token size: with more than 200 groups Azure sends a link instead of the list. Filter to the groups assigned to the app."},
		{"rodrigo.cardoso", 8, `Era isso, funcionou! Obrigado @lucas.ferreira e @jorge.hernandez.`},
	}},
	{category: "tech", title: "Slow sync after upgrading to 5.2", daysAgo: 6, posts: []forumPostSeed{
		{"michael.brennan", 0, `After upgrading to 5.2 the first sync of a 200k-record customer took **40 minutes**. Is this expected?`},
		{"tiago.marques", 3, `Sim, na primeira execução a 5.2 reconstrói o índice. No nosso cliente a segunda sincronização levou 6 minutos.`},
		{"gustavo.nogueira", 4, "Expected on the first run only. If later runs are still slow, open a ticket with the `sync.log` attached."},
	}},
	{category: "tech", title: "Integração com SAP Business One", daysAgo: 2, posts: []forumPostSeed{
		{"bruno.tavares", 0, `Alguém já integrou o conector com **SAP Business One**? Precisamos do status da fatura de volta no CRM.`},
		{"jorge.hernandez", 7, "Yes, through the ERP Bridge. Map these fields and schedule the job every 15 minutes:\n\n| CRM | SAP B1 |\n|---|---|\n| Invoice status | OINV.DocStatus |\n| Paid on | ORCT.DocDate |"},
	}},
	{category: "gold", title: "Verba de marketing Gold: como vocês estão usando?", daysAgo: 10, posts: []forumPostSeed{
		{"carla.mendes", 0, `Quem é Gold: como vocês estão usando a verba trimestral? Aqui foi metade em eventos e metade em mídia paga no LinkedIn.`},
		{"ines.sousa", 6, `Na Tejo apostámos em webinars conjuntos com o fabricante: custo baixo e leads qualificados. Dois por trimestre.`},
		{"beatriz.santos", 8, `Complementando a Carla: o que mais converteu foi o café da manhã com clientes do varejo (12 empresas, 3 oportunidades).`},
		{"mariana.costa", 12, `Ótimas ideias. Lembrem que webinars conjuntos têm **verba em dobro** neste trimestre.`},
	}},
}

// seedForums adds the demo forums through the hooks (labels, figures,
// follows, notifications and events as real posts leave them), dated in
// the past: 4 categories (one for Gold partners, one where only the vendor
// posts) and 10 threads in Portuguese and English with replies from
// several partners, pinned, locked and solved ones among them.
func seedForums(tx core.App, now time.Time) (forumsSummary, error) {
	var s forumsSummary
	since := types.NowDateTime()
	users, err := demoUsersByLogin(tx)
	if err != nil {
		return s, err
	}
	tiers := map[string]string{}
	var tierRows []struct {
		ID   string `db:"id"`
		Name string `db:"name"`
	}
	if err := tx.DB().Select("id", "name").From("tiers").All(&tierRows); err != nil {
		return s, err
	}
	for _, t := range tierRows {
		tiers[t.Name] = t.ID
	}
	save := func(coll string, at time.Time, fields map[string]any) (*core.Record, error) {
		c, err := tx.FindCachedCollectionByNameOrId(coll)
		if err != nil {
			return nil, err
		}
		r := core.NewRecord(c)
		for k, v := range fields {
			r.Set(k, v)
		}
		if !at.IsZero() {
			dt, err := types.ParseDateTime(at)
			if err != nil {
				return nil, err
			}
			r.SetRaw("created", dt)
		}
		if err := tx.Save(r); err != nil {
			return nil, fmt.Errorf("forums: %s: %w", coll, err)
		}
		return r, nil
	}
	user := func(login string) (string, error) {
		u := users[login]
		if u == "" {
			return "", fmt.Errorf("forums: no demo user %q", login)
		}
		return u, nil
	}

	cats := map[string]string{}
	for i, c := range forumCategorySeeds {
		audience, tierIDs := "all", []string{}
		if len(c.tiers) > 0 {
			audience = "tiers"
			for _, t := range c.tiers {
				tierIDs = append(tierIDs, tiers[t])
			}
		}
		r, err := save("forum_categories", time.Time{}, map[string]any{
			"name": c.name, "description": c.description, "order": i, "audience": audience,
			"audience_tiers": tierIDs, "staff_only_posting": c.staffOnly,
		})
		if err != nil {
			return s, err
		}
		cats[c.key] = r.Id
		s.categories++
	}

	for _, th := range forumThreadSeeds {
		began := now.Add(-time.Duration(th.daysAgo) * 24 * time.Hour).Truncate(time.Minute)
		author, err := user(th.posts[0].by)
		if err != nil {
			return s, err
		}
		thread, err := save("forum_threads", began, map[string]any{"category": cats[th.category], "title": th.title, "author": author})
		if err != nil {
			return s, err
		}
		s.threads++
		for _, f := range th.followers {
			id, err := user(f)
			if err != nil {
				return s, err
			}
			if _, err := save("forum_follows", time.Time{}, map[string]any{"thread": thread.Id, "user": id}); err != nil {
				return s, err
			}
		}
		for _, p := range th.posts {
			at := began.Add(time.Duration(p.at) * time.Hour)
			by, err := user(p.by)
			if err != nil {
				return s, err
			}
			post, err := save("forum_posts", at, map[string]any{"thread": thread.Id, "author": by, "body": p.body})
			if err != nil {
				return s, err
			}
			s.posts++
			if err := backdateForumPost(tx, since, thread.Id, post.Id, at); err != nil {
				return s, err
			}
		}
		if th.pinned || th.locked || th.solved {
			fresh, err := tx.FindRecordById("forum_threads", thread.Id)
			if err != nil {
				return s, err
			}
			fresh.Set("pinned", th.pinned)
			fresh.Set("locked", th.locked)
			fresh.Set("solved", th.solved)
			if err := tx.Save(fresh); err != nil {
				return s, fmt.Errorf("forums: %w", err)
			}
		}
	}
	s.count = s.threads
	return s, nil
}

// demoUsersByLogin maps each demo user's login (the e-mail's local part)
// to their id.
func demoUsersByLogin(tx core.App) (map[string]string, error) {
	var rows []struct {
		ID    string `db:"id"`
		Email string `db:"email"`
	}
	if err := tx.DB().Select("id", "email").From("users").All(&rows); err != nil {
		return nil, err
	}
	out := make(map[string]string, len(rows))
	for _, r := range rows {
		login, _, _ := strings.Cut(r.Email, "@")
		out[login] = r.ID
	}
	return out, nil
}

// backdateForumPost moves what the hooks stamped with the current time for
// a post (its events, the thread's follows) to when the post was written.
// Posts dated in the past are history to the hooks: they notify nobody, so
// loading the demo sends no notification or e-mail.
func backdateForumPost(tx core.App, since types.DateTime, threadID, postID string, at time.Time) error {
	params := dbx.Params{"at": at.UTC().Format(types.DefaultDateLayout), "since": since.String(), "t": threadID, "p": postID}
	for _, q := range []string{
		"UPDATE activity SET created = {:at} WHERE target_id IN ({:t}, {:p}) AND created >= {:since}",
		"UPDATE forum_follows SET created = {:at} WHERE thread = {:t} AND created >= {:since}",
	} {
		if _, err := tx.DB().NewQuery(q).Bind(params).Execute(); err != nil {
			return fmt.Errorf("forums: backdating: %w", err)
		}
	}
	return nil
}
