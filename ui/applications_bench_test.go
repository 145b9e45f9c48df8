package ui_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/applications"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// benchApplications is the scale of the review list's benchmark: years of
// a busy public form, most of it decided.
const benchApplications = 100000

// seedApplicationScale inserts benchApplications applications with plain
// INSERTs: one in ten waiting, the rest approved or declined.
func seedApplicationScale(b *testing.B, app core.App) {
	b.Helper()
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	err := app.RunInTransaction(func(tx core.App) error {
		for i := range benchApplications {
			status := []string{"new", "approved", "declined", "approved", "declined", "approved", "declined", "approved", "declined", "declined"}[i%10]
			at := start.Add(time.Duration(i) * 7 * time.Minute).Format("2006-01-02 15:04:05.000Z")
			company := fmt.Sprintf("Empresa %06d Ltda", i)
			_, err := tx.DB().Insert("partner_applications", dbx.Params{
				"id": fmt.Sprintf("ba%013d", i), "company": company, "company_key": applications.CompanyKey(company),
				"country": "BR", "website": "https://example.com", "contact_name": "Pessoa", "contact_email": fmt.Sprintf("p%d@bench.test", i),
				"phone": "", "message": "Integradora de sistemas no Brasil.", "consent": true, "consent_at": at, "locale": "pt-BR",
				"status": status, "decided_by": "", "decided_at": "", "decline_reason": "", "partner": "", "ip_hash": "",
				"created": at, "updated": at,
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
}

// BenchmarkApplicationPages measures the review pages on 100,000
// applications and the public form, shown and sent, over loopback HTTP.
// Run: go test -run XXX -bench ApplicationPages -benchtime 2s ./ui/
func BenchmarkApplicationPages(b *testing.B) {
	app := testapp.New(b)
	seedApplicationScale(b, app)
	// Each sent form comes from its own address (trusted proxy header), so
	// the per-address limits measure nothing but themselves.
	app.Settings().TrustedProxy.Headers = []string{"X-Forwarded-For"}
	srv := httptest.NewServer(testapp.Serve(b, app))
	defer srv.Close()
	admin, _ := testapp.SessionCookie(b, app, testapp.AdminEmail)
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(b *testing.B, path string, ck *http.Cookie) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if ck != nil {
			req.AddCookie(ck)
		}
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK {
			b.Fatalf("%s: %d", path, res.StatusCode)
		}
	}
	for _, c := range []struct {
		name, path string
		ck         *http.Cookie
	}{
		{"list_all", "/applications", admin},
		{"list_new", "/applications?status=new", admin},
		{"list_declined_page200", "/applications?status=declined&page=200", admin},
		{"show", "/applications/ba0000000050000", admin},
		{"apply_form", "/apply", nil},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				get(b, c.path, c.ck)
			}
		})
	}
	b.Run("apply_submit", func(b *testing.B) {
		csrf := "benchcsrfbenchcsrfbenchcsrfbench"
		var n atomic.Int64
		for b.Loop() {
			i := n.Add(1)
			f := url.Values{"_csrf": {csrf}, "company": {fmt.Sprintf("Bench Submit %d", i)}, "country": {"BR"},
				"website": {"https://bench.example"}, "contact_name": {"Bench"}, "contact_email": {fmt.Sprintf("s%d@bench.example", i)},
				"message": {"Integradora de sistemas no Brasil, há dez anos."}, "consent": {"1"},
				"started": {applications.For(app).TokenAt(time.Now().Add(-10 * time.Second))}}
			req, _ := http.NewRequest(http.MethodPost, srv.URL+"/apply", strings.NewReader(f.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			req.Header.Set("X-Forwarded-For", fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
			req.AddCookie(&http.Cookie{Name: "ponte_csrf", Value: csrf})
			res, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode != http.StatusSeeOther {
				b.Fatalf("submit: %d", res.StatusCode)
			}
		}
	})
}
