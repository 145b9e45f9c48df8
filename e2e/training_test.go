package e2e

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/testapp"
	"github.com/ponte-portal/ponte/internal/wire"
)

// trainingDataDir is a copy of the fixture data dir with the fixture
// curriculum (testapp.SeedTraining) written through Ponte's own hooks.
func trainingDataDir(t *testing.T) string {
	t.Helper()
	dir := testapp.DataDir(t, true)
	app := core.NewBaseApp(core.BaseAppConfig{DataDir: dir, EncryptionEnv: "ponte_test_env"})
	if err := app.Bootstrap(); err != nil {
		t.Fatalf("opening the data dir: %v", err)
	}
	if err := wire.Register(app); err != nil {
		t.Fatalf("registering: %v", err)
	}
	testapp.SeedTraining(t, app)
	if err := app.ResetBootstrapState(); err != nil {
		t.Fatalf("closing the data dir: %v", err)
	}
	return dir
}

// pdfPages counts the pages of a PDF Chromium printed.
var pdfPage = regexp.MustCompile(`/Type\s*/Page[^s]`)

// takeCourse walks one fixture course as the tab's user: the catalogue
// lists it, the course page enrols, every lesson is opened in order and
// marked complete, then the quiz is started and passed with answers
// (question id → option ids). It returns the result page's certificate
// link, if the pass earned one.
func takeCourse(tb *tab, slug, title, quizID string, answers map[string][]string) string {
	t := tb.t
	t.Helper()
	if st := tb.navigate("/courses"); st != 200 {
		t.Fatalf("catalogue: status %d", st)
	}
	tb.poll("the catalogue to list "+title, fmt.Sprintf(`document.querySelector('main a[href="/courses/%s"]') !== null`, slug))
	if st := tb.follow(fmt.Sprintf(`main a[href="/courses/%s"]`, slug)); st != 200 {
		t.Fatalf("course %s: status %d", slug, st)
	}
	if st := tb.follow(fmt.Sprintf(`form[action="/courses/%s/enrol"] button[type="submit"]`, slug)); st != 200 {
		t.Fatalf("enrolling in %s: status %d", slug, st)
	}
	lessons := eval[[]string](tb, `Array.from(document.querySelectorAll('ol.learn-lessons a'), (a) => a.getAttribute('href'))`)
	if len(lessons) == 0 {
		t.Fatalf("course %s lists no lessons", slug)
	}
	for i, href := range lessons {
		if st := tb.navigate(href); st != 200 {
			t.Fatalf("lesson %d of %s: status %d", i+1, slug, st)
		}
		if st := tb.follow(`form[action$="/complete"] button[type="submit"]`); st != 200 {
			t.Fatalf("completing lesson %d of %s: status %d", i+1, slug, st)
		}
		// Marking a lesson complete leads to the next one (or the course)
		// with a confirmation.
		tb.poll(fmt.Sprintf("lesson %d marked complete", i+1), `document.querySelector('.flash') !== null`)
		tb.assertNoCSP(fmt.Sprintf("lesson %d of %s", i+1, slug))
	}
	if st := tb.navigate("/courses/" + slug); st != 200 {
		t.Fatalf("course %s: status %d", slug, st)
	}
	if done := eval[int](tb, `document.querySelectorAll('ol.learn-lessons li.learn-done').length`); done != len(lessons) {
		t.Fatalf("course %s shows %d of %d lessons done", slug, done, len(lessons))
	}
	if st := tb.navigate("/quizzes/" + quizID); st != 200 {
		t.Fatalf("quiz %s: status %d", quizID, st)
	}
	if st := tb.follow(fmt.Sprintf(`form[action="/quizzes/%s/start"] button[type="submit"]`, quizID)); st != 200 {
		t.Fatalf("starting quiz %s: status %d", quizID, st)
	}
	tb.poll("the quiz questions", `document.querySelector('form.learn-quiz fieldset') !== null`)
	// Answers are given from the keyboard (focus, space): on a phone the
	// fixed tab bar can sit over an option that a pointer click would aim
	// at.
	for q, opts := range answers {
		for _, o := range opts {
			sel := fmt.Sprintf(`input[name="q_%s"][value="%s"]`, q, o)
			tb.do("answering "+q+" with "+o, chromedp.Focus(chromedp.CSS(sel)), chromedp.KeyEvent(" "))
			tb.poll("option "+o+" of "+q+" chosen", fmt.Sprintf(`document.querySelector('%s').checked`, sel))
		}
	}
	// The submit button ends a long form, where the phone's fixed tab bar
	// may cover it: press it from the keyboard, as a screen-reader user
	// would.
	ctx, cancel := tb.wctx()
	resp, err := chromedp.RunResponse(ctx, chromedp.Focus(chromedp.CSS(`form.learn-quiz button[type="submit"]`)), chromedp.KeyEvent("\r"))
	cancel()
	if err != nil || resp == nil || resp.Status != 200 {
		t.Fatalf("submitting quiz %s: %v (response %v)", quizID, err, resp)
	}
	tb.poll("the passed result", `document.querySelector('.learn-outcome.learn-pass') !== null`)
	tb.assertNoCSP("quiz " + quizID)
	return eval[string](tb, `(document.querySelector('.learn-certified a') || {getAttribute: () => ''}).getAttribute('href')`)
}

// TestTrainingCourseToVerifiedCertificate is the end-to-end
// scenario, in Portuguese on a 390 px phone:
//
//  1. Diego (Acme partner user, pt-BR) opens the catalogue, takes "Partner
//     101" (three lessons, then its quiz) and "Selling Ponte" (two lessons,
//     then its quiz): passing the second quiz completes the Sales Specialist
//     certification, and the result page links to the new certificate;
//  2. the certificate page shows his name, Acme, the certification, the
//     formatted code, the verification URL and its QR code; under print media
//     the portal's navigation, tab bar, footer and buttons are hidden and
//     the sheet stays visible; printed by Chromium to A4 and to Letter it
//     fills exactly one page;
//  3. a fresh browser context, never signed in, opens /verify/{code} in
//     Portuguese and reads "Certificado válido" with Diego's name; a
//     mistyped code gets the friendly not-found page (404).
//
// Every certificate page (the certificate, verification, lists,
// certifications, report, editor) passes axe-core's WCAG A/AA rules;
// screenshots at 390 and 1280 px; no step may trip the Content Security
// Policy.
func TestTrainingCourseToVerifiedCertificate(t *testing.T) {
	axeSrc, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("reading axe-core: %v (it is vendored for the tests by scripts/vendor.sh; run it)", err)
	}
	exe := requireChromium(t)
	h := startHarness(t, exe, trainingDataDir(t))

	diego := h.newTab("partner user Diego (pt-BR)", phoneW, phoneH)
	if st := diego.login(testapp.AcmeUserEmail, testapp.Password); st != 200 {
		t.Fatalf("signing in as %s: status %d", testapp.AcmeUserEmail, st)
	}
	if s := diego.state(); s.Lang != "pt-BR" {
		t.Fatalf("Diego's portal is in %q, want pt-BR", s.Lang)
	}

	// 1. Two courses, all lessons, both quizzes passed.
	if link := takeCourse(diego, "partner-101", "Partner 101", testapp.QuizBasics, map[string][]string{
		testapp.QuestionBasicsSingle:   {"b"},
		testapp.QuestionBasicsMultiple: {"a", "c"},
		testapp.QuestionBasicsTrue:     {"true"},
	}); link != "" {
		t.Fatalf("Partner 101 alone issued a certificate (%s); Sales Specialist needs both courses", link)
	}
	diego.screenshot("training-course-390.png", phoneW, phoneH)
	link := takeCourse(diego, "selling-ponte", "Selling Ponte", testapp.QuizSales, map[string][]string{
		testapp.QuestionSales1: {"a"},
	})
	if !strings.HasPrefix(link, "/certificates/") {
		t.Fatalf("passing the last required course linked to %q, want a certificate", link)
	}
	diego.screenshot("training-quiz-passed-390.png", phoneW, phoneH)

	// 2. The certificate, on screen and in print.
	if st := diego.follow(`.learn-certified a`); st != 200 {
		t.Fatalf("opening the certificate: status %d", st)
	}
	diego.poll("the certificate sheet", `document.querySelector('.cert-sheet svg.qr') !== null`)
	if got := eval[string](diego, `document.querySelector('.cert-holder').textContent.trim()`); got != "Diego Rocha" {
		t.Errorf("holder %q, want Diego Rocha", got)
	}
	sheet := eval[string](diego, `document.querySelector('.cert-sheet').textContent`)
	for _, want := range []string{"Acme Brasil Ltda", "Sales Specialist", "Válido", "/verify/"} {
		if !strings.Contains(sheet, want) {
			t.Errorf("certificate sheet lacks %q:\n%s", want, sheet)
		}
	}
	code := eval[string](diego, `document.querySelector('.cert-url a').getAttribute('href').replace(/^.*\/verify\//, '')`)
	formatted := eval[string](diego, `document.querySelector('.cert-sheet .cert-code').textContent.trim()`)
	if len(code) != 20 || strings.ReplaceAll(formatted, "-", "") != code {
		t.Fatalf("verification code %q printed as %q", code, formatted)
	}
	diego.assertNoCSP("certificate page")
	diego.assessA11y(axeSrc, link, phoneW, phoneH)
	diego.screenshot("certificate-390.png", phoneW, phoneH)
	diego.screenshot("certificate-1280.png", desktopW, desktopH)

	media := func(m string) {
		ctx, cancel := diego.wctx()
		defer cancel()
		if _, err := chromedp.Call(ctx, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m}); err != nil {
			t.Fatalf("emulating %q media: %v", m, err)
		}
	}
	media("print")
	diego.poll("the print stylesheet to hide the portal around the sheet", `(() => {
		const hidden = (sel) => { const el = document.querySelector(sel); return !el || getComputedStyle(el).display === 'none'; };
		const sheet = document.querySelector('.cert-sheet');
		return hidden('.topbar') && hidden('.tabbar') && hidden('.footer') && hidden('.cert-actions') &&
			sheet && getComputedStyle(sheet).display !== 'none' && sheet.getBoundingClientRect().height > 0;
	})()`)
	diego.screenshot("certificate-print-a4.png", 794, 1123)
	media("")
	for _, paper := range []struct {
		name string
		w, h float64 // inches
	}{{"A4", 8.27, 11.69}, {"Letter", 8.5, 11}} {
		ctx, cancel := diego.wctx()
		res, err := chromedp.Call(ctx, page.PrintToPDF, page.PrintToPDFParams{PaperWidth: paper.w, PaperHeight: paper.h})
		cancel()
		pdf := res.Data
		if err != nil {
			t.Fatalf("printing the certificate on %s: %v", paper.name, err)
		}
		if n := len(pdfPage.FindAll(pdf, -1)); n != 1 {
			t.Errorf("the certificate prints on %d %s pages, want 1", n, paper.name)
		}
		if err := os.MkdirAll(artifactsDir, 0o755); err == nil {
			_ = os.WriteFile(artifactsDir+"/certificate-"+strings.ToLower(paper.name)+".pdf", pdf, 0o644)
		}
	}

	// 3. Public verification in a fresh context: no session, pt-BR.
	visitor := h.newTab("visitor without session (pt-BR)", phoneW, phoneH)
	visitor.acceptLanguage("pt-BR,pt;q=0.9")
	if st := visitor.navigate("/verify/" + code); st != 200 {
		t.Fatalf("verification page: status %d", st)
	}
	visitor.poll(`"Certificado válido"`, `document.querySelector('main h1').textContent.trim() === 'Certificado válido'`)
	facts := eval[string](visitor, `document.querySelector('.verify-facts').textContent`)
	for _, want := range []string{"Diego Rocha", "Acme Brasil Ltda", "Sales Specialist"} {
		if !strings.Contains(facts, want) {
			t.Errorf("verification lacks %q:\n%s", want, facts)
		}
	}
	if eval[bool](visitor, `document.querySelector('nav.mainnav, nav.tabbar') !== null`) {
		t.Error("the visitor sees the portal's navigation")
	}
	visitor.assertNoCSP("verification page")
	visitor.assessA11y(axeSrc, "/verify/"+code, phoneW, phoneH)
	visitor.screenshot("verify-valid-390.png", phoneW, phoneH)
	visitor.screenshot("verify-valid-1280.png", desktopW, desktopH)

	// A mistyped code: the friendly not-found page, still in Portuguese.
	if st := visitor.navigate("/verify/NAO-EXISTE"); st != 404 {
		t.Errorf("unknown code: status %d, want 404", st)
	}
	visitor.poll(`"Certificado não encontrado"`, `document.querySelector('main h1').textContent.trim() === 'Certificado não encontrado'`)
	visitor.assessA11y(axeSrc, "/verify/<unknown>", phoneW, phoneH)

	// 4. The rest of the certificate pages pass axe-core too: Diego's list
	// and the certifications, the admin's list, report, editor and the
	// certificate with its revocation form.
	for _, p := range []string{"/certificates", "/certifications"} {
		if st := diego.navigate(p); st != 200 {
			t.Fatalf("%s: status %d", p, st)
		}
		diego.assessA11y(axeSrc, p, phoneW, phoneH)
	}
	admin := h.newTab("admin (certificates, en)", desktopW, desktopH)
	if st := admin.login(testapp.AdminEmail, testapp.Password); st != 200 {
		t.Fatalf("signing in as %s: status %d", testapp.AdminEmail, st)
	}
	for _, p := range []string{"/certificates", "/certifications", "/certifications/report", "/certifications/new",
		"/certifications/" + testapp.CertSales + "/edit", link} {
		if st := admin.navigate(p); st != 200 {
			t.Fatalf("admin %s: status %d", p, st)
		}
		admin.assertNoCSP("admin " + p)
		admin.assessA11y(axeSrc, p, desktopW, desktopH)
	}
	if !eval[bool](admin, `document.querySelector('form[action$="/revoke"] textarea[required]') !== null`) {
		t.Error("the admin's certificate page has no revocation form")
	}
	if st := admin.navigate("/certifications/report"); st != 200 {
		t.Fatalf("report: status %d", st)
	}
	admin.screenshot("certified-report-1280.png", desktopW, desktopH)
	admin.screenshot("certified-report-390.png", phoneW, phoneH)
	admin.assessA11y(axeSrc, "/certifications/report", phoneW, phoneH)
}
