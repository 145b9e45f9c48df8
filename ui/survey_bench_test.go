package ui_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// benchSurveyAnswers is how many answers the benchmark survey holds: half
// of the 2,000 partners answer, five people each.
const benchSurveyAnswers = 5000

// seedSurveyScale adds, on top of seedScale, one open survey with
// benchSurveyAnswers answers (plain INSERTs, a comment on every other one)
// and the fixture surveys.
func seedSurveyScale(b *testing.B, app core.App) string {
	b.Helper()
	testapp.SeedSurveys(b, app)
	const id = "benchsurvey0001"
	err := app.RunInTransaction(func(tx core.App) error {
		c, err := tx.FindCollectionByNameOrId("surveys")
		if err != nil {
			return err
		}
		s := core.NewRecord(c)
		s.Id = id
		s.Set("title", "Bench survey")
		s.Set("status", "open")
		s.Set("audience", "all")
		s.Set("series", "nps")
		s.Set("round", "bench")
		s.Set("questions", testapp.SurveyQuestions)
		s.Set("created_by", testapp.AdminID)
		if err := tx.Save(s); err != nil {
			return err
		}
		db := tx.DB()
		for i := 0; i < benchSurveyAnswers; i++ {
			p, person := i/5*2, i%5
			comment := ""
			if i%2 == 0 {
				comment = fmt.Sprintf("Comentário %d sobre o programa", i)
			}
			_, err := db.Insert("survey_responses", dbx.Params{
				"id": fmt.Sprintf("br%013d", i), "survey": id, "user": fmt.Sprintf("bu%06d%07d", p, person),
				"partner": fmt.Sprintf("bp%013d", p), "score": (i * 7) % 11, "comment": comment,
				"answers": `{"q1":"Portal","q3":"4"}`, "created": "2026-01-02 00:00:00.000Z",
			}).Execute()
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return id
}

// BenchmarkSurveyPages measures the survey pages over loopback HTTP on
// 2,000 partners, 20,000 users and a survey with 5,000 answers.
// Run: go test -run XXX -bench SurveyPages -benchtime 2s ./ui/
func BenchmarkSurveyPages(b *testing.B) {
	app := testapp.New(b)
	seedScale(b, app)
	id := seedSurveyScale(b, app)
	srv := httptest.NewServer(testapp.Serve(b, app))
	defer srv.Close()
	cookie := func(email string) *http.Cookie {
		ck, _ := testapp.SessionCookie(b, app, email)
		return ck
	}
	admin, manager, partnerUser := cookie(testapp.AdminEmail), cookie("m3@bench.test"), cookie("u1500.4@bench.test")
	cases := []struct {
		name, path string
		ck         *http.Cookie
	}{
		{"partner_home_with_panel", "/", partnerUser},
		{"partner_survey_list", "/surveys", partnerUser},
		{"partner_answer_page", "/surveys/" + id, partnerUser},
		{"staff_survey_list", "/surveys", admin},
		{"admin_results_5000", "/surveys/" + id + "/results", admin},
		{"manager_results", "/surveys/" + id + "/results", manager},
		{"admin_results_csv_5000", "/surveys/" + id + "/results.csv", admin},
		{"feedback_form", "/feedback", partnerUser},
		{"feedback_inbox", "/feedback/inbox", admin},
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				req, _ := http.NewRequest(http.MethodGet, srv.URL+c.path, nil)
				req.AddCookie(c.ck)
				res, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					b.Fatalf("%s: %d", c.path, res.StatusCode)
				}
			}
		})
	}
}
