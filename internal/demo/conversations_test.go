package demo_test

import (
	"html"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/demo"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// TestDemoConversations loads the demo and checks its conversations: a
// handful in both languages between partner people and their channel
// managers, one attachment, nothing notified by the load, and the printed
// partner user's unread answer through the portal (and its 404 for a user
// of another partner).
func TestDemoConversations(t *testing.T) {
	app := testapp.NewEmpty(t)
	start := time.Now()
	mustLoad(t, app)
	t.Logf("demo load: %s", time.Since(start))

	convs, err := app.FindAllRecords("conversations")
	if err != nil {
		t.Fatal(err)
	}
	if len(convs) < 4 || len(convs) > 6 {
		t.Errorf("%d demo conversations, want 4–6", len(convs))
	}
	var pt, en bool
	for _, c := range convs {
		n := count(t, app, "messages", dbx.HashExp{"conversation": c.Id})
		if n < 2 {
			t.Errorf("%q has %d messages, want a few", c.GetString("subject"), n)
		}
		partner, err := app.FindRecordById("partners", c.GetString("partner"))
		if err != nil {
			t.Fatal(err)
		}
		// Its channel manager takes part, and every participant may see it
		// (the hooks refuse anyone else).
		ps := c.GetStringSlice("participants")
		if !strings.Contains(strings.Join(ps, ","), partner.GetString("manager")) {
			t.Errorf("%q: the partner's manager is not a participant", c.GetString("subject"))
		}
		if c.GetDateTime("last_message_at").Time().After(start) {
			t.Errorf("%q: last activity %v is not in the past", c.GetString("subject"), c.GetDateTime("last_message_at"))
		}
		switch s := c.GetString("subject"); {
		case strings.ContainsAny(s, "çãõ") || strings.Contains(s, "Registro"):
			pt = true
		case strings.Contains(s, "Pricing") || strings.Contains(s, "Onboarding"):
			en = true
		}
	}
	if !pt || !en {
		t.Errorf("demo conversations in Portuguese %v and English %v, want both", pt, en)
	}
	var withFile []*core.Record
	msgs, err := app.FindAllRecords("messages")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if len(m.GetStringSlice("attachments")) > 0 {
			withFile = append(withFile, m)
		}
		if m.GetString("body_html") == "" {
			t.Errorf("message %s has no rendered body", m.Id)
		}
	}
	if len(withFile) != 1 {
		t.Fatalf("%d demo messages with an attachment, want 1", len(withFile))
	}
	if n := count(t, app, "notifications", dbx.HashExp{"kind": "conversation.message"}); n != 0 {
		t.Errorf("loading the demo sent %d message notifications", n)
	}

	// Through the portal: Lucas (the printed partner user) has an unread
	// answer with the proposal attached; Michael (Lakeshore) sees none of it.
	srv := httptest.NewServer(testapp.Serve(t, app))
	defer srv.Close()
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	get := func(email, path string) (int, string, http.Header) {
		t.Helper()
		ck, _ := testapp.SessionCookie(t, app, email)
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		req.AddCookie(ck)
		res, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, _ := io.ReadAll(res.Body)
		return res.StatusCode, string(body), res.Header
	}
	status, body, _ := get(demo.PartnerUserEmail, "/conversations")
	if status != http.StatusOK || !strings.Contains(body, html.EscapeString("Registro de oportunidade – Banco Horizonte")) {
		t.Fatalf("Lucas's conversations: %d", status)
	}
	if !regexp.MustCompile(`badge-unread" data-unread="1"`).MatchString(body) {
		t.Errorf("Lucas has no unread answer in his list")
	}
	m := withFile[0]
	convPath := "/conversations/" + m.GetString("conversation")
	status, body, _ = get(demo.PartnerUserEmail, convPath)
	if status != http.StatusOK || !strings.Contains(body, "proposta-banco-horizonte.pdf") {
		t.Errorf("Lucas's conversation page: %d, attachment shown %v", status, strings.Contains(body, "proposta-banco-horizonte.pdf"))
	}
	file := convPath + "/messages/" + m.Id + "/files/" + m.GetStringSlice("attachments")[0]
	status, body, h := get(demo.PartnerUserEmail, file)
	if status != http.StatusOK || !strings.HasPrefix(body, "%PDF-") || !strings.HasPrefix(h.Get("Content-Disposition"), "attachment") {
		t.Errorf("Lucas downloads the proposal: %d %q", status, h.Get("Content-Disposition"))
	}
	for _, path := range []string{convPath, file} {
		if status, _, _ := get("michael.brennan@lakeshore-data.example", path); status != http.StatusNotFound {
			t.Errorf("Michael (Lakeshore) GET %s = %d, want 404", path, status)
		}
	}
	status, body, _ = get(demo.ManagerEmail, "/conversations")
	if status != http.StatusOK || !strings.Contains(body, "Renovação Platinum") || strings.Contains(body, "Midwest") {
		t.Errorf("Mariana's list: %d (her partners' conversations only)", status)
	}
}
