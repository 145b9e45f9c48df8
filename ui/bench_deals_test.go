package ui_test

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"runtime"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/deals"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// benchDeals is the deal benchmarks' scale: 100 deals per partner of
// seedScale's 2,000 (PONTE_BENCH_DEALS sets another, for a quick look).
var benchDeals = func() int {
	if n, err := strconv.Atoi(os.Getenv("PONTE_BENCH_DEALS")); err == nil && n > 0 {
		return n
	}
	return 200_000
}()

// benchDealID names the i-th seeded deal.
func benchDealID(i int) string { return fmt.Sprintf("bd%013d", i) }

// seedDealScale inserts benchDeals deals with multi-row INSERTs (keys and
// base amounts computed as the hooks would) over seedScale's partners and
// their people, registered over the last two years, in every stage and
// status, and rebuilds the statistics SQLite plans with.
func seedDealScale(b *testing.B, app core.App) {
	b.Helper()
	rng := rand.New(rand.NewPCG(6, 2026))
	now := time.Now().UTC()
	stages := []string{"registered", "qualified", "proposal", "negotiation", "won", "won", "lost", "lost"}
	statuses := []string{"approved", "approved", "approved", "pending", "rejected", "expired"}
	first := []string{"Hospital", "Construtora", "Rede", "Grupo", "Banco", "Cooperativa", "Transportadora", "Laboratório", "Indústrias", "Editora"}
	second := []string{"Horizonte", "Santa Luzia", "Atlântico", "Boa Vista", "Paraná", "Aurora", "Ipê", "Serra Azul", "Jacarandá", "Pampa"}
	sqlDB, ok := app.NonconcurrentDB().(*dbx.DB)
	if !ok {
		b.Fatal("the app's database is not a *dbx.DB")
	}
	tx, err := sqlDB.DB().Begin()
	if err != nil {
		b.Fatal(err)
	}
	in, err := newRowInserter(tx, "deals", "id", "partner", "submitted_by", "customer_name", "customer_domain", "customer_country",
		"customer_key", "domain_key", "product", "amount", "currency", "amount_base", "stage", "status", "expected_close",
		"submitted", "protection_until", "closed", "notes", "decided_by", "decided", "reason", "conflict", "conflict_with",
		"created", "updated")
	if err != nil {
		b.Fatal(err)
	}
	for i := range benchDeals {
		p := i % benchPartners
		name := fmt.Sprintf("%s %s %d Ltda", first[rng.IntN(len(first))], second[rng.IntN(len(second))], i)
		domain := ""
		if i%3 == 0 {
			domain = fmt.Sprintf("cliente%d.com.br", i)
		}
		amount := math.Round(50_000*(0.2+rng.ExpFloat64())*100) / 100
		cur, rate := "BRL", 1.0
		if i%5 == 0 {
			cur, rate = "USD", 5
		}
		submitted := now.Add(-time.Duration(rng.Int64N(int64(730 * 24 * time.Hour))))
		stage, status := stages[rng.IntN(len(stages))], statuses[rng.IntN(len(statuses))]
		protection, closed, decided := "", "", ""
		if status != "pending" {
			decided = benchDate(submitted.Add(24 * time.Hour))
		}
		if status == "approved" || status == "expired" {
			protection = benchDate(submitted.AddDate(0, 0, 90))
		}
		if !deals.IsOpen(stage) {
			closed = benchDate(submitted.AddDate(0, 0, 60))
		}
		ts := benchDate(submitted)
		if err := in.add(benchDealID(i), fmt.Sprintf("bp%013d", p), fmt.Sprintf("bu%06d%07d", p, i%benchUsersPerPartner),
			name, domain, "BR", deals.CustomerKey(name), deals.DomainKey(domain), "Ponte Cloud", amount, cur,
			deals.ToBase(amount, rate), stage, status, benchDate(submitted.AddDate(0, 0, 90)), ts, protection, closed, "",
			"", decided, "", false, "", ts, ts); err != nil {
			b.Fatal(err)
		}
	}
	if err := in.flush(); err != nil {
		b.Fatal(err)
	}
	if _, err := tx.Exec("ANALYZE"); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// newDealBench seeds the fixture, the scale network, its deals and the
// fixture deals (rates included), and serves the portal.
func newDealBench(b *testing.B) (core.App, *httptest.Server, func(string) *http.Cookie) {
	b.Helper()
	app := testapp.New(b)
	t0 := time.Now()
	seedScale(b, app)
	testapp.SeedDeals(b, app)
	b.Logf("seeded the network in %v", time.Since(t0).Round(time.Millisecond))
	start := time.Now()
	seedDealScale(b, app)
	b.Logf("seeded %d deals in %v", benchDeals, time.Since(start).Round(time.Millisecond))
	srv := httptest.NewServer(testapp.Serve(b, app))
	b.Cleanup(srv.Close)
	return app, srv, func(email string) *http.Cookie {
		ck, _ := testapp.SessionCookie(b, app, email)
		return ck
	}
}

// BenchmarkDealList measures the deals list and deal page at 200,000 deals
// (2,000 partners, 20,000 users): ns/op, median and 99th percentile.
// Run: go test -run XXX -bench DealList -benchtime 200x ./ui/
func BenchmarkDealList(b *testing.B) {
	app, srv, ck := newDealBench(b)
	admin, manager := ck(testapp.AdminEmail), ck("m3@bench.test")
	partnerAdmin, partnerUser := ck("u1503.0@bench.test"), ck("u1503.4@bench.test")
	runPageCases(b, app, srv, fmt.Sprintf("%d deals", benchDeals), []benchCase{
		{"admin_list", "/deals", admin},
		{"admin_list_page40", "/deals?page=40", admin},
		{"admin_pending", "/deals?status=pending", admin},
		{"admin_open_by_amount", "/deals?stage=open&sort=-amount_base", admin},
		{"admin_search", "/deals?q=hospital+aurora", admin},
		{"admin_closing_next_month", "/deals?close_from=" + time.Now().Format(time.DateOnly) + "&close_to=" +
			time.Now().AddDate(0, 1, 0).Format(time.DateOnly) + "&sort=expected_close", admin},
		{"admin_by_manager", "/deals?manager=benchmanager003", admin},
		{"manager_list", "/deals", manager},
		{"partner_admin_list", "/deals", partnerAdmin},
		{"partner_user_list", "/deals", partnerUser},
		{"deal_page_admin", "/deals/" + benchDealID(1503), admin},
	})
}

// BenchmarkDealExport streams the admin's export of every deal (200,000
// rows) and reports rows per second and the peak heap in use while it
// runs, sampled every 5 ms, against the heap before it started.
// Run: go test -run XXX -bench DealExport -benchtime 3x ./ui/
func BenchmarkDealExport(b *testing.B) {
	_, srv, ck := newDealBench(b)
	admin := ck(testapp.AdminEmail)
	client := &http.Client{}
	for b.Loop() {
		runtime.GC()
		var before runtime.MemStats
		runtime.ReadMemStats(&before)
		var peak uint64
		var mu sync.Mutex
		done := make(chan struct{})
		go func() {
			t := time.NewTicker(5 * time.Millisecond)
			defer t.Stop()
			var m runtime.MemStats
			for {
				select {
				case <-done:
					return
				case <-t.C:
					runtime.ReadMemStats(&m)
					mu.Lock()
					peak = max(peak, m.HeapInuse)
					mu.Unlock()
				}
			}
		}()
		start := time.Now()
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/deals/export.csv", nil)
		req.AddCookie(admin)
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		lines := &lineCounter{}
		n, err := io.Copy(lines, res.Body)
		res.Body.Close()
		took := time.Since(start)
		close(done)
		if err != nil || res.StatusCode != http.StatusOK {
			b.Fatalf("export: %d %v", res.StatusCode, err)
		}
		rows := lines.n - 1
		if rows < benchDeals {
			b.Fatalf("exported %d rows, want at least %d", rows, benchDeals)
		}
		mu.Lock()
		b.ReportMetric(float64(rows)/took.Seconds(), "rows/s")
		b.ReportMetric(float64(n)/(1<<20), "MB-file")
		b.ReportMetric(float64(before.HeapInuse)/(1<<20), "heap-before-MB")
		b.ReportMetric(float64(peak)/(1<<20), "heap-peak-MB")
		mu.Unlock()
	}
}

// lineCounter counts the newlines written to it (the CSV has no quoted
// line breaks in this data).
type lineCounter struct{ n int }

func (l *lineCounter) Write(p []byte) (int, error) {
	for _, c := range p {
		if c == '\n' {
			l.n++
		}
	}
	return len(p), nil
}
