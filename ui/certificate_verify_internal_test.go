package ui

import (
	"testing"
	"time"
)

// TestVerifyLimiter: each address has a burst of 30 lookups, then one more
// every two seconds (30 a minute), with the wait to say; addresses do not
// share buckets, and full buckets are forgotten after a minute.
func TestVerifyLimiter(t *testing.T) {
	l := &verifyLimiter{buckets: map[string]*verifyBucket{}}
	t0 := time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC)
	for i := 0; i < verifyBurst; i++ {
		if ok, _ := l.allow("203.0.113.7", t0); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, retry := l.allow("203.0.113.7", t0)
	if ok || retry != 2 {
		t.Fatalf("31st request: allowed %v, retry %d s, want refused with 2 s", ok, retry)
	}
	if ok, _ := l.allow("198.51.100.1", t0); !ok {
		t.Error("another address was refused")
	}
	if ok, _ := l.allow("203.0.113.7", t0.Add(time.Second)); ok {
		t.Error("allowed after 1 s")
	}
	if ok, _ := l.allow("203.0.113.7", t0.Add(2*time.Second)); !ok {
		t.Error("refused after 2 s")
	}
	// A minute later the buckets are full again and forgotten on the next
	// call.
	l.allow("192.0.2.1", t0.Add(3*time.Minute))
	if _, kept := l.buckets["203.0.113.7"]; kept {
		t.Error("a full bucket was kept")
	}
	if len(l.buckets) != 1 {
		t.Errorf("%d buckets kept, want 1", len(l.buckets))
	}
}
