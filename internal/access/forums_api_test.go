package access_test

// The forums' access matrix through the REST API: every role × list, view,
// create, update and delete on forum_categories, forum_threads,
// forum_posts, forum_follows and forum_reports, on a fresh clone of the
// fixture with testapp.SeedForums applied. Partners of both organisations
// meet in General; the Gold lounge is invisible to Globex; only staff post
// in Vendor news; only staff see Europe. Each scenario proves both sides:
// the ids it must return and those it must not; refused writes leave the
// record as it was.

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/testapp"
)

func forumFactory(t testing.TB) *tests.TestApp {
	t.Helper()
	app := testapp.Factory(t)
	testapp.SeedForums(t, app)
	return app
}

// runForums runs scenarios on forumFactory.
func runForums(t *testing.T, scenarios []tests.ApiScenario) {
	t.Helper()
	seen := map[string]bool{}
	for _, s := range scenarios {
		if seen[s.Name] {
			t.Fatalf("duplicate scenario name %q", s.Name)
		}
		seen[s.Name] = true
	}
	for _, s := range scenarios {
		s.TestAppFactory = cachedForumFactory
		s.Test(t)
	}
}

var (
	forumCats    = []string{testapp.ForumCatGeneral, testapp.ForumCatGold, testapp.ForumCatNews, testapp.ForumCatEurope}
	forumThreads = []string{testapp.ForumThreadGeneral, testapp.ForumThreadGold, testapp.ForumThreadNews,
		testapp.ForumThreadLocked, testapp.ForumThreadEurope}
	forumPosts = []string{testapp.ForumPostGeneral1, testapp.ForumPostGeneral2, testapp.ForumPostGeneral3,
		testapp.ForumPostGold1, testapp.ForumPostNews1, testapp.ForumPostLocked1, testapp.ForumPostEurope1}
	forumFollows = []string{testapp.ForumFollowDiegoGeneral, testapp.ForumFollowCarlaGold, testapp.ForumFollowAdminNews,
		testapp.ForumFollowElenaLocked, testapp.ForumFollowAdminEurope, testapp.ForumFollowFabioGeneral}
	forumReports = []string{testapp.ForumReportFabio, testapp.ForumReportDiego}
)

// forumSees is which categories each role sees: staff all; Acme (Gold,
// latam) General, Gold and News; Globex (Silver, latam) General and News.
func forumSees(a actor) []string {
	switch {
	case a == guest:
		return nil
	case isStaff(a):
		return forumCats
	case a == acmeAdmin || a == acmeUser:
		return []string{testapp.ForumCatGeneral, testapp.ForumCatGold, testapp.ForumCatNews}
	default:
		return []string{testapp.ForumCatGeneral, testapp.ForumCatNews}
	}
}

func forumIsAcme(a actor) bool { return a == acmeAdmin || a == acmeUser }

// forumThreadCat and forumPostThread place the fixture records.
var (
	forumThreadCat  = map[string]string{}
	forumPostThread = map[string]string{}
)

func init() {
	for _, th := range testapp.FixtureForumThreads {
		forumThreadCat[th.ID] = th.Category
		for _, p := range th.Posts {
			forumPostThread[p.ID] = th.ID
		}
	}
}

func forumVisibleThreads(a actor) []string {
	var out []string
	for _, id := range forumThreads {
		if forumHas(forumSees(a), forumThreadCat[id]) {
			out = append(out, id)
		}
	}
	return out
}

func forumVisiblePosts(a actor) []string {
	var out []string
	for _, id := range forumPosts {
		if forumHas(forumSees(a), forumThreadCat[forumPostThread[id]]) {
			out = append(out, id)
		}
	}
	return out
}

func forumHas(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

// forumRecent seeds n posts by user in General within the last minute.
func forumRecent(user string, n int) setupFunc {
	return func(t testing.TB, app *tests.TestApp) {
		t.Helper()
		c, err := app.FindCollectionByNameOrId("forum_posts")
		if err != nil {
			t.Fatal(err)
		}
		for i := range n {
			r := core.NewRecord(c)
			r.Set("thread", testapp.ForumThreadGeneral)
			r.Set("author", user)
			r.Set("body", "recent")
			dt, _ := types.ParseDateTime(time.Now().UTC().Add(-time.Duration(10+i) * time.Second))
			r.SetRaw("created", dt)
			if err := app.Save(r); err != nil {
				t.Fatalf("seeding recent posts: %v", err)
			}
		}
	}
}

// ---------------------------------------------------------------------------
// forum_categories

func TestForumsAPICategories(t *testing.T) {
	var s []tests.ApiScenario
	for _, a := range actors {
		vis := forumSees(a)
		s = append(s, listS(a, "forum_categories", forumCats, vis, nil))
		for _, id := range forumCats {
			s = append(s, viewS(a, "forum_categories", id, id, forumHas(vis, id), nil))
		}
		st, want := http.StatusBadRequest, 0
		if a == admin {
			st, want = http.StatusOK, 1
		}
		s = append(s, createS(a, "forum_categories", "a category", map[string]any{"name": "Partners only", "audience": "all"}, st,
			countWith("forum_categories", "name", "Partners only", want)))
		// Nobody sets the figures the hooks keep.
		s = append(s, createS(a, "forum_categories", "a category with figures", map[string]any{"name": "Busy", "audience": "all", "thread_count": 9},
			http.StatusBadRequest, countWith("forum_categories", "name", "Busy", 0)))
		s = append(s, updateDocS(a, "forum_categories", testapp.ForumCatGeneral, "general",
			map[string]any{"name": "General talk"}, a == admin, http.StatusNotFound))
		s = append(s, updateDocS(a, "forum_categories", testapp.ForumCatGeneral, "general's figures",
			map[string]any{"post_count": 0}, false, http.StatusNotFound))
		s = append(s, deleteS(a, "forum_categories", testapp.ForumCatEurope, "europe", a == admin, http.StatusNotFound,
			countWith("forum_categories", "id", testapp.ForumCatEurope, 1)))
	}
	runForums(t, s)
}

// ---------------------------------------------------------------------------
// forum_threads

func TestForumsAPIThreads(t *testing.T) {
	var s []tests.ApiScenario
	for _, a := range actors {
		vis := forumVisibleThreads(a)
		s = append(s, listS(a, "forum_threads", forumThreads, vis,
			// Invisible threads leak neither their titles nor their authors.
			func() []string {
				var out []string
				if !forumHas(vis, testapp.ForumThreadGold) {
					out = append(out, "Gold co-marketing funds")
				}
				return out
			}()))
		for _, id := range forumThreads {
			s = append(s, viewS(a, "forum_threads", id, id, forumHas(vis, id), nil))
		}
		// Starting threads: where the category is theirs and open to them.
		for _, c := range []struct {
			cat   string
			label string
			ok    bool
		}{
			{testapp.ForumCatGeneral, "a thread in general", a != guest},
			{testapp.ForumCatGold, "a thread in gold", isStaff(a) || forumIsAcme(a)},
			{testapp.ForumCatNews, "a thread in news", isStaff(a)},
			{testapp.ForumCatEurope, "a thread in europe", isStaff(a)},
		} {
			st, want := http.StatusBadRequest, 0
			if c.ok {
				st, want = http.StatusOK, 1
			}
			title := "New " + c.label
			s = append(s, createS(a, "forum_threads", c.label, map[string]any{"category": c.cat, "title": title, "author": a.id}, st,
				countWith("forum_threads", "title", title, want)))
		}
		// Nobody creates pinned, counted or someone else's threads, or
		// claims an organisation.
		for label, body := range map[string]map[string]any{
			"a pinned thread":           {"pinned": true},
			"a thread with a count":     {"post_count": 40},
			"a thread for someone else": {"author": testapp.AcmeAdminID},
			"a thread with a partner":   {"partner": testapp.PartnerGlobex},
			"a thread with a label":     {"organisation": "Vendor"},
		} {
			b := map[string]any{"category": testapp.ForumCatGeneral, "title": "Sneaky", "author": a.id}
			for k, v := range body {
				b[k] = v
			}
			if a == acmeAdmin && label == "a thread for someone else" {
				b["author"] = testapp.AcmeUserID
			}
			s = append(s, createS(a, "forum_threads", label, b, http.StatusBadRequest, countWith("forum_threads", "title", "Sneaky", 0)))
		}
		// Diego renames his thread and marks it solved; moderators do
		// anything but rewrite who wrote it or its figures.
		author := a == acmeUser
		s = append(s, updateDocS(a, "forum_threads", testapp.ForumThreadGeneral, "diego's thread",
			map[string]any{"title": "Renewals"}, author || isStaff(a), http.StatusNotFound))
		s = append(s, updateDocS(a, "forum_threads", testapp.ForumThreadGeneral, "diego's thread",
			map[string]any{"solved": true}, author || isStaff(a), http.StatusNotFound))
		s = append(s, updateDocS(a, "forum_threads", testapp.ForumThreadGeneral, "diego's thread",
			map[string]any{"pinned": true, "locked": true}, isStaff(a), http.StatusNotFound))
		s = append(s, updateDocS(a, "forum_threads", testapp.ForumThreadGeneral, "diego's thread",
			map[string]any{"post_count": 0}, false, http.StatusNotFound))
		s = append(s, updateDocS(a, "forum_threads", testapp.ForumThreadGeneral, "diego's thread",
			map[string]any{"author": testapp.GlobexUserID}, false, http.StatusNotFound))
		s = append(s, updateDocS(a, "forum_threads", testapp.ForumThreadGold, "carla's gold thread",
			map[string]any{"title": "Funds"}, a == acmeAdmin || isStaff(a), http.StatusNotFound))
		s = append(s, deleteS(a, "forum_threads", testapp.ForumThreadLocked, "the locked thread", isStaff(a), http.StatusNotFound,
			countWith("forum_threads", "id", testapp.ForumThreadLocked, 1)))
	}
	runForums(t, s)
}

// ---------------------------------------------------------------------------
// forum_posts

func TestForumsAPIPosts(t *testing.T) {
	var s []tests.ApiScenario
	for _, a := range actors {
		vis := forumVisiblePosts(a)
		var hidden []string
		if !forumHas(vis, testapp.ForumPostGold1) {
			hidden = append(hidden, "Who has claimed MDF")
		}
		s = append(s, listS(a, "forum_posts", forumPosts, vis, hidden))
		for _, id := range forumPosts {
			s = append(s, viewS(a, "forum_posts", id, id, forumHas(vis, id), nil))
		}
		// Replies: a visible thread, open (or a moderator), in a category
		// open to partners (or a moderator).
		for _, c := range []struct {
			thread, label string
			ok            bool
		}{
			{testapp.ForumThreadGeneral, "a reply in general", a != guest},
			{testapp.ForumThreadLocked, "a reply in the locked thread", isStaff(a)},
			{testapp.ForumThreadNews, "a reply in news", isStaff(a)},
			{testapp.ForumThreadGold, "a reply in gold", isStaff(a) || forumIsAcme(a)},
			{testapp.ForumThreadEurope, "a reply in europe", isStaff(a)},
		} {
			st, want := http.StatusBadRequest, 0
			if c.ok {
				st, want = http.StatusOK, 1
			}
			body := "Reply: " + c.label
			s = append(s, createS(a, "forum_posts", c.label, map[string]any{"thread": c.thread, "author": a.id, "body": body}, st,
				countWith("forum_posts", "body", body, want)))
		}
		for label, extra := range map[string]map[string]any{
			"a post with its own HTML":   {"body_html": "<p>x</p>"},
			"an already removed post":    {"deleted": true},
			"an edited post":             {"edited": "2026-01-01 00:00:00.000Z"},
			"a post for someone else":    {"author": testapp.GlobexAdminID},
			"a post with a partner":      {"partner": testapp.PartnerAcme},
			"a post with a staff label":  {"by_staff": true},
			"a post with an author name": {"author_name": "The CEO"},
		} {
			b := map[string]any{"thread": testapp.ForumThreadGeneral, "author": a.id, "body": "Sneaky post"}
			for k, v := range extra {
				b[k] = v
			}
			if a == globexAdmin && label == "a post for someone else" {
				b["author"] = testapp.GlobexUserID
			}
			s = append(s, createS(a, "forum_posts", label, b, http.StatusBadRequest, countWith("forum_posts", "body", "Sneaky post", 0)))
		}
		if a == guest {
			continue
		}
		// The hooks' refusals reach API clients as validation errors.
		s = append(s,
			tests.ApiScenario{
				Name: a.name + " creates an empty post → 400", Method: http.MethodPost, URL: recordsURL("forum_posts"),
				Body:           jsonBody(map[string]any{"thread": testapp.ForumThreadGeneral, "author": a.id, "body": "  \n "}),
				BeforeTestFunc: as(a), ExpectedStatus: http.StatusBadRequest,
				ExpectedContent: []string{`"body":{"code":"validation_required"`}, NotExpectedContent: []string{`"id":"`},
			},
			tests.ApiScenario{
				Name: a.name + " creates a 200 KB post → 400", Method: http.MethodPost, URL: recordsURL("forum_posts"),
				Body:           jsonBody(map[string]any{"thread": testapp.ForumThreadGeneral, "author": a.id, "body": strings.Repeat("é", 100<<10)}),
				BeforeTestFunc: as(a), ExpectedStatus: http.StatusBadRequest,
				ExpectedContent: []string{`"body":{"code":"validation_max_text_constraint"`}, NotExpectedContent: []string{`"id":"`},
				AfterTestFunc: afterAll(countWith("forum_posts", "author", a.id, forumAuthored(a))),
			},
			tests.ApiScenario{
				Name: a.name + " floods → 400", Method: http.MethodPost, URL: recordsURL("forum_posts"),
				Body:           jsonBody(map[string]any{"thread": testapp.ForumThreadGeneral, "author": a.id, "body": "one too many"}),
				BeforeTestFunc: as(a, forumRecent(a.id, 5)), ExpectedStatus: http.StatusBadRequest,
				ExpectedContent:    []string{`"body":{"code":"validation_forum_rate_limited"`},
				NotExpectedContent: []string{`"id":"`},
				AfterTestFunc:      afterAll(countWith("forum_posts", "body", "one too many", 0)),
			},
			tests.ApiScenario{
				// created is the server's: a date sent with the post does not
				// make it history that escapes the limit.
				Name: a.name + " floods with a date of long ago → 400", Method: http.MethodPost, URL: recordsURL("forum_posts"),
				Body: jsonBody(map[string]any{"thread": testapp.ForumThreadGeneral, "author": a.id, "body": "backdated",
					"created": "2020-01-01 00:00:00.000Z"}),
				BeforeTestFunc: as(a, forumRecent(a.id, 5)), ExpectedStatus: http.StatusBadRequest,
				ExpectedContent:    []string{`"body":{"code":"validation_forum_rate_limited"`},
				NotExpectedContent: []string{`"id":"`},
				AfterTestFunc:      afterAll(countWith("forum_posts", "body", "backdated", 0)),
			},
			tests.ApiScenario{
				Name: a.name + " posts Markdown with script → 200, sanitised", Method: http.MethodPost, URL: recordsURL("forum_posts"),
				Body: jsonBody(map[string]any{"thread": testapp.ForumThreadGeneral, "author": a.id,
					"body": "<script>alert(1)</script>\n\n[x](javascript:alert(2)) <img src=x onerror=alert(3)>"}),
				BeforeTestFunc: as(a), ExpectedStatus: http.StatusOK,
				ExpectedContent: []string{"raw HTML omitted"},
				AfterTestFunc:   afterAll(forumSafeHTML(a.id)),
			},
		)
	}
	for _, a := range actors {
		// Fabio edits his post (the hook marks it edited); nobody else
		// rewrites it, moderators included.
		s = append(s, updateDocS(a, "forum_posts", testapp.ForumPostGeneral2, "fabio's post",
			map[string]any{"body": "Edited answer"}, a == globexUser, http.StatusNotFound))
		// Moderators soft-delete and restore; authors cannot.
		s = append(s, updateDocS(a, "forum_posts", testapp.ForumPostGeneral2, "fabio's post",
			map[string]any{"deleted": true}, isStaff(a), http.StatusNotFound))
		// Nobody writes derived or stamped fields.
		for label, body := range map[string]map[string]any{
			"fabio's post html":    {"body_html": "<b>x</b>"},
			"fabio's post edited":  {"edited": "2026-01-01 00:00:00.000Z"},
			"fabio's post label":   {"organisation": "Acme"},
			"fabio's post thread":  {"thread": testapp.ForumThreadLocked},
			"fabio's post remover": {"deleted_by": testapp.AdminID},
		} {
			s = append(s, updateDocS(a, "forum_posts", testapp.ForumPostGeneral2, label, body, false, http.StatusNotFound))
		}
		// Elena's post in the locked thread stays as it is; Carla's Gold
		// post is out of Globex's reach.
		s = append(s, updateDocS(a, "forum_posts", testapp.ForumPostLocked1, "elena's locked post",
			map[string]any{"body": "Changed"}, false, http.StatusNotFound))
		s = append(s, updateDocS(a, "forum_posts", testapp.ForumPostGold1, "carla's gold post",
			map[string]any{"body": "Changed"}, a == acmeAdmin, http.StatusNotFound))
		s = append(s, deleteS(a, "forum_posts", testapp.ForumPostGeneral2, "fabio's post", false, http.StatusForbidden,
			countWith("forum_posts", "id", testapp.ForumPostGeneral2, 1)))
	}
	// A soft-deleted post reads empty through the API, for everyone.
	for _, a := range signedIn {
		if !forumHas(forumVisiblePosts(a), testapp.ForumPostGeneral2) {
			continue
		}
		s = append(s, tests.ApiScenario{
			Name: a.name + " views a removed post → 200 without its text", Method: http.MethodGet,
			URL:            recordsURL("forum_posts") + "/" + testapp.ForumPostGeneral2,
			BeforeTestFunc: as(a, forumRemove(testapp.ForumPostGeneral2)), ExpectedStatus: http.StatusOK,
			ExpectedContent:    []string{`"deleted":true`, `"body":""`, `"body_html":""`, `"deleted_by":"` + testapp.ManagerAnaID + `"`},
			NotExpectedContent: []string{"new quote", "removed_body"},
		})
	}
	runForums(t, s)
}

// forumSafeHTML checks the stored HTML of the author's newest post: no
// script element, script link or event attribute, only escaped text.
func forumSafeHTML(author string) afterFunc {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		var h string
		if err := app.DB().Select("body_html").From("forum_posts").Where(dbx.HashExp{"author": author}).
			OrderBy("created DESC").Limit(1).Row(&h); err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{"<script", "javascript:", "<img"} {
			if strings.Contains(h, bad) {
				t.Errorf("stored HTML contains %q: %s", bad, h)
			}
		}
	}
}

// forumAuthored is how many fixture posts a wrote.
func forumAuthored(a actor) int {
	n := 0
	for _, th := range testapp.FixtureForumThreads {
		for _, p := range th.Posts {
			if p.Author == a.id {
				n++
			}
		}
	}
	return n
}

// forumRemove soft-deletes a post as moderator Ana.
func forumRemove(id string) setupFunc {
	return func(t testing.TB, app *tests.TestApp) {
		t.Helper()
		p, err := app.FindRecordById("forum_posts", id)
		if err != nil {
			t.Fatal(err)
		}
		p.Set("deleted", true)
		activity.SetActor(p, testapp.ManagerAnaID)
		if err := app.Save(p); err != nil {
			t.Fatal(err)
		}
	}
}

// ---------------------------------------------------------------------------
// forum_follows

func TestForumsAPIFollows(t *testing.T) {
	own := map[actor][]string{
		acmeUser:    {testapp.ForumFollowDiegoGeneral},
		acmeAdmin:   {testapp.ForumFollowCarlaGold},
		admin:       {testapp.ForumFollowAdminNews, testapp.ForumFollowAdminEurope},
		globexAdmin: {testapp.ForumFollowElenaLocked},
		globexUser:  {testapp.ForumFollowFabioGeneral},
	}
	var s []tests.ApiScenario
	for _, a := range actors {
		s = append(s, listS(a, "forum_follows", forumFollows, own[a], nil))
		s = append(s, viewS(a, "forum_follows", testapp.ForumFollowFabioGeneral, "fabio's follow", a == globexUser, nil))
		// Following News: everyone signed in; the admin already does.
		switch a {
		case guest:
			s = append(s, createS(a, "forum_follows", "a follow of news", map[string]any{"thread": testapp.ForumThreadNews, "user": ""},
				http.StatusBadRequest, countWith("forum_follows", "thread", testapp.ForumThreadNews, 1)))
		case admin:
			s = append(s, createS(a, "forum_follows", "a second follow of news", map[string]any{"thread": testapp.ForumThreadNews, "user": a.id},
				http.StatusBadRequest, countWith("forum_follows", "thread", testapp.ForumThreadNews, 1)))
		default:
			s = append(s, createS(a, "forum_follows", "a follow of news", map[string]any{"thread": testapp.ForumThreadNews, "user": a.id},
				http.StatusOK, countWith("forum_follows", "thread", testapp.ForumThreadNews, 2)))
		}
		// Following a thread one cannot see, or on someone else's behalf.
		if a != guest && !isStaff(a) && !forumIsAcme(a) {
			s = append(s, createS(a, "forum_follows", "a follow of the gold thread", map[string]any{"thread": testapp.ForumThreadGold, "user": a.id},
				http.StatusBadRequest, countWith("forum_follows", "thread", testapp.ForumThreadGold, 1)))
		}
		other := testapp.AcmeUserID
		if a == acmeUser {
			other = testapp.GlobexUserID
		}
		s = append(s, createS(a, "forum_follows", "a follow for someone else", map[string]any{"thread": testapp.ForumThreadLocked, "user": other},
			http.StatusBadRequest, countWith("forum_follows", "thread", testapp.ForumThreadLocked, 1)))
		s = append(s, updateDocS(a, "forum_follows", testapp.ForumFollowFabioGeneral, "fabio's follow",
			map[string]any{"thread": testapp.ForumThreadNews}, false, http.StatusForbidden))
		s = append(s, deleteS(a, "forum_follows", testapp.ForumFollowFabioGeneral, "fabio's follow", a == globexUser, http.StatusNotFound,
			countWith("forum_follows", "id", testapp.ForumFollowFabioGeneral, 1)))
	}
	runForums(t, s)
}

// ---------------------------------------------------------------------------
// forum_reports

func TestForumsAPIReports(t *testing.T) {
	own := map[actor][]string{
		admin: forumReports, ana: forumReports, bruno: forumReports,
		globexUser: {testapp.ForumReportFabio}, acmeUser: {testapp.ForumReportDiego},
	}
	var s []tests.ApiScenario
	for _, a := range actors {
		s = append(s, listS(a, "forum_reports", forumReports, own[a], nil))
		for _, id := range forumReports {
			s = append(s, viewS(a, "forum_reports", id, id, forumHas(own[a], id), nil))
		}
		st, want := http.StatusBadRequest, 0
		if a != guest {
			st, want = http.StatusOK, 1
		}
		s = append(s, createS(a, "forum_reports", "a report of ana's post", map[string]any{"post": testapp.ForumPostGeneral3,
			"reporter": a.id, "reason": "Spam"}, st, countWith("forum_reports", "post", testapp.ForumPostGeneral3, want)))
		goldOK := isStaff(a) || forumIsAcme(a)
		st, want = http.StatusBadRequest, 0
		if goldOK {
			st, want = http.StatusOK, 1
		}
		s = append(s, createS(a, "forum_reports", "a report of carla's gold post", map[string]any{"post": testapp.ForumPostGold1,
			"reporter": a.id, "reason": "Spam"}, st, countWith("forum_reports", "post", testapp.ForumPostGold1, want)))
		s = append(s, createS(a, "forum_reports", "a report made resolved", map[string]any{"post": testapp.ForumPostGeneral3,
			"reporter": a.id, "reason": "Spam", "resolved": true}, http.StatusBadRequest, countWith("forum_reports", "post", testapp.ForumPostGeneral3, 0)))
		other := testapp.GlobexAdminID
		if a == globexAdmin {
			other = testapp.GlobexUserID
		}
		s = append(s, createS(a, "forum_reports", "a report in someone else's name", map[string]any{"post": testapp.ForumPostGeneral3,
			"reporter": other, "reason": "Spam"}, http.StatusBadRequest, countWith("forum_reports", "post", testapp.ForumPostGeneral3, 0)))
		s = append(s, updateDocS(a, "forum_reports", testapp.ForumReportFabio, "fabio's report",
			map[string]any{"resolved": true}, isStaff(a), http.StatusNotFound))
		s = append(s, updateDocS(a, "forum_reports", testapp.ForumReportFabio, "fabio's report",
			map[string]any{"reason": "Changed"}, false, http.StatusNotFound))
		s = append(s, deleteS(a, "forum_reports", testapp.ForumReportFabio, "fabio's report", false, http.StatusForbidden,
			countWith("forum_reports", "id", testapp.ForumReportFabio, 1)))
	}
	// Resolving stamps the moderator.
	s = append(s, tests.ApiScenario{
		Name: "ana resolves fabio's report → resolved_by ana", Method: http.MethodPatch,
		URL: recordsURL("forum_reports") + "/" + testapp.ForumReportFabio, Body: jsonBody(map[string]any{"resolved": true}),
		BeforeTestFunc: as(ana), ExpectedStatus: http.StatusOK,
		ExpectedContent: []string{`"resolved_by":"` + testapp.ManagerAnaID + `"`},
		AfterTestFunc:   afterAll(fieldsAre("forum_reports", testapp.ForumReportFabio, map[string]any{"resolved_by": testapp.ManagerAnaID})),
	})
	runForums(t, s)
}

// cachedForumFactory is forumFactory seeded once per test binary and cloned for each scenario.
var cachedForumFactory = testapp.Cached(forumFactory)
