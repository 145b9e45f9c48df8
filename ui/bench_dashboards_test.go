package ui_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/kpi"
	"github.com/ponte-portal/ponte/internal/seed"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// dashMetrics are the metrics the KPI seed writes, with the chance that a
// partner has a row for it on a given day and the range of its daily value.
var dashMetrics = []struct {
	name   string
	chance float64
	lo, hi float64
}{
	{"users.active", 0.6, 1, 6}, {"users.logins", 0.6, 1, 12}, {"documents.downloads", 0.3, 1, 8},
	{"forum.posts", 0.1, 1, 3}, {"messages.sent", 0.2, 1, 5}, {"announcements.read", 0.2, 1, 6},
	{"training.enrolments", 0.05, 1, 2}, {"training.completed", 0.04, 1, 2}, {"training.certified", 0.02, -1, 2},
	{"deals.registered", 0.12, 1, 3}, {"deals.approved", 0.1, 1, 2}, {"deals.won", 0.05, 1, 2},
	{"deals.lost", 0.04, 1, 2}, {"revenue.won", 0.05, 5000, 250000}, {"pipeline", 0.12, -50000, 200000},
	{"pipeline.registered", 0.1, -20000, 80000}, {"pipeline.qualified", 0.08, -20000, 60000},
	{"pipeline.proposal", 0.06, -20000, 50000}, {"pipeline.negotiation", 0.05, -20000, 40000},
}

// seedKPIScale writes a year of kpi_daily rows for every partner (each
// metric on a share of the days, from a fixed seed) and kpi_monthly rows for
// 24 months (the monthly sums of the daily rows for the last 12 months, the
// same shape for the 12 before), with prepared INSERTs in one transaction.
// It returns what it wrote.
func seedKPIScale(b *testing.B, app core.App, today time.Time) string {
	b.Helper()
	var partners []string
	if err := app.DB().Select("id").From("partners").Column(&partners); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(6, 2026))
	start := today.AddDate(0, 0, -364)
	var daily, monthly int
	err := app.RunInTransaction(func(tx core.App) error {
		ins := func(table, col string) *dbxPrepared {
			q := tx.DB().NewQuery("INSERT INTO " + table + " (id, partner, " + col + ", metric, value) VALUES ({:id}, {:p}, {:k}, {:m}, {:v})")
			return &dbxPrepared{q: q.Prepare()}
		}
		d, m := ins("kpi_daily", "day"), ins("kpi_monthly", "month")
		defer d.q.Close()
		defer m.q.Close()
		n := 0
		id := func() string { n++; return fmt.Sprintf("k%014d", n) }
		for _, p := range partners {
			months := map[string]map[string]float64{}
			for day := start; !day.After(today); day = day.AddDate(0, 0, 1) {
				mk := day.Format("2006-01")
				for _, mt := range dashMetrics {
					if rng.Float64() >= mt.chance {
						continue
					}
					v := float64(int(mt.lo + rng.Float64()*(mt.hi-mt.lo)))
					if err := d.exec(id(), p, day.Format("2006-01-02"), mt.name, v); err != nil {
						return err
					}
					daily++
					if months[mk] == nil {
						months[mk] = map[string]float64{}
					}
					months[mk][mt.name] += v
				}
			}
			for mk, ms := range months {
				t, _ := time.Parse("2006-01", mk)
				prev := t.AddDate(-1, 0, 0).Format("2006-01")
				for name, v := range ms {
					if err := m.exec(id(), p, mk, name, v); err != nil {
						return err
					}
					monthly++
					if months[prev] != nil {
						continue // the first month of the year is also a month of daily rows
					}
					if err := m.exec(id(), p, prev, name, v*0.8); err != nil {
						return err
					}
					monthly++
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return fmt.Sprintf("seeded %d partners, %d kpi_daily rows (365 days) and %d kpi_monthly rows (24 months)", len(partners), daily, monthly)
}

// dbxPrepared is one prepared INSERT of a kpi row.
type dbxPrepared struct{ q *dbx.Query }

func (p *dbxPrepared) exec(id, partner, key, metric string, value float64) error {
	_, err := p.q.Bind(dbx.Params{"id": id, "p": partner, "k": key, "m": metric, "v": value}).Execute()
	return err
}

// BenchmarkDashboards measures the dashboards and scorecards as whole page
// views (session, rules, rollup queries, charts, templates) over loopback
// HTTP on 2,000 partners, 20,000 users and a year of daily KPI rows, with
// the median and 99th-percentile request time of each page.
// Run: go test -run XXX -bench Dashboards -benchtime 100x ./ui/
func BenchmarkDashboards(b *testing.B) {
	app := testapp.New(b)
	seedScale(b, app)
	today := time.Now().UTC().Truncate(24 * time.Hour)
	seeded := seedKPIScale(b, app, today)
	// The rows went in by SQL, not kpi.Add: cover them with running totals
	// as the server's daily job would.
	if _, err := kpi.Seal(app, today); err != nil {
		b.Fatal(err)
	}
	if _, err := app.DB().NewQuery("ANALYZE").Execute(); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(testapp.Serve(b, app))
	defer srv.Close()
	ck := func(email string) *http.Cookie {
		c, _ := testapp.SessionCookie(b, app, email)
		return c
	}
	admin, manager := ck(testapp.AdminEmail), ck("m3@bench.test")
	partnerUser, partnerAdmin := ck("u1500.4@bench.test"), ck("u1501.0@bench.test")
	days92 := "?from=" + today.AddDate(0, 0, -91).Format("2006-01-02") + "&to=" + today.Format("2006-01-02")
	runPageCases(b, app, srv, seeded, []benchCase{
		{"staff_12_months", "/dashboard", admin},
		{"staff_12_months_gold_latam", "/dashboard?tier=" + testapp.TierGold + "&region=latam", admin},
		{"staff_92_days_daily", "/dashboard" + days92, admin},
		{"manager_12_months", "/dashboard", manager},
		{"partner_12_months", "/dashboard", partnerUser},
		{"scorecard_partner_admin", "/partners/revenda-1501/scorecard", partnerAdmin},
		{"scorecard_staff", "/partners/revenda-1500/scorecard", admin},
		{"staff_export_engagement_csv", "/dashboard/export/engagement.csv", admin},
	})
}

// BenchmarkDashboardsSeed measures the same pages on the data generator's
// network (seed.Run with seed.DefaultOptions: 2,000 partners, 20,000
// people, 200,000 deals, 2,000,000 events over 12 months, KPI rollups
// rebuilt from them). Generating it takes minutes, so it runs only when
// asked: go test -run XXX -bench DashboardsSeed -benchtime 20x ./ui/
func BenchmarkDashboardsSeed(b *testing.B) {
	app := testapp.NewEmpty(b)
	o := seed.DefaultOptions()
	began := time.Now()
	if err := seed.Run(app, o, nil); err != nil {
		b.Fatal(err)
	}
	var daily, monthly int
	_ = app.DB().NewQuery("SELECT COUNT(*) FROM kpi_daily").Row(&daily)
	_ = app.DB().NewQuery("SELECT COUNT(*) FROM kpi_monthly").Row(&monthly)
	seeded := fmt.Sprintf("seed.Run %+v in %s: %d kpi_daily and %d kpi_monthly rows", o, time.Since(began).Round(time.Second), daily, monthly)
	if _, err := app.DB().NewQuery("ANALYZE").Execute(); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(testapp.Serve(b, app))
	defer srv.Close()
	ck := func(email string) *http.Cookie {
		c, _ := testapp.SessionCookie(b, app, email)
		return c
	}
	var slug string
	if err := app.DB().NewQuery("SELECT p.slug FROM users u JOIN partners p ON p.id = u.partner WHERE u.email = {:e}").
		Bind(dbx.Params{"e": seed.PersonEmail(o.Seed, 7, 0)}).Row(&slug); err != nil {
		b.Fatal(err)
	}
	admin, manager := ck(seed.AdminEmail(o.Seed)), ck(seed.ManagerEmail(o.Seed, 0))
	partnerUser, partnerAdmin := ck(seed.PersonEmail(o.Seed, 7, 1)), ck(seed.PersonEmail(o.Seed, 7, 0))
	runPageCases(b, app, srv, seeded, []benchCase{
		{"staff_12_months", "/dashboard", admin},
		{"manager_12_months", "/dashboard", manager},
		{"partner_12_months", "/dashboard", partnerUser},
		{"scorecard_partner_admin", "/partners/" + slug + "/scorecard", partnerAdmin},
		{"scorecard_staff", "/partners/" + slug + "/scorecard", admin},
	})
}
