// Package training holds the rules of courses and certification that the
// hooks and the portal share: progress, grading, certificate issuance,
// verification codes and expiry.
package training

import (
	"crypto/rand"
	"strings"
	"time"
)

// codeAlphabet is Crockford's base32: no I, L, O or U, so a code read aloud
// or typed from paper is hard to get wrong.
const codeAlphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// CodeLength is the number of characters of a verification code: 20 base32
// characters are 100 random bits.
const CodeLength = 20

// NewCode returns a fresh, unguessable verification code.
func NewCode() string {
	b := make([]byte, CodeLength)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	for i := range b {
		b[i] = codeAlphabet[b[i]&31]
	}
	return string(b)
}

// FormatCode groups a code in blocks of five for print: XXXXX-XXXXX-….
func FormatCode(code string) string {
	var sb strings.Builder
	for i, r := range code {
		if i > 0 && i%5 == 0 {
			sb.WriteByte('-')
		}
		sb.WriteRune(r)
	}
	return sb.String()
}

// NormalizeCode turns what a person typed into a stored code: dashes and
// spaces dropped, upper case, and the letters people confuse with digits
// (O, I, L) mapped as Crockford's base32 does. It returns "" when the result
// cannot be a code.
func NormalizeCode(s string) string {
	s = strings.ToUpper(s)
	var sb strings.Builder
	for _, r := range s {
		switch {
		case r == '-' || r == ' ':
			continue
		case r == 'O':
			r = '0'
		case r == 'I' || r == 'L':
			r = '1'
		}
		if r > 127 || !strings.ContainsRune(codeAlphabet, r) {
			return ""
		}
		sb.WriteRune(r)
	}
	if sb.Len() != CodeLength {
		return ""
	}
	return sb.String()
}

// Expiry is the last day a certificate issued at issued is valid: the issue
// date (UTC) plus months, on the same day of the month or the month's last
// day when it is shorter (31 January + 1 month = 28 or 29 February). It is
// the zero time when months is 0 (no expiry). The result is midnight UTC of
// that day; the certificate is valid through the whole day.
func Expiry(issued time.Time, months int) time.Time {
	if months <= 0 {
		return time.Time{}
	}
	d := issued.UTC()
	y, m, day := d.Date()
	first := time.Date(y, m+time.Month(months), 1, 0, 0, 0, 0, time.UTC)
	last := first.AddDate(0, 1, -1).Day()
	if day > last {
		day = last
	}
	return time.Date(first.Year(), first.Month(), day, 0, 0, 0, 0, time.UTC)
}

// Expired reports whether a certificate whose last valid day is expires has
// expired at now: from midnight UTC after that day. A zero expires never
// expires.
func Expired(expires, now time.Time) bool {
	if expires.IsZero() {
		return false
	}
	return !now.UTC().Before(expires.UTC().AddDate(0, 0, 1))
}
