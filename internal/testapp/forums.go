package testapp

import (
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Fixture forums (SeedForums). Acme is a Gold partner in latam, Globex a
// Silver one in latam: both meet in the General category; only Acme sees
// the Gold lounge; nobody posts in the News category but staff; the Europe
// category reaches no fixture partner.
const (
	ForumCatGeneral = "forumcatgeneral" // audience all
	ForumCatGold    = "forumcatgold001" // audience tiers: Gold (Acme)
	ForumCatNews    = "forumcatnews001" // audience all, staff-only posting
	ForumCatEurope  = "forumcateurope1" // audience regions: europe (nobody)

	ForumThreadGeneral = "forumthrgeneral" // by Diego (Acme), with replies by Fabio (Globex) and Ana (staff)
	ForumThreadGold    = "forumthrgold001" // by Carla (Acme)
	ForumThreadNews    = "forumthrnews001" // by the admin
	ForumThreadLocked  = "forumthrlocked1" // by Elena (Globex) in General, locked
	ForumThreadEurope  = "forumthreurope1" // by the admin

	ForumPostGeneral1 = "forumpostgen001" // Diego
	ForumPostGeneral2 = "forumpostgen002" // Fabio
	ForumPostGeneral3 = "forumpostgen003" // Ana
	ForumPostGold1    = "forumpostgold01" // Carla
	ForumPostNews1    = "forumpostnews01" // admin
	ForumPostLocked1  = "forumpostlock01" // Elena
	ForumPostEurope1  = "forumposteuro01" // admin

	// The thread authors' automatic follows, given fixed ids, and Fabio's.
	ForumFollowDiegoGeneral = "followdiegogen1"
	ForumFollowCarlaGold    = "followcarlagold"
	ForumFollowAdminNews    = "followadminnews"
	ForumFollowElenaLocked  = "followelenalock"
	ForumFollowAdminEurope  = "followadmineuro"
	ForumFollowFabioGeneral = "followfabiogen1"

	ForumReportFabio = "reportfabio0001" // Fabio reports Diego's post
	ForumReportDiego = "reportdiego0001" // Diego reports Fabio's post
)

// FixtureForumThread describes one fixture thread and its posts.
type FixtureForumThread struct {
	ID, Category, Title, Author string
	Locked                      bool
	Posts                       []FixtureForumPost
}

// FixtureForumPost is one fixture post.
type FixtureForumPost struct {
	ID, Author, Body string
}

// FixtureForumThreads lists the threads SeedForums writes, each with its
// posts in order.
var FixtureForumThreads = []FixtureForumThread{
	{ForumThreadGeneral, ForumCatGeneral, "Renewal pricing question", AcmeUserID, false, []FixtureForumPost{
		{ForumPostGeneral1, AcmeUserID, "How do **renewals** work for multi-year deals?"},
		{ForumPostGeneral2, GlobexUserID, "We ask for a new quote each year."},
		{ForumPostGeneral3, ManagerAnaID, "See the price list, section 4."},
	}},
	{ForumThreadGold, ForumCatGold, "Gold co-marketing funds", AcmeAdminID, false, []FixtureForumPost{
		{ForumPostGold1, AcmeAdminID, "Who has claimed MDF this quarter?"},
	}},
	{ForumThreadNews, ForumCatNews, "Release 5.2 is out", AdminID, false, []FixtureForumPost{
		{ForumPostNews1, AdminID, "Release notes are in the library."},
	}},
	{ForumThreadLocked, ForumCatGeneral, "Old webinar recording", GlobexAdminID, true, []FixtureForumPost{
		{ForumPostLocked1, GlobexAdminID, "Where is the recording?"},
	}},
	{ForumThreadEurope, ForumCatEurope, "GDPR addendum", AdminID, false, []FixtureForumPost{
		{ForumPostEurope1, AdminID, "The EU addendum is signed per partner."},
	}},
}

// ForumSeedTime is when the fixture forum activity happened: two days
// before the test, so no fixture post counts against the flood limit.
func ForumSeedTime() time.Time { return time.Now().UTC().Add(-48 * time.Hour).Truncate(time.Second) }

// SeedForums adds the fixture forums to a fixture app through the hooks
// (labels, figures, follows and events as the portal would leave them).
func SeedForums(t testing.TB, app core.App) {
	t.Helper()
	base := ForumSeedTime()
	err := app.RunInTransaction(func(tx core.App) error {
		save := func(coll, id string, at time.Time, fields map[string]any) error {
			c, err := tx.FindCollectionByNameOrId(coll)
			if err != nil {
				return err
			}
			r := core.NewRecord(c)
			r.Id = id
			for k, v := range fields {
				r.Set(k, v)
			}
			if !at.IsZero() {
				dt, err := types.ParseDateTime(at)
				if err != nil {
					return err
				}
				r.SetRaw("created", dt)
			}
			return tx.Save(r)
		}
		for i, c := range []struct {
			id, name, audience string
			tiers, regions     []string
			staffOnly          bool
		}{
			{ForumCatGeneral, "General", "all", nil, nil, false},
			{ForumCatGold, "Gold lounge", "tiers", []string{TierGold}, nil, false},
			{ForumCatNews, "Vendor news", "all", nil, nil, true},
			{ForumCatEurope, "Europe", "regions", nil, []string{"europe"}, false},
		} {
			if err := save("forum_categories", c.id, time.Time{}, map[string]any{
				"name": c.name, "description": "About " + c.name + ".", "order": i, "audience": c.audience,
				"audience_tiers": c.tiers, "audience_regions": c.regions, "staff_only_posting": c.staffOnly,
			}); err != nil {
				return err
			}
		}
		at := base
		for _, th := range FixtureForumThreads {
			if err := save("forum_threads", th.ID, at, map[string]any{
				"category": th.Category, "title": th.Title, "author": th.Author,
			}); err != nil {
				return err
			}
			for _, p := range th.Posts {
				if err := save("forum_posts", p.ID, at, map[string]any{"thread": th.ID, "author": p.Author, "body": p.Body}); err != nil {
					return err
				}
				at = at.Add(time.Minute)
			}
			if th.Locked {
				r, err := tx.FindRecordById("forum_threads", th.ID)
				if err != nil {
					return err
				}
				r.Set("locked", true)
				if err := tx.Save(r); err != nil {
					return err
				}
			}
		}
		// Give the automatic follows fixed ids.
		if _, err := tx.DB().Delete("forum_follows", nil).Execute(); err != nil {
			return err
		}
		for _, f := range [][3]string{
			{ForumFollowDiegoGeneral, ForumThreadGeneral, AcmeUserID},
			{ForumFollowCarlaGold, ForumThreadGold, AcmeAdminID},
			{ForumFollowAdminNews, ForumThreadNews, AdminID},
			{ForumFollowElenaLocked, ForumThreadLocked, GlobexAdminID},
			{ForumFollowAdminEurope, ForumThreadEurope, AdminID},
			{ForumFollowFabioGeneral, ForumThreadGeneral, GlobexUserID},
		} {
			if err := save("forum_follows", f[0], time.Time{}, map[string]any{"thread": f[1], "user": f[2]}); err != nil {
				return err
			}
		}
		for _, r := range [][4]string{
			{ForumReportFabio, ForumPostGeneral1, GlobexUserID, "Off topic"},
			{ForumReportDiego, ForumPostGeneral2, AcmeUserID, "Wrong answer"},
		} {
			if err := save("forum_reports", r[0], time.Time{}, map[string]any{"post": r[1], "reporter": r[2], "reason": r[3]}); err != nil {
				return err
			}
		}
		// Seeding is not activity to count or to be told about.
		if _, err := tx.DB().Delete("notifications", nil).Execute(); err != nil {
			return err
		}
		_, err := tx.DB().Delete("activity", dbx.NewExp("kind LIKE 'forum.%'")).Execute()
		return err
	})
	if err != nil {
		t.Fatalf("seeding forums: %v", err)
	}
}
