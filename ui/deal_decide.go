package ui

import (
	"errors"
	"net/http"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/deals"
)

// dealDecide is the approver panel: approve, reject with a reason, or
// extend the protection of an approved open deal by the protection window
// (from today, or from its current end when that is later). Only an admin
// or the deal partner's channel manager decides; the hook checks the move
// and stamps the decision.
func (u *portal) dealDecide(e *core.RequestEvent) error {
	rec, info, err := visibleDeal(e)
	if err != nil {
		return err
	}
	user := getCtx(e).User
	loc := u.locale(e)
	if !isDealApprover(e.App, user, rec) {
		return e.ForbiddenError("", errors.New("not this deal's approver"))
	}
	action := formValue(e, "action")
	reason := strings.TrimSpace(formValue(e, "reason"))
	comment := strings.TrimSpace(formValue(e, "comment"))
	errs := map[string]string{}
	if utf8.RuneCountInString(reason) > 1000 {
		errs["reason"] = tr(loc, "validation.deals_reason_long")
	}
	if utf8.RuneCountInString(comment) > 1000 {
		errs["comment"] = tr(loc, "validation.deals_reason_long")
	}
	var body map[string]any
	flash := "flash.deals_saved"
	switch action {
	case "approve":
		body, flash = map[string]any{"status": deals.StatusApproved}, "flash.deals_approved"
	case "reject":
		if reason == "" {
			errs["reason"] = tr(loc, "validation.deal_reason_required")
		}
		body, flash = map[string]any{"status": deals.StatusRejected, "reason": reason}, "flash.deals_rejected"
	case "extend":
		if rec.GetString("status") != deals.StatusApproved || !deals.IsOpen(rec.GetString("stage")) {
			return e.Error(http.StatusConflict, "", errors.New("only approved open deals are extended"))
		}
		from := now()
		if pu := rec.GetDateTime("protection_until").Time(); pu.After(from) {
			from = pu
		}
		body = map[string]any{"protection_until": deals.LoadSettings(e.App).ProtectionUntil(from).Truncate(time.Millisecond)}
		flash = "flash.deals_extended"
	default:
		return e.BadRequestError("", errors.New("unknown decision"))
	}
	if len(errs) == 0 {
		_, err = saveDeal(e, rec, body, comment)
		if err == nil {
			u.setFlash(e, flash)
			return e.Redirect(http.StatusSeeOther, "/deals/"+rec.Id)
		}
		if errors.Is(err, access.ErrForbidden) {
			return e.ForbiddenError("", err)
		}
		msgs, ok := validationMessages(loc, err)
		if !ok {
			return err
		}
		errs = msgs
	}
	p, err := u.dealPage(e, rec, info)
	if err != nil {
		return err
	}
	p.Values = dealFormValues(rec)
	p.Values["reason"], p.Values["comment"] = reason, comment
	p.Errors = errs
	p.FormErr = formErrorOutside(errs, []string{"reason", "comment"})
	return u.render(e, http.StatusBadRequest, "deal_show", p)
}
