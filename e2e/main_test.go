// Package e2e drives the portal in a real, headless Chromium: sign-in,
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
	if msg := skipBanner(); msg != "" {
		// t.Skip is only visible with -v; repeat it where a human will see it.
		fmt.Fprintf(os.Stderr, "\n!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n"+
			"!!! %s\n"+
			"!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n", msg)
	}
	os.Exit(code)
}
