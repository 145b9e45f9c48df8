package hooks_test

// The notification hooks: live bell counts to the notified user only, the
// new-version trigger of published documents (audience, private documents,
// drafts), and the digest job's schedule.

import (
	"slices"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/live"
	"github.com/ponte-portal/ponte/internal/notify"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// nextEvent returns the event waiting on a subscription, failing when there
// is none: hooks publish synchronously after the commit, so it is already
// queued when the save returns.
func nextEvent(t *testing.T, s *live.Subscription, what string) live.Event {
	t.Helper()
	select {
	case ev := <-s.C:
		return ev
	default:
		t.Fatalf("%s: no live event", what)
	}
	return live.Event{}
}

func expectNoEvent(t *testing.T, s *live.Subscription, what string) {
	t.Helper()
	select {
	case ev := <-s.C:
		t.Fatalf("%s: unexpected live event %+v", what, ev)
	default:
	}
}

func TestNotificationLiveCount(t *testing.T) {
	app := testapp.New(t)
	hub := live.For(app)
	diego, fabio := hub.Subscribe(testapp.AcmeUserID), hub.Subscribe(testapp.GlobexUserID)
	defer diego.Close()
	defer fabio.Close()

	// Created inside a transaction: the event comes after the commit.
	err := app.RunInTransaction(func(tx core.App) error {
		if err := notify.Send(tx, notify.KindAnnouncement, "/announcements", "", []any{"A"}, testapp.AcmeUserID); err != nil {
			return err
		}
		expectNoEvent(t, diego, "before commit")
		return notify.Send(tx, notify.KindAnnouncement, "/announcements", "", []any{"B"}, testapp.AcmeUserID)
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"2", "2"} {
		if ev := nextEvent(t, diego, "created"); ev.Type != notify.LiveEvent || ev.Data != want {
			t.Errorf("event %+v, want notification %s", ev, want)
		}
	}
	expectNoEvent(t, fabio, "another user's notification")

	// A rolled-back notification sends nothing.
	_ = app.RunInTransaction(func(tx core.App) error {
		_ = notify.Send(tx, notify.KindAnnouncement, "/announcements", "", []any{"C"}, testapp.AcmeUserID)
		return errRollback
	})
	expectNoEvent(t, diego, "rolled back")

	// Reading and deleting lower the count.
	notes, err := app.FindRecordsByFilter("notifications", "user = {:u}", "created", 0, 0, map[string]any{"u": testapp.AcmeUserID})
	if err != nil || len(notes) != 2 {
		t.Fatalf("%d notifications (%v)", len(notes), err)
	}
	notes[0].Set("read_at", types.NowDateTime())
	if err := app.Save(notes[0]); err != nil {
		t.Fatal(err)
	}
	if ev := nextEvent(t, diego, "read"); ev.Data != "1" {
		t.Errorf("after reading: %+v", ev)
	}
	if err := app.Delete(notes[1]); err != nil {
		t.Fatal(err)
	}
	if ev := nextEvent(t, diego, "deleted"); ev.Data != "0" {
		t.Errorf("after deleting: %+v", ev)
	}
	expectNoEvent(t, fabio, "another user's changes")
}

type rollback struct{}

func (rollback) Error() string { return "rollback" }

var errRollback = rollback{}

// revisedRecipients returns who got a document.revised notification for doc.
func revisedRecipients(t *testing.T, app core.App, doc string) []string {
	t.Helper()
	recs, err := app.FindRecordsByFilter("notifications", "kind = 'document.revised' && link = {:l}", "", 0, 0,
		map[string]any{"l": "/documents/" + doc})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range recs {
		out = append(out, r.GetString("user"))
	}
	slices.Sort(out)
	return out
}

func TestDocumentRevisedNotifiesTheAudience(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedDocuments(t, app)
	if n, _ := app.CountRecords("notifications"); n != 0 {
		t.Fatalf("first versions notified %d users", n)
	}
	acme := []string{testapp.AcmeAdminID, testapp.AcmeUserID}
	slices.Sort(acme)
	globex := []string{testapp.GlobexAdminID, testapp.GlobexUserID}
	slices.Sort(globex)
	for _, c := range []struct {
		doc, label string
		want       []string
	}{
		{testapp.DocGold, "gold tier", acme},
		{testapp.DocAcmePrivate, "private to Acme", acme},
		{testapp.DocGlobex, "named partner Globex", globex},
		{testapp.DocEurope, "region nobody is in", nil},
		{testapp.DocDraft, "draft", nil},
	} {
		if _, err := testapp.AddVersion(app, c.doc, testapp.AdminID, "file.txt", []byte(c.doc+" v2")); err != nil {
			t.Fatalf("%s: %v", c.label, err)
		}
		if got := revisedRecipients(t, app, c.doc); !slices.Equal(got, c.want) {
			t.Errorf("%s: notified %v, want %v", c.label, got, c.want)
		}
	}
	// Titles in each recipient's language.
	for user, want := range map[string]string{
		testapp.AcmeUserID:   "Gold playbook foi atualizado",
		testapp.GlobexUserID: "Globex joint plan was updated",
	} {
		recs, err := app.FindRecordsByFilter("notifications", "user = {:u}", "", 0, 0, map[string]any{"u": user})
		if err != nil || len(recs) == 0 {
			t.Fatalf("%s: %v", user, err)
		}
		if !slices.ContainsFunc(recs, func(r *core.Record) bool { return r.GetString("title") == want }) {
			t.Errorf("%s: no notification titled %q", user, want)
		}
	}
}

func TestDocumentRevisedSkipsDeactivatedAndUploader(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedDocuments(t, app)
	carla, err := app.FindRecordById("users", testapp.AcmeAdminID)
	if err != nil {
		t.Fatal(err)
	}
	carla.Set("deactivated", true)
	if err := app.Save(carla); err != nil {
		t.Fatal(err)
	}
	if _, err := testapp.AddVersion(app, testapp.DocAll, testapp.AdminID, "file.txt", []byte("all v2")); err != nil {
		t.Fatal(err)
	}
	got := revisedRecipients(t, app, testapp.DocAll)
	want := []string{testapp.AcmeUserID, testapp.GlobexAdminID, testapp.GlobexUserID}
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Errorf("audience all notified %v, want %v (not the deactivated Carla, not staff)", got, want)
	}
}

// A version whose date was set before saving (history imported by Go code,
// such as the demo) notifies nobody; the API cannot set that date.
func TestDocumentHistoryNotifiesNobody(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedDocuments(t, app)
	c, err := app.FindCollectionByNameOrId("document_versions")
	if err != nil {
		t.Fatal(err)
	}
	f, err := filesystem.NewFileFromBytes([]byte("old v2"), "file.txt")
	if err != nil {
		t.Fatal(err)
	}
	v := core.NewRecord(c)
	v.Set("document", testapp.DocGold)
	v.Set("uploaded_by", testapp.AdminID)
	v.Set("file", f)
	v.Set("filename", "file.txt")
	past, _ := types.ParseDateTime(time.Now().AddDate(0, -2, 0))
	v.SetRaw("created", past)
	if err := app.RunInTransaction(func(tx core.App) error { return tx.Save(v) }); err != nil {
		t.Fatal(err)
	}
	if got := revisedRecipients(t, app, testapp.DocGold); len(got) != 0 {
		t.Errorf("history notified %v", got)
	}
	if n, _ := app.CountRecords("activity", dbx.HashExp{"kind": "document.revised", "target_id": testapp.DocGold}); n != 1 {
		t.Errorf("%d document.revised events, want 1 (history is still recorded)", n)
	}
}

func TestDigestJobScheduled(t *testing.T) {
	app := testapp.New(t)
	for _, j := range app.Cron().Jobs() {
		if j.Id() == "ponte.notifications.digest" {
			if j.Expression() != "0 7 * * *" {
				t.Errorf("digest schedule %q", j.Expression())
			}
			return
		}
	}
	t.Fatal("no digest job")
}
