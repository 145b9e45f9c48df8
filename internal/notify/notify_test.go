package notify_test

// E-mail notifications with PocketBase's test mailer: immediate e-mails in
// each user's language with List-Unsubscribe headers, the daily digest (one
// e-mail per user, N items, only what is pending and recent), "off" and
// deactivated users getting nothing, and the unsubscribe key.

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/mailer"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/i18n"
	"github.com/ponte-portal/ponte/internal/notify"
	"github.com/ponte-portal/ponte/internal/testapp"
)

func TestMain(m *testing.M) { testapp.Main(m) }

// setPref sets a user's e-mail preference (and deactivation) directly.
func setPref(t *testing.T, app core.App, userID, pref string, deactivated bool) {
	t.Helper()
	u, err := app.FindRecordById("users", userID)
	if err != nil {
		t.Fatal(err)
	}
	u.Set("notify_email", pref)
	u.Set("deactivated", deactivated)
	if err := app.Save(u); err != nil {
		t.Fatal(err)
	}
}

// mailTo returns the messages sent to an address.
func mailTo(app *tests.TestApp, addr string) []*mailer.Message {
	var out []*mailer.Message
	for _, m := range app.TestMailer.Messages() {
		for _, to := range m.To {
			if to.Address == addr {
				out = append(out, m)
			}
		}
	}
	return out
}

var unsubHeader = regexp.MustCompile(`^<http://localhost:8090/unsubscribe/([A-Za-z0-9_-]{43})>$`)

// checkUnsubscribe asserts the List-Unsubscribe headers and that the link
// in them is the user's key and appears in both parts of the e-mail.
func checkUnsubscribe(t *testing.T, app core.App, m *mailer.Message, userID string) {
	t.Helper()
	got := unsubHeader.FindStringSubmatch(m.Headers["List-Unsubscribe"])
	if got == nil {
		t.Fatalf("List-Unsubscribe = %q", m.Headers["List-Unsubscribe"])
	}
	if m.Headers["List-Unsubscribe-Post"] != "List-Unsubscribe=One-Click" {
		t.Errorf("List-Unsubscribe-Post = %q", m.Headers["List-Unsubscribe-Post"])
	}
	key, err := notify.UnsubscribeKey(app, userID)
	if err != nil || key != got[1] {
		t.Errorf("header key %q, user's key %q (%v)", got[1], key, err)
	}
	for _, part := range []string{m.HTML, m.Text} {
		if !strings.Contains(part, "/unsubscribe/"+key) {
			t.Errorf("e-mail part lacks the unsubscribe link:\n%s", part)
		}
	}
}

func emailedAt(t *testing.T, app core.App, id string) string {
	t.Helper()
	r, err := app.FindRecordById("notifications", id)
	if err != nil {
		t.Fatal(err)
	}
	return r.GetString("emailed_at")
}

func notesOf(t *testing.T, app core.App, userID string) []*core.Record {
	t.Helper()
	recs, err := app.FindRecordsByFilter("notifications", "user = {:u}", "-created", 0, 0, map[string]any{"u": userID})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestImmediateEmailInUserLanguage(t *testing.T) {
	app := testapp.New(t)
	setPref(t, app, testapp.AcmeUserID, notify.EmailImmediate, false)   // Diego, pt-BR
	setPref(t, app, testapp.GlobexUserID, notify.EmailImmediate, false) // Fabio, en
	setPref(t, app, testapp.AcmeAdminID, notify.EmailDigest, false)     // Carla: digest
	setPref(t, app, testapp.GlobexAdminID, notify.EmailOff, false)      // Elena: off
	app.TestMailer.Reset()

	err := notify.Send(app, notify.KindDocumentRevised, "/documents/docgold00000001", testapp.AdminID,
		[]any{"Gold playbook"}, testapp.AcmeUserID, testapp.GlobexUserID, testapp.AcmeAdminID, testapp.GlobexAdminID, testapp.ManagerAnaID)
	if err != nil {
		t.Fatal(err)
	}
	if n := app.TestMailer.TotalSend(); n != 2 {
		t.Fatalf("%d e-mails sent, want 2 (Diego and Fabio)", n)
	}
	for _, c := range []struct {
		id, email, subject, lang, intro string
	}{
		{testapp.AcmeUserID, testapp.AcmeUserEmail, "Gold playbook foi atualizado", `lang="pt-BR"`, "Há uma novidade para você"},
		{testapp.GlobexUserID, testapp.GlobexUserEmail, "Gold playbook was updated", `lang="en"`, "There is something new for you"},
	} {
		ms := mailTo(app, c.email)
		if len(ms) != 1 {
			t.Fatalf("%s got %d e-mails, want 1", c.email, len(ms))
		}
		m := ms[0]
		if m.Subject != c.subject {
			t.Errorf("%s subject %q, want %q", c.email, m.Subject, c.subject)
		}
		for _, want := range []string{c.lang, c.intro, `href="http://localhost:8090/documents/docgold00000001"`} {
			if !strings.Contains(m.HTML, want) {
				t.Errorf("%s HTML lacks %q:\n%s", c.email, want, m.HTML)
			}
		}
		if !strings.Contains(m.Text, "http://localhost:8090/documents/docgold00000001") {
			t.Errorf("%s text part lacks the link:\n%s", c.email, m.Text)
		}
		checkUnsubscribe(t, app, m, c.id)
		notes := notesOf(t, app, c.id)
		if len(notes) != 1 || notes[0].GetString("emailed_at") == "" {
			t.Errorf("%s: emailed_at not set on %d notifications", c.email, len(notes))
		}
	}
	// Digest and off users are not e-mailed now, and their notifications
	// stay pending (the digest's business).
	for _, id := range []string{testapp.AcmeAdminID, testapp.GlobexAdminID, testapp.ManagerAnaID} {
		notes := notesOf(t, app, id)
		if len(notes) != 1 || notes[0].GetString("emailed_at") != "" {
			t.Errorf("user %s: %d notifications, emailed_at %q", id, len(notes), notes[0].GetString("emailed_at"))
		}
	}
}

func TestImmediateEmailSkipsDeactivatedAndFailsSoftly(t *testing.T) {
	app := testapp.New(t)
	setPref(t, app, testapp.AcmeUserID, notify.EmailImmediate, true) // deactivated
	setPref(t, app, testapp.GlobexUserID, notify.EmailImmediate, false)
	app.TestMailer.Reset()
	// A mailer that fails: the notification is still created.
	app.OnMailerSend().BindFunc(func(e *core.MailerEvent) error { return errors.New("smtp down") })
	if err := notify.Send(app, notify.KindAnnouncement, "/announcements", "", []any{"Hi"},
		testapp.AcmeUserID, testapp.GlobexUserID); err != nil {
		t.Fatalf("a failed e-mail failed the notification: %v", err)
	}
	if n := len(notesOf(t, app, testapp.AcmeUserID)); n != 0 {
		t.Errorf("deactivated user got %d notifications", n)
	}
	notes := notesOf(t, app, testapp.GlobexUserID)
	if len(notes) != 1 || notes[0].GetString("emailed_at") != "" {
		t.Fatalf("fabio: %d notifications; a failed e-mail must leave emailed_at empty", len(notes))
	}
}

func TestDigest(t *testing.T) {
	app := testapp.New(t)
	setPref(t, app, testapp.AcmeAdminID, notify.EmailDigest, false)       // Carla: digest, pt-BR
	setPref(t, app, testapp.GlobexUserID, notify.EmailOff, false)         // Fabio: off
	setPref(t, app, testapp.GlobexAdminID, notify.EmailDigest, true)      // Elena: deactivated
	setPref(t, app, testapp.ManagerBrunoID, notify.EmailImmediate, false) // Bruno: e-mailed already
	// Diego keeps the default (empty: digest).
	diego := testapp.AddNotifications(t, app, testapp.AcmeUserID, "Diego", 3)
	carla := testapp.AddNotifications(t, app, testapp.AcmeAdminID, "Carla", 1)
	testapp.AddNotifications(t, app, testapp.GlobexUserID, "Fabio", 2)
	testapp.AddNotifications(t, app, testapp.GlobexAdminID, "Elena", 2)
	testapp.AddNotifications(t, app, testapp.ManagerBrunoID, "Bruno", 2)
	// Not in a digest: Diego's old, read and already e-mailed ones.
	old := testapp.AddNotifications(t, app, testapp.AcmeUserID, "Old", 1)[0]
	backdate(t, app, old, 30*time.Hour)
	read := testapp.AddNotifications(t, app, testapp.AcmeUserID, "Read", 1)[0]
	set(t, app, read, "read_at", types.NowDateTime())
	mailed := testapp.AddNotifications(t, app, testapp.AcmeUserID, "Mailed", 1)[0]
	set(t, app, mailed, "emailed_at", types.NowDateTime())
	app.TestMailer.Reset()

	now := time.Now().Add(time.Second)
	sent, err := notify.SendDigests(app, now)
	if err != nil {
		t.Fatal(err)
	}
	if sent != 2 || app.TestMailer.TotalSend() != 2 {
		t.Fatalf("sent %d (mailer %d), want 2: Diego and Carla", sent, app.TestMailer.TotalSend())
	}
	for _, c := range []struct {
		user, email, subject string
		items                []string
		ids                  []string
	}{
		{testapp.AcmeUserID, testapp.AcmeUserEmail, "Ponte: 3 notificações novas", []string{"Diego 3", "Diego 2", "Diego 1"}, diego},
		{testapp.AcmeAdminID, testapp.AcmeAdminEmail, "Ponte: 1 notificação nova", []string{"Carla 1"}, carla},
	} {
		ms := mailTo(app, c.email)
		if len(ms) != 1 {
			t.Fatalf("%s got %d digests", c.email, len(ms))
		}
		m := ms[0]
		if m.Subject != c.subject {
			t.Errorf("subject %q, want %q", m.Subject, c.subject)
		}
		if got := strings.Count(m.HTML, "<li "); got != len(c.items) {
			t.Errorf("%s: %d items, want %d", c.email, got, len(c.items))
		}
		// Newest first.
		last := -1
		for _, it := range c.items {
			i := strings.Index(m.HTML, ">"+it+"<")
			if i < 0 || i < last {
				t.Errorf("%s: item %q missing or out of order", c.email, it)
			}
			last = i
		}
		for _, not := range []string{"Old 1", "Read 1", "Mailed 1", "Fabio", "Elena", "Bruno"} {
			if strings.Contains(m.HTML, not) {
				t.Errorf("%s: digest lists %q", c.email, not)
			}
		}
		if !strings.Contains(m.HTML, `href="http://localhost:8090/notifications"`) {
			t.Errorf("digest lacks the link to the notifications page")
		}
		checkUnsubscribe(t, app, m, c.user)
		for _, id := range c.ids {
			if emailedAt(t, app, id) == "" {
				t.Errorf("%s: notification %s not marked e-mailed", c.email, id)
			}
		}
	}
	if emailedAt(t, app, old) != "" || emailedAt(t, app, read) != "" {
		t.Error("an old or read notification was marked e-mailed")
	}
	// A second run the same day sends nothing.
	app.TestMailer.Reset()
	if sent, err := notify.SendDigests(app, now); err != nil || sent != 0 || app.TestMailer.TotalSend() != 0 {
		t.Errorf("second run sent %d (%v)", sent, err)
	}
}

func TestDigestCapsTheList(t *testing.T) {
	app := testapp.New(t)
	testapp.AddNotifications(t, app, testapp.GlobexUserID, "Item", 25) // Fabio, en
	app.TestMailer.Reset()
	if sent, err := notify.SendDigests(app, time.Now().Add(time.Second)); err != nil || sent != 1 {
		t.Fatalf("sent %d (%v)", sent, err)
	}
	m := app.TestMailer.LastMessage()
	if m.Subject != "Ponte: 25 new notifications" {
		t.Errorf("subject %q", m.Subject)
	}
	if got := strings.Count(m.HTML, "<li "); got != 20 {
		t.Errorf("%d items listed, want 20", got)
	}
	if !strings.Contains(m.HTML, "…and 5 more.") || !strings.Contains(m.HTML, ">Item 25<") || strings.Contains(m.HTML, ">Item 5<") {
		t.Errorf("digest list:\n%s", m.HTML)
	}
	for _, n := range notesOf(t, app, testapp.GlobexUserID) {
		if n.GetString("emailed_at") == "" {
			t.Errorf("%s (%s) not marked e-mailed", n.Id, n.GetString("title"))
		}
	}
}

func TestUnsubscribeKey(t *testing.T) {
	app := testapp.New(t)
	k1, err := notify.UnsubscribeKey(app, testapp.AcmeUserID)
	if err != nil {
		t.Fatal(err)
	}
	k2, _ := notify.UnsubscribeKey(app, testapp.AcmeUserID)
	other, _ := notify.UnsubscribeKey(app, testapp.GlobexUserID)
	if k1 != k2 || len(k1) != 43 || k1 == other {
		t.Fatalf("keys %q %q %q", k1, k2, other)
	}
	u, err := notify.UserByUnsubscribeKey(app, k1)
	if err != nil || u.Id != testapp.AcmeUserID {
		t.Fatalf("key of %v (%v)", u, err)
	}
	for _, bad := range []string{"", "x", strings.Repeat("a", 43), k1[:42], k1 + "a", "' OR 1=1 --"} {
		if _, err := notify.UserByUnsubscribeKey(app, bad); !errors.Is(err, notify.ErrUnknownKey) {
			t.Errorf("key %q: %v", bad, err)
		}
	}
	if err := notify.Unsubscribe(app, u); err != nil {
		t.Fatal(err)
	}
	u, _ = app.FindRecordById("users", testapp.AcmeUserID)
	if notify.EmailPreference(u) != notify.EmailOff {
		t.Errorf("preference %q after unsubscribing", u.GetString("notify_email"))
	}
	// The key is hidden from the REST API even to its owner.
	if pub := fmt.Sprint(u.PublicExport()); strings.Contains(pub, k1) {
		t.Error("the unsubscribe key is in the user's public export")
	}
}

func TestSafeLink(t *testing.T) {
	for link, want := range map[string]bool{
		"/documents/abc": true, "/forums/t/1#p2": true, "/": true,
		"": false, "//evil.example": false, "/\\evil.example": false, "https://evil.example": false,
		"javascript:alert(1)": false, "/a\nb": false, "documents": false,
	} {
		if got := notify.SafeLink(link); got != want {
			t.Errorf("SafeLink(%q) = %v", link, got)
		}
	}
}

// backdate moves a notification's created back by d.
func backdate(t *testing.T, app core.App, id string, d time.Duration) {
	t.Helper()
	at, _ := types.ParseDateTime(time.Now().Add(-d))
	set(t, app, id, "created", at)
}

// set writes a field directly (created is an autodate a save would reset).
func set(t *testing.T, app core.App, id, field string, v types.DateTime) {
	t.Helper()
	if _, err := app.DB().Update("notifications", dbx.Params{field: v.String()}, dbx.HashExp{"id": id}).Execute(); err != nil {
		t.Fatal(err)
	}
}

// The unsubscribe page's lookup uses the partial unique index on the key.
func TestUnsubscribeLookupUsesIndex(t *testing.T) {
	app := testapp.New(t)
	var plan []struct {
		Detail string `db:"detail"`
	}
	q := app.RecordQuery("users").AndWhere(dbx.NewExp("[[users.unsubscribe_key]] = {:key} AND [[users.unsubscribe_key]] != ''",
		dbx.Params{"key": "k"})).Limit(1).Build()
	if err := app.DB().NewQuery("EXPLAIN QUERY PLAN " + q.SQL()).Bind(q.Params()).All(&plan); err != nil {
		t.Fatal(err)
	}
	if len(plan) == 0 || !strings.Contains(plan[0].Detail, "idx_users_unsubscribe_key") {
		t.Errorf("plan %v", plan)
	}
}

// TestEveryKindHasTitles: a notification's title comes from "notify.<kind>"
// in the recipient's language, so every kind needs both.
func TestEveryKindHasTitles(t *testing.T) {
	for _, kind := range notify.Kinds {
		for _, loc := range i18n.Locales {
			if !i18n.Has(loc, "notify."+kind) {
				t.Errorf("kind %s has no title in %s", kind, loc)
			}
		}
	}
}
