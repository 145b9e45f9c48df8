package ui_test

// The portal tests of conversations, each access decision from both sides:
// the list and its unread counts, a conversation page (paging, the live
// fragment, reading), sending with attachments, downloads, starting a
// conversation, and the bad inputs (empty and 200 KB bodies, refused and
// oversized files, too many files, flooding).

import (
	"bytes"
	"fmt"
	"html"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// newConvServer is newServer with the fixture conversations seeded.
func newConvServer(t *testing.T) (*tests.TestApp, *httptest.Server) {
	t.Helper()
	app, srv := newServer(t)
	testapp.SeedConversations(t, app)
	return app, srv
}

// convFile is one file of a multipart form.
type convFile struct {
	name    string
	content []byte
}

// convPost submits a multipart form as the send form does: fields and files
// in the field "attachments".
func convPost(b *browser, path string, fields url.Values, files ...convFile) response {
	b.t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if fields.Get("_csrf") == "" {
		_ = w.WriteField("_csrf", b.csrf)
	}
	for k, vs := range fields {
		for _, v := range vs {
			_ = w.WriteField(k, v)
		}
	}
	for _, f := range files {
		fw, err := w.CreateFormFile("attachments", f.name)
		if err != nil {
			b.t.Fatal(err)
		}
		_, _ = fw.Write(f.content)
	}
	_ = w.Close()
	req, err := http.NewRequest(http.MethodPost, b.srv.URL+path, &body)
	if err != nil {
		b.t.Fatal(err)
	}
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
	if strings.Contains(out.String(), "%!") {
		b.t.Errorf("POST %s: badly formatted translation in the page:\n%s", path, snippet(out.String()))
	}
	if m := csrfInput.FindStringSubmatch(out.String()); m != nil {
		b.csrf = m[1]
	}
	return response{Status: res.StatusCode, Body: out.String(), Header: res.Header}
}

// addMessages saves n messages by author in conv, ten seconds apart, after
// the seeded ones and ending over a minute ago (so they never count against
// the flood limit), and returns their ids oldest first.
func addMessages(t *testing.T, app core.App, conv, author string, n int) []string {
	t.Helper()
	c, err := app.FindCollectionByNameOrId("messages")
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now().UTC().Add(-time.Minute - time.Duration(n+1)*10*time.Second)
	ids := make([]string, n)
	for i := range n {
		r := core.NewRecord(c)
		r.Set("conversation", conv)
		r.Set("author", author)
		r.Set("body", fmt.Sprintf("Numbered message %03d", i))
		at, _ := types.ParseDateTime(start.Add(time.Duration(i) * 10 * time.Second))
		r.SetRaw("created", at)
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		ids[i] = r.Id
	}
	return ids
}

// messageIDs lists the message items of a page or fragment, in order.
var messageItem = regexp.MustCompile(`<li class="message[^"]*" id="m-([a-z0-9]{15})"`)

func messageIDs(body string) []string {
	var out []string
	for _, m := range messageItem.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

// unreadBadge returns the unread label shown for a conversation in the
// list, or "" when it has none.
func unreadBadge(t *testing.T, body, convID string) string {
	t.Helper()
	i := strings.Index(body, `href="/conversations/`+convID+`"`)
	if i < 0 {
		t.Fatalf("conversation %s is not listed", convID)
	}
	row := body[i:]
	if end := strings.Index(row, "</li>"); end >= 0 {
		row = row[:end]
	}
	m := regexp.MustCompile(`class="badge badge-unread"[^>]*><span aria-hidden="true">([^<]+)</span>`).FindStringSubmatch(row)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

func TestConversationListShowsOnlyVisibleConversations(t *testing.T) {
	app, srv := newConvServer(t)
	cases := []struct {
		email string
		sees  []string
	}{
		{testapp.AdminEmail, []string{testapp.ConvAcme, testapp.ConvGlobex}},
		{testapp.ManagerAnaEmail, []string{testapp.ConvAcme}},
		{testapp.ManagerBrunoEmail, []string{testapp.ConvGlobex}},
		{testapp.AcmeAdminEmail, []string{testapp.ConvAcme}},
		{testapp.AcmeUserEmail, []string{testapp.ConvAcme}},
		{testapp.GlobexAdminEmail, []string{testapp.ConvGlobex}},
		{testapp.GlobexUserEmail, []string{testapp.ConvGlobex}},
	}
	subjects := map[string]string{testapp.ConvAcme: testapp.ConvAcmeSubject, testapp.ConvGlobex: testapp.ConvGlobexSubject}
	for _, c := range cases {
		b := signedIn(t, app, srv, c.email)
		r := b.get("/conversations")
		expectStatus(t, r, http.StatusOK, c.email+" /conversations")
		for id, subject := range subjects {
			if slices.Contains(c.sees, id) {
				expectContains(t, r, c.email, `href="/conversations/`+id+`"`, subject)
			} else {
				expectNotContains(t, r, c.email, id, subject)
			}
			// The page and its fragments follow the same rule.
			want := http.StatusNotFound
			if slices.Contains(c.sees, id) {
				want = http.StatusOK
			}
			for _, path := range []string{"/conversations/" + id, "/conversations/" + id + "/messages",
				"/conversations/" + id + "/messages?after=" + testapp.MsgAcme1} {
				got := b.get(path)
				if path == "/conversations/"+id+"/messages?after="+testapp.MsgAcme1 && id != testapp.ConvAcme && want == http.StatusOK {
					// Acme's message is not one of Globex's conversation.
					expectStatus(t, got, http.StatusNotFound, c.email+" "+path)
					continue
				}
				expectStatus(t, got, want, c.email+" "+path)
				if want == http.StatusNotFound {
					expectNotContains(t, got, c.email+" "+path, subject, "Message msg")
				}
			}
		}
	}
	// The staff list names the partners; a partner's does not need to.
	expectContains(t, signedIn(t, app, srv, testapp.AdminEmail).get("/conversations"), "admin list", "Acme Brasil Ltda", "Globex México")
	// Guests are sent to sign in.
	g := newBrowser(t, srv)
	for _, path := range []string{"/conversations", "/conversations/" + testapp.ConvAcme, "/conversations/new"} {
		r := g.get(path)
		if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
			t.Errorf("guest %s: %d %q, want a redirect to /login", path, r.Status, r.Header.Get("Location"))
		}
	}
}

func TestConversationUnreadCounts(t *testing.T) {
	app, srv := newConvServer(t)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	carla := signedIn(t, app, srv, testapp.AcmeAdminEmail)

	// Never opened: the other side's messages are unread, one's own are not.
	if got := unreadBadge(t, diego.get("/conversations").Body, testapp.ConvAcme); got != "1" {
		t.Errorf("Diego's unread count %q, want 1 (Ana's message)", got)
	}
	if got := unreadBadge(t, ana.get("/conversations").Body, testapp.ConvAcme); got != "1" {
		t.Errorf("Ana's unread count %q, want 1 (Diego's message)", got)
	}
	if got := unreadBadge(t, carla.get("/conversations").Body, testapp.ConvAcme); got != "2" {
		t.Errorf("Carla's unread count %q, want 2", got)
	}
	// Opening the conversation reads it.
	expectStatus(t, diego.get("/conversations/"+testapp.ConvAcme), http.StatusOK, "Diego opens it")
	if got := unreadBadge(t, diego.get("/conversations").Body, testapp.ConvAcme); got != "" {
		t.Errorf("after reading, Diego's unread count is %q", got)
	}
	reads := countRows(t, app, "conversation_reads", dbx.HashExp{"conversation": testapp.ConvAcme, "user": testapp.AcmeUserID})
	if reads != 1 {
		t.Errorf("%d read rows for Diego, want 1", reads)
	}
	// Opening it again keeps one row.
	diego.get("/conversations/" + testapp.ConvAcme)
	if n := countRows(t, app, "conversation_reads", dbx.HashExp{"user": testapp.AcmeUserID}); n != 1 {
		t.Errorf("%d read rows for Diego after a second visit, want 1", n)
	}
	// Others' reading changes nothing for Carla.
	if got := unreadBadge(t, carla.get("/conversations").Body, testapp.ConvAcme); got != "2" {
		t.Errorf("Carla's unread count %q after Diego read, want 2", got)
	}

	// Three new messages from Ana, then twelve: counting stops at "9+".
	ana.post("/conversations/"+testapp.ConvAcme+"/messages", url.Values{"body": {"Um"}})
	ana.post("/conversations/"+testapp.ConvAcme+"/messages", url.Values{"body": {"Dois"}})
	ana.post("/conversations/"+testapp.ConvAcme+"/messages", url.Values{"body": {"Três"}})
	if got := unreadBadge(t, diego.get("/conversations").Body, testapp.ConvAcme); got != "3" {
		t.Errorf("Diego's unread count %q, want 3", got)
	}
	for i := range 12 {
		expectStatus(t, ana.post("/conversations/"+testapp.ConvAcme+"/messages", url.Values{"body": {fmt.Sprint("Mais ", i)}}),
			http.StatusSeeOther, "Ana sends")
	}
	r := diego.get("/conversations")
	if got := unreadBadge(t, r.Body, testapp.ConvAcme); got != "9+" {
		t.Errorf("Diego's unread count %q, want 9+", got)
	}
	expectContains(t, r, "pt-BR unread label", "9&#43; não lidas")
	// Ana's own messages are not unread for her; she read on sending.
	if got := unreadBadge(t, ana.get("/conversations").Body, testapp.ConvAcme); got != "" {
		t.Errorf("Ana's unread count %q after sending, want none", got)
	}
}

func TestConversationPageMessagesAndPaging(t *testing.T) {
	app, srv := newConvServer(t)
	ids := addMessages(t, app, testapp.ConvAcme, testapp.ManagerAnaID, 70)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	r := diego.get("/conversations/" + testapp.ConvAcme)
	expectStatus(t, r, http.StatusOK, "conversation page")
	shown := messageIDs(r.Body)
	if !slices.Equal(shown, ids[40:]) {
		t.Fatalf("the page shows %d messages %v…, want the latest 30 in order", len(shown), shown[:min(3, len(shown))])
	}
	expectContains(t, r, "page", testapp.ConvAcmeSubject, "Ana Souza", "Numbered message 069",
		`data-conversation="`+testapp.ConvAcme+`"`, `data-last="`+ids[69]+`"`, `role="status" aria-live="polite"`,
		"Mensagens anteriores", `?before=`+ids[40])
	// Ana is staff: her messages show the vendor's name as organisation;
	// Diego's his partner's.
	expectContains(t, r, "organisations", `Ana Souza</strong> <small>Ponte</small>`)
	expectContains(t, signedIn(t, app, srv, testapp.ManagerAnaEmail).get("/conversations/"+testapp.ConvAcme+"?before="+ids[0]),
		"Diego's organisation", `Diego Rocha</strong> <small>Acme Brasil Ltda</small>`)

	// Earlier messages: as a fragment (htmx) and as a page (no script).
	frag := diego.get("/conversations/" + testapp.ConvAcme + "/messages?before=" + ids[40])
	expectStatus(t, frag, http.StatusOK, "earlier fragment")
	if got := messageIDs(frag.Body); !slices.Equal(got, ids[10:40]) {
		t.Errorf("the earlier fragment has %d messages, want 30 before the first shown", len(got))
	}
	expectContains(t, frag, "earlier fragment", `?before=`+ids[10])
	expectNotContains(t, frag, "earlier fragment", "<html", "<main")
	last := diego.get("/conversations/" + testapp.ConvAcme + "/messages?before=" + ids[10])
	if got := messageIDs(last.Body); len(got) != 12 || got[0] != testapp.MsgAcme1 || got[11] != ids[9] {
		t.Errorf("the first fragment has %v, want the 2 seeded and the first 10 numbered", got)
	}
	expectNotContains(t, last, "first fragment", "?before=")
	older := diego.get("/conversations/" + testapp.ConvAcme + "?before=" + ids[40])
	expectStatus(t, older, http.StatusOK, "older page")
	if got := messageIDs(older.Body); !slices.Equal(got, ids[10:40]) {
		t.Errorf("the older page has %d messages", len(got))
	}
	expectContains(t, older, "older page", "Voltar às mensagens mais recentes")
	expectNotContains(t, older, "older page", "data-conversation=", `action="/conversations/`)

	// The live fragment: only what came after the last one shown.
	none := diego.get("/conversations/" + testapp.ConvAcme + "/messages?after=" + ids[69])
	expectStatus(t, none, http.StatusOK, "nothing new")
	if got := messageIDs(none.Body); len(got) != 0 {
		t.Errorf("nothing new, yet the fragment has %v", got)
	}
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	expectStatus(t, ana.post("/conversations/"+testapp.ConvAcme+"/messages", url.Values{"body": {"Novidade **importante**"}}),
		http.StatusSeeOther, "Ana sends")
	news := diego.get("/conversations/" + testapp.ConvAcme + "/messages?after=" + ids[69])
	got := messageIDs(news.Body)
	if len(got) != 1 {
		t.Fatalf("the new-messages fragment has %v, want Ana's one message", got)
	}
	expectContains(t, news, "new fragment", "<strong>importante</strong>", `data-author="Ana Souza"`)
	// Fetching it counts as reading it.
	if b := unreadBadge(t, diego.get("/conversations").Body, testapp.ConvAcme); b != "" {
		t.Errorf("after the live fetch, Diego's unread count is %q", b)
	}
	// Cursors from another conversation, or made up, are 404s.
	expectStatus(t, diego.get("/conversations/"+testapp.ConvAcme+"/messages?after="+testapp.MsgGlobex1), http.StatusNotFound, "foreign cursor")
	expectStatus(t, diego.get("/conversations/"+testapp.ConvAcme+"?before=nonexistent0000"), http.StatusNotFound, "unknown cursor")
}

func TestConversationSend(t *testing.T) {
	app, srv := newConvServer(t)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	bruno := signedIn(t, app, srv, testapp.ManagerBrunoEmail)
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	path := "/conversations/" + testapp.ConvAcme + "/messages"
	count := func() int { return countRows(t, app, "messages", dbx.HashExp{"conversation": testapp.ConvAcme}) }
	before := count()

	// Nobody posts into a conversation they may not see: 404, nothing saved.
	for _, b := range []*browser{fabio, bruno} {
		expectStatus(t, b.post(path, url.Values{"body": {"intrusion"}}), http.StatusNotFound, "outsider posts")
		expectStatus(t, convPost(b, path, url.Values{"body": {"intrusion"}}, convFile{"x.pdf", docPDF}), http.StatusNotFound, "outsider uploads")
	}
	if count() != before {
		t.Fatalf("an outsider's message was saved")
	}

	r := diego.post(path, url.Values{"body": {"Podemos falar **amanhã**?"}})
	expectStatus(t, r, http.StatusSeeOther, "Diego sends")
	if !strings.HasPrefix(r.Header.Get("Location"), "/conversations/"+testapp.ConvAcme+"#m-") {
		t.Errorf("redirect to %q", r.Header.Get("Location"))
	}
	page := diego.get("/conversations/" + testapp.ConvAcme)
	expectContains(t, page, "after sending", "<strong>amanhã</strong>", `class="message mine`)
	// The admin (not a participant) may write too, and joins.
	expectStatus(t, admin.post(path, url.Values{"body": {"Olá da diretoria"}}), http.StatusSeeOther, "admin sends")
	conv, _ := app.FindRecordById("conversations", testapp.ConvAcme)
	if !slices.Contains(conv.GetStringSlice("participants"), testapp.AdminID) {
		t.Errorf("the admin did not join the participants")
	}
	// Diego may not see the admin: her message shows as the vendor's team.
	expectContains(t, diego.get("/conversations/"+testapp.ConvAcme), "admin's message", "Equipe Ponte", "Olá da diretoria")
	expectNotContains(t, diego.get("/conversations/"+testapp.ConvAcme), "admin's message", "Alice Admin")
	if count() != before+2 {
		t.Errorf("%d messages, want %d", count(), before+2)
	}

	// Markdown XSS is rendered harmless (the renderer is tested on the
	// payload list; here, through the page).
	expectStatus(t, diego.post(path, url.Values{"body": {`<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror=alert(3)>`}}),
		http.StatusSeeOther, "XSS payload")
	xss := diego.get("/conversations/" + testapp.ConvAcme)
	expectNotContains(t, xss, "XSS", "<script>alert(1)", `href="javascript:`, "onerror=")
}

func TestConversationBadInputs(t *testing.T) {
	app, srv := newConvServer(t)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail) // pt-BR
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	path := "/conversations/" + testapp.ConvAcme + "/messages"
	count := func() int { return countRows(t, app, "messages", nil) }
	before, files := count(), storedFiles(t, app)

	// An empty body: 400 with the message beside the field.
	r := diego.post(path, url.Values{"body": {"  \n "}})
	expectStatus(t, r, http.StatusBadRequest, "empty body")
	expectContains(t, r, "empty body", "Escreva uma mensagem ou anexe um arquivo.", `aria-invalid="true"`)

	// 200 KB: over the schema's 50,000 characters. The send form is
	// multipart: 400 with the message and what was typed kept; a plain
	// urlencoded post is over the portal's form limit: 413.
	long := strings.Repeat("palavra ", 25<<10)
	r = convPost(diego, path, url.Values{"body": {long}})
	expectStatus(t, r, http.StatusBadRequest, "200 KB body")
	expectContains(t, r, "200 KB body", "palavra palavra palavra")
	if !strings.Contains(r.Body, `class="field-error" id="e-body"`) {
		t.Errorf("200 KB body: no message beside the field\n%s", snippet(r.Body))
	}
	expectStatus(t, diego.post(path, url.Values{"body": {long}}), http.StatusRequestEntityTooLarge, "200 KB urlencoded")

	// Refused types, with the translated message, and nothing saved (the
	// good file of a mixed message neither).
	for _, f := range [][]convFile{
		{{"pagina.html", docHTML}},
		{{"logo.svg", docSVG}},
		{{"script.js", []byte("alert(1)")}},
		{{"setup.exe", append([]byte("MZ\x90\x00"), make([]byte, 64)...)}},
		{{"disfarce.pdf", docHTML}},
		{{"bom.pdf", docPDF}, {"ruim.svg", docSVG}},
	} {
		r := convPost(diego, path, url.Values{"body": {"com anexo"}}, f...)
		expectStatus(t, r, http.StatusBadRequest, "refused "+f[len(f)-1].name)
		expectContains(t, r, "refused "+f[len(f)-1].name, "Este tipo de arquivo não pode ser enviado", "com anexo")
	}
	// Six files: 400 before anything is stored.
	six := make([]convFile, 6)
	for i := range six {
		six[i] = convFile{fmt.Sprintf("f%d.pdf", i), docPDF}
	}
	r = convPost(diego, path, url.Values{"body": {"seis"}}, six...)
	expectStatus(t, r, http.StatusBadRequest, "six files")
	expectContains(t, r, "six files", "Anexe no máximo 5 arquivos.")
	// One file over 10 MB: 413 with the message.
	big := append(append([]byte{}, docPDF...), make([]byte, hooks.MaxAttachmentBytes)...)
	r = convPost(diego, path, url.Values{"body": {"grande"}}, convFile{"grande.pdf", big})
	expectStatus(t, r, http.StatusRequestEntityTooLarge, "11 MB file")
	expectContains(t, r, "11 MB file", "Cada arquivo pode ter no máximo 10 MB.", "grande")
	if count() != before {
		t.Errorf("refused messages were saved: %d → %d", before, count())
	}
	if after := storedFiles(t, app); !slices.Equal(after, files) {
		t.Errorf("refused messages left files: %v", after)
	}

	// Flooding: MessageFloodLimit messages a minute, then 429 with the
	// translated message, and the typed text kept. Others still write.
	for i := range hooks.MessageFloodLimit {
		expectStatus(t, diego.post(path, url.Values{"body": {fmt.Sprint("rápida ", i)}}), http.StatusSeeOther, "within the limit")
	}
	r = diego.post(path, url.Values{"body": {"uma a mais"}})
	expectStatus(t, r, http.StatusTooManyRequests, "flood")
	expectContains(t, r, "flood", "Você está enviando mensagens rápido demais", "uma a mais")
	if n := countRows(t, app, "messages", dbx.HashExp{"body": "uma a mais"}); n != 0 {
		t.Errorf("the flooding message was saved")
	}
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	expectStatus(t, ana.post(path, url.Values{"body": {"ok"}}), http.StatusSeeOther, "another user during Diego's flood")

	// No CSRF token: 403, nothing saved.
	n := count()
	expectStatus(t, diego.do(http.MethodPost, path, url.Values{"body": {"sem token"}}), http.StatusForbidden, "no CSRF token")
	// Fabio's stream and pages never see any of it.
	expectNotContains(t, fabio.get("/conversations"), "Fabio's list", testapp.ConvAcme)
	if count() != n {
		t.Errorf("a post without a CSRF token was saved")
	}
}

func TestConversationAttachments(t *testing.T) {
	app, srv := newConvServer(t)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	path := "/conversations/" + testapp.ConvAcme + "/messages"
	r := convPost(diego, path, url.Values{"body": {"Segue a proposta"}},
		convFile{"Proposta Comercial.pdf", docPDF}, convFile{"precos.csv", []byte("sku,preco\nA,1\n")})
	expectStatus(t, r, http.StatusSeeOther, "send with attachments")
	msg, err := app.FindFirstRecordByData("messages", "body", "Segue a proposta")
	if err != nil {
		t.Fatal(err)
	}
	stored := msg.GetStringSlice("attachments")
	if len(stored) != 2 {
		t.Fatalf("%d attachments stored, want 2", len(stored))
	}
	page := diego.get("/conversations/" + testapp.ConvAcme)
	link := "/conversations/" + testapp.ConvAcme + "/messages/" + msg.Id + "/files/" + stored[0]
	expectContains(t, page, "attachment links", `href="`+link+`"`, "Proposta Comercial.pdf")

	// Who may download: the conversation's side (its partner, its manager,
	// admins); anyone else gets a 404.
	for _, who := range []string{testapp.AcmeUserEmail, testapp.AcmeAdminEmail, testapp.ManagerAnaEmail, testapp.AdminEmail} {
		r := docRequest(signedIn(t, app, srv, who), http.MethodGet, link, "")
		expectStatus(t, r, http.StatusOK, who+" downloads")
		if r.Body != string(docPDF) {
			t.Errorf("%s downloaded %d bytes, not the file", who, len(r.Body))
		}
		kind, name := disposition(t, r)
		if kind != "attachment" || name != "Proposta Comercial.pdf" {
			t.Errorf("Content-Disposition %q", r.Header.Get("Content-Disposition"))
		}
		if csp := r.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") || !strings.Contains(csp, "default-src 'none'") {
			t.Errorf("attachment CSP %q", csp)
		}
		if r.Header.Get("X-Content-Type-Options") != "nosniff" || r.Header.Get("Content-Type") != "application/pdf" {
			t.Errorf("attachment headers: %v", r.Header)
		}
	}
	for _, who := range []string{testapp.GlobexUserEmail, testapp.GlobexAdminEmail, testapp.ManagerBrunoEmail} {
		r := docRequest(signedIn(t, app, srv, who), http.MethodGet, link, "")
		expectStatus(t, r, http.StatusNotFound, who+" downloads Acme's attachment")
		if strings.Contains(r.Body, "%PDF") {
			t.Errorf("%s got the file's bytes", who)
		}
	}
	expectStatus(t, docRequest(newBrowser(t, srv), http.MethodGet, link, ""), http.StatusSeeOther, "guest downloads")
	// The file through another conversation's path, or a name the message
	// does not hold, is a 404 even for Diego.
	fabioConvPath := "/conversations/" + testapp.ConvGlobex + "/messages/" + msg.Id + "/files/" + stored[0]
	expectStatus(t, docRequest(diego, http.MethodGet, fabioConvPath, ""), http.StatusNotFound, "other conversation's path")
	expectStatus(t, docRequest(diego, http.MethodGet, "/conversations/"+testapp.ConvAcme+"/messages/"+msg.Id+"/files/other.pdf", ""),
		http.StatusNotFound, "unknown file name")
	expectStatus(t, docRequest(diego, http.MethodGet, "/conversations/"+testapp.ConvAcme+"/messages/"+testapp.MsgAcme1+"/files/"+stored[0], ""),
		http.StatusNotFound, "another message's file")
}

func TestConversationStart(t *testing.T) {
	app, srv := newConvServer(t)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	r := diego.get("/conversations/new")
	expectStatus(t, r, http.StatusOK, "new form")
	expectContains(t, r, "partner user's form", "Ana Souza", `name="subject"`, `name="attachments"`)
	expectNotContains(t, r, "partner user's form", `name="partner"`)

	// A partner user's conversation is with their partner and manager,
	// whatever partner the form claims.
	r = convPost(diego, "/conversations/new", url.Values{"subject": {"Dúvida sobre MDF"}, "body": {"Como solicito a verba?"},
		"partner": {testapp.PartnerGlobex}}, convFile{"plano.pdf", docPDF})
	expectStatus(t, r, http.StatusSeeOther, "Diego starts one")
	conv, err := app.FindFirstRecordByData("conversations", "subject", "Dúvida sobre MDF")
	if err != nil {
		t.Fatal(err)
	}
	if conv.GetString("partner") != testapp.PartnerAcme || !slices.Equal(conv.GetStringSlice("participants"),
		[]string{testapp.AcmeUserID, testapp.ManagerAnaID}) || conv.GetString("created_by") != testapp.AcmeUserID {
		t.Errorf("conversation partner %s participants %v", conv.GetString("partner"), conv.GetStringSlice("participants"))
	}
	if r.Header.Get("Location") != "/conversations/"+conv.Id {
		t.Errorf("redirect to %q", r.Header.Get("Location"))
	}
	page := diego.get(r.Header.Get("Location"))
	expectContains(t, page, "new conversation", "Conversa iniciada.", "Como solicito a verba?", "plano.pdf")
	msgs := countRows(t, app, "messages", dbx.HashExp{"conversation": conv.Id})
	if msgs != 1 {
		t.Errorf("%d messages in the new conversation, want 1", msgs)
	}
	// Ana is told; Fabio sees nothing of it.
	if n := countRows(t, app, "notifications", dbx.HashExp{"user": testapp.ManagerAnaID, "link": "/conversations/" + conv.Id}); n != 1 {
		t.Errorf("%d notifications for Ana, want 1", n)
	}
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	expectNotContains(t, fabio.get("/conversations"), "Fabio's list", "Dúvida sobre MDF")
	expectStatus(t, fabio.get("/conversations/"+conv.Id), http.StatusNotFound, "Fabio opens it")

	// Staff choose among their partners; the partner admins take part.
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	r = ana.get("/conversations/new?partner=" + testapp.PartnerAcme)
	expectContains(t, r, "Ana's form", `<option value="`+testapp.PartnerAcme+`" selected>`)
	expectNotContains(t, r, "Ana's form", testapp.PartnerGlobex)
	r = ana.post("/conversations/new", url.Values{"partner": {testapp.PartnerGlobex}, "subject": {"Intrusão"}, "body": {"x"}})
	expectStatus(t, r, http.StatusBadRequest, "Ana picks Globex")
	expectContains(t, r, "Ana picks Globex", "Intrusão")
	r = ana.post("/conversations/new", url.Values{"partner": {testapp.PartnerAcme}, "subject": {"Plano de negócios 2026"}, "body": {"Vamos revisar?"}})
	expectStatus(t, r, http.StatusSeeOther, "Ana starts one with Acme")
	staffConv, err := app.FindFirstRecordByData("conversations", "subject", "Plano de negócios 2026")
	if err != nil {
		t.Fatal(err)
	}
	if got := staffConv.GetStringSlice("participants"); !slices.Equal(got, []string{testapp.ManagerAnaID, testapp.AcmeAdminID}) {
		t.Errorf("staff conversation participants %v, want Ana and Carla", got)
	}
	if n := countRows(t, app, "notifications", dbx.HashExp{"user": testapp.AcmeAdminID, "link": "/conversations/" + staffConv.Id}); n != 1 {
		t.Errorf("Carla was not told of Ana's conversation")
	}
	// Bad inputs keep what was typed.
	r = diego.post("/conversations/new", url.Values{"subject": {""}, "body": {"sem assunto"}})
	expectStatus(t, r, http.StatusBadRequest, "no subject")
	expectContains(t, r, "no subject", "sem assunto", `aria-invalid="true"`)
	r = diego.post("/conversations/new", url.Values{"subject": {strings.Repeat("s", 201)}, "body": {"x"}})
	expectStatus(t, r, http.StatusBadRequest, "long subject")
	r = convPost(diego, "/conversations/new", url.Values{"subject": {"Anexo ruim"}, "body": {"x"}}, convFile{"a.svg", docSVG})
	expectStatus(t, r, http.StatusBadRequest, "new conversation with a refused file")
	if n := countRows(t, app, "conversations", dbx.HashExp{"subject": "Anexo ruim"}); n != 0 {
		t.Errorf("a conversation whose first message was refused was saved")
	}
}
