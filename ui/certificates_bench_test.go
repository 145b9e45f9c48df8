package ui_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/internal/testapp"
	"github.com/ponte-portal/ponte/internal/training"
)

// benchCertifications is how many certifications the benchmark programme
// has; each of the 20,000 users holds two of them on average.
const benchCertifications = 3

// seedCertificates adds three certifications and about 40,000 certificates
// to the benchmark network (seedScale): for user i, certification c is held
// when (i+c)%3 != 0, issued over the past three years with 12 or 24 months
// of validity, so a third are expired (marked by the hourly job, but for
// those whose last day has just passed), a few revoked, and a steady share
// ends within 30 days. It returns the code of
// one valid certificate.
func seedCertificates(b *testing.B, app core.App) string {
	b.Helper()
	sqlDB, ok := app.NonconcurrentDB().(*dbx.DB)
	if !ok {
		b.Fatal("the app's database is not a *dbx.DB")
	}
	tx, err := sqlDB.DB().Begin()
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	must := func(err error) {
		b.Helper()
		if err != nil {
			b.Fatal(err)
		}
	}
	now := time.Now().UTC()
	stamp := benchDate(now)
	certs, err := newRowInserter(tx, "certifications", "id", "name", "description", "description_html",
		"validity_months", "required_courses", "created", "updated")
	must(err)
	validity := []int{12, 24, 12}
	for c := range benchCertifications {
		must(certs.add(fmt.Sprintf("benchcert%06d", c), []string{"Especialista em Vendas", "Técnico Certificado", "Arquiteto de Soluções"}[c],
			"", "", validity[c], "[]", stamp, stamp))
	}
	must(certs.flush())
	rows, err := newRowInserter(tx, "certificates", "id", "user", "partner", "certification", "holder_name", "partner_name",
		"code", "issued", "expires", "status", "revoked", "revoked_by", "revocation_reason", "reminded_30", "reminded_7",
		"created", "updated")
	must(err)
	sample := ""
	n := 0
	for p := range benchPartners {
		pid := fmt.Sprintf("bp%013d", p)
		for i := range benchUsersPerPartner {
			uid := fmt.Sprintf("bu%06d%07d", p, i)
			for c := range benchCertifications {
				if (p*benchUsersPerPartner+i+c)%3 == 0 {
					continue
				}
				n++
				issued := now.Add(-time.Duration((n*7919)%(3*365*24)) * time.Hour)
				expires := training.Expiry(issued, validity[c])
				status, revoked := "valid", ""
				switch {
				case n%97 == 0:
					status, revoked = "revoked", benchDate(issued.AddDate(0, 1, 0))
				case training.Expired(expires, now) && expires.After(now.AddDate(0, 0, -2)):
					// Past its last day within the last day or so: the
					// hourly job has not run yet for a few.
				case training.Expired(expires, now):
					status = "expired" // marked by the hourly job
				}
				code := training.NewCode()
				if sample == "" && status == "valid" && !training.Expired(expires, now) {
					sample = code
				}
				must(rows.add(fmt.Sprintf("bc%013d", n), uid, pid, fmt.Sprintf("benchcert%06d", c),
					fmt.Sprintf("Pessoa %d %d", p, i), fmt.Sprintf("Revenda %04d Ltda", p), code, benchDate(issued),
					benchDate(expires), status, revoked, "", "", "", "", stamp, stamp))
			}
		}
	}
	must(rows.flush())
	must(tx.Commit())
	// Plain INSERTs skip the hooks: build the rollup they would have kept.
	must(hooks.RebuildCertificateCounts(app))
	if _, err := app.DB().NewQuery("ANALYZE").Execute(); err != nil {
		b.Fatal(err)
	}
	return sample
}

// BenchmarkCertificatePages measures the certificate pages over loopback
// HTTP on 2,000 partners, 20,000 users and about 40,000 certificates: the
// lists (a partner user's, a partner admin's, a manager's and the admin's,
// filtered too), a certificate, the public verification (found and
// unknown), the certifications page and the certified people report, with
// median and p99 per page.
// Run: go test -run XXX -bench CertificatePages -benchtime 2s ./ui/
func BenchmarkCertificatePages(b *testing.B) {
	app := testapp.New(b)
	seedScale(b, app)
	code := seedCertificates(b, app)
	srv := httptest.NewServer(testapp.Serve(b, app))
	defer srv.Close()
	cookie := func(email string) *http.Cookie {
		ck, _ := testapp.SessionCookie(b, app, email)
		return ck
	}
	admin, manager := cookie(testapp.AdminEmail), cookie("m3@bench.test")
	partnerUser, partnerAdmin := cookie("u1500.4@bench.test"), cookie("u1500.0@bench.test")
	var one string
	if err := app.DB().Select("id").From("certificates").Where(dbx.HashExp{"user": "bu0015000000004"}).
		Limit(1).Row(&one); err != nil {
		b.Fatal(err)
	}
	cases := []benchCase{
		{"partner_user_list", "/certificates", partnerUser},
		{"partner_admin_list", "/certificates", partnerAdmin},
		{"manager_list", "/certificates", manager},
		{"manager_list_expiring", "/certificates?status=valid&expiring=1", manager},
		{"admin_list", "/certificates", admin},
		{"admin_list_page20", "/certificates?page=20", admin},
		{"admin_list_expired_cert", "/certificates?status=expired&certification=benchcert000001", admin},
		{"admin_list_partner", "/certificates?partner=bp0000000001500", admin},
		{"certificate_page", "/certificates/" + one, partnerUser},
		{"certifications", "/certifications", admin},
		{"report_admin", "/certifications/report", admin},
		{"report_manager", "/certifications/report", manager},
		{"report_admin_one_cert", "/certifications/report?certification=benchcert000000", admin},
		{"export_manager_csv", "/certificates/export.csv", manager},
		{"export_admin_csv_all", "/certificates/export.csv", admin},
	}
	runPageCases(b, app, srv, fmt.Sprintf("seeded %d partners, %d users, certificates for each", benchPartners,
		benchPartners*benchUsersPerPartner), cases)

	// The public page, found and unknown. Its limiter (30 a minute per
	// address) would refuse a benchmark's rate from one address, so each
	// request starts with a fresh limiter.
	client := &http.Client{}
	for _, c := range []struct{ name, code string }{{"verify_found", code}, {"verify_unknown", training.NewCode()},
		{"verify_malformed", "not-a-code"}} {
		b.Run(c.name, func(b *testing.B) {
			var took []time.Duration
			for b.Loop() {
				app.Store().Remove("ponte.verify.limiter")
				t0 := time.Now()
				res, err := client.Get(srv.URL + "/verify/" + c.code)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, res.Body)
				res.Body.Close()
				took = append(took, time.Since(t0))
				if want := map[bool]int{true: 200, false: 404}[c.name == "verify_found"]; res.StatusCode != want {
					b.Fatalf("%s: status %d, want %d", c.name, res.StatusCode, want)
				}
			}
			reportPercentiles(b, took)
		})
	}

	// The expiry job: its first run marks every certificate past its last
	// day (reported once as first-run-s), later runs find nothing due.
	b.Run("expiry_job", func(b *testing.B) {
		t0 := time.Now()
		res, err := hooks.RunCertificateExpiry(app, time.Now())
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(time.Since(t0).Seconds(), "first-run-s")
		b.ReportMetric(float64(res.Expired), "first-run-expired")
		for b.Loop() {
			if _, err := hooks.RunCertificateExpiry(app, time.Now()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
