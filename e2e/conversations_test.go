package e2e

import (
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// Exact UI strings (internal/i18n/locales/conversations.*.json) the
// conversation scenario looks for; Diego and Ana read Portuguese.
const (
	ptConvStarted  = "Conversa iniciada."
	convSubject    = "Registro de oportunidade – Banco Horizonte"
	convFirst      = "Oi, Ana! Você confirma a proteção da oportunidade?"
	convReply      = "Confirmado: a proteção vale até o fim do trimestre."
	convReply2     = "Mandei também a proposta revisada."
	convAnnouncePT = "Nova mensagem de Ana Souza"
)

// TestConversationLive follows a conversation between a partner user and
// his channel manager, with both pages open:
//
//  1. Diego (Acme) starts a conversation with Ana through the portal and
//     keeps its page open; the page's live stream (/live) opens;
//  2. Ana, in another browser context, opens the conversation and answers
//     through the send form;
//  3. without a reload, Diego's page shows Ana's answer (appended to the
//     list, announced in the polite status region) and his bell count rises
//     by one;
//  4. a second page of Diego's, in a browser without EventSource, falls back
//     to polling and shows Ana's next answer and the bell too.
//
// The list, the new-conversation form and the conversation page pass
// axe-core's WCAG A/AA rules and are captured at 390 and 1280 px; no step may
// trip the Content Security Policy.
func TestConversationLive(t *testing.T) {
	axeSrc, err := os.ReadFile(axePath)
	if err != nil {
		t.Fatalf("reading axe-core: %v (it is vendored for the tests by scripts/vendor.sh; run it)", err)
	}
	h := newHarness(t)

	// 1. Diego starts the conversation.
	diego := h.newTab("partner user Diego (Acme)", desktopW, desktopH)
	if st := diego.login(testapp.AcmeUserEmail, testapp.Password); st != 200 {
		t.Fatalf("signing in as %s: status %d, want 200", testapp.AcmeUserEmail, st)
	}
	if st := diego.navigate("/conversations/new"); st != 200 {
		t.Fatalf("opening /conversations/new: status %d, want 200", st)
	}
	diego.assertNoCSP("on loading /conversations/new")
	diego.assessA11y(axeSrc, "/conversations/new (partner)", desktopW, desktopH)
	diego.viewport(phoneW, phoneH)
	diego.assessA11y(axeSrc, "/conversations/new (partner)", phoneW, phoneH)
	diego.screenshot("conversation-new-partner-390.png", phoneW, phoneH)
	diego.viewport(desktopW, desktopH)
	diego.do("filling the new conversation",
		chromedp.WaitVisible(chromedp.ID("f-subject")),
		chromedp.SendKeys(chromedp.ID("f-subject"), convSubject),
		chromedp.SendKeys(chromedp.ID("f-body"), convFirst),
		chromedp.Click(chromedp.CSS(`main form[data-upload] button[type="submit"]`)),
	)
	// upload.js sends the form and puts the answer into <main>.
	diego.poll("the new conversation's page", `/^\/conversations\/[a-z0-9]{15}$/.test(location.pathname) && !!document.querySelector('main [data-conversation]')`)
	path := eval[string](diego, `location.pathname`)
	convID := regexp.MustCompile(`[a-z0-9]{15}$`).FindString(path)
	if flash := eval[string](diego, `(document.querySelector('main .flash') || {}).textContent || ''`); flash != ptConvStarted {
		t.Errorf("the new conversation's flash is %q, want %q", flash, ptConvStarted)
	}
	// Reload the page as a user arriving on it would, and wait for the live
	// stream to open; mark the document so a reload would show.
	if st := diego.navigate(path); st != 200 {
		t.Fatalf("Diego reopening %s: status %d", path, st)
	}
	diego.poll("the live stream to open", `document.documentElement.getAttribute('data-live') === 'open'`)
	before := eval[int](diego, `parseInt(document.querySelector('[data-live-bell] .bell-count').getAttribute('data-count'), 10)`)
	eval[bool](diego, `(window.__ponteNoReload = true)`)
	diego.assertNoCSP("opening the conversation and its live stream")

	// 2. Ana answers from her own browser context.
	ana := h.newTab("manager Ana", desktopW, desktopH)
	if st := ana.login(testapp.ManagerAnaEmail, testapp.Password); st != 200 {
		t.Fatalf("signing in as %s: status %d, want 200", testapp.ManagerAnaEmail, st)
	}
	if st := ana.navigate("/conversations"); st != 200 {
		t.Fatalf("Ana opening /conversations: status %d", st)
	}
	if st := ana.follow(fmt.Sprintf(`main a.row-main[href="/conversations/%s"]`, convID)); st != 200 {
		t.Fatalf("Ana opening the conversation from her list: status %d", st)
	}
	ana.do("writing the answer",
		chromedp.WaitVisible(chromedp.ID("f-body")),
		chromedp.SendKeys(chromedp.ID("f-body"), convReply),
		chromedp.Click(chromedp.CSS(`main form.message-form button[type="submit"]`)),
	)
	ana.poll("Ana's answer on her page", fmt.Sprintf(`Array.from(document.querySelectorAll('main li.message.mine .message-body'), (e) => e.textContent.trim()).includes(%q)`, convReply))
	ana.assertNoCSP("answering")

	// 3. Diego's open page shows it, without a reload, and his bell rises.
	diego.poll("Ana's answer on Diego's open page", fmt.Sprintf(
		`Array.from(document.querySelectorAll('main li.message:not(.mine) .message-body'), (e) => e.textContent.trim()).includes(%q)`, convReply))
	got := eval[struct {
		NoReload bool   `json:"noReload"`
		Items    int    `json:"items"`
		Announce string `json:"announce"`
		Last     string `json:"last"`
	}](diego, `({noReload: window.__ponteNoReload === true, items: document.querySelectorAll('main li.message').length,
		announce: (document.querySelector('[data-live-announce]') || {}).textContent || '',
		last: document.querySelector('[data-conversation]').getAttribute('data-last')})`)
	if !got.NoReload {
		t.Errorf("Diego's page reloaded to show the answer")
	}
	if got.Items != 2 {
		t.Errorf("Diego's page lists %d messages, want 2 (his and Ana's, once each)", got.Items)
	}
	diego.poll("the polite announcement", fmt.Sprintf(`(document.querySelector('[data-live-announce]') || {}).textContent === %q`, convAnnouncePT))
	want := strconv.Itoa(before + 1)
	diego.poll("the bell to count one more", fmt.Sprintf(
		`(() => { const c = document.querySelector('[data-live-bell] .bell-count'); return c && !c.hidden && c.textContent === %q; })()`, want))
	label := eval[string](diego, `document.querySelector('[data-live-bell]').getAttribute('aria-label')`)
	if !regexp.MustCompile(`\b` + want + `\b`).MatchString(label) {
		t.Errorf("the bell's label %q does not say %s", label, want)
	}
	diego.assertNoCSP("receiving the answer live")
	diego.assessA11y(axeSrc, "/conversations/{id} (partner)", desktopW, desktopH)
	diego.screenshot("conversation-live-partner-1280.png", desktopW, desktopH)
	diego.viewport(phoneW, phoneH)
	diego.assessA11y(axeSrc, "/conversations/{id} (partner)", phoneW, phoneH)
	diego.screenshot("conversation-live-partner-390.png", phoneW, phoneH)
	diego.viewport(desktopW, desktopH)

	// 4. The fallback: a second page of Diego's in a browser without
	// EventSource polls instead (its 17 s interval shortened to half a
	// second for the test, by instrumenting setInterval before the page's
	// scripts run) and still gets Ana's next message and the bell.
	polling := h.newTab("Diego without EventSource", desktopW, desktopH)
	if _, err := chromedp.Call(polling.ctx, page.AddScriptToEvaluateOnNewDocument,
		page.AddScriptToEvaluateOnNewDocumentParams{Source: `delete window.EventSource;
			(() => { const si = window.setInterval; window.setInterval = (f, ms, ...a) => si(f, ms >= 15000 ? 500 : ms, ...a); })();`}); err != nil {
		t.Fatalf("instrumenting the polling tab: %v", err)
	}
	if st := polling.login(testapp.AcmeUserEmail, testapp.Password); st != 200 {
		t.Fatalf("signing in the polling tab: status %d", st)
	}
	if st := polling.navigate(path); st != 200 {
		t.Fatalf("the polling tab opening %s: status %d", path, st)
	}
	polling.poll("the page to fall back to polling", `document.documentElement.getAttribute('data-live') === 'polling'`)
	eval[bool](polling, `(window.__ponteNoReload = true)`)
	// Opening the conversation read its notifications (Ana's first answer):
	// count from what the bell shows now.
	opened, err := strconv.Atoi(eval[string](polling, `(document.querySelector('[data-live-bell] .bell-count') || {textContent: '0'}).textContent.trim()`))
	if err != nil {
		t.Fatalf("reading the polling tab's bell: %v", err)
	}
	if st := ana.navigate(path); st != 200 {
		t.Fatalf("Ana back on the conversation: status %d", st)
	}
	ana.do("writing a second answer",
		chromedp.WaitVisible(chromedp.ID("f-body")),
		chromedp.SendKeys(chromedp.ID("f-body"), convReply2),
		chromedp.Click(chromedp.CSS(`main form.message-form button[type="submit"]`)),
	)
	for _, tb := range []*tab{polling, diego} {
		tb.poll("Ana's second answer without a reload", fmt.Sprintf(
			`window.__ponteNoReload === true && Array.from(document.querySelectorAll('main li.message .message-body'), (e) => e.textContent.trim()).includes(%q)`, convReply2))
		tb.poll("the bell to count one more than when the conversation was opened", fmt.Sprintf(
			`(document.querySelector('[data-live-bell] .bell-count') || {}).textContent === %q`, strconv.Itoa(opened+1)))
		tb.assertNoCSP("receiving the second answer")
	}

	// The list: Ana's side has read everything; it passes axe at both widths.
	if st := ana.navigate("/conversations"); st != 200 {
		t.Fatalf("Ana's list: status %d", st)
	}
	ana.assessA11y(axeSrc, "/conversations (manager)", desktopW, desktopH)
	ana.screenshot("conversations-manager-1280.png", desktopW, desktopH)
	ana.viewport(phoneW, phoneH)
	ana.assessA11y(axeSrc, "/conversations (manager)", phoneW, phoneH)
	ana.screenshot("conversations-manager-390.png", phoneW, phoneH)
	ana.assertNoCSP("on the conversations list")
}

// TestConversationEarlierMessages opens a conversation longer than one page
// and loads the earlier messages through htmx ("Mensagens anteriores"): they
// are put before the others in order, without a reload, and the page still
// passes the CSP.
func TestConversationEarlierMessages(t *testing.T) {
	exe := requireChromium(t)
	dataDir := testapp.DataDir(t, true)
	const total = 45
	seedLongConversation(t, dataDir, total)
	h := startHarness(t, exe, dataDir)

	diego := h.newTab("partner user Diego (Acme)", desktopW, desktopH)
	if st := diego.login(testapp.AcmeUserEmail, testapp.Password); st != 200 {
		t.Fatalf("signing in as %s: status %d, want 200", testapp.AcmeUserEmail, st)
	}
	if st := diego.navigate("/conversations/" + longConv); st != 200 {
		t.Fatalf("opening the long conversation: status %d", st)
	}
	if n := eval[int](diego, `document.querySelectorAll('main li.message').length`); n != 30 {
		t.Errorf("the page shows %d messages, want the latest 30", n)
	}
	eval[bool](diego, `(window.__ponteNoReload = true)`)
	diego.do("asking for the earlier messages", chromedp.Click(chromedp.CSS(`main li.earlier a`)))
	diego.poll("all the messages, in order", fmt.Sprintf(`(() => {
		const items = Array.from(document.querySelectorAll('main li.message .message-body'), (e) => e.textContent.trim());
		return window.__ponteNoReload === true && items.length === %d &&
			items.every((t, i) => t === 'Mensagem ' + String(i).padStart(3, '0')) &&
			!document.querySelector('main li.earlier'); })()`, total))
	diego.assertNoCSP("loading the earlier messages")
}

// longConv is the conversation seedLongConversation writes.
const longConv = "convlong0000001"

// seedLongConversation writes an Acme conversation with n messages from Ana
// straight into a data dir's database, a minute apart and ending an hour ago.
func seedLongConversation(t *testing.T, dataDir string, n int) {
	t.Helper()
	db, err := core.DefaultDBConnect(filepath.Join(dataDir, "data.db"))
	if err != nil {
		t.Fatalf("opening the data dir's database: %v", err)
	}
	defer db.Close()
	start := time.Now().UTC().Add(-time.Hour - time.Duration(n)*time.Minute)
	at := func(i int) string {
		return start.Add(time.Duration(i) * time.Minute).Format("2006-01-02 15:04:05.000Z")
	}
	_, err = db.Insert("conversations", dbx.Params{"id": longConv, "partner": testapp.PartnerAcme, "subject": "Conversa longa",
		"created_by": testapp.AcmeUserID, "participants": `["` + testapp.AcmeUserID + `","` + testapp.ManagerAnaID + `"]`,
		"last_message_at": at(n - 1), "created": at(0), "updated": at(n - 1)}).Execute()
	if err != nil {
		t.Fatalf("seeding the conversation: %v", err)
	}
	for i := range n {
		body := fmt.Sprintf("Mensagem %03d", i)
		_, err := db.Insert("messages", dbx.Params{"id": fmt.Sprintf("msglong%08d", i), "conversation": longConv,
			"author": testapp.ManagerAnaID, "body": body, "body_html": "<p>" + body + "</p>", "attachments": "[]",
			"attachment_names": "{}", "created": at(i)}).Execute()
		if err != nil {
			t.Fatalf("seeding message %d: %v", i, err)
		}
	}
}
