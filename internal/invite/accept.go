package invite

import (
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/i18n"
	"github.com/ponte-portal/ponte/internal/notify"
)

// Acceptance is what the invitee says when accepting.
type Acceptance struct {
	Name     string
	Password string // "" only with Provider (an OAuth2 sign-up)
	Locale   string // "" = the invitation's
	// Provider and ProviderID link an OAuth2 account instead of a password
	// (the user gets a random one they never learn).
	Provider, ProviderID string
}

// Lookup returns the invitation a token opens, whatever its state, or one of
// ErrUnknown, ErrExpired, ErrRevoked, ErrUsed. Only the token's hash is
// queried: nothing compares the secret itself.
func Lookup(app core.App, token string, now time.Time) (*core.Record, error) {
	if !wellFormed(token) {
		return nil, ErrUnknown
	}
	inv, err := app.FindFirstRecordByData(Collection, "token_hash", HashToken(token))
	if err != nil || inv == nil {
		return nil, ErrUnknown
	}
	return inv, Usable(inv, now)
}

// Usable reports why an invitation can no longer be accepted (nil if it can).
func Usable(inv *core.Record, now time.Time) error {
	switch inv.GetString("status") {
	case StatusAccepted:
		return ErrUsed
	case StatusRevoked:
		return ErrRevoked
	case StatusExpired:
		return ErrExpired
	}
	if !inv.GetDateTime("expires").Time().After(now) {
		return ErrExpired
	}
	return nil
}

// Accept creates the invitee's user from the invitation a token opens and
// marks it accepted, single use. Call it inside a transaction (tx): the
// invitation is re-read there, so a second submit finds it used.
func Accept(tx core.App, token string, a Acceptance, now time.Time) (*core.Record, error) {
	inv, err := Lookup(tx, token, now)
	if err != nil {
		return nil, err
	}
	return acceptInvitation(tx, inv, a, now)
}

// acceptInvitation is Accept for an invitation already found and usable.
func acceptInvitation(tx core.App, inv *core.Record, a Acceptance, now time.Time) (*core.Record, error) {
	if u, err := tx.FindAuthRecordByEmail("users", inv.GetString("email")); err == nil && u != nil {
		return nil, ErrAlreadyRegistered
	}
	if pid := inv.GetString("partner"); pid != "" {
		p, err := tx.FindRecordById("partners", pid)
		if err != nil {
			return nil, ErrUnknown
		}
		if p.GetString("status") == "suspended" {
			return nil, ErrPartnerSuspended
		}
	}
	users, err := tx.FindCachedCollectionByNameOrId("users")
	if err != nil {
		return nil, err
	}
	name := strings.TrimSpace(a.Name)
	if name == "" {
		name = inv.GetString("name")
	}
	if len([]rune(name)) > 120 {
		return nil, ErrNameTooLong
	}
	loc := i18n.Normalize(a.Locale)
	if loc == "" {
		loc = inv.GetString("locale")
	}
	user := core.NewRecord(users)
	user.SetEmail(inv.GetString("email"))
	user.SetVerified(true) // the link came to this address
	user.Set("name", name)
	user.Set("role", inv.GetString("role"))
	user.Set("partner", inv.GetString("partner"))
	user.Set("locale", loc)
	pw := a.Password
	if a.Provider != "" {
		pw = security.RandomString(40)
	}
	user.SetPassword(pw)
	if err := tx.Save(user); err != nil {
		return nil, err
	}
	if a.Provider != "" {
		ea := core.NewExternalAuth(tx)
		ea.SetCollectionRef(users.Id)
		ea.SetRecordRef(user.Id)
		ea.SetProvider(a.Provider)
		ea.SetProviderId(a.ProviderID)
		if err := tx.Save(ea); err != nil {
			return nil, err
		}
	}
	inv.Set("status", StatusAccepted)
	inv.Set("accepted_at", now)
	inv.Set("accepted_user", user.Id)
	if name != "" {
		inv.Set("name", name)
	}
	if err := tx.Save(inv); err != nil {
		return nil, err
	}
	if err := activity.Record(tx, user, activity.KindInvitationAccepted, inv); err != nil {
		return nil, err
	}
	// The inviter hears of it (not the system, for an approved application).
	if by := inv.GetString("invited_by"); by != "" {
		link := "/invitations"
		if pid := user.GetString("partner"); pid != "" {
			if p, err := tx.FindRecordById("partners", pid); err == nil {
				link = "/partners/" + p.GetString("slug")
			}
		}
		if err := notify.Send(tx, notify.KindInvitationAccepted, link, user.Id, []any{user.GetString("name")}, by); err != nil {
			return nil, err
		}
	}
	return user, nil
}
