package access_test

// The conversations access matrix through the REST API: every role ×
// list/view/create/update/delete on conversations, messages (and their
// protected attachments) and conversation_reads, on a fresh clone of the
// fixture with testapp.SeedConversations applied. Acme's conversation is
// seen by Acme's users, Ana (its manager) and the admin only; Globex's by
// Globex's users, Bruno and the admin. Nobody writes into a conversation
// they cannot see. The flood limit answers 429 here too.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tests"
	"github.com/pocketbase/pocketbase/tools/filesystem"

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// Records the conversation scenarios add on top of SeedConversations.
const (
	readDiego = "readdiego000001" // Diego's read of Acme's conversation
	readAna   = "readana00000001" // Ana's read of Acme's conversation
	readFabio = "readfabio000001" // Fabio's read of Globex's conversation
)

var (
	allConvs     = []string{testapp.ConvAcme, testapp.ConvGlobex}
	allMsgs      = []string{testapp.MsgAcme1, testapp.MsgAcme2, testapp.MsgGlobex1, testapp.MsgGlobex2}
	acmeMsgs     = []string{testapp.MsgAcme1, testapp.MsgAcme2}
	globxMsgs    = []string{testapp.MsgGlobex1, testapp.MsgGlobex2}
	allConvReads = []string{readDiego, readAna, readFabio}

	// visibleConvs is who sees which conversation.
	visibleConvs = map[actor][]string{
		guest: nil, admin: allConvs,
		ana: {testapp.ConvAcme}, bruno: {testapp.ConvGlobex},
		acmeAdmin: {testapp.ConvAcme}, acmeUser: {testapp.ConvAcme},
		globexAdmin: {testapp.ConvGlobex}, globexUser: {testapp.ConvGlobex},
	}
	convMsgs  = map[string][]string{testapp.ConvAcme: acmeMsgs, testapp.ConvGlobex: globxMsgs}
	convLabel = map[string]string{testapp.ConvAcme: "acme conversation", testapp.ConvGlobex: "globex conversation"}
	// ownReads is each actor's own read row (the only one they see).
	ownReads = map[actor][]string{acmeUser: {readDiego}, ana: {readAna}, globexUser: {readFabio}}
)

func seedConvs(t testing.TB, app *tests.TestApp) {
	t.Helper()
	testapp.SeedConversations(t, app)
}

func seedReads(t testing.TB, app *tests.TestApp) {
	t.Helper()
	for id, f := range map[string][2]string{
		readDiego: {testapp.ConvAcme, testapp.AcmeUserID},
		readAna:   {testapp.ConvAcme, testapp.ManagerAnaID},
		readFabio: {testapp.ConvGlobex, testapp.GlobexUserID},
	} {
		saveNew(t, app, "conversation_reads", id, map[string]any{"conversation": f[0], "user": f[1], "last_read": "2026-01-01 00:00:00.000Z"})
	}
}

func msgsOf(convs []string) []string {
	var out []string
	for _, c := range convs {
		out = append(out, convMsgs[c]...)
	}
	return out
}

func TestConversationsAPIConversations(t *testing.T) {
	var s []tests.ApiScenario
	for _, a := range actors {
		vis := visibleConvs[a]
		s = append(s, listS(a, "conversations", allConvs, vis, nil, seedConvs))
		for _, id := range allConvs {
			s = append(s, viewS(a, "conversations", id, convLabel[id], slices.Contains(vis, id), hidden(vis, id, `"subject":`), seedConvs))
		}

		// Create: for a partner one may see, as oneself. Acme's side only
		// for Acme; the partner a user names must be theirs.
		for _, partner := range []string{testapp.PartnerAcme, testapp.PartnerGlobex} {
			conv := testapp.ConvAcme
			if partner == testapp.PartnerGlobex {
				conv = testapp.ConvGlobex
			}
			ok := a != guest && slices.Contains(vis, conv)
			status, want := http.StatusBadRequest, 0
			if ok {
				status, want = http.StatusOK, 1
			}
			subject := "New topic for " + partner
			s = append(s, createS(a, "conversations", "a conversation with "+partner, map[string]any{
				"partner": partner, "subject": subject, "created_by": a.id,
			}, status, countWith("conversations", "subject", subject, want), seedConvs))
		}
		if a != guest {
			// As someone else: refused.
			s = append(s, createS(a, "conversations", "an acme conversation as diego's creation", map[string]any{
				"partner": testapp.PartnerAcme, "subject": "Spoofed", "created_by": other(a, testapp.AcmeUserID),
			}, http.StatusBadRequest, countWith("conversations", "subject", "Spoofed", 0), seedConvs))
		}

		// Update: whoever sees it may rename it; nobody moves it, changes
		// its creator or its last activity.
		for _, id := range allConvs {
			s = append(s, convUpdateS(a, id, map[string]any{"subject": "Renamed"}, slices.Contains(vis, id), http.StatusNotFound))
			if a != guest && slices.Contains(vis, id) {
				s = append(s, convUpdateS(a, id, map[string]any{"partner": otherPartner(id)}, false, http.StatusNotFound))
				s = append(s, convUpdateS(a, id, map[string]any{"last_message_at": "2020-01-01 00:00:00.000Z"}, false, http.StatusNotFound))
			}
		}
		// Delete: admins only.
		for _, id := range allConvs {
			s = append(s, deleteS(a, "conversations", id, convLabel[id], a == admin, http.StatusNotFound,
				countWith("conversations", "id", id, 1), seedConvs))
		}
	}
	// An outsider as a participant is refused even by whoever may write.
	s = append(s, createS(acmeUser, "conversations", "an acme conversation with fabio as participant", map[string]any{
		"partner": testapp.PartnerAcme, "subject": "With Fabio", "created_by": testapp.AcmeUserID,
		"participants": []string{testapp.AcmeUserID, testapp.GlobexUserID},
	}, http.StatusBadRequest, countWith("conversations", "subject", "With Fabio", 0), seedConvs))
	s = append(s, convUpdateS(ana, testapp.ConvAcme,
		map[string]any{"participants": []string{testapp.AcmeUserID, testapp.ManagerAnaID, testapp.ManagerBrunoID}}, false,
		http.StatusBadRequest))
	run(t, s)
}

// other returns id unless it is a's own, in which case another Acme user's.
func other(a actor, id string) string {
	switch {
	case a.id != id:
		return id
	case id == testapp.AcmeUserID:
		return testapp.AcmeAdminID
	}
	return testapp.AcmeUserID
}

// hidden is notExpected for a record the actor may not see.
func hidden(vis []string, id string, frags ...string) []string {
	if slices.Contains(vis, id) {
		return nil
	}
	return frags
}

// convUpdateS: a PATCHes body onto a fixture conversation; a refused update
// leaves its partner, subject, creator and participants as seeded.
func convUpdateS(a actor, id string, body map[string]any, allowed bool, refusedStatus int) tests.ApiScenario {
	s := updateS(nil, a, "conversations", id, convLabel[id], body, allowed, refusedStatus, seedConvs)
	if !allowed {
		seeded := map[string]any{"partner": testapp.PartnerAcme, "subject": testapp.ConvAcmeSubject,
			"created_by": testapp.AcmeUserID, "participants": []string{testapp.AcmeUserID, testapp.ManagerAnaID}}
		if id == testapp.ConvGlobex {
			seeded = map[string]any{"partner": testapp.PartnerGlobex, "subject": testapp.ConvGlobexSubject,
				"created_by": testapp.GlobexUserID, "participants": []string{testapp.GlobexUserID, testapp.ManagerBrunoID}}
		}
		s.AfterTestFunc = afterAll(func(t testing.TB, app *tests.TestApp, _ *http.Response) {
			t.Helper()
			rec, err := app.FindRecordById("conversations", id)
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range seeded {
				if got := fmt.Sprint(rec.Get(k)); got != fmt.Sprint(v) {
					t.Errorf("%s field %s changed by a refused request: %s", id, k, got)
				}
			}
		})
	}
	return s
}

func otherPartner(conv string) string {
	if conv == testapp.ConvAcme {
		return testapp.PartnerGlobex
	}
	return testapp.PartnerAcme
}

func TestConversationsAPIMessages(t *testing.T) {
	var s []tests.ApiScenario
	for _, a := range actors {
		vis := visibleConvs[a]
		s = append(s, listS(a, "messages", allMsgs, msgsOf(vis), nil, seedConvs))
		for _, id := range allMsgs {
			conv := testapp.ConvAcme
			if slices.Contains(globxMsgs, id) {
				conv = testapp.ConvGlobex
			}
			s = append(s, viewS(a, "messages", id, "message "+id, slices.Contains(vis, conv), hidden(vis, conv, `"body":`), seedConvs))
		}
		// Create: only into a conversation one may see, only as oneself.
		for _, conv := range allConvs {
			ok := a != guest && slices.Contains(vis, conv)
			status, want := http.StatusBadRequest, 0
			if ok {
				status, want = http.StatusOK, 1
			}
			body := fmt.Sprintf("API message from %s in %s", a.name, conv)
			s = append(s, createS(a, "messages", "a message in "+convLabel[conv], map[string]any{
				"conversation": conv, "author": a.id, "body": body,
			}, status, countWith("messages", "body", body, want), seedConvs))
		}
		if a != guest {
			s = append(s, createS(a, "messages", "a message in its conversation as someone else", map[string]any{
				"conversation": firstOr(vis, testapp.ConvAcme), "author": other(a, testapp.AcmeUserID), "body": "spoofed",
			}, http.StatusBadRequest, countWith("messages", "body", "spoofed", 0), seedConvs))
			s = append(s, createS(a, "messages", "a message with its own body_html", map[string]any{
				"conversation": firstOr(vis, testapp.ConvAcme), "author": a.id, "body": "x", "body_html": "<script>alert(1)</script>",
			}, http.StatusBadRequest, countWith("messages", "body", "x", 0), seedConvs))
		}
		// Messages are never changed or deleted through the API.
		for _, id := range []string{testapp.MsgAcme1, testapp.MsgGlobex1} {
			s = append(s, updateS(nil, a, "messages", id, "message "+id, map[string]any{"body": "edited"}, false, http.StatusForbidden, seedConvs))
			s = append(s, deleteS(a, "messages", id, "message "+id, false, http.StatusForbidden, countWith("messages", "id", id, 1), seedConvs))
		}
	}

	// Flooding: after MessageFloodLimit messages within the window, 429.
	s = append(s, tests.ApiScenario{
		Name:   "partner_user acme floods acme conversation → 429",
		Method: http.MethodPost,
		URL:    recordsURL("messages"),
		Body: jsonBody(map[string]any{"conversation": testapp.ConvAcme, "author": testapp.AcmeUserID,
			"body": "one too many"}),
		TestAppFactory: testapp.Factory,
		BeforeTestFunc: as(acmeUser, seedConvs, func(t testing.TB, app *tests.TestApp) {
			t.Helper()
			for i := range hooks.MessageFloodLimit {
				saveNew(t, app, "messages", fmt.Sprintf("msgflood%07d", i), map[string]any{
					"conversation": testapp.ConvAcme, "author": testapp.AcmeUserID, "body": "quick"})
			}
		}),
		ExpectedStatus:     http.StatusTooManyRequests,
		ExpectedContent:    []string{statusFrag(429)},
		NotExpectedContent: []string{`"id":"`},
		AfterTestFunc:      afterAll(countWith("messages", "body", "one too many", 0)),
	})
	// Attachments: a refused type fails the whole message.
	for _, f := range []struct{ name, content string }{
		{"page.html", "<html><script>alert(1)</script></html>"},
		{"logo.svg", `<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>`},
		{"tool.exe", "MZ\x90\x00\x03\x00\x00\x00"},
	} {
		body, ct := convMultipart(t, map[string]string{"conversation": testapp.ConvAcme, "author": testapp.AcmeUserID,
			"body": "with " + f.name}, f.name, []byte(f.content))
		s = append(s, tests.ApiScenario{
			Name:            "partner_user acme sends " + f.name + " → 400",
			Method:          http.MethodPost,
			URL:             recordsURL("messages"),
			Body:            body,
			Headers:         map[string]string{"Content-Type": ct},
			TestAppFactory:  testapp.Factory,
			BeforeTestFunc:  as(acmeUser, seedConvs),
			ExpectedStatus:  http.StatusBadRequest,
			ExpectedContent: []string{"validation_message_attachment_type"},
			AfterTestFunc:   afterAll(countWith("messages", "body", "with "+f.name, 0)),
		})
	}
	body, ct := convMultipart(t, map[string]string{"conversation": testapp.ConvAcme, "author": testapp.AcmeUserID,
		"body": "with a pdf"}, "proposta.pdf", []byte("%PDF-1.4\n%%EOF\n"))
	s = append(s, tests.ApiScenario{
		Name:            "partner_user acme sends a pdf → 200",
		Method:          http.MethodPost,
		URL:             recordsURL("messages"),
		Body:            body,
		Headers:         map[string]string{"Content-Type": ct},
		TestAppFactory:  testapp.Factory,
		BeforeTestFunc:  as(acmeUser, seedConvs),
		ExpectedStatus:  http.StatusOK,
		ExpectedContent: []string{`"attachments":["proposta_`, `.pdf":"proposta.pdf"`},
		AfterTestFunc:   afterAll(countWith("messages", "body", "with a pdf", 1)),
	})
	run(t, s)
}

func firstOr(ids []string, def string) string {
	if len(ids) > 0 {
		return ids[0]
	}
	return def
}

// convMultipart builds a multipart form with fields and one file in
// "attachments".
func convMultipart(t testing.TB, fields map[string]string, file string, content []byte) (*bytes.Buffer, string) {
	t.Helper()
	body := &bytes.Buffer{}
	mp := multipart.NewWriter(body)
	for k, v := range fields {
		_ = mp.WriteField(k, v)
	}
	w, err := mp.CreateFormFile("attachments", file)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = w.Write(content)
	_ = mp.Close()
	return body, mp.FormDataContentType()
}

func TestConversationsAPIReads(t *testing.T) {
	ref := testapp.New(t)
	testapp.SeedConversations(t, ref)
	var s []tests.ApiScenario
	for _, a := range actors {
		own := ownReads[a]
		s = append(s, listS(a, "conversation_reads", allConvReads, own, nil, seedConvs, seedReads))
		for _, id := range allConvReads {
			s = append(s, viewS(a, "conversation_reads", id, "read "+id, slices.Contains(own, id), nil, seedConvs, seedReads))
		}
		// Create: one's own read of a conversation one may see.
		for _, conv := range allConvs {
			ok := a != guest && slices.Contains(visibleConvs[a], conv)
			status, want := http.StatusBadRequest, 0
			if ok {
				status, want = http.StatusOK, 1
			}
			s = append(s, createS(a, "conversation_reads", "its read of "+convLabel[conv], map[string]any{
				"conversation": conv, "user": a.id, "last_read": "2026-02-02 00:00:00.000Z",
			}, status, countWith("conversation_reads", "last_read", "2026-02-02 00:00:00.000Z", want), seedConvs))
		}
		if a != guest {
			s = append(s, createS(a, "conversation_reads", "carla's read of acme conversation", map[string]any{
				"conversation": testapp.ConvAcme, "user": other(a, testapp.AcmeAdminID), "last_read": "2026-03-03 00:00:00.000Z",
			}, http.StatusBadRequest, countWith("conversation_reads", "last_read", "2026-03-03 00:00:00.000Z", 0), seedConvs))
		}
		// Update: only one's own, and only last_read.
		for _, id := range allConvReads {
			mine := slices.Contains(own, id)
			s = append(s, updateS(nil, a, "conversation_reads", id, "read "+id, map[string]any{"last_read": "2026-04-04 00:00:00.000Z"},
				mine, http.StatusNotFound, seedConvs, seedReads))
			if mine {
				s = append(s, updateS(nil, a, "conversation_reads", id, "read "+id, map[string]any{"conversation": otherConvOf(id)},
					false, http.StatusNotFound, seedConvs, seedReads))
			}
		}
	}
	run(t, s)
}

func otherConvOf(read string) string {
	if read == readFabio {
		return testapp.ConvAcme
	}
	return testapp.ConvGlobex
}

// TestConversationsAPIAttachmentFiles downloads a message's protected file
// through /api/files with each user's file token: the conversation's side
// gets it, anyone else a 404.
func TestConversationsAPIAttachmentFiles(t *testing.T) {
	app := testapp.New(t)
	testapp.SeedConversations(t, app)
	c, _ := app.FindCollectionByNameOrId("messages")
	m := core.NewRecord(c)
	f, _ := filesystem.NewFileFromBytes([]byte("%PDF-1.4\nsecret acme terms\n%%EOF\n"), "terms.pdf")
	m.Set("conversation", testapp.ConvAcme)
	m.Set("author", testapp.ManagerAnaID)
	m.Set("body", "terms attached")
	m.Set("attachments", []*filesystem.File{f})
	if err := app.Save(m); err != nil {
		t.Fatal(err)
	}
	h := testapp.Serve(t, app)
	call := func(method, path, auth string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(method, path, nil)
		if auth != "" {
			req.Header.Set("Authorization", auth)
		}
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		return rec
	}
	url := "/api/files/messages/" + m.Id + "/" + m.GetStringSlice("attachments")[0]
	for _, a := range signedIn {
		rec := call(http.MethodPost, "/api/files/token", testapp.Token(t, app, a.email))
		var tok struct {
			Token string `json:"token"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &tok); err != nil || tok.Token == "" {
			t.Fatalf("%s: file token: %s", a.name, rec.Body)
		}
		got := call(http.MethodGet, url+"?token="+tok.Token, "")
		want := slices.Contains(visibleConvs[a], testapp.ConvAcme)
		if want && (got.Code != http.StatusOK || !strings.Contains(got.Body.String(), "secret acme terms")) {
			t.Errorf("%s downloads Acme's attachment: %d", a.name, got.Code)
		}
		if !want && (got.Code != http.StatusNotFound || strings.Contains(got.Body.String(), "secret")) {
			t.Errorf("%s downloads Acme's attachment: %d, want 404", a.name, got.Code)
		}
	}
	if got := call(http.MethodGet, url, ""); got.Code != http.StatusNotFound {
		t.Errorf("guest downloads Acme's attachment: %d, want 404", got.Code)
	}
}
