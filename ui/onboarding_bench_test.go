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

// seedOnboardingScale gives every onboarding partner of seedScale (one in
// six, 333) its checklist of the four default steps, partly ticked, and
// every active partner (1,000) a completed checklist: 1,333 checklists and
// 5,332 progress rows, with plain INSERTs.
func seedOnboardingScale(b *testing.B, app core.App) {
	b.Helper()
	steps := []string{testapp.StepProfile, testapp.StepInvite, testapp.StepFirstDeal, testapp.StepManual}
	err := app.RunInTransaction(func(tx core.App) error {
		db := tx.DB()
		for p := 0; p < benchPartners; p++ {
			status := ""
			switch p % 6 {
			case 3:
				status = "onboarding"
			case 0, 1, 2:
				status = "completed"
			default:
				continue
			}
			pid := fmt.Sprintf("bp%013d", p)
			started := fmt.Sprintf("2026-%02d-%02d 09:00:00.000Z", 1+p%9, 1+p%27)
			done, completed := p%4, ""
			if status == "completed" {
				done, completed = 4, fmt.Sprintf("2026-%02d-%02d 09:00:00.000Z", 2+p%9, 1+p%27)
			}
			if _, err := db.Insert("partner_onboarding", dbx.Params{
				"id": fmt.Sprintf("po%013d", p), "partner": pid, "status": status, "started": started, "invited": "",
				"completed": completed, "done": done, "total": 4, "created": started, "updated": started,
			}).Execute(); err != nil {
				return err
			}
			for i, s := range steps {
				at := ""
				if i < done {
					at = started
				}
				if _, err := db.Insert("onboarding_progress", dbx.Params{
					"id": fmt.Sprintf("pg%06d%07d", p, i), "partner": pid, "step": s, "done": i < done, "done_at": at,
					"done_by": "", "evidence": "", "created": started, "updated": started,
				}).Execute(); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// BenchmarkOnboardingPages measures the onboarding pages and the home
// panels over loopback HTTP on 2,000 partners (333 onboarding, 1,000
// completed) and 20,000 users.
// Run: go test -run XXX -bench OnboardingPages -benchtime 2s ./ui/
func BenchmarkOnboardingPages(b *testing.B) {
	app := testapp.New(b)
	seedScale(b, app)
	seedOnboardingScale(b, app)
	srv := httptest.NewServer(testapp.Serve(b, app))
	defer srv.Close()
	cookie := func(email string) *http.Cookie {
		ck, _ := testapp.SessionCookie(b, app, email)
		return ck
	}
	admin, manager := cookie(testapp.AdminEmail), cookie("m3@bench.test")
	// Partner 1503 is onboarding and managed by benchmanager003.
	partnerUser := cookie("u1503.4@bench.test")
	cases := []struct {
		name, path string
		ck         *http.Cookie
	}{
		{"admin_list", "/onboarding", admin},
		{"admin_list_page5", "/onboarding?page=5", admin},
		{"admin_list_completed", "/onboarding?show=completed", admin},
		{"admin_list_by_manager", "/onboarding?manager=benchmanager003", admin},
		{"manager_list", "/onboarding", manager},
		{"staff_detail", "/onboarding/revenda-1503", manager},
		{"admin_home", "/", admin},
		{"manager_home", "/", manager},
		{"partner_user_home", "/", partnerUser},
		{"admin_steps", "/onboarding/steps", admin},
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
