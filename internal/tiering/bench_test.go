package tiering_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/seed"
	"github.com/ponte-portal/ponte/internal/testapp"
	"github.com/ponte-portal/ponte/internal/tiering"
)

// benchNetwork is the generator's network — 2,000 partners, 20,000
// people, 200,000 deals over 12 months, certificates and KPI rollups
// included; 200,000 activity rows rather than 2,000,000, since no tier rule
// reads them — generated once per test binary and cloned per benchmark.
var benchNetwork = testapp.Cached(func(t testing.TB) *tests.TestApp {
	app := testapp.NewEmpty(t)
	o := seed.DefaultOptions()
	o.Events = 200000
	if err := seed.Run(app, o, nil); err != nil {
		t.Fatal(err)
	}
	return app
})

// BenchmarkEvaluateAll evaluates every active partner of the generator's
// network as the nightly job does, one night per iteration, so grace
// counts advance and every review is rewritten.
//
//	go test ./internal/tiering/ -run '^$' -bench . -benchtime 5x
func BenchmarkEvaluateAll(b *testing.B) {
	app := benchNetwork(b)
	night := time.Now().UTC()
	var s tiering.Summary
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var err error
		if s, err = tiering.EvaluateAll(app, night.AddDate(0, 0, i)); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if s.Partners < 1000 {
		b.Fatalf("evaluated only %d partners", s.Partners)
	}
	b.ReportMetric(float64(s.Partners), "partners")
	b.Logf("last night: %+v", s)
}

// BenchmarkTierPages serves the admins' review page (all, and filtered) and
// a partner user's programme page with its standing, on the evaluated
// network.
func BenchmarkTierPages(b *testing.B) {
	app := benchNetwork(b)
	if _, err := tiering.EvaluateAll(app, time.Now().UTC()); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(testapp.Serve(b, app))
	b.Cleanup(srv.Close)
	for _, c := range []struct{ name, email, path string }{
		{"reviews", seed.AdminEmail(1), "/tiers/reviews"},
		{"reviews_demote", seed.AdminEmail(1), "/tiers/reviews?show=demote&status=proposed"},
		{"reviews_page3", seed.AdminEmail(1), "/tiers/reviews?page=3"},
		{"tiers_partner", seed.PersonEmail(1, 7, 1), "/tiers"},
		{"history", seed.AdminEmail(1), "/partners/" + partnerSlug(b, app, 7) + "/tiers"},
	} {
		ck, _ := testapp.SessionCookie(b, app, c.email)
		b.Run(c.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				req, _ := http.NewRequest(http.MethodGet, srv.URL+c.path, nil)
				req.AddCookie(ck)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					b.Fatalf("%s: %d", c.path, res.StatusCode)
				}
			}
		})
	}
}

// partnerSlug returns the slug of the partner of the generator's person
// PersonEmail(1, p, 0).
func partnerSlug(b *testing.B, app *tests.TestApp, p int) string {
	u, err := app.FindAuthRecordByEmail("users", seed.PersonEmail(1, p, 0))
	if err != nil {
		b.Fatal(err)
	}
	pr, err := app.FindRecordById("partners", u.GetString("partner"))
	if err != nil {
		b.Fatal(err)
	}
	return pr.GetString("slug")
}
