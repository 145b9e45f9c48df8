package testapp

import (
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/kpi"
	"github.com/ponte-portal/ponte/internal/wire"
)

// Rollup is one kpi row of the dashboards fixture: a partner, a period
// ("YYYY-MM" goes to kpi_monthly, "YYYY-MM-DD" to kpi_daily), a metric and
// its value.
type Rollup struct {
	Partner, Period, Metric string
	Value                   float64
}

// DashboardRollups is the hand-computed KPI fixture the dashboard tests
// check figures against (docs/dashboards.md works through them). The
// period under test is 2025 (previous period 2024).
var DashboardRollups = []Rollup{
	// Acme (Gold, latam, manager Ana).
	{PartnerAcme, "2025-03", "revenue.won", 1000}, {PartnerAcme, "2025-03", "deals.won", 2},
	{PartnerAcme, "2025-06", "revenue.won", 3000}, {PartnerAcme, "2025-06", "deals.won", 1},
	{PartnerAcme, "2025-06", "deals.lost", 1},
	{PartnerAcme, "2024-05", "revenue.won", 500}, {PartnerAcme, "2024-05", "deals.won", 1},
	{PartnerAcme, "2024-05", "deals.lost", 3},
	{PartnerAcme, "2024-11", "pipeline", 2000}, {PartnerAcme, "2024-11", "pipeline.registered", 2000},
	{PartnerAcme, "2025-04", "pipeline", 1000}, {PartnerAcme, "2025-04", "pipeline.proposal", 1000},
	{PartnerAcme, "2025-06", "pipeline", -500}, {PartnerAcme, "2025-06", "pipeline.registered", -500},
	{PartnerAcme, "2024-02", "training.certified", 2}, {PartnerAcme, "2025-08", "training.certified", 1},
	{PartnerAcme, "2025-02", "users.active", 6}, {PartnerAcme, "2025-03", "users.active", 4},
	{PartnerAcme, "2025-05", "users.logins", 240}, {PartnerAcme, "2025-05", "documents.downloads", 60},
	{PartnerAcme, "2025-05", "forum.posts", 12}, {PartnerAcme, "2025-05", "messages.sent", 12},
	{PartnerAcme, "2025-05", "training.completed", 12}, {PartnerAcme, "2025-05", "deals.registered", 12},
	{PartnerAcme, "2025-12-15", "users.active", 2}, {PartnerAcme, "2025-12", "users.active", 2},
	// Globex (Silver, moved to north_america, manager Bruno).
	{PartnerGlobex, "2025-02", "revenue.won", 2000}, {PartnerGlobex, "2025-02", "deals.won", 1},
	{PartnerGlobex, "2025-02", "deals.lost", 1},
	{PartnerGlobex, "2024-07", "revenue.won", 1000}, {PartnerGlobex, "2024-07", "deals.won", 1},
	{PartnerGlobex, "2025-09", "pipeline", 4000}, {PartnerGlobex, "2025-09", "pipeline.negotiation", 4000},
}

// SeedDashboards replaces every kpi row with DashboardRollups, moves Globex
// to the north_america region, sets the tiers' requirements (Silver:
// R$ 1.000 and 1 certified person; Gold: R$ 50.000 and 5) and gives Globex
// R$ 7.000 won ten days ago, for the next-tier progress. Rows are written
// with plain INSERTs, as a rebuilt rollup would be.
func SeedDashboards(t testing.TB, app core.App) {
	t.Helper()
	db := app.DB()
	for _, q := range []string{"DELETE FROM kpi_daily", "DELETE FROM kpi_monthly", "DELETE FROM kpi_running", "DELETE FROM kpi_totals"} {
		if _, err := db.NewQuery(q).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := db.Update("partners", dbx.Params{"region": "north_america"}, dbx.HashExp{"id": PartnerGlobex}).Execute(); err != nil {
		t.Fatal(err)
	}
	for id, req := range map[string][2]float64{TierSilver: {1000, 1}, TierGold: {50000, 5}} {
		if _, err := db.Update("tiers", dbx.Params{"min_revenue_12m": req[0], "min_certified_users": req[1]},
			dbx.HashExp{"id": id}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
	recent := time.Now().UTC().AddDate(0, 0, -10)
	rows := append([]Rollup(nil), DashboardRollups...)
	rows = append(rows, Rollup{PartnerGlobex, recent.Format("2006-01-02"), "revenue.won", 7000},
		Rollup{PartnerGlobex, recent.Format("2006-01"), "revenue.won", 7000})
	for _, r := range rows {
		InsertRollup(t, app, r)
	}
	// Completed months are read from the running totals, as on a server
	// (the KPI hooks seal them daily and at start-up).
	if _, err := kpi.Seal(app, time.Now()); err != nil {
		t.Fatal(err)
	}
}

// InsertRollup writes one kpi row.
func InsertRollup(t testing.TB, app core.App, r Rollup) {
	t.Helper()
	// Through kpi.Add, as the hooks write: a month that is sealed already
	// gets its running totals too.
	if err := kpi.Add(app, kpi.Delta{Partner: r.Partner, Period: r.Period, Metric: r.Metric, Value: r.Value}); err != nil {
		t.Fatal(err)
	}
}

// SeedDashboardsDir writes the dashboards fixture into a data dir (a copy
// from DataDir) before the real binary serves it, for the browser tests.
func SeedDashboardsDir(t testing.TB, dataDir string) {
	t.Helper()
	WithDataDir(t, dataDir, func(app core.App) { SeedDashboards(t, app) })
}

// WithDataDir opens a data dir (a copy from DataDir) with Ponte's hooks
// bound, as the binary would, runs fn on it and closes it: browser tests
// seed through it (SeedDeals, say) before the real binary serves the dir.
func WithDataDir(t testing.TB, dataDir string, fn func(app core.App)) {
	t.Helper()
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dataDir, EncryptionEnv: "ponte_test_env"})
	if err := app.Bootstrap(); err != nil {
		t.Fatalf("testapp: opening %s: %v", dataDir, err)
	}
	defer func() { _ = app.ResetBootstrapState() }()
	if err := wire.Register(app); err != nil {
		t.Fatalf("testapp: registering on %s: %v", dataDir, err)
	}
	fn(app)
}
