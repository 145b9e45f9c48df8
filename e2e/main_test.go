// Package e2e drives the real Ponte binary (built once per run, serving a
// copy of the fixture network's data dir, or `serve --demo` on an empty one)
// in a real, headless Chromium: sign-in,
// language switching, role-specific home pages, the mobile layout and the
// Content Security Policy, with screenshots saved to e2e/artifacts/.
//
// Chromium is found through CHROMIUM_PATH, else `chromium` or
// `chromium-browser` on PATH. Without it the tests skip loudly, unless
// PONTE_REQUIRE_BROWSER=1 (or CI) is set, in which case they fail.
package e2e

import (
	"fmt"
	"os"
	"testing"

	"github.com/ponte-portal/ponte/internal/testapp"
)

func TestMain(m *testing.M) {
	code := m.Run()
	testapp.CleanupTemplates()
	if binaryDir != "" {
		os.RemoveAll(binaryDir)
	}
	if msg := skipBanner(); msg != "" {
		// t.Skip is only visible with -v; repeat it where a human will see it.
		banner := fmt.Sprintf("\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"+
			"!!! %s\n"+
			"!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n", msg)
		fmt.Fprint(os.Stderr, banner)
		// `go test ./...` hides the output of a passing package, so also write
		// straight to the terminal when there is one.
		if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
			fmt.Fprint(tty, banner)
			tty.Close()
		}
	}
	os.Exit(code)
}
