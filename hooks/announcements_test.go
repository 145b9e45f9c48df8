package hooks_test

// The announcement hooks: a published announcement notifies its audience
// once (on save when its time has come, else from the scheduler, called here
// with a chosen now), drafts, scheduled and expired ones notify nobody,
// validation refuses bad input with nothing written, and read receipts are
// stamped, acknowledged once and counted as activity.

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// newAnnouncement saves an announcement by the admin with the given fields
// over a valid default (published now to everyone).
func newAnnouncement(t *testing.T, app core.App, fields map[string]any) (*core.Record, error) {
	t.Helper()
	c, err := app.FindCollectionByNameOrId("announcements")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	r.Set("title", "Hook news")
	r.Set("body", "Hello **partners**.")
	r.Set("status", "published")
	r.Set("audience", "all")
	r.Set("author", testapp.AdminID)
	for k, v := range fields {
		r.Set(k, v)
	}
	return r, app.Save(r)
}

// notified returns who was notified of an announcement, by user id, with
// the titles they got.
func notified(t *testing.T, app core.App, id string) map[string]string {
	t.Helper()
	recs, err := app.FindAllRecords("notifications", dbx.HashExp{"link": "/announcements/" + id})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, n := range recs {
		if n.GetString("kind") != "announcement.published" {
			t.Errorf("notification kind %q, want announcement.published", n.GetString("kind"))
		}
		if _, dup := out[n.GetString("user")]; dup {
			t.Errorf("user %s notified twice of %s", n.GetString("user"), id)
		}
		out[n.GetString("user")] = n.GetString("title")
	}
	return out
}

func activityCount(t *testing.T, app core.App, kind, target string) int {
	t.Helper()
	n, err := app.CountRecords("activity", dbx.HashExp{"kind": kind, "target_id": target})
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func sameSet(got map[string]string, want ...string) bool {
	if len(got) != len(want) {
		return false
	}
	for _, w := range want {
		if _, ok := got[w]; !ok {
			return false
		}
	}
	return true
}

func TestAnnouncementNotifiesAudienceOnceOnSave(t *testing.T) {
	app := testapp.New(t)
	r, err := newAnnouncement(t, app, map[string]any{"title": "Gold only", "audience": "tiers",
		"audience_tiers": []string{testapp.TierGold}})
	if err != nil {
		t.Fatal(err)
	}
	got := notified(t, app, r.Id)
	// Acme is the gold partner: its two users, in their language; nobody
	// at Globex, and no staff.
	if !sameSet(got, testapp.AcmeAdminID, testapp.AcmeUserID) {
		t.Fatalf("notified %v, want exactly Acme's users", got)
	}
	if got[testapp.AcmeUserID] != "Novo aviso: Gold only" {
		t.Errorf("Diego's (pt-BR) title %q", got[testapp.AcmeUserID])
	}
	if n := activityCount(t, app, "announcement.published", r.Id); n != 1 {
		t.Errorf("%d announcement.published events, want 1", n)
	}
	fresh, _ := app.FindRecordById("announcements", r.Id)
	if fresh.GetDateTime("notified_at").IsZero() {
		t.Error("notified_at not stamped")
	}
	// Editing, unpublishing and publishing again notifies nobody again.
	for _, status := range []string{"published", "draft", "published"} {
		fresh.Set("title", "Gold only, revised")
		fresh.Set("status", status)
		if err := app.Save(fresh); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := hooks.PublishDueAnnouncements(app, time.Now().Add(time.Hour)); err != nil || n != 0 {
		t.Errorf("scheduler after the save: %d announced, %v; want 0", n, err)
	}
	if got := notified(t, app, r.Id); len(got) != 2 {
		t.Errorf("after edits: %d notifications, want still 2", len(got))
	}
	if n := activityCount(t, app, "announcement.published", r.Id); n != 1 {
		t.Errorf("after edits: %d announcement.published events, want 1", n)
	}
}

func TestAnnouncementAudienceOfNotifications(t *testing.T) {
	app := testapp.New(t)
	// A deactivated user is not notified; partners named by the audience
	// are; the author never is.
	fabio, err := app.FindRecordById("users", testapp.GlobexUserID)
	if err != nil {
		t.Fatal(err)
	}
	fabio.Set("deactivated", true)
	if err := app.Save(fabio); err != nil {
		t.Fatal(err)
	}
	all, err := newAnnouncement(t, app, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := notified(t, app, all.Id); !sameSet(got, testapp.AcmeAdminID, testapp.AcmeUserID, testapp.GlobexAdminID) {
		t.Errorf("audience all: notified %v, want the three active partner users", got)
	}
	named, err := newAnnouncement(t, app, map[string]any{"audience": "partners",
		"audience_partners": []string{testapp.PartnerGlobex}, "author": testapp.ManagerBrunoID})
	if err != nil {
		t.Fatal(err)
	}
	if got := notified(t, app, named.Id); !sameSet(got, testapp.GlobexAdminID) {
		t.Errorf("named Globex: notified %v, want Elena only", got)
	}
	europe, err := newAnnouncement(t, app, map[string]any{"audience": "regions", "audience_regions": []string{"europe"}})
	if err != nil {
		t.Fatal(err)
	}
	if got := notified(t, app, europe.Id); len(got) != 0 {
		t.Errorf("region europe: notified %v, want nobody", got)
	}
}

func TestAnnouncementScheduledPublishing(t *testing.T) {
	app := testapp.New(t)
	now := time.Now().UTC()
	sched, err := newAnnouncement(t, app, map[string]any{"title": "Scheduled", "publish_at": now.Add(time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	brief, err := newAnnouncement(t, app, map[string]any{"title": "Brief", "publish_at": now.Add(time.Hour),
		"expires_at": now.Add(90 * time.Minute)})
	if err != nil {
		t.Fatal(err)
	}
	draft, err := newAnnouncement(t, app, map[string]any{"title": "Draft", "status": "draft", "publish_at": now.Add(-time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []*core.Record{sched, brief, draft} {
		if got := notified(t, app, r.Id); len(got) != 0 {
			t.Fatalf("%s notified %d users on save, before its time", r.GetString("title"), len(got))
		}
	}
	// Before the time: nothing is due.
	if n, err := hooks.PublishDueAnnouncements(app, now.Add(30*time.Minute)); err != nil || n != 0 {
		t.Fatalf("scheduler at +30m: %d announced, %v; want 0", n, err)
	}
	// At +61m both scheduled ones are due (the brief one not yet expired).
	if n, err := hooks.PublishDueAnnouncements(app, now.Add(61*time.Minute)); err != nil || n != 2 {
		t.Fatalf("scheduler at +61m: %d announced, %v; want 2", n, err)
	}
	for _, r := range []*core.Record{sched, brief} {
		if got := notified(t, app, r.Id); len(got) != 4 {
			t.Errorf("%s: %d users notified, want the 4 partner users", r.GetString("title"), len(got))
		}
		if n := activityCount(t, app, "announcement.published", r.Id); n != 1 {
			t.Errorf("%s: %d announcement.published events, want 1", r.GetString("title"), n)
		}
	}
	// Running again (or a minute later) announces nothing twice.
	for _, at := range []time.Duration{61 * time.Minute, 62 * time.Minute} {
		if n, err := hooks.PublishDueAnnouncements(app, now.Add(at)); err != nil || n != 0 {
			t.Errorf("scheduler rerun at +%v: %d announced, %v; want 0", at, n, err)
		}
	}
	if got := notified(t, app, sched.Id); len(got) != 4 {
		t.Errorf("after reruns: %d notifications, want 4", len(got))
	}
	// The draft is never announced.
	if got := notified(t, app, draft.Id); len(got) != 0 {
		t.Errorf("draft notified %d users", len(got))
	}
}

func TestAnnouncementExpiredBeforeItsTimeIsNotAnnounced(t *testing.T) {
	app := testapp.New(t)
	now := time.Now().UTC()
	r, err := newAnnouncement(t, app, map[string]any{"publish_at": now.Add(time.Hour), "expires_at": now.Add(2 * time.Hour)})
	if err != nil {
		t.Fatal(err)
	}
	// The scheduler was down until after it expired.
	if n, err := hooks.PublishDueAnnouncements(app, now.Add(3*time.Hour)); err != nil || n != 0 {
		t.Fatalf("scheduler after expiry: %d announced, %v; want 0", n, err)
	}
	if got := notified(t, app, r.Id); len(got) != 0 {
		t.Errorf("expired announcement notified %d users", len(got))
	}
}

func TestAnnouncementPublishedWithoutTimeIsStamped(t *testing.T) {
	app := testapp.New(t)
	before := time.Now().Add(-time.Second)
	r, err := newAnnouncement(t, app, nil)
	if err != nil {
		t.Fatal(err)
	}
	fresh, _ := app.FindRecordById("announcements", r.Id)
	if pub := fresh.GetDateTime("publish_at").Time(); pub.Before(before) || pub.After(time.Now()) {
		t.Errorf("publish_at %v, want the time of saving", pub)
	}
	if len(notified(t, app, r.Id)) != 4 {
		t.Error("an announcement published without a time did not notify its audience")
	}
}

func TestAnnouncementValidation(t *testing.T) {
	app := testapp.New(t)
	now := time.Now().UTC()
	for _, c := range []struct {
		name   string
		fields map[string]any
		field  string
		code   string
	}{
		{"empty body", map[string]any{"body": " \n "}, "body", "validation_required"},
		{"body over the limit", map[string]any{"body": strings.Repeat("é", hooks.MaxAnnouncementBody+1)}, "body", "validation_announcement_body_limit"},
		{"empty title", map[string]any{"title": "  "}, "title", "validation_required"},
		{"expires before publish", map[string]any{"publish_at": now.Add(2 * time.Hour), "expires_at": now.Add(time.Hour)},
			"expires_at", "validation_announcement_expires_before_publish"},
		{"expires in the past, published now", map[string]any{"expires_at": now.Add(-time.Hour)},
			"expires_at", "validation_announcement_expires_before_publish"},
		{"tiers without a tier", map[string]any{"audience": "tiers"}, "audience_tiers", "validation_audience_empty"},
		{"unknown tier", map[string]any{"audience": "tiers", "audience_tiers": []string{"tiernothere0001"}}, "audience_tiers", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			before, _ := app.CountRecords("announcements")
			notes, _ := app.CountRecords("notifications")
			_, err := newAnnouncement(t, app, c.fields)
			var verrs validation.Errors
			if !errors.As(err, &verrs) || verrs[c.field] == nil {
				t.Fatalf("error %v, want a validation error on %s", err, c.field)
			}
			var ve validation.Error
			if c.code != "" && (!errors.As(verrs[c.field], &ve) || ve.Code() != c.code) {
				t.Errorf("code of %s: %v, want %s", c.field, verrs[c.field], c.code)
			}
			after, _ := app.CountRecords("announcements")
			notesAfter, _ := app.CountRecords("notifications")
			if after != before || notesAfter != notes {
				t.Errorf("a refused announcement left records: announcements %d→%d, notifications %d→%d", before, after, notes, notesAfter)
			}
		})
	}
}

func seededAnnouncements(t *testing.T) *tests.TestApp {
	t.Helper()
	app := testapp.New(t)
	testapp.SeedAnnouncements(t, app)
	return app
}

func newRead(app core.App, ann, user string, acked bool) (*core.Record, error) {
	c, err := app.FindCollectionByNameOrId("announcement_reads")
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(c)
	r.Set("announcement", ann)
	r.Set("user", user)
	r.Set("partner", testapp.PartnerGlobex) // forged: the hook stamps the user's own
	if acked {
		r.Set("acknowledged", "2001-01-01 00:00:00.000Z")
	}
	return r, app.Save(r)
}

func TestAnnouncementReadReceipts(t *testing.T) {
	app := seededAnnouncements(t)
	before := time.Now().Add(-time.Second)
	r, err := newRead(app, testapp.AnnGold, testapp.AcmeUserID, false)
	if err != nil {
		t.Fatal(err)
	}
	if r.GetString("partner") != testapp.PartnerAcme {
		t.Errorf("read stamped with partner %q, want Acme", r.GetString("partner"))
	}
	if n := activityCount(t, app, "announcement.read", testapp.AnnGold); n != 1 {
		t.Errorf("%d announcement.read events, want 1", n)
	}
	// Acknowledging something that asks for none is refused.
	r.Set("acknowledged", time.Now())
	if err := app.Save(r); err == nil {
		t.Error("acknowledging an announcement that asks for no acknowledgement was accepted")
	}
	// A second receipt for the same reader is refused by the unique index.
	if _, err := newRead(app, testapp.AnnGold, testapp.AcmeUserID, false); err == nil {
		t.Error("a second read receipt of the same announcement was saved")
	}
	if n := activityCount(t, app, "announcement.read", testapp.AnnGold); n != 1 {
		t.Errorf("after refusals: %d announcement.read events, want 1", n)
	}

	// Acknowledging with the read: the server's time, both events.
	ack, err := newRead(app, testapp.AnnAck, testapp.AcmeUserID, true)
	if err != nil {
		t.Fatal(err)
	}
	if at := ack.GetDateTime("acknowledged").Time(); at.Before(before) {
		t.Errorf("acknowledged %v, want the server's time, not the client's", at)
	}
	if n := activityCount(t, app, "announcement.acknowledged", testapp.AnnAck); n != 2 { // Carla's (fixture) and Diego's
		t.Errorf("%d announcement.acknowledged events, want 2", n)
	}
	stored, _ := app.FindRecordById("announcement_reads", ack.Id)
	// Once given, an acknowledgement neither changes nor goes away, and a
	// receipt never moves.
	for _, change := range []map[string]any{
		{"acknowledged": ""}, {"acknowledged": time.Now().Add(time.Hour)},
		{"announcement": testapp.AnnAll}, {"user": testapp.AcmeAdminID},
	} {
		fresh, _ := app.FindRecordById("announcement_reads", ack.Id)
		for k, v := range change {
			fresh.Set(k, v)
		}
		if err := app.Save(fresh); err == nil {
			t.Errorf("changing %v of an acknowledged receipt was accepted", change)
		}
	}
	fresh, _ := app.FindRecordById("announcement_reads", ack.Id)
	if fresh.GetString("acknowledged") != stored.GetString("acknowledged") || fresh.GetString("user") != testapp.AcmeUserID {
		t.Error("a refused change altered the stored receipt")
	}
}

func TestAnnouncementAcknowledgeLater(t *testing.T) {
	app := seededAnnouncements(t)
	r, err := newRead(app, testapp.AnnAck, testapp.AcmeUserID, false)
	if err != nil {
		t.Fatal(err)
	}
	if n := activityCount(t, app, "announcement.acknowledged", testapp.AnnAck); n != 1 { // Carla's
		t.Fatalf("%d acknowledgement events before Diego's, want 1", n)
	}
	r.Set("acknowledged", "2001-01-01 00:00:00.000Z")
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	fresh, _ := app.FindRecordById("announcement_reads", r.Id)
	if fresh.GetDateTime("acknowledged").Time().Year() == 2001 {
		t.Error("the client's acknowledgement time was kept")
	}
	if n := activityCount(t, app, "announcement.acknowledged", testapp.AnnAck); n != 2 {
		t.Errorf("%d acknowledgement events, want 2", n)
	}
	// Saving it again unchanged adds nothing.
	if err := app.Save(fresh); err != nil {
		t.Fatal(err)
	}
	if n := activityCount(t, app, "announcement.acknowledged", testapp.AnnAck); n != 2 {
		t.Errorf("after a re-save: %d acknowledgement events, want 2", n)
	}
}
