package ui_test

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/ponte-portal/ponte/internal/branding"
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

// sizedPNG is a w×h PNG.
func sizedPNG(t testing.TB, w, h int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for x := 0; x < w; x++ {
		img.Set(x, h/2, color.RGBA{15, 110, 110, 255})
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// brandFields is a valid settings form with the given colour.
func brandFields(colour string) map[string]string {
	return map[string]string{"portal_name": "Parceiros Acme", "primary_colour": colour, "default_locale": "pt-BR", "base_currency": "BRL"}
}

func TestBrandColourContrastIsChecked(t *testing.T) {
	app, srv := newServer(t)
	suggestion := branding.Darken("#ffff00")
	if !branding.ReadableOnWhite(suggestion) || suggestion == "#ffff00" {
		t.Fatalf("suggestion %s is not a readable shade", suggestion)
	}
	for _, c := range []struct{ lang, want string }{
		{"en", "White text on this colour has a contrast of only 1.07:1; at least 4.5:1 is needed to be readable. Try a darker shade such as " + suggestion + "."},
		{"pt-BR", "Texto branco sobre esta cor tem contraste de apenas 1,07:1; é preciso pelo menos 4,5:1 para ser legível. Experimente um tom mais escuro, como " + suggestion + "."},
	} {
		// The admin's own language setting decides the page's language.
		rec, _ := app.FindAuthRecordByEmail("users", testapp.AdminEmail)
		rec.Set("locale", c.lang)
		if err := app.Save(rec); err != nil {
			t.Fatal(err)
		}
		admin := signedIn(t, app, srv, testapp.AdminEmail)
		admin.get("/settings")
		r := admin.multipartPost("/settings", brandFields("#FFFF00"), "", nil)
		expectStatus(t, r, http.StatusBadRequest, c.lang+" yellow")
		expectContains(t, r, c.lang+" yellow", c.want, `value="#ffff00"`, `value="`+suggestion+`" disabled`)
	}
	if s, _ := app.FindFirstRecordByFilter("settings", ""); s.GetString("primary_colour") != "#0f6e6e" {
		t.Fatalf("an unreadable colour was saved: %s", s.GetString("primary_colour"))
	}
	// The suggestion and the default teal pass; so does a colour just above 4.5:1.
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	for _, ok := range []string{suggestion, "#0f6e6e", "#767676"} {
		admin.get("/settings")
		expectStatus(t, admin.multipartPost("/settings", brandFields(ok), "", nil), http.StatusSeeOther, ok)
	}
	// #777777 is 4.48:1: refused, and shown rounded down, never as 4.5.
	admin.get("/settings")
	admin.lang = "en"
	r := admin.multipartPost("/settings", brandFields("#777777"), "", nil)
	expectStatus(t, r, http.StatusBadRequest, "#777777")
	expectContains(t, r, "#777777", "contraste de apenas 4,47:1") // the admin reads pt-BR now
	// The settings page previews the colour with its own script (CSP nonce).
	r = admin.get("/settings")
	expectContains(t, r, "preview", `class="brand-preview"`, `data-contrast-min="4.5"`, "/js/brand_settings.js")
}

func TestBrandFaviconAndSignInText(t *testing.T) {
	app, srv := newServer(t)
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	admin.lang = "en"
	upload := func(name string, data []byte, extra map[string]string) response {
		admin.get("/settings")
		f := brandFields("#0f6e6e")
		for k, v := range extra {
			f[k] = v
		}
		return admin.multipartPostField("/settings", f, "favicon", name, data)
	}
	// Bad favicons: a text file named .png, one too large, one not square,
	// one too small. Each gets a translated message and nothing is saved.
	for name, data := range map[string][]byte{
		"text.png":  []byte("this is not an image at all, just text pretending to be a PNG file"),
		"big.png":   append(sizedPNG(t, 64, 64), bytes.Repeat([]byte{0}, 300<<10)...),
		"wide.png":  sizedPNG(t, 128, 32),
		"small.png": sizedPNG(t, 8, 8),
	} {
		r := upload(name, data, nil)
		expectStatus(t, r, http.StatusBadRequest, name)
		expectContains(t, r, name, "Choose a square PNG or ICO image of at least 16×16 px and at most 256 KB.")
	}
	if s, _ := app.FindFirstRecordByFilter("settings", ""); s.GetString("favicon") != "" {
		t.Fatal("a bad favicon was saved")
	}
	// Bad logos: a text file named .png and one over the 2 MB field limit.
	admin.get("/settings")
	r := admin.multipartPost("/settings", brandFields("#0f6e6e"), "logo.png", []byte("plain text, not a picture"))
	expectStatus(t, r, http.StatusBadRequest, "text logo")
	expectContains(t, r, "text logo", "Choose a PNG, JPEG, WebP or GIF image of at most 2 MB.")
	admin.get("/settings")
	r = admin.multipartPost("/settings", brandFields("#0f6e6e"), "huge.png", append(pngBytes(t), bytes.Repeat([]byte{0}, 2<<20+10)...))
	expectStatus(t, r, http.StatusBadRequest, "huge logo")
	expectContains(t, r, "huge logo", "Choose a PNG, JPEG, WebP or GIF image of at most 2 MB.")
	if s, _ := app.FindFirstRecordByFilter("settings", ""); s.GetString("logo") != "" {
		t.Fatal("a bad logo was saved")
	}

	// A good favicon and the sign-in texts.
	ico := sizedPNG(t, 48, 48)
	r = upload("icon.png", ico, map[string]string{"signin_text_pt": "Bem-vindo ao portal de parceiros.\nDúvidas: canal@acme.test",
		"signin_text_en": "Welcome to the partner portal."})
	expectStatus(t, r, http.StatusSeeOther, "good favicon")
	b := branding.Load(app)
	if b.FaviconURL == "" || !strings.HasPrefix(b.FaviconURL, "/favicon.ico?v=") {
		t.Fatalf("favicon URL %q", b.FaviconURL)
	}
	g := newBrowser(t, srv)
	g.lang = "pt-BR"
	login := g.get("/login")
	expectContains(t, login, "pt sign-in text", `<link rel="icon" href="`+strings.ReplaceAll(b.FaviconURL, "&", "&amp;")+`">`,
		"Bem-vindo ao portal de parceiros.\nDúvidas: canal@acme.test", `class="signin-text"`)
	g.lang = "en"
	expectContains(t, g.get("/login"), "en sign-in text", "Welcome to the partner portal.")
	// /favicon.ico serves the file, cached for good only with its version.
	fav := g.get(b.FaviconURL)
	expectStatus(t, fav, http.StatusOK, "favicon")
	if fav.Body != string(ico) || fav.Header.Get("Content-Type") != "image/png" ||
		!strings.Contains(fav.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("favicon served wrong: %q %q (%d bytes)", fav.Header.Get("Content-Type"), fav.Header.Get("Cache-Control"), len(fav.Body))
	}
	if cc := g.get("/favicon.ico").Header.Get("Cache-Control"); strings.Contains(cc, "immutable") {
		t.Fatalf("unversioned favicon cached for good: %q", cc)
	}
	// Too long a text is refused beside its field; removing the favicon
	// brings back the built-in icon.
	long := strings.Repeat("a", 601)
	r = upload("", nil, map[string]string{"signin_text_en": long})
	expectStatus(t, r, http.StatusBadRequest, "long text")
	expectContains(t, r, "long text", "Write at most 600 characters.")
	expectStatus(t, upload("", nil, map[string]string{"remove_favicon": "1"}), http.StatusSeeOther, "remove favicon")
	r = g.get("/favicon.ico")
	expectStatus(t, r, http.StatusFound, "built-in favicon")
	expectNotContains(t, g.get("/login"), "no favicon", "/favicon.ico?v=")
}

func TestBrandingShowsOnPagesAndEmails(t *testing.T) {
	app, srv := newServer(t)
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	admin.get("/settings")
	f := brandFields("#8a2be2")
	f["portal_name"] = "Rede Acme de Parceiros"
	expectStatus(t, admin.multipartPost("/settings", f, "logo.png", pngBytes(t)), http.StatusSeeOther, "brand")
	b := branding.Load(app)
	if b.LogoURL == "" {
		t.Fatal("no logo")
	}
	// A signed-in page: title suffix, header logo and name, theme colour.
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	home := diego.get("/")
	expectContains(t, home, "home", "· Rede Acme de Parceiros</title>", `<img src="`+strings.ReplaceAll(b.LogoURL, "&", "&amp;")+`"`,
		`<meta name="theme-color" content="#8a2be2">`)
	expectContains(t, diego.get("/theme.css"), "theme", "--brand:#8a2be2")
	// An account e-mail (password reset) carries the same name, logo and colour.
	g := newBrowser(t, srv)
	g.get("/forgot")
	app.TestMailer.Reset()
	expectStatus(t, g.post("/forgot", url.Values{"email": {testapp.AcmeUserEmail}}), http.StatusOK, "forgot")
	msg := app.TestMailer.LastMessage()
	for _, want := range []string{"Rede Acme de Parceiros", `<img src="` + strings.TrimRight(app.Settings().Meta.AppURL, "/") + strings.ReplaceAll(b.LogoURL, "&", "&amp;") + `"`,
		"background:#8a2be2", `lang="pt-BR"`} {
		if !strings.Contains(msg.HTML, want) {
			t.Errorf("reset e-mail lacks %q:\n%s", want, msg.HTML)
		}
	}
	if !strings.Contains(msg.Subject, "Rede Acme de Parceiros") || !strings.Contains(msg.Text, "Rede Acme de Parceiros") {
		t.Errorf("reset e-mail subject/text not branded: %q", msg.Subject)
	}
}
