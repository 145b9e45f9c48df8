package ui_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/testapp"
)

// The portal tests of the forums, on the fixture forums
// (testapp.SeedForums): Acme (Gold) and Globex (Silver) meet in General;
// only Acme sees the Gold lounge; only staff post in Vendor news; only staff
// see Europe. Diego (Acme) reads Portuguese, Fabio (Globex) English.

func newForumServer(t *testing.T) (*tests.TestApp, *httptest.Server) {
	t.Helper()
	app, srv := newServer(t)
	testapp.SeedForums(t, app)
	return app, srv
}

// forumCount counts the rows of a table matching where (nil: all).
func forumCount(t *testing.T, app core.App, table string, where dbx.Expression) int {
	t.Helper()
	var n int
	q := app.DB().Select("COUNT(*)").From(table)
	if where != nil {
		q.Where(where)
	}
	if err := q.Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// forumRecord loads a record or fails.
func forumRecord(t *testing.T, app core.App, coll, id string) *core.Record {
	t.Helper()
	r, err := app.FindRecordById(coll, id)
	if err != nil {
		t.Fatalf("%s/%s: %v", coll, id, err)
	}
	return r
}

// forumSeedPost writes a post through the hooks as if it had been written
// ago earlier (so it does not count against the flood limit unless ago is
// short).
func forumSeedPost(t *testing.T, app core.App, thread, author, body string, ago time.Duration) *core.Record {
	t.Helper()
	c, err := app.FindCollectionByNameOrId("forum_posts")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	r.Set("thread", thread)
	r.Set("author", author)
	r.Set("body", body)
	dt, _ := types.ParseDateTime(time.Now().UTC().Add(-ago))
	r.SetRaw("created", dt)
	if err := app.Save(r); err != nil {
		t.Fatalf("seeding a post: %v", err)
	}
	return r
}

func forumForm(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

func forumLocation(t *testing.T, r response, want string) {
	t.Helper()
	if r.Status != http.StatusSeeOther {
		t.Fatalf("status %d, want 303 to %s\n%s", r.Status, want, snippet(r.Body))
	}
	if loc := r.Header.Get("Location"); !strings.HasPrefix(loc, want) {
		t.Fatalf("redirect to %q, want %q…", loc, want)
	}
}

func TestForumIndexBySide(t *testing.T) {
	app, srv := newForumServer(t)
	_ = app
	for _, c := range []struct {
		email     string
		sees, not []string
	}{
		{testapp.AcmeUserEmail, []string{"General", "Gold lounge", "Vendor news", "Fóruns", "2 tópicos", "4 publicações"}, []string{"Europe", "/forums/reports", "/forums/categories/new"}},
		{testapp.GlobexUserEmail, []string{"General", "Vendor news", "Forums", "2 threads", "4 posts", "Vendor posts only"}, []string{"Gold lounge", "Europe", "/forums/reports"}},
		{testapp.ManagerBrunoEmail, []string{"General", "Gold lounge", "Vendor news", "Europe", "/forums/reports"}, []string{"/forums/categories/new"}},
		{testapp.AdminEmail, []string{"General", "Gold lounge", "Vendor news", "Europe", "/forums/reports", "/forums/categories/new"}, nil},
	} {
		b := signedIn(t, app, srv, c.email)
		r := b.get("/forums")
		expectStatus(t, r, http.StatusOK, c.email+" /forums")
		expectContains(t, r, c.email, c.sees...)
		expectNotContains(t, r, c.email, c.not...)
	}
	g := newBrowser(t, srv).get("/forums")
	if g.Status != http.StatusSeeOther || !strings.HasPrefix(g.Header.Get("Location"), "/login") {
		t.Fatalf("guest: %d %s", g.Status, g.Header.Get("Location"))
	}
}

func TestForumCategoryPage(t *testing.T) {
	app, srv := newForumServer(t)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	admin := signedIn(t, app, srv, testapp.AdminEmail)

	r := fabio.get("/forums/c/" + testapp.ForumCatGeneral)
	expectStatus(t, r, http.StatusOK, "general as fabio")
	expectContains(t, r, "general", "Renewal pricing question", "Diego Rocha", "Acme Brasil Ltda",
		"Old webinar recording", "Elena Ruiz", "Globex México", "Locked", "/forums/c/"+testapp.ForumCatGeneral+"/new")

	// The Gold lounge: Acme's; Globex gets a 404 that names nothing.
	r = diego.get("/forums/c/" + testapp.ForumCatGold)
	expectStatus(t, r, http.StatusOK, "gold as diego")
	expectContains(t, r, "gold", "Gold co-marketing funds", "Carla Mendes")
	r = fabio.get("/forums/c/" + testapp.ForumCatGold)
	expectStatus(t, r, http.StatusNotFound, "gold as fabio")
	expectNotContains(t, r, "gold 404", "Gold co-marketing funds", "Gold lounge")
	expectStatus(t, fabio.get("/forums/c/"+testapp.ForumCatGold+"/new"), http.StatusNotFound, "new in gold as fabio")

	// Vendor news: partners read, only staff start threads.
	r = diego.get("/forums/c/" + testapp.ForumCatNews)
	expectStatus(t, r, http.StatusOK, "news as diego")
	expectContains(t, r, "news", "Release 5.2 is out", "Equipe do fornecedor")
	expectNotContains(t, r, "news as diego", "/forums/c/"+testapp.ForumCatNews+"/new")
	expectStatus(t, diego.get("/forums/c/"+testapp.ForumCatNews+"/new"), http.StatusForbidden, "new in news as diego")
	r = admin.get("/forums/c/" + testapp.ForumCatNews)
	expectContains(t, r, "news as admin", "/forums/c/"+testapp.ForumCatNews+"/new", "/forums/c/"+testapp.ForumCatNews+"/edit")

	// Europe: staff only.
	expectStatus(t, diego.get("/forums/c/"+testapp.ForumCatEurope), http.StatusNotFound, "europe as diego")
	expectStatus(t, admin.get("/forums/c/"+testapp.ForumCatEurope), http.StatusOK, "europe as admin")

	// Bad ids and pages.
	expectStatus(t, diego.get("/forums/c/nope"), http.StatusNotFound, "bad id")
	expectStatus(t, diego.get("/forums/c/"+testapp.ForumCatGeneral+"?page=x"), http.StatusBadRequest, "bad page")
	expectStatus(t, diego.get("/forums/c/"+testapp.ForumCatGeneral+"?page=9"), http.StatusNotFound, "empty page")
}

func TestForumCategoryOrderAndPaging(t *testing.T) {
	app, srv := newForumServer(t)
	// 30 more threads in General, the older the higher the number.
	c, _ := app.FindCollectionByNameOrId("forum_threads")
	for i := range 30 {
		r := core.NewRecord(c)
		r.Set("category", testapp.ForumCatGeneral)
		r.Set("title", fmt.Sprintf("Old thread %02d", i))
		r.Set("author", testapp.GlobexUserID)
		dt, _ := types.ParseDateTime(time.Now().UTC().Add(-time.Duration(100+i) * time.Hour))
		r.SetRaw("created", dt)
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	// Pin the oldest: it leads the first page.
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	var pinned string
	if err := app.DB().Select("id").From("forum_threads").Where(dbx.HashExp{"title": "Old thread 29"}).Row(&pinned); err != nil {
		t.Fatal(err)
	}
	forumLocation(t, ana.post("/forums/t/"+pinned+"/moderate", forumForm("action", "pin")), "/forums/t/"+pinned)

	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	r := fabio.get("/forums/c/" + testapp.ForumCatGeneral)
	expectStatus(t, r, http.StatusOK, "page 1")
	order := regexp.MustCompile(`<strong>(Old thread \d+|Renewal pricing question|Old webinar recording)</strong>`).FindAllStringSubmatch(r.Body, -1)
	if len(order) != 25 || order[0][1] != "Old thread 29" || order[1][1] != "Old webinar recording" || order[2][1] != "Renewal pricing question" || order[3][1] != "Old thread 00" {
		t.Fatalf("page 1 order: %v", order)
	}
	expectContains(t, r, "page 1", "Pinned", `rel="next"`)
	r = fabio.get("/forums/c/" + testapp.ForumCatGeneral + "?page=2")
	expectStatus(t, r, http.StatusOK, "page 2")
	if n := strings.Count(r.Body, "<strong>Old thread"); n != 7 {
		t.Fatalf("page 2 has %d threads, want 7", n)
	}
	expectNotContains(t, r, "page 2", `rel="next"`)
}

func TestForumThreadPage(t *testing.T) {
	app, srv := newForumServer(t)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	admin := signedIn(t, app, srv, testapp.AdminEmail)

	r := fabio.get("/forums/t/" + testapp.ForumThreadGeneral)
	expectStatus(t, r, http.StatusOK, "thread as fabio")
	// Oldest first, each with its author's organisation (the vendor's
	// team for staff) and the stored HTML.
	list := r.Body[strings.Index(r.Body, `<ol class="forum-posts"`):]
	i1, i2, i3 := strings.Index(list, "Diego Rocha"), strings.Index(list, "Fabio Torres"), strings.Index(list, "Ana Souza")
	if i1 < 0 || i2 < i1 || i3 < i2 {
		t.Fatalf("posts out of order: %d %d %d", i1, i2, i3)
	}
	expectContains(t, r, "thread", "Acme Brasil Ltda", "Globex México", "Vendor team", "<strong>renewals</strong>",
		`id="p-`+testapp.ForumPostGeneral2+`"`, `name="body"`, "Follow", "/forums/p/"+testapp.ForumPostGeneral1+"/report")
	// Fabio edits his own post only, and marks solved nobody's thread.
	expectContains(t, r, "own edit", "/forums/p/"+testapp.ForumPostGeneral2+"/edit")
	expectNotContains(t, r, "others' edit", "/forums/p/"+testapp.ForumPostGeneral1+"/edit", "/forums/t/"+testapp.ForumThreadGeneral+"/solved",
		"/moderate", "/remove")

	r = diego.get("/forums/t/" + testapp.ForumThreadGeneral)
	expectContains(t, r, "thread as author", "Seguindo", "Marcar como resolvido", "Equipe do fornecedor")
	r = admin.get("/forums/t/" + testapp.ForumThreadGeneral)
	expectContains(t, r, "thread as admin", "/moderate", "/forums/p/"+testapp.ForumPostGeneral2+"/remove", "Mark solved")

	// Invisible threads are 404s that leak nothing.
	r = fabio.get("/forums/t/" + testapp.ForumThreadGold)
	expectStatus(t, r, http.StatusNotFound, "gold thread as fabio")
	expectNotContains(t, r, "gold 404", "Gold co-marketing funds", "MDF")
	expectStatus(t, diego.get("/forums/t/"+testapp.ForumThreadEurope), http.StatusNotFound, "europe as diego")
	expectStatus(t, diego.get("/forums/p/"+testapp.ForumPostEurope1), http.StatusNotFound, "europe post as diego")

	// A locked thread: no reply form for partners; staff may still post.
	r = fabio.get("/forums/t/" + testapp.ForumThreadLocked)
	expectContains(t, r, "locked", "This thread is locked")
	expectNotContains(t, r, "locked", `name="body"`)
	r = admin.get("/forums/t/" + testapp.ForumThreadLocked)
	expectContains(t, r, "locked as admin", `name="body"`)
	// Vendor news: partners read without a reply form.
	r = diego.get("/forums/t/" + testapp.ForumThreadNews)
	expectContains(t, r, "news thread", "Só a equipe do fornecedor publica")
	expectNotContains(t, r, "news thread", `name="body"`)
}

func TestForumThreadPagingAndPostLinks(t *testing.T) {
	app, srv := newForumServer(t)
	var ids []string
	for i := range 45 { // 48 posts: pages of 20, 20 and 8
		author := []string{testapp.AcmeUserID, testapp.GlobexUserID, testapp.GlobexAdminID}[i%3]
		p := forumSeedPost(t, app, testapp.ForumThreadGeneral, author, fmt.Sprintf("Reply number %02d", i), time.Duration(45-i)*time.Hour)
		ids = append(ids, p.Id)
	}
	if n := forumRecord(t, app, "forum_threads", testapp.ForumThreadGeneral).GetInt("post_count"); n != 48 {
		t.Fatalf("post_count %d, want 48", n)
	}
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	r := fabio.get("/forums/t/" + testapp.ForumThreadGeneral + "?page=3")
	expectStatus(t, r, http.StatusOK, "last page")
	expectContains(t, r, "last page", "Page 3 of 3", "Reply number 44", "#48", `start="41"`)
	expectNotContains(t, r, "last page", "Reply number 36")
	r = fabio.get("/forums/t/" + testapp.ForumThreadGeneral)
	expectContains(t, r, "first page", "Page 1 of 3", "#1", "#20", "?page=3")
	expectStatus(t, fabio.get("/forums/t/"+testapp.ForumThreadGeneral+"?page=4"), http.StatusNotFound, "past the end")

	// A post's link opens its page at the post.
	for _, c := range []struct {
		id   string
		page string
	}{{ids[0], "/forums/t/" + testapp.ForumThreadGeneral + "#p-" + ids[0]}, {ids[20], "?page=2#p-" + ids[20]}, {ids[44], "?page=3#p-" + ids[44]}} {
		res := fabio.get("/forums/p/" + c.id)
		if res.Status != http.StatusSeeOther || !strings.HasSuffix(res.Header.Get("Location"), c.page) {
			t.Errorf("post %s: %d %s, want …%s", c.id, res.Status, res.Header.Get("Location"), c.page)
		}
	}
	expectStatus(t, fabio.get("/forums/p/"+testapp.ForumPostGold1), http.StatusNotFound, "gold post as fabio")

	// Posts written at the same moment across a page boundary appear once
	// each, in (created, id) order.
	c, _ := app.FindCollectionByNameOrId("forum_posts")
	same, _ := types.ParseDateTime(time.Now().UTC().Add(-3 * time.Hour))
	var want []string
	for i := range 25 {
		r := core.NewRecord(c)
		r.Set("thread", testapp.ForumThreadLocked)
		r.Set("author", testapp.AdminID)
		r.Set("body", fmt.Sprintf("Same moment %02d", i))
		r.SetRaw("created", same)
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := app.DB().NewQuery("SELECT id FROM forum_posts WHERE thread = {:t} ORDER BY created, id").
		Bind(dbx.Params{"t": testapp.ForumThreadLocked}).Column(&want); err != nil {
		t.Fatal(err)
	}
	ids = nil
	anchor := regexp.MustCompile(`<li id="p-([a-z0-9]{15})"`)
	for _, page := range []string{"", "?page=2"} {
		for _, m := range anchor.FindAllStringSubmatch(fabio.get("/forums/t/"+testapp.ForumThreadLocked+page).Body, -1) {
			ids = append(ids, m[1])
		}
	}
	if strings.Join(ids, ",") != strings.Join(want, ",") {
		t.Fatalf("posts across pages:\n%v\nwant\n%v", ids, want)
	}
}

func TestForumReply(t *testing.T) {
	app, srv := newForumServer(t)
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	posts := func() int { return forumCount(t, app, "forum_posts", nil) }
	before := posts()

	r := fabio.post("/forums/t/"+testapp.ForumThreadGeneral+"/reply", forumForm("body", "We renew **yearly** too."))
	forumLocation(t, r, "/forums/t/"+testapp.ForumThreadGeneral+"#p-")
	id := strings.TrimPrefix(r.Header.Get("Location"), "/forums/t/"+testapp.ForumThreadGeneral+"#p-")
	p := forumRecord(t, app, "forum_posts", id)
	if p.GetString("partner") != testapp.PartnerGlobex || p.GetString("organisation") != "Globex México" ||
		p.GetString("author_name") != "Fabio Torres" || p.GetBool("by_staff") || p.GetString("body_html") != "<p>We renew <strong>yearly</strong> too.</p>\n" {
		t.Fatalf("stored post: %v", p.PublicExport())
	}
	th := forumRecord(t, app, "forum_threads", testapp.ForumThreadGeneral)
	if th.GetInt("post_count") != 4 || !th.GetDateTime("last_activity").Equal(p.GetDateTime("created")) {
		t.Fatalf("thread figures: %d %s vs %s", th.GetInt("post_count"), th.GetString("last_activity"), p.GetString("created"))
	}
	// Diego follows his thread and is told, in Portuguese; Fabio (who also
	// follows) is not told of his own reply.
	var titles []string
	if err := app.DB().Select("title").From("notifications").Where(dbx.HashExp{"user": testapp.AcmeUserID, "kind": "forum.reply"}).Column(&titles); err != nil {
		t.Fatal(err)
	}
	if len(titles) != 1 || !strings.Contains(titles[0], "Fabio Torres") || !strings.Contains(titles[0], "Renewal pricing question") {
		t.Fatalf("diego's notifications: %v", titles)
	}
	if n := forumCount(t, app, "notifications", dbx.HashExp{"user": testapp.GlobexUserID}); n != 0 {
		t.Fatalf("fabio was notified of his own reply (%d)", n)
	}
	if n := forumCount(t, app, "activity", dbx.HashExp{"kind": "forum.post_created", "target_id": id, "partner": testapp.PartnerGlobex}); n != 1 {
		t.Fatalf("%d post_created events", n)
	}
	before = posts()

	// Bad bodies: nothing written, what was typed is kept.
	r = fabio.post("/forums/t/"+testapp.ForumThreadGeneral+"/reply", forumForm("body", "   \n "))
	expectStatus(t, r, http.StatusBadRequest, "empty body")
	expectContains(t, r, "empty body", "This field is required.")
	long := strings.Repeat("x", 50001)
	r = fabio.post("/forums/t/"+testapp.ForumThreadGeneral+"/reply", forumForm("body", long))
	expectStatus(t, r, http.StatusBadRequest, "long body")
	expectContains(t, r, "long body", "Write at most 50000 characters.", long)
	r = fabio.post("/forums/t/"+testapp.ForumThreadGeneral+"/reply", forumForm("body", strings.Repeat("y", 200<<10)))
	expectStatus(t, r, http.StatusRequestEntityTooLarge, "200 KB body")

	// Refusals by the rules: a locked thread and a staff-only category are
	// 403s with the text kept; an invisible thread is a 404.
	r = fabio.post("/forums/t/"+testapp.ForumThreadLocked+"/reply", forumForm("body", "Any news on this?"))
	expectStatus(t, r, http.StatusForbidden, "locked")
	expectContains(t, r, "locked", "Your reply was not posted", "Any news on this?")
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	expectStatus(t, diego.post("/forums/t/"+testapp.ForumThreadNews+"/reply", forumForm("body", "Obrigado!")), http.StatusForbidden, "news")
	r = fabio.post("/forums/t/"+testapp.ForumThreadGold+"/reply", forumForm("body", "Let me in"))
	expectStatus(t, r, http.StatusNotFound, "gold")
	expectNotContains(t, r, "gold", "Gold co-marketing funds")
	expectStatus(t, diego.post("/forums/t/"+testapp.ForumThreadEurope+"/reply", forumForm("body", "Olá")), http.StatusNotFound, "europe")
	expectStatus(t, fabio.post("/forums/t/"+testapp.ForumThreadGeneral+"/reply", url.Values{"body": {"no token"}, "_csrf": {"bad"}}), http.StatusForbidden, "csrf")
	if n := posts(); n != before {
		t.Fatalf("refused replies wrote %d posts", n-before)
	}
	// Staff may still close a locked thread with a note.
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	forumLocation(t, admin.post("/forums/t/"+testapp.ForumThreadLocked+"/reply", forumForm("body", "Recording is in the library.")), "/forums/t/"+testapp.ForumThreadLocked)
}

func TestForumMarkdownIsSafeEndToEnd(t *testing.T) {
	app, srv := newForumServer(t)
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	payloads := []string{
		"<script>alert('xss1')</script>",
		"[click](javascript:alert('xss2'))",
		"<img src=x onerror=alert('xss3')>",
		"![pic](data:text/html;base64,PHNjcmlwdD5hbGVydCgneHNzNCcpPC9zY3JpcHQ+)",
		"[x](JaVaScRiPt&#58;alert('xss5'))",
		"<a href=\"javascript:alert('xss6')\">x</a>",
		"<svg/onload=alert('xss7')>",
		"<iframe src=\"https://evil.example\"></iframe>",
	}
	for i, body := range payloads {
		author := fabio
		if i%2 == 1 {
			author = diego // two authors: five posts a minute each
		}
		r := author.post("/forums/t/"+testapp.ForumThreadGeneral+"/reply", forumForm("body", body))
		if r.Status != http.StatusSeeOther {
			t.Fatalf("payload %d: %d", i, r.Status)
		}
	}
	var stored []string
	if err := app.DB().Select("body_html").From("forum_posts").Where(dbx.HashExp{"thread": testapp.ForumThreadGeneral}).Column(&stored); err != nil {
		t.Fatal(err)
	}
	// Text that merely reads like a tag is escaped; what must never appear
	// is a real element or attribute that runs script or loads a frame.
	bad := regexp.MustCompile(`(?i)<script|<img[^>]*\bon\w+=|<svg|<iframe|href="\s*javascript:|src="\s*data:|<a [^>]*\bon\w+=`)
	joined := strings.Join(stored, "\n")
	if m := bad.FindString(joined); m != "" {
		t.Errorf("unsafe HTML stored: %q in\n%s", m, joined)
	}
	if !strings.Contains(joined, "&lt;img src=x onerror=") || strings.Contains(joined, "xss1") {
		t.Errorf("inline HTML should stay as escaped text and raw HTML blocks be dropped:\n%s", joined)
	}
	page := fabio.get("/forums/t/" + testapp.ForumThreadGeneral).Body
	posts := page[strings.Index(page, `<ol class="forum-posts"`):strings.Index(page, "</ol>")]
	if m := bad.FindString(posts); m != "" {
		t.Errorf("unsafe HTML on the thread page: %q", m)
	}
}

func TestForumRateLimitPortal(t *testing.T) {
	app, srv := newForumServer(t)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	for i := range 5 {
		forumLocation(t, diego.post("/forums/t/"+testapp.ForumThreadGeneral+"/reply", forumForm("body", fmt.Sprintf("Resposta %d", i))), "/forums/t/")
	}
	r := diego.post("/forums/t/"+testapp.ForumThreadGeneral+"/reply", forumForm("body", "Mais uma resposta"))
	expectStatus(t, r, http.StatusTooManyRequests, "sixth reply")
	expectContains(t, r, "sixth reply", "Você está publicando rápido demais", "Mais uma resposta")
	if n := forumCount(t, app, "forum_posts", dbx.HashExp{"author": testapp.AcmeUserID, "thread": testapp.ForumThreadGeneral}); n != 6 {
		t.Fatalf("diego has %d posts in the thread, want 1 + 5", n)
	}
	// Another author is not held back.
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	forumLocation(t, fabio.post("/forums/t/"+testapp.ForumThreadGeneral+"/reply", forumForm("body", "Me too")), "/forums/t/")

	// A new thread whose first post is over the limit leaves no thread.
	threads := forumCount(t, app, "forum_threads", nil)
	r = diego.post("/forums/c/"+testapp.ForumCatGeneral+"/new", forumForm("title", "Pergunta nova", "body", "Texto"))
	expectStatus(t, r, http.StatusTooManyRequests, "thread over the post limit")
	expectContains(t, r, "thread over the limit", "Pergunta nova", "Texto")
	if n := forumCount(t, app, "forum_threads", nil); n != threads {
		t.Fatalf("a refused thread was half-written (%d → %d)", threads, n)
	}
}

func TestForumNewThread(t *testing.T) {
	app, srv := newForumServer(t)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	threads := func() int { return forumCount(t, app, "forum_threads", nil) }
	n0 := threads()

	r := diego.get("/forums/c/" + testapp.ForumCatGeneral + "/new")
	expectStatus(t, r, http.StatusOK, "form")
	expectContains(t, r, "form", `name="title"`, `name="body"`, "Abrir tópico")

	r = diego.post("/forums/c/"+testapp.ForumCatGeneral+"/new", forumForm("title", "  Integração com SAP  ", "body", "Alguém já integrou com *SAP*?"))
	forumLocation(t, r, "/forums/t/")
	id := strings.TrimPrefix(r.Header.Get("Location"), "/forums/t/")
	th := forumRecord(t, app, "forum_threads", id)
	if th.GetString("title") != "Integração com SAP" || th.GetString("partner") != testapp.PartnerAcme || th.GetInt("post_count") != 1 ||
		th.GetString("organisation") != "Acme Brasil Ltda" {
		t.Fatalf("thread: %v", th.PublicExport())
	}
	if n := forumCount(t, app, "forum_follows", dbx.HashExp{"thread": id, "user": testapp.AcmeUserID}); n != 1 {
		t.Fatalf("the author follows %d times", n)
	}
	cat := forumRecord(t, app, "forum_categories", testapp.ForumCatGeneral)
	if cat.GetInt("thread_count") != 3 || cat.GetInt("post_count") != 5 || !cat.GetDateTime("last_activity").Equal(th.GetDateTime("last_activity")) {
		t.Fatalf("category figures: %d threads, %d posts, %s", cat.GetInt("thread_count"), cat.GetInt("post_count"), cat.GetString("last_activity"))
	}
	for _, k := range []string{"forum.thread_created", "forum.post_created"} {
		if n := forumCount(t, app, "activity", dbx.HashExp{"kind": k, "user": testapp.AcmeUserID}); n != 1 {
			t.Errorf("%d %s events", n, k)
		}
	}
	r = fabio.get("/forums/t/" + id)
	expectContains(t, r, "new thread as fabio", "Integração com SAP", "<em>SAP</em>", "Acme Brasil Ltda")

	// Bad input and refusals write nothing.
	n0 = threads()
	r = diego.post("/forums/c/"+testapp.ForumCatGeneral+"/new", forumForm("title", "", "body", "Sem título"))
	expectStatus(t, r, http.StatusBadRequest, "no title")
	expectContains(t, r, "no title", "Este campo é obrigatório.", "Sem título")
	r = diego.post("/forums/c/"+testapp.ForumCatGeneral+"/new", forumForm("title", strings.Repeat("t", 201), "body", "x"))
	expectStatus(t, r, http.StatusBadRequest, "long title")
	expectStatus(t, diego.post("/forums/c/"+testapp.ForumCatNews+"/new", forumForm("title", "Oi", "body", "Oi")), http.StatusForbidden, "news")
	expectStatus(t, fabio.post("/forums/c/"+testapp.ForumCatGold+"/new", forumForm("title", "Hi", "body", "Hi")), http.StatusNotFound, "gold")
	if n := threads(); n != n0 {
		t.Fatalf("refused threads wrote %d", n-n0)
	}
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	forumLocation(t, admin.post("/forums/c/"+testapp.ForumCatNews+"/new", forumForm("title", "Release 5.3", "body", "Out today.")), "/forums/t/")
}

func TestForumEditPost(t *testing.T) {
	app, srv := newForumServer(t)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	elena := signedIn(t, app, srv, testapp.GlobexAdminEmail)

	r := diego.get("/forums/p/" + testapp.ForumPostGeneral1 + "/edit")
	expectStatus(t, r, http.StatusOK, "own edit form")
	expectContains(t, r, "edit form", "How do **renewals** work")
	forumLocation(t, diego.post("/forums/p/"+testapp.ForumPostGeneral1+"/edit", forumForm("body", "How do *renewals* work? (edited)")),
		"/forums/p/"+testapp.ForumPostGeneral1)
	p := forumRecord(t, app, "forum_posts", testapp.ForumPostGeneral1)
	if p.GetDateTime("edited").IsZero() || !strings.Contains(p.GetString("body_html"), "<em>renewals</em>") {
		t.Fatalf("edited post: %v", p.PublicExport())
	}
	expectContains(t, fabio.get("/forums/t/"+testapp.ForumThreadGeneral), "edited marker", ">edited<")

	// Someone else's post: 403 and untouched; an invisible one: 404; a
	// post in a locked thread: 403; an empty body: 400.
	before := forumRecord(t, app, "forum_posts", testapp.ForumPostGeneral1).GetString("body")
	expectStatus(t, fabio.get("/forums/p/"+testapp.ForumPostGeneral1+"/edit"), http.StatusForbidden, "other's form")
	expectStatus(t, fabio.post("/forums/p/"+testapp.ForumPostGeneral1+"/edit", forumForm("body", "hijacked")), http.StatusForbidden, "other's post")
	if got := forumRecord(t, app, "forum_posts", testapp.ForumPostGeneral1).GetString("body"); got != before {
		t.Fatalf("someone else's post changed: %q", got)
	}
	expectStatus(t, fabio.post("/forums/p/"+testapp.ForumPostGold1+"/edit", forumForm("body", "x")), http.StatusNotFound, "invisible post")
	expectStatus(t, elena.post("/forums/p/"+testapp.ForumPostLocked1+"/edit", forumForm("body", "x")), http.StatusForbidden, "locked thread")
	r = diego.post("/forums/p/"+testapp.ForumPostGeneral1+"/edit", forumForm("body", ""))
	expectStatus(t, r, http.StatusBadRequest, "empty edit")
}

func TestForumModeration(t *testing.T) {
	app, srv := newForumServer(t)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)

	// Partners do not moderate.
	expectStatus(t, diego.post("/forums/t/"+testapp.ForumThreadGeneral+"/moderate", forumForm("action", "pin")), http.StatusForbidden, "partner pins")
	expectStatus(t, diego.post("/forums/p/"+testapp.ForumPostGeneral2+"/remove", nil), http.StatusForbidden, "partner removes")
	expectStatus(t, diego.get("/forums/reports"), http.StatusForbidden, "partner queue")

	for _, a := range []string{"pin", "lock"} {
		forumLocation(t, ana.post("/forums/t/"+testapp.ForumThreadGeneral+"/moderate", forumForm("action", a)), "/forums/t/")
	}
	th := forumRecord(t, app, "forum_threads", testapp.ForumThreadGeneral)
	if !th.GetBool("pinned") || !th.GetBool("locked") || th.GetInt("post_count") != 3 {
		t.Fatalf("moderated thread: %v", th.PublicExport())
	}
	expectStatus(t, ana.post("/forums/t/"+testapp.ForumThreadGeneral+"/moderate", forumForm("action", "explode")), http.StatusBadRequest, "bad action")
	forumLocation(t, ana.post("/forums/t/"+testapp.ForumThreadGeneral+"/moderate", forumForm("action", "unlock")), "/forums/t/")

	// Soft delete: readers see the marker and not the text, which leaves
	// the readable fields; the post's open report is resolved.
	forumLocation(t, ana.post("/forums/p/"+testapp.ForumPostGeneral2+"/remove", forumForm("next", "/forums/reports")), "/forums/reports")
	p := forumRecord(t, app, "forum_posts", testapp.ForumPostGeneral2)
	if !p.GetBool("deleted") || p.GetString("body") != "" || p.GetString("body_html") != "" ||
		p.GetString("removed_body") != "We ask for a new quote each year." || p.GetString("deleted_by") != testapp.ManagerAnaID {
		t.Fatalf("removed post: %v / %q", p.PublicExport(), p.GetString("removed_body"))
	}
	rep := forumRecord(t, app, "forum_reports", testapp.ForumReportDiego)
	if !rep.GetBool("resolved") || rep.GetString("resolved_by") != testapp.ManagerAnaID {
		t.Fatalf("report of the removed post: %v", rep.PublicExport())
	}
	r := fabio.get("/forums/t/" + testapp.ForumThreadGeneral)
	expectContains(t, r, "removed", "Removed by a moderator.")
	expectNotContains(t, r, "removed", "We ask for a new quote each year.", "/forums/p/"+testapp.ForumPostGeneral2+"/edit")
	// The author cannot edit it back.
	expectStatus(t, fabio.post("/forums/p/"+testapp.ForumPostGeneral2+"/edit", forumForm("body", "back")), http.StatusForbidden, "edit removed")
	forumLocation(t, ana.post("/forums/p/"+testapp.ForumPostGeneral2+"/restore", nil), "/forums/p/")
	p = forumRecord(t, app, "forum_posts", testapp.ForumPostGeneral2)
	if p.GetBool("deleted") || p.GetString("body") != "We ask for a new quote each year." || p.GetString("removed_body") != "" ||
		!strings.Contains(p.GetString("body_html"), "new quote") || !p.GetDateTime("edited").IsZero() {
		t.Fatalf("restored post: %v", p.PublicExport())
	}

	// Solved: the author or a moderator.
	expectStatus(t, fabio.post("/forums/t/"+testapp.ForumThreadGeneral+"/solved", forumForm("solved", "1")), http.StatusForbidden, "fabio solves")
	forumLocation(t, diego.post("/forums/t/"+testapp.ForumThreadGeneral+"/solved", forumForm("solved", "1")), "/forums/t/")
	if !forumRecord(t, app, "forum_threads", testapp.ForumThreadGeneral).GetBool("solved") {
		t.Fatal("not solved")
	}
	expectContains(t, fabio.get("/forums/c/"+testapp.ForumCatGeneral), "solved badge", "Solved", "Pinned")
}

func TestForumReports(t *testing.T) {
	app, srv := newForumServer(t)
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	admin := signedIn(t, app, srv, testapp.AdminEmail)

	r := fabio.get("/forums/p/" + testapp.ForumPostGeneral3 + "/report")
	expectStatus(t, r, http.StatusOK, "report form")
	expectContains(t, r, "report form", "See the price list", `name="reason"`)
	expectStatus(t, fabio.post("/forums/p/"+testapp.ForumPostGeneral3+"/report", forumForm("reason", " ")), http.StatusBadRequest, "no reason")
	forumLocation(t, fabio.post("/forums/p/"+testapp.ForumPostGeneral3+"/report", forumForm("reason", "Outdated link")), "/forums/p/"+testapp.ForumPostGeneral3)
	if n := forumCount(t, app, "forum_reports", dbx.HashExp{"post": testapp.ForumPostGeneral3, "reporter": testapp.GlobexUserID, "resolved": false}); n != 1 {
		t.Fatalf("%d reports", n)
	}
	if n := forumCount(t, app, "activity", dbx.HashExp{"kind": "forum.post_reported", "user": testapp.GlobexUserID}); n != 1 {
		t.Fatalf("%d post_reported events", n)
	}
	r = fabio.post("/forums/p/"+testapp.ForumPostGeneral3+"/report", forumForm("reason", "Again"))
	expectStatus(t, r, http.StatusConflict, "second report")
	expectContains(t, r, "second report", "already reported")
	expectStatus(t, fabio.get("/forums/p/"+testapp.ForumPostGold1+"/report"), http.StatusNotFound, "invisible post")

	r = admin.get("/forums/reports")
	expectStatus(t, r, http.StatusOK, "queue")
	expectContains(t, r, "queue", "Off topic", "Wrong answer", "Outdated link", "Fabio Torres", "Renewal pricing question")
	forumLocation(t, ana.post("/forums/reports/"+testapp.ForumReportFabio+"/resolve", nil), "/forums/reports")
	rep := forumRecord(t, app, "forum_reports", testapp.ForumReportFabio)
	if !rep.GetBool("resolved") || rep.GetString("resolved_by") != testapp.ManagerAnaID {
		t.Fatalf("resolved report: %v", rep.PublicExport())
	}
	r = admin.get("/forums/reports")
	expectNotContains(t, r, "open queue", "Off topic")
	expectContains(t, admin.get("/forums/reports?status=resolved"), "resolved queue", "Off topic", "resolved by Ana Souza")
	expectStatus(t, admin.get("/forums/reports?status=nope"), http.StatusBadRequest, "bad status")
}

func TestForumFollow(t *testing.T) {
	app, srv := newForumServer(t)
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	elena := signedIn(t, app, srv, testapp.GlobexAdminEmail)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	told := func(user string) int {
		return forumCount(t, app, "notifications", dbx.HashExp{"user": user, "kind": "forum.reply"})
	}
	forumLocation(t, fabio.post("/forums/t/"+testapp.ForumThreadGeneral+"/follow", forumForm("action", "unfollow")), "/forums/t/")
	forumLocation(t, elena.post("/forums/t/"+testapp.ForumThreadGeneral+"/follow", forumForm("action", "follow")), "/forums/t/")
	forumLocation(t, elena.post("/forums/t/"+testapp.ForumThreadGeneral+"/follow", forumForm("action", "follow")), "/forums/t/")
	if n := forumCount(t, app, "forum_follows", dbx.HashExp{"thread": testapp.ForumThreadGeneral, "user": testapp.GlobexAdminID}); n != 1 {
		t.Fatalf("elena follows %d times", n)
	}
	forumLocation(t, diego.post("/forums/t/"+testapp.ForumThreadGeneral+"/reply", forumForm("body", "Obrigado a todos")), "/forums/t/")
	if told(testapp.GlobexUserID) != 0 || told(testapp.GlobexAdminID) != 1 {
		t.Fatalf("fabio told %d, elena told %d", told(testapp.GlobexUserID), told(testapp.GlobexAdminID))
	}
	expectContains(t, elena.get("/forums/t/"+testapp.ForumThreadGeneral), "following", `value="unfollow"`)
	// A thread the user cannot see cannot be followed.
	expectStatus(t, fabio.post("/forums/t/"+testapp.ForumThreadGold+"/follow", forumForm("action", "follow")), http.StatusNotFound, "gold")
	expectStatus(t, fabio.post("/forums/t/"+testapp.ForumThreadGeneral+"/follow", forumForm("action", "?")), http.StatusBadRequest, "bad action")
}

func TestForumCategoryAdmin(t *testing.T) {
	app, srv := newForumServer(t)
	admin := signedIn(t, app, srv, testapp.AdminEmail)
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)

	expectStatus(t, ana.get("/forums/categories/new"), http.StatusForbidden, "manager")
	expectStatus(t, diego.get("/forums/categories/new"), http.StatusForbidden, "partner")
	expectStatus(t, ana.post("/forums/c/"+testapp.ForumCatGeneral+"/edit", forumForm("name", "Hacked", "audience", "all")), http.StatusForbidden, "manager edit")

	r := admin.get("/forums/categories/new")
	expectStatus(t, r, http.StatusOK, "form")
	expectContains(t, r, "form", "Silver", "Globex México")
	cats := forumCount(t, app, "forum_categories", nil)
	r = admin.post("/forums/categories/new", forumForm("name", "", "audience", "tiers"))
	expectStatus(t, r, http.StatusBadRequest, "empty")
	expectContains(t, r, "empty", "This field is required.", "Choose at least one.")
	expectStatus(t, admin.post("/forums/categories/new", forumForm("name", "X", "audience", "tiers", "audience_tiers", "nope00000000000")), http.StatusBadRequest, "unknown tier")
	if n := forumCount(t, app, "forum_categories", nil); n != cats {
		t.Fatal("a refused category was written")
	}
	r = admin.post("/forums/categories/new", forumForm("name", "Silver corner", "description", "For Silver partners", "order", "7",
		"audience", "tiers", "audience_tiers", testapp.TierSilver, "audience_regions", "europe"))
	forumLocation(t, r, "/forums/c/")
	id := strings.TrimPrefix(r.Header.Get("Location"), "/forums/c/")
	c := forumRecord(t, app, "forum_categories", id)
	if c.GetInt("order") != 7 || len(c.GetStringSlice("audience_regions")) != 0 || c.GetInt("thread_count") != 0 {
		t.Fatalf("category: %v", c.PublicExport())
	}
	expectContains(t, fabio.get("/forums"), "silver sees", "Silver corner")
	expectNotContains(t, diego.get("/forums"), "gold does not", "Silver corner")
	expectStatus(t, diego.get("/forums/c/"+id), http.StatusNotFound, "gold on silver corner")

	// Editing keeps the figures.
	forumLocation(t, admin.post("/forums/c/"+testapp.ForumCatGeneral+"/edit", forumForm("name", "General talk", "audience", "all", "staff_only_posting", "1")), "/forums/c/")
	g := forumRecord(t, app, "forum_categories", testapp.ForumCatGeneral)
	if g.GetString("name") != "General talk" || !g.GetBool("staff_only_posting") || g.GetInt("thread_count") != 2 || g.GetInt("post_count") != 4 {
		t.Fatalf("edited category: %v", g.PublicExport())
	}
	expectStatus(t, fabio.post("/forums/t/"+testapp.ForumThreadGeneral+"/reply", forumForm("body", "hi")), http.StatusForbidden, "now staff-only")
}

// TestForumOddRequests sends malformed ids, pages, actions and bodies to
// every forum route: the answer is never a 5xx and never shows an error's
// text.
func TestForumOddRequests(t *testing.T) {
	app, srv := newForumServer(t)
	users := map[string]*browser{
		"diego": signedIn(t, app, srv, testapp.AcmeUserEmail),
		"fabio": signedIn(t, app, srv, testapp.GlobexUserEmail),
		"ana":   signedIn(t, app, srv, testapp.ManagerAnaEmail),
		"admin": signedIn(t, app, srv, testapp.AdminEmail),
	}
	ids := []string{"", "x", "%2e%2e", strings.Repeat("a", 15), testapp.ForumThreadGold, testapp.ForumPostEurope1, testapp.ForumCatEurope, "'%20OR%201=1"}
	paths := []string{"/forums/c/%s", "/forums/c/%s/new", "/forums/c/%s/edit", "/forums/t/%s", "/forums/t/%s/reply", "/forums/t/%s/follow",
		"/forums/t/%s/solved", "/forums/t/%s/moderate", "/forums/p/%s", "/forums/p/%s/edit", "/forums/p/%s/report", "/forums/p/%s/remove",
		"/forums/p/%s/restore", "/forums/reports/%s/resolve"}
	forms := []url.Values{
		forumForm("body", "\x00\xff", "title", strings.Repeat("é", 300), "action", "lock", "solved", "maybe", "reason", "\xfe"),
		forumForm("name", "x", "audience", "partners", "audience_partners", "nope", "order", "1e9", "next", "//evil.example"),
		forumForm("action", "follow", "next", "/forums/../api"),
	}
	bad := regexp.MustCompile(`(?i)sql|panic|runtime error|goroutine|no such`)
	for name, b := range users {
		for _, p := range paths {
			for _, id := range ids {
				path := fmt.Sprintf(p, id)
				for _, r := range []response{b.get(path + "?page=-1"), b.get(path + "?page=99999999999"), b.post(path, forms[len(path)%len(forms)])} {
					if r.Status >= 500 {
						t.Errorf("%s %s: %d\n%s", name, path, r.Status, snippet(r.Body))
					}
					if m := bad.FindString(snippet(r.Body)); m != "" && r.Status >= 400 {
						t.Errorf("%s %s: error text %q on the page", name, path, m)
					}
					if loc := r.Header.Get("Location"); strings.Contains(loc, "evil") || strings.Contains(loc, "/api") {
						t.Errorf("%s %s: redirected to %q", name, path, loc)
					}
				}
			}
		}
		for _, q := range []string{"/forums?page=x", "/forums/reports?status=%00", "/forums/reports?page=0", "/forums/categories/new?x=1"} {
			if r := b.get(q); r.Status >= 500 {
				t.Errorf("%s %s: %d", name, q, r.Status)
			}
		}
	}
}
