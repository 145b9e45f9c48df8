package session

import (
	"database/sql"
	"errors"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
)

// ErrBlocked is returned by Create for a user who may not sign in.
var ErrBlocked = errors.New("session: this user may not sign in")

// Blocked reports whether user may not sign in: a deactivated account, or
// a partner user whose partner is suspended. Every sign-in path asks it (and
// Create refuses a blocked user), like the users collection's Auth rule does
// for the REST API. A failed lookup counts as blocked.
func Blocked(app core.App, user *core.Record) bool {
	if user.GetBool("deactivated") {
		return true
	}
	pid := user.GetString("partner")
	if pid == "" {
		return false
	}
	var status string
	err := app.DB().Select("status").From("partners").Where(dbx.HashExp{"id": pid}).Row(&status)
	if errors.Is(err, sql.ErrNoRows) {
		return false
	}
	return err != nil || status == "suspended"
}
