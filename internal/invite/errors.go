package invite

import (
	"net/http"
	"time"
)

// Error is a refusal the portal shows: Key is the i18n key of the message,
// Field the form field it belongs beside ("" = the whole form), Status the
// HTTP status that fits.
type Error struct {
	Key    string
	Field  string
	Status int
}

// Error names the refusal by its key (logs only; pages translate Key).
func (e *Error) Error() string { return "invite: " + e.Key }

// Refusals of Issue, Accept, Resend and Revoke. Compare with errors.Is.
var (
	ErrInvalidEmail      = &Error{Key: "invitations.error.email", Field: "email", Status: http.StatusBadRequest}
	ErrAlreadyRegistered = &Error{Key: "invitations.error.registered", Field: "email", Status: http.StatusBadRequest}
	ErrPending           = &Error{Key: "invitations.error.pending", Field: "email", Status: http.StatusConflict}
	ErrInvalidRole       = &Error{Key: "invitations.error.role", Field: "role", Status: http.StatusBadRequest}
	ErrNoPartner         = &Error{Key: "invitations.error.partner", Field: "partner", Status: http.StatusBadRequest}
	ErrPartnerSuspended  = &Error{Key: "invitations.error.suspended", Field: "partner", Status: http.StatusBadRequest}
	ErrNameTooLong       = &Error{Key: "invitations.error.name", Field: "name", Status: http.StatusBadRequest}
	ErrForbidden         = &Error{Key: "invitations.error.forbidden", Status: http.StatusForbidden}
	ErrTooMany           = &Error{Key: "invitations.error.too_many", Status: http.StatusTooManyRequests}

	// Link refusals: one page explains each.
	ErrUnknown = &Error{Key: "invitations.gone.unknown", Status: http.StatusNotFound}
	ErrExpired = &Error{Key: "invitations.gone.expired", Status: http.StatusGone}
	ErrRevoked = &Error{Key: "invitations.gone.revoked", Status: http.StatusGone}
	ErrUsed    = &Error{Key: "invitations.gone.used", Status: http.StatusGone}

	// ErrNotPending refuses re-sending or revoking a settled invitation.
	ErrNotPending = &Error{Key: "invitations.error.not_pending", Status: http.StatusConflict}
)

// CooldownError refuses a re-send within ResendCooldown of the last e-mail.
type CooldownError struct {
	Until time.Time
}

// Error says the re-send came too soon (logs only).
func (e *CooldownError) Error() string { return "invite: re-sent too soon" }

// Key is the i18n key of the message (takes the minutes left).
func (e *CooldownError) Key() string { return "invitations.error.cooldown" }

// Minutes is the wait left at now, rounded up, at least 1.
func (e *CooldownError) Minutes(now time.Time) int {
	d := e.Until.Sub(now)
	m := int((d + time.Minute - 1) / time.Minute)
	if m < 1 {
		m = 1
	}
	return m
}
