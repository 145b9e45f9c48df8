package invite

import (
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/activity"
)

// partnerOf loads the invitation's partner (nil for a staff invitation).
func partnerOf(app core.App, inv *core.Record) (*core.Record, error) {
	pid := inv.GetString("partner")
	if pid == "" {
		return nil, nil
	}
	return app.FindRecordById("partners", pid)
}

// MayManage reports whether user may re-send or revoke inv: whoever could
// have issued it.
func MayManage(app core.App, user, inv *core.Record) bool {
	if user == nil {
		return false
	}
	partner, err := partnerOf(app, inv)
	if err != nil {
		return false
	}
	return MayInvite(user, partner, inv.GetString("role"))
}

// Revoke withdraws a pending invitation on by's behalf: its link stops
// working at once. Call it inside a transaction.
func Revoke(tx core.App, inv, by *core.Record, now time.Time) error {
	fresh, err := tx.FindRecordById(Collection, inv.Id)
	if err != nil {
		return ErrUnknown
	}
	if !MayManage(tx, by, fresh) {
		return ErrForbidden
	}
	if fresh.GetString("status") != StatusPending {
		return ErrNotPending
	}
	fresh.Set("status", StatusRevoked)
	fresh.Set("revoked_by", by.Id)
	fresh.Set("revoked_at", now)
	if err := tx.Save(fresh); err != nil {
		return err
	}
	*inv = *fresh
	return activity.RecordFor(tx, by, fresh.GetString("partner"), activity.KindInvitationRevoked, fresh)
}

// Resend e-mails a pending (or expired) invitation again with a new token and
// a new expiry; the old link stops working. It refuses with *CooldownError
// within ResendCooldown of the last e-mail. The e-mail goes last: call it
// inside a transaction so a mail failure changes nothing.
func Resend(tx core.App, inv, by *core.Record, now time.Time) error {
	fresh, err := tx.FindRecordById(Collection, inv.Id)
	if err != nil {
		return ErrUnknown
	}
	if !MayManage(tx, by, fresh) {
		return ErrForbidden
	}
	switch fresh.GetString("status") {
	case StatusPending:
	case StatusExpired:
		if u, err := tx.FindAuthRecordByEmail("users", fresh.GetString("email")); err == nil && u != nil {
			return ErrAlreadyRegistered
		}
		if other, err := FindPending(tx, fresh.GetString("email")); err == nil && other != nil {
			return ErrPending
		}
	default:
		return ErrNotPending
	}
	if until := fresh.GetDateTime("last_sent").Time().Add(ResendCooldown); until.After(now) {
		return &CooldownError{Until: until}
	}
	partner, err := partnerOf(tx, fresh)
	if err != nil {
		return ErrUnknown
	}
	token, hash, err := NewToken()
	if err != nil {
		return err
	}
	fresh.Set("status", StatusPending)
	fresh.Set("token_hash", hash)
	fresh.Set("expires", now.Add(Validity))
	fresh.Set("last_sent", now)
	fresh.Set("send_count", fresh.GetInt("send_count")+1)
	if err := tx.Save(fresh); err != nil {
		return err
	}
	if err := activity.RecordFor(tx, by, fresh.GetString("partner"), activity.KindInvitationSent, fresh); err != nil {
		return err
	}
	if err := send(tx, fresh, partner, by, token, false); err != nil {
		return err
	}
	*inv = *fresh
	return nil
}
