package demo_test

import (
	"net/http"
	"testing"

	"github.com/pocketbase/dbx"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/demo"
	"github.com/ponte-portal/ponte/internal/surveys"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// TestDemoSurveys loads the demo and checks its surveys: two closed rounds
// and an open one in one series, a believable closed round with a partner
// under the small-group rule, the open round waiting for the demo partner
// user, every answer counted by the satisfaction KPI, and feedback.
func TestDemoSurveys(t *testing.T) {
	app := testapp.NewEmpty(t)
	mustLoad(t, app)
	rounds, err := app.FindRecordsByFilter("surveys", "series = 'satisfacao-parceiros'", "opens", 0, 0)
	if err != nil || len(rounds) != 3 {
		t.Fatalf("%d rounds (%v), want 3", len(rounds), err)
	}
	if rounds[0].GetString("status") != "closed" || rounds[1].GetString("status") != "closed" || rounds[2].GetString("status") != "open" {
		t.Errorf("round statuses %s %s %s", rounds[0].GetString("status"), rounds[1].GetString("status"), rounds[2].GetString("status"))
	}
	count := func(where dbx.Expression) int {
		t.Helper()
		var n int
		if err := app.DB().Select("COUNT(*)").From("survey_responses").Where(where).Row(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	if n := count(dbx.HashExp{"survey": rounds[1].Id}); n < 25 || n > 40 {
		t.Errorf("last closed round has %d answers, want 25–40", n)
	}
	var small int
	err = app.DB().NewQuery(`SELECT COUNT(*) FROM survey_responses r JOIN partners p ON p.id = r.partner
		WHERE r.survey = {:s} AND p.slug = 'douro-sistemas'`).Bind(dbx.Params{"s": rounds[1].Id}).Row(&small)
	if err != nil || small < 1 || small > 2 {
		t.Errorf("douro-sistemas has %d respondents (%v), want 1–2 (the small group)", small, err)
	}
	lucas, err := app.FindAuthRecordByEmail("users", demo.PartnerUserEmail)
	if err != nil {
		t.Fatal(err)
	}
	if n := count(dbx.HashExp{"survey": rounds[2].Id, "user": lucas.Id}); n != 0 {
		t.Errorf("Lucas has answered the open round")
	}
	if _, err := access.FindVisible(app, access.Info(lucas, http.MethodGet, nil), "surveys", rounds[2].Id); err != nil {
		t.Errorf("Lucas cannot see the open round: %v", err)
	}
	var answers, events int
	if err := app.DB().Select("COUNT(*)").From("survey_responses").Row(&answers); err != nil {
		t.Fatal(err)
	}
	if err := app.DB().NewQuery("SELECT COUNT(*) FROM activity WHERE kind LIKE 'survey.answered_%'").Row(&events); err != nil {
		t.Fatal(err)
	}
	var kpiSum float64
	if err := app.DB().NewQuery("SELECT COALESCE(SUM(value), 0) FROM kpi_monthly WHERE metric LIKE 'satisfaction.%'").Row(&kpiSum); err != nil {
		t.Fatal(err)
	}
	if events != answers || int(kpiSum) != answers {
		t.Errorf("%d answers, %d band events, %v in the monthly satisfaction rollups: want all equal", answers, events, kpiSum)
	}
	var fb int
	if err := app.DB().Select("COUNT(*)").From("feedback").Row(&fb); err != nil || fb < 3 {
		t.Errorf("%d feedback messages (%v), want a handful", fb, err)
	}
	for _, r := range rounds {
		p, d := count(dbx.And(dbx.HashExp{"survey": r.Id}, dbx.NewExp("score >= 9"))), count(dbx.And(dbx.HashExp{"survey": r.Id}, dbx.NewExp("score <= 6")))
		n := count(dbx.HashExp{"survey": r.Id})
		nps, _ := surveys.NPS(p, n-p-d, d)
		t.Logf("%s: %d answers, NPS %+.0f", r.GetString("round"), n, nps)
	}
}
