package ui_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// Progress report scale: 200 courses; each of the 20,000 learners of
// seedScale enrolled in three of them (60,000 enrolments) with five
// submitted attempts each (300,000 attempts).
const (
	benchCourses          = 200
	benchCoursesPerPerson = 3
	benchAttemptsPerEnrol = 5
)

// seedTrainingScale adds the courses, quizzes, enrolments and attempts
// with plain INSERTs in one transaction.
func seedTrainingScale(b *testing.B, app core.App) {
	b.Helper()
	err := app.RunInTransaction(func(tx core.App) error {
		db := tx.DB()
		now := "2026-01-01 00:00:00.000Z"
		for c := 0; c < benchCourses; c++ {
			if _, err := db.Insert("courses", dbx.Params{"id": fmt.Sprintf("bc%013d", c), "title": fmt.Sprintf("Curso %03d", c),
				"slug": fmt.Sprintf("curso-%03d", c), "level": "beginner", "published": true, "audience": "all",
				"audience_tiers": "[]", "audience_regions": "[]", "audience_partners": "[]", "prerequisites": "[]",
				"lesson_count": 25, "quiz_count": 1, "created": now, "updated": now}).Execute(); err != nil {
				return err
			}
			if _, err := db.Insert("quizzes", dbx.Params{"id": fmt.Sprintf("bq%013d", c), "course": fmt.Sprintf("bc%013d", c),
				"title": "Quiz", "pass_mark": 70, "created": now, "updated": now}).Execute(); err != nil {
				return err
			}
		}
		statuses := []string{"enrolled", "in_progress", "completed", "completed"}
		n := 0
		for p := 0; p < benchPartners; p++ {
			pid := fmt.Sprintf("bp%013d", p)
			for i := 0; i < benchUsersPerPartner; i++ {
				uid := fmt.Sprintf("bu%06d%07d", p, i)
				for k := 0; k < benchCoursesPerPerson; k++ {
					c := (p*7 + i*3 + k*61) % benchCourses
					cid, qid := fmt.Sprintf("bc%013d", c), fmt.Sprintf("bq%013d", c)
					n++
					st := statuses[n%len(statuses)]
					completed := ""
					if st == "completed" {
						completed = now
					}
					if _, err := db.Insert("enrollments", dbx.Params{"id": fmt.Sprintf("be%013d", n), "user": uid, "partner": pid,
						"course": cid, "status": st, "progress": 40 * (n % 3), "completed_lessons": "[]", "passed_quizzes": "[]",
						"started": now, "completed": completed, "created": now, "updated": now}).Execute(); err != nil {
						return err
					}
					for a := 1; a <= benchAttemptsPerEnrol; a++ {
						if _, err := db.Insert("quiz_attempts", dbx.Params{"id": fmt.Sprintf("ba%06d%07d", n, a), "user": uid,
							"partner": pid, "quiz": qid, "course": cid, "number": a, "score": (n*13 + a*17) % 101,
							"passed": a == benchAttemptsPerEnrol, "started": now, "submitted": now, "created": now}).Execute(); err != nil {
							return err
						}
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	// Plain INSERTs bypass the hooks that keep the progress rollup.
	if err := hooks.RebuildCourseProgress(app); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkTrainingProgress measures the progress report's page views and a
// course's CSV export over loopback HTTP on 200 courses, 20,000 learners,
// 60,000 enrolments and 300,000 attempts, for an admin and a manager (whose
// rule joins partners).
// Run: go test -run XXX -bench TrainingProgress -benchtime 2s ./ui/
func BenchmarkTrainingProgress(b *testing.B) {
	app := testapp.New(b)
	seedScale(b, app)
	seedTrainingScale(b, app)
	srv := httptest.NewServer(testapp.Serve(b, app))
	defer srv.Close()
	cookie := func(email string) *http.Cookie {
		ck, _ := testapp.SessionCookie(b, app, email)
		return ck
	}
	admin, manager := cookie(testapp.AdminEmail), cookie("m3@bench.test")
	cases := []struct {
		name, path string
		ck         *http.Cookie
	}{
		{"admin_overview", "/training/progress", admin},
		{"manager_overview", "/training/progress", manager},
		{"admin_course", "/training/progress/courses/curso-042", admin},
		{"admin_course_page20", "/training/progress/courses/curso-042?page=20", admin},
		{"manager_course", "/training/progress/courses/curso-042", manager},
		{"admin_partner", "/training/progress/partners/revenda-1500", admin},
		{"admin_course_csv", "/training/progress/courses/curso-042?format=csv", admin},
		{"course_editor", "/courses/curso-042/edit", admin},
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
