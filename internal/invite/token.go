package invite

import "github.com/ponte-portal/ponte/internal/session"

// NewToken returns a fresh 256-bit token (URL-safe base64, as the portal's
// session tokens) and its hash.
func NewToken() (token, hash string, err error) {
	token = session.RandomToken()
	return token, HashToken(token), nil
}

// HashToken is the stored form of a token (session.HashToken): looking an
// invitation up by hash means no comparison ever runs on the secret itself.
func HashToken(token string) string { return session.HashToken(token) }

// wellFormed reports whether s can be a token at all (43 URL-safe base64
// characters), so forged junk is refused without a query.
func wellFormed(s string) bool {
	if len(s) != 43 {
		return false
	}
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return false
		}
	}
	return true
}
