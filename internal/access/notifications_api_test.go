package access_test

// The notifications access matrix through the REST API: every role × list,
// view, create, update and delete on the fixture notifications
// (testapp.SeedNotifications). Each user sees, marks and deletes only their
// own; an update may set read_at and nothing else; nobody but a superuser
// creates one (hooks do). Also the e-mail preference and the unsubscribe key
// on users: the key never shows and cannot be written, and only the user
// chooses their preference.

import (
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/tests"

	"github.com/ponte-portal/ponte/internal/notify"
	"github.com/ponte-portal/ponte/internal/testapp"
)

func seedNotes(t testing.TB, app *tests.TestApp) { testapp.SeedNotifications(t, app) }

var (
	allNotes = []string{testapp.NoteAcmeUserUnread, testapp.NoteAcmeUserRead, testapp.NoteAcmeAdmin,
		testapp.NoteGlobexUser, testapp.NoteManagerAna}
	noteOwner = map[string]actor{
		testapp.NoteAcmeUserUnread: acmeUser, testapp.NoteAcmeUserRead: acmeUser,
		testapp.NoteAcmeAdmin: acmeAdmin, testapp.NoteGlobexUser: globexUser, testapp.NoteManagerAna: ana,
	}
	noteTitle = map[string]string{}
)

func init() {
	for _, n := range testapp.FixtureNotifications {
		noteTitle[n.ID] = n.Title
	}
}

func ownNotes(a actor) []string {
	var out []string
	for _, id := range allNotes {
		if noteOwner[id] == a {
			out = append(out, id)
		}
	}
	return out
}

// noteIntact checks that a refused request left a notification as seeded.
func noteIntact(id string, unread bool) afterFunc {
	return func(t testing.TB, app *tests.TestApp, _ *http.Response) {
		t.Helper()
		r, err := app.FindRecordById("notifications", id)
		if err != nil {
			t.Fatalf("notification %s gone after a refused request: %v", id, err)
		}
		if r.GetString("title") != noteTitle[id] || r.GetString("user") != noteOwner[id].id ||
			(r.GetString("read_at") == "") != unread || r.GetString("emailed_at") != "" ||
			!strings.HasPrefix(r.GetString("link"), "/") || r.GetString("kind") == "" {
			t.Errorf("notification %s changed by a refused request: %v", id, r.FieldsData())
		}
	}
}

func noteUnread(id string) bool { return id != testapp.NoteAcmeUserRead }

func TestNotificationsAPI(t *testing.T) {
	// Other users' titles never appear in a list or a refused answer.
	var s []tests.ApiScenario
	for _, a := range actors {
		own := ownNotes(a)
		var others []string
		for _, id := range allNotes {
			if !slices.Contains(own, id) {
				others = append(others, `"`+noteTitle[id]+`"`)
			}
		}
		s = append(s, listS(a, "notifications", allNotes, own, others, seedNotes))

		for _, id := range allNotes {
			mine := noteOwner[id] == a
			label := "notification of " + noteOwner[id].name + " " + id
			var hidden []string
			if !mine {
				hidden = []string{`"` + noteTitle[id] + `"`}
			}
			s = append(s, viewS(a, "notifications", id, label, mine, hidden, seedNotes))

			// read_at is the one field a user sets, on their own.
			upd := updateS(nil, a, "notifications", id, label, map[string]any{"read_at": "2026-01-02 03:04:05.000Z"},
				mine, http.StatusNotFound, seedNotes)
			if !mine {
				upd.AfterTestFunc = afterAll(noteIntact(id, noteUnread(id)))
			}
			s = append(s, upd)

			del := deleteS(a, "notifications", id, label, mine, http.StatusNotFound, noteIntact(id, noteUnread(id)), seedNotes)
			s = append(s, del)
		}

		// Nobody creates a notification through the API, not even for
		// themselves (the Create rule is nil): 403, nothing written.
		if a != guest {
			s = append(s, createS(a, "notifications", "a notification for themselves", map[string]any{
				"user": a.id, "kind": "announcement.published", "title": "Forged", "link": "/x",
			}, http.StatusForbidden, countWith("notifications", "title", "Forged", 0), seedNotes))
		}
	}
	s = append(s, createS(guest, "notifications", "a notification", map[string]any{
		"user": testapp.AcmeUserID, "kind": "announcement.published", "title": "Forged", "link": "/x",
	}, http.StatusForbidden, countWith("notifications", "title", "Forged", 0), seedNotes))

	// The owner may not change anything but read_at: not the title, link,
	// kind, owner or the mailer's emailed_at.
	for _, body := range []map[string]any{
		{"title": "Changed"},
		{"link": "/elsewhere"},
		{"link": "//evil.example"},
		{"kind": "forum.reply"},
		{"user": testapp.AcmeAdminID},
		{"emailed_at": "2026-01-02 03:04:05.000Z"},
		{"read_at": "2026-01-02 03:04:05.000Z", "title": "Changed"},
	} {
		sc := updateS(nil, acmeUser, "notifications", testapp.NoteAcmeUserUnread, "own notification", body, false,
			http.StatusNotFound, seedNotes)
		if _, ok := body["link"]; ok && body["link"] == "//evil.example" {
			sc.Name += " (bad link)"
		}
		sc.AfterTestFunc = afterAll(noteIntact(testapp.NoteAcmeUserUnread, true))
		s = append(s, sc)
	}
	run(t, s)
}

// seedKey gives Diego an unsubscribe key.
func seedKey(t testing.TB, app *tests.TestApp) {
	if _, err := notify.UnsubscribeKey(app, testapp.AcmeUserID); err != nil {
		t.Fatal(err)
	}
}

// keyOf returns Diego's stored unsubscribe key.
func keyOf(t testing.TB, app *tests.TestApp) string {
	u, err := app.FindRecordById("users", testapp.AcmeUserID)
	if err != nil {
		t.Fatal(err)
	}
	return u.GetString("unsubscribe_key")
}

func TestNotificationPreferenceAPI(t *testing.T) {
	var s []tests.ApiScenario
	// The key is hidden: not in a view or list, even to its owner, and a
	// PATCH cannot set it.
	for _, a := range []actor{acmeUser, acmeAdmin, ana, admin} {
		s = append(s, tests.ApiScenario{
			Name:               a.name + " views diego: no unsubscribe key",
			Method:             http.MethodGet,
			URL:                recordsURL("users") + "/" + testapp.AcmeUserID,
			TestAppFactory:     testapp.Factory,
			BeforeTestFunc:     as(a, seedKey),
			ExpectedStatus:     http.StatusOK,
			ExpectedContent:    []string{idFrag(testapp.AcmeUserID)},
			NotExpectedContent: []string{`"unsubscribe_key"`},
			AfterTestFunc: func(t testing.TB, app *tests.TestApp, res *http.Response) {
				if k := keyOf(t, app); len(k) != 43 {
					t.Fatalf("key %q", k)
				}
			},
		})
	}
	forged := strings.Repeat("k", 43)
	s = append(s, tests.ApiScenario{
		Name:               "diego sets his own unsubscribe key → ignored",
		Method:             http.MethodPatch,
		URL:                recordsURL("users") + "/" + testapp.AcmeUserID,
		Body:               jsonBody(map[string]any{"unsubscribe_key": forged, "name": "Diego R."}),
		TestAppFactory:     testapp.Factory,
		BeforeTestFunc:     as(acmeUser, seedKey),
		ExpectedStatus:     http.StatusOK,
		ExpectedContent:    []string{`"name":"Diego R."`},
		NotExpectedContent: []string{forged, `"unsubscribe_key"`},
		AfterTestFunc: func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			if k := keyOf(t, app); k == forged || len(k) != 43 {
				t.Errorf("stored key %q", k)
			}
		},
	})

	// The preference: the user themselves only, even where the users rule
	// lets an admin or a partner admin edit the record.
	for _, c := range []struct {
		a      actor
		target actor
		status int
	}{
		{acmeUser, acmeUser, http.StatusOK},
		{globexUser, globexUser, http.StatusOK},
		{acmeAdmin, acmeUser, http.StatusForbidden},
		{admin, acmeUser, http.StatusForbidden},
		{globexAdmin, acmeUser, http.StatusNotFound},
		{guest, acmeUser, http.StatusNotFound},
	} {
		want := ""
		if c.status == http.StatusOK {
			want = "off"
		}
		s = append(s, tests.ApiScenario{
			Name:            fmt.Sprintf("%s sets notify_email of %s → %d", c.a.name, c.target.name, c.status),
			Method:          http.MethodPatch,
			URL:             recordsURL("users") + "/" + c.target.id,
			Body:            jsonBody(map[string]any{"notify_email": "off"}),
			TestAppFactory:  testapp.Factory,
			BeforeTestFunc:  as(c.a),
			ExpectedStatus:  c.status,
			ExpectedContent: []string{map[bool]string{true: `"notify_email":"off"`, false: statusFrag(c.status)}[c.status == http.StatusOK]},
			AfterTestFunc:   afterAll(fieldsAre("users", c.target.id, map[string]any{"notify_email": want})),
		})
	}
	s = append(s, updateS(nil, acmeUser, "users", testapp.AcmeUserID, "himself", map[string]any{"notify_email": "weekly"},
		false, http.StatusBadRequest))
	run(t, s)
}
