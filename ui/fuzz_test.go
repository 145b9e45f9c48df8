package ui_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// FuzzPortalRequests sends arbitrary paths, query strings and form bodies to
// the portal as a guest and as signed-in users of each kind; whatever the
// input, the answer is never a 5xx and never leaks a Go error or SQL.
// `go test` runs the seed corpus; `go test -fuzz=FuzzPortalRequests ./ui/`
// explores further.
func FuzzPortalRequests(f *testing.F) {
	seeds := []struct {
		method, path, query, body string
		who                       uint8
	}{
		{"GET", "/partners", "q=%27%3B+DROP+TABLE+partners--&status=active", "", 1},
		{"GET", "/partners", "tier=tiergold0000001&page=99999&sort=-joined", "", 1},
		{"GET", "/partners", "page=1e9&country=BR&manager=usermanagerana1", "", 2},
		{"GET", "/partners", "q=%ff%fe&sort=name%00", "", 1},
		{"GET", "/partners/acme-brasil", "", "", 3},
		{"GET", "/partners/%2e%2e%2fapi", "", "", 3},
		{"POST", "/login", "", "email=a%40b.c&password=x&next=%2F%2Fevil", 0},
		{"POST", "/login", "", "email=" + strings.Repeat("a", 5000) + "&password=", 0},
		{"POST", "/profile", "", "name=%00%01&job_title=<script>&locale=pt-BR", 3},
		{"POST", "/profile", "", "name=ok&locale=" + strings.Repeat("x", 300), 4},
		{"POST", "/profile/password", "", "current_password=&password=" + strings.Repeat("p", 200), 4},
		{"POST", "/members/useracmeuser001", "", "action=role&role=admin", 3},
		{"POST", "/members/x", "", "action=deactivate", 3},
		{"POST", "/members/useracmeuser001", "", "action=%zz", 3},
		{"POST", "/locale", "", "locale=pt-BR&next=javascript:alert(1)", 0},
		{"POST", "/forgot", "", "email=%40%40%40", 0},
		{"POST", "/login/code", "", "code=1234&next=%2F%2Fx", 0},
		{"POST", "/reset/abc.def.ghi", "", "password=12345678&password_confirm=12345678", 0},
		{"GET", "/reset/" + strings.Repeat("x", 3000), "", "", 0},
		{"PUT", "/profile", "", "name=x", 3},
		{"POST", "/partners/new", "", "name=%C3%A7&slug=&status=active&country=BR&joined=2026-02-30", 1},
		{"POST", "/partners/acme-brasil/edit", "", "name=x&website=javascript:x&manager=useracmeuser001", 2},
		{"POST", "/tiers/new", "", "name=T&rank=1e99&colour=%23zzzzzz&min_revenue_12m=1.2.3,4", 1},
		{"POST", "/tiers/tiergold0000001/edit", "", "name=&rank=-1", 3},
		{"GET", "/login/oauth2/oidc/callback", "state=x&code=y", "", 0},
		{"GET", "/login/oauth2/%2e%2e", "next=//evil", "", 0},
		{"DELETE", "/", "", "", 1},
	}
	for _, s := range seeds {
		f.Add(s.method, s.path, s.query, s.body, s.who)
	}
	app := testapp.New(f)
	srv := httptest.NewServer(testapp.Serve(f, app))
	defer srv.Close()
	users := []string{"", testapp.AdminEmail, testapp.ManagerAnaEmail, testapp.AcmeAdminEmail, testapp.AcmeUserEmail}

	f.Fuzz(func(t *testing.T, method, path, query, body string, who uint8) {
		switch method {
		case "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD":
		default:
			method = "GET"
		}
		if !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "/api") || strings.HasPrefix(path, "/_") {
			path = "/" + strings.TrimLeft(path, "/_")
			if strings.HasPrefix(path, "/api") {
				path = "/x" + path
			}
		}
		req, err := http.NewRequest(method, srv.URL+path+"?"+query, strings.NewReader(body))
		if err != nil {
			return // not a URL a client could send
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if email := users[int(who)%len(users)]; email != "" {
			ck, csrf := testapp.SessionCookie(t, app, email)
			req.AddCookie(ck)
			req.Header.Set("X-CSRF-Token", csrf)
		}
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			return
		}
		defer res.Body.Close()
		buf := make([]byte, 64<<10)
		n, _ := res.Body.Read(buf)
		page := string(buf[:n])
		if res.StatusCode >= 500 {
			t.Fatalf("%s %s?%s (%q) → %d", method, path, query, body, res.StatusCode)
		}
		for _, leak := range []string{"goroutine ", "runtime error", "SQL logic error", "sqlite", "panic:"} {
			if strings.Contains(page, leak) {
				t.Fatalf("%s %s leaked %q", method, path, leak)
			}
		}
	})
}
