package demo_test

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/demo"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// TestDemoForums loads the demo and checks its forums: the categories and
// threads it promises, replies from several partners in both languages,
// figures as the hooks keep them, who sees and who posts where through the
// rules, no notification sent by the load, and history dated in the past.
func TestDemoForums(t *testing.T) {
	app := testapp.NewEmpty(t)
	mustLoad(t, app)

	cats, err := app.FindAllRecords("forum_categories")
	if err != nil {
		t.Fatal(err)
	}
	var gold, staffOnly *core.Record
	for _, c := range cats {
		if c.GetString("audience") == "tiers" {
			gold = c
		}
		if c.GetBool("staff_only_posting") {
			staffOnly = c
		}
	}
	if len(cats) < 3 || len(cats) > 4 || gold == nil || staffOnly == nil {
		t.Fatalf("%d categories (gold %v, staff-only %v), want 3 to 4 with both", len(cats), gold != nil, staffOnly != nil)
	}
	threads, err := app.FindAllRecords("forum_threads")
	if err != nil {
		t.Fatal(err)
	}
	if len(threads) < 8 || len(threads) > 12 {
		t.Fatalf("%d threads, want 8 to 12", len(threads))
	}
	var solved, pinned, english, portuguese int
	for _, th := range threads {
		if th.GetBool("solved") {
			solved++
		}
		if th.GetBool("pinned") {
			pinned++
		}
		title := th.GetString("title")
		if slices.ContainsFunc([]string{" the ", "Demo script", "Slow sync", "Release"}, func(w string) bool { return strings.Contains(title, w) }) {
			english++
		}
		if slices.ContainsFunc([]string{"ç", "ã", "ó", " com ", " de "}, func(w string) bool { return strings.Contains(title, w) }) {
			portuguese++
		}
	}
	if solved == 0 || pinned == 0 || english == 0 || portuguese == 0 {
		t.Errorf("solved %d, pinned %d, English %d, Portuguese %d: want each at least 1", solved, pinned, english, portuguese)
	}
	var partners int
	if err := app.DB().NewQuery("SELECT COUNT(DISTINCT partner) FROM forum_posts WHERE partner != ''").Row(&partners); err != nil {
		t.Fatal(err)
	}
	if partners < 5 {
		t.Errorf("posts from %d partners, want several", partners)
	}
	if n := count(t, app, "forum_posts", dbx.NewExp("body_html = ''")); n != 0 {
		t.Errorf("%d posts without rendered HTML", n)
	}
	if n := count(t, app, "notifications", dbx.NewExp("kind LIKE 'forum.%'")); n != 0 {
		t.Errorf("loading the demo sent %d forum notifications", n)
	}
	if n := count(t, app, "activity", dbx.NewExp("kind LIKE 'forum.%' AND created > datetime('now', '-1 day')")); n > 10 {
		t.Errorf("%d forum events dated at the load, want the history's dates", n)
	}

	// Figures as the hooks keep them.
	before := demoForumFigures(t, app)
	if err := hooks.RebuildForumCounts(app); err != nil {
		t.Fatal(err)
	}
	if after := demoForumFigures(t, app); after != before {
		t.Errorf("demo figures differ from rebuilt ones:\n%s\n%s", before, after)
	}

	// The printed partner is Gold: its people see the Gold lounge; a
	// Silver partner's people do not. Nobody but staff posts in the
	// staff-only category.
	lucas, err := app.FindAuthRecordByEmail("users", demo.PartnerUserEmail)
	if err != nil {
		t.Fatal(err)
	}
	camila, err := app.FindAuthRecordByEmail("users", "camila.zanetti@araucaria-tecnologia.example")
	if err != nil {
		t.Fatal(err)
	}
	sees := func(u *core.Record, id string) bool {
		_, err := access.FindVisible(app, access.Info(u, http.MethodGet, nil), "forum_categories", id)
		return err == nil
	}
	if !sees(lucas, gold.Id) || sees(camila, gold.Id) || !sees(camila, staffOnly.Id) {
		t.Errorf("gold lounge: lucas %v, camila %v; news: camila %v", sees(lucas, gold.Id), sees(camila, gold.Id), sees(camila, staffOnly.Id))
	}
	c, _ := app.FindCollectionByNameOrId("forum_threads")
	r := core.NewRecord(c)
	body := map[string]any{"category": staffOnly.Id, "title": "x", "author": lucas.Id}
	for k, v := range body {
		r.Set(k, v)
	}
	if ok, err := access.CanCreate(app, access.Info(lucas, http.MethodPost, body), r); err != nil || ok {
		t.Errorf("a partner may start a thread in the staff-only category (%v, %v)", ok, err)
	}
}

// demoForumFigures renders every thread's and category's stored figures.
func demoForumFigures(t *testing.T, app core.App) string {
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
