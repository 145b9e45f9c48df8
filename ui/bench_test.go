package ui_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// Benchmark scale: a large programme, far above the demo network.
const (
	benchPartners        = 2000
	benchUsersPerPartner = 10
	benchManagers        = 20
)

// seedScale inserts partners, managers and users with plain INSERTs in one
// transaction (Save would hash 20,000 passwords). Every user shares one
// precomputed password hash.
func seedScale(b *testing.B, app core.App) {
	b.Helper()
	u, _ := app.FindAuthRecordByEmail("users", testapp.AcmeUserEmail)
	hash := u.GetString("password")
	err := app.RunInTransaction(func(tx core.App) error {
		db := tx.DB()
		now := "2026-01-01 00:00:00.000Z"
		user := func(id, email, name, role, partner string) error {
			_, err := db.Insert("users", dbx.Params{
				"id": id, "email": email, "password": hash, "tokenKey": security.RandomString(50),
				"emailVisibility": false, "verified": true, "name": name, "avatar": "", "role": role,
				"partner": partner, "locale": "pt-BR", "job_title": "Vendas", "deactivated": false,
				"created": now, "updated": now,
			}).Execute()
			return err
		}
		for m := 0; m < benchManagers; m++ {
			if err := user(fmt.Sprintf("benchmanager%03d", m), fmt.Sprintf("m%d@bench.test", m), fmt.Sprintf("Gerente %03d", m), "manager", ""); err != nil {
				return err
			}
		}
		statuses := []string{"active", "active", "active", "onboarding", "applicant", "suspended"}
		countries := []string{"BR", "BR", "BR", "PT", "US", "MX"}
		for p := 0; p < benchPartners; p++ {
			pid := fmt.Sprintf("bp%013d", p)
			_, err := db.Insert("partners", dbx.Params{
				"id": pid, "name": fmt.Sprintf("Revenda %04d Ltda", p), "slug": fmt.Sprintf("revenda-%04d", p),
				"tier": []string{testapp.TierGold, testapp.TierSilver}[p%2], "status": statuses[p%len(statuses)],
				"country": countries[p%len(countries)], "region": "latam", "website": "", "logo": "",
				"manager": fmt.Sprintf("benchmanager%03d", p%benchManagers), "joined": now, "created": now, "updated": now,
			}).Execute()
			if err != nil {
				return err
			}
			for i := 0; i < benchUsersPerPartner; i++ {
				role := "partner_user"
				if i == 0 {
					role = "partner_admin"
				}
				if err := user(fmt.Sprintf("bu%06d%07d", p, i), fmt.Sprintf("u%d.%d@bench.test", p, i),
					fmt.Sprintf("Pessoa %d %d", p, i), role, pid); err != nil {
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

// BenchmarkPortalPages measures whole page views (router, session, rules,
// queries, templates) over loopback HTTP on 2,000 partners and 20,000 users.
// Run: go test -run XXX -bench PortalPages -benchtime 3s ./ui/
func BenchmarkPortalPages(b *testing.B) {
	app := testapp.New(b)
	seedScale(b, app)
	srv := httptest.NewServer(testapp.Serve(b, app))
	defer srv.Close()
	cookie := func(email string) *http.Cookie {
		ck, _ := testapp.SessionCookie(b, app, email)
		return ck
	}
	admin, manager := cookie(testapp.AdminEmail), cookie("m3@bench.test")
	partnerUser, partnerAdmin := cookie("u1500.4@bench.test"), cookie("u1500.0@bench.test")
	cases := []struct {
		name, path string
		ck         *http.Cookie
	}{
		{"admin_home", "/", admin},
		{"admin_directory", "/partners", admin},
		{"admin_directory_page50", "/partners?page=50", admin},
		{"admin_directory_search", "/partners?q=1234", admin},
		{"admin_directory_status_country", "/partners?status=active&country=BR&sort=-joined", admin},
		{"manager_home", "/", manager},
		{"manager_directory", "/partners", manager},
		{"partner_detail_staff", "/partners/revenda-1500", admin},
		{"partner_user_home", "/", partnerUser},
		{"partner_admin_organisation", "/organisation", partnerAdmin},
		{"tiers_page", "/tiers", partnerUser},
		{"login_page", "/login", nil},
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				req, _ := http.NewRequest(http.MethodGet, srv.URL+c.path, nil)
				if c.ck != nil {
					req.AddCookie(c.ck)
				}
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

// BenchmarkPortalPagesParallel measures throughput with as many concurrent
// clients as GOMAXPROCS (and 8 per proc with -cpu), on the same scale.
// Run: go test -run XXX -bench PortalPagesParallel -benchtime 3s ./ui/
func BenchmarkPortalPagesParallel(b *testing.B) {
	app := testapp.New(b)
	seedScale(b, app)
	srv := httptest.NewServer(testapp.Serve(b, app))
	defer srv.Close()
	ck := func(email string) *http.Cookie {
		c, _ := testapp.SessionCookie(b, app, email)
		return c
	}
	cases := []struct {
		name, path string
		ck         *http.Cookie
	}{
		{"partner_user_home", "/", ck("u1500.4@bench.test")},
		{"manager_directory", "/partners", ck("m3@bench.test")},
		{"admin_directory", "/partners", ck(testapp.AdminEmail)},
	}
	transport := &http.Transport{MaxIdleConnsPerHost: 64}
	client := &http.Client{Transport: transport}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			b.SetParallelism(8)
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					req, _ := http.NewRequest(http.MethodGet, srv.URL+c.path, nil)
					req.AddCookie(c.ck)
					res, err := client.Do(req)
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
					if res.StatusCode != http.StatusOK {
						b.Errorf("%s: %d", c.path, res.StatusCode)
						return
					}
				}
			})
		})
	}
}
