package ui_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/notify"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// Notifications at scale: every one of the 20,000 benchmark users has
// benchNotesPerUser notifications spread over 30 days (a third unread), and
// the measured user (u1500.4) benchHeavyNotes, half of them unread.
const (
	benchNotesPerUser = 25
	benchHeavyNotes   = 2000
	benchHeavyUser    = "bu001500" + "0000004"
)

// seedNotificationScale adds the notifications with multi-row INSERTs.
func seedNotificationScale(b *testing.B, app core.App) int {
	b.Helper()
	t0 := time.Now()
	now := time.Now().UTC()
	kinds := notify.Kinds
	total := 0
	sqlDB, ok := app.NonconcurrentDB().(*dbx.DB)
	if !ok {
		b.Fatal("the app's database is not a *dbx.DB")
	}
	tx, err := sqlDB.DB().Begin()
	if err != nil {
		b.Fatal(err)
	}
	defer tx.Rollback()
	in, err := newRowInserter(tx, "notifications", "id", "user", "kind", "title", "link", "read_at", "emailed_at", "created")
	if err != nil {
		b.Fatal(err)
	}
	add := func(user string, i, n int) error {
		created := now.Add(-time.Duration(i) * 30 * 24 * time.Hour / time.Duration(n))
		read := ""
		if i%3 != 0 {
			read = benchDate(created.Add(time.Hour))
		}
		emailed := ""
		if i > n/30 { // older than a day: the digest has been
			emailed = benchDate(created.Add(7 * time.Hour))
		}
		total++
		return in.add(fmt.Sprintf("bn%013d", total), user, kinds[i%len(kinds)],
			fmt.Sprintf("Documento %d foi atualizado", i), "/documents/bench", read, emailed, benchDate(created))
	}
	for p := 0; p < benchPartners; p++ {
		for u := 0; u < benchUsersPerPartner; u++ {
			id := fmt.Sprintf("bu%06d%07d", p, u)
			n := benchNotesPerUser
			if id == benchHeavyUser {
				n = benchHeavyNotes
			}
			for i := 0; i < n; i++ {
				if err := add(id, i, n); err != nil {
					b.Fatal(err)
				}
			}
		}
	}
	if err := in.flush(); err != nil {
		b.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		b.Fatal(err)
	}
	if _, err := app.DB().NewQuery("ANALYZE").Execute(); err != nil {
		b.Fatal(err)
	}
	b.Logf("seeded %d notifications in %s", total, time.Since(t0).Round(time.Millisecond))
	return total
}

// BenchmarkNotificationPages measures the notifications page, a deep page,
// the bell's count endpoint and a page with the bell, for a user with 2,000
// notifications among 500,000.
// Run: go test -run XXX -bench NotificationPages -benchtime 2s ./ui/
func BenchmarkNotificationPages(b *testing.B) {
	app := testapp.New(b)
	seedScale(b, app)
	total := seedNotificationScale(b, app)
	srv := httptest.NewServer(testapp.Serve(b, app))
	defer srv.Close()
	ck, _ := testapp.SessionCookie(b, app, "u1500.4@bench.test")
	light, _ := testapp.SessionCookie(b, app, "u20.3@bench.test")
	runPageCases(b, app, srv, fmt.Sprintf("%d notifications", total), []benchCase{
		{"list_first_page", "/notifications", ck},
		{"list_page_50", "/notifications?page=50", ck},
		{"count_endpoint", "/notifications/count", ck},
		{"home_with_bell", "/", ck},
		{"list_light_user", "/notifications", light},
	})
}

// BenchmarkNotificationWrites measures marking one notification read (a
// rule-checked save and the live count), marking 1,000 unread read at once,
// notifying every partner user at once, and the daily digest over the whole
// scale (20,000 e-mails to the test mailer).
// Run: go test -run XXX -bench NotificationWrites -benchtime 1x ./ui/
func BenchmarkNotificationWrites(b *testing.B) {
	app := testapp.New(b)
	seedScale(b, app)
	seedNotificationScale(b, app)
	srv := httptest.NewServer(testapp.Serve(b, app))
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	ck, csrf := testapp.SessionCookie(b, app, "u1500.4@bench.test")
	post := func(path string) time.Duration {
		form := url.Values{"_csrf": {csrf}}
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		req.AddCookie(ck)
		t0 := time.Now()
		res, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusSeeOther {
			b.Fatalf("POST %s: %d", path, res.StatusCode)
		}
		return time.Since(t0)
	}
	b.Run("mark_all_read_1000", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			if _, err := app.DB().Update("notifications", dbx.Params{"read_at": ""},
				dbx.And(dbx.HashExp{"user": benchHeavyUser}, dbx.NewExp("CAST(substr(id, 3) AS INTEGER) % 2 = 0"))).Execute(); err != nil {
				b.Fatal(err)
			}
			b.StartTimer()
			post("/notifications/read-all")
		}
	})
	b.Run("open_one", func(b *testing.B) {
		var ids []string
		if err := app.DB().Select("id").From("notifications").Where(dbx.HashExp{"user": benchHeavyUser}).
			Limit(5000).Column(&ids); err != nil {
			b.Fatal(err)
		}
		i := 0
		for b.Loop() {
			post("/notifications/" + ids[i%len(ids)] + "/open")
			i++
		}
	})
	// A document revised for an audience of every partner: 20,000
	// notifications in the upload's transaction, then their live counts and
	// e-mail checks after the commit.
	b.Run("send_to_all_users", func(b *testing.B) {
		var ids []string
		if err := app.DB().Select("id").From("users").Where(dbx.NewExp("partner != ''")).Column(&ids); err != nil {
			b.Fatal(err)
		}
		for b.Loop() {
			err := app.RunInTransaction(func(tx core.App) error {
				return notify.Send(tx, notify.KindDocumentRevised, "/documents/bench", testapp.AdminID, []any{"Tabela de preços"}, ids...)
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("digest_run", func(b *testing.B) {
		for b.Loop() {
			b.StopTimer()
			if _, err := app.DB().NewQuery("UPDATE notifications SET emailed_at = '' WHERE created > {:since}").
				Bind(dbx.Params{"since": benchDate(time.Now().Add(-24 * time.Hour))}).Execute(); err != nil {
				b.Fatal(err)
			}
			app.TestMailer.Reset()
			b.StartTimer()
			sent, err := notify.SendDigests(app, time.Now())
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(float64(sent), "emails")
		}
	})
}
