package hooks_test

// The conversation hooks on a seeded app (testapp.SeedConversations): a new
// conversation's participants, last activity and event; who may take part;
// what a message changes (last activity, participants, notifications,
// activity); who hears of it live (and that a rolled-back message is heard
// by nobody); the flood limit; attachment limits and refused types; and that
// a refused or rolled-back message leaves no row and no file.

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/filesystem"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/internal/live"
	"github.com/ponte-portal/ponte/internal/notify"
	"github.com/ponte-portal/ponte/internal/testapp"
)

func newConvApp(t *testing.T) *tests.TestApp {
	t.Helper()
	app := testapp.New(t)
	testapp.SeedConversations(t, app)
	return app
}

// newConversation saves a conversation with the given fields.
func newConversation(app core.App, fields map[string]any) (*core.Record, error) {
	c, err := app.FindCollectionByNameOrId("conversations")
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(c)
	for k, v := range fields {
		r.Set(k, v)
	}
	return r, app.Save(r)
}

// newMessage saves a message by author in conv with a body and files.
func newMessage(app core.App, conv, author, body string, files ...*filesystem.File) (*core.Record, error) {
	c, err := app.FindCollectionByNameOrId("messages")
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(c)
	r.Set("conversation", conv)
	r.Set("author", author)
	r.Set("body", body)
	if len(files) > 0 {
		r.Set("attachments", files)
	}
	return r, app.Save(r)
}

func fileOf(t *testing.T, name string, content []byte) *filesystem.File {
	t.Helper()
	f, err := filesystem.NewFileFromBytes(content, name)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func countRows(t *testing.T, app core.App, coll string, where dbx.Expression) int {
	t.Helper()
	n, err := app.CountRecords(coll, where)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

// storedFiles lists what the messages collection holds in storage.
func storedFiles(t *testing.T, app core.App) []string {
	t.Helper()
	c, err := app.FindCollectionByNameOrId("messages")
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	root := filepath.Join(app.DataDir(), "storage", c.Id)
	_ = filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && !strings.HasSuffix(p, ".attrs") {
			rel, _ := filepath.Rel(root, p)
			out = append(out, rel)
		}
		return nil
	})
	return out
}

func hasCode(err error, code string) bool {
	var verrs validation.Errors
	if !errors.As(err, &verrs) {
		return false
	}
	for _, fe := range verrs {
		var ve validation.Error
		if errors.As(fe, &ve) && ve.Code() == code {
			return true
		}
	}
	return false
}

var (
	convPDF = []byte("%PDF-1.4\n1 0 obj <</Type /Catalog>> endobj\ntrailer <</Root 1 0 R>>\n%%EOF\n")
	convPNG = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89")
	convCSV = []byte("sku,price\nA-1,10\n")
)

func TestConversationCreateDefaults(t *testing.T) {
	app := testapp.New(t)
	before := time.Now().UTC().Add(-time.Second)
	conv, err := newConversation(app, map[string]any{"partner": testapp.PartnerAcme, "subject": "  Co-marketing fund  ",
		"created_by": testapp.AcmeUserID})
	if err != nil {
		t.Fatal(err)
	}
	got := conv.GetStringSlice("participants")
	if !slices.Equal(got, []string{testapp.AcmeUserID, testapp.ManagerAnaID}) {
		t.Errorf("participants %v, want the creator and the partner's manager", got)
	}
	if conv.GetString("subject") != "Co-marketing fund" {
		t.Errorf("subject %q was not trimmed", conv.GetString("subject"))
	}
	if !conv.GetDateTime("last_message_at").Time().After(before) {
		t.Errorf("last_message_at %v is not set to now", conv.GetDateTime("last_message_at"))
	}
	if n := countRows(t, app, "activity", dbx.HashExp{"kind": "conversation.started", "target_id": conv.Id,
		"user": testapp.AcmeUserID, "partner": testapp.PartnerAcme}); n != 1 {
		t.Errorf("%d conversation.started events by Diego, want 1", n)
	}
}

func TestConversationParticipantsMustSeeIt(t *testing.T) {
	app := newConvApp(t)
	// Fabio (Globex) and Bruno (Globex's manager) may not see Acme's
	// conversations: as participants they would get its notifications.
	for _, outsider := range []string{testapp.GlobexUserID, testapp.ManagerBrunoID} {
		_, err := newConversation(app, map[string]any{"partner": testapp.PartnerAcme, "subject": "Leak",
			"created_by": testapp.AcmeUserID, "participants": []string{testapp.AcmeUserID, outsider}})
		if !hasCode(err, "validation_conversation_participant") {
			t.Errorf("participant %s: err %v, want validation_conversation_participant", outsider, err)
		}
		conv, _ := app.FindRecordById("conversations", testapp.ConvAcme)
		conv.Set("participants", append(conv.GetStringSlice("participants"), outsider))
		if err := app.Save(conv); !hasCode(err, "validation_conversation_participant") {
			t.Errorf("adding %s to Acme's conversation: err %v, want validation_conversation_participant", outsider, err)
		}
	}
	if n := countRows(t, app, "conversations", dbx.HashExp{"subject": "Leak"}); n != 0 {
		t.Errorf("%d refused conversations were saved", n)
	}
	if n := countRows(t, app, "activity", dbx.HashExp{"kind": "conversation.started", "user": testapp.AcmeUserID}); n != 1 {
		t.Errorf("%d conversation.started events by Diego, want only the seeded one", n)
	}
	conv, _ := app.FindRecordById("conversations", testapp.ConvAcme)
	if slices.Contains(conv.GetStringSlice("participants"), testapp.GlobexUserID) {
		t.Errorf("Fabio was added to Acme's conversation")
	}
	// The admin and a colleague may take part.
	conv.Set("participants", append(conv.GetStringSlice("participants"), testapp.AdminID, testapp.AcmeAdminID))
	if err := app.Save(conv); err != nil {
		t.Errorf("adding the admin and Carla: %v", err)
	}
	// A conversation never moves to another partner.
	conv.Set("partner", testapp.PartnerGlobex)
	if err := app.Save(conv); !hasCode(err, "validation_invalid_value") {
		t.Errorf("moving the conversation to Globex: err %v, want validation_invalid_value", err)
	}
}

func TestMessageSideEffects(t *testing.T) {
	app := newConvApp(t)
	notes := func(user string) []*core.Record {
		recs, err := app.FindRecordsByFilter("notifications", "user = {:u} && kind = {:k}", "-created", 0, 0,
			dbx.Params{"u": user, "k": notify.KindMessage})
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	diegoBefore, carlaBefore := len(notes(testapp.AcmeUserID)), len(notes(testapp.AcmeAdminID))

	msg, err := newMessage(app, testapp.ConvAcme, testapp.ManagerAnaID, "Segue a **proposta**.")
	if err != nil {
		t.Fatal(err)
	}
	conv, _ := app.FindRecordById("conversations", testapp.ConvAcme)
	if conv.GetDateTime("last_message_at").String() != msg.GetDateTime("created").String() {
		t.Errorf("last_message_at %v, want the message's created %v", conv.GetDateTime("last_message_at"), msg.GetDateTime("created"))
	}
	if !strings.Contains(msg.GetString("body_html"), "<strong>proposta</strong>") {
		t.Errorf("body_html %q is not the rendered Markdown", msg.GetString("body_html"))
	}
	// Diego (participant, pt-BR) is told, in his language; Ana (the author)
	// and Carla (not a participant) are not.
	dn := notes(testapp.AcmeUserID)
	if len(dn) != diegoBefore+1 {
		t.Fatalf("Diego has %d message notifications, want %d", len(dn), diegoBefore+1)
	}
	if title := dn[0].GetString("title"); !strings.Contains(title, "Ana Souza") || !strings.Contains(title, testapp.ConvAcmeSubject) {
		t.Errorf("notification title %q lacks the author and the subject", title)
	}
	if dn[0].GetString("link") != "/conversations/"+testapp.ConvAcme {
		t.Errorf("notification link %q", dn[0].GetString("link"))
	}
	// The seeded messages are history (dated before saving): they notified
	// nobody, and Ana's own message does not notify her.
	if len(notes(testapp.ManagerAnaID)) != 0 {
		t.Errorf("Ana was notified of her own message or of the seeded history")
	}
	if len(notes(testapp.AcmeAdminID)) != carlaBefore {
		t.Errorf("Carla, not a participant, was notified")
	}
	if n := countRows(t, app, "activity", dbx.HashExp{"kind": "conversation.message", "target_id": msg.Id, "user": testapp.ManagerAnaID}); n != 1 {
		t.Errorf("%d conversation.message events for the message, want 1", n)
	}

	// Carla writes: she joins the participants, Diego and Ana are told.
	anaBefore := len(notes(testapp.ManagerAnaID))
	if _, err := newMessage(app, testapp.ConvAcme, testapp.AcmeAdminID, "Estou de acordo."); err != nil {
		t.Fatal(err)
	}
	conv, _ = app.FindRecordById("conversations", testapp.ConvAcme)
	if !slices.Contains(conv.GetStringSlice("participants"), testapp.AcmeAdminID) {
		t.Errorf("Carla did not join the participants: %v", conv.GetStringSlice("participants"))
	}
	if len(notes(testapp.ManagerAnaID)) != anaBefore+1 || len(notes(testapp.AcmeUserID)) != diegoBefore+2 {
		t.Errorf("Carla's message did not notify Ana and Diego")
	}

	// Messages are immutable.
	msg.Set("body", "edited")
	if err := app.Save(msg); !hasCode(err, "validation_message_immutable") {
		t.Errorf("editing a message: err %v, want validation_message_immutable", err)
	}
}

func TestMessageLiveAudience(t *testing.T) {
	app := newConvApp(t)
	hub := live.For(app)
	subs := map[string]*live.Subscription{}
	for _, u := range testapp.FixtureUsers {
		subs[u.ID] = hub.Subscribe(u.ID)
		defer subs[u.ID].Close()
	}
	// Publishing is synchronous, after the commit: once Save returns, each
	// queue holds the event or never will. Bell updates ("notification")
	// travel on the same queues and are not counted here.
	received := func() []string {
		var got []string
		for _, u := range testapp.FixtureUsers {
			for drained := false; !drained; {
				select {
				case ev := <-subs[u.ID].C:
					if ev.Type != "message" {
						continue
					}
					if ev.Data != testapp.ConvAcme {
						t.Errorf("%s got %+v", u.Email, ev)
					}
					got = append(got, u.ID)
				default:
					drained = true
				}
			}
		}
		slices.Sort(got)
		return got
	}
	if _, err := newMessage(app, testapp.ConvAcme, testapp.AcmeUserID, "Alguma novidade?"); err != nil {
		t.Fatal(err)
	}
	want := []string{testapp.AcmeAdminID, testapp.AcmeUserID, testapp.ManagerAnaID}
	slices.Sort(want)
	if got := received(); !slices.Equal(got, want) {
		t.Errorf("the live event reached %v, want Acme's users and Ana only %v", got, want)
	}

	// A message rolled back with its transaction is heard by nobody.
	err := app.RunInTransaction(func(tx core.App) error {
		if _, err := newMessage(tx, testapp.ConvAcme, testapp.ManagerAnaID, "rolled back"); err != nil {
			return err
		}
		return errors.New("abort")
	})
	if err == nil || err.Error() != "abort" {
		t.Fatalf("transaction: %v", err)
	}
	if got := received(); len(got) != 0 {
		t.Errorf("a rolled-back message reached %v", got)
	}
	if n := countRows(t, app, "messages", dbx.HashExp{"body": "rolled back"}); n != 0 {
		t.Errorf("the rolled-back message was saved")
	}
	aud, err := hooks.ConversationAudience(app, mustFind(t, app, "conversations", testapp.ConvGlobex))
	if err != nil {
		t.Fatal(err)
	}
	wantG := []string{testapp.GlobexAdminID, testapp.GlobexUserID, testapp.ManagerBrunoID}
	slices.Sort(wantG)
	if !slices.Equal(aud, wantG) {
		t.Errorf("Globex conversation audience %v, want %v", aud, wantG)
	}
}

func mustFind(t *testing.T, app core.App, coll, id string) *core.Record {
	t.Helper()
	r, err := app.FindRecordById(coll, id)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestMessageFloodLimit(t *testing.T) {
	app := newConvApp(t)
	// Old messages do not count.
	c, _ := app.FindCollectionByNameOrId("messages")
	for i := 0; i < hooks.MessageFloodLimit; i++ {
		r := core.NewRecord(c)
		r.Set("conversation", testapp.ConvAcme)
		r.Set("author", testapp.AcmeUserID)
		r.Set("body", "old")
		old, _ := types.ParseDateTime(time.Now().UTC().Add(-hooks.MessageFloodWindow - time.Minute))
		r.SetRaw("created", old)
		if err := app.Save(r); err != nil {
			t.Fatalf("old message %d: %v", i, err)
		}
	}
	for i := 0; i < hooks.MessageFloodLimit; i++ {
		if _, err := newMessage(app, testapp.ConvAcme, testapp.AcmeUserID, "quick"); err != nil {
			t.Fatalf("message %d of %d within the limit: %v", i+1, hooks.MessageFloodLimit, err)
		}
	}
	_, err := newMessage(app, testapp.ConvAcme, testapp.AcmeUserID, "one too many")
	if !errors.Is(err, hooks.ErrMessageFlood) {
		t.Fatalf("message over the limit: err %v, want ErrMessageFlood", err)
	}
	if n := countRows(t, app, "messages", dbx.HashExp{"body": "one too many"}); n != 0 {
		t.Errorf("the refused message was saved")
	}
	// The limit is per user: Ana still writes.
	if _, err := newMessage(app, testapp.ConvAcme, testapp.ManagerAnaID, "still fine"); err != nil {
		t.Errorf("another user's message: %v", err)
	}
}

func TestMessageBodyAndAttachments(t *testing.T) {
	app := newConvApp(t)
	big := make([]byte, hooks.MaxAttachmentBytes+1)
	copy(big, convPDF)
	elf := append([]byte("\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x02\x00\x3e\x00"), make([]byte, 64)...)
	pe := append([]byte("MZ\x90\x00\x03\x00\x00\x00"), make([]byte, 128)...)
	cases := []struct {
		name  string
		body  string
		files []*filesystem.File
		code  string // "" when accepted
	}{
		{"empty body, no file", "   ", nil, "validation_message_empty"},
		{"200 KB body", strings.Repeat("a", 200<<10), nil, "validation_max_text_constraint"},
		{"a file alone", "", []*filesystem.File{fileOf(t, "proposta.pdf", convPDF)}, ""},
		{"five files", "five", []*filesystem.File{fileOf(t, "a.pdf", convPDF), fileOf(t, "b.png", convPNG),
			fileOf(t, "c.csv", convCSV), fileOf(t, "d.txt", []byte("plain")), fileOf(t, "e.pdf", convPDF)}, ""},
		{"six files", "six", []*filesystem.File{fileOf(t, "a.pdf", convPDF), fileOf(t, "b.pdf", convPDF),
			fileOf(t, "c.pdf", convPDF), fileOf(t, "d.pdf", convPDF), fileOf(t, "e.pdf", convPDF), fileOf(t, "f.pdf", convPDF)},
			"validation_too_many_files"}, // PocketBase's own limit, translated too
		{"a file over 10 MB", "big", []*filesystem.File{fileOf(t, "big.pdf", big)}, "validation_message_attachment_too_large"},
		{"HTML", "x", []*filesystem.File{fileOf(t, "page.html", []byte("<html><body>hi</body></html>"))}, "validation_message_attachment_type"},
		{"HTML named .pdf", "x", []*filesystem.File{fileOf(t, "invoice.pdf", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"))}, "validation_message_attachment_type"},
		{"SVG", "x", []*filesystem.File{fileOf(t, "logo.svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"></svg>`))}, "validation_message_attachment_type"},
		{"SVG named .png", "x", []*filesystem.File{fileOf(t, "logo.png", []byte(`<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>`))}, "validation_message_attachment_type"},
		{"JavaScript", "x", []*filesystem.File{fileOf(t, "app.js", []byte("alert(1)"))}, "validation_message_attachment_type"},
		{"Windows program", "x", []*filesystem.File{fileOf(t, "setup.exe", pe)}, "validation_message_attachment_type"},
		{"ELF program named .txt", "x", []*filesystem.File{fileOf(t, "notes.txt", elf)}, "validation_message_attachment_type"},
		{"a good file and a refused one", "mixed", []*filesystem.File{fileOf(t, "ok.pdf", convPDF), fileOf(t, "bad.svg", []byte("<svg></svg>"))},
			"validation_message_attachment_type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			filesBefore, rowsBefore := storedFiles(t, app), countRows(t, app, "messages", nil)
			msg, err := newMessage(app, testapp.ConvAcme, testapp.AcmeUserID, tc.body, tc.files...)
			if tc.code == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if got := len(msg.GetStringSlice("attachments")); got != len(tc.files) {
					t.Errorf("%d attachments stored, want %d", got, len(tc.files))
				}
				if got := len(storedFiles(t, app)) - len(filesBefore); got != len(tc.files) {
					t.Errorf("%d files in storage, want %d", got, len(tc.files))
				}
				return
			}
			if !hasCode(err, tc.code) {
				t.Fatalf("err %v, want %s", err, tc.code)
			}
			if n := countRows(t, app, "messages", nil); n != rowsBefore {
				t.Errorf("a refused message left a row")
			}
			if after := storedFiles(t, app); !slices.Equal(after, filesBefore) {
				t.Errorf("a refused message left files: %v", after)
			}
		})
	}
}

func TestMessageRolledBackLeavesNoFile(t *testing.T) {
	app := newConvApp(t)
	before := storedFiles(t, app)
	err := app.RunInTransaction(func(tx core.App) error {
		if _, err := newMessage(tx, testapp.ConvAcme, testapp.AcmeUserID, "with a file", fileOf(t, "proposta.pdf", convPDF)); err != nil {
			return err
		}
		return errors.New("later step failed")
	})
	if err == nil {
		t.Fatal("the transaction did not fail")
	}
	if n := countRows(t, app, "messages", dbx.HashExp{"body": "with a file"}); n != 0 {
		t.Errorf("the rolled-back message was saved")
	}
	if after := storedFiles(t, app); !slices.Equal(after, before) {
		t.Errorf("the rolled-back message left files: %v", after)
	}
	conv := mustFind(t, app, "conversations", testapp.ConvAcme)
	if m2 := mustFind(t, app, "messages", testapp.MsgAcme2); conv.GetDateTime("last_message_at").String() != m2.GetDateTime("created").String() {
		t.Errorf("the rolled-back message moved the conversation's last activity")
	}
}
