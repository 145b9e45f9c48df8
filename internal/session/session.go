// Package session keeps portal sign-ins as server-side sessions. The browser
// holds only an opaque random id; the database holds its SHA-256, the CSRF
// token and a digest of the user's token key, so a password change or a
// deactivation ends every session of that user at once.
package session

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Timeouts: a session ends after IdleTimeout without a request, and in any
// case AbsoluteTimeout after sign-in.
const (
	IdleTimeout     = 12 * time.Hour
	AbsoluteTimeout = 14 * 24 * time.Hour
	// touchEvery limits last_seen writes to one per session per minute.
	touchEvery = time.Minute
)

// ErrInvalid means the cookie does not name a live session.
var ErrInvalid = errors.New("session: invalid or expired")

// Session is a live portal session with its user.
type Session struct {
	Record *core.Record
	User   *core.Record
	CSRF   string
}

// randomToken returns 32 random bytes, base64url encoded (256 bits).
func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// RandomToken returns a fresh unguessable 256-bit token (URL-safe base64):
// guests' CSRF cookies, invitation links.
func RandomToken() string { return randomToken() }

func sum(s string) string { return HashToken(s) }

// HashToken is the stored form of a secret token: hex SHA-256, so a lookup
// by hash never compares the secret itself (sessions, invitation links).
func HashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// Create starts a session for user and returns the cookie value.
func Create(app core.App, user *core.Record, userAgent, ip string) (string, *Session, error) {
	if Blocked(app, user) {
		return "", nil, ErrBlocked
	}
	c, err := app.FindCachedCollectionByNameOrId("sessions")
	if err != nil {
		return "", nil, err
	}
	token := randomToken()
	now := time.Now().UTC()
	r := core.NewRecord(c)
	r.Set("token_hash", sum(token))
	r.Set("user", user.Id)
	r.Set("csrf", randomToken())
	r.Set("key_sum", sum(user.TokenKey()))
	r.Set("expires", now.Add(AbsoluteTimeout))
	r.Set("last_seen", now)
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	r.Set("user_agent", userAgent)
	r.Set("ip", ip)
	if err := app.Save(r); err != nil {
		return "", nil, err
	}
	return token, &Session{Record: r, User: user, CSRF: r.GetString("csrf")}, nil
}

// Load finds the live session for a cookie value and its user. Expired,
// idle, key-rotated and deactivated sessions are deleted and ErrInvalid is
// returned.
func Load(app core.App, token string) (*Session, error) {
	if len(token) < 20 || len(token) > 100 {
		return nil, ErrInvalid
	}
	r, err := app.FindFirstRecordByData("sessions", "token_hash", sum(token))
	if err != nil {
		return nil, ErrInvalid
	}
	now := time.Now().UTC()
	user, err := app.FindRecordById("users", r.GetString("user"))
	if err != nil ||
		user.GetBool("deactivated") ||
		r.GetDateTime("expires").Time().Before(now) ||
		r.GetDateTime("last_seen").Time().Add(IdleTimeout).Before(now) ||
		r.GetString("key_sum") != sum(user.TokenKey()) {
		_ = app.Delete(r)
		return nil, ErrInvalid
	}
	if r.GetDateTime("last_seen").Time().Add(touchEvery).Before(now) {
		// A direct UPDATE: touching last_seen is not a record change worth hooks.
		_, _ = app.DB().Update("sessions", dbx.Params{"last_seen": types.NowDateTime().String()},
			dbx.HashExp{"id": r.Id}).Execute()
	}
	return &Session{Record: r, User: user, CSRF: r.GetString("csrf")}, nil
}

// Delete ends the session named by a cookie value (sign-out).
func Delete(app core.App, token string) error {
	r, err := app.FindFirstRecordByData("sessions", "token_hash", sum(token))
	if err != nil {
		return nil
	}
	return app.Delete(r)
}

// DeleteForUser ends every session of a user except the one with keepID.
func DeleteForUser(app core.App, userID, keepID string) error {
	_, err := app.DB().Delete("sessions", dbx.And(
		dbx.HashExp{"user": userID}, dbx.Not(dbx.HashExp{"id": keepID}))).Execute()
	return err
}

// maxListed bounds the sessions List returns (a user has a handful).
const maxListed = 50

// List returns the user's live sessions, most recently active first. It
// reads through idx_sessions_user: a user has a handful of rows.
func List(app core.App, userID string) ([]*core.Record, error) {
	now := time.Now().UTC()
	return app.FindRecordsByFilter("sessions",
		"user = {:user} && expires > {:now} && last_seen > {:idle}", "-last_seen", maxListed, 0,
		dbx.Params{"user": userID, "now": now.Format(types.DefaultDateLayout),
			"idle": now.Add(-IdleTimeout).Format(types.DefaultDateLayout)})
}

// DeleteOne ends the session id if it belongs to userID; ok is false when
// there is no such session of that user.
func DeleteOne(app core.App, userID, id string) (ok bool, err error) {
	r, err := app.FindRecordById("sessions", id)
	if err != nil || r.GetString("user") != userID {
		return false, nil
	}
	return true, app.Delete(r)
}

// EndEverywhere ends every portal session of the user and rotates the
// user's token key, so REST tokens issued before stop working too. It runs
// in one transaction.
func EndEverywhere(app core.App, user *core.Record) error {
	return app.RunInTransaction(func(tx core.App) error {
		if _, err := tx.DB().Delete("sessions", dbx.HashExp{"user": user.Id}).Execute(); err != nil {
			return err
		}
		fresh, err := tx.FindRecordById("users", user.Id)
		if err != nil {
			return err
		}
		fresh.RefreshTokenKey()
		return tx.Save(fresh)
	})
}

// PurgeExpired deletes sessions past their absolute or idle timeout.
func PurgeExpired(app core.App) error {
	now := time.Now().UTC()
	_, err := app.DB().Delete("sessions", dbx.Or(
		dbx.NewExp("expires < {:now}", dbx.Params{"now": now.Format(types.DefaultDateLayout)}),
		dbx.NewExp("last_seen < {:idle}", dbx.Params{"idle": now.Add(-IdleTimeout).Format(types.DefaultDateLayout)}),
	)).Execute()
	return err
}
