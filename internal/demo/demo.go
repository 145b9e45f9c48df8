// Package demo loads a believable demo partner network into an empty Ponte
// database: a four-tier programme, thirteen partners (mostly Brazilian, plus
// Portugal, the US and Mexico), their people, the vendor's staff, some sign-in
// activity and a PocketBase superuser for the dashboard.
//
// `ponte serve --demo` calls LoadAndReport. Every demo account shares
// DemoPassword: the data set is for demonstrations and local development only
// and must never be loaded into a production database.
package demo

import (
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/roles"
)

// The demo logins LoadAndReport prints. All four portal users belong to, or
// manage, the same active Brazilian partner (PartnerName).
//
// DemoPassword is public knowledge: it is the password of every demo user and
// of the demo superuser. Demo data only, never production.
const (
	DemoPassword = "ponte-demo-2026"

	AdminEmail        = "renata.albuquerque@ponte-vendor.example"
	ManagerEmail      = "mariana.costa@ponte-vendor.example"
	PartnerAdminEmail = "carla.mendes@paulista-cloud.example"
	PartnerUserEmail  = "lucas.ferreira@paulista-cloud.example"
	SuperuserEmail    = "superuser@ponte-vendor.example"

	// PartnerSlug and PartnerName identify the partner of the printed partner
	// logins, managed by the printed channel manager.
	PartnerSlug = "paulista-cloud"
	PartnerName = "Paulista Cloud Ltda"

	// PortalName is the portal name the demo writes into the settings record.
	PortalName = "Ponte Demo"
)

const (
	staffDomain = "ponte-vendor.example"
	localePT    = "pt-BR"
	localeEN    = "en"
)

// tierSeed is one level of the partner programme. Revenue is in BRL.
type tierSeed struct {
	name, colour string
	rank         int
	minRevenue   float64
	minCertified int
	benefits     string // Markdown
}

var tierSeeds = []tierSeed{
	{"Registered", "#7b8794", 0, 0, 0, `- Acesso ao portal de parceiros e à base de conhecimento
- Kit de vendas: apresentações, fichas técnicas e estudos de caso
- Trilhas de capacitação online sem custo
- Suporte comercial por e-mail`},
	{"Silver", "#9aa5b1", 1, 250_000, 2, `- Tudo do nível Registered
- Registro de oportunidades com proteção de 90 dias
- Desconto de 15% sobre o preço de lista
- Verba de marketing (MDF) mediante aprovação de plano
- Duas vagas por ano no treinamento de certificação`},
	{"Gold", "#c9a227", 2, 1_000_000, 5, `- Tudo do nível Silver
- Desconto de 25% sobre o preço de lista
- Verba de marketing trimestral
- Suporte técnico prioritário (SLA de 4 horas úteis)
- Leads qualificados repassados pelo fabricante`},
	{"Platinum", "#3e4c59", 3, 3_000_000, 10, `- Tudo do nível Gold
- Desconto de 35% sobre o preço de lista
- Gerente de canal dedicado e planejamento de negócios conjunto (QBR)
- Acesso antecipado a lançamentos e ao roadmap
- Destaque no localizador de parceiros e em eventos do fabricante`},
}

// Channel managers, by territory.
const (
	mgrSouthEast = "mariana.costa"   // São Paulo, Rio, Minas, Paraná, Rio Grande do Sul
	mgrRestBRPT  = "rafael.teixeira" // the rest of Brazil and Portugal
	mgrNAMX      = "laura.whitman"   // United States and Mexico
)

// staffSeed is a vendor employee; login is the e-mail's local part.
type staffSeed struct {
	login, name, role, title, locale string
}

var staffSeeds = []staffSeed{
	{"renata.albuquerque", "Renata Albuquerque", roles.Admin, "Diretora de Canais", localePT},
	{"gustavo.nogueira", "Gustavo Nogueira", roles.Admin, "Analista de Operações de Parceiros", localePT},
	{mgrSouthEast, "Mariana Costa", roles.Manager, "Gerente de Canais – Sul e Sudeste", localePT},
	{mgrRestBRPT, "Rafael Teixeira", roles.Manager, "Gerente de Canais – Norte, Nordeste, Centro-Oeste e Portugal", localePT},
	{mgrNAMX, "Laura Whitman", roles.Manager, "Channel Manager – North America & Mexico", localeEN},
}

// personSeed is a partner's employee; login is the e-mail's local part, the
// domain is <partner slug>.example.
type personSeed struct {
	login, name, title, locale string
	deactivated                bool
}

// partnerSeed is one partner. The first person is its partner admin, the
// others are partner users. joinedDaysAgo < 0 means "not joined yet".
type partnerSeed struct {
	name, slug, city, country, status, tier, manager string
	joinedDaysAgo                                    int
	people                                           []personSeed
}

var partnerSeeds = []partnerSeed{
	{PartnerName, PartnerSlug, "São Paulo", "BR", "active", "Gold", mgrSouthEast, 910, []personSeed{
		{"carla.mendes", "Carla Mendes", "Diretora Comercial", localePT, false},
		{"lucas.ferreira", "Lucas Ferreira", "Engenheiro de Pré-vendas", localePT, false},
		{"beatriz.santos", "Beatriz Santos", "Executiva de Contas", localePT, false},
		{"felipe.araujo", "Felipe Araújo", "Analista de Marketing", localePT, false},
		{"juliana.rocha", "Juliana Rocha", "Consultora de Implantação", localePT, false},
	}},
	{"Carioca Sistemas S.A.", "carioca-sistemas", "Rio de Janeiro", "BR", "active", "Platinum", mgrSouthEast, 1050, []personSeed{
		{"eduardo.barbosa", "Eduardo Barbosa", "Diretor de Alianças", localePT, false},
		{"fernanda.lima", "Fernanda Lima", "Gerente de Contas", localePT, false},
		{"rodrigo.cardoso", "Rodrigo Cardoso", "Arquiteto de Soluções", localePT, false},
		{"patricia.moreira", "Patrícia Moreira", "Analista de Vendas", localePT, true}, // left the company
	}},
	{"Araucária Tecnologia Ltda", "araucaria-tecnologia", "Curitiba", "BR", "active", "Silver", mgrSouthEast, 640, []personSeed{
		{"marcelo.kowalski", "Marcelo Kowalski", "Sócio-diretor", localePT, false},
		{"camila.zanetti", "Camila Zanetti", "Gerente Comercial", localePT, false},
		{"bruno.tavares", "Bruno Tavares", "Especialista de Pré-vendas", localePT, false},
	}},
	{"Mineira Dados Ltda", "mineira-dados", "Belo Horizonte", "BR", "onboarding", "Registered", mgrSouthEast, 45, []personSeed{
		{"ricardo.drummond", "Ricardo Drummond", "Diretor Executivo", localePT, false},
		{"larissa.andrade", "Larissa Andrade", "Analista de Parcerias", localePT, false},
	}},
	{"Guaíba Integrações Ltda", "guaiba-integracoes", "Porto Alegre", "BR", "suspended", "Silver", mgrSouthEast, 820, []personSeed{
		{"leonardo.schmidt", "Leonardo Schmidt", "Diretor Comercial", localePT, false},
		{"gabriela.bertoldi", "Gabriela Bertoldi", "Coordenadora de Projetos", localePT, false},
		{"vinicius.machado", "Vinícius Machado", "Executivo de Vendas", localePT, false},
	}},
	{"Capibaribe Digital Ltda", "capibaribe-digital", "Recife", "BR", "active", "Silver", mgrRestBRPT, 480, []personSeed{
		{"anapaula.cavalcanti", "Ana Paula Cavalcanti", "Diretora de Negócios", localePT, false},
		{"diego.monteiro", "Diego Monteiro", "Consultor de Soluções", localePT, false},
		{"tatiana.lins", "Tatiana Lins", "Analista de Marketing", localePT, false},
	}},
	{"Cerrado Software Ltda", "cerrado-software", "Brasília", "BR", "applicant", "", mgrRestBRPT, -1, []personSeed{
		{"henrique.vasconcelos", "Henrique Vasconcelos", "Sócio-fundador", localePT, false},
	}},
	{"Tejo Consultoria Lda.", "tejo-consultoria", "Lisboa", "PT", "active", "Gold", mgrRestBRPT, 730, []personSeed{
		{"joao.carvalho", "João Carvalho", "Diretor-Geral", localePT, false},
		{"ines.sousa", "Inês Sousa", "Gestora de Contas", localePT, false},
		{"tiago.marques", "Tiago Marques", "Consultor Sénior", localePT, false},
		{"sofia.ribeiro", "Sofia Ribeiro", "Técnica de Marketing", localePT, false},
	}},
	{"Douro Sistemas Lda.", "douro-sistemas", "Porto", "PT", "onboarding", "Registered", mgrRestBRPT, 20, []personSeed{
		{"miguel.pinto", "Miguel Pinto", "Administrador", localePT, false},
		{"catarina.lopes", "Catarina Lopes", "Gestora de Parcerias", localePT, false},
	}},
	{"Lakeshore Data Inc.", "lakeshore-data", "Chicago", "US", "active", "Platinum", mgrNAMX, 1000, []personSeed{
		{"jennifer.walsh", "Jennifer Walsh", "VP of Partnerships", localeEN, false},
		{"michael.brennan", "Michael Brennan", "Solutions Engineer", localeEN, false},
		{"sarah.kim", "Sarah Kim", "Account Executive", localeEN, false},
		{"david.novak", "David Novak", "Marketing Manager", localeEN, false},
	}},
	{"Bayview Networks Inc.", "bayview-networks", "San Francisco", "US", "applicant", "", mgrNAMX, -1, []personSeed{
		{"kevin.oconnor", "Kevin O'Connor", "Founder & CEO", localeEN, false},
	}},
	{"Soluciones Anáhuac S.A. de C.V.", "soluciones-anahuac", "Ciudad de México", "MX", "active", "Silver", mgrNAMX, 365, []personSeed{
		{"alejandro.ramirez", "Alejandro Ramírez", "Director Comercial", localeEN, false},
		{"mariafernanda.lopez", "María Fernanda López", "Gerente de Cuentas", localePT, false},
		{"jorge.hernandez", "Jorge Hernández", "Ingeniero de Soluciones", localeEN, false},
	}},
	{"Grupo Sierra Madre Tecnología S.A. de C.V.", "sierra-madre-tecnologia", "Monterrey", "MX", "onboarding", "Registered", mgrNAMX, 70, []personSeed{
		{"javier.garza", "Javier Garza", "Director General", localeEN, false},
		{"daniela.trevino", "Daniela Treviño", "Ingeniera de Preventa", localePT, false},
	}},
}

// summary is what a load created, for the report.
type summary struct {
	tiers, partners, users, activity int
	superuserCreated                 bool
	library                          librarySummary
	announcements                    announcementsSummary
	forums                           forumsSummary
	conversations                    conversationsSummary
	training                         trainingSummary
	deals                            dealsSummary
	onboarding                       onboardingSummary
	invitations                      invitationsSummary
	applications                     applicationsSummary
	tiering                          tieringSummary
	surveys                          surveysSummary
}

// Load fills an empty database with the demo network, in one transaction. The
// database counts as empty when it holds no users, partners or tiers (a fresh
// install; superusers and the settings record do not count). Otherwise it
// changes nothing and returns loaded=false.
func Load(app core.App) (loaded bool, err error) {
	s, err := load(app, io.Discard)
	return s != nil, err
}

// LoadAndReport runs Load and tells w what happened: progress while seeding,
// then the demo logins, or one line saying the database was left alone.
func LoadAndReport(app core.App, w io.Writer) error {
	s, err := load(app, w)
	if err != nil {
		return fmt.Errorf("demo: %w", err)
	}
	if s == nil {
		fmt.Fprintln(w, "demo: the database is not empty (it already has users, partners or tiers), so --demo changed nothing.")
		return nil
	}
	report(w, s)
	return nil
}

// load returns nil, nil when the database is not empty.
func load(app core.App, w io.Writer) (*summary, error) {
	var s *summary
	err := app.RunInTransaction(func(tx core.App) error {
		empty, err := isEmpty(tx)
		if err != nil || !empty {
			return err
		}
		s, err = seed(tx, w, time.Now().UTC())
		return err
	})
	if err != nil {
		return nil, err
	}
	return s, nil
}

func isEmpty(app core.App) (bool, error) {
	for _, c := range []string{"users", "partners", "tiers"} {
		n, err := app.CountRecords(c)
		if err != nil {
			return false, err
		}
		if n > 0 {
			return false, nil
		}
	}
	return true, nil
}

func seed(tx core.App, w io.Writer, now time.Time) (_ *summary, err error) {
	start := time.Now()
	s := &summary{}
	fmt.Fprint(w, "demo: loading the demo partner network… ")
	defer func() {
		if err != nil {
			fmt.Fprintln(w, "failed.")
			return
		}
		fmt.Fprintf(w, "done in %.1fs.\n", time.Since(start).Seconds())
	}()
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)

	// Tiers.
	fmt.Fprint(w, "tiers… ")
	tiersCol, err := tx.FindCollectionByNameOrId("tiers")
	if err != nil {
		return nil, err
	}
	tierIDs := map[string]string{}
	for _, t := range tierSeeds {
		r := core.NewRecord(tiersCol)
		r.Set("name", t.name)
		r.Set("rank", t.rank)
		r.Set("colour", t.colour)
		r.Set("benefits", t.benefits)
		r.Set("min_revenue_12m", t.minRevenue)
		r.Set("min_certified_users", t.minCertified)
		if err := tx.Save(r); err != nil {
			return nil, fmt.Errorf("tier %s: %w", t.name, err)
		}
		tierIDs[t.name] = r.Id
		s.tiers++
	}

	// Users' passwords are hashed up front, in parallel: bcrypt is by far the
	// slowest part of the load.
	fmt.Fprint(w, "passwords… ")
	usersCol, err := tx.FindCollectionByNameOrId("users")
	if err != nil {
		return nil, err
	}
	n := len(staffSeeds)
	for _, p := range partnerSeeds {
		n += len(p.people)
	}
	userRecs := make([]*core.Record, n)
	hashPasswords(usersCol, userRecs)
	next := 0
	nextUser := func() *core.Record { r := userRecs[next]; next++; return r }
	var users []*core.Record // in seed order, for the activity below

	// Staff first: partners point at their channel managers.
	fmt.Fprint(w, "staff… ")
	staffIDs := map[string]string{}
	for _, st := range staffSeeds {
		r := nextUser()
		fillUser(r, st.login+"@"+staffDomain, st.name, st.role, st.title, st.locale, "", false)
		if err := tx.Save(r); err != nil {
			return nil, fmt.Errorf("user %s: %w", r.Email(), err)
		}
		staffIDs[st.login] = r.Id
		users = append(users, r)
	}

	fmt.Fprint(w, "partners… ")
	partnersCol, err := tx.FindCollectionByNameOrId("partners")
	if err != nil {
		return nil, err
	}
	partnerIDs := make([]string, len(partnerSeeds))
	for i, p := range partnerSeeds {
		r := core.NewRecord(partnersCol)
		r.Set("name", p.name)
		r.Set("slug", p.slug)
		r.Set("status", p.status)
		r.Set("country", p.country)
		r.Set("website", "https://"+p.slug+".example")
		r.Set("manager", staffIDs[p.manager])
		if p.tier != "" {
			r.Set("tier", tierIDs[p.tier])
		}
		if p.joinedDaysAgo >= 0 {
			r.Set("joined", today.AddDate(0, 0, -p.joinedDaysAgo))
		}
		if err := tx.Save(r); err != nil {
			return nil, fmt.Errorf("partner %s: %w", p.slug, err)
		}
		partnerIDs[i] = r.Id
		s.partners++
	}

	fmt.Fprint(w, "partner users… ")
	for i, p := range partnerSeeds {
		for j, pe := range p.people {
			role := roles.PartnerUser
			if j == 0 {
				role = roles.PartnerAdmin
			}
			r := nextUser()
			fillUser(r, pe.login+"@"+p.slug+".example", pe.name, role, pe.title, pe.locale, partnerIDs[i], pe.deactivated)
			if err := tx.Save(r); err != nil {
				return nil, fmt.Errorf("user %s: %w", r.Email(), err)
			}
			users = append(users, r)
		}
	}
	s.users = len(users)

	fmt.Fprint(w, "activity… ")
	if s.activity, err = seedActivity(tx, users, partnerStatus(partnerIDs), now); err != nil {
		return nil, err
	}

	fmt.Fprint(w, "documents… ")
	if s.library, err = seedLibrary(tx, now); err != nil {
		return nil, err
	}
	fmt.Fprint(w, "announcements… ")
	if s.announcements, err = seedAnnouncements(tx, now); err != nil {
		return nil, err
	}
	fmt.Fprint(w, "forums… ")
	if s.forums, err = seedForums(tx, now); err != nil {
		return nil, err
	}
	fmt.Fprint(w, "conversations… ")
	if s.conversations, err = seedConversations(tx, now); err != nil {
		return nil, err
	}

	fmt.Fprint(w, "training… ")
	if s.training, err = seedTraining(tx, now); err != nil {
		return nil, err
	}
	fmt.Fprint(w, "deals… ")
	if s.deals, err = seedDeals(tx, now); err != nil {
		return nil, err
	}
	fmt.Fprint(w, "onboarding… ")
	if s.onboarding, err = seedOnboarding(tx, now); err != nil {
		return nil, err
	}
	fmt.Fprint(w, "invitations… ")
	if s.invitations, err = seedInvitations(tx, now); err != nil {
		return nil, err
	}
	fmt.Fprint(w, "applications… ")
	if s.applications, err = seedApplications(tx, now); err != nil {
		return nil, err
	}
	fmt.Fprint(w, "tiers review… ")
	if s.tiering, err = seedTiering(tx, now); err != nil {
		return nil, err
	}
	fmt.Fprint(w, "surveys… ")
	if s.surveys, err = seedSurveys(tx, now); err != nil {
		return nil, err
	}

	fmt.Fprint(w, "settings… ")
	if err := seedSettings(tx); err != nil {
		return nil, err
	}

	fmt.Fprint(w, "superuser… ")
	if s.superuserCreated, err = seedSuperuser(tx); err != nil {
		return nil, err
	}
	return s, nil
}

// hashPasswords creates one users record per slot with DemoPassword set,
// hashing on every CPU (Record.Set hashes; distinct records share nothing).
func hashPasswords(c *core.Collection, recs []*core.Record) {
	var wg sync.WaitGroup
	sem := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i := range recs {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			r := core.NewRecord(c)
			r.SetPassword(DemoPassword)
			recs[i] = r
		})
	}
	wg.Wait()
}

func fillUser(r *core.Record, email, name, role, title, locale, partner string, deactivated bool) {
	r.SetEmail(email)
	r.SetVerified(true)
	r.Set("name", name)
	r.Set("role", role)
	r.Set("job_title", title)
	r.Set("locale", locale)
	r.Set("partner", partner)
	r.Set("deactivated", deactivated)
}

// partnerStatus maps partner IDs to their seeded status.
func partnerStatus(ids []string) map[string]string {
	m := make(map[string]string, len(ids))
	for i, id := range ids {
		m[id] = partnerSeeds[i].status
	}
	return m
}

// seedActivity writes sign-ins over the last five weeks with a fixed pattern:
// staff and people of active partners sign in often, onboarding partners now
// and then, applicants and deactivated users never; people of the suspended
// partner stopped a few weeks ago.
func seedActivity(tx core.App, users []*core.Record, status map[string]string, now time.Time) (int, error) {
	c, err := tx.FindCollectionByNameOrId("activity")
	if err != nil {
		return 0, err
	}
	count := 0
	for i, u := range users {
		if u.GetBool("deactivated") {
			continue
		}
		var logins, minDaysAgo int
		switch status[u.GetString("partner")] {
		case "": // staff
			logins = 8
		case "active":
			logins = 3 + i%5
		case "onboarding":
			logins = 1 + i%2
		case "suspended":
			logins, minDaysAgo = 2, 21
		default: // applicant
			continue
		}
		for k := range logins {
			daysAgo := minDaysAgo + (i*3+k*5)%35
			at := now.Add(-time.Duration(daysAgo)*24*time.Hour -
				time.Duration((i*7+k*11)%10)*time.Hour - time.Duration((i*13+k*17)%60)*time.Minute)
			ev := core.NewRecord(c)
			ev.Set("kind", activity.KindLogin)
			ev.Set("user", u.Id)
			ev.Set("partner", u.GetString("partner"))
			// created is an autodate field: SetRaw with a different date is kept.
			dt, err := types.ParseDateTime(at)
			if err != nil {
				return count, err
			}
			ev.SetRaw("created", dt)
			if err := tx.Save(ev); err != nil {
				return count, fmt.Errorf("activity: %w", err)
			}
			count++
		}
	}
	return count, nil
}

// seedSettings renames the portal; the settings singleton normally exists
// (a migration creates it), but a missing one is created.
func seedSettings(tx core.App) error {
	c, err := tx.FindCollectionByNameOrId("settings")
	if err != nil {
		return err
	}
	recs, err := tx.FindRecordsByFilter(c, "", "", 1, 0)
	if err != nil {
		return err
	}
	var r *core.Record
	if len(recs) > 0 {
		r = recs[0]
	} else {
		r = core.NewRecord(c)
	}
	r.Set("portal_name", PortalName)
	r.Set("default_locale", localePT)
	if r.GetString("primary_colour") == "" {
		r.Set("primary_colour", "#0f6e6e")
	}
	if err := tx.Save(r); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	return nil
}

// seedSuperuser creates the demo superuser unless someone already made a real
// one: a database with its own superuser must not gain one whose password is
// printed in the docs. PocketBase's temporary installer account does not
// count (creating a superuser deletes it).
func seedSuperuser(tx core.App) (bool, error) {
	n, err := tx.CountRecords(core.CollectionNameSuperusers,
		dbx.Not(dbx.HashExp{"email": core.DefaultInstallerEmail}))
	if err != nil {
		return false, err
	}
	if n > 0 {
		return false, nil
	}
	c, err := tx.FindCollectionByNameOrId(core.CollectionNameSuperusers)
	if err != nil {
		return false, err
	}
	r := core.NewRecord(c)
	r.SetEmail(SuperuserEmail)
	r.SetPassword(DemoPassword)
	if err := tx.Save(r); err != nil {
		return false, fmt.Errorf("superuser: %w", err)
	}
	return true, nil
}

// login is one printed demo login.
type login struct {
	role, email, partner, locale string
}

// logins lists the printed logins, read from the seed tables so the report
// can never name an account the loader did not create.
func logins() []login {
	var out []login
	languages := map[string]string{localePT: "Português (Brasil)", localeEN: "English"}
	for _, st := range staffSeeds {
		email := st.login + "@" + staffDomain
		switch email {
		case AdminEmail:
			out = append(out, login{"Vendor admin", email, "— (vendor staff: all partners)", languages[st.locale]})
		case ManagerEmail:
			others := -1 // PartnerName is named
			for _, p := range partnerSeeds {
				if p.manager == st.login {
					others++
				}
			}
			out = append(out, login{"Channel manager", email,
				fmt.Sprintf("manages %s + %d more", PartnerName, others), languages[st.locale]})
		}
	}
	for _, p := range partnerSeeds {
		for _, pe := range p.people {
			email := pe.login + "@" + p.slug + ".example"
			switch email {
			case PartnerAdminEmail:
				out = append(out, login{"Partner admin", email, p.name, languages[pe.locale]})
			case PartnerUserEmail:
				out = append(out, login{"Partner user", email, p.name, languages[pe.locale]})
			}
		}
	}
	return out
}

func report(w io.Writer, s *summary) {
	fmt.Fprintf(w, "demo: created %d tiers, %d partners, %d users and %d sign-in events; portal renamed %q.\n",
		s.tiers, s.partners, s.users, s.activity, PortalName)
	fmt.Fprintf(w, "demo: document library with %d folders, %d documents, %d versions, %d downloads and %d acknowledgements.\n",
		s.library.folders, s.library.documents, s.library.versions, s.library.downloads, s.library.acknowledgements)
	fmt.Fprintf(w, "demo: %d announcements (%d reads), %d forum threads with %d posts in %d categories, %d conversations with %d messages.\n",
		s.announcements.count, s.announcements.reads, s.forums.threads, s.forums.posts, s.forums.categories,
		s.conversations.count, s.conversations.messages)
	fmt.Fprintln(w, "demo: "+s.training.line())
	fmt.Fprintln(w, "demo: "+s.deals.line())
	for _, l := range []string{s.onboarding.line(), s.invitations.line(), s.applications.line(), s.tiering.line(), s.surveys.line()} {
		if l != "" {
			fmt.Fprintln(w, "demo: "+l)
		}
	}
	bar := strings.Repeat("─", 78)
	fmt.Fprintln(w, bar)
	fmt.Fprintln(w, "Ponte demo logins — DEMO DATA ONLY: every demo account shares one public password.")
	fmt.Fprintln(w, "Sign in to the portal at / with:")
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "  ROLE\tE-MAIL\tPASSWORD\tPARTNER\tLANGUAGE")
	for _, l := range logins() {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", l.role, l.email, DemoPassword, l.partner, l.locale)
	}
	tw.Flush()
	fmt.Fprintln(w)
	if s.superuserCreated {
		fmt.Fprintf(w, "PocketBase dashboard at /_/ (superuser): %s / %s\n", SuperuserEmail, DemoPassword)
	} else {
		fmt.Fprintln(w, "PocketBase dashboard at /_/: a superuser already existed, so none was created; sign in with your own.")
	}
	fmt.Fprintln(w, "Every other demo user also signs in with the same password.")
	fmt.Fprintln(w, bar)
}
