package ui_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// TestFailuresRenderStyledPagesWithoutDetails registers two failing routes
// beside the portal's and checks that a panic and an unexpected error become
// the styled, translated 500 page with no error text, SQL or stack trace.
func TestFailuresRenderStyledPagesWithoutDetails(t *testing.T) {
	app := testapp.New(t)
	app.OnServe().BindFunc(func(e *core.ServeEvent) error {
		e.Router.GET("/boom/panic", func(*core.RequestEvent) error { panic("secret panic detail") })
		e.Router.GET("/boom/error", func(*core.RequestEvent) error {
			return errors.New("SQL logic error: no such table secret_table")
		})
		return e.Next()
	})
	srv := httptest.NewServer(testapp.Serve(t, app))
	defer srv.Close()
	b := newBrowser(t, srv)
	b.lang = "pt-BR"
	for _, p := range []string{"/boom/panic", "/boom/error"} {
		r := b.get(p)
		expectStatus(t, r, http.StatusInternalServerError, p)
		expectContains(t, r, p, "Algo deu errado do nosso lado", `class="error-page"`)
		expectNotContains(t, r, p, "secret", "SQL", "goroutine", ".go:")
	}
}

func TestOversizedFormIs413(t *testing.T) {
	app, srv := newServer(t)
	b := signedIn(t, app, srv, testapp.AcmeUserEmail)
	b.lang = "en"
	b.get("/profile")
	r := b.post("/profile", url.Values{"name": {strings.Repeat("x", 100<<10)}})
	expectStatus(t, r, http.StatusRequestEntityTooLarge, "100 KiB form")
	expectContains(t, r, "413", "Grande demais") // the user's own locale (pt-BR) wins over Accept-Language
}

// TestMalformedMultipartIs400: a broken multipart body is a 400 page, never
// a 500, on every upload route.
func TestMalformedMultipartIs400(t *testing.T) {
	app, srv := newServer(t)
	ck, csrf := testapp.SessionCookie(t, app, testapp.AdminEmail)
	for _, path := range []string{"/settings", "/profile/photo", "/partners/acme-brasil/edit", "/partners/new"} {
		req, _ := http.NewRequest(http.MethodPost, srv.URL+path, strings.NewReader("--xx\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\nunterminated"))
		req.Header.Set("Content-Type", "multipart/form-data; boundary=xx")
		req.Header.Set("X-CSRF-Token", csrf)
		req.AddCookie(ck)
		res, err := http.DefaultTransport.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: malformed multipart → %d, want 400", path, res.StatusCode)
		}
	}
}
