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
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/branding"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// seedSessions inserts n sessions spread over the 20,000 bench users, plus
// mine for the user with the given email, with plain INSERTs.
func seedSessions(b *testing.B, app core.App, n, mine int, email string) {
	b.Helper()
	u, _ := app.FindAuthRecordByEmail("users", email)
	now := types.NowDateTime().String()
	exp := types.NowDateTime().Add(24 * time.Hour).String()
	err := app.RunInTransaction(func(tx core.App) error {
		for i := 0; i < n+mine; i++ {
			user := fmt.Sprintf("bu%06d%07d", i%benchPartners, i%benchUsersPerPartner)
			if i >= n {
				user = u.Id
			}
			_, err := tx.DB().Insert("sessions", dbx.Params{
				"id": fmt.Sprintf("bs%013d", i), "token_hash": fmt.Sprintf("%064d", i), "user": user,
				"csrf": "x", "key_sum": "x", "expires": exp, "last_seen": now, "ip": "203.0.113.1",
				"user_agent": androidUA, "created": now,
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

// BenchmarkSignInPages measures the sign-in area's pages at scale (2,000
// partners, 20,000 users, 40,000 sessions), branded with a favicon and
// sign-in text: the sign-in page, the code form, the favicon, and the
// profile listing 8 sessions.
// Run: go test -run XXX -bench SignInPages -benchtime 2s ./ui/
func BenchmarkSignInPages(b *testing.B) {
	app := testapp.New(b)
	seedScale(b, app)
	seedSessions(b, app, 40000, 7, "u1500.4@bench.test")
	s, _ := app.FindFirstRecordByFilter("settings", "")
	s.Set("signin_text_pt", "Bem-vindo ao portal de parceiros.")
	icon, err := filesystem.NewFileFromBytes(sizedPNG(b, 32, 32), "favicon.png")
	if err != nil {
		b.Fatal(err)
	}
	s.Set("favicon", icon)
	if err := app.Save(s); err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(testapp.Serve(b, app))
	defer srv.Close()
	ck, _ := testapp.SessionCookie(b, app, "u1500.4@bench.test")
	fav := branding.Load(app).FaviconURL
	cases := []struct {
		name, path string
		ck         *http.Cookie
		status     int
	}{
		{"login", "/login", nil, 200},
		{"login_code_form", "/login?method=code", nil, 200},
		{"favicon_versioned", fav, nil, 200},
		{"profile_8_sessions", "/profile", ck, 200},
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
				if res.StatusCode != c.status {
					b.Fatalf("%s: %d", c.path, res.StatusCode)
				}
			}
		})
	}
}
