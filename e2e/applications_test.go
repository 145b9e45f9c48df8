package e2e

import (
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ponte-portal/ponte/internal/applications"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// TestApplyOnAPhoneAndDecline: a visitor on a 390 px phone opens the public
// form in Portuguese, sends it empty and sees the errors beside the fields,
// fills it in and lands on the thank-you page; an admin on a desktop finds
// the application and declines it with a reason. Every page passes axe-core
// and fits a phone, with no CSP violation.
//
// The form refuses what is sent within 3 s of showing it (scripts are that
// fast, and so is chromedp): rather than wait, the test puts into the form a
// time signed by the server's own key ten seconds in the past — what a
// person's pace would have produced.
func TestApplyOnAPhoneAndDecline(t *testing.T) {
	axeSrc, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("reading axe-core: %v (run scripts/vendor.sh)", err)
	}
	exe := requireChromium(t)
	// In process, so that the e-mails land in the test mailer.
	app := testapp.New(t)
	srv := httptest.NewServer(testapp.Serve(t, app))
	t.Cleanup(srv.Close)
	h := startBrowser(t, exe, srv.URL)
	started := applications.For(app).TokenAt(time.Now().Add(-10 * time.Second))

	ph := h.newTab("applicant phone", phoneW, phoneH)
	ph.acceptLanguage("pt-BR")
	ph.viewport(phoneW, phoneH)
	if st := ph.navigate("/apply"); st != 200 {
		t.Fatalf("/apply: %d", st)
	}
	ph.poll("the Portuguese form", `(document.querySelector('h1') || {}).textContent === 'Seja um parceiro'`)
	if !eval[bool](ph, `document.documentElement.scrollWidth <= innerWidth`) {
		t.Error("the form scrolls sideways on a phone")
	}
	if !eval[bool](ph, `(() => { const hp = document.getElementById('f-homepage'); const r = hp.getBoundingClientRect();
		return hp.tabIndex === -1 && hp.closest('[aria-hidden="true"]') !== null && (r.right < 0 || r.bottom < 0); })()`) {
		t.Error("the honeypot is visible, focusable or exposed to screen readers")
	}
	ph.assessA11y(axeSrc, "/apply", phoneW, phoneH)
	ph.screenshot("apply-form-390.png", phoneW, phoneH)

	setStarted := `document.querySelector('input[name="started"]').value = ` + "`" + started + "`" + `; true`
	eval[bool](ph, setStarted)
	if st := ph.follow(`form.apply-form button[type="submit"]`); st != 400 {
		t.Fatalf("empty form: %d, want 400", st)
	}
	ph.poll("the errors beside the fields", `!!document.querySelector('#e-company') && !!document.querySelector('#e-consent') && !!document.querySelector('#apply-error')`)
	ph.assessA11y(axeSrc, "/apply with errors", phoneW, phoneH)

	eval[bool](ph, setStarted)
	ph.do("filling in the application",
		chromedp.SendKeys(chromedp.ID("f-company"), "Cajá Integrações Ltda"),
		chromedp.SetValue(chromedp.ID("f-country"), "BR"),
		chromedp.SendKeys(chromedp.ID("f-website"), "caja-integracoes.test"),
		chromedp.SendKeys(chromedp.ID("f-contact_name"), "Beatriz Cajá"),
		chromedp.SendKeys(chromedp.ID("f-contact_email"), "beatriz@caja-integracoes.test"),
		chromedp.SendKeys(chromedp.ID("f-message"), "Integramos sistemas de gestão para redes de padarias em Fortaleza."),
		chromedp.Click(chromedp.CSS(`input[name="consent"]`)),
	)
	if st := ph.follow(`form.apply-form button[type="submit"]`); st != 200 {
		t.Fatalf("sending the application: %d", st)
	}
	ph.poll("the thank-you page", `location.pathname === '/apply/thanks' && (document.querySelector('h1') || {}).textContent === 'Obrigado!'`)
	ph.assessA11y(axeSrc, "/apply/thanks", phoneW, phoneH)
	ph.screenshot("apply-thanks-390.png", phoneW, phoneH)
	ph.assertNoCSP("applying")

	dt := h.newTab("admin desktop", desktopW, desktopH)
	if st := dt.login(testapp.AdminEmail, testapp.Password); st != 200 {
		t.Fatalf("admin sign-in: %d", st)
	}
	if st := dt.navigate("/applications"); st != 200 {
		t.Fatalf("/applications: %d", st)
	}
	dt.poll("the new application in the list", `[...document.querySelectorAll('.rows a')].some(a => a.textContent.includes('Cajá Integrações Ltda'))`)
	dt.assessA11y(axeSrc, "/applications", desktopW, desktopH)
	if st := dt.follow(`.rows a.row-main`); st != 200 {
		t.Fatalf("opening the application: %d", st)
	}
	dt.poll("the review page", `!!document.querySelector('#approve-h') && !!document.querySelector('#f-reason')`)
	dt.assessA11y(axeSrc, "/applications/{id}", desktopW, desktopH)
	dt.screenshot("application-review-1280.png", desktopW, desktopH)
	dt.viewport(phoneW, phoneH)
	if !eval[bool](dt, `document.documentElement.scrollWidth <= innerWidth`) {
		t.Error("the review page scrolls sideways on a phone")
	}
	dt.assessA11y(axeSrc, "/applications/{id} on a phone", phoneW, phoneH)
	dt.viewport(desktopW, desktopH)
	dt.do("writing the reason", chromedp.SendKeys(chromedp.ID("f-reason"), "We are not adding partners in Ceará this year."))
	if st := dt.follow(`form.application-decline-form button[type="submit"]`); st != 200 {
		t.Fatalf("declining: %d", st)
	}
	dt.poll("the decision shown", `!!document.querySelector('#decision-h') && (document.querySelector('.flash') || {}).textContent.startsWith('Application declined')`)
	dt.assertNoCSP("reviewing an application")
	m := app.TestMailer.LastMessage()
	if m.To[0].Address != "beatriz@caja-integracoes.test" || !strings.Contains(m.Text, "Ceará") || !strings.Contains(m.HTML, `lang="pt-BR"`) {
		t.Errorf("decline e-mail to %v in the wrong language or without the reason:\n%s", m.To, m.Text)
	}
}
