package e2e

import (
	"fmt"
	"os"
	"regexp"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// Exact UI strings (internal/i18n/locales/announcements.pt-BR.json) the
// announcement scenario looks for.
const (
	annTitle      = "Lançamento da linha 2026 para parceiros Gold"
	annBody       = "**Novidades** da linha 2026:\n\n- preços novos\n- treinamento gratuito"
	ptAnnCreated  = "Aviso criado."
	ptUnreadBadge = "Não lido"
)

// TestAnnouncementPublishedAndRead follows one announcement written in
// Portuguese from the staff editor to a Portuguese-speaking partner user:
//
//  1. the admin, with the portal in pt-BR, writes it for the Gold tier: the
//     live preview renders the Markdown while typing and the reach line says
//     one partner; saving publishes it at once;
//  2. Diego (Acme, gold, pt-BR) finds it on his home feed marked unread
//     ("Não lido"), opens it, and is back on a home feed where it is read;
//  3. the admin's page for it shows the read rate: 1 of Acme's 2 users.
//
// The editor, Diego's home and the announcement pages pass axe-core's WCAG
// A/AA rules and are captured at 390 and 1280 px; no step may trip the
// Content Security Policy.
func TestAnnouncementPublishedAndRead(t *testing.T) {
	axeSrc, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("reading axe-core: %v (it is vendored for the tests by scripts/vendor.sh; run it)", err)
	}
	exe := requireChromium(t)
	h := startHarness(t, exe, testapp.DataDir(t, true))

	// 1. The admin writes and publishes the announcement in Portuguese.
	admin := h.newTab("admin (announcements)", desktopW, desktopH)
	if st := admin.login(testapp.AdminEmail, testapp.Password); st != 200 {
		t.Fatalf("signing in as %s: status %d, want 200", testapp.AdminEmail, st)
	}
	admin.switchLocale("pt-BR")
	if st := admin.navigate("/announcements/new"); st != 200 {
		t.Fatalf("opening /announcements/new: status %d, want 200", st)
	}
	admin.poll("htmx to load", `typeof window.htmx === 'object' && !!document.getElementById('ann-reach')`)
	admin.assertNoCSP("on loading /announcements/new")
	admin.assessA11y(axeSrc, "/announcements/new", desktopW, desktopH)
	admin.viewport(phoneW, phoneH)
	admin.assessA11y(axeSrc, "/announcements/new", phoneW, phoneH)
	admin.viewport(desktopW, desktopH)

	admin.do("writing the title and the Markdown body",
		chromedp.SendKeys(chromedp.ID("f-title"), annTitle),
		chromedp.SendKeys(chromedp.ID("f-body"), annBody),
	)
	admin.poll("the live preview of the Markdown",
		`(document.querySelector('#ann-preview strong') || {}).textContent === 'Novidades' &&
			document.querySelectorAll('#ann-preview li').length === 2`)
	eval[bool](admin, `(() => { window.__reachSwaps = 0;
		document.body.addEventListener('htmx:afterSettle', (e) => {
			if (e.detail.elt && e.detail.elt.id === 'ann-reach') window.__reachSwaps++; });
		return true; })()`)
	admin.do("publishing now for some tiers",
		chromedp.SetValue(chromedp.ID("f-status"), "published"),
		chromedp.Click(chromedp.CSS(`input[name="audience"][value="tiers"]`)),
	)
	admin.poll("the reach line for an audience of no tier yet", `window.__reachSwaps >= 1`)
	admin.do("ticking the Gold tier",
		chromedp.Click(chromedp.CSS(`input[name="audience_tiers"][value="`+testapp.TierGold+`"]`)),
	)
	admin.poll(`the reach line to say "Alcança 1 parceiro"`,
		`window.__reachSwaps >= 2 && /^Alcança 1 parceiro e 2 usuários/.test(document.getElementById('ann-reach').textContent.trim())`)
	admin.assertNoCSP("while htmx updated the preview and the reach line")
	admin.screenshot("announcements-editor-1280.png", desktopW, desktopH)
	admin.screenshot("announcements-editor-390.png", phoneW, phoneH)
	admin.viewport(desktopW, desktopH)

	if st := admin.follow(`main form button[type="submit"].btn-primary`); st != 200 {
		t.Fatalf("creating the announcement: status %d, want 200", st)
	}
	created := admin.state()
	m := regexp.MustCompile(`^/announcements/([a-z0-9]{15})$`).FindStringSubmatch(created.Path)
	if m == nil {
		errs := eval[[]string](admin, `Array.from(document.querySelectorAll('main .field-error'), (e) => e.textContent.trim())`)
		t.Fatalf("creating the announcement did not lead to its page: path=%q, form errors %q", created.Path, errs)
	}
	annID, annPath := m[1], created.Path
	if flash := eval[string](admin, `(document.querySelector('main .flash') || {}).textContent || ''`); created.H1 != annTitle || flash != ptAnnCreated {
		t.Errorf("new announcement page: h1=%q flash=%q, want %q and %q", created.H1, flash, annTitle, ptAnnCreated)
	}
	admin.assertNoCSP("creating the announcement")

	// 2. Diego sees it unread on his home feed, opens it, and it is read.
	diego := h.newTab("partner user Diego (Acme, gold, pt-BR)", desktopW, desktopH)
	if st := diego.login(testapp.AcmeUserEmail, testapp.Password); st != 200 {
		t.Fatalf("signing in as %s: status %d, want 200", testapp.AcmeUserEmail, st)
	}
	row := fmt.Sprintf(`document.querySelector('main .ann-feed a.row-main[href="/announcements/%s"]')`, annID)
	type feedRow struct {
		Listed bool     `json:"listed"`
		Title  string   `json:"title"`
		Unread bool     `json:"unread"`
		Badges []string `json:"badges"`
	}
	readRow := func() feedRow {
		return eval[feedRow](diego, fmt.Sprintf(`(() => { const a = %s; if (!a) return {listed: false, title: '', unread: false, badges: []};
			const li = a.closest('li');
			return {listed: true, title: a.querySelector('strong').textContent.trim(), unread: li.classList.contains('ann-unread'),
				badges: Array.from(li.querySelectorAll('.badge'), (b) => b.textContent.trim())}; })()`, row))
	}
	if st := diego.navigate("/"); st != 200 {
		t.Fatalf("Diego opening his home: status %d, want 200", st)
	}
	before := readRow()
	if !before.Listed || before.Title != annTitle {
		t.Fatalf("Diego's home feed does not list %q: %+v", annTitle, before)
	}
	if !before.Unread || !contains(before.Badges, ptUnreadBadge) {
		t.Errorf("Diego's home feed shows %q with unread=%v badges %q, want it unread (%q)", annTitle, before.Unread, before.Badges, ptUnreadBadge)
	}
	diego.assertNoCSP("on Diego's home")
	diego.assessA11y(axeSrc, "/ (partner, announcements feed)", desktopW, desktopH)
	diego.screenshot("announcements-home-unread-1280.png", desktopW, desktopH)
	diego.viewport(phoneW, phoneH)
	diego.assessA11y(axeSrc, "/ (partner, announcements feed)", phoneW, phoneH)
	diego.screenshot("announcements-home-unread-390.png", phoneW, phoneH)
	diego.viewport(desktopW, desktopH)

	if st := diego.follow(fmt.Sprintf(`main .ann-feed a.row-main[href="/announcements/%s"]`, annID)); st != 200 {
		t.Fatalf("Diego opening %s from his home: status %d, want 200", annPath, st)
	}
	if s := diego.state(); s.Path != annPath || s.H1 != annTitle {
		t.Fatalf("Diego's announcement page: path=%q h1=%q, want %s and %q", s.Path, s.H1, annPath, annTitle)
	}
	if got := eval[string](diego, `(document.querySelector('main .prose strong') || {}).textContent || ''`); got != "Novidades" {
		t.Errorf("the announcement's body shows %q in bold, want the rendered Markdown's \"Novidades\"", got)
	}
	if eval[bool](diego, `!!document.querySelector('main a[href$="/edit"], main form[action$="/delete"], #rate-h')`) {
		t.Errorf("Diego, a partner user, is offered staff controls or figures on %s", annPath)
	}
	diego.assertNoCSP("on the announcement page")
	diego.assessA11y(axeSrc, annPath+" (partner)", desktopW, desktopH)
	diego.screenshot("announcements-page-partner-1280.png", desktopW, desktopH)
	diego.viewport(phoneW, phoneH)
	diego.assessA11y(axeSrc, annPath+" (partner)", phoneW, phoneH)
	diego.screenshot("announcements-page-partner-390.png", phoneW, phoneH)
	diego.viewport(desktopW, desktopH)

	diego.navigate("/")
	after := readRow()
	if !after.Listed || after.Unread || contains(after.Badges, ptUnreadBadge) {
		t.Errorf("after reading it, Diego's home feed shows %+v, want it listed and read", after)
	}
	diego.assertNoCSP("back on Diego's home")

	// 3. The admin's page shows the read rate: one of Acme's two users.
	admin.navigate(annPath)
	admin.poll("the read rate", `/^1 de 2 usuários leram$/.test(((document.querySelector('main .tiles .tile-l') || {}).textContent || '').trim())`)
	admin.assertNoCSP("on the staff announcement page")
	admin.assessA11y(axeSrc, annPath+" (staff)", desktopW, desktopH)
	admin.screenshot("announcements-page-staff-1280.png", desktopW, desktopH)
	admin.viewport(phoneW, phoneH)
	admin.assessA11y(axeSrc, annPath+" (staff)", phoneW, phoneH)
	admin.screenshot("announcements-page-staff-390.png", phoneW, phoneH)
}
