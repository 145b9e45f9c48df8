package migrations_test

import (
	"strings"
	"testing"

	"github.com/pocketbase/dbx"

	"github.com/ponte-portal/ponte/internal/testapp"
)

func TestMain(m *testing.M) { testapp.Main(m) }

// TestIndexesBehindEveryPageFilter checks that every column a portal page or
// a rule filters or sorts by leads an index, so lists stay fast at size.
func TestIndexesBehindEveryPageFilter(t *testing.T) {
	app := testapp.NewEmpty(t)
	need := map[string][]string{
		"partners": {"slug", "name", "tier", "status", "country", "region", "manager", "joined"},
		"users":    {"partner", "role", "name", "email", "deactivated", "unsubscribe_key"},
		"tiers":    {"name", "rank"},
		"activity": {"partner", "user", "kind", "created", "target_collection"},
		"sessions": {"token_hash", "user", "expires"},

		"documents":                 {"revised", "status", "folder", "partner", "kind", "audience", "owner", "published", "title"},
		"document_versions":         {"document", "content_of", "uploaded_by"},
		"document_downloads":        {"document", "version", "partner", "user"},
		"document_acknowledgements": {"version", "document", "user", "partner"},
		"announcements":             {"status", "pinned", "author", "publish_at"},
		"announcement_reads":        {"announcement", "user"},
		"forum_categories":          {"order"},
		"forum_threads":             {"category", "author", "last_activity"},
		"forum_posts":               {"thread", "author"},
		"forum_follows":             {"thread", "user"},
		"forum_reports":             {"resolved", "post", "reporter"},
		"conversations":             {"partner", "last_message_at", "created_by"},
		"messages":                  {"conversation", "author"},
		"conversation_reads":        {"conversation", "user"},
		"notifications":             {"user", "emailed_at"},
		"document_stats":            {"document", "partner"},
		"document_changes":          {"document"},
		"document_folders":          {"parent"},

		"certifications":   {"name"},
		"courses":          {"slug", "published", "certification", "updated", "level", "language"},
		"lessons":          {"course"},
		"quizzes":          {"course", "lesson"},
		"quiz_questions":   {"quiz"},
		"quiz_answer_keys": {"question"},
		"enrollments":      {"user", "course", "partner", "completed"},
		"quiz_attempts":    {"user", "quiz", "partner"},
		"certificates":     {"code", "user", "partner", "certification", "status"},
		"currency_rates":   {"currency"},
		"deals":            {"partner", "submitted_by", "status", "customer_key", "domain_key", "stage", "submitted", "amount_base", "expected_close"},
		"deal_events":      {"deal", "partner", "at"},
		"kpi_daily":        {"partner", "metric"},
		"kpi_monthly":      {"partner", "metric"},
		"kpi_running":      {"partner", "month"},
		"kpi_totals":       {"metric"},

		"invitations":          {"email", "status", "partner", "created", "token_hash", "invited_by", "accepted_user"},
		"partner_applications": {"status", "created", "contact_email", "company_key", "partner", "ip_hash"},
		"onboarding_steps":     {"active", "kind", "document", "course", "sort"},
		"onboarding_progress":  {"partner", "step", "done_by"},
		"partner_onboarding":   {"partner", "status", "completed"},
		"tier_reviews":         {"partner", "recommendation", "status", "at_risk", "evaluated_at"},
		"tier_changes":         {"partner", "created"},
		"surveys":              {"status", "series", "created"},
		"survey_responses":     {"survey", "user", "partner"},
		"feedback":             {"status", "partner", "user", "created"},

		"certificate_counts":    {"certification", "partner"},
		"course_progress_stats": {"course", "partner"},
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
			err := app.DB().NewQuery("SELECT name FROM pragma_index_info({:i}) WHERE seqno = 0").
				Bind(dbx.Params{"i": r.Name}).Row(&first)
			if err == nil {
				leading[strings.ToLower(first)] = true
			}
		}
		for _, c := range cols {
			if !leading[strings.ToLower(c)] {
				t.Errorf("%s.%s leads no index", table, c)
			}
		}
	}
}

// TestPartnerDirectoryUsesIndexes asks SQLite how it would run the directory's
// filtered queries and fails on a full scan of partners.
func TestPartnerDirectoryUsesIndexes(t *testing.T) {
	app := testapp.NewEmpty(t)
	for _, where := range []string{"status = 'active'", "country = 'BR'", "manager = 'x'", "tier = 'x'", "slug = 'acme'"} {
		var plan []struct {
			Detail string `db:"detail"`
		}
		if err := app.DB().NewQuery("EXPLAIN QUERY PLAN SELECT * FROM partners WHERE " + where + " ORDER BY name").All(&plan); err != nil {
			t.Fatal(err)
		}
		var details []string
		for _, p := range plan {
			details = append(details, p.Detail)
		}
		joined := strings.Join(details, "; ")
		if !strings.Contains(joined, "USING INDEX") {
			t.Errorf("%s: %s", where, joined)
		}
	}
}
