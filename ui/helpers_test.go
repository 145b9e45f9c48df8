package ui_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/testapp"
)

func TestMain(m *testing.M) { testapp.Main(m) }

// browser is a minimal cookie-keeping client that does not follow redirects,
// so tests see each response as the portal sent it.
type browser struct {
	t    *testing.T
	srv  *httptest.Server
	jar  map[string]*http.Cookie
	csrf string
	lang string
}

type response struct {
	Status int
	Body   string
	Header http.Header
}

func newServer(t *testing.T) (*tests.TestApp, *httptest.Server) {
	t.Helper()
	app := testapp.New(t)
	srv := httptest.NewServer(testapp.Serve(t, app))
	t.Cleanup(srv.Close)
	return app, srv
}

func newBrowser(t *testing.T, srv *httptest.Server) *browser {
	return &browser{t: t, srv: srv, jar: map[string]*http.Cookie{}}
}

// signedIn returns a browser holding a session for the fixture user.
func signedIn(t *testing.T, app *tests.TestApp, srv *httptest.Server, email string) *browser {
	b := newBrowser(t, srv)
	ck, csrf := testapp.SessionCookie(t, app, email)
	b.jar[ck.Name] = ck
	b.csrf = csrf
	return b
}

var csrfInput = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)

func (b *browser) do(method, path string, form url.Values) response {
	b.t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, b.srv.URL+path, body)
	if err != nil {
		b.t.Fatal(err)
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if b.lang != "" {
		req.Header.Set("Accept-Language", b.lang)
	}
	for _, c := range b.jar {
		req.AddCookie(c)
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	b.keepCookies(res)
	// A translation formatted with the wrong arguments shows as "%!": never
	// let one reach a page.
	if strings.Contains(string(raw), "%!") {
		b.t.Errorf("%s %s: badly formatted translation in the page:\n%s", method, path, snippet(string(raw)))
	}
	if m := csrfInput.FindStringSubmatch(string(raw)); m != nil {
		b.csrf = m[1]
	}
	return response{Status: res.StatusCode, Body: string(raw), Header: res.Header}
}

// keepCookies stores the cookies a response sets, and forgets deleted ones.
func (b *browser) keepCookies(res *http.Response) {
	for _, c := range res.Cookies() {
		if c.MaxAge < 0 {
			delete(b.jar, c.Name)
		} else {
			b.jar[c.Name] = c
		}
	}
}

func (b *browser) get(path string) response { return b.do(http.MethodGet, path, nil) }

// post submits a form with the browser's current CSRF token.
func (b *browser) post(path string, form url.Values) response {
	if form == nil {
		form = url.Values{}
	}
	if form.Get("_csrf") == "" {
		form.Set("_csrf", b.csrf)
	}
	return b.do(http.MethodPost, path, form)
}

func expectStatus(t *testing.T, r response, want int, what string) {
	t.Helper()
	if r.Status != want {
		t.Fatalf("%s: status %d, want %d\n%s", what, r.Status, want, snippet(r.Body))
	}
}

func expectContains(t *testing.T, r response, what string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(r.Body, w) {
			t.Errorf("%s: body lacks %q\n%s", what, w, snippet(r.Body))
		}
	}
}

func expectNotContains(t *testing.T, r response, what string, nots ...string) {
	t.Helper()
	for _, n := range nots {
		if strings.Contains(r.Body, n) {
			t.Errorf("%s: body must not contain %q", what, n)
		}
	}
}

// snippet returns the <main> part of a page for failure messages.
func snippet(body string) string {
	if i := strings.Index(body, "<main"); i >= 0 {
		body = body[i:]
	}
	if len(body) > 1500 {
		body = body[:1500]
	}
	return body
}
