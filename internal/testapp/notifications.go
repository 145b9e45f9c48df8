package testapp

import (
	"strconv"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Fixture notifications (SeedNotifications), with fixed ids.
const (
	NoteAcmeUserUnread = "noteacmeuser001" // Diego's, unread, links to /documents
	NoteAcmeUserRead   = "noteacmeuser002" // Diego's, read
	NoteAcmeAdmin      = "noteacmeadmin01" // Carla's, unread
	NoteGlobexUser     = "noteglobexuser1" // Fabio's, unread
	NoteManagerAna     = "notemanagerana1" // Ana's, unread
)

// FixtureNotification describes one fixture notification.
type FixtureNotification struct {
	ID, User, Kind, Title, Link string
	Read                        bool
}

// FixtureNotifications lists what SeedNotifications writes, oldest first.
var FixtureNotifications = []FixtureNotification{
	{NoteAcmeUserRead, AcmeUserID, "announcement.published", "Diego read this", "/announcements", true},
	{NoteAcmeUserUnread, AcmeUserID, "document.revised", "Diego unread", "/documents", false},
	{NoteAcmeAdmin, AcmeAdminID, "document.revised", "Carla unread", "/documents", false},
	{NoteGlobexUser, GlobexUserID, "conversation.message", "Fabio unread", "/conversations", false},
	{NoteManagerAna, ManagerAnaID, "forum.reply", "Ana unread", "/forums", false},
}

// SeedNotifications adds FixtureNotifications to a fixture app, a second
// apart so their order is fixed.
func SeedNotifications(t testing.TB, app core.App) {
	t.Helper()
	c, err := app.FindCollectionByNameOrId("notifications")
	if err != nil {
		t.Fatal(err)
	}
	base := time.Now().UTC().Add(-time.Hour)
	for i, n := range FixtureNotifications {
		r := core.NewRecord(c)
		r.Id = n.ID
		r.Set("user", n.User)
		r.Set("kind", n.Kind)
		r.Set("title", n.Title)
		r.Set("link", n.Link)
		if n.Read {
			r.Set("read_at", types.NowDateTime())
		}
		if err := app.Save(r); err != nil {
			t.Fatalf("testapp: seeding notification %s: %v", n.ID, err)
		}
		// created is an autodate: set it afterwards to order the fixture.
		at, _ := types.ParseDateTime(base.Add(time.Duration(i) * time.Second))
		if _, err := app.DB().Update("notifications", dbx.Params{"created": at.String()},
			dbx.HashExp{"id": n.ID}).Execute(); err != nil {
			t.Fatal(err)
		}
	}
}

// AddNotifications writes n unread notifications for a user, created one
// second apart ending now, titled "<prefix> 1" … "<prefix> n", and returns
// their ids, oldest first.
func AddNotifications(t testing.TB, app core.App, userID, prefix string, n int) []string {
	t.Helper()
	c, err := app.FindCollectionByNameOrId("notifications")
	if err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 0, n)
	now := time.Now().UTC()
	for i := 1; i <= n; i++ {
		r := core.NewRecord(c)
		r.Set("user", userID)
		r.Set("kind", "announcement.published")
		r.Set("title", prefix+" "+strconv.Itoa(i))
		r.Set("link", "/announcements")
		if err := app.Save(r); err != nil {
			t.Fatal(err)
		}
		at, _ := types.ParseDateTime(now.Add(time.Duration(i-n) * time.Second))
		if _, err := app.DB().Update("notifications", dbx.Params{"created": at.String()},
			dbx.HashExp{"id": r.Id}).Execute(); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, r.Id)
	}
	return ids
}
