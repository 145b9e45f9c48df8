// Package seed generates a deterministic partner network at scale — tiers,
// managers, partners, people, deals with their stage histories, a year of
// activity of every kind, conversations and certificates — for benchmarks
// and demos of the dashboards, then rebuilds the KPI rollups from it.
//
// Rows are written with plain multi-row INSERTs (no record hooks), in
// batches inside transactions; the same Options give the same rows.
package seed

import (
	"database/sql"
	"errors"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"golang.org/x/crypto/bcrypt"

	"github.com/ponte-portal/ponte/internal/kpi"
)

// Password is the password of every generated person.
const Password = "ponte-seed"

// Options say how much to generate.
type Options struct {
	Partners int       // partner organisations
	Users    int       // partner people (admins and users); managers and an admin come on top
	Deals    int       // registered deals, each with its history in deal_events
	Events   int       // activity rows
	Months   int       // months of history, ending on Until
	Seed     uint64    // the random generator's seed
	Until    time.Time // last day of the history (UTC); zero: today
	Force    bool      // add to a database that already holds partners
}

// DefaultOptions is the scale of the benchmark: 2,000 partners,
// 20,000 people, 200,000 deals, 2,000,000 events over 12 months.
func DefaultOptions() Options {
	return Options{Partners: 2000, Users: 20000, Deals: 200000, Events: 2000000, Months: 12, Seed: 1}
}

// ErrNotEmpty is returned when the database already holds partners and
// Options.Force is not set.
var ErrNotEmpty = errors.New("seed: the database already holds partners; use --force to add the generated network to it")

// Manager, partner person and admin e-mails of a run with seed s: managers
// are ManagerEmail(s, 0…), partner p's people PersonEmail(s, p, 0…) — the
// first is the partner admin.
func ManagerEmail(s uint64, i int) string { return fmt.Sprintf("manager%d@seed%d.test", i, s) }

// PersonEmail is the e-mail of the i-th person of the p-th partner.
func PersonEmail(s uint64, p, i int) string { return fmt.Sprintf("user%d.%d@seed%d.test", p, i, s) }

// AdminEmail is the e-mail of the admin a run creates when there is none.
func AdminEmail(s uint64) string { return fmt.Sprintf("admin@seed%d.test", s) }

// Run generates the network described by o into app's database, drawing a
// progress bar on progress (nil: none), then rebuilds the KPI rollups and
// prints a summary there. It refuses a database that already holds partners
// unless o.Force. Call it outside any transaction.
func Run(app core.App, o Options, progress io.Writer) error {
	if err := o.validate(); err != nil {
		return err
	}
	var n int
	if err := app.DB().NewQuery("SELECT COUNT(*) FROM partners").Row(&n); err != nil {
		return err
	}
	if n > 0 && !o.Force {
		return ErrNotEmpty
	}
	b, ok := app.NonconcurrentDB().(*dbx.DB)
	if !ok {
		return errors.New("seed: the app's database is not a *dbx.DB")
	}
	g := newGen(app, b.DB(), o, progress)
	began := time.Now()
	restore, err := deferIndexes(app)
	if err != nil {
		return err
	}
	err = g.run()
	if err != nil {
		g.w.rollback()
	}
	g.p.setPhase("indexes")
	if ierr := restore(); ierr != nil && err == nil {
		err = ierr
	}
	if err != nil {
		return err
	}
	g.p.setPhase("kpi rebuild")
	st, err := kpi.Rebuild(app)
	if err != nil {
		return err
	}
	g.p.finish()
	if progress != nil {
		fmt.Fprintf(progress, "seed: %s partners, %s people, %s deals, %s deal events, %s activity rows, %s certificates in %s (kpi rebuild %s: %s daily, %s monthly rows)\n",
			group(g.counts.partners), group(g.counts.users), group(g.counts.deals), group(g.counts.dealEvents),
			group(g.counts.activity), group(g.counts.certificates), time.Since(began).Round(time.Second),
			st.Took.Round(time.Millisecond), group(st.DailyRows), group(st.MonthlyRows))
		fmt.Fprintf(progress, "seed: database %s; sign in as %s (admin), %s (manager), %s (partner admin) with password %q\n",
			dbSize(app), g.adminEmail, ManagerEmail(o.Seed, 0), PersonEmail(o.Seed, 0, 0), Password)
	}
	return nil
}

// bulkTables are the big tables whose secondary indexes are built once
// after the load rather than kept through millions of random inserts.
var bulkTables = []string{"activity", "deals", "deal_events", "messages"}

// deferIndexes drops the non-unique indexes of bulkTables and returns the
// function that creates them again (with the same SQL, so the collections'
// definitions still match). An interrupted run (killed process) leaves them
// missing along with a partial data set: start again from an empty data dir.
func deferIndexes(app core.App) (func() error, error) {
	var idx []struct {
		Name string `db:"name"`
		SQL  string `db:"sql"`
	}
	err := app.NonconcurrentDB().NewQuery(`SELECT name, sql FROM sqlite_master WHERE type = 'index'
		AND sql IS NOT NULL AND sql NOT LIKE 'CREATE UNIQUE%' AND tbl_name IN ('` + strings.Join(bulkTables, "', '") + `')`).All(&idx)
	if err != nil {
		return nil, err
	}
	for _, i := range idx {
		if _, err := app.NonconcurrentDB().NewQuery("DROP INDEX IF EXISTS " + app.NonconcurrentDB().QuoteSimpleColumnName(i.Name)).Execute(); err != nil {
			return nil, err
		}
	}
	return func() error {
		var errs []error
		for _, i := range idx {
			if _, err := app.NonconcurrentDB().NewQuery(i.SQL).Execute(); err != nil {
				errs = append(errs, fmt.Errorf("seed: restore index %s: %w", i.Name, err))
			}
		}
		return errors.Join(errs...)
	}, nil
}

func (o *Options) validate() error {
	switch {
	case o.Partners < 1 || o.Partners > 1_000_000:
		return errors.New("seed: --partners must be between 1 and 1,000,000")
	case o.Users < 0 || o.Users > 10_000_000:
		return errors.New("seed: --users must be between 0 and 10,000,000")
	case o.Deals < 0 || o.Deals > 50_000_000:
		return errors.New("seed: --deals must be between 0 and 50,000,000")
	case o.Events < 0 || o.Events > 500_000_000:
		return errors.New("seed: --events must be between 0 and 500,000,000")
	case o.Months < 1 || o.Months > 120:
		return errors.New("seed: --months must be between 1 and 120")
	}
	if o.Until.IsZero() {
		o.Until = time.Now().UTC()
	}
	return nil
}

// dbSize is the size of the data files on disk.
func dbSize(app core.App) string {
	var total int64
	for _, f := range []string{"data.db", "data.db-wal"} {
		if st, err := os.Stat(filepath.Join(app.DataDir(), f)); err == nil {
			total += st.Size()
		}
	}
	return fmt.Sprintf("%.0f MB", float64(total)/1e6)
}

// stamp is the stored form of a date.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02 15:04:05.000Z") }

type partnerInfo struct {
	id      string
	country int
	tier    int // index into gen.tiers (rank order)
	manager int
	weight  float64 // share of deals and activity
	people  []int32 // indexes into gen.users
	convs   []string
	name    string
}

type userInfo struct {
	id      string
	partner int32
	name    string
}

type gen struct {
	app        core.App
	o          Options
	r          *rand.Rand
	w          *writer
	p          *progress
	pfx        string // id prefix of this seed
	start      time.Time
	days       int
	base       string
	rates      map[string]float64
	tiers      []string
	managers   []string
	adminID    string
	adminEmail string
	partners   []partnerInfo
	users      []userInfo
	userCum    []float64
	dealCum    []float64
	certs      []struct {
		id     string
		months int
	}
	seq    map[string]int
	counts struct{ partners, users, deals, dealEvents, activity, certificates int }
}

func newGen(app core.App, db *sql.DB, o Options, progress io.Writer) *gen {
	g := &gen{app: app, o: o, r: rand.New(rand.NewPCG(o.Seed, 0x9e3779b97f4a7c15)), seq: map[string]int{}}
	end := time.Date(o.Until.Year(), o.Until.Month(), o.Until.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, 1)
	g.start = end.AddDate(0, -o.Months, 0)
	g.days = int(end.Sub(g.start).Hours() / 24)
	g.pfx = "s" + strings.ToLower(fmt.Sprintf("%02s", big36(o.Seed%1296)))
	estimate := o.Partners + o.Users + o.Deals*5 + o.Events*11/10 + o.Users/5
	g.p = newProgress(progress, estimate)
	g.w = newWriter(db, g.p.add)
	g.defineTables()
	return g
}

// big36 writes n in base 36.
func big36(n uint64) string {
	const digits = "0123456789abcdefghijklmnopqrstuvwxyz"
	if n == 0 {
		return "0"
	}
	var s []byte
	for ; n > 0; n /= 36 {
		s = append([]byte{digits[n%36]}, s...)
	}
	return string(s)
}

// id returns the next 15-character id of a kind (one letter).
func (g *gen) id(kind string) string {
	g.seq[kind]++
	return fmt.Sprintf("%s%s%011d", g.pfx, kind, g.seq[kind])
}

func (g *gen) defineTables() {
	w := g.w
	w.define("tiers", "id", "name", "rank", "colour", "benefits", "min_revenue_12m", "min_certified_users", "created", "updated")
	w.define("currency_rates", "id", "currency", "rate", "updated_by", "created", "updated")
	w.define("users", "id", "email", "password", "tokenKey", "emailVisibility", "verified", "name", "avatar", "role",
		"partner", "locale", "job_title", "deactivated", "created", "updated")
	w.define("partners", "id", "name", "slug", "tier", "status", "country", "region", "website", "logo", "manager",
		"joined", "created", "updated")
	w.define("conversations", "id", "partner", "subject", "created_by", "participants", "last_message_at", "created", "updated")
	w.define("deals", "id", "partner", "submitted_by", "customer_name", "customer_domain", "customer_country",
		"customer_key", "domain_key", "product", "amount", "currency", "amount_base", "stage", "status",
		"expected_close", "submitted", "protection_until", "closed", "notes", "decided_by", "decided", "reason",
		"conflict", "conflict_with", "created", "updated")
	w.define("deal_events", "id", "deal", "partner", "user", "from_stage", "to_stage", "from_status", "to_status",
		"from_amount_base", "to_amount_base", "comment", "at", "created")
	w.define("certifications", "id", "name", "description", "description_html", "validity_months", "required_courses", "created", "updated")
	w.define("certificates", "id", "user", "partner", "certification", "holder_name", "partner_name", "code", "issued",
		"expires", "status", "revoked", "revoked_by", "revocation_reason", "reminded_30", "reminded_7", "created", "updated")
	w.define("messages", "id", "conversation", "author", "body", "body_html", "attachments", "created")
	w.define("activity", "id", "user", "partner", "kind", "target_collection", "target_id", "created")
}

func (g *gen) run() error {
	for _, step := range []struct {
		name string
		fn   func() error
	}{
		{"tiers", g.genTiers},
		{"rates", g.genRates},
		{"staff", g.genStaff},
		{"partners", g.genPartners},
		{"people", g.genUsers},
		{"deals", g.genDeals},
		{"certificates", g.genCertificates},
		{"activity", g.genActivity},
	} {
		g.p.setPhase(step.name)
		if err := step.fn(); err != nil {
			return err
		}
	}
	return g.w.close()
}

// when returns a moment of the history: business hours mostly, weekdays
// mostly, and more of them in later months (the network grows).
func (g *gen) when() time.Time {
	for {
		u := g.r.Float64()
		if g.r.Float64() < 0.6 {
			u = math.Sqrt(u)
		}
		day := g.start.AddDate(0, 0, min(int(u*float64(g.days)), g.days-1))
		if wd := day.Weekday(); (wd == time.Saturday || wd == time.Sunday) && g.r.Float64() < 0.7 {
			continue
		}
		sec := 8*3600 + g.r.IntN(11*3600)
		if g.r.Float64() < 0.1 {
			sec = g.r.IntN(24 * 3600)
		}
		return day.Add(time.Duration(sec)*time.Second + time.Duration(g.r.IntN(1000))*time.Millisecond)
	}
}

// end is the first moment after the history.
func (g *gen) end() time.Time { return g.start.AddDate(0, 0, g.days) }

// pick returns an index drawn with the weights whose running sums are cum.
func (g *gen) pick(cum []float64) int {
	x := g.r.Float64() * cum[len(cum)-1]
	return min(sort.SearchFloat64s(cum, x), len(cum)-1)
}

// token returns n random characters from the id alphabet.
func (g *gen) token(n int) string {
	const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[g.r.IntN(len(alphabet))]
	}
	return string(b)
}

func (g *gen) genTiers() error {
	if err := g.app.DB().NewQuery("SELECT id FROM tiers ORDER BY rank, name").Column(&g.tiers); err != nil {
		return err
	}
	if len(g.tiers) > 0 {
		return nil
	}
	now := stamp(g.start)
	for i, t := range []struct {
		name, colour string
		revenue      float64
		certified    int
	}{
		{"Registered", "#6b7280", 0, 0}, {"Silver", "#64748b", 250000, 2},
		{"Gold", "#b45309", 1000000, 5}, {"Platinum", "#334155", 5000000, 10},
	} {
		id := g.id("t")
		g.tiers = append(g.tiers, id)
		if err := g.w.add("tiers", id, t.name, i, t.colour, "", t.revenue, t.certified, now, now); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) genRates() error {
	g.base = "BRL"
	var base string
	if err := g.app.DB().NewQuery("SELECT base_currency FROM settings LIMIT 1").Row(&base); err == nil && base != "" {
		g.base = base
	}
	baseBRL, ok := brlPer[g.base]
	if !ok {
		baseBRL = brlPer["USD"]
	}
	g.rates = map[string]float64{}
	var existing []struct {
		Currency string  `db:"currency"`
		Rate     float64 `db:"rate"`
	}
	if err := g.app.DB().NewQuery("SELECT currency, rate FROM currency_rates").All(&existing); err != nil {
		return err
	}
	for _, e := range existing {
		g.rates[e.Currency] = e.Rate
	}
	now := stamp(g.start)
	for _, c := range currencies {
		if _, ok := g.rates[c]; ok {
			continue
		}
		rate := math.Round(brlPer[c]/baseBRL*1e6) / 1e6
		if c == g.base {
			rate = 1
		}
		g.rates[c] = rate
		if err := g.w.add("currency_rates", g.id("r"), c, rate, "", now, now); err != nil {
			return err
		}
	}
	return nil
}

// person writes one users row.
func (g *gen) person(id, email, hash, name, role, partner, locale, title string, deactivated bool, created time.Time) error {
	return g.w.add("users", id, email, hash, g.token(50), false, true, name, "", role, partner, locale, title,
		deactivated, stamp(created), stamp(created))
}

func (g *gen) personName() string {
	return firstNames[g.r.IntN(len(firstNames))] + " " + lastNames[g.r.IntN(len(lastNames))]
}

// passwordHash hashes Password once per process: every generated person
// shares it (bcrypt per person would take minutes).
var passwordHash = sync.OnceValues(func() (string, error) {
	h, err := bcrypt.GenerateFromPassword([]byte(Password), bcrypt.DefaultCost)
	return string(h), err
})

func (g *gen) genStaff() error {
	hash, err := passwordHash()
	if err != nil {
		return err
	}
	joined := g.start.AddDate(-2, 0, 0)
	var admins int
	if err := g.app.DB().NewQuery("SELECT COUNT(*) FROM users WHERE role = 'admin'").Row(&admins); err != nil {
		return err
	}
	if admins == 0 {
		g.adminID, g.adminEmail = g.id("a"), AdminEmail(g.o.Seed)
		if err := g.person(g.adminID, g.adminEmail, hash, "Admin Seed", "admin", "", "pt-BR", "Channel director", false, joined); err != nil {
			return err
		}
	} else {
		err := g.app.DB().NewQuery("SELECT id, email FROM users WHERE role = 'admin' ORDER BY created LIMIT 1").
			Row(&g.adminID, &g.adminEmail)
		if err != nil {
			return err
		}
	}
	for i := range max(1, g.o.Partners/50) {
		id := g.id("m")
		g.managers = append(g.managers, id)
		if err := g.person(id, ManagerEmail(g.o.Seed, i), hash, g.personName(), "manager", "", "pt-BR", "Channel manager", false, joined); err != nil {
			return err
		}
	}
	return nil
}

func (g *gen) genPartners() error {
	cw := make([]float64, len(countries))
	for i, c := range countries {
		cw[i] = float64(c.weight)
		if i > 0 {
			cw[i] += cw[i-1]
		}
	}
	// Lower tiers are more common: weights 4, 3, 2, 1 … from the lowest.
	tw := make([]float64, len(g.tiers))
	for i := range tw {
		tw[i] = float64(max(len(g.tiers)-i, 1))
		if i > 0 {
			tw[i] += tw[i-1]
		}
	}
	suffix := map[string]string{"BR": "Ltda", "MX": "SA de CV", "US": "Inc.", "CA": "Inc.", "GB": "Ltd", "DE": "GmbH",
		"ES": "S.L.", "PT": "Lda", "AR": "S.A.", "CL": "SpA", "CO": "S.A.S."}
	g.dealCum = make([]float64, g.o.Partners)
	for p := range g.o.Partners {
		ci, ti := g.pick(cw), g.pick(tw)
		c := countries[ci]
		word, kind := partnerWords[p%len(partnerWords)], partnerKinds[(p/len(partnerWords))%len(partnerKinds)]
		name := word + " " + kind
		if n := p / (len(partnerWords) * len(partnerKinds)); n > 0 {
			name += fmt.Sprintf(" %d", n+1)
		}
		if s := suffix[c.code]; s != "" {
			name += " " + s
		}
		status := "active"
		switch x := g.r.IntN(100); {
		case x < 5:
			status = "suspended"
		case x < 8:
			status = "applicant"
		case x < 15:
			status = "onboarding"
		}
		weight := float64(ti+1) * (0.2 + g.r.ExpFloat64())
		if status != "active" {
			weight *= 0.2
		}
		info := partnerInfo{id: g.id("p"), country: ci, tier: ti, manager: g.r.IntN(len(g.managers)), weight: weight, name: name}
		g.partners = append(g.partners, info)
		joined := g.start.AddDate(0, 0, -g.r.IntN(3*365))
		slug := fmt.Sprintf("%s-%s%d", slugify(word+" "+kind), g.pfx, p)
		if err := g.w.add("partners", info.id, name, slug, g.tiers[ti], status, c.code, c.region,
			"https://"+slugify(word+kind)+fmt.Sprint(p)+"."+c.tld, "", g.managers[info.manager], stamp(joined), stamp(joined), stamp(joined)); err != nil {
			return err
		}
		g.counts.partners++
	}
	return nil
}

// slugify keeps ASCII letters and digits, lower case, words joined by "-".
func slugify(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(fold(s)) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
		} else {
			dash = true
		}
	}
	return b.String()
}

// fold drops the accents of the letters the word lists use.
func fold(s string) string {
	return strings.NewReplacer("á", "a", "ã", "a", "â", "a", "à", "a", "é", "e", "ê", "e", "í", "i", "ó", "o",
		"ô", "o", "õ", "o", "ú", "u", "ü", "u", "ç", "c", "ñ", "n", "Á", "A", "É", "E", "Í", "I", "Ó", "O",
		"Ú", "U", "Ç", "C", "Ñ", "N", "Ô", "O", "Ê", "E").Replace(s)
}

func (g *gen) genUsers() error {
	hash, err := passwordHash()
	if err != nil {
		return err
	}
	pw := make([]float64, len(g.partners))
	for i, p := range g.partners {
		pw[i] = p.weight
		if i > 0 {
			pw[i] += pw[i-1]
		}
	}
	// Every partner gets its admin first, the other people go where the
	// business is.
	g.users = make([]userInfo, 0, g.o.Users)
	for i := range g.o.Users {
		p := i
		if i >= len(g.partners) {
			p = g.pick(pw)
		}
		g.users = append(g.users, userInfo{partner: int32(p)})
	}
	g.userCum = make([]float64, len(g.users))
	for i := range g.users {
		u := &g.users[i]
		part := &g.partners[u.partner]
		ordinal := len(part.people)
		part.people = append(part.people, int32(i))
		u.id, u.name = g.id("u"), g.personName()
		role := "partner_user"
		if ordinal == 0 || g.r.IntN(20) == 0 {
			role = "partner_admin"
		}
		c := countries[part.country]
		deactivated := ordinal > 0 && g.r.IntN(33) == 0
		created := g.start.AddDate(0, 0, -g.r.IntN(400)+g.r.IntN(g.days))
		if err := g.person(u.id, PersonEmail(g.o.Seed, int(u.partner), ordinal), hash, u.name, role, part.id, c.locale,
			jobTitles[g.r.IntN(len(jobTitles))], deactivated, created); err != nil {
			return err
		}
		g.counts.users++
		w := 0.0
		if !deactivated && g.r.IntN(100) >= 12 { // some people never come back
			w = part.weight * g.r.ExpFloat64()
		}
		g.userCum[i] = w
		if i > 0 {
			g.userCum[i] += g.userCum[i-1]
		}
	}
	// Deals go to partners with people.
	subjects := []string{"Renovação de contrato", "Dúvidas sobre o programa", "Campanha do trimestre", "Treinamento da equipe"}
	for i := range g.partners {
		part := &g.partners[i]
		w := 0.0
		if len(part.people) > 0 {
			w = part.weight
			admin := g.users[part.people[0]].id
			for k := 0; k < 2; k++ {
				id := g.id("v")
				part.convs = append(part.convs, id)
				participants := fmt.Sprintf(`["%s","%s"]`, admin, g.managers[part.manager])
				if err := g.w.add("conversations", id, part.id, subjects[(i+k)%len(subjects)], admin, participants,
					stamp(g.end()), stamp(g.start), stamp(g.end())); err != nil {
					return err
				}
			}
		}
		g.dealCum[i] = w
		if i > 0 {
			g.dealCum[i] += g.dealCum[i-1]
		}
	}
	return nil
}
