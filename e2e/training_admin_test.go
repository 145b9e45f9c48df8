package e2e

import (
	"os"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/testapp"
	"github.com/ponte-portal/ponte/internal/wire"
)

// courseEditorDataDir is the seeded fixture with the fixture curriculum.
func courseEditorDataDir(t *testing.T) string {
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

// TestCourseEditorOnAPhone follows Ana, a channel manager working in pt-BR
// on a 390 px phone, through the staff training tools:
//
//  1. the course editor of Partner 101: the description's live preview
//     renders Markdown as she types; moving a lesson down redraws the list
//     in place (htmx, no page load);
//  2. the question form: choosing true/false hides the option rows and
//     shows the true/false choice; a single-choice question is saved with
//     its answer key and listed in the quiz;
//  3. the learner progress report.
//
// Each page passes axe-core's WCAG A/AA rules, is captured at 390 px, and
// no step may trip the Content Security Policy.
func TestCourseEditorOnAPhone(t *testing.T) {
	axeSrc, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("reading axe-core: %v (it is vendored for the tests by scripts/vendor.sh; run it)", err)
	}
	exe := requireChromium(t)
	h := startHarness(t, exe, courseEditorDataDir(t))

	ana := h.newTab("manager (course editor)", phoneW, phoneH)
	if st := ana.login(testapp.ManagerAnaEmail, testapp.Password); st != 200 {
		t.Fatalf("signing in as %s: status %d", testapp.ManagerAnaEmail, st)
	}

	// 1. The course editor.
	if st := ana.navigate("/courses/partner-101/edit"); st != 200 {
		t.Fatalf("course editor: status %d", st)
	}
	ana.poll("htmx to load", `typeof window.htmx === 'object' && !!document.getElementById('ta-lessons')`)
	ana.assertNoCSP("on loading the course editor")
	ana.assessA11y(axeSrc, "/courses/partner-101/edit", phoneW, phoneH)
	ana.do("typing Markdown into the description",
		chromedp.SendKeys(chromedp.ID("f-description"), "**Bem-vindo** ao programa"),
	)
	ana.poll("the live preview", `(document.querySelector('#ta-preview strong') || {}).textContent === 'Bem-vindo'`)
	ana.screenshot("course-editor-390.png", phoneW, phoneH)

	eval[bool](ana, `(() => { window.__samePage = true; return true; })()`)
	ana.do("moving the first lesson down",
		chromedp.Click(chromedp.CSS(`#ta-lessons li:first-child form input[value="down"] ~ button`)),
	)
	ana.poll("the list redrawn with the programme first",
		`window.__samePage === true && document.querySelector('#ta-lessons li:first-child a').textContent === 'The programme'`)
	ana.assertNoCSP("after moving a lesson")

	// 2. The question form.
	if st := ana.navigate("/quizzes/" + testapp.QuizBasics + "/questions/new"); st != 200 {
		t.Fatalf("question form: status %d", st)
	}
	ana.poll("single choice: options shown, true/false hidden",
		`!document.querySelector('.ta-option').hidden && document.querySelector('.ta-tf').hidden`)
	ana.assessA11y(axeSrc, "/quizzes/{id}/questions/new", phoneW, phoneH)
	chooseKind(ana, "truefalse")
	ana.poll("true/false: option rows hidden", `document.querySelector('.ta-option').hidden && !document.querySelector('.ta-tf').hidden`)
	chooseKind(ana, "single")
	ana.do("writing a single-choice question",
		chromedp.SendKeys(chromedp.ID("f-prompt"), "Qual é o prazo de proteção?"),
		chromedp.SendKeys(chromedp.ID("o-0"), "30 dias"),
		chromedp.SendKeys(chromedp.ID("o-1"), "90 dias"),
		chromedp.Click(chromedp.CSS(`input[name="correct"][value="0"]`)),
		chromedp.Click(chromedp.CSS(`input[name="correct"][value="1"]`)),
	)
	if n := eval[int](ana, `document.querySelectorAll('input[name="correct"]:checked').length`); n != 1 {
		t.Errorf("single choice keeps %d ticks, want 1", n)
	}
	ana.screenshot("question-form-390.png", phoneW, phoneH)
	if st := ana.follow(`main form button[type="submit"].btn-primary`); st != 200 {
		t.Fatalf("saving the question: status %d", st)
	}
	ana.poll("the quiz lists the new question",
		`[...document.querySelectorAll('#ta-questions li a')].some(a => a.textContent === 'Qual é o prazo de proteção?')`)
	ana.assessA11y(axeSrc, "/quizzes/{id}/edit", phoneW, phoneH)

	// 3. The progress report.
	if st := ana.navigate("/training/progress"); st != 200 {
		t.Fatalf("progress: status %d", st)
	}
	ana.assessA11y(axeSrc, "/training/progress", phoneW, phoneH)
	ana.screenshot("training-progress-390.png", phoneW, phoneH)
	ana.assertNoCSP("on the progress report")
}

// chooseKind picks a question kind as a person would (the select's change
// event fires).
func chooseKind(tb *tab, kind string) {
	tb.t.Helper()
	tb.do("choosing the kind "+kind, chromedp.SetValue(chromedp.ID("f-kind"), kind))
	eval[bool](tb, `document.getElementById('f-kind').dispatchEvent(new Event('change', {bubbles: true})) || true`)
}
