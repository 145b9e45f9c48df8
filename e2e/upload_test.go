package e2e

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// TestUploadWithProgress uploads a logo on the portal settings page: the
// form is sent by ui/static/js/upload.js (XMLHttpRequest with a progress bar),
// the answer replaces <main> without a page load, and nothing trips the CSP.
func TestUploadWithProgress(t *testing.T) {
	h := newHarness(t)
	tb := h.newTab("admin uploads a logo", desktopW, desktopH)
	if st := tb.login(testapp.AdminEmail, testapp.Password); st != 200 {
		t.Fatalf("sign-in status %d", st)
	}
	tb.navigate("/settings")

	img := image.NewRGBA(image.Rect(0, 0, 200, 60))
	for x := 0; x < 200; x++ {
		img.Set(x, 30, color.RGBA{15, 110, 110, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	logo := filepath.Join(t.TempDir(), "logo.png")
	if err := os.WriteFile(logo, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}

	// A marker on window survives only if the page is not reloaded.
	eval[bool](tb, `(window.__ponteNoReload = true)`)
	tb.do("choosing the logo and saving",
		chromedp.WaitVisible(chromedp.ID("f-logo")),
		chromedp.SetUploadFiles(chromedp.ID("f-logo"), []string{logo}),
		chromedp.Click(chromedp.CSS(`form[data-upload] button[type="submit"]`)),
	)
	tb.poll("the saved settings page in <main>", `!!document.querySelector('main .flash') && !!document.querySelector('main img.logo-preview')`)
	if !eval[bool](tb, `window.__ponteNoReload === true`) {
		t.Error("the upload reloaded the page instead of going through upload.js")
	}
	if got := eval[string](tb, `location.pathname`); got != "/settings" {
		t.Errorf("address after upload = %q, want /settings", got)
	}
	tb.assertNoCSP("uploading a logo with progress")
	tb.screenshot("settings-logo-1280.png", desktopW, desktopH)
}
