package ui_test

// The notifications pages through the portal: the list (own only, newest
// first, unread marked, paged), open/mark read/mark all/delete from both
// sides, the bell and its count endpoint, the e-mail preference on the
// profile, and the guest unsubscribe page (including the one-click POST a
// mail client sends without a CSRF token).

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/notify"
	"github.com/ponte-portal/ponte/internal/testapp"
)

func notificationServer(t *testing.T) (core.App, *browser, *browser, func() *browser) {
	t.Helper()
	app, srv := newServer(t)
	testapp.SeedNotifications(t, app)
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	fabio := signedIn(t, app, srv, testapp.GlobexUserEmail)
	return app, diego, fabio, func() *browser { return newBrowser(t, srv) }
}

func noteField(t *testing.T, app core.App, id, field string) string {
	t.Helper()
	r, err := app.FindRecordById("notifications", id)
	if err != nil {
		t.Fatalf("notification %s: %v", id, err)
	}
	return r.GetString(field)
}

func TestNotificationsPage(t *testing.T) {
	app, diego, fabio, guest := notificationServer(t)

	r := diego.get("/notifications")
	expectStatus(t, r, http.StatusOK, "diego's notifications")
	expectContains(t, r, "diego's notifications", "Diego unread", "Diego read this",
		`notification-unread" id="n-`+testapp.NoteAcmeUserUnread+`"`, `class="row notification" id="n-`+testapp.NoteAcmeUserRead+`"`,
		"Marcar todas como lidas", "1 não lida", `data-count="1"`)
	expectNotContains(t, r, "diego's notifications", "Fabio unread", "Carla unread", "Ana unread")
	if strings.Index(r.Body, "Diego unread") > strings.Index(r.Body, "Diego read this") {
		t.Error("older notification listed first")
	}

	r = fabio.get("/notifications")
	expectStatus(t, r, http.StatusOK, "fabio's notifications")
	expectContains(t, r, "fabio's notifications", "Fabio unread", "Mark all as read", `data-count="1"`)
	expectNotContains(t, r, "fabio's notifications", "Diego unread", "Diego read this")

	// Paging: 25 more for Fabio, 20 a page, no total.
	testapp.AddNotifications(t, app, testapp.GlobexUserID, "Page item", 25)
	r = fabio.get("/notifications")
	expectContains(t, r, "page 1", `href="/notifications?page=2"`, "Page item 25", "Page item 6")
	expectNotContains(t, r, "page 1", ">Page item 5<", "Fabio unread")
	r = fabio.get("/notifications?page=2")
	expectStatus(t, r, http.StatusOK, "page 2")
	expectContains(t, r, "page 2", "Page item 5", "Page item 1", "Fabio unread", `href="/notifications"`)
	expectNotContains(t, r, "page 2", "?page=3", "Page item 6<")
	expectStatus(t, fabio.get("/notifications?page=abc"), http.StatusBadRequest, "bad page")

	// Guests are sent to sign in.
	r = guest().get("/notifications")
	if r.Status != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
		t.Errorf("guest: %d %s", r.Status, r.Header.Get("Location"))
	}
}

func TestNotificationOpen(t *testing.T) {
	app, diego, fabio, _ := notificationServer(t)

	// Another user's notification is a 404 and stays unread.
	r := fabio.post("/notifications/"+testapp.NoteAcmeUserUnread+"/open", nil)
	expectStatus(t, r, http.StatusNotFound, "fabio opens diego's")
	if noteField(t, app, testapp.NoteAcmeUserUnread, "read_at") != "" {
		t.Fatal("fabio marked diego's notification read")
	}

	r = diego.post("/notifications/"+testapp.NoteAcmeUserUnread+"/open", nil)
	expectStatus(t, r, http.StatusSeeOther, "diego opens his")
	if loc := r.Header.Get("Location"); loc != "/documents" {
		t.Errorf("redirected to %q", loc)
	}
	if noteField(t, app, testapp.NoteAcmeUserUnread, "read_at") == "" {
		t.Error("opening did not mark it read")
	}
	expectContains(t, diego.get("/"), "bell after opening", `data-count="0"`)

	// A link that is not a local path never leaves the portal, even if a
	// row got past the schema's pattern.
	for _, bad := range []string{"//evil.example/x", "/\\evil.example", "https://evil.example"} {
		if _, err := app.DB().Update("notifications", dbx.Params{"link": bad},
			dbx.HashExp{"id": testapp.NoteAcmeUserRead}).Execute(); err != nil {
			t.Fatal(err)
		}
		r = diego.post("/notifications/"+testapp.NoteAcmeUserRead+"/open", nil)
		if r.Status != http.StatusSeeOther || r.Header.Get("Location") != "/notifications" {
			t.Errorf("link %q: %d → %q", bad, r.Status, r.Header.Get("Location"))
		}
	}
	expectStatus(t, diego.post("/notifications/nosuchnote0001/open", nil), http.StatusNotFound, "unknown id")
	// Without the CSRF token: refused.
	r = diego.do(http.MethodPost, "/notifications/"+testapp.NoteAcmeUserRead+"/open", url.Values{})
	expectStatus(t, r, http.StatusForbidden, "open without CSRF token")
}

func TestNotificationMarkReadAndDelete(t *testing.T) {
	app, diego, fabio, _ := notificationServer(t)

	expectStatus(t, fabio.post("/notifications/"+testapp.NoteAcmeUserUnread+"/read", nil), http.StatusNotFound, "fabio marks diego's")
	expectStatus(t, fabio.post("/notifications/"+testapp.NoteAcmeUserUnread+"/delete", nil), http.StatusNotFound, "fabio deletes diego's")
	if noteField(t, app, testapp.NoteAcmeUserUnread, "read_at") != "" {
		t.Fatal("fabio changed diego's notification")
	}

	r := diego.post("/notifications/"+testapp.NoteAcmeUserUnread+"/read", url.Values{"page": {"2"}})
	expectStatus(t, r, http.StatusSeeOther, "diego marks his read")
	if loc := r.Header.Get("Location"); loc != "/notifications?page=2" {
		t.Errorf("back to %q", loc)
	}
	if noteField(t, app, testapp.NoteAcmeUserUnread, "read_at") == "" {
		t.Error("not marked read")
	}
	r = diego.get("/notifications")
	expectContains(t, r, "after marking", "A notificação foi marcada como lida.", `data-count="0"`, "Nada por ler")
	expectNotContains(t, r, "after marking", "notification-unread", "Marcar todas como lidas")

	r = diego.post("/notifications/"+testapp.NoteAcmeUserRead+"/delete", nil)
	expectStatus(t, r, http.StatusSeeOther, "diego deletes his")
	if _, err := app.FindRecordById("notifications", testapp.NoteAcmeUserRead); err == nil {
		t.Error("still there after delete")
	}
	if _, err := app.FindRecordById("notifications", testapp.NoteGlobexUser); err != nil {
		t.Error("fabio's notification went too")
	}
}

func TestNotificationMarkAllRead(t *testing.T) {
	app, diego, _, _ := notificationServer(t)
	ids := testapp.AddNotifications(t, app, testapp.AcmeUserID, "More", 230) // more than one batch
	expectContains(t, diego.get("/"), "bell before", `data-count="231"`, ">99+<")

	r := diego.post("/notifications/read-all", nil)
	expectStatus(t, r, http.StatusSeeOther, "mark all")
	n, err := app.CountRecords("notifications", dbx.HashExp{"user": testapp.AcmeUserID, "read_at": ""})
	if err != nil || n != 0 {
		t.Fatalf("%d of diego's still unread (%v)", n, err)
	}
	if noteField(t, app, ids[0], "read_at") == "" {
		t.Error("first batch not read")
	}
	// Other users' notifications are untouched.
	for _, id := range []string{testapp.NoteAcmeAdmin, testapp.NoteGlobexUser, testapp.NoteManagerAna} {
		if noteField(t, app, id, "read_at") != "" {
			t.Errorf("%s marked read by diego's mark-all", id)
		}
	}
	expectContains(t, diego.get("/notifications"), "after mark all",
		"Todas as suas notificações foram marcadas como lidas.", `data-count="0"`)
}

func TestNotificationCountEndpoint(t *testing.T) {
	app, diego, fabio, guest := notificationServer(t)
	r := diego.get("/notifications/count")
	expectStatus(t, r, http.StatusOK, "count")
	expectContains(t, r, "count", `class="bell"`, `data-count="1"`, "Notificações, 1 não lida")
	expectNotContains(t, r, "count", "<main", "<html")
	if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control %q", cc)
	}
	testapp.AddNotifications(t, app, testapp.GlobexUserID, "x", 3)
	expectContains(t, fabio.get("/notifications/count"), "fabio's count", `data-count="4"`, "Notifications, 4 unread")
	expectContains(t, diego.get("/notifications/count"), "diego's count unchanged", `data-count="1"`)
	r = guest().get("/notifications/count")
	expectStatus(t, r, http.StatusSeeOther, "guest count")
}

func TestNotificationEmailPreference(t *testing.T) {
	app, diego, fabio, _ := notificationServer(t)
	pref := func(id string) string {
		u, err := app.FindRecordById("users", id)
		if err != nil {
			t.Fatal(err)
		}
		return u.GetString("notify_email")
	}
	r := diego.get("/profile")
	expectContains(t, r, "profile", `id="notify-h"`, `value="digest" checked`, "Uma vez por dia")

	r = diego.post("/profile/notifications", url.Values{"notify_email": {"immediate"}})
	expectStatus(t, r, http.StatusSeeOther, "save immediate")
	if got := pref(testapp.AcmeUserID); got != "immediate" {
		t.Fatalf("preference %q", got)
	}
	expectContains(t, diego.get("/profile"), "profile after", `value="immediate" checked`, "Sua preferência de e-mail foi salva.")
	if pref(testapp.GlobexUserID) != "" {
		t.Error("fabio's preference changed")
	}

	r = fabio.post("/profile/notifications", url.Values{"notify_email": {"weekly"}})
	expectStatus(t, r, http.StatusBadRequest, "bad preference")
	expectContains(t, r, "bad preference", `id="e-notify_email"`)
	if pref(testapp.GlobexUserID) != "" {
		t.Error("bad preference saved")
	}
	r = fabio.post("/profile/notifications", url.Values{"notify_email": {"off"}})
	expectStatus(t, r, http.StatusSeeOther, "save off")
	if pref(testapp.GlobexUserID) != "off" {
		t.Error("off not saved")
	}
}

func TestUnsubscribe(t *testing.T) {
	app, _, fabio, guest := notificationServer(t)
	key, err := notify.UnsubscribeKey(app, testapp.AcmeUserID)
	if err != nil {
		t.Fatal(err)
	}
	pref := func() string {
		u, _ := app.FindRecordById("users", testapp.AcmeUserID)
		return u.GetString("notify_email")
	}

	// A wrong or malformed key is a 404, for GET and POST.
	g := guest()
	for _, bad := range []string{strings.Repeat("A", 43), key[:42], "x", key + "x"} {
		expectStatus(t, g.get("/unsubscribe/"+bad), http.StatusNotFound, "GET bad key "+bad)
		expectStatus(t, g.do(http.MethodPost, "/unsubscribe/"+bad, url.Values{"List-Unsubscribe": {"One-Click"}}),
			http.StatusNotFound, "POST bad key "+bad)
	}

	// GET only asks (a link scanner must not unsubscribe), in Diego's language.
	r := g.get("/unsubscribe/" + key)
	expectStatus(t, r, http.StatusOK, "confirmation page")
	expectContains(t, r, "confirmation page", `lang="pt-BR"`, "Parar os e-mails de notificação", `action="/unsubscribe/`+key+`"`)
	if pref() != "" {
		t.Fatal("GET unsubscribed")
	}

	// The one-click POST of a mail client: no cookie, no CSRF token.
	r = newBrowser(t, g.srv).do(http.MethodPost, "/unsubscribe/"+key, url.Values{"List-Unsubscribe": {"One-Click"}})
	expectStatus(t, r, http.StatusOK, "one-click POST")
	expectContains(t, r, "one-click POST", "Inscrição cancelada")
	if pref() != "off" {
		t.Fatalf("preference %q after unsubscribing", pref())
	}
	expectContains(t, g.get("/unsubscribe/"+key), "again", "já estão desativados")
	// The confirmation button works too (and for a signed-in user of
	// another account, it still only touches the key's owner).
	key2, _ := notify.UnsubscribeKey(app, testapp.GlobexUserID)
	expectStatus(t, fabio.post("/unsubscribe/"+key2, nil), http.StatusOK, "button")
	if u, _ := app.FindRecordById("users", testapp.GlobexUserID); u.GetString("notify_email") != "off" {
		t.Error("button did not unsubscribe")
	}
	// Only this route skips the CSRF check.
	expectStatus(t, fabio.do(http.MethodPost, "/notifications/read-all", url.Values{}), http.StatusForbidden, "other POST without token")
	expectStatus(t, fabio.do(http.MethodPost, "/profile/notifications", url.Values{"notify_email": {"immediate"}}), http.StatusForbidden, "prefs without token")
}

// TestOpeningThePageReadsItsNotification: opening the document a
// notification points at marks it read, as clicking it would; another
// user's notification for the same page stays unread.
func TestOpeningThePageReadsItsNotification(t *testing.T) {
	app, srv := newServer(t)
	testapp.SeedDocuments(t, app)
	link := "/documents/" + testapp.DocAll
	if err := notify.Send(app, notify.KindDocumentRevised, link, testapp.AdminID, []any{"Price list 2026"},
		testapp.AcmeUserID, testapp.GlobexUserID); err != nil {
		t.Fatal(err)
	}
	diego := signedIn(t, app, srv, testapp.AcmeUserEmail)
	expectStatus(t, diego.get(link), http.StatusOK, "diego opens the document")
	for user, wantRead := range map[string]bool{testapp.AcmeUserID: true, testapp.GlobexUserID: false} {
		n, err := app.FindFirstRecordByFilter("notifications", "user = {:u}", dbx.Params{"u": user})
		if err != nil {
			t.Fatal(err)
		}
		if got := n.GetString("read_at") != ""; got != wantRead {
			t.Errorf("%s: read = %v, want %v", user, got, wantRead)
		}
	}
}
