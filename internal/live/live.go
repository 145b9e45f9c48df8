// Package live fans server events out to the portal's open live connections
// (server-sent events): a new message in a conversation, a notification
// count that changed. Events are addressed to users; the publisher decides
// who may receive them (with the same rules as the records they are about),
// and a subscriber only ever gets events addressed to its own user.
package live

import (
	"sync"
	"sync/atomic"

	"github.com/pocketbase/pocketbase/core"
)

// Event is one server-sent event: a type (the SSE "event:" field) and a
// short payload (the "data:" field, one line, no newline).
type Event struct {
	Type string
	Data string
}

// Hub keeps the open subscriptions by user.
type Hub struct {
	mu   sync.RWMutex
	subs map[string]map[*Subscription]struct{}
	open atomic.Int64
}

// Subscription is one open connection's queue.
type Subscription struct {
	User string
	C    chan Event
	hub  *Hub
	once sync.Once
}

// queueSize bounds each subscription's queue: a connection too slow to keep
// up loses events (the page's fallback poll catches up) instead of blocking
// the publisher.
const queueSize = 32

// storeKey is where the app keeps its hub.
const storeKey = "ponte.live.hub"

// For returns the app's hub, creating it on first use.
func For(app core.App) *Hub {
	return app.Store().GetOrSet(storeKey, func() any { return NewHub() }).(*Hub)
}

// NewHub returns an empty hub.
func NewHub() *Hub { return &Hub{subs: map[string]map[*Subscription]struct{}{}} }

// Subscribe opens a subscription for a user; Close it when the connection ends.
func (h *Hub) Subscribe(userID string) *Subscription {
	s := &Subscription{User: userID, C: make(chan Event, queueSize), hub: h}
	h.mu.Lock()
	if h.subs[userID] == nil {
		h.subs[userID] = map[*Subscription]struct{}{}
	}
	h.subs[userID][s] = struct{}{}
	h.mu.Unlock()
	h.open.Add(1)
	return s
}

// Close ends the subscription; it is safe to call more than once.
func (s *Subscription) Close() {
	s.once.Do(func() {
		h := s.hub
		h.mu.Lock()
		delete(h.subs[s.User], s)
		if len(h.subs[s.User]) == 0 {
			delete(h.subs, s.User)
		}
		h.mu.Unlock()
		h.open.Add(-1)
	})
}

// Publish sends ev to every open subscription of the given users. It never
// blocks: a full queue drops the event for that connection.
func (h *Hub) Publish(ev Event, userIDs ...string) {
	h.mu.RLock()
	defer h.mu.RUnlock()
	for _, id := range userIDs {
		for s := range h.subs[id] {
			select {
			case s.C <- ev:
			default:
			}
		}
	}
}

// Has reports whether the user has an open subscription, so publishers can
// skip preparing an event nobody would receive.
func (h *Hub) Has(userID string) bool {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return len(h.subs[userID]) > 0
}

// Open counts the open subscriptions.
func (h *Hub) Open() int { return int(h.open.Load()) }
