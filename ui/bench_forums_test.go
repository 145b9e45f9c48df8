package ui_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/markdown"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// Forum scale, on top of seedScale's 2,000 partners and 20,000 users: a
// busy community's three years.
const (
	benchForumCategories = 20
	benchForumThreads    = 10000
	benchForumPosts      = 200000
	// benchBusyPosts is the busiest thread's size: 100 pages of 20.
	benchBusyPosts = 2000
)

// benchForum is what seedForumScale wrote.
type benchForum struct {
	busy     string // the busiest thread, in a category for everyone
	category string // the busiest category for everyone
	rows     map[string]int
	took     time.Duration
	summary  string
}

// benchForumTexts are forum posts in both languages, rendered once like
// the hook renders them: paragraphs, lists, code, links, quotes.
var benchForumTexts = []string{
	"Alguém já configurou o **Ponte Gateway** com SSO via Azure AD? Aqui o login funciona, mas o grupo do usuário não chega no token.\n\nJá tentei:\n\n- mapear o claim `groups`\n- usar o ID do grupo em vez do nome\n- reiniciar o serviço\n\nObrigado!",
	"Tivemos o mesmo problema no cliente X. A solução foi habilitar *group claims* no registro do aplicativo e marcar **Security groups**. Depois disso:\n\n```\nponte-gw config set auth.groups_claim=groups\n```\n\nVeja também [a documentação](https://docs.example.com/gateway/sso).",
	"We are seeing slow syncs after upgrading to 5.2 — about 40 minutes for 200k records. Is this expected? The release notes mention a new indexing step.",
	"It is expected on the first run only: 5.2 rebuilds the index once. Following runs should be back to normal. If not, open a ticket and attach the `sync.log` file.",
	"> Is this expected?\n\nYes, same here. The second sync took 6 minutes.",
	"Qual é a política de desconto para renovação de contratos plurianuais? O cliente pede 3 anos com preço travado.",
	"Pela tabela vigente, renovações de 3 anos têm até **12%** de desconto adicional, mediante aprovação do gerente de canais. Registre a oportunidade antes de enviar a proposta.",
	"Does anyone have a good **demo script** for Ponte Analytics aimed at retail? Ours runs too long (50 min).\n\n1. Login and dashboards\n2. Sales by store\n3. Forecast\n4. Alerts",
	"We cut ours to 25 minutes: skip the admin screens entirely and open with the forecast. Customers care about the *what next*, not the setup.",
	"Obrigado pelas dicas! Vou testar na próxima semana e conto aqui como foi.",
	"Atenção: o certificado do ambiente de homologação expira no dia 30. Quem usa integração via API precisa atualizar a cadeia de certificados.",
	"Has anyone integrated the connector with SAP Business One? We need the invoice status back in the CRM.\n\n| Field | Source |\n|---|---|\n| Status | OINV.DocStatus |\n| Paid | ORCT |",
	"Yes, via the ERP Bridge. Map `DocStatus` to the deal stage and schedule the job every 15 minutes. Happy to share our mapping file.",
	"Para quem perguntou sobre MDF: o formulário novo está na biblioteca, em *Marketing › Campanhas*. Prazo de envio é até o dia 10 de cada trimestre.",
	"Just closed our first deal with the new bundle. Tip: lead with the backup + vault combo, the price difference sells itself.",
	"Alguém sabe se o treinamento de certificação técnica vale para os dois produtos ou é preciso fazer separado?",
	"É preciso fazer separado, mas o módulo básico é o mesmo e conta para os dois. Total de umas 12 horas.",
	"Quick question: where do I find the partner logo pack in SVG? The library only shows PNG.",
	"Está em *Marca e logos / Brand kit*, no arquivo ZIP. O SVG fica dentro da pasta `vector`.",
	"We had a customer ask about data residency in the EU. Is there a hosted option in Frankfurt yet?",
}

// benchForumHTML holds benchForumTexts rendered.
var benchForumHTML []string

func init() {
	for _, t := range benchForumTexts {
		benchForumHTML = append(benchForumHTML, string(markdown.Render(t)))
	}
}

// seedForumScale adds forums to an app seeded by seedScale: 20 categories
// (most for everyone, some by tier, region or named partners, one where
// only staff post), 10,000 threads and 200,000 posts (one thread with
// 2,000; the rest about twenty each, long-tailed), authors' follows and a
// few reports, with plain INSERTs in one transaction. Every derived column
// is what the hooks would have written: labels, thread and category
// figures, removed posts' text moved aside.
func seedForumScale(b *testing.B, app core.App) *benchForum {
	b.Helper()
	start := time.Now()
	f := &benchForum{rows: map[string]int{}}
	rnd := rand.New(rand.NewPCG(10000, 200000))
	now := time.Now().UTC()

	statuses := []string{"active", "active", "active", "onboarding", "applicant", "suspended"}
	countries := []string{"BR", "BR", "BR", "PT", "US", "MX"}
	regionOf := map[string]string{"BR": "latam", "MX": "latam", "PT": "europe", "US": "north_america"}
	tierOf := func(p int) string { return []string{testapp.TierGold, testapp.TierSilver}[p%2] }
	partnerID := func(p int) string { return fmt.Sprintf("bp%013d", p) }
	userID := func(p, i int) string { return fmt.Sprintf("bu%06d%07d", p, i) }
	userName := func(p, i int) string { return fmt.Sprintf("Pessoa %d %d", p, i) }
	partnerName := func(p int) string { return fmt.Sprintf("Revenda %04d Ltda", p) }
	type staffer struct{ id, name string }
	staff := []staffer{{testapp.AdminID, "Alice Admin"}, {testapp.ManagerAnaID, "Ana Souza"}, {testapp.ManagerBrunoID, "Bruno Lima"}}
	for m := range benchManagers {
		staff = append(staff, staffer{fmt.Sprintf("benchmanager%03d", m), fmt.Sprintf("Gerente %03d", m)})
	}
	var active []int // partners whose people post
	for p := range benchPartners {
		if s := statuses[p%6]; s == "active" || s == "onboarding" {
			active = append(active, p)
		}
	}

	sqlDB, ok := app.NonconcurrentDB().(*dbx.DB)
	if !ok {
		b.Fatal("the app's database is not a *dbx.DB")
	}
	tx, err := sqlDB.DB().Begin()
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	must := func(err error) {
		if err != nil {
			b.Fatal(err)
		}
	}
	_, err = tx.Exec("UPDATE partners SET region = CASE country WHEN 'PT' THEN 'europe' WHEN 'US' THEN 'north_america' ELSE 'latam' END WHERE id LIKE 'bp%'")
	must(err)
	// Indexes are rebuilt after the load, as bulk loaders do.
	var names, defs []string
	rows, err := tx.Query(`SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
		AND tbl_name IN ('forum_threads', 'forum_posts', 'forum_follows', 'forum_reports')`)
	must(err)
	for rows.Next() {
		var n, d string
		must(rows.Scan(&n, &d))
		names, defs = append(names, n), append(defs, d)
	}
	must(rows.Err())
	rows.Close()
	for _, n := range names {
		_, err := tx.Exec("DROP INDEX `" + n + "`")
		must(err)
	}

	// Categories: who may post in each, as partner indexes (nil: every
	// active partner).
	type catInfo struct {
		id        string
		posters   []int
		staffOnly bool
		threads   int
		posts     int
		last      string
	}
	cats := make([]*catInfo, benchForumCategories)
	catRows, err := newRowInserter(tx, "forum_categories", "id", "name", "description", "order", "staff_only_posting",
		"audience", "audience_tiers", "audience_regions", "audience_partners", "thread_count", "post_count", "last_activity", "created", "updated")
	must(err)
	catNames := []string{"Avisos do fabricante / Vendor news", "Geral / General", "Vendas e propostas", "Pré-vendas e demos", "Implantação",
		"Integrações e APIs", "Ponte Analytics", "Ponte Backup & Vault", "Ponte Gateway", "Marketing e MDF", "Treinamento e certificação",
		"Licenciamento", "Suporte técnico", "Sala Gold / Gold lounge", "Silver partners", "América Latina", "Europe", "Parceiros estratégicos",
		"Eventos", "Sugestões / Product ideas"}
	var strategic []string
	var strategicIdx []int
	for i := range 50 {
		p := active[(i*37)%len(active)]
		strategic, strategicIdx = append(strategic, partnerID(p)), append(strategicIdx, p)
	}
	for i := range cats {
		c := &catInfo{id: fmt.Sprintf("bfc%012d", i)}
		audience, tiers, regions, partners := "all", []string{}, []string{}, []string{}
		switch i {
		case 0:
			c.staffOnly = true
		case 13:
			audience, tiers = "tiers", []string{testapp.TierGold}
		case 14:
			audience, tiers = "tiers", []string{testapp.TierSilver}
		case 15:
			audience, regions = "regions", []string{"latam"}
		case 16:
			audience, regions = "regions", []string{"europe"}
		case 17:
			audience, partners = "partners", strategic
		}
		for _, p := range active {
			switch audience {
			case "tiers":
				if tierOf(p) != tiers[0] {
					continue
				}
			case "regions":
				if regionOf[countries[p%6]] != regions[0] {
					continue
				}
			case "partners":
				continue
			}
			c.posters = append(c.posters, p)
		}
		if audience == "partners" {
			c.posters = strategicIdx
		}
		cats[i] = c
		at := benchDate(now.AddDate(-3, 0, 0))
		must(catRows.add(c.id, catNames[i], "Discussões sobre "+strings.ToLower(catNames[i])+".", i, c.staffOnly, audience,
			benchJSON(tiers), benchJSON(regions), benchJSON(partners), 0, 0, "", at, at))
	}
	must(catRows.flush())

	// Threads: categories are uneven (General and the product areas are
	// busy); thread 0 is the busy one, in General.
	weightsByCat := []int{2, 20, 10, 8, 8, 10, 6, 6, 6, 5, 5, 4, 8, 3, 3, 3, 2, 2, 2, 3}
	totalWeight := 0
	for _, w := range weightsByCat {
		totalWeight += w
	}
	postsOf := make([]int, benchForumThreads)
	postsOf[0] = benchBusyPosts
	left := benchForumPosts - benchBusyPosts
	for i := 1; i < benchForumThreads; i++ {
		n := 1 + int(rnd.ExpFloat64()*float64(left)/float64(benchForumThreads-1))
		postsOf[i] = min(n, 400)
	}
	sum := 0
	for _, n := range postsOf {
		sum += n
	}
	for sum != benchForumPosts { // even out to the exact total
		i := 1 + rnd.IntN(benchForumThreads-1)
		switch {
		case sum < benchForumPosts && postsOf[i] < 400:
			postsOf[i]++
			sum++
		case sum > benchForumPosts && postsOf[i] > 1:
			postsOf[i]--
			sum--
		}
	}

	threads, err := newRowInserter(tx, "forum_threads", "id", "category", "title", "author", "partner", "author_name",
		"organisation", "by_staff", "pinned", "locked", "solved", "last_activity", "post_count", "created", "updated")
	must(err)
	posts, err := newRowInserter(tx, "forum_posts", "id", "thread", "author", "partner", "author_name", "organisation",
		"by_staff", "body", "body_html", "removed_body", "edited", "deleted", "deleted_by", "created")
	must(err)
	follows, err := newRowInserter(tx, "forum_follows", "id", "thread", "user", "created")
	must(err)
	reports, err := newRowInserter(tx, "forum_reports", "id", "post", "reporter", "reason", "resolved", "resolved_by", "created")
	must(err)
	topics := []string{"SSO com Azure AD", "Sync lento após 5.2", "Desconto de renovação", "Demo script for retail", "SAP Business One",
		"MDF do trimestre", "Certificação técnica", "Logo em SVG", "Data residency in the EU", "Licença por núcleo", "Backup incremental",
		"Webhook retries", "Preço para governo", "Migração do legado", "Relatórios customizados", "API rate limits"}
	span := 3 * 365 * 24 * time.Hour
	postN := 0
	for i := range benchForumThreads {
		w := rnd.IntN(totalWeight)
		ci := 0
		for w >= weightsByCat[ci] {
			w -= weightsByCat[ci]
			ci++
		}
		if i == 0 {
			ci = 1
		}
		c := cats[ci]
		tid := fmt.Sprintf("bft%012d", i)
		if i == 0 {
			f.busy = tid
		}
		// Poster picks a person: staff in staff-only categories and now
		// and then elsewhere, else someone of a partner who may post.
		pick := func() (id, partner, name, org string, isStaff bool) {
			if c.staffOnly || rnd.IntN(10) == 0 || len(c.posters) == 0 {
				s := staff[rnd.IntN(len(staff))]
				return s.id, "", s.name, "", true
			}
			p := c.posters[rnd.IntN(len(c.posters))]
			u := rnd.IntN(benchUsersPerPartner)
			return userID(p, u), partnerID(p), userName(p, u), partnerName(p), false
		}
		n := postsOf[i]
		began := now.Add(-time.Duration(rnd.Int64N(int64(span))))
		if i == 0 {
			began = now.AddDate(0, -6, 0)
		}
		// Posts over up to 60 days (the busy thread over its six months).
		stretch := time.Duration(1+rnd.IntN(60)) * 24 * time.Hour
		if i == 0 {
			stretch = 180 * 24 * time.Hour
		}
		if began.Add(stretch).After(now) {
			stretch = now.Sub(began)
		}
		aid, apartner, aname, aorg, astaff := pick()
		title := topics[rnd.IntN(len(topics))]
		if rnd.IntN(2) == 0 {
			title += fmt.Sprintf(" (%s)", benchProducts[rnd.IntN(len(benchProducts))])
		}
		var last time.Time
		for k := range n {
			at := began
			if n > 1 {
				at = began.Add(time.Duration(int64(stretch) / int64(n) * int64(k)))
			}
			last = at
			pid, ppartner, pname, porg, pstaff := aid, apartner, aname, aorg, astaff
			if k > 0 {
				pid, ppartner, pname, porg, pstaff = pick()
			}
			ti := rnd.IntN(len(benchForumTexts))
			body, html, removed, deleted, deletedBy := benchForumTexts[ti], benchForumHTML[ti], "", false, ""
			if rnd.IntN(200) == 0 {
				body, html, removed, deleted, deletedBy = "", "", benchForumTexts[ti], true, staff[0].id
			}
			edited := ""
			if !deleted && rnd.IntN(20) == 0 {
				edited = benchDate(at.Add(time.Hour))
			}
			postID := fmt.Sprintf("bfp%012d", postN)
			must(posts.add(postID, tid, pid, ppartner, pname, porg, pstaff, body, html, removed, edited, deleted, deletedBy, benchDate(at)))
			if rnd.IntN(1000) == 0 {
				rp, ru := active[rnd.IntN(len(active))], rnd.IntN(benchUsersPerPartner)
				must(reports.add(fmt.Sprintf("bfr%012d", reports.total), postID, userID(rp, ru), "Spam / fora do tópico",
					rnd.IntN(3) == 0, "", benchDate(at.Add(2*time.Hour))))
			}
			postN++
		}
		pinned := rnd.IntN(100) == 0
		locked := rnd.IntN(50) == 0
		solved := rnd.IntN(4) == 0
		must(threads.add(tid, c.id, title, aid, apartner, aname, aorg, astaff, pinned, locked, solved,
			benchDate(last), n, benchDate(began), benchDate(last)))
		must(follows.add(fmt.Sprintf("bff%012d", i), tid, aid, benchDate(began)))
		c.threads++
		c.posts += n
		if d := benchDate(last); d > c.last {
			c.last = d
		}
	}
	for _, in := range []*rowInserter{threads, posts, follows, reports} {
		must(in.flush())
	}
	busiest, most := "", 0
	for i, c := range cats {
		_, err := tx.Exec("UPDATE forum_categories SET thread_count = ?, post_count = ?, last_activity = ? WHERE id = ?",
			c.threads, c.posts, c.last, c.id)
		must(err)
		if i != 0 && len(c.posters) == len(active) && c.threads > most {
			busiest, most = c.id, c.threads
		}
	}
	f.category = busiest
	for _, d := range defs {
		_, err := tx.Exec(d)
		must(err)
	}
	_, err = tx.Exec("ANALYZE")
	must(err)
	must(tx.Commit())
	f.rows = map[string]int{"categories": len(cats), "threads": threads.total, "posts": posts.total,
		"follows": follows.total, "reports": reports.total}
	f.took = time.Since(start)
	return f
}

// checkForumScale fails the benchmark when the seeded figures disagree
// with the rows the way the hooks keep them.
func checkForumScale(b *testing.B, app core.App) {
	b.Helper()
	for what, q := range map[string]string{
		"threads whose figures disagree with their posts": `SELECT COUNT(*) FROM forum_threads t WHERE
			t.post_count != (SELECT COUNT(*) FROM forum_posts p WHERE p.thread = t.id)
			OR t.last_activity != (SELECT MAX(p.created) FROM forum_posts p WHERE p.thread = t.id)`,
		"categories whose figures disagree with their threads": `SELECT COUNT(*) FROM forum_categories c WHERE
			c.thread_count != (SELECT COUNT(*) FROM forum_threads t WHERE t.category = c.id)
			OR c.post_count != (SELECT COALESCE(SUM(post_count), 0) FROM forum_threads t WHERE t.category = c.id)`,
		"removed posts with readable text": `SELECT COUNT(*) FROM forum_posts WHERE deleted = TRUE AND (body != '' OR body_html != '')`,
	} {
		var n int
		if err := app.DB().NewQuery(q).Row(&n); err != nil {
			b.Fatalf("checking %s: %v", what, err)
		}
		if n != 0 {
			b.Fatalf("seed: %d %s", n, what)
		}
	}
}

// newForumBench seeds the scale network and the forums and serves the
// portal.
func newForumBench(b *testing.B) (core.App, *httptest.Server, *benchForum, func(string) *http.Cookie) {
	app := testapp.New(b)
	t0 := time.Now()
	seedScale(b, app)
	scale := time.Since(t0)
	f := seedForumScale(b, app)
	checkForumScale(b, app)
	f.summary = fmt.Sprintf("seeded 2,000 partners and 20,000 users in %s, the forums in %s: %v",
		scale.Round(time.Millisecond), f.took.Round(time.Millisecond), f.rows)
	srv := httptest.NewServer(testapp.Serve(b, app))
	b.Cleanup(srv.Close)
	cookie := func(email string) *http.Cookie {
		ck, _ := testapp.SessionCookie(b, app, email)
		return ck
	}
	return app, srv, f, cookie
}

// BenchmarkForumPages measures the forum pages on 20 categories, 10,000
// threads and 200,000 posts: the busiest thread (2,000 posts) on its first
// and last page, the busiest category and the forum index, as a partner
// user (an active Gold partner in Brazil), a channel manager and an admin.
// Run: go test ./ui/ -run '^$' -bench ForumPages -benchtime 200x
func BenchmarkForumPages(b *testing.B) {
	app, srv, f, cookie := newForumBench(b)
	partnerUser, manager, admin := cookie(benchPartnerUser), cookie(benchManager), cookie(testapp.AdminEmail)
	last := fmt.Sprintf("?page=%d", benchBusyPosts/20)
	runPageCases(b, app, srv, f.summary, []benchCase{
		{"thread_first_partner_user", "/forums/t/" + f.busy, partnerUser},
		{"thread_last_partner_user", "/forums/t/" + f.busy + last, partnerUser},
		{"thread_first_admin", "/forums/t/" + f.busy, admin},
		{"thread_last_admin", "/forums/t/" + f.busy + last, admin},
		{"thread_last_manager", "/forums/t/" + f.busy + last, manager},
		{"category_partner_user", "/forums/c/" + f.category, partnerUser},
		{"category_page10_partner_user", "/forums/c/" + f.category + "?page=10", partnerUser},
		{"category_admin", "/forums/c/" + f.category, admin},
		{"index_partner_user", "/forums", partnerUser},
		{"index_admin", "/forums", admin},
	})
}
