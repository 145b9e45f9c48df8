package hooks_test

// The forum hooks on the fixture forums (testapp.SeedForums): authors'
// labels, the thread and category figures (incremental equals rebuilt),
// follows and mentions turned into notifications for those who may see the
// category, soft delete and restore, the flood limit through the REST API,
// and renames carried onto what people wrote.

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
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

func newForumApp(t *testing.T) *tests.TestApp {
	t.Helper()
	app := testapp.New(t)
	testapp.SeedForums(t, app)
	return app
}

// forumNew saves a new record of coll with fields, written ago earlier when
// ago > 0.
func forumNew(t *testing.T, app core.App, coll string, ago time.Duration, fields map[string]any) (*core.Record, error) {
	t.Helper()
	c, err := app.FindCollectionByNameOrId(coll)
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	for k, v := range fields {
		r.Set(k, v)
	}
	if ago > 0 {
		dt, _ := types.ParseDateTime(time.Now().UTC().Add(-ago))
		r.SetRaw("created", dt)
	}
	return r, app.Save(r)
}

func mustForumNew(t *testing.T, app core.App, coll string, ago time.Duration, fields map[string]any) *core.Record {
	t.Helper()
	r, err := forumNew(t, app, coll, ago, fields)
	if err != nil {
		t.Fatalf("saving %s: %v", coll, err)
	}
	return r
}

// forumNotified lists who got a notification of kind (sorted user ids).
func forumNotified(t *testing.T, app core.App, kind string) []string {
	t.Helper()
	var ids []string
	if err := app.DB().Select("user").From("notifications").Where(dbx.HashExp{"kind": kind}).OrderBy("user").Column(&ids); err != nil {
		t.Fatal(err)
	}
	return ids
}

// forumFigures reads the stored figures of every thread and category.
func forumFigures(t *testing.T, app core.App) string {
	t.Helper()
	var rows []struct {
		ID   string `db:"id"`
		N    int    `db:"n"`
		M    int    `db:"m"`
		Last string `db:"last"`
	}
	err := app.DB().NewQuery(`SELECT id, post_count AS n, 0 AS m, last_activity AS last FROM forum_threads
		UNION ALL SELECT id, post_count AS n, thread_count AS m, last_activity AS last FROM forum_categories ORDER BY id`).All(&rows)
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(rows)
}

func TestForumMentionSyntax(t *testing.T) {
	for body, want := range map[string][]string{
		"Hi @diego.rocha, see @Fabio.Torres.":                {"diego.rocha", "fabio.torres"},
		"@joão.carvalho and @JOAO.CARVALHO":                  {"joao.carvalho"},
		"mail diego@acme.test or @ana.paula.cavalcanti":      {"ana.paula.cavalcanti"},
		"single @diego is not a mention; `@code.span` isn't": nil,
		"```\n@in.fence\n```\n(@maria.fernanda.lopez)":       {"maria.fernanda.lopez"},
		"path/@not.this and x@y.z":                           nil,
	} {
		if got := hooks.Mentions(body); !slices.Equal(got, want) {
			t.Errorf("Mentions(%q) = %v, want %v", body, got, want)
		}
	}
	for name, want := range map[string]string{
		"Diego Rocha": "diego.rocha", "Kevin O'Connor": "kevin.oconnor", "María Fernanda López": "maria.fernanda.lopez",
		"Madonna": "", "  João   Carvalho ": "joao.carvalho",
	} {
		if got := hooks.Handle(name); got != want {
			t.Errorf("Handle(%q) = %q, want %q", name, got, want)
		}
	}
	var many []string
	for i := range 15 {
		many = append(many, fmt.Sprintf("@user.n%d", i))
	}
	if got := hooks.Mentions(strings.Join(many, " ")); len(got) != 10 {
		t.Errorf("%d mentions kept, want at most 10", len(got))
	}
}

func TestForumLabelsAndFigures(t *testing.T) {
	app := newForumApp(t)
	p, err := app.FindRecordById("forum_posts", testapp.ForumPostGeneral3)
	if err != nil {
		t.Fatal(err)
	}
	if p.GetString("author_name") != "Ana Souza" || !p.GetBool("by_staff") || p.GetString("organisation") != "" || p.GetString("partner") != "" {
		t.Fatalf("staff post labels: %v", p.PublicExport())
	}
	cat, _ := app.FindRecordById("forum_categories", testapp.ForumCatGeneral)
	if cat.GetInt("thread_count") != 2 || cat.GetInt("post_count") != 4 {
		t.Fatalf("general: %d threads, %d posts", cat.GetInt("thread_count"), cat.GetInt("post_count"))
	}

	// A writer cannot claim another's labels or figures: the hooks stamp
	// them whatever is set.
	post := mustForumNew(t, app, "forum_posts", 0, map[string]any{"thread": testapp.ForumThreadGeneral, "author": testapp.GlobexUserID,
		"body": "Hello", "partner": testapp.PartnerAcme, "author_name": "Somebody", "by_staff": true, "deleted": true})
	if post.GetString("partner") != testapp.PartnerGlobex || post.GetString("author_name") != "Fabio Torres" || post.GetBool("by_staff") || post.GetBool("deleted") {
		t.Fatalf("stamped post: %v", post.PublicExport())
	}
	th, _ := app.FindRecordById("forum_threads", testapp.ForumThreadGeneral)
	th.Set("post_count", 99)
	th.Set("author", testapp.GlobexUserID)
	th.Set("title", "  Renewal pricing  ")
	if err := app.Save(th); err != nil {
		t.Fatal(err)
	}
	th, _ = app.FindRecordById("forum_threads", testapp.ForumThreadGeneral)
	if th.GetInt("post_count") != 4 || th.GetString("author") != testapp.AcmeUserID || th.GetString("title") != "Renewal pricing" {
		t.Fatalf("thread after a save: %v", th.PublicExport())
	}

	// Incremental figures equal rebuilt ones, through moves and deletes.
	mustForumNew(t, app, "forum_posts", 0, map[string]any{"thread": testapp.ForumThreadLocked, "author": testapp.AdminID, "body": "Closing note"})
	th.Set("category", testapp.ForumCatEurope) // a moderator moves the thread
	if err := app.Save(th); err != nil {
		t.Fatal(err)
	}
	gold, _ := app.FindRecordById("forum_posts", testapp.ForumPostGold1)
	if err := app.Delete(gold); err != nil { // a superuser's delete
		t.Fatal(err)
	}
	news, _ := app.FindRecordById("forum_threads", testapp.ForumThreadNews)
	if err := app.Delete(news); err != nil { // cascades to its post, follows
		t.Fatal(err)
	}
	incremental := forumFigures(t, app)
	if err := hooks.RebuildForumCounts(app); err != nil {
		t.Fatal(err)
	}
	if rebuilt := forumFigures(t, app); rebuilt != incremental {
		t.Fatalf("incremental figures differ from rebuilt ones:\n%s\n%s", incremental, rebuilt)
	}
	eu, _ := app.FindRecordById("forum_categories", testapp.ForumCatEurope)
	if eu.GetInt("thread_count") != 2 || eu.GetInt("post_count") != 5 {
		t.Fatalf("europe after the move: %d threads, %d posts", eu.GetInt("thread_count"), eu.GetInt("post_count"))
	}
	if n, _ := app.CountRecords("forum_follows", dbx.HashExp{"thread": testapp.ForumThreadNews}); n != 0 {
		t.Fatalf("%d follows of a deleted thread", n)
	}
}

func TestForumReplyAndMentionNotifications(t *testing.T) {
	app := newForumApp(t)
	// Diego (author) and Fabio follow General; Carla follows too.
	mustForumNew(t, app, "forum_follows", 0, map[string]any{"thread": testapp.ForumThreadGeneral, "user": testapp.AcmeAdminID})

	// Elena replies and mentions Carla (a follower), Bruno (staff), Diego
	// by first and last name, and nobody by a wrong handle.
	mustForumNew(t, app, "forum_posts", 0, map[string]any{"thread": testapp.ForumThreadGeneral, "author": testapp.GlobexAdminID,
		"body": "Agree with @carla.mendes; @bruno.lima can you confirm? cc @Diego.Rocha @nobody.here `@fabio.torres`"})
	if got, want := forumNotified(t, app, "forum.mention"), []string{testapp.AcmeAdminID, testapp.AcmeUserID, testapp.ManagerBrunoID}; !slices.Equal(got, want) {
		t.Fatalf("mentioned: %v, want %v", got, want)
	}
	// Followers told of the reply: Fabio only (Diego and Carla were told of
	// the mention instead, Elena wrote it).
	if got, want := forumNotified(t, app, "forum.reply"), []string{testapp.GlobexUserID}; !slices.Equal(got, want) {
		t.Fatalf("told of the reply: %v, want %v", got, want)
	}
	var title, link string
	if err := app.DB().Select("title", "link").From("notifications").Where(dbx.HashExp{"user": testapp.AcmeUserID}).Row(&title, &link); err != nil {
		t.Fatal(err)
	}
	if title != "Elena Ruiz mencionou você em “Renewal pricing question”" || !strings.HasPrefix(link, "/forums/p/") {
		t.Fatalf("diego's notification: %q %q", title, link)
	}

	// In the Gold lounge, a mention of Globex people tells nobody: they
	// cannot see the category. Staff can.
	if _, err := app.DB().Delete("notifications", nil).Execute(); err != nil {
		t.Fatal(err)
	}
	mustForumNew(t, app, "forum_posts", 0, map[string]any{"thread": testapp.ForumThreadGold, "author": testapp.AcmeAdminID,
		"body": "@fabio.torres @elena.ruiz @ana.souza @diego.rocha"})
	if got, want := forumNotified(t, app, "forum.mention"), []string{testapp.AcmeUserID, testapp.ManagerAnaID}; !slices.Equal(got, want) {
		t.Fatalf("gold mentions: %v, want %v", got, want)
	}

	// A follower who can no longer see the category is not told: Globex
	// follows a Gold thread (as it may have before a tier change).
	if _, err := app.DB().Delete("notifications", nil).Execute(); err != nil {
		t.Fatal(err)
	}
	if _, err := app.DB().Insert("forum_follows", dbx.Params{"id": "followfabiogold", "thread": testapp.ForumThreadGold,
		"user": testapp.GlobexUserID, "created": types.NowDateTime().String()}).Execute(); err != nil {
		t.Fatal(err)
	}
	mustForumNew(t, app, "forum_posts", 0, map[string]any{"thread": testapp.ForumThreadGold, "author": testapp.AcmeUserID, "body": "Me too"})
	if got, want := forumNotified(t, app, "forum.reply"), []string{testapp.AcmeAdminID}; !slices.Equal(got, want) {
		t.Fatalf("gold reply told %v, want %v", got, want)
	}

	// An edit tells only the people it newly mentions.
	if _, err := app.DB().Delete("notifications", nil).Execute(); err != nil {
		t.Fatal(err)
	}
	p, _ := app.FindRecordById("forum_posts", testapp.ForumPostGeneral2)
	p.Set("body", p.GetString("body")+" Thanks @diego.rocha")
	if err := app.Save(p); err != nil {
		t.Fatal(err)
	}
	p.Set("body", p.GetString("body")+" and @diego.rocha again, @elena.ruiz")
	if err := app.Save(p); err != nil {
		t.Fatal(err)
	}
	if got, want := forumNotified(t, app, "forum.mention"), []string{testapp.AcmeUserID, testapp.GlobexAdminID}; !slices.Equal(got, want) {
		t.Fatalf("edit mentions: %v, want %v", got, want)
	}
	if p.GetDateTime("edited").IsZero() {
		t.Fatal("edit not marked")
	}
}

func TestForumSoftDeleteKeepsTextFromAPIReaders(t *testing.T) {
	app := newForumApp(t)
	p, _ := app.FindRecordById("forum_posts", testapp.ForumPostGeneral2)
	p.Set("deleted", true)
	if err := app.Save(p); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(testapp.Serve(t, app))
	defer srv.Close()
	for _, email := range []string{testapp.AcmeUserEmail, testapp.GlobexUserEmail, testapp.AdminEmail} {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+"/api/collections/forum_posts/records/"+testapp.ForumPostGeneral2, nil)
		req.Header.Set("Authorization", testapp.Token(t, app, email))
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var body map[string]any
		_ = json.NewDecoder(res.Body).Decode(&body)
		res.Body.Close()
		if res.StatusCode != http.StatusOK || body["deleted"] != true || body["body"] != "" || body["body_html"] != "" {
			t.Fatalf("%s: %d %v", email, res.StatusCode, body)
		}
		if _, ok := body["removed_body"]; ok {
			t.Fatalf("%s reads removed_body", email)
		}
		raw, _ := json.Marshal(body)
		if strings.Contains(string(raw), "new quote") {
			t.Fatalf("%s reads the removed text: %s", email, raw)
		}
	}
	// Restoring brings it back; an edit of a removed post by anyone keeps
	// it empty.
	p.Set("body", "sneaked back")
	if err := app.Save(p); err != nil {
		t.Fatal(err)
	}
	p, _ = app.FindRecordById("forum_posts", testapp.ForumPostGeneral2)
	if p.GetString("body") != "" || p.GetString("removed_body") != "We ask for a new quote each year." {
		t.Fatalf("a removed post was rewritten: %q / %q", p.GetString("body"), p.GetString("removed_body"))
	}
	p.Set("deleted", false)
	if err := app.Save(p); err != nil {
		t.Fatal(err)
	}
	p, _ = app.FindRecordById("forum_posts", testapp.ForumPostGeneral2)
	if p.GetString("body") != "We ask for a new quote each year." || !strings.Contains(p.GetString("body_html"), "new quote") || p.GetString("removed_body") != "" {
		t.Fatalf("restored: %v", p.PublicExport())
	}
}

func TestForumFloodLimit(t *testing.T) {
	app := newForumApp(t)
	post := func(author string, ago time.Duration) error {
		_, err := forumNew(t, app, "forum_posts", ago, map[string]any{"thread": testapp.ForumThreadGeneral, "author": author, "body": "x"})
		return err
	}
	// 29 posts over the last hour, none in the last minute: one more fits.
	for i := range 29 {
		if err := post(testapp.GlobexUserID, time.Duration(2+i)*time.Minute); err != nil {
			t.Fatalf("post %d: %v", i, err)
		}
	}
	if err := post(testapp.GlobexUserID, 0); err != nil {
		t.Fatalf("30th post of the hour: %v", err)
	}
	err := post(testapp.GlobexUserID, 0)
	if err == nil || !strings.Contains(err.Error(), "posting too fast") {
		t.Fatalf("31st post of the hour: %v", err)
	}
	// The minute limit, for another author, and older posts do not count.
	for i := range 5 {
		if err := post(testapp.AcmeUserID, time.Duration(i)*time.Second); err != nil {
			t.Fatal(err)
		}
	}
	if err := post(testapp.AcmeUserID, 0); err == nil {
		t.Fatal("a sixth post in a minute was accepted")
	}
	if err := post(testapp.AcmeAdminID, 0); err != nil {
		t.Fatalf("another author is held back: %v", err)
	}
	// Threads have their own limit.
	for i := range 3 {
		if _, err := forumNew(t, app, "forum_threads", 0, map[string]any{"category": testapp.ForumCatGeneral, "title": fmt.Sprint("T", i), "author": testapp.GlobexAdminID}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := forumNew(t, app, "forum_threads", 0, map[string]any{"category": testapp.ForumCatGeneral, "title": "T4", "author": testapp.GlobexAdminID}); err == nil {
		t.Fatal("a fourth thread in a minute was accepted")
	}
	_ = hooks.ForumPostLimits
}

func TestForumRenamesFollowAuthors(t *testing.T) {
	app := newForumApp(t)
	u, _ := app.FindRecordById("users", testapp.GlobexUserID)
	u.Set("name", "Fábio Torres")
	if err := app.Save(u); err != nil {
		t.Fatal(err)
	}
	p, _ := app.FindRecordById("partners", testapp.PartnerAcme)
	p.Set("name", "Acme Brasil S.A.")
	if err := app.Save(p); err != nil {
		t.Fatal(err)
	}
	fp, _ := app.FindRecordById("forum_posts", testapp.ForumPostGeneral2)
	th, _ := app.FindRecordById("forum_threads", testapp.ForumThreadGeneral)
	if fp.GetString("author_name") != "Fábio Torres" || th.GetString("organisation") != "Acme Brasil S.A." {
		t.Fatalf("labels after renames: %q, %q", fp.GetString("author_name"), th.GetString("organisation"))
	}
}

func TestForumReportsHooks(t *testing.T) {
	app := newForumApp(t)
	if _, err := forumNew(t, app, "forum_reports", 0, map[string]any{"post": testapp.ForumPostGeneral3, "reporter": testapp.AcmeUserID, "reason": "  "}); err == nil {
		t.Fatal("a report without a reason was accepted")
	}
	if _, err := forumNew(t, app, "forum_reports", 0, map[string]any{"post": testapp.ForumPostGeneral1, "reporter": testapp.GlobexUserID, "reason": "Twice"}); err == nil {
		t.Fatal("a second report of the same post by the same person was accepted")
	}
	r := mustForumNew(t, app, "forum_reports", 0, map[string]any{"post": testapp.ForumPostGeneral3, "reporter": testapp.AcmeUserID,
		"reason": "Spam", "resolved": true, "resolved_by": testapp.AdminID})
	if r.GetBool("resolved") || r.GetString("resolved_by") != "" {
		t.Fatalf("a new report came resolved: %v", r.PublicExport())
	}
	var n int
	if err := app.DB().Select("COUNT(*)").From("activity").Where(dbx.HashExp{"kind": "forum.post_reported", "target_id": testapp.ForumPostGeneral3}).Row(&n); err != nil || n != 1 {
		t.Fatalf("%d post_reported events (%v)", n, err)
	}
}
