package ui_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// surveyServer serves the fixture with the fixture surveys.
func surveyServer(t *testing.T) (*tests.TestApp, *httptest.Server) {
	t.Helper()
	app := testapp.New(t)
	testapp.SeedSurveys(t, app)
	srv := httptest.NewServer(testapp.Serve(t, app))
	t.Cleanup(srv.Close)
	return app, srv
}

func surveyRows(t *testing.T, app core.App, table string, where dbx.Expression) int {
	t.Helper()
	var n int
	if err := app.DB().Select("COUNT(*)").From(table).Where(where).Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestSurveyPartnerList: a partner user lists the open surveys of their
// audience and sees the home panel; another partner's tier survey, drafts
// and closed rounds stay out; staff get no panel.
func TestSurveyPartnerList(t *testing.T) {
	app, srv := surveyServer(t)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	r := diego.get("/surveys")
	expectStatus(t, r, http.StatusOK, "Diego's surveys")
	expectContains(t, r, "Diego's surveys", "Partner satisfaction Q3", "Gold programme check-in", "Responder agora")
	expectNotContains(t, r, "Diego's surveys", "Draft pulse", "Partner satisfaction Q2", "Expired pulse")
	home := diego.get("/")
	expectContains(t, home, "Diego's home", "Queremos a sua opinião", `class="card survey-home"`)

	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	r = fabio.get("/surveys")
	expectContains(t, r, "Fabio's surveys", "Partner satisfaction Q3", "Answer now")
	expectNotContains(t, r, "Fabio's surveys", "Gold programme check-in", "Draft pulse")

	admin := signedIn(t, app, srv, testapp.AdminEmail)
	expectNotContains(t, admin.get("/"), "admin's home", `survey-home`)
	r = admin.get("/surveys")
	expectContains(t, r, "admin's surveys", "Draft pulse", "Partner satisfaction Q2", "6 answers", "New survey")
	r = signedIn(t, app, srv, testapp.ManagerBrunoEmail).get("/surveys")
	expectContains(t, r, "Bruno's surveys", "Partner satisfaction Q2", "4 answers") // Globex's four
	expectNotContains(t, r, "Bruno's surveys", "New survey")

	for _, path := range []string{"/surveys", "/surveys/" + testapp.SurveyOpen, "/surveys/" + testapp.SurveyClosed + "/results",
		"/surveys/" + testapp.SurveyClosed + "/results.csv", "/feedback", "/feedback/inbox"} {
		guest := newBrowser(t, srv).get(path)
		if guest.Status == http.StatusOK || !strings.Contains(guest.Header.Get("Location"), "/login") {
			t.Errorf("guest on %s: status %d, location %q", path, guest.Status, guest.Header.Get("Location"))
		}
	}
}

// TestSurveyAnswerThroughPortal: the answer form validates in the user's
// language and keeps what was typed; a good answer saves one response, one
// promoter event for Acme and its KPI row, then shows the thank-you state;
// a second answer is a 409 that writes nothing.
func TestSurveyAnswerThroughPortal(t *testing.T) {
	app, srv := surveyServer(t)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	path := "/surveys/" + testapp.SurveyOpen
	r := diego.get(path)
	expectStatus(t, r, http.StatusOK, "answer page")
	expectContains(t, r, "answer page", `<fieldset class="nps`, "<legend>", `name="score" value="0"`, `name="score" value="10"`,
		"nada provável", "extremamente provável", "Where do you find news first?", `name="q_q1" value="Portal"`)

	r = diego.post(path, url.Values{"comment": {"Muito bom"}, "q_q3": {"9"}})
	expectStatus(t, r, http.StatusBadRequest, "answer without a score")
	expectContains(t, r, "answer without a score", "Escolha uma nota de 0 a 10.", "Responda a esta pergunta.",
		"Escolha um valor de 1 a 5.", "Muito bom")
	if n := surveyRows(t, app, "survey_responses", dbx.HashExp{"survey": testapp.SurveyOpen}); n != 0 {
		t.Fatalf("%d answers after a refused form", n)
	}

	promoterEvents := surveyRows(t, app, "activity", dbx.HashExp{"kind": "survey.answered_promoter", "user": testapp.AcmeUserID})
	r = diego.post(path, url.Values{"score": {"9"}, "comment": {"Ótimo suporte"}, "q_q1": {"Portal"}, "q_q3": {"4"}})
	expectStatus(t, r, http.StatusSeeOther, "good answer")
	if n := surveyRows(t, app, "survey_responses", dbx.HashExp{"survey": testapp.SurveyOpen, "user": testapp.AcmeUserID,
		"partner": testapp.PartnerAcme, "score": 9}); n != 1 {
		t.Fatalf("%d stored answers, want 1", n)
	}
	if n := surveyRows(t, app, "activity", dbx.HashExp{"kind": "survey.answered_promoter", "user": testapp.AcmeUserID,
		"partner": testapp.PartnerAcme}); n != promoterEvents+1 {
		t.Errorf("%d promoter events, want %d", n, promoterEvents+1)
	}
	if n := surveyRows(t, app, "kpi_daily", dbx.HashExp{"partner": testapp.PartnerAcme, "metric": "satisfaction.promoters",
		"day": time.Now().UTC().Format(time.DateOnly)}); n != 1 {
		t.Errorf("%d kpi_daily promoter rows for today, want 1", n)
	}
	r = diego.get(path)
	expectContains(t, r, "after answering", "Obrigado pela sua resposta!", "Obrigado! Sua resposta foi registrada.")
	expectNotContains(t, r, "after answering", `name="score"`)
	events := surveyRows(t, app, "activity", dbx.HashExp{"user": testapp.AcmeUserID})

	r = diego.post(path, url.Values{"score": {"1"}, "q_q1": {"E-mail"}})
	expectStatus(t, r, http.StatusConflict, "second answer")
	expectContains(t, r, "second answer", "Você já respondeu a esta pesquisa.")
	if n := surveyRows(t, app, "survey_responses", dbx.HashExp{"survey": testapp.SurveyOpen}); n != 1 {
		t.Errorf("%d answers after a second one, want 1", n)
	}
	if n := surveyRows(t, app, "activity", dbx.HashExp{"user": testapp.AcmeUserID}); n != events {
		t.Errorf("activity grew from %d to %d on a refused answer", events, n)
	}
	// The home panel moves on to the survey not yet answered.
	home := diego.get("/")
	expectContains(t, home, "home after answering", "/surveys/"+testapp.SurveyGold)
}

// TestSurveyRefused: a survey not meant for the user, a draft, a closed or
// ended one answers 404 with a clear page and takes no answer; staff do not
// answer; partners do not see results.
func TestSurveyRefused(t *testing.T) {
	app, srv := surveyServer(t)
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	r := fabio.get("/surveys/" + testapp.SurveyGold)
	expectStatus(t, r, http.StatusNotFound, "Globex on the gold survey")
	expectContains(t, r, "Globex on the gold survey", "This survey is not open to you")
	r = fabio.post("/surveys/"+testapp.SurveyGold, url.Values{"score": {"9"}})
	expectStatus(t, r, http.StatusNotFound, "Globex answers the gold survey")
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	for _, id := range []string{testapp.SurveyDraft, testapp.SurveyClosed, testapp.SurveyEnded, "nosuchsurvey000"} {
		r = diego.post("/surveys/"+id, url.Values{"score": {"9"}})
		expectStatus(t, r, http.StatusNotFound, "answer to "+id)
		expectContains(t, r, "answer to "+id, "Esta pesquisa não está aberta para você")
	}
	if n := surveyRows(t, app, "survey_responses", dbx.HashExp{"user": testapp.AcmeUserID}); n != 1 { // the seeded Q2 answer
		t.Errorf("Diego has %d answers, want only the seeded one", n)
	}
	if n := surveyRows(t, app, "survey_responses", dbx.HashExp{"user": testapp.GlobexUserID, "survey": testapp.SurveyGold}); n != 0 {
		t.Errorf("Fabio answered the gold survey")
	}
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	expectStatus(t, ana.post("/surveys/"+testapp.SurveyOpen, url.Values{"score": {"9"}}), http.StatusForbidden, "manager answers")
	expectStatus(t, diego.get("/surveys/"+testapp.SurveyClosed+"/results"), http.StatusForbidden, "partner on results")
	expectStatus(t, diego.get("/surveys/"+testapp.SurveyClosed+"/results.csv"), http.StatusForbidden, "partner on the CSV")
}

// TestSurveyResultsSmallGroup: Acme has two respondents to the Q2 round,
// so its name never appears on the results page nor in the CSV; its
// comment is under "Other partners". Globex (four) is named.
func TestSurveyResultsSmallGroup(t *testing.T) {
	app, srv := surveyServer(t)
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	r := admin.get("/surveys/" + testapp.SurveyClosed + "/results")
	expectStatus(t, r, http.StatusOK, "results")
	// 3 promoters, 1 passive, 2 detractors of 6: NPS +17; six people
	// reached (Acme 2, Globex 4): 100 %.
	expectContains(t, r, "results", "&#43;17", "50% · 3", "17% · 1", "33% · 2", ">100%<", "Globex México",
		"Great partner team", "Other partners", testapp.AcmeSecretComment, "Trend across rounds", "-100", "2026 Q1")
	expectNotContains(t, r, "results", "Acme Brasil")
	if i, j := strings.Index(r.Body, `class="survey-group survey-other"`), strings.Index(r.Body, testapp.AcmeSecretComment); i < 0 || j < i {
		t.Errorf("Acme's comment is not in the unnamed group")
	}
	csv := admin.get("/surveys/" + testapp.SurveyClosed + "/results.csv")
	expectStatus(t, csv, http.StatusOK, "CSV")
	if !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") {
		t.Errorf("CSV content type %q", csv.Header.Get("Content-Type"))
	}
	expectContains(t, csv, "CSV", "Globex México", testapp.AcmeSecretComment, "Other partners", "Great partner team")
	expectNotContains(t, csv, "CSV", "Acme Brasil", "carla", "Carla")
	if n := strings.Count(csv.Body, "\n"); n != 7 {
		t.Errorf("CSV has %d lines, want a header and six answers", n)
	}
	// Filters narrow the answers; a bad filter is a 400 with a message.
	r = admin.get("/surveys/" + testapp.SurveyClosed + "/results?tier=" + testapp.TierGold)
	expectStatus(t, r, http.StatusOK, "gold results")
	expectContains(t, r, "gold results", "2 answers", testapp.AcmeSecretComment)
	expectNotContains(t, r, "gold results", "Great partner team", "Acme Brasil")
	r = admin.get("/surveys/" + testapp.SurveyClosed + "/results?region=mars")
	expectStatus(t, r, http.StatusBadRequest, "bad region")
}

// TestSurveyResultsManagerScope: a channel manager's results hold their
// own partners' answers only.
func TestSurveyResultsManagerScope(t *testing.T) {
	app, srv := surveyServer(t)
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	r := ana.get("/surveys/" + testapp.SurveyClosed + "/results")
	expectStatus(t, r, http.StatusOK, "Ana's results")
	expectContains(t, r, "Ana's results", testapp.AcmeSecretComment, "2 respostas")
	expectNotContains(t, r, "Ana's results", "Great partner team", "Globex México", "Acme Brasil", "Editar pesquisa")
	csv := ana.get("/surveys/" + testapp.SurveyClosed + "/results.csv")
	expectNotContains(t, csv, "Ana's CSV", "Great partner team", "Acme Brasil")
	bruno := signedIn(t, app, srv, testapp.ManagerBrunoEmail)
	r = bruno.get("/surveys/" + testapp.SurveyClosed + "/results")
	expectContains(t, r, "Bruno's results", "Great partner team", "Globex México", "4 answers")
	expectNotContains(t, r, "Bruno's results", testapp.AcmeSecretComment)
}

// TestSurveyEditor: only admins write surveys; bad questions are refused
// beside the field; a good survey opens to its audience.
func TestSurveyEditor(t *testing.T) {
	app, srv := surveyServer(t)
	expectStatus(t, signedIn(t, app, srv, testapp.ManagerAnaEmail).get("/surveys/new"), http.StatusForbidden, "manager editor")
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	expectStatus(t, admin.get("/surveys/new"), http.StatusOK, "admin editor")
	form := url.Values{"title": {""}, "status": {"open"}, "audience": {"tiers"}, "audience_tiers": {testapp.TierSilver},
		"q1_label": {"Pick one"}, "q1_kind": {"choice"}, "q1_options": {"Only"}}
	r := admin.post("/surveys/new", form)
	expectStatus(t, r, http.StatusBadRequest, "bad survey")
	expectContains(t, r, "bad survey", "2 to 8 different options", "Pick one")
	form.Set("title", "Silver pulse")
	form.Set("q1_options", "Yes\nNo")
	r = admin.post("/surveys/new", form)
	expectStatus(t, r, http.StatusSeeOther, "good survey")
	rec, err := app.FindFirstRecordByData("surveys", "title", "Silver pulse")
	if err != nil {
		t.Fatal(err)
	}
	if rec.GetString("created_by") != testapp.AdminID || !strings.Contains(rec.GetString("questions"), `"options":["Yes","No"]`) {
		t.Errorf("stored survey: created_by %q questions %s", rec.GetString("created_by"), rec.GetString("questions"))
	}
	expectContains(t, signedIn(t, app, srv, testapp.GlobexUserEmail).get("/surveys"), "Fabio's list", "Silver pulse")
	expectNotContains(t, signedIn(t, app, srv, testapp.AcmeUserEmail).get("/surveys"), "Diego's list", "Silver pulse")
	// Closing it takes it off the partners' list.
	r = admin.post("/surveys/"+rec.Id+"/status", url.Values{"status": {"closed"}})
	expectStatus(t, r, http.StatusSeeOther, "close")
	expectNotContains(t, signedIn(t, app, srv, testapp.GlobexUserEmail).get("/surveys"), "Fabio's list after closing", "Silver pulse")
	expectStatus(t, signedIn(t, app, srv, testapp.ManagerBrunoEmail).post("/surveys/"+rec.Id+"/status",
		url.Values{"status": {"open"}}), http.StatusForbidden, "manager opens")
}

// TestFeedbackBothSides: anyone signed in sends feedback (validated in
// their language), sees their own; admins read all, a manager their
// partners'; status changes follow the same split; flooding is a 429.
func TestFeedbackBothSides(t *testing.T) {
	app, srv := surveyServer(t)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	expectStatus(t, diego.get("/feedback?page=/deals"), http.StatusOK, "feedback form")
	r := diego.post("/feedback", url.Values{"category": {"idea"}, "message": {"ok"}, "page": {"javascript:alert(1)"}})
	expectStatus(t, r, http.StatusBadRequest, "short feedback")
	expectContains(t, r, "short feedback", "Escreva pelo menos 5 caracteres.", "Informe uma página do portal")
	r = diego.post("/feedback", url.Values{"category": {"problem"}, "message": {"O filtro de negócios some no celular"}, "page": {"/deals"}})
	expectStatus(t, r, http.StatusSeeOther, "feedback")
	fb, err := app.FindFirstRecordByData("feedback", "message", "O filtro de negócios some no celular")
	if err != nil {
		t.Fatal(err)
	}
	if fb.GetString("partner") != testapp.PartnerAcme || fb.GetString("status") != "new" || fb.GetString("page") != "/deals" {
		t.Errorf("stored feedback %v", fb.PublicExport())
	}
	expectContains(t, diego.get("/feedback"), "Diego's form", "Suas sugestões recentes", "O filtro de negócios some no celular")
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	expectStatus(t, fabio.post("/feedback", url.Values{"category": {"praise"}, "message": {"Lovely new portal"}}), http.StatusSeeOther, "Fabio's feedback")
	expectNotContains(t, fabio.get("/feedback"), "Fabio's form", "O filtro de negócios")
	expectStatus(t, diego.get("/feedback/inbox"), http.StatusForbidden, "partner inbox")

	admin := signedIn(t, app, srv, testapp.AdminEmail)
	expectContains(t, admin.get("/feedback/inbox"), "admin inbox", "O filtro de negócios", "Lovely new portal", "Acme Brasil Ltda")
	bruno := signedIn(t, app, srv, testapp.ManagerBrunoEmail)
	r = bruno.get("/feedback/inbox")
	expectContains(t, r, "Bruno's inbox", "Lovely new portal")
	expectNotContains(t, r, "Bruno's inbox", "O filtro de negócios")
	expectStatus(t, bruno.post("/feedback/"+fb.Id+"/status", url.Values{"status": {"done"}}), http.StatusNotFound, "Bruno marks Acme's")
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	expectStatus(t, ana.post("/feedback/"+fb.Id+"/status", url.Values{"status": {"done"}}), http.StatusSeeOther, "Ana marks Acme's")
	if fresh, _ := app.FindRecordById("feedback", fb.Id); fresh.GetString("status") != "done" {
		t.Errorf("status %q after Ana's change", fresh.GetString("status"))
	}
	expectContains(t, ana.get("/feedback/inbox?status=done"), "Ana's done inbox", "O filtro de negócios")

	// Flooding: the eleventh message within the hour is refused.
	for i := 0; i < 9; i++ {
		expectStatus(t, diego.post("/feedback", url.Values{"category": {"other"}, "message": {"Mensagem repetida"}}), http.StatusSeeOther, "feedback burst")
	}
	r = diego.post("/feedback", url.Values{"category": {"other"}, "message": {"Mais uma mensagem"}})
	expectStatus(t, r, http.StatusTooManyRequests, "flood")
	expectContains(t, r, "flood", "Mais uma mensagem")
}
