package demo

import (
	"archive/zip"
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"math/rand/v2"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf16"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/documents"
)

// folderSeed is one library folder; key names it in docSeeds.
type folderSeed struct {
	key, name string
	children  []folderSeed
}

// The library's folders, bilingual where a Brazilian vendor selling abroad
// would name them so.
var folderSeeds = []folderSeed{
	{"sales", "Vendas / Sales", []folderSeed{
		{"prices", "Tabelas de preço", nil},
		{"decks", "Apresentações", nil},
		{"cases", "Estudos de caso / Case studies", nil},
	}},
	{"legal", "Contratos e jurídico / Legal", []folderSeed{
		{"agreements", "Acordos assinados", nil},
		{"policies", "Políticas do programa", nil},
	}},
	{"marketing", "Marketing", []folderSeed{
		{"brand", "Marca e logos / Brand kit", nil},
		{"campaigns", "Campanhas", nil},
	}},
	{"tech", "Técnico / Technical", []folderSeed{
		{"datasheets", "Datasheets", nil},
		{"guides", "Guias de implantação", nil},
		{"releases", "Notas de versão / Release notes", nil},
	}},
}

// versionSeed is one upload: how many days ago, by which staff login, with
// which release notes.
type versionSeed struct {
	daysAgo int
	by      string
	notes   string
}

// docSeed is one library document. Tiers are tier names, partners and
// private are partner slugs, ackedBy are partner logins ("login@slug") who
// acknowledged the current version. The file name's extension decides what
// is generated: a one-page PDF, a CSV price list, plain text or Markdown, a
// PNG logo or a ZIP brand kit.
type docSeed struct {
	title, folder, owner, description string
	tags                              []string
	status, audience                  string
	tiers, regions, partners          []string
	private                           string
	ack                               bool
	ackedBy                           []string
	popular                           bool // downloaded more often
	archivedDaysAgo                   int
	file                              string
	prices                            *priceList
	versions                          []versionSeed
}

// Staff logins (the e-mail's local part) who own and upload documents.
const (
	byRenata  = "renata.albuquerque"
	byGustavo = "gustavo.nogueira"
	byMariana = mgrSouthEast
	byRafael  = mgrRestBRPT
	byLaura   = mgrNAMX
)

var docSeeds = []docSeed{
	// Vendas / Sales › Tabelas de preço
	{
		title: "Tabela de preços 2026 — Brasil (BRL)", folder: "prices", owner: byGustavo, popular: true,
		description: "Preços de lista em reais para todo o portfólio **Ponte Cloud**, válidos para pedidos faturados no Brasil.\n\n" +
			"- Valores sem impostos (ISS/PIS/COFINS destacados na nota fiscal)\n- Descontos por nível aplicam-se sobre estes valores\n- Dúvidas: fale com o seu gerente de canais",
		tags: []string{"preços", "BRL", "2026"}, status: "published", audience: "all",
		file: "tabela-de-precos-2026-brl.csv", prices: &priceList{currency: "BRL", sep: ';', rates: []float64{1, 1.045, 1.045, 1.045}, enterpriseFrom: 3},
		versions: []versionSeed{
			{118, byGustavo, "Versão inicial da tabela 2026."},
			{76, byGustavo, "Reajuste de 4,5% (IPCA) nos preços de licença."},
			{41, byRenata, "Inclui os SKUs do plano Enterprise."},
			{6, byGustavo, "Correção do preço do suporte 24x7 (estava com o valor de 2025)."},
		},
	},
	{
		title: "Price list 2026 — North America (USD)", folder: "prices", owner: byLaura, popular: true,
		description: "US-dollar list prices for the United States and Canada.\n\nTier discounts apply on top of these prices; taxes are not included.",
		tags:        []string{"pricing", "USD", "2026"}, status: "published", audience: "regions", regions: []string{"north_america"},
		file: "price-list-2026-usd.csv", prices: &priceList{currency: "USD", sep: ',', rates: []float64{1, 1}, enterpriseFrom: 2},
		versions: []versionSeed{
			{110, byLaura, "First 2026 price list for North America."},
			{38, byLaura, "Adds the Enterprise plan SKUs."},
		},
	},
	{
		title: "Tabela de preços 2026 — Europa (EUR)", folder: "prices", owner: byRafael,
		description: "Preços de lista em euros para Portugal e restante da União Europeia.\n\n*IVA não incluído.*",
		tags:        []string{"preços", "EUR", "2026"}, status: "published", audience: "regions", regions: []string{"europe"},
		file: "tabela-de-precos-2026-eur.csv", prices: &priceList{currency: "EUR", sep: ';', rates: []float64{1}},
		versions: []versionSeed{{95, byRafael, "Versão inicial para o mercado europeu."}},
	},
	{
		title: "Tabela de preços 2025 (BRL)", folder: "prices", owner: byGustavo, archivedDaysAgo: 110,
		description: "Tabela do ano anterior, mantida para consulta de pedidos antigos. **Não use em novas propostas.**",
		tags:        []string{"preços", "BRL", "2025"}, status: "archived", audience: "all",
		file: "tabela-de-precos-2025-brl.csv", prices: &priceList{currency: "BRL", sep: ';', rates: []float64{0.93, 0.96}},
		versions: []versionSeed{
			{460, byGustavo, "Tabela 2025."},
			{280, byGustavo, "Reajuste de meio de ano."},
		},
	},
	{
		title: "Descontos por nível — Gold e Platinum", folder: "prices", owner: byRenata,
		description: "Matriz de descontos, bônus de registro de oportunidade e rebates trimestrais dos níveis **Gold** e **Platinum**.\n\n" +
			"| Nível | Desconto | Rebate |\n|---|---|---|\n| Gold | 25% | 2% |\n| Platinum | 35% | 4% |",
		tags: []string{"descontos", "Gold", "Platinum"}, status: "published", audience: "tiers", tiers: []string{"Gold", "Platinum"},
		file: "descontos-gold-platinum.pdf",
		versions: []versionSeed{
			{200, byRenata, "Primeira versão."},
			{30, byRenata, "Rebate do Platinum passa de 3% para 4% a partir do 2º trimestre."},
		},
	},

	// Vendas / Sales › Apresentações
	{
		title: "Apresentação institucional Ponte Cloud", folder: "decks", owner: byMariana, popular: true,
		description: "A apresentação padrão para o primeiro contato com clientes: quem somos, portfólio, casos e diferenciais.\n\n" +
			"Exportada em PDF; peça o arquivo editável ao time de marketing.",
		tags: []string{"apresentação", "vendas"}, status: "published", audience: "all",
		file: "apresentacao-institucional.pdf",
		versions: []versionSeed{
			{300, byMariana, "Versão inicial."},
			{150, byMariana, "Novos logos de clientes e números de 2025."},
			{12, byGustavo, "Slide de preços removido; aponta para a tabela vigente."},
		},
	},
	{
		title: "Corporate pitch deck (English)", folder: "decks", owner: byLaura, popular: true,
		description: "The English version of the corporate deck for partners outside Brazil.",
		tags:        []string{"pitch deck", "sales"}, status: "published", audience: "all",
		file: "ponte-cloud-pitch-deck.pdf",
		versions: []versionSeed{
			{240, byLaura, "Initial English translation."},
			{20, byLaura, "Updated customer logos and 2025 figures."},
		},
	},
	{
		title: "Roadmap 2026 — confidencial", folder: "decks", owner: byRenata,
		description: "Lançamentos previstos para 2026. **Confidencial**: não compartilhe com clientes sem NDA.",
		tags:        []string{"roadmap", "confidencial"}, status: "published", audience: "tiers", tiers: []string{"Platinum"},
		file:     "roadmap-2026.pdf",
		versions: []versionSeed{{25, byRenata, "Roadmap apresentado no encontro anual de parceiros."}},
	},

	// Vendas / Sales › Estudos de caso
	{
		title: "Case: Rede Varejo Sul reduz 30% do custo de infraestrutura", folder: "cases", owner: byMariana,
		description: "Como uma rede varejista com 120 lojas migrou seus relatórios para o **Ponte Analytics** em seis semanas.",
		tags:        []string{"case", "varejo"}, status: "published", audience: "all",
		file:     "case-rede-varejo-sul.pdf",
		versions: []versionSeed{{180, byMariana, "Publicação do case aprovado pelo cliente."}},
	},
	{
		title: "Case study: Midwest Freight Logistics", folder: "cases", owner: byLaura,
		description: "A freight company in Illinois replaced three backup tools with **Ponte Backup**.",
		tags:        []string{"case study", "logistics"}, status: "published", audience: "regions", regions: []string{"north_america"},
		file:     "case-study-midwest-freight.pdf",
		versions: []versionSeed{{90, byLaura, "Approved by the customer."}},
	},
	{
		title: "Programa de co-venda — parceiros selecionados", folder: "cases", owner: byMariana,
		description: "Regras do piloto de co-venda com os parceiros convidados: divisão de leads, metas e contatos.",
		tags:        []string{"co-venda", "piloto"}, status: "published", audience: "partners",
		partners: []string{PartnerSlug, "carioca-sistemas", "lakeshore-data"},
		file:     "programa-co-venda.pdf",
		versions: []versionSeed{
			{70, byMariana, "Regras do piloto."},
			{15, byMariana, "Inclui a Lakeshore Data no piloto."},
		},
	},

	// Contratos e jurídico › Acordos assinados (private)
	{
		title: "Contrato de revenda assinado — " + PartnerName, folder: "agreements", owner: byMariana,
		description: "Contrato de revenda assinado digitalmente, com o aditivo vigente. Leia e confirme a ciência do aditivo.",
		tags:        []string{"contrato", "assinado"}, status: "published", audience: "all", private: PartnerSlug, ack: true,
		ackedBy: []string{"carla.mendes@" + PartnerSlug},
		file:    "contrato-revenda-paulista-cloud.pdf",
		versions: []versionSeed{
			{400, byMariana, "Contrato assinado por ambas as partes."},
			{60, byMariana, "Aditivo nº 1: inclusão do Ponte Analytics e nova meta anual."},
		},
	},
	{
		title: "Contrato de revenda assinado — Carioca Sistemas S.A.", folder: "agreements", owner: byMariana,
		description: "Contrato de revenda Platinum assinado digitalmente.",
		tags:        []string{"contrato", "assinado"}, status: "published", audience: "all", private: "carioca-sistemas", ack: true,
		ackedBy:  []string{"eduardo.barbosa@carioca-sistemas", "fernanda.lima@carioca-sistemas"},
		file:     "contrato-revenda-carioca-sistemas.pdf",
		versions: []versionSeed{{330, byMariana, "Contrato assinado por ambas as partes."}},
	},
	{
		title: "Signed reseller agreement — Lakeshore Data Inc.", folder: "agreements", owner: byLaura,
		description: "Your signed reseller agreement, including the 2026 amendment. Please acknowledge the current version.",
		tags:        []string{"agreement", "signed"}, status: "published", audience: "all", private: "lakeshore-data", ack: true,
		ackedBy: []string{"jennifer.walsh@lakeshore-data"},
		file:    "reseller-agreement-lakeshore-data.pdf",
		versions: []versionSeed{
			{380, byLaura, "Agreement signed by both parties."},
			{45, byLaura, "Amendment 1: 2026 targets and Platinum benefits."},
		},
	},

	// Contratos e jurídico › Políticas do programa
	{
		title: "Código de conduta do parceiro / Partner code of conduct", folder: "policies", owner: byRenata, ack: true,
		description: "Regras de ética, anticorrupção e uso da marca que todo parceiro aceita.\n\n" +
			"- Lei Anticorrupção (Lei 12.846/2013) e FCPA\n- Uso da marca Ponte Cloud\n- Canal de denúncias",
		tags: []string{"compliance", "conduta"}, status: "published", audience: "all",
		file: "codigo-de-conduta.pdf",
		versions: []versionSeed{
			{420, byRenata, "Primeira versão."},
			{210, byRenata, "Inclui a seção sobre uso da marca."},
			{35, byRenata, "Atualização do canal de denúncias; nova ciência necessária."},
		},
	},
	{
		title: "Adenda RGPD — tratamento de dados (UE)", folder: "policies", owner: byRafael,
		description: "Acordo de tratamento de dados exigido pelo **RGPD** para parceiros na União Europeia.",
		tags:        []string{"RGPD", "privacidade"}, status: "published", audience: "regions", regions: []string{"europe"},
		file:     "adenda-rgpd.pdf",
		versions: []versionSeed{{260, byRafael, "Versão aprovada pelo jurídico."}},
	},
	{
		title: "Política de registro de oportunidades", folder: "policies", owner: byGustavo, popular: true,
		description: "Como registrar uma oportunidade, prazos de proteção (90 dias) e critérios de aprovação.",
		tags:        []string{"oportunidades", "deal registration"}, status: "published", audience: "all",
		file: "politica-registro-oportunidades.pdf",
		versions: []versionSeed{
			{350, byGustavo, "Primeira versão."},
			{55, byGustavo, "Prazo de análise reduzido para 2 dias úteis."},
		},
	},

	// Marketing › Marca e logos
	{
		title: "Logo Ponte Cloud (PNG)", folder: "brand", owner: byGustavo,
		description: "Logo em PNG com fundo sólido, para apresentações e sites de parceiros.",
		tags:        []string{"logo", "marca"}, status: "published", audience: "all",
		file: "ponte-cloud-logo.png",
		versions: []versionSeed{
			{310, byGustavo, "Logo original."},
			{100, byGustavo, "Novo tom de verde da marca."},
		},
	},
	{
		title: "Kit de marca — logos e cores", folder: "brand", owner: byGustavo,
		description: "ZIP com as variações do logo e a paleta oficial. Veja o `LEIA-ME.txt` dentro do arquivo.",
		tags:        []string{"marca", "brand kit"}, status: "published", audience: "all",
		file:     "kit-de-marca.zip",
		versions: []versionSeed{{100, byGustavo, "Kit com a nova paleta."}},
	},

	// Marketing › Campanhas
	{
		title: "Guia de co-marketing e verba MDF", folder: "campaigns", owner: byRenata,
		description: "Como solicitar verba de marketing (MDF), atividades elegíveis e comprovação.",
		tags:        []string{"MDF", "marketing"}, status: "published", audience: "tiers", tiers: []string{"Silver", "Gold", "Platinum"},
		file: "guia-co-marketing-mdf.pdf",
		versions: []versionSeed{
			{190, byRenata, "Primeira versão."},
			{48, byRenata, "Novo formulário de comprovação."},
		},
	},
	{
		title: "Campanha Black Friday B2B 2026", folder: "campaigns", owner: byMariana,
		description: "Rascunho da campanha: ofertas, peças e calendário. *Em revisão pelo marketing.*",
		tags:        []string{"campanha", "black friday"}, status: "draft", audience: "all",
		file:     "campanha-black-friday-2026.pdf",
		versions: []versionSeed{{4, byMariana, "Primeiro rascunho."}},
	},
	{
		title: "Webinar kit — Q2 launch", folder: "campaigns", owner: byLaura,
		description: "Draft invitation copy and run of show for the Q2 launch webinar.",
		tags:        []string{"webinar", "launch"}, status: "draft", audience: "regions", regions: []string{"north_america", "latam"},
		file: "webinar-kit-q2.md",
		versions: []versionSeed{
			{9, byLaura, "First draft."},
			{2, byLaura, "Added the run of show."},
		},
	},

	// Técnico / Technical › Datasheets
	{
		title: "Datasheet Ponte Analytics", folder: "datasheets", owner: byGustavo, popular: true,
		description: "Especificações técnicas, requisitos e limites do **Ponte Analytics**.",
		tags:        []string{"datasheet", "analytics"}, status: "published", audience: "all",
		file: "datasheet-ponte-analytics.pdf",
		versions: []versionSeed{
			{365, byGustavo, "Versão 4.x."},
			{160, byGustavo, "Atualizado para a versão 5.0."},
			{18, byGustavo, "Novos limites de usuários simultâneos."},
		},
	},
	{
		title: "Datasheet Ponte Backup", folder: "datasheets", owner: byGustavo,
		description: "Especificações técnicas do **Ponte Backup**: retenção, criptografia e regiões de armazenamento.",
		tags:        []string{"datasheet", "backup"}, status: "published", audience: "all",
		file:     "datasheet-ponte-backup.pdf",
		versions: []versionSeed{{140, byGustavo, "Versão inicial."}},
	},

	// Técnico / Technical › Guias de implantação
	{
		title: "Checklist de implantação", folder: "guides", owner: byRafael,
		description: "Lista de verificação para o kickoff e a virada de produção de um cliente.",
		tags:        []string{"implantação", "checklist"}, status: "published", audience: "all",
		file: "checklist-implantacao.md",
		versions: []versionSeed{
			{220, byRafael, "Primeira versão."},
			{27, byRafael, "Inclui a etapa de validação de backup."},
		},
	},
	{
		title: "Installation guide 5.x (English)", folder: "guides", owner: byLaura,
		description: "Step-by-step installation of the on-premises gateway, version 5.x.",
		tags:        []string{"installation", "gateway"}, status: "published", audience: "all",
		file:     "installation-guide-5.pdf",
		versions: []versionSeed{{150, byLaura, "Guide for 5.0."}},
	},

	// Técnico / Technical › Notas de versão
	{
		title: "Release notes 5.2", folder: "releases", owner: byGustavo,
		description: "What changed in 5.2: new connectors, faster exports, fixed issues.",
		tags:        []string{"release notes", "5.2"}, status: "published", audience: "all",
		file:     "release-notes-5.2.txt",
		versions: []versionSeed{{50, byGustavo, "5.2 GA."}},
	},
	{
		title: "Notas de versão 5.3 (beta)", folder: "releases", owner: byGustavo,
		description: "Rascunho das notas da versão 5.3, ainda em beta fechado.",
		tags:        []string{"notas de versão", "beta"}, status: "draft", audience: "tiers", tiers: []string{"Platinum"},
		file:     "notas-de-versao-5.3-beta.txt",
		versions: []versionSeed{{3, byGustavo, "Rascunho do beta 1."}},
	},
}

// librarySummary is what seedLibrary created, for the report.
type librarySummary struct {
	folders, documents, versions, downloads, acknowledgements int
}

// libraryVersion is a seeded version and when it was uploaded.
type libraryVersion struct {
	rec *core.Record
	at  time.Time
}

// seedLibrary writes the demo document library: folders, documents with
// their versions uploaded through the versioning hooks (so numbers, hashes,
// sizes and the documents' derived fields are computed as in production),
// downloads through documents.RecordDownload, and acknowledgements.
//
// Hooks and RecordDownload stamp what they write with the current time;
// those rows are moved back to the seeded dates right after each write (see
// backdate), so the library has a history.
func seedLibrary(tx core.App, now time.Time) (librarySummary, error) {
	var s librarySummary
	rnd := rand.New(rand.NewPCG(2026, 1764201608))
	since, err := types.ParseDateTime(now)
	if err != nil {
		return s, err
	}
	// Seeded dates are whole days back at office hours, always at least an
	// hour before the load. Draws never depend on the clock, so every load
	// makes the same choices.
	at := func(daysAgo int) time.Time {
		jitter, early := rnd.IntN(8*60)-120, rnd.IntN(60)
		d := time.Date(now.Year(), now.Month(), now.Day(), 11, 0, 0, 0, time.UTC).AddDate(0, 0, -daysAgo)
		d = d.Add(time.Duration(jitter) * time.Minute)
		if limit := now.Add(-time.Hour); d.After(limit) {
			d = limit.Add(-time.Duration(early) * time.Minute)
		}
		return d
	}

	staff := map[string]*core.Record{}
	for _, st := range staffSeeds {
		u, err := tx.FindAuthRecordByEmail("users", st.login+"@"+staffDomain)
		if err != nil {
			return s, fmt.Errorf("documents: staff %s: %w", st.login, err)
		}
		staff[st.login] = u
	}
	partners := map[string]string{} // slug → id
	for _, p := range partnerSeeds {
		r, err := tx.FindFirstRecordByData("partners", "slug", p.slug)
		if err != nil {
			return s, fmt.Errorf("documents: partner %s: %w", p.slug, err)
		}
		partners[p.slug] = r.Id
	}
	tiers := map[string]string{}
	for _, t := range tierSeeds {
		r, err := tx.FindFirstRecordByData("tiers", "name", t.name)
		if err != nil {
			return s, fmt.Errorf("documents: tier %s: %w", t.name, err)
		}
		tiers[t.name] = r.Id
	}

	folders, err := seedFolders(tx, folderSeeds, "", at(500))
	if err != nil {
		return s, err
	}
	s.folders = len(folders)

	docsCol, err := tx.FindCollectionByNameOrId("documents")
	if err != nil {
		return s, err
	}
	versionsCol, err := tx.FindCollectionByNameOrId("document_versions")
	if err != nil {
		return s, err
	}
	history := map[string][]libraryVersion{} // document id → versions, oldest first
	seeds := map[string]*docSeed{}
	for i := range docSeeds {
		d := &docSeeds[i]
		owner := staff[d.owner]
		first := at(d.versions[0].daysAgo)
		doc := core.NewRecord(docsCol)
		doc.Set("title", d.title)
		doc.Set("description", d.description)
		doc.Set("folder", folders[d.folder])
		doc.Set("tags", d.tags)
		doc.Set("audience", d.audience)
		doc.Set("audience_tiers", mapped(d.tiers, tiers))
		doc.Set("audience_regions", d.regions)
		doc.Set("audience_partners", mapped(d.partners, partners))
		doc.Set("partner", partners[d.private])
		doc.Set("requires_acknowledgement", d.ack)
		doc.Set("owner", owner.Id)
		// Archived documents were published first; they are archived below.
		doc.Set("status", "draft")
		if d.status != "draft" {
			doc.Set("status", "published")
			doc.Set("published", first)
		}
		dt, _ := types.ParseDateTime(first)
		doc.SetRaw("created", dt)
		doc.SetRaw("updated", dt)
		activity.SetActor(doc, owner.Id)
		if err := tx.Save(doc); err != nil {
			return s, fmt.Errorf("documents: %q: %w", d.title, err)
		}
		if err := activity.Record(tx, owner, activity.KindDocumentCreated, doc); err != nil {
			return s, err
		}
		if err := backdate(tx, since, first); err != nil {
			return s, err
		}
		seeds[doc.Id] = d

		var last time.Time
		for n, vs := range d.versions {
			when := first
			if n > 0 {
				when = at(vs.daysAgo)
			}
			content, err := fileContent(d, n+1)
			if err != nil {
				return s, err
			}
			f, err := filesystem.NewFileFromBytes(content, d.file)
			if err != nil {
				return s, err
			}
			v := core.NewRecord(versionsCol)
			v.Set("document", doc.Id)
			v.Set("uploaded_by", staff[vs.by].Id)
			v.Set("file", f)
			v.Set("filename", d.file)
			v.Set("notes", vs.notes)
			vdt, _ := types.ParseDateTime(when)
			v.SetRaw("created", vdt)
			if err := tx.Save(v); err != nil {
				return s, fmt.Errorf("documents: %q version %d: %w", d.title, n+1, err)
			}
			if err := backdate(tx, since, when); err != nil {
				return s, err
			}
			history[doc.Id] = append(history[doc.Id], libraryVersion{v, when})
			last = when
			s.versions++
		}

		// The versions hook stamped the upload time; put the seeded dates
		// back, and archive what the seed archives.
		doc, err = tx.FindRecordById(docsCol, doc.Id)
		if err != nil {
			return s, err
		}
		doc.Set("revised", last)
		if d.status == "archived" {
			doc.Set("status", "archived")
		}
		activity.SetActor(doc, owner.Id)
		if err := tx.Save(doc); err != nil {
			return s, fmt.Errorf("documents: %q: %w", d.title, err)
		}
		if d.status == "archived" {
			if err := activity.Record(tx, owner, activity.KindDocumentUpdated, doc); err != nil {
				return s, err
			}
			if err := backdate(tx, since, at(d.archivedDaysAgo)); err != nil {
				return s, err
			}
		}
		s.documents++
	}

	n, err := seedDownloadsAndAcks(tx, rnd, now, since, history, seeds)
	if err != nil {
		return s, err
	}
	s.downloads, s.acknowledgements = n.downloads, n.acknowledgements
	return s, nil
}

// seedFolders creates folders under parent, depth first, and returns their
// ids by key.
func seedFolders(tx core.App, seeds []folderSeed, parent string, created time.Time) (map[string]string, error) {
	c, err := tx.FindCollectionByNameOrId("document_folders")
	if err != nil {
		return nil, err
	}
	dt, err := types.ParseDateTime(created)
	if err != nil {
		return nil, err
	}
	ids := map[string]string{}
	for i, f := range seeds {
		r := core.NewRecord(c)
		r.Set("name", f.name)
		r.Set("order", i)
		r.Set("parent", parent)
		r.SetRaw("created", dt)
		r.SetRaw("updated", dt)
		if err := tx.Save(r); err != nil {
			return nil, fmt.Errorf("documents: folder %s: %w", f.name, err)
		}
		ids[f.key] = r.Id
		sub, err := seedFolders(tx, f.children, r.Id, created)
		if err != nil {
			return nil, err
		}
		for k, v := range sub {
			ids[k] = v
		}
	}
	return ids, nil
}

// mapped translates names to ids; the result is never nil.
func mapped(names []string, ids map[string]string) []string {
	out := []string{}
	for _, n := range names {
		out = append(out, ids[n])
	}
	return out
}

// backdate moves the document events, download rows and metadata history
// written since the load started to when. Everything the seed writes
// itself is dated in the past, so "since the load started" is exactly
// what the last hook or RecordDownload call stamped with the current time.
func backdate(tx core.App, since types.DateTime, when time.Time) error {
	dt, err := types.ParseDateTime(when)
	if err != nil {
		return err
	}
	params := dbx.Params{"at": dt.String(), "since": since.String()}
	for _, q := range []string{
		"UPDATE activity SET created = {:at} WHERE target_collection = 'documents' AND created >= {:since}",
		"UPDATE document_downloads SET created = {:at} WHERE created >= {:since}",
		"UPDATE document_changes SET created = {:at} WHERE created >= {:since}",
	} {
		if _, err := tx.DB().NewQuery(q).Bind(params).Execute(); err != nil {
			return fmt.Errorf("documents: backdating: %w", err)
		}
	}
	return nil
}

type factCounts struct{ downloads, acknowledgements int }

// seedDownloadsAndAcks has the partners' people download what the rules let
// them see (listed through internal/access, as the portal would) and
// acknowledge the documents that ask for it. Active partners use the
// library most; the suspended partner stopped three weeks ago; applicants
// and deactivated people never did.
func seedDownloadsAndAcks(tx core.App, rnd *rand.Rand, now time.Time, since types.DateTime,
	history map[string][]libraryVersion, seeds map[string]*docSeed) (factCounts, error) {
	var n factCounts
	acksCol, err := tx.FindCollectionByNameOrId("document_acknowledgements")
	if err != nil {
		return n, err
	}
	ack := func(user *core.Record, docID string, v libraryVersion, when time.Time) error {
		r := core.NewRecord(acksCol)
		r.Set("document", docID)
		r.Set("version", v.rec.Id)
		r.Set("user", user.Id)
		dt, _ := types.ParseDateTime(when)
		r.SetRaw("created", dt)
		if err := tx.Save(r); err != nil {
			return fmt.Errorf("documents: acknowledgement: %w", err)
		}
		doc, err := tx.FindRecordById("documents", docID)
		if err != nil {
			return err
		}
		if err := activity.Record(tx, user, activity.KindDocumentAcknowledged, doc); err != nil {
			return err
		}
		n.acknowledgements++
		return backdate(tx, since, when)
	}
	// between is the moment at fraction f of [from, to).
	between := func(from, to time.Time, f float64) time.Time {
		return from.Add(time.Duration(f * float64(to.Sub(from))))
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)

	for _, p := range partnerSeeds {
		if p.status == "applicant" {
			continue
		}
		from := today.AddDate(0, 0, -p.joinedDaysAgo)
		to := now.Add(-time.Hour)
		perUser := 4 + rnd.IntN(8)
		switch p.status {
		case "onboarding":
			perUser = 1 + rnd.IntN(3)
		case "suspended":
			perUser, to = 2+rnd.IntN(2), now.AddDate(0, 0, -21)
		}
		for _, pe := range p.people {
			if pe.deactivated {
				continue
			}
			email := pe.login + "@" + p.slug + ".example"
			user, err := tx.FindAuthRecordByEmail("users", email)
			if err != nil {
				return n, err
			}
			page, err := access.ListVisible(tx, access.Info(user, "GET", nil), "documents",
				access.ListOptions{Sort: []string{"title"}, PerPage: 200})
			if err != nil {
				return n, err
			}
			var pool []string // popular documents count several times
			for _, d := range page.Items {
				pool = append(pool, d.Id)
				if seeds[d.Id].popular {
					pool = append(pool, d.Id, d.Id, d.Id)
				}
			}
			for range perUser {
				id, f := pool[rnd.IntN(len(pool))], rnd.Float64()
				vs := history[id]
				start := vs[0].at
				if from.After(start) {
					start = from
				}
				if !start.Before(to) {
					continue
				}
				when := between(start, to, f)
				v := vs[0]
				for _, x := range vs {
					if !x.at.After(when) {
						v = x
					}
				}
				if err := documents.RecordDownload(tx, user, v.rec); err != nil {
					return n, fmt.Errorf("documents: download: %w", err)
				}
				if err := backdate(tx, since, when); err != nil {
					return n, err
				}
				n.downloads++
			}

			// Acknowledgements: the named people of a private agreement;
			// most people of active partners for shared documents, some of
			// them only of the previous version (they must confirm again).
			for _, d := range page.Items {
				sd, vs := seeds[d.Id], history[d.Id]
				if !sd.ack {
					continue
				}
				cur := vs[len(vs)-1]
				x, f := rnd.IntN(10), rnd.Float64()
				switch {
				case sd.private != "":
					if slices.Contains(sd.ackedBy, pe.login+"@"+p.slug) {
						if err := ack(user, d.Id, cur, between(cur.at, cur.at.Add(72*time.Hour), f)); err != nil {
							return n, err
						}
					}
				case p.status == "active" || p.status == "onboarding":
					switch {
					case x < 6 && cur.at.Before(to) && from.Before(to):
						start := cur.at
						if from.After(start) {
							start = from
						}
						if err := ack(user, d.Id, cur, between(start, to, f)); err != nil {
							return n, err
						}
					case x < 8 && len(vs) > 1 && from.Before(cur.at):
						prev := vs[len(vs)-2]
						start := prev.at
						if from.After(start) {
							start = from
						}
						if err := ack(user, d.Id, prev, between(start, cur.at, f)); err != nil {
							return n, err
						}
					}
				}
			}
		}
	}
	return n, nil
}

// fileContent is version n of a document's file: small, but a real file of
// the type its name says. Every version differs, so none is refused as a
// duplicate, and nothing depends on the load date, so loads are repeatable.
func fileContent(d *docSeed, n int) ([]byte, error) {
	v := d.versions[n-1]
	switch path.Ext(d.file) {
	case ".csv":
		return d.prices.csv(n), nil
	case ".png":
		return logoPNG(n)
	case ".zip":
		return brandKit(d, n)
	case ".md":
		return fmt.Appendf(nil, "# %s\n\n%s\n\n## Versão %d\n\n%s\n", d.title, d.description, n, v.notes), nil
	case ".txt":
		return fmt.Appendf(nil, "%s\n%s\n\n%s\n\nVersão %d: %s\n", d.title,
			strings.Repeat("=", len([]rune(d.title))), plainText(d.description), n, v.notes), nil
	case ".pdf":
		lines := []string{fmt.Sprintf("Versão %d — %s", n, v.notes), ""}
		lines = append(lines, strings.Split(plainText(d.description), "\n")...)
		lines = append(lines, "", "Ponte Cloud · documento do portal de parceiros")
		return pdfDocument(d.title, lines), nil
	}
	return nil, fmt.Errorf("documents: no generator for %s", d.file)
}

// plainText strips the Markdown the seed descriptions use.
func plainText(md string) string {
	r := strings.NewReplacer("**", "", "*", "", "`", "", "|---|---|---|", "")
	var out []string
	for _, l := range strings.Split(r.Replace(md), "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "- ") {
			l = "• " + l[2:]
		}
		if strings.HasPrefix(l, "|") {
			l = strings.TrimSpace(strings.ReplaceAll(strings.Trim(l, "|"), "|", "  "))
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}

// priceList generates a CSV price list in a currency: rates[n-1] scales the
// licence prices of version n, and the Enterprise SKUs appear from version
// enterpriseFrom (never when 0). Lists in BRL and EUR use the semicolon and
// decimal comma that spreadsheets in Brazil and Portugal expect.
type priceList struct {
	currency       string
	sep            rune
	rates          []float64
	enterpriseFrom int
}

var priceItems = []struct {
	sku, product, unit, productEN, unitEN string
	price                                 float64 // BRL, or a percentage of the licence
	enterprise, percent                   bool
}{
	{"PA-STD-USR", "Ponte Analytics Standard", "usuário/mês", "Ponte Analytics Standard", "user/month", 89, false, false},
	{"PA-ENT-USR", "Ponte Analytics Enterprise", "usuário/mês", "Ponte Analytics Enterprise", "user/month", 149, true, false},
	{"PB-100GB", "Ponte Backup 100 GB", "mês", "Ponte Backup 100 GB", "month", 59, false, false},
	{"PB-1TB", "Ponte Backup 1 TB", "mês", "Ponte Backup 1 TB", "month", 390, false, false},
	{"PB-ENT-10TB", "Ponte Backup Enterprise 10 TB", "mês", "Ponte Backup Enterprise 10 TB", "month", 2900, true, false},
	{"PG-NODE", "Ponte Gateway", "nó/mês", "Ponte Gateway", "node/month", 240, false, false},
	{"SUP-8X5", "Suporte 8x5", "% da licença", "Support 8x5", "% of licence", 12, false, true},
	{"SUP-24X7", "Suporte 24x7", "% da licença", "Support 24x7", "% of licence", 20, false, true},
	{"SRV-IMPL", "Implantação assistida", "pacote", "Assisted deployment", "package", 7500, false, false},
}

func (p *priceList) csv(n int) []byte {
	fx := map[string]float64{"BRL": 1, "USD": 0.19, "EUR": 0.17}[p.currency]
	sep := string(p.sep)
	header := []string{"SKU", "Produto", "Unidade", "Preço de lista (" + p.currency + ")"}
	if p.currency == "USD" {
		header = []string{"SKU", "Product", "Unit", "List price (USD)"}
	}
	var b bytes.Buffer
	b.WriteString(strings.Join(header, sep) + "\r\n")
	for _, it := range priceItems {
		if it.enterprise && (p.enterpriseFrom == 0 || n < p.enterpriseFrom) {
			continue
		}
		price := it.price
		switch {
		case it.percent && it.sku == "SUP-24X7" && p.currency == "BRL" && n >= 4:
			price = 22 // the correction of version 4
		case it.percent:
		case p.currency == "BRL":
			price *= p.rates[n-1]
		default: // converted, then priced like a local list
			price = math.Ceil(price*p.rates[n-1]*fx) - 0.01
		}
		amount := fmt.Sprintf("%.2f", price)
		product, unit := it.product, it.unit
		if p.currency == "USD" {
			product, unit = it.productEN, it.unitEN
		}
		if p.sep == ';' {
			amount = strings.Replace(amount, ".", ",", 1)
		}
		b.WriteString(strings.Join([]string{it.sku, product, unit, amount}, sep) + "\r\n")
	}
	return b.Bytes()
}

// pdfDocument writes a one-page PDF 1.4 with a title and lines of text in
// the standard Helvetica fonts (WinAnsi encoding, enough for Portuguese).
func pdfDocument(title string, lines []string) []byte {
	var content bytes.Buffer
	fmt.Fprintf(&content, "BT /F1 18 Tf 56 780 Td (%s) Tj ET\n", pdfString(title))
	content.WriteString("BT /F2 11 Tf 15 TL 56 748 Td\n")
	count := 0
	for _, l := range lines {
		for _, w := range wrap(l, 88) {
			if count == 44 {
				break
			}
			fmt.Fprintf(&content, "(%s) Tj T*\n", pdfString(w))
			count++
		}
	}
	content.WriteString("ET")

	var b bytes.Buffer
	var offsets []int
	obj := func(body string) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	b.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj("<< /Type /Pages /Kids [3 0 R] /Count 1 >>")
	obj("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R /F2 5 0 R >> >> /Contents 6 0 R >>")
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", content.Len(), content.Bytes()))
	obj(fmt.Sprintf("<< /Title <%s> /Producer (Ponte demo) >>", utf16Hex(title)))
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n",
		len(offsets)+1, len(offsets), xref)
	return b.Bytes()
}

// winAnsi maps the non-Latin-1 characters the seeds use to Windows-1252.
var winAnsi = map[rune]byte{'€': 0x80, '•': 0x95, '–': 0x96, '—': 0x97, '‘': 0x91, '’': 0x92, '“': 0x93, '”': 0x94}

// pdfString encodes s as the inside of a PDF literal string in WinAnsi.
func pdfString(s string) string {
	var b strings.Builder
	for _, r := range s {
		c, ok := winAnsi[r]
		switch {
		case ok:
		case r < 0x100:
			c = byte(r)
		default:
			c = '?'
		}
		switch {
		case c == '(' || c == ')' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c < 0x20 || c >= 0x7f:
			fmt.Fprintf(&b, "\\%03o", c)
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// utf16Hex is a PDF text string in UTF-16BE with its byte-order mark, in hex.
func utf16Hex(s string) string {
	var b strings.Builder
	b.WriteString("FEFF")
	for _, u := range utf16.Encode([]rune(s)) {
		fmt.Fprintf(&b, "%04X", u)
	}
	return b.String()
}

// wrap breaks a line at spaces into lines of at most width runes.
func wrap(s string, width int) []string {
	words := strings.Fields(s)
	if len(words) == 0 {
		return []string{""}
	}
	var out []string
	line := words[0]
	for _, w := range words[1:] {
		if len([]rune(line))+1+len([]rune(w)) > width {
			out = append(out, line)
			line = w
			continue
		}
		line += " " + w
	}
	return append(out, line)
}

// brandColours are the logo's background per version: the old and the new
// green of the brand.
var brandColours = []color.RGBA{{0x13, 0x7a, 0x5c, 0xff}, {0x0f, 0x6e, 0x6e, 0xff}}

// logoPNG draws the Ponte logo, a white bridge arch over a deck on the
// brand colour of version n, as a 160×160 PNG.
func logoPNG(n int) ([]byte, error) {
	const size = 160
	bg := brandColours[(n-1)%len(brandColours)]
	img := image.NewRGBA(image.Rect(0, 0, size, size))
	white := color.RGBA{0xff, 0xff, 0xff, 0xff}
	for y := range size {
		for x := range size {
			c := bg
			dx, dy := x-80, y-112
			r2 := dx*dx + dy*dy
			switch {
			case y <= 112 && r2 >= 44*44 && r2 <= 54*54: // arch
				c = white
			case y >= 108 && y <= 118 && x >= 18 && x <= 142: // deck
				c = white
			case y > 112 && y <= 136 && ((x >= 30 && x <= 36) || (x >= 124 && x <= 130)): // pillars
				c = white
			}
			img.SetRGBA(x, y, c)
		}
	}
	var b bytes.Buffer
	err := png.Encode(&b, img)
	return b.Bytes(), err
}

// brandKit is a ZIP with the logo's variants and a read-me with the palette.
// Entry dates are fixed so the archive is the same on every load.
func brandKit(d *docSeed, n int) ([]byte, error) {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	modified := time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)
	readme := fmt.Appendf(nil, "%s (versão %d)\r\n\r\n%s\r\n\r\nVerde Ponte: #0f6e6e\r\nAreia: #f4efe6\r\nGrafite: #3e4c59\r\n",
		d.title, n, plainText(d.description))
	files := map[string][]byte{"LEIA-ME.txt": readme}
	for i, name := range []string{"logo/ponte-cloud-verde-2025.png", "logo/ponte-cloud-verde.png"} {
		logo, err := logoPNG(i + 1)
		if err != nil {
			return nil, err
		}
		files[name] = logo
	}
	for _, name := range []string{"LEIA-ME.txt", "logo/ponte-cloud-verde-2025.png", "logo/ponte-cloud-verde.png"} {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: modified})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(files[name]); err != nil {
			return nil, err
		}
	}
	err := zw.Close()
	return b.Bytes(), err
}
