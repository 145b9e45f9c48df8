package ui

import (
	"database/sql"
	"errors"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/training"
)

// Verification rate limit: each client address may look up verifyBurst
// codes at once and verifyPerMinute a minute after that.
const (
	verifyPerMinute = 30
	verifyBurst     = 30
	// verifyMaxInput bounds what the form accepts before normalising.
	verifyMaxInput = 100
)

// verifyLimiterKey is where an app keeps its verification limiter, so every
// app (and every test app) has its own.
const verifyLimiterKey = "ponte.verify.limiter"

// verifyUnknown stands in for a malformed code: the lookup runs all the same
// on the unique code index and finds nothing, so a malformed code answers
// like an unknown one, in the same time.
const verifyUnknown = "-"

// verifyData is the verification page's data: the form, and the result of
// a lookup (Found false for an unknown or malformed code).
type verifyData struct {
	Looked, Found, Limited   bool
	Holder, Partner, Cert    string
	Status                   string
	Issued, Expires, Revoked time.Time
	Code                     string
	RetryAfter               int // seconds, when Limited
}

// verifyLimiter is a token bucket per client address.
type verifyLimiter struct {
	mu      sync.Mutex
	buckets map[string]*verifyBucket
	swept   time.Time
}

type verifyBucket struct {
	tokens float64
	at     time.Time
}

// allow takes one token of ip's bucket at t; when it has none it returns
// false and the seconds until the next token.
func (l *verifyLimiter) allow(ip string, t time.Time) (bool, int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	rate := float64(verifyPerMinute) / 60
	// Full buckets are forgotten once a minute, so the map holds only the
	// addresses seen in the last minute or so.
	if t.Sub(l.swept) > time.Minute {
		for k, b := range l.buckets {
			if b.tokens+t.Sub(b.at).Seconds()*rate >= verifyBurst {
				delete(l.buckets, k)
			}
		}
		l.swept = t
	}
	b, ok := l.buckets[ip]
	if !ok {
		b = &verifyBucket{tokens: verifyBurst, at: t}
		l.buckets[ip] = b
	}
	b.tokens = math.Min(verifyBurst, b.tokens+t.Sub(b.at).Seconds()*rate)
	b.at = t
	if b.tokens < 1 {
		return false, int(math.Ceil((1 - b.tokens) / rate))
	}
	b.tokens--
	return true, 0
}

func limiterOf(app core.App) *verifyLimiter {
	return app.Store().GetOrSet(verifyLimiterKey, func() any {
		return &verifyLimiter{buckets: map[string]*verifyBucket{}}
	}).(*verifyLimiter)
}

// verifyHeaders keeps the verification pages out of search engines and
// caches: a code is for the person who was handed it.
func verifyHeaders(e *core.RequestEvent) {
	e.Response.Header().Set("X-Robots-Tag", "noindex, nofollow")
	e.Response.Header().Set("Referrer-Policy", "no-referrer")
}

// verifyForm is the public page where anyone types a code. With ?code= it
// sends the browser to that code's page (the form works without script).
func (u *portal) verifyForm(e *core.RequestEvent) error {
	verifyHeaders(e)
	raw := strings.TrimSpace(e.Request.URL.Query().Get("code"))
	if _, sent := e.Request.URL.Query()["code"]; sent {
		if raw == "" {
			p := &Page{Title: u.t(e, "certificates.verify.title"), Data: &verifyData{},
				Errors: map[string]string{"code": u.t(e, "validation.required")}, Values: map[string]string{}}
			return u.render(e, http.StatusBadRequest, "verify", p)
		}
		target := raw
		if n := training.NormalizeCode(raw); n != "" {
			target = n
		}
		if !utf8.ValidString(target) || utf8.RuneCountInString(target) > verifyMaxInput {
			target = verifyUnknown
		}
		return e.Redirect(http.StatusSeeOther, "/verify/"+url.PathEscape(target))
	}
	p := &Page{Title: u.t(e, "certificates.verify.title"), Data: &verifyData{}, Values: map[string]string{}}
	return u.render(e, http.StatusOK, "verify", p)
}

// verifyShow is the public verification of one code: holder, partner,
// certification, dates and status (valid, expired or revoked, expired
// judged at this moment too), nothing else. Malformed and unknown codes get
// the same "not found" page with a 404. Each address may look up 30 codes a
// minute; more get a 429 page saying when to try again.
func (u *portal) verifyShow(e *core.RequestEvent) error {
	verifyHeaders(e)
	raw := e.Request.PathValue("code")
	d := &verifyData{Looked: true}
	p := &Page{Title: u.t(e, "certificates.verify.title"), Data: d, Values: map[string]string{"code": verifyClip(raw)}}
	if ok, retry := limiterOf(e.App).allow(e.RealIP(), time.Now()); !ok {
		d.Limited, d.RetryAfter = true, retry
		e.Response.Header().Set("Retry-After", strconv.Itoa(retry))
		p.Title = u.t(e, "certificates.verify.limited_title")
		return u.render(e, http.StatusTooManyRequests, "verify", p)
	}
	code := training.NormalizeCode(raw)
	lookup := code
	if lookup == "" {
		lookup = verifyUnknown
	}
	var row struct {
		Holder  string `db:"holder_name"`
		Partner string `db:"partner_name"`
		Cert    string `db:"cert"`
		Status  string `db:"status"`
		Issued  string `db:"issued"`
		Expires string `db:"expires"`
		Revoked string `db:"revoked"`
	}
	// The public projection of a certificate: the page shows these columns
	// and no others, found on the unique code index. It cannot go through
	// the certificates View rule, which is for signed-in people.
	err := e.App.DB().Select("c.holder_name", "c.partner_name", "COALESCE(n.name, '') AS cert", "c.status",
		"c.issued", "c.expires", "c.revoked").
		From("certificates c").LeftJoin("certifications n", dbx.NewExp("n.id = c.certification")).
		Where(dbx.HashExp{"c.code": lookup}).Limit(1).One(&row)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && code == "") {
		p.Title = u.t(e, "certificates.verify.not_found_title")
		return u.render(e, http.StatusNotFound, "verify", p)
	}
	if err != nil {
		return err
	}
	d.Found, d.Code = true, training.FormatCode(code)
	d.Holder, d.Partner, d.Cert = row.Holder, row.Partner, row.Cert
	d.Issued, d.Expires, d.Revoked = verifyParseTime(row.Issued), verifyParseTime(row.Expires), verifyParseTime(row.Revoked)
	d.Status = certificateStatus(row.Status, d.Expires, now())
	p.Title = u.t(e, "certificates.verify.result_title", d.Holder)
	return u.render(e, http.StatusOK, "verify", p)
}

// verifyClip keeps at most verifyMaxInput characters of valid UTF-8, for
// re-showing what was typed.
func verifyClip(s string) string {
	s = strings.ToValidUTF8(strings.TrimSpace(s), "")
	if r := []rune(s); len(r) > verifyMaxInput {
		return string(r[:verifyMaxInput])
	}
	return s
}

// verifyParseTime reads a date as PocketBase stores it; "" is the zero time.
func verifyParseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	dt, err := types.ParseDateTime(s)
	if err != nil {
		return time.Time{}
	}
	return dt.Time()
}
