package demo_test

// The demo curriculum: both languages, the courses' derived counts, learners
// at every stage, certificates valid, close to expiry, expired and revoked,
// consistent with their certifications' validity — and nobody notified.

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/internal/demo"
	"github.com/ponte-portal/ponte/internal/testapp"
	"github.com/ponte-portal/ponte/internal/training"
)

func TestDemoTraining(t *testing.T) {
	app := testapp.NewEmpty(t)
	var out bytes.Buffer
	if err := demo.LoadAndReport(app, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "training: 2 certifications, 6 courses with 18 lessons and 25 quiz questions") ||
		!strings.Contains(out.String(), "(2 expiring within 30 days, 1 expired, 1 revoked)") {
		t.Errorf("report line:\n%s", out.String())
	}

	if n := count(t, app, "courses", dbx.HashExp{"language": "pt-BR"}); n != 3 {
		t.Errorf("%d Portuguese courses, want 3", n)
	}
	if n := count(t, app, "courses", dbx.HashExp{"language": "en"}); n != 3 {
		t.Errorf("%d English courses, want 3", n)
	}
	courses, err := app.FindAllRecords("courses")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range courses {
		if c.GetInt("lesson_count") != 3 || c.GetInt("quiz_count") != 1 || c.GetString("description_html") == "" {
			t.Errorf("%s: %d lessons, %d quizzes, html %q", c.GetString("slug"), c.GetInt("lesson_count"), c.GetInt("quiz_count"),
				c.GetString("description_html"))
		}
	}
	api, err := app.FindFirstRecordByData("courses", "slug", "integrations-rest-api")
	if err != nil {
		t.Fatal(err)
	}
	if api.GetString("audience") != "tiers" || len(api.GetStringSlice("audience_tiers")) != 2 || len(api.GetStringSlice("prerequisites")) != 1 {
		t.Errorf("the Gold/Platinum course: %v", api.FieldsData())
	}
	quizzes, _ := app.FindAllRecords("quizzes")
	for _, q := range quizzes {
		if n := q.GetInt("question_count"); n < 4 || n > 6 || q.GetInt("max_points") < n {
			t.Errorf("quiz %s: %d questions, %d points", q.GetString("title"), n, q.GetInt("max_points"))
		}
	}
	if n := count(t, app, "quiz_answer_keys", dbx.NewExp("explanation != ''")); n != 25 {
		t.Errorf("%d answer keys with an explanation, want 25", n)
	}
	lessons, _ := app.FindAllRecords("lessons")
	for _, l := range lessons {
		if len(l.GetString("body")) < 400 || strings.Contains(strings.ToLower(l.GetString("body")), "lorem") {
			t.Errorf("lesson %q is not real text", l.GetString("title"))
		}
	}

	// Learners at every stage, failed attempts among them.
	for _, st := range []string{"enrolled", "in_progress", "completed"} {
		if count(t, app, "enrollments", dbx.HashExp{"status": st}) == 0 {
			t.Errorf("no enrolment %s", st)
		}
	}
	if count(t, app, "quiz_attempts", dbx.HashExp{"passed": false}) < 2 || count(t, app, "quiz_attempts", dbx.HashExp{"passed": true}) < 10 {
		t.Error("want failed and passed attempts")
	}
	half, err := app.FindFirstRecordByFilter("enrollments", "status = 'in_progress' && progress > 0 && progress < 100")
	if err != nil || !half.GetDateTime("completed").IsZero() {
		t.Errorf("no half-way learner: %v", err)
	}
	lucas, err := app.FindAuthRecordByEmail("users", demo.PartnerUserEmail)
	if err != nil {
		t.Fatal(err)
	}
	if count(t, app, "enrollments", dbx.HashExp{"user": lucas.Id}) < 2 {
		t.Error("the printed partner user has no courses")
	}

	// Certificates: by validity from the issue date; two expiring within
	// 30 days, one expired, one revoked with a reason.
	now := time.Now().UTC()
	certs, err := app.FindAllRecords("certificates")
	if err != nil {
		t.Fatal(err)
	}
	expiring := 0
	for _, c := range certs {
		cert, err := app.FindRecordById("certifications", c.GetString("certification"))
		if err != nil {
			t.Fatal(err)
		}
		issued, expires := c.GetDateTime("issued").Time(), c.GetDateTime("expires").Time()
		if !expires.Equal(training.Expiry(issued, cert.GetInt("validity_months"))) {
			t.Errorf("certificate %s expires %v, want issue + validity", c.Id, expires)
		}
		if c.GetString("holder_name") == "" || c.GetString("partner_name") == "" || len(c.GetString("code")) != training.CodeLength {
			t.Errorf("certificate %s: %v", c.Id, c.FieldsData())
		}
		switch c.GetString("status") {
		case "valid":
			if training.Expired(expires, now) {
				t.Errorf("valid certificate %s already expired on %v", c.Id, expires)
			}
			if expires.Before(now.AddDate(0, 0, 30)) {
				expiring++
			}
		case "expired":
			if !training.Expired(expires, now) {
				t.Errorf("expired certificate %s expires %v", c.Id, expires)
			}
		case "revoked":
			if c.GetString("revocation_reason") == "" || c.GetDateTime("revoked").IsZero() {
				t.Errorf("revoked certificate %s lacks reason or date", c.Id)
			}
		}
	}
	if expiring != 2 {
		t.Errorf("%d certificates expiring within 30 days, want 2", expiring)
	}
	if n := count(t, app, "notifications", dbx.NewExp("kind LIKE 'training%' OR kind LIKE 'certificate%' OR link LIKE '/certificates%' OR link LIKE '/courses%'")); n != 0 {
		t.Errorf("loading the demo left %d training notifications", n)
	}
	// The progress rollup kept while loading agrees with a rebuild.
	kept := progressRollup(t, app)
	if err := hooks.RebuildCourseProgress(app); err != nil {
		t.Fatal(err)
	}
	if rebuilt := progressRollup(t, app); rebuilt != kept || kept == "" {
		t.Errorf("progress rollup kept\n%s\nrebuilt\n%s", kept, rebuilt)
	}
	if n := count(t, app, "activity", dbx.NewExp("kind LIKE 'training.%' AND created > {:now}", dbx.Params{"now": now.Add(-time.Hour).Format("2006-01-02 15:04:05")})); n > 6 {
		t.Errorf("%d training events dated within the last hour; history should be backdated", n)
	}
}

// progressRollup lists the non-empty progress rollup rows in a stable order.
func progressRollup(t *testing.T, app core.App) string {
	t.Helper()
	var rows []struct {
		Line string `db:"line"`
	}
	err := app.DB().NewQuery(`SELECT course || '/' || partner || ':' || enrolled || ',' || in_progress || ',' || completed || ',' ||
		best_tenths || ',' || best_count AS line FROM course_progress_stats WHERE enrolled != 0 OR best_count != 0
		ORDER BY course, partner`).All(&rows)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, r := range rows {
		b.WriteString(r.Line + "\n")
	}
	return b.String()
}
