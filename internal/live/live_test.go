package live

import "testing"

func TestPublishReachesOnlyAddressedUsers(t *testing.T) {
	h := NewHub()
	a1, a2, b := h.Subscribe("a"), h.Subscribe("a"), h.Subscribe("b")
	h.Publish(Event{Type: "message", Data: "x"}, "a")
	for _, s := range []*Subscription{a1, a2} {
		if ev := <-s.C; ev.Data != "x" {
			t.Fatalf("user a got %+v", ev)
		}
	}
	select {
	case ev := <-b.C:
		t.Fatalf("user b received %+v meant for a", ev)
	default:
	}
	if h.Open() != 3 {
		t.Fatalf("open = %d", h.Open())
	}
	a1.Close()
	a1.Close()
	b.Close()
	if h.Open() != 1 {
		t.Fatalf("open after close = %d", h.Open())
	}
	// A full queue drops events instead of blocking the publisher.
	for i := 0; i < queueSize*2; i++ {
		h.Publish(Event{Type: "n"}, "a")
	}
	if len(a2.C) != queueSize {
		t.Fatalf("queue = %d", len(a2.C))
	}
}
