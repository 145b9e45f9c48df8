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
