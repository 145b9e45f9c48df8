package ui_test

// The live stream through the real handler (testapp.Serve on an httptest
// server): its headers, that each user receives only events meant for them
// (Fabio of Globex hears nothing of Acme's conversation, Diego of Acme hears
// it), that a guest is refused, and that a closed connection closes its
// subscription.

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/live"
	"github.com/ponte-portal/ponte/internal/testapp"
)

// liveConn is an open /live stream whose lines a goroutine reads.
type liveConn struct {
	res    *http.Response
	lines  chan string
	cancel context.CancelFunc
}

// openLive opens /live with a user's session cookie and waits for the
// stream's first comment, which the handler sends once it has subscribed.
func openLive(t *testing.T, app core.App, srv *httptest.Server, email string) *liveConn {
	t.Helper()
	ck, _ := testapp.SessionCookie(t, app, email)
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+"/live", nil)
	req.AddCookie(ck)
	req.Header.Set("Accept", "text/event-stream")
	res, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	c := &liveConn{res: res, lines: make(chan string, 64), cancel: cancel}
	t.Cleanup(c.close)
	go func() {
		defer close(c.lines)
		sc := bufio.NewScanner(res.Body)
		for sc.Scan() {
			c.lines <- sc.Text()
		}
	}()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("%s: /live status %d", email, res.StatusCode)
	}
	c.waitFor(t, email+" connected", ": connected", 5*time.Second)
	return c
}

func (c *liveConn) close() {
	c.cancel()
	c.res.Body.Close()
}

// waitFor reads lines until one equals want, failing after timeout.
func (c *liveConn) waitFor(t *testing.T, what, want string, timeout time.Duration) []string {
	t.Helper()
	var seen []string
	deadline := time.After(timeout)
	for {
		select {
		case l, ok := <-c.lines:
			if !ok {
				t.Fatalf("%s: the stream ended; lines %q", what, seen)
			}
			seen = append(seen, l)
			if l == want {
				return seen
			}
		case <-deadline:
			t.Fatalf("%s: no %q within %s; lines %q", what, want, timeout, seen)
		}
	}
}

// nothingAbout fails if, within window, a line mentions any of words.
func (c *liveConn) nothingAbout(t *testing.T, what string, window time.Duration, words ...string) {
	t.Helper()
	deadline := time.After(window)
	for {
		select {
		case l, ok := <-c.lines:
			if !ok {
				return
			}
			for _, w := range words {
				if strings.Contains(l, w) {
					t.Errorf("%s: received %q", what, l)
				}
			}
		case <-deadline:
			return
		}
	}
}

func TestLiveStreamIsolation(t *testing.T) {
	app, srv := newConvServer(t)
	fabio := openLive(t, app, srv, testapp.GlobexUserEmail)
	diego := openLive(t, app, srv, testapp.AcmeUserEmail)
	for name, c := range map[string]*liveConn{"fabio": fabio, "diego": diego} {
		h := c.res.Header
		if h.Get("Content-Type") != "text/event-stream" || h.Get("Cache-Control") != "no-store" || h.Get("X-Accel-Buffering") != "no" {
			t.Errorf("%s: stream headers %v", name, h)
		}
	}

	// Ana posts in Acme's conversation through the portal.
	ana := signedIn(t, app, srv, testapp.ManagerAnaEmail)
	expectStatus(t, ana.post("/conversations/"+testapp.ConvAcme+"/messages", url.Values{"body": {"Proposta aprovada!"}}),
		http.StatusSeeOther, "Ana sends")

	lines := diego.waitFor(t, "Diego's stream", "data: "+testapp.ConvAcme, 5*time.Second)
	if len(lines) < 2 || lines[len(lines)-2] != "event: message" {
		t.Errorf("Diego's stream: %q, want an event: message line before the data", lines)
	}
	// Fabio hears nothing of it: no message event, no id, within a bounded
	// wait (the publish happened before Ana's response, so an event would
	// already be on its way).
	fabio.nothingAbout(t, "Fabio's stream", 400*time.Millisecond, "event: message", testapp.ConvAcme, "Proposta")

	// Bruno's conversation reaches Fabio and not Diego.
	bruno := signedIn(t, app, srv, testapp.ManagerBrunoEmail)
	expectStatus(t, bruno.post("/conversations/"+testapp.ConvGlobex+"/messages", url.Values{"body": {"Hello Fabio"}}),
		http.StatusSeeOther, "Bruno sends")
	fabio.waitFor(t, "Fabio's stream", "data: "+testapp.ConvGlobex, 5*time.Second)
	diego.nothingAbout(t, "Diego's stream", 400*time.Millisecond, testapp.ConvGlobex)

	// Asking for another partner's conversation in the URL changes nothing:
	// the stream is the signed-in user's, whatever the query says.
	sneaky := openLive(t, app, srv, testapp.GlobexUserEmail)
	expectStatus(t, ana.post("/conversations/"+testapp.ConvAcme+"/messages", url.Values{"body": {"De novo"}}), http.StatusSeeOther, "Ana again")
	diego.waitFor(t, "Diego's stream", "data: "+testapp.ConvAcme, 5*time.Second)
	sneaky.nothingAbout(t, "Fabio's second stream", 300*time.Millisecond, testapp.ConvAcme)
}

func TestLiveStreamGuestAndClose(t *testing.T) {
	app, srv := newConvServer(t)
	// A guest is sent to sign in, never streamed to.
	res, err := http.DefaultTransport.RoundTrip(mustRequest(t, srv.URL+"/live"))
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusSeeOther || !strings.HasPrefix(res.Header.Get("Location"), "/login") ||
		res.Header.Get("Content-Type") == "text/event-stream" {
		t.Errorf("guest /live: %d %q %q", res.StatusCode, res.Header.Get("Location"), res.Header.Get("Content-Type"))
	}
	// A signed-out session's cookie is a guest's.
	b := signedIn(t, app, srv, testapp.AcmeUserEmail)
	ck := b.jar["ponte_session"]
	expectStatus(t, b.post("/logout", nil), http.StatusSeeOther, "sign out")
	req := mustRequest(t, srv.URL+"/live")
	req.AddCookie(ck)
	res, err = http.DefaultTransport.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode == http.StatusOK {
		t.Errorf("a signed-out session still streams")
	}

	// Closing the connection closes the subscription.
	hub := live.For(app)
	before := hub.Open()
	c := openLive(t, app, srv, testapp.AcmeUserEmail)
	if hub.Open() != before+1 {
		t.Fatalf("%d open subscriptions, want %d", hub.Open(), before+1)
	}
	c.close()
	waitFor(t, "the subscription to close", func() bool { return hub.Open() == before })
}

func mustRequest(t *testing.T, u string) *http.Request {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return req
}
