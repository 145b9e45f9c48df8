package hooks_test

import (
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/kpi"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// saveAnswer saves an answer from Go (the hooks run as for any Save).
func saveAnswer(app core.App, survey, user string, score int, extra map[string]any) (*core.Record, error) {
	c, err := app.FindCollectionByNameOrId("survey_responses")
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(c)
	r.Set("survey", survey)
	r.Set("user", user)
	r.Set("score", score)
	for k, v := range extra {
		r.Set(k, v)
	}
	return r, app.Save(r)
}

func surveyCount(t *testing.T, app core.App, table string, where dbx.Expression) int {
	t.Helper()
	var n int
	if err := app.DB().Select("COUNT(*)").From(table).Where(where).Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSurveyAnswerFeedsSatisfaction: each answer adds one activity event of
// its NPS band for the user's partner, and the KPI rollups count it.
func TestSurveyAnswerFeedsSatisfaction(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedSurveys(t, app)
	answers := map[string]any{"answers": map[string]string{"q1": "Portal"}}
	for _, c := range []struct {
		user   string
		score  int
		kind   string
		metric string
	}{
		{testapp.AcmeUserID, 10, activity.KindSurveyPromoter, kpi.SurveyPromoters},
		{testapp.AcmeAdminID, 7, activity.KindSurveyPassive, kpi.SurveyPassives},
		{testapp.GlobexUserID, 0, activity.KindSurveyDetractor, kpi.SurveyDetractors},
	} {
		r, err := saveAnswer(app, testapp.SurveyOpen, c.user, c.score, answers)
		if err != nil {
			t.Fatalf("answer by %s: %v", c.user, err)
		}
		user, _ := app.FindRecordById("users", c.user)
		partner := user.GetString("partner")
		if r.GetString("partner") != partner {
			t.Errorf("answer partner %q, want the user's %q", r.GetString("partner"), partner)
		}
		n := surveyCount(t, app, "activity", dbx.HashExp{"kind": c.kind, "user": c.user, "partner": partner,
			"target_collection": "survey_responses", "target_id": r.Id})
		if n != 1 {
			t.Errorf("%d %s events for %s, want 1", n, c.kind, c.user)
		}
		day := time.Now().UTC().Format(time.DateOnly)
		var v float64
		err = app.DB().Select("value").From("kpi_daily").
			Where(dbx.HashExp{"partner": partner, "day": day, "metric": c.metric}).Row(&v)
		if err != nil || v < 1 {
			t.Errorf("kpi_daily %s for %s today = %v (%v), want ≥ 1", c.metric, partner, v, err)
		}
	}
}

// TestSurveyAnswerTwiceRefused: a second answer by the same person is
// refused by the hook with its code, and nothing is written.
func TestSurveyAnswerTwiceRefused(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedSurveys(t, app)
	if _, err := saveAnswer(app, testapp.SurveyGold, testapp.AcmeUserID, 9, nil); err != nil {
		t.Fatal(err)
	}
	events := surveyCount(t, app, "activity", dbx.HashExp{"user": testapp.AcmeUserID})
	_, err := saveAnswer(app, testapp.SurveyGold, testapp.AcmeUserID, 2, nil)
	if code := validationCode(err, "survey"); code != "validation_survey_answered" {
		t.Fatalf("second answer: %v (code %q), want validation_survey_answered", err, code)
	}
	if n := surveyCount(t, app, "survey_responses", dbx.HashExp{"survey": testapp.SurveyGold}); n != 1 {
		t.Errorf("%d answers stored, want 1", n)
	}
	if n := surveyCount(t, app, "activity", dbx.HashExp{"user": testapp.AcmeUserID}); n != events {
		t.Errorf("activity grew from %d to %d on a refused answer", events, n)
	}
}

// TestSurveyAnswerChecks: the hook refuses a staff answer, a bad score and
// answers that do not fit the questions; a partner set by the client is
// replaced by the user's.
func TestSurveyAnswerChecks(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedSurveys(t, app)
	for name, c := range map[string]struct {
		user, field, code string
		score             int
		extra             map[string]any
	}{
		"staff":            {testapp.ManagerAnaID, "survey", "validation_survey_partners_only", 9, nil},
		"score 11":         {testapp.AcmeUserID, "score", "validation_survey_score", 11, nil},
		"missing required": {testapp.AcmeUserID, "answers", "validation_survey_answer_required", 9, nil},
		"bad choice": {testapp.AcmeUserID, "answers", "validation_survey_answer_choice", 9,
			map[string]any{"answers": map[string]string{"q1": "Fax"}}},
		"unknown question": {testapp.AcmeUserID, "answers", "validation_survey_answers_invalid", 9,
			map[string]any{"answers": map[string]string{"q1": "Portal", "q9": "x"}}},
	} {
		_, err := saveAnswer(app, testapp.SurveyOpen, c.user, c.score, c.extra)
		if code := validationCode(err, c.field); code != c.code {
			t.Errorf("%s: %v (code %q), want %s on %s", name, err, code, c.code, c.field)
		}
	}
	if n := surveyCount(t, app, "survey_responses", dbx.HashExp{"survey": testapp.SurveyOpen}); n != 0 {
		t.Errorf("%d refused answers stored", n)
	}
	r, err := saveAnswer(app, testapp.SurveyOpen, testapp.AcmeUserID, 9,
		map[string]any{"partner": testapp.PartnerGlobex, "answers": map[string]string{"q1": "E-mail", "q3": "4"}})
	if err != nil {
		t.Fatal(err)
	}
	if r.GetString("partner") != testapp.PartnerAcme {
		t.Errorf("partner %q, want the user's (Acme)", r.GetString("partner"))
	}
}

// TestSurveyHistoryKeepsDate: an answer saved with its date (the demo,
// imports) dates its activity event the same day.
func TestSurveyHistoryKeepsDate(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedSurveys(t, app)
	ev, err := app.FindFirstRecordByFilter("activity", "target_id = {:id}", dbx.Params{"id": testapp.RespAcmeCarla})
	if err != nil {
		t.Fatal(err)
	}
	resp, err := app.FindRecordById("survey_responses", testapp.RespAcmeCarla)
	if err != nil {
		t.Fatal(err)
	}
	if ev.GetString("kind") != activity.KindSurveyDetractor || !ev.GetDateTime("created").Equal(resp.GetDateTime("created")) {
		t.Errorf("event %s at %v, want a detractor event at %v", ev.GetString("kind"), ev.GetDateTime("created"), resp.GetDateTime("created"))
	}
	if time.Since(ev.GetDateTime("created").Time()) < 50*24*time.Hour {
		t.Errorf("history event dated %v, want two months ago", ev.GetDateTime("created"))
	}
}

// TestSurveyQuestionsRules: questions are checked, frozen once answered,
// and the intro's HTML is rendered and sanitised on save.
func TestSurveyQuestionsRules(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedSurveys(t, app)
	closed, err := app.FindRecordById("surveys", testapp.SurveyClosed)
	if err != nil {
		t.Fatal(err)
	}
	closed.Set("questions", `[{"id":"q1","kind":"text","label":"New"}]`)
	if code := validationCode(app.Save(closed), "questions"); code != "validation_survey_questions_locked" {
		t.Errorf("questions of an answered survey changed (code %q)", code)
	}
	draft, err := app.FindRecordById("surveys", testapp.SurveyDraft)
	if err != nil {
		t.Fatal(err)
	}
	draft.Set("questions", `[{"id":"q1","kind":"choice","label":"Pick","options":["only one"]}]`)
	if code := validationCode(app.Save(draft), "questions"); code != "validation_survey_question_options" {
		t.Errorf("a choice with one option saved (code %q)", code)
	}
	draft.Set("questions", `[]`)
	draft.Set("intro", "Hi <script>alert(1)</script> **there**")
	if err := app.Save(draft); err != nil {
		t.Fatal(err)
	}
	if h := draft.GetString("intro_html"); h == "" || strings.Contains(h, "<script") || !strings.Contains(h, "<strong>there</strong>") {
		t.Errorf("intro_html %q", h)
	}
}

// TestFeedbackPartnerFromUser: feedback is filed under the writer's
// partner (none for staff) and starts new.
func TestFeedbackPartnerFromUser(t *testing.T) {
	app := testapp.New(t)
	c, err := app.FindCollectionByNameOrId("feedback")
	if err != nil {
		t.Fatal(err)
	}
	for user, partner := range map[string]string{testapp.GlobexUserID: testapp.PartnerGlobex, testapp.ManagerAnaID: ""} {
		r := core.NewRecord(c)
		r.Set("user", user)
		r.Set("partner", testapp.PartnerAcme)
		r.Set("category", "idea")
		r.Set("message", "More webinars please")
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		if r.GetString("partner") != partner || r.GetString("status") != "new" {
			t.Errorf("feedback of %s: partner %q status %q, want %q new", user, r.GetString("partner"), r.GetString("status"), partner)
		}
	}
}
