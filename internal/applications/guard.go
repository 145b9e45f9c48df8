// Package applications holds the rules of the public "Become a partner"
// application: what a valid application is, the abuse protections of the
// public form (a signed form timestamp, a per-address limit, a keyed hash of
// the address) and the e-mails an application sends.
package applications

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Timing and limits of the public form.
const (
	// MinFillTime is the least time between showing the form and sending
	// it: people take longer, scripts do not.
	MinFillTime = 3 * time.Second
	// MaxFormAge is how long a shown form may be sent.
	MaxFormAge = 4 * time.Hour
	// PerAddress applications are accepted from one address per Window.
	PerAddress = 3
	// Window is the span of the per-address limit.
	Window = 10 * time.Minute
	// maxTracked bounds the addresses the limiter remembers; past it the
	// oldest windows are dropped first.
	maxTracked = 50000
)

// Verdict is what the form timestamp says about a submission.
type Verdict int

// Verdicts of CheckToken.
const (
	TokenOK      Verdict = iota
	TokenTooFast         // sent sooner than MinFillTime after the form was shown
	TokenExpired         // older than MaxFormAge
	TokenForged          // missing, malformed or not signed by this server
)

// Guard keeps one app's form key and per-address counts. Get it with For.
type Guard struct {
	// Now is the clock of tokens and the limiter (tests set a fixed one).
	Now func() time.Time

	key  []byte
	mu   sync.Mutex
	hits map[string][]time.Time
}

// storeKey names the app's Guard in its store.
const storeKey = "ponte.applications.guard"

// For returns the app's Guard, made on first use. Its key is derived with
// HMAC from the users collection's auth-token secret: a random secret that
// PocketBase keeps in the database, never sends to a client, and that
// survives restarts, so a form shown before a restart still validates.
// Rotating that secret (dashboard → users → token options) also voids the
// forms in flight, which is harmless. Without it a random in-memory key is
// used.
func For(app core.App) *Guard {
	if g, ok := app.Store().Get(storeKey).(*Guard); ok {
		return g
	}
	// The key is read before GetOrSet: PocketBase's collection cache lives
	// in the same store, whose lock GetOrSet holds while it runs.
	g := newGuard(formKey(app))
	return app.Store().GetOrSet(storeKey, func() any { return g }).(*Guard)
}

func newGuard(key []byte) *Guard {
	return &Guard{Now: time.Now, key: key, hits: map[string][]time.Time{}}
}

func formKey(app core.App) []byte {
	if c, err := app.FindCachedCollectionByNameOrId("users"); err == nil && c.IsAuth() && c.AuthToken.Secret != "" {
		m := hmac.New(sha256.New, []byte(c.AuthToken.Secret))
		m.Write([]byte("ponte.applications.form.v1"))
		return m.Sum(nil)
	}
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	return k
}

func (g *Guard) sign(s string) string {
	m := hmac.New(sha256.New, g.key)
	m.Write([]byte(s))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Token is the signed timestamp put in the form when it is shown.
func (g *Guard) Token() string { return g.TokenAt(g.Now()) }

// TokenAt is Token for a form shown at t.
func (g *Guard) TokenAt(t time.Time) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return ts + "." + g.sign("form:"+ts)
}

// CheckToken judges the timestamp a submission carries.
func (g *Guard) CheckToken(tok string) Verdict {
	ts, sig, ok := strings.Cut(tok, ".")
	if !ok || len(ts) > 12 || !hmac.Equal([]byte(sig), []byte(g.sign("form:"+ts))) {
		return TokenForged
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return TokenForged
	}
	age := g.Now().Sub(time.Unix(sec, 0))
	switch {
	case age < MinFillTime:
		return TokenTooFast
	case age > MaxFormAge:
		return TokenExpired
	}
	return TokenOK
}

// Allow counts one submission from addr and reports whether it is within
// PerAddress per Window; a refused one is not counted.
func (g *Guard) Allow(addr string) bool {
	now := g.Now()
	g.mu.Lock()
	defer g.mu.Unlock()
	kept := g.hits[addr][:0]
	for _, t := range g.hits[addr] {
		if now.Sub(t) < Window {
			kept = append(kept, t)
		}
	}
	if len(kept) >= PerAddress {
		g.hits[addr] = kept
		return false
	}
	if len(g.hits) >= maxTracked {
		g.prune(now)
	}
	g.hits[addr] = append(kept, now)
	return true
}

// prune forgets addresses whose window has passed; if none has, it forgets
// them all (a flood from that many addresses is beyond an in-memory limit,
// and PocketBase's limiter still answers per address).
func (g *Guard) prune(now time.Time) {
	for a, ts := range g.hits {
		if len(ts) == 0 || now.Sub(ts[len(ts)-1]) >= Window {
			delete(g.hits, a)
		}
	}
	if len(g.hits) >= maxTracked {
		clear(g.hits)
	}
}

// HashAddr is the keyed hash stored with an application instead of the
// sender's address: equal addresses give equal hashes (for abuse review),
// and without the key the address cannot be recovered by trying them all.
func (g *Guard) HashAddr(addr string) string {
	m := hmac.New(sha256.New, g.key)
	m.Write([]byte("addr:" + addr))
	return hex.EncodeToString(m.Sum(nil))[:32]
}
