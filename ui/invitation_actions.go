package ui

import (
	"net/http"
	"net/url"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/invite"
)

// invitationBack is where an action returns: the list with the filters the
// form carried (only the list's own parameters are kept).
func invitationBack(e *core.RequestEvent) string {
	q := url.Values{}
	for _, k := range []string{"status", "partner"} {
		if v := formValue(e, k); v != "" && len(v) <= 80 {
			q.Set(k, v)
		}
	}
	if len(q) == 0 {
		return "/invitations"
	}
	return "/invitations?" + q.Encode()
}

// invitationResend e-mails the invitation again with a new link and a new
// expiry; within the 10-minute cooldown it answers 429 with the wait.
func (u *portal) invitationResend(e *core.RequestEvent) error {
	return u.invitationAction(e, "flash.invitations.resent", func(tx core.App, inv *core.Record) error {
		return invite.Resend(tx, inv, getCtx(e).User, now())
	})
}

// invitationRevoke withdraws a pending invitation: its link stops working.
func (u *portal) invitationRevoke(e *core.RequestEvent) error {
	return u.invitationAction(e, "flash.invitations.revoked", func(tx core.App, inv *core.Record) error {
		return invite.Revoke(tx, inv, getCtx(e).User, now())
	})
}

// invitationAction runs one action on a visible invitation in a transaction
// and returns to the list; a refusal is shown on the error page with its
// status (403, 409, 429) and translated message.
func (u *portal) invitationAction(e *core.RequestEvent, flash string, act func(tx core.App, inv *core.Record) error) error {
	if err := requireInviter(e); err != nil {
		return err
	}
	inv, err := findInvitation(e)
	if err != nil {
		return err
	}
	err = e.App.RunInTransaction(func(tx core.App) error { return act(tx, inv) })
	if err == nil {
		u.setFlash(e, flash)
		return e.Redirect(http.StatusSeeOther, invitationBack(e))
	}
	loc := u.locale(e)
	status, _, msg, ok := inviteError(loc, err)
	if !ok {
		e.App.Logger().Error("invitation action failed", "invitation", inv.Id, "error", err)
		status, msg = http.StatusBadGateway, tr(loc, "invitations.error.mail")
	}
	p := &Page{Title: tr(loc, "invitations.refused"), Data: map[string]any{"Message": msg, "Back": invitationBack(e)}}
	return u.render(e, status, "invitation_refused", p)
}
