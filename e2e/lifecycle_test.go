package e2e

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// TestLifecycleFromInvitationToCodeSignIn is the partner lifecycle end to
// end, on an in-process portal whose test mailer the scenario reads:
//
//  1. a vendor admin invites a new partner's first admin (the partner is
//     created in status onboarding);
//  2. the invitee opens the e-mailed link, sets a password on the
//     Portuguese page and lands on the home page with the onboarding
//     checklist, then downloads a document — the screens and taps of that
//     path are counted and logged;
//  3. the invitee completes the company-profile step (website and logo) and
//     the checklist's progress bar moves;
//  4. the new partner admin invites a colleague, who accepts on a 390 px
//     phone and later signs in there with a one-time code read from the
//     e-mail, in Portuguese.
//
// Every page passes axe-core and raises no CSP violation.
func TestLifecycleFromInvitationToCodeSignIn(t *testing.T) {
	axeSrc, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("reading axe-core: %v (run scripts/vendor.sh)", err)
	}
	exe := requireChromium(t)
	app := testapp.New(t)
	testapp.SeedDocuments(t, app)
	srv := httptest.NewServer(testapp.Serve(t, app))
	t.Cleanup(srv.Close)
	settings := app.Settings()
	settings.Meta.AppURL = srv.URL // links in e-mails point at this server
	if err := app.Save(settings); err != nil {
		t.Fatal(err)
	}
	h := startBrowser(t, exe, srv.URL)

	// 1. The admin invites the partner's first admin.
	ad := h.newTab("admin", desktopW, desktopH)
	if st := ad.login(testapp.AdminEmail, testapp.Password); st != 200 {
		t.Fatalf("admin sign-in: %d", st)
	}
	if st := ad.navigate("/invitations/partner"); st != 200 {
		t.Fatalf("invite-a-partner form: %d", st)
	}
	ad.assessA11y(axeSrc, "invite a partner", desktopW, desktopH)
	sent := app.TestMailer.TotalSend()
	ad.do("filling in the new partner and its first admin",
		chromedp.SendKeys(chromedp.ID("f-partner_name"), "Cerrado Digital Ltda"),
		chromedp.SetValue(chromedp.ID("f-country"), "BR"),
		chromedp.SendKeys(chromedp.ID("f-name"), "Joana Prado"),
		chromedp.SendKeys(chromedp.ID("f-email"), "joana@cerrado.test"),
		chromedp.SetValue(chromedp.ID("f-locale"), "pt-BR"),
	)
	if st := ad.follow("#inv-partner-send"); st != 200 {
		t.Fatalf("sending the invitation: %d", st)
	}
	ad.poll("the pending invitation in the list", `document.body.textContent.includes('joana@cerrado.test')`)
	ad.assertNoCSP("inviting a partner")
	link := mailedLink(t, app, sent, "joana@cerrado.test")

	// 2. The invitee, from the e-mail to the first download.
	inv := h.newTab("invitee", desktopW, desktopH)
	screens, taps := 0, 0
	if st := inv.navigate(link); st != 200 {
		t.Fatalf("the e-mailed link: %d", st)
	}
	screens++
	inv.poll("the acceptance form in Portuguese", `document.documentElement.lang === 'pt-BR' && !!document.querySelector('#inv-accept')`)
	if got := eval[string](inv, `document.getElementById('f-name').value`); got != "Joana Prado" {
		t.Errorf("the invited name is not prefilled: %q", got)
	}
	inv.assessA11y(axeSrc, "acceptance page", desktopW, desktopH)
	inv.do("choosing a password",
		chromedp.SendKeys(chromedp.ID("f-password"), "cerrado-senha-2026"),
		chromedp.SendKeys(chromedp.ID("f-password_confirm"), "cerrado-senha-2026"))
	taps++
	if st := inv.follow("#inv-accept"); st != 200 {
		t.Fatalf("accepting: %d", st)
	}
	screens++
	inv.poll("the home page with the checklist", `location.pathname === '/' && !!document.querySelector('progress.onb-bar')`)
	before := eval[float64](inv, `document.querySelector('progress.onb-bar').value`)
	inv.assessA11y(axeSrc, "home with the checklist", desktopW, desktopH)
	inv.screenshot("lifecycle-checklist-1280.png", desktopW, desktopH)
	taps++
	if st := inv.follow(`a.row-main[href="/documents/` + testapp.DocAll + `"]`); st != 200 {
		t.Fatalf("opening the latest document: %d", st)
	}
	screens++
	taps++
	if got := inv.download(`a[href="/documents/` + testapp.DocAll + `/download"]`); len(got) == 0 {
		t.Fatal("the first download is empty")
	}
	t.Logf("from opening the invitation to the first document download: %d screens, %d taps "+
		"(plus the password typed twice; the name comes prefilled)", screens, taps)
	if screens > 3 || taps > 3 {
		t.Errorf("the way from the invitation to a first download grew to %d screens and %d taps, want 3 and 3", screens, taps)
	}
	inv.assertNoCSP("accepting and downloading")

	// 3. The company-profile step, and the bar moves.
	if st := inv.navigate("/"); st != 200 {
		t.Fatalf("home: %d", st)
	}
	if st := inv.follow(`.onb-step a[href$="/edit"]`); st != 200 {
		t.Fatalf("the profile step's link: %d", st)
	}
	inv.poll("the company form", `!!document.querySelector('#f-website') && !!document.querySelector('#f-logo')`)
	inv.do("filling in the website and the logo",
		chromedp.SendKeys(chromedp.ID("f-website"), "https://cerrado.example"),
		chromedp.SetUploadFiles(chromedp.ID("f-logo"), []string{pngFile(t)}),
		chromedp.Click(chromedp.CSS(`main form button[type="submit"]`)),
	)
	inv.poll("the saved profile", `!!document.querySelector('main .flash')`)
	if st := inv.navigate("/"); st != 200 {
		t.Fatalf("home: %d", st)
	}
	inv.poll("the progress bar further on", `!!document.querySelector('progress.onb-bar') && document.querySelector('progress.onb-bar').value > `+strconv.FormatFloat(before, 'f', -1, 64))
	inv.screenshot("lifecycle-checklist-after-profile-1280.png", desktopW, desktopH)
	inv.assertNoCSP("completing the profile step")

	// 4. A colleague, invited by the new partner admin, on a phone.
	if st := inv.navigate("/invitations/new"); st != 200 {
		t.Fatalf("invite-a-colleague form: %d", st)
	}
	sent = app.TestMailer.TotalSend()
	inv.do("inviting a colleague",
		chromedp.SendKeys(chromedp.ID("f-email"), "rui@cerrado.test"),
		chromedp.SendKeys(chromedp.ID("f-name"), "Rui Lima"),
		chromedp.SetValue(chromedp.ID("f-locale"), "pt-BR"))
	if st := inv.follow("#inv-send"); st != 200 {
		t.Fatalf("inviting a colleague: %d", st)
	}
	link = mailedLink(t, app, sent, "rui@cerrado.test")

	ph := h.newTab("colleague phone", phoneW, phoneH)
	ph.viewport(phoneW, phoneH)
	if st := ph.navigate(link); st != 200 {
		t.Fatalf("the colleague's link: %d", st)
	}
	ph.do("choosing a password",
		chromedp.SendKeys(chromedp.ID("f-password"), "rui-lima-senha-2026"),
		chromedp.SendKeys(chromedp.ID("f-password_confirm"), "rui-lima-senha-2026"))
	if st := ph.follow("#inv-accept"); st != 200 {
		t.Fatalf("the colleague accepting: %d", st)
	}
	ph.poll("the colleague's home", `location.pathname === '/'`)
	ph.assertNoCSP("the colleague accepting")

	// Later, on the same phone in a fresh browser context: a code, no password.
	later := h.newTab("colleague later", phoneW, phoneH)
	later.acceptLanguage("pt-BR")
	later.viewport(phoneW, phoneH)
	if st := later.navigate("/login"); st != 200 {
		t.Fatalf("/login: %d", st)
	}
	if st := later.follow("#use-code"); st != 200 {
		t.Fatalf("the code form: %d", st)
	}
	sent = app.TestMailer.TotalSend()
	later.do("typing the address", chromedp.SendKeys(chromedp.ID("otp-email"), "rui@cerrado.test"))
	if st := later.follow("#otp-send"); st != 200 {
		t.Fatalf("asking for a code: %d", st)
	}
	later.poll("the code page", `!!document.querySelector('#otp-code')`)
	code := mailedCode(t, app, sent, "rui@cerrado.test")
	later.do("typing the code", chromedp.SendKeys(chromedp.ID("otp-code"), code))
	if st := later.follow("#otp-submit"); st != 200 {
		t.Fatalf("signing in with the code: %d", st)
	}
	later.poll("the home page in Portuguese, signed in", `location.pathname === '/' && document.documentElement.lang === 'pt-BR' && !!document.querySelector('progress.onb-bar')`)
	later.assessA11y(axeSrc, "home after a code sign-in", phoneW, phoneH)
	later.screenshot("lifecycle-code-signin-home-390.png", phoneW, phoneH)
	later.assertNoCSP("signing in with a code")
}

// waitMail waits for the test mailer to have sent more than n e-mails (code
// e-mails go out in the background) and returns the last one's parts.
func waitMail(t *testing.T, app *tests.TestApp, n int, to string) (subject, html string) {
	t.Helper()
	deadline := time.Now().Add(waitTimeout)
	for app.TestMailer.TotalSend() <= n {
		if time.Now().After(deadline) {
			t.Fatalf("no e-mail to %s after %d sent", to, n)
		}
		time.Sleep(10 * time.Millisecond)
	}
	m := app.TestMailer.LastMessage()
	if len(m.To) != 1 || m.To[0].Address != to {
		t.Fatalf("the last e-mail went to %v, want %s", m.To, to)
	}
	return m.Subject, m.HTML
}

var acceptLink = regexp.MustCompile(`/invitations/accept/[A-Za-z0-9_-]+`)

// mailedLink returns the path of the acceptance link of the invitation
// e-mailed to to.
func mailedLink(t *testing.T, app *tests.TestApp, n int, to string) string {
	t.Helper()
	_, html := waitMail(t, app, n, to)
	link := acceptLink.FindString(html)
	if link == "" {
		t.Fatalf("no acceptance link in the invitation e-mail:\n%s", html)
	}
	return link
}

var mailCode = regexp.MustCompile(`\b\d{6,10}\b`)

// mailedCode returns the one-time code e-mailed to to, checking the e-mail
// speaks Portuguese.
func mailedCode(t *testing.T, app *tests.TestApp, n int, to string) string {
	t.Helper()
	_, html := waitMail(t, app, n, to)
	if !strings.Contains(html, `lang="pt-BR"`) {
		t.Errorf("the code e-mail is not in the user's Portuguese:\n%s", html)
	}
	code := mailCode.FindString(html)
	if code == "" {
		t.Fatalf("no code in the e-mail:\n%s", html)
	}
	return code
}

// pngFile writes a small PNG logo and returns its path.
func pngFile(t *testing.T) string {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 120, 60))
	for x := range 120 {
		for y := range 60 {
			img.Set(x, y, color.RGBA{15, 110, 110, 255})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(t.TempDir(), "cerrado.png")
	if err := os.WriteFile(p, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
