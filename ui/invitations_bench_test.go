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
	"github.com/ponte-portal/ponte/internal/invite"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// benchInvitationsPerPartner gives 100,000 invitations over seedScale's
// 2,000 partners: a few pending, most settled.
const benchInvitationsPerPartner = 50

// benchInviteToken opens the one invitation whose token the benchmark knows.
const benchInviteToken = "benchbenchbenchbenchbenchbenchbenchbench123"

// seedInvitationScale inserts the invitations with multi-row INSERTs.
func seedInvitationScale(b *testing.B, app core.App) {
	b.Helper()
	sqlDB, ok := app.NonconcurrentDB().(*dbx.DB)
	if !ok {
		b.Fatal("the app's database is not a *dbx.DB")
	}
	tx, err := sqlDB.DB().Begin()
	if err != nil {
		b.Fatal(err)
	}
	in, err := newRowInserter(tx, "invitations", "id", "email", "name", "role", "partner", "invited_by", "token_hash", "locale",
		"status", "expires", "last_sent", "send_count", "reminded_at", "accepted_at", "accepted_user", "revoked_by", "revoked_at",
		"created", "updated")
	if err != nil {
		b.Fatal(err)
	}
	now := time.Now().UTC()
	statuses := []string{"pending", "pending", "accepted", "accepted", "accepted", "accepted", "expired", "expired", "revoked", "accepted"}
	for p := 0; p < benchPartners; p++ {
		for i := 0; i < benchInvitationsPerPartner; i++ {
			n := p*benchInvitationsPerPartner + i
			status := statuses[i%len(statuses)]
			sent := now.Add(-time.Duration(n%(60*24)) * time.Hour)
			expires := sent.Add(invite.Validity)
			if status == "pending" {
				sent = now.Add(-time.Duration(n%48) * time.Hour)
				expires = sent.Add(invite.Validity)
			}
			hash := invite.HashToken(fmt.Sprintf("bench-%d", n))
			if n == 0 {
				hash = invite.HashToken(benchInviteToken)
			}
			accepted, revokedAt := "", ""
			if status == "accepted" {
				accepted = benchDate(sent.Add(time.Hour))
			}
			if status == "revoked" {
				revokedAt = benchDate(sent.Add(time.Hour))
			}
			err := in.add(fmt.Sprintf("bi%013d", n), fmt.Sprintf("i%d.%d@bench.test", p, i), "", "partner_user",
				fmt.Sprintf("bp%013d", p), fmt.Sprintf("bu%06d%07d", p, 0), hash, "pt-BR", status, benchDate(expires),
				benchDate(sent), 1, "", accepted, "", "", revokedAt, benchDate(sent), benchDate(sent))
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := in.flush(); err != nil {
		b.Fatal(err)
	}
	if _, err := tx.Exec("ANALYZE"); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkInvitationPages measures the invitations pages over loopback
// HTTP on 2,000 partners, 20,000 users and 100,000 invitations.
// Run: go test -run XXX -bench InvitationPages -benchtime 2s ./ui/
func BenchmarkInvitationPages(b *testing.B) {
	app := testapp.New(b)
	seedScale(b, app)
	seedInvitationScale(b, app)
	srv := httptest.NewServer(testapp.Serve(b, app))
	defer srv.Close()
	cookie := func(email string) *http.Cookie {
		ck, _ := testapp.SessionCookie(b, app, email)
		return ck
	}
	admin, manager, partnerAdmin := cookie(testapp.AdminEmail), cookie("m3@bench.test"), cookie("u1500.0@bench.test")
	cases := []struct {
		name, path string
		ck         *http.Cookie
	}{
		{"admin_pending", "/invitations", admin},
		{"admin_all_page20", "/invitations?status=all&page=20", admin},
		{"admin_expired", "/invitations?status=expired", admin},
		{"admin_partner_filter", "/invitations?partner=revenda-1500&status=all", admin},
		{"manager_pending", "/invitations", manager},
		{"partner_admin_all", "/invitations?status=all", partnerAdmin},
		{"invite_form_admin", "/invitations/new", admin},
		{"accept_page_guest", "/invitations/accept/" + benchInviteToken, nil},
		{"accept_unknown_token", "/invitations/accept/" + benchInviteToken[:42] + "x", nil},
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
				if res.StatusCode != http.StatusOK && res.StatusCode != http.StatusNotFound {
					b.Fatalf("%s: %d", c.path, res.StatusCode)
				}
			}
		})
	}
	b.Run("hourly_job_nothing_due", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := hooks.RunInvitationJobs(app, time.Now()); err != nil {
				b.Fatal(err)
			}
		}
	})
}
