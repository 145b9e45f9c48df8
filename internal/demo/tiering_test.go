package demo_test

import (
	"testing"

	"github.com/pocketbase/dbx"

	"github.com/ponte-portal/ponte/internal/testapp"
	"github.com/ponte-portal/ponte/internal/tiering"
)

// TestDemoTierReviews: the demo's reviews page shows a promotion, a
// partner at risk in its grace period and a proposed demotion, and the
// history has older changes as well as today's manual one.
func TestDemoTierReviews(t *testing.T) {
	app := testapp.NewEmpty(t)
	mustLoad(t, app)
	bySlug := func(slug string) string {
		p, err := app.FindFirstRecordByData("partners", "slug", slug)
		if err != nil {
			t.Fatal(err)
		}
		return p.Id
	}
	want := map[string]func(rec, status string, atRisk bool) bool{
		"soluciones-anahuac": func(rec, st string, _ bool) bool { return rec == tiering.Promote && st == tiering.StatusProposed },
		"lakeshore-data":     func(rec, st string, _ bool) bool { return rec == tiering.Demote && st == tiering.StatusProposed },
		"capibaribe-digital": func(rec, _ string, risk bool) bool { return rec == tiering.Keep && risk },
		"paulista-cloud":     func(rec, _ string, risk bool) bool { return rec == tiering.Keep && !risk },
	}
	for slug, ok := range want {
		rv, err := app.FindFirstRecordByData("tier_reviews", "partner", bySlug(slug))
		if err != nil {
			t.Fatalf("review of %s: %v", slug, err)
		}
		if !ok(rv.GetString("recommendation"), rv.GetString("status"), rv.GetBool("at_risk")) {
			t.Errorf("review of %s: %v", slug, rv.FieldsData())
		}
	}
	n := count(t, app, "tier_changes")
	manual := count(t, app, "tier_changes", dbx.HashExp{"partner": bySlug("capibaribe-digital"), "source": tiering.SourceManual})
	if n < 3 || manual != 1 {
		t.Fatalf("%d tier changes (%d manual for capibaribe), want ≥ 3 and 1", n, manual)
	}
}
