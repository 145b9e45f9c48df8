// Package testapp builds PocketBase test apps with Ponte's migrations, hooks
// and portal registered, seeded with a small fixture network of two partners.
// Every test in the repository starts from here.
package testapp

import (
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/session"
	"github.com/ponte-portal/ponte/internal/wire"
	_ "github.com/ponte-portal/ponte/pb_migrations"
)

var (
	templateOnce sync.Once
	templateDir  string
	templateErr  error
	emptyOnce    sync.Once
	emptyDir     string
	emptyErr     error
)

// buildTemplate migrates and seeds one data dir per test binary; each New
// clones it (a file copy), which is far cheaper than migrating and hashing
// passwords for every test.
func buildTemplate(seed bool) (string, error) {
	dir, err := os.MkdirTemp("", "ponte-testapp-template-")
	if err != nil {
		return "", err
	}
	app, err := tests.NewTestAppWithConfig(core.BaseAppConfig{DataDir: dir, EncryptionEnv: "ponte_test_env"})
	if err != nil {
		return "", err
	}
	defer app.Cleanup() // removes the clone, not dir
	// Seed through the same hooks as production, so the fixture obeys every
	// invariant the hooks enforce.
	if err := wire.Register(app); err != nil {
		return "", err
	}
	if seed {
		if err := SeedFixture(app); err != nil {
			return "", err
		}
	}
	// Copy the migrated, seeded clone back into the template dir.
	if err := app.ResetBootstrapState(); err != nil {
		return "", err
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	if err := os.CopyFS(dir, os.DirFS(app.DataDir())); err != nil {
		return "", err
	}
	return dir, nil
}

// New returns a test app seeded with the Fixture network, with Ponte's hooks
// and portal registered. It is cleaned up when the test ends.
func New(t testing.TB) *tests.TestApp {
	t.Helper()
	app := Factory(t)
	t.Cleanup(app.Cleanup)
	return app
}

// NewEmpty returns a migrated test app with no users, partners or tiers (the
// state of a fresh install), registered like New.
func NewEmpty(t testing.TB) *tests.TestApp {
	t.Helper()
	emptyOnce.Do(func() { emptyDir, emptyErr = buildTemplate(false) })
	app := fromTemplate(t, emptyDir, emptyErr)
	t.Cleanup(app.Cleanup)
	return app
}

// Factory is a tests.ApiScenario TestAppFactory that returns a seeded app.
// ApiScenario cleans the app up itself after the scenario.
func Factory(t testing.TB) *tests.TestApp {
	t.Helper()
	templateOnce.Do(func() { templateDir, templateErr = buildTemplate(true) })
	return fromTemplate(t, templateDir, templateErr)
}

// fromTemplate clones a template data dir into a registered test app; the
// caller owns its clean-up.
func fromTemplate(t testing.TB, dir string, buildErr error) *tests.TestApp {
	t.Helper()
	if buildErr != nil {
		t.Fatalf("testapp: building template: %v", buildErr)
	}
	app, err := tests.NewTestAppWithConfig(core.BaseAppConfig{DataDir: dir, EncryptionEnv: "ponte_test_env"})
	if err != nil {
		t.Fatalf("testapp: %v", err)
	}
	if err := wire.Register(app); err != nil {
		t.Fatalf("testapp: register: %v", err)
	}
	return app
}

// DataDir returns a copy of the seeded (or, with seeded false, the empty but
// migrated) template data dir in t's temp dir, for running the real binary
// with `serve --dir`. The copy is removed when the test ends.
func DataDir(t testing.TB, seeded bool) string {
	t.Helper()
	var dir string
	var err error
	if seeded {
		templateOnce.Do(func() { templateDir, templateErr = buildTemplate(true) })
		dir, err = templateDir, templateErr
	} else {
		emptyOnce.Do(func() { emptyDir, emptyErr = buildTemplate(false) })
		dir, err = emptyDir, emptyErr
	}
	if err != nil {
		t.Fatalf("testapp: building template: %v", err)
	}
	out := filepath.Join(t.TempDir(), "pb_data")
	if err := os.CopyFS(out, os.DirFS(dir)); err != nil {
		t.Fatalf("testapp: copying data dir: %v", err)
	}
	return out
}

// Main runs a package's tests and then removes the template data dirs; use it
// as the whole body of TestMain.
func Main(m *testing.M) {
	code := m.Run()
	CleanupTemplates()
	os.Exit(code)
}

// CleanupTemplates removes the template data dirs; call it from TestMain
// after m.Run() to leave nothing behind in the temp dir.
func CleanupTemplates() {
	if templateDir != "" {
		os.RemoveAll(templateDir)
	}
	if emptyDir != "" {
		os.RemoveAll(emptyDir)
	}
	cachedMu.Lock()
	defer cachedMu.Unlock()
	for _, d := range cachedDirs {
		os.RemoveAll(d)
	}
}

// Token mints a REST auth token for the user with the given e-mail.
func Token(t testing.TB, app core.App, email string) string {
	t.Helper()
	u, err := app.FindAuthRecordByEmail("users", email)
	if err != nil {
		t.Fatalf("testapp: no user %s: %v", email, err)
	}
	tok, err := u.NewAuthToken()
	if err != nil {
		t.Fatalf("testapp: token: %v", err)
	}
	return tok
}

// SessionCookie signs the user in to the portal server-side and returns the
// session cookie a browser would hold, and the session's CSRF token.
func SessionCookie(t testing.TB, app core.App, email string) (*http.Cookie, string) {
	t.Helper()
	u, err := app.FindAuthRecordByEmail("users", email)
	if err != nil {
		t.Fatalf("testapp: no user %s: %v", email, err)
	}
	tok, s, err := session.Create(app, u, "testapp", "127.0.0.1")
	if err != nil {
		t.Fatalf("testapp: session: %v", err)
	}
	return &http.Cookie{Name: "ponte_session", Value: tok}, s.CSRF
}

// Serve builds the app's router with the portal registered (firing OnServe as
// `serve` does) and returns an http.Handler for httptest servers.
func Serve(t testing.TB, app core.App) http.Handler {
	t.Helper()
	r, err := apis.NewRouter(app)
	if err != nil {
		t.Fatalf("testapp: router: %v", err)
	}
	ev := &core.ServeEvent{App: app, Router: r}
	var mux http.Handler
	err = app.OnServe().Trigger(ev, func(e *core.ServeEvent) error {
		m, err := e.Router.BuildMux()
		mux = m
		return err
	})
	if err != nil {
		t.Fatalf("testapp: serve: %v", err)
	}
	return mux
}

// cachedDirs are the template dirs made by Cached, removed by
// CleanupTemplates.
var (
	cachedMu   sync.Mutex
	cachedDirs []string
)

// Cached turns a factory that seeds on top of the fixture (a REST matrix's
// curriculum, deals or certificates) into one that seeds once per test
// binary: the first call runs factory and keeps a copy of its data dir;
// every call clones that copy, which costs a file copy instead of the
// seeding's hooks and transactions.
func Cached(factory func(testing.TB) *tests.TestApp) func(testing.TB) *tests.TestApp {
	var (
		once sync.Once
		dir  string
		err  error
	)
	return func(t testing.TB) *tests.TestApp {
		t.Helper()
		once.Do(func() { dir, err = snapshot(factory(t)) })
		return fromTemplate(t, dir, err)
	}
}

// snapshot copies app's data dir into a new template dir and cleans app up.
func snapshot(app *tests.TestApp) (string, error) {
	defer app.Cleanup()
	dir, err := os.MkdirTemp("", "ponte-testapp-cached-")
	if err != nil {
		return "", err
	}
	cachedMu.Lock()
	cachedDirs = append(cachedDirs, dir)
	cachedMu.Unlock()
	if err := app.ResetBootstrapState(); err != nil {
		return "", err
	}
	if err := os.RemoveAll(dir); err != nil {
		return "", err
	}
	return dir, os.CopyFS(dir, os.DirFS(app.DataDir()))
}
