package access_test

// The surveys access matrix through the REST API: every role × list, view,
// create, update and delete on surveys, survey_responses and feedback, on a
// clone of the fixture with testapp.SeedSurveys and three feedback messages.
// Partner users never read anybody else's answers (not even a colleague's:
// results are computed on the server), answer only for themselves, only
// surveys open to them, and only once.

import (
	"net/http"
	"slices"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// Feedback the matrix seeds: by Diego (Acme), Fabio (Globex) and manager Ana.
const (
	fbAcme   = "feedbackacme001"
	fbGlobex = "feedbackglobex1"
	fbStaff  = "feedbackstaff01"
)

// surveyFactory is the fixture with the fixture surveys and the feedback.
func surveyFactory(t testing.TB) *tests.TestApp {
	t.Helper()
	app := testapp.Factory(t)
	testapp.SeedSurveys(t, app)
	c, err := app.FindCollectionByNameOrId("feedback")
	if err != nil {
		t.Fatal(err)
	}
	for id, user := range map[string]string{fbAcme: testapp.AcmeUserID, fbGlobex: testapp.GlobexUserID, fbStaff: testapp.ManagerAnaID} {
		r := core.NewRecord(c)
		r.Id = id
		r.Set("user", user)
		r.Set("category", "idea")
		r.Set("message", "Feedback "+id)
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	return app
}

var cachedSurveyFactory = testapp.Cached(surveyFactory)

// runSurveys runs scenarios on the cached survey factory.
func runSurveys(t *testing.T, scenarios []tests.ApiScenario) {
	t.Helper()
	for i := range scenarios {
		scenarios[i].TestAppFactory = cachedSurveyFactory
	}
	run(t, scenarios)
}

var (
	allSurveys = []string{testapp.SurveyOpen, testapp.SurveyGold, testapp.SurveyDraft, testapp.SurveyClosed,
		testapp.SurveyOld, testapp.SurveyEnded}
	// Partner users see the open surveys of their audience: never a draft,
	// a closed one, one past its closing date, or another tier's.
	visibleSurveys = map[actor][]string{
		guest: nil, admin: allSurveys, ana: allSurveys, bruno: allSurveys,
		acmeAdmin: {testapp.SurveyOpen, testapp.SurveyGold}, acmeUser: {testapp.SurveyOpen, testapp.SurveyGold},
		globexAdmin: {testapp.SurveyOpen}, globexUser: {testapp.SurveyOpen},
	}

	allResponses = []string{testapp.RespAcmeCarla, testapp.RespAcmeDiego, testapp.RespGlobexElena, testapp.RespGlobexFabio,
		testapp.RespGlobexGina, testapp.RespGlobexHugo, testapp.RespOldElena}
	globexResponses  = []string{testapp.RespGlobexElena, testapp.RespGlobexFabio, testapp.RespGlobexGina, testapp.RespGlobexHugo, testapp.RespOldElena}
	visibleResponses = map[actor][]string{
		guest: nil, admin: allResponses,
		ana:         {testapp.RespAcmeCarla, testapp.RespAcmeDiego},
		bruno:       globexResponses,
		acmeAdmin:   {testapp.RespAcmeCarla}, // not Diego's: a partner admin reads only their own answer
		acmeUser:    {testapp.RespAcmeDiego},
		globexAdmin: {testapp.RespGlobexElena, testapp.RespOldElena},
		globexUser:  {testapp.RespGlobexFabio},
	}

	allFeedback     = []string{fbAcme, fbGlobex, fbStaff}
	visibleFeedback = map[actor][]string{
		guest: nil, admin: allFeedback, ana: {fbAcme, fbStaff}, bruno: {fbGlobex},
		acmeAdmin: nil, acmeUser: {fbAcme}, globexAdmin: nil, globexUser: {fbGlobex},
	}
)

func TestSurveysAPISurveys(t *testing.T) {
	var s []tests.ApiScenario
	for _, a := range actors {
		vis := visibleSurveys[a]
		s = append(s, listS(a, "surveys", allSurveys, vis, nil))
		for _, id := range allSurveys {
			s = append(s, viewS(a, "surveys", id, "survey "+id, slices.Contains(vis, id), nil))
		}
		// Admins write surveys; managers read them.
		st, want := http.StatusBadRequest, 0
		if a == admin {
			st, want = http.StatusOK, 1
		}
		s = append(s, createS(a, "surveys", "a survey by themselves",
			map[string]any{"title": "Matrix survey", "status": "draft", "audience": "all", "created_by": a.id}, st,
			countWith("surveys", "title", "Matrix survey", want)))
		s = append(s, updateDocS(a, "surveys", testapp.SurveyOpen, "the open survey",
			map[string]any{"title": "Renamed survey"}, a == admin, http.StatusNotFound))
		s = append(s, deleteS(a, "surveys", testapp.SurveyDraft, "the draft survey", a == admin,
			http.StatusNotFound, countWith("surveys", "id", testapp.SurveyDraft, 1)))
	}
	s = append(s,
		createS(admin, "surveys", "a survey with its own intro_html",
			map[string]any{"title": "Matrix survey", "status": "draft", "audience": "all", "created_by": testapp.AdminID,
				"intro_html": "<script>x</script>"}, http.StatusBadRequest, countWith("surveys", "title", "Matrix survey", 0)),
		createS(admin, "surveys", "a survey with six questions",
			map[string]any{"title": "Matrix survey", "status": "draft", "audience": "all", "created_by": testapp.AdminID,
				"questions": `[{"id":"a","kind":"text","label":"1"},{"id":"b","kind":"text","label":"2"},{"id":"c","kind":"text","label":"3"},` +
					`{"id":"d","kind":"text","label":"4"},{"id":"e","kind":"text","label":"5"},{"id":"f","kind":"text","label":"6"}]`},
			http.StatusBadRequest, countWith("surveys", "title", "Matrix survey", 0)),
	)
	runSurveys(t, s)
}

// answer is a REST answer body.
func answer(survey, user string, score int, extra map[string]any) map[string]any {
	b := map[string]any{"survey": survey, "user": user, "score": score}
	for k, v := range extra {
		b[k] = v
	}
	return b
}

// answersOf checks how many answers a user has given to a survey.
func answersOf(survey, user string, want int) afterFunc {
	return countWhere("survey_responses", "survey = {:s} && user = {:u}", dbx.Params{"s": survey, "u": user}, want)
}

func TestSurveysAPIResponses(t *testing.T) {
	var s []tests.ApiScenario
	for _, a := range actors {
		vis := visibleResponses[a]
		s = append(s, listS(a, "survey_responses", allResponses, vis, nil))
		for _, id := range allResponses {
			s = append(s, viewS(a, "survey_responses", id, "answer "+id, slices.Contains(vis, id), nil))
		}
		// Answers never change nor disappear through the API.
		s = append(s, updateDocS(a, "survey_responses", testapp.RespAcmeDiego, "Diego's answer",
			map[string]any{"score": 0}, false, http.StatusForbidden))
		s = append(s, deleteS(a, "survey_responses", testapp.RespAcmeDiego, "Diego's answer", false,
			http.StatusForbidden, countWith("survey_responses", "id", testapp.RespAcmeDiego, 1)))
		// The gold survey: only Acme's people answer it, for themselves.
		if a != guest {
			st, want := http.StatusBadRequest, 0
			if a == acmeAdmin || a == acmeUser {
				st, want = http.StatusOK, 1
			}
			s = append(s, createS(a, "survey_responses", "their answer to the gold survey",
				answer(testapp.SurveyGold, a.id, 9, nil), st, answersOf(testapp.SurveyGold, a.id, want)))
		}
	}
	noAnswer := func(survey, user string) afterFunc { return answersOf(survey, user, 0) }
	s = append(s,
		createS(guest, "survey_responses", "an answer in Diego's name", answer(testapp.SurveyGold, testapp.AcmeUserID, 9, nil),
			http.StatusBadRequest, noAnswer(testapp.SurveyGold, testapp.AcmeUserID)),
		createS(acmeUser, "survey_responses", "an answer in Carla's name", answer(testapp.SurveyGold, testapp.AcmeAdminID, 9, nil),
			http.StatusBadRequest, noAnswer(testapp.SurveyGold, testapp.AcmeAdminID)),
		createS(globexUser, "survey_responses", "an answer in Diego's name", answer(testapp.SurveyGold, testapp.AcmeUserID, 9, nil),
			http.StatusBadRequest, noAnswer(testapp.SurveyGold, testapp.AcmeUserID)),
		createS(acmeUser, "survey_responses", "an answer to the closed survey", answer(testapp.SurveyClosed, testapp.AcmeUserID, 9, nil),
			http.StatusBadRequest, answersOf(testapp.SurveyClosed, testapp.AcmeUserID, 1)),
		createS(globexUser, "survey_responses", "an answer to the closed survey (never answered)",
			answer(testapp.SurveyOld, testapp.GlobexUserID, 9, nil), http.StatusBadRequest, noAnswer(testapp.SurveyOld, testapp.GlobexUserID)),
		createS(acmeUser, "survey_responses", "an answer to the draft survey", answer(testapp.SurveyDraft, testapp.AcmeUserID, 9, nil),
			http.StatusBadRequest, noAnswer(testapp.SurveyDraft, testapp.AcmeUserID)),
		createS(acmeUser, "survey_responses", "an answer to a survey past its closing date", answer(testapp.SurveyEnded, testapp.AcmeUserID, 9, nil),
			http.StatusBadRequest, noAnswer(testapp.SurveyEnded, testapp.AcmeUserID)),
		createS(acmeUser, "survey_responses", "an answer naming a partner", answer(testapp.SurveyGold, testapp.AcmeUserID, 9,
			map[string]any{"partner": testapp.PartnerAcme}), http.StatusBadRequest, noAnswer(testapp.SurveyGold, testapp.AcmeUserID)),
		createS(acmeUser, "survey_responses", "an answer without a score", map[string]any{"survey": testapp.SurveyGold, "user": testapp.AcmeUserID},
			http.StatusBadRequest, noAnswer(testapp.SurveyGold, testapp.AcmeUserID)),
		createS(acmeUser, "survey_responses", "an answer scoring 11", answer(testapp.SurveyGold, testapp.AcmeUserID, 11, nil),
			http.StatusBadRequest, noAnswer(testapp.SurveyGold, testapp.AcmeUserID)),
		createS(acmeUser, "survey_responses", "an answer without the required question", answer(testapp.SurveyOpen, testapp.AcmeUserID, 0, nil),
			http.StatusBadRequest, noAnswer(testapp.SurveyOpen, testapp.AcmeUserID)),
		createS(acmeUser, "survey_responses", "a second answer to the gold survey", answer(testapp.SurveyGold, testapp.AcmeUserID, 2, nil),
			http.StatusBadRequest, answersOf(testapp.SurveyGold, testapp.AcmeUserID, 1),
			func(t testing.TB, app *tests.TestApp) {
				t.Helper()
				c, _ := app.FindCollectionByNameOrId("survey_responses")
				r := core.NewRecord(c)
				r.Set("survey", testapp.SurveyGold)
				r.Set("user", testapp.AcmeUserID)
				r.Set("score", 9)
				if err := app.Save(r); err != nil {
					t.Fatal(err)
				}
			}),
	)
	// A 0 is a valid score, with the open survey's required question.
	s = append(s, tests.ApiScenario{
		Name:            "partner_user acme answers the open survey with 0 → 200",
		Method:          http.MethodPost,
		URL:             recordsURL("survey_responses"),
		Body:            jsonBody(answer(testapp.SurveyOpen, testapp.AcmeUserID, 0, map[string]any{"answers": map[string]string{"q1": "Portal", "q3": "5"}})),
		BeforeTestFunc:  as(acmeUser),
		ExpectedStatus:  http.StatusOK,
		ExpectedContent: []string{`"score":0`, `"partner":"` + testapp.PartnerAcme + `"`, `"q1":"Portal"`},
		AfterTestFunc: afterAll(answersOf(testapp.SurveyOpen, testapp.AcmeUserID, 1),
			countWhere("activity", "kind = 'survey.answered_detractor' && user = {:u} && partner = {:p}",
				dbx.Params{"u": testapp.AcmeUserID, "p": testapp.PartnerAcme}, 1)),
	})
	runSurveys(t, s)
}

func TestSurveysAPIFeedback(t *testing.T) {
	var s []tests.ApiScenario
	for _, a := range actors {
		vis := visibleFeedback[a]
		s = append(s, listS(a, "feedback", allFeedback, vis, nil))
		for _, id := range allFeedback {
			s = append(s, viewS(a, "feedback", id, "feedback "+id, slices.Contains(vis, id), nil))
		}
		// Everyone signed in writes their own.
		st, want := http.StatusOK, 1
		if a == guest {
			st, want = http.StatusBadRequest, 0
		}
		s = append(s, createS(a, "feedback", "their own feedback",
			map[string]any{"user": a.id, "category": "praise", "message": "Matrix praise"}, st,
			countWith("feedback", "message", "Matrix praise", want)))
		// Status: admins any, a manager their partners'; nobody else.
		s = append(s, updateDocS(a, "feedback", fbAcme, "Acme's feedback", map[string]any{"status": "done"},
			a == admin || a == ana, http.StatusNotFound))
		s = append(s, updateDocS(a, "feedback", fbStaff, "Ana's feedback", map[string]any{"status": "read"},
			a == admin, http.StatusNotFound))
		s = append(s, deleteS(a, "feedback", fbGlobex, "Globex's feedback", a == admin,
			http.StatusNotFound, countWith("feedback", "id", fbGlobex, 1)))
	}
	s = append(s,
		createS(acmeUser, "feedback", "feedback in Fabio's name",
			map[string]any{"user": testapp.GlobexUserID, "category": "idea", "message": "Matrix forged"},
			http.StatusBadRequest, countWith("feedback", "message", "Matrix forged", 0)),
		createS(acmeUser, "feedback", "feedback already done",
			map[string]any{"user": testapp.AcmeUserID, "category": "idea", "message": "Matrix forged", "status": "done"},
			http.StatusBadRequest, countWith("feedback", "message", "Matrix forged", 0)),
		createS(acmeUser, "feedback", "feedback filed under Globex",
			map[string]any{"user": testapp.AcmeUserID, "category": "idea", "message": "Matrix forged", "partner": testapp.PartnerGlobex},
			http.StatusBadRequest, countWith("feedback", "message", "Matrix forged", 0)),
		createS(acmeUser, "feedback", "feedback of an unknown category",
			map[string]any{"user": testapp.AcmeUserID, "category": "rant", "message": "Matrix forged"},
			http.StatusBadRequest, countWith("feedback", "message", "Matrix forged", 0)),
		// Staff change the status only, never the words.
		updateDocS(admin, "feedback", fbAcme, "Acme's feedback", map[string]any{"message": "Rewritten"}, false, http.StatusNotFound),
		updateDocS(ana, "feedback", fbAcme, "Acme's feedback", map[string]any{"user": testapp.AcmeAdminID}, false, http.StatusNotFound),
	)
	runSurveys(t, s)
}
