package ui_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// multipartPost submits fields and one file (in the form field "logo") as a
// browser would.
func (b *browser) multipartPost(path string, fields map[string]string, fileName string, file []byte) response {
	return b.multipartPostField(path, fields, "logo", fileName, file)
}

// multipartPostField submits fields and one file in fileField.
func (b *browser) multipartPostField(path string, fields map[string]string, fileField, fileName string, file []byte) response {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	_ = w.WriteField("_csrf", b.csrf)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	if fileName != "" {
		fw, _ := w.CreateFormFile(fileField, fileName)
		_, _ = fw.Write(file)
	}
	_ = w.Close()
	req, _ := http.NewRequest(http.MethodPost, b.srv.URL+path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	for _, c := range b.jar {
		req.AddCookie(c)
	}
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		b.t.Fatal(err)
	}
	defer res.Body.Close()
	var out bytes.Buffer
	_, _ = out.ReadFrom(res.Body)
	b.keepCookies(res)
	return response{Status: res.StatusCode, Body: out.String(), Header: res.Header}
}

func pngBytes(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 120, 40))
	for x := 0; x < 120; x++ {
		img.Set(x, 20, color.RGBA{200, 30, 30, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestPortalSettings(t *testing.T) {
	app, srv := newServer(t)
	for email, want := range map[string]int{testapp.ManagerAnaEmail: 403, testapp.AcmeAdminEmail: 403, testapp.AcmeUserEmail: 403} {
		b := signedIn(t, app, srv, email)
		expectStatus(t, b.get("/settings"), want, email+" settings")
		b.get("/profile")
		expectStatus(t, b.multipartPost("/settings", map[string]string{"portal_name": "Hijack", "primary_colour": "#000000",
			"default_locale": "en", "base_currency": "USD"}, "", nil), want, email+" posts settings")
	}
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	admin.lang = "en"
	expectContains(t, admin.get("/profile"), "admin nav", `href="/settings"`)
	admin.get("/settings")
	fields := map[string]string{"portal_name": "Parceiros Acme", "primary_colour": "#aa3300", "default_locale": "en", "base_currency": "usd"}
	r := admin.multipartPost("/settings", fields, "logo.png", pngBytes(t))
	expectStatus(t, r, http.StatusSeeOther, "save settings")
	s, _ := app.FindFirstRecordByFilter("settings", "")
	if s.GetString("portal_name") != "Parceiros Acme" || s.GetString("base_currency") != "USD" || s.GetString("logo") == "" {
		t.Fatalf("settings not saved: %v", s.PublicExport())
	}
	// Guests see the new name, colour and logo on the sign-in page.
	g := newBrowser(t, srv)
	login := g.get("/login")
	expectContains(t, login, "branded login", "Parceiros Acme", `/api/files/`+s.Collection().Id+`/`+s.Id+`/`)
	i := strings.Index(login.Body, `src="/api/files/`)
	src := login.Body[i+5 : i+5+strings.Index(login.Body[i+5:], `"`)]
	expectStatus(t, g.get(strings.ReplaceAll(src, "&amp;", "&")), http.StatusOK, "logo file")
	expectContains(t, g.get("/theme.css"), "theme", "--brand:#aa3300")

	// An SVG is refused with a translated message; nothing changes.
	admin.get("/settings")
	svg := []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`)
	r = admin.multipartPost("/settings", fields, "logo.svg", svg)
	expectStatus(t, r, http.StatusBadRequest, "svg logo")
	expectContains(t, r, "svg logo", "Choose a PNG, JPEG, WebP or GIF image of at most 2 MB.")
	s2, _ := app.FindFirstRecordByFilter("settings", "")
	if s2.GetString("logo") != s.GetString("logo") {
		t.Fatal("logo replaced by an SVG")
	}
	// Bad values, and a body over the upload limit.
	r = admin.multipartPost("/settings", map[string]string{"portal_name": "", "primary_colour": "blue", "default_locale": "fr", "base_currency": "REAL"}, "", nil)
	expectStatus(t, r, http.StatusBadRequest, "bad settings")
	expectContains(t, r, "bad settings", "This field is required.", "Choose a colour like #0f6e6e.", "three-letter currency code")
	r = admin.multipartPost("/settings", fields, "big.png", bytes.Repeat([]byte{1}, 5<<20))
	expectStatus(t, r, http.StatusRequestEntityTooLarge, "5 MiB upload")
	// The document upload limit: saved when valid, refused out of range.
	admin.get("/settings")
	limitFields := map[string]string{"portal_name": "Parceiros Acme", "primary_colour": "#aa3300", "default_locale": "en",
		"base_currency": "USD", "max_upload_mb": "250"}
	expectStatus(t, admin.multipartPost("/settings", limitFields, "", nil), http.StatusSeeOther, "upload limit")
	if s, _ := app.FindFirstRecordByFilter("settings", ""); s.GetInt("max_upload_mb") != 250 {
		t.Fatalf("upload limit not saved: %d", s.GetInt("max_upload_mb"))
	}
	limitFields["max_upload_mb"] = "0"
	r = admin.multipartPost("/settings", limitFields, "", nil)
	expectStatus(t, r, http.StatusBadRequest, "zero upload limit")
	expectContains(t, r, "zero upload limit", "Enter a whole number from 1 to 4096.")
	// Removing the logo.
	admin.get("/settings")
	fields["remove_logo"] = "1"
	expectStatus(t, admin.multipartPost("/settings", fields, "", nil), http.StatusSeeOther, "remove logo")
	s3, _ := app.FindFirstRecordByFilter("settings", "")
	if s3.GetString("logo") != "" {
		t.Fatal("logo not removed")
	}
}
