// Package invite issues, delivers, accepts, re-sends and revokes
// invitations: the only way a new user enters the portal besides the
// dashboard. A token is 256 random bits; only its SHA-256 is stored, the token
// itself travels in the e-mail link and nowhere else.
package invite

import (
	"net/mail"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/i18n"
	"github.com/ponte-portal/ponte/internal/roles"
)

// Collection is the name of the invitations collection.
const Collection = "invitations"

// Invitation statuses.
const (
	StatusPending  = "pending"
	StatusAccepted = "accepted"
	StatusRevoked  = "revoked"
	StatusExpired  = "expired"
)

// Timing of an invitation's life.
const (
	// Validity is how long a link works after it was (re)sent.
	Validity = 7 * 24 * time.Hour
	// ReminderAfter is how long a pending invitation waits for its one reminder.
	ReminderAfter = 3 * 24 * time.Hour
	// ResendCooldown is the least time between two e-mails of one invitation.
	ResendCooldown = 10 * time.Minute
	// DailyLimit bounds the invitations one person issues in 24 hours, so a
	// partner account cannot be used to flood strangers with e-mail. The
	// system (InvitedBy "") and admins are not bound.
	DailyLimit = 50
)

// Request is one invitation to make.
type Request struct {
	Email, Name string // Name optional (the invitee may change it when accepting)
	Role        string // roles.PartnerAdmin or roles.PartnerUser (staff roles: admins only)
	PartnerID   string // the partner the invitee joins (required for partner roles)
	Locale      string // e-mail and first-visit language ("" = portal default)
	InvitedBy   string // user id of the inviter; "" = the system (e.g. an approved application)
}

// Issue validates req, stores the invitation (token stored hashed) and sends
// the e-mail, LAST, so that a mail failure returns an error and the CALLER'S
// transaction rolls back everything (a partner created for it too). Call it
// with a transaction app (tx). Validation errors are *Error values
// (ErrAlreadyRegistered, ErrPending, ErrForbidden …) carrying an i18n key.
func Issue(tx core.App, req Request) (*core.Record, error) {
	return IssueAt(tx, req, time.Now())
}

// IssueAt is Issue with the clock given, for tests and jobs.
func IssueAt(tx core.App, req Request, now time.Time) (*core.Record, error) {
	req.Email = NormalizeEmail(req.Email)
	req.Name = strings.TrimSpace(req.Name)
	req.Locale = i18n.Normalize(req.Locale)
	var inviter *core.Record
	if req.InvitedBy != "" {
		u, err := tx.FindRecordById("users", req.InvitedBy)
		if err != nil {
			return nil, ErrForbidden
		}
		inviter = u
	}
	partner, err := validate(tx, inviter, req, now)
	if err != nil {
		return nil, err
	}

	c, err := tx.FindCachedCollectionByNameOrId(Collection)
	if err != nil {
		return nil, err
	}
	token, hash, err := NewToken()
	if err != nil {
		return nil, err
	}
	rec := core.NewRecord(c)
	rec.Set("email", req.Email)
	rec.Set("name", req.Name)
	rec.Set("role", req.Role)
	rec.Set("partner", req.PartnerID)
	rec.Set("invited_by", req.InvitedBy)
	rec.Set("token_hash", hash)
	rec.Set("locale", req.Locale)
	rec.Set("status", StatusPending)
	rec.Set("expires", now.Add(Validity))
	rec.Set("last_sent", now)
	rec.Set("send_count", 1)
	if err := tx.Save(rec); err != nil {
		return nil, err
	}
	if err := activity.RecordFor(tx, inviter, req.PartnerID, activity.KindInvitationSent, rec); err != nil {
		return nil, err
	}
	// The e-mail goes last: when it fails, the caller's transaction undoes
	// the invitation and whatever was made for it.
	if err := send(tx, rec, partner, inviter, token, false); err != nil {
		return nil, err
	}
	return rec, nil
}

// NormalizeEmail trims and lower-cases an address.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// validate checks req against the data and the inviter's powers and returns
// the partner the invitee joins (nil for a staff invitation).
func validate(tx core.App, inviter *core.Record, req Request, now time.Time) (*core.Record, error) {
	if a, err := mail.ParseAddress(req.Email); err != nil || a.Address != req.Email || len(req.Email) > 254 {
		return nil, ErrInvalidEmail
	}
	if req.Role != roles.PartnerAdmin && req.Role != roles.PartnerUser && !roles.IsStaff(req.Role) {
		return nil, ErrInvalidRole
	}
	if roles.IsStaff(req.Role) && inviter != nil && roles.Of(inviter) != roles.Admin {
		return nil, ErrForbidden // only admins grant staff roles
	}
	var partner *core.Record
	if roles.IsPartnerRole(req.Role) {
		if req.PartnerID == "" {
			return nil, ErrNoPartner
		}
		p, err := tx.FindRecordById("partners", req.PartnerID)
		if err != nil {
			return nil, ErrNoPartner
		}
		partner = p
	} else if req.PartnerID != "" {
		return nil, ErrInvalidRole
	}
	if !MayInvite(inviter, partner, req.Role) {
		return nil, ErrForbidden
	}
	if partner != nil && partner.GetString("status") == "suspended" {
		return nil, ErrPartnerSuspended
	}
	if req.Name != "" && len([]rune(req.Name)) > 120 {
		return nil, ErrNameTooLong
	}
	if u, err := tx.FindAuthRecordByEmail("users", req.Email); err == nil && u != nil {
		return nil, ErrAlreadyRegistered
	}
	if inviter != nil && roles.Of(inviter) != roles.Admin {
		n, err := tx.CountRecords(Collection, dbx.HashExp{"invited_by": inviter.Id},
			dbx.NewExp("[[created]] > {:since}", dbx.Params{"since": stamp(now.Add(-24 * time.Hour))}))
		if err != nil {
			return nil, err
		}
		if n >= DailyLimit {
			return nil, ErrTooMany
		}
	}
	pending, err := FindPending(tx, req.Email)
	if err == nil && pending != nil {
		if pending.GetDateTime("expires").Time().After(now) {
			return nil, ErrPending
		}
		// Past its date but not yet swept by the hourly job.
		pending.Set("status", StatusExpired)
		if err := tx.Save(pending); err != nil {
			return nil, err
		}
	}
	return partner, nil
}

// MayInvite reports whether inviter (nil = the system) may invite someone
// with role into partner (nil for staff roles). Admins invite anyone;
// managers partner roles into partners they manage; partner admins partner
// roles into their own partner.
func MayInvite(inviter, partner *core.Record, role string) bool {
	if inviter == nil {
		return true
	}
	if inviter.GetBool("deactivated") {
		return false
	}
	switch roles.Of(inviter) {
	case roles.Admin:
		return true
	case roles.Manager:
		return partner != nil && roles.IsPartnerRole(role) && partner.GetString("manager") == inviter.Id
	case roles.PartnerAdmin:
		own := inviter.GetString("partner")
		return partner != nil && roles.IsPartnerRole(role) && own != "" && partner.Id == own
	}
	return false
}

// FindPending returns the pending invitation of an address, if any.
func FindPending(app core.App, email string) (*core.Record, error) {
	return app.FindFirstRecordByFilter(Collection, "email = {:e} && status = {:s}",
		dbx.Params{"e": NormalizeEmail(email), "s": StatusPending})
}
