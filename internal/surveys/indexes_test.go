package surveys_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"github.com/ponte-portal/ponte/internal/testapp"
)

func TestMain(m *testing.M) { testapp.Main(m) }

// TestIndexesBehindSurveyPages: every column the survey pages, the rules
// and the hooks filter or sort by leads an index, and SQLite uses them for
// the pages' main queries.
func TestIndexesBehindSurveyPages(t *testing.T) {
	app := testapp.NewEmpty(t)
	need := map[string][]string{
		"surveys":          {"status", "series", "created"},
		"survey_responses": {"survey", "user", "partner"},
		"feedback":         {"status", "partner", "user", "created"},
	}
	for table, cols := range need {
		var rows []struct {
			Name string `db:"name"`
		}
		if err := app.DB().NewQuery("SELECT name FROM pragma_index_list({:t})").Bind(dbx.Params{"t": table}).All(&rows); err != nil {
			t.Fatal(err)
		}
		leading := map[string]bool{}
		for _, r := range rows {
			var first string
			if err := app.DB().NewQuery("SELECT name FROM pragma_index_info({:i}) WHERE seqno = 0").
				Bind(dbx.Params{"i": r.Name}).Row(&first); err == nil {
				leading[first] = true
			}
		}
		for _, c := range cols {
			if !leading[c] {
				t.Errorf("%s.%s leads no index", table, c)
			}
		}
	}
	for _, q := range []string{
		"SELECT * FROM survey_responses WHERE survey = 'x' AND user = 'y'",
		"SELECT * FROM survey_responses WHERE survey = 'x' AND partner = 'y'",
		"SELECT * FROM survey_responses WHERE partner = 'x' ORDER BY created",
		"SELECT * FROM surveys WHERE series = 'nps' ORDER BY opens DESC",
		"SELECT * FROM surveys ORDER BY created DESC",
		"SELECT * FROM feedback WHERE status = 'new' ORDER BY created DESC",
		"SELECT * FROM feedback WHERE user = 'x' AND created > '2026-01-01'",
		"SELECT * FROM feedback ORDER BY created DESC",
	} {
		var plan []struct {
			Detail string `db:"detail"`
		}
		if err := app.DB().NewQuery("EXPLAIN QUERY PLAN " + q).All(&plan); err != nil {
			t.Fatal(err)
		}
		var details []string
		for _, p := range plan {
			details = append(details, p.Detail)
		}
		joined := strings.Join(details, "; ")
		if !strings.Contains(joined, "USING INDEX") && !strings.Contains(joined, "USING COVERING INDEX") {
			t.Errorf("%s: %s", q, joined)
		}
	}
}
