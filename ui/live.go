package ui

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/live"
	"github.com/ponte-portal/ponte/internal/session"
)

// Timing of the live stream.
const (
	// liveHeartbeat is how often an idle stream sends a comment, so proxies
	// and the browser keep it open; each heartbeat also checks that the
	// session still exists.
	liveHeartbeat = 25 * time.Second
	// liveMaxAge ends a stream after a while: the browser reconnects at
	// once (through the session check again) and the page catches up on
	// what it may have missed.
	liveMaxAge = 15 * time.Minute
	// liveRetryMillis is the reconnection delay the stream asks for.
	liveRetryMillis = "5000"
)

// sseClean keeps an event field on one line.
var sseClean = strings.NewReplacer("\r", "", "\n", "")

// liveStream is GET /live: a server-sent events stream of the signed-in
// user's live events (internal/live), as "event:"/"data:" lines. Only events
// addressed to this user reach it: publishers address them to the users the
// rules let see what they are about. It sends a heartbeat comment every
// liveHeartbeat, and ends when the browser goes away, the session ends or
// liveMaxAge passes. Guests never get here (requireUser).
func (u *portal) liveStream(e *core.RequestEvent) error {
	c := getCtx(e)
	// The server's write timeout would cut the stream: lift it for this
	// response (unsupported only under test recorders).
	rc := http.NewResponseController(e.Response)
	if err := rc.SetWriteDeadline(time.Time{}); err != nil && !errors.Is(err, http.ErrNotSupported) {
		return err
	}
	h := e.Response.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")

	sub := live.For(e.App).Subscribe(c.User.Id)
	defer sub.Close()
	e.Response.WriteHeader(http.StatusOK)
	// The first bytes tell the browser (and tests) the subscription is open.
	if _, err := e.Response.Write([]byte("retry: " + liveRetryMillis + "\n: connected\n\n")); err != nil {
		return nil
	}
	if err := e.Flush(); err != nil {
		return nil
	}

	heartbeat := time.NewTicker(liveHeartbeat)
	defer heartbeat.Stop()
	maxAge := time.NewTimer(liveMaxAge)
	defer maxAge.Stop()
	done := e.Request.Context().Done()
	for {
		var chunk string
		select {
		case <-done:
			return nil
		case <-maxAge.C:
			return nil
		case <-heartbeat.C:
			if !liveSessionValid(e.App, c.Session) {
				return nil
			}
			chunk = ": ping\n\n"
		case ev := <-sub.C:
			chunk = "event: " + sseClean.Replace(ev.Type) + "\ndata: " + sseClean.Replace(ev.Data) + "\n\n"
		}
		if _, err := e.Response.Write([]byte(chunk)); err != nil {
			return nil
		}
		if err := e.Flush(); err != nil {
			return nil
		}
	}
}

// liveSessionValid checks that a stream's session has not been signed out,
// expired or idled out (without touching it: an open tab is not activity).
func liveSessionValid(app core.App, s *session.Session) bool {
	if s == nil || s.Record == nil {
		return false
	}
	r, err := app.FindRecordById("sessions", s.Record.Id)
	if err != nil {
		return false
	}
	now := time.Now().UTC()
	return r.GetDateTime("expires").Time().After(now) &&
		r.GetDateTime("last_seen").Time().Add(session.IdleTimeout).After(now)
}
