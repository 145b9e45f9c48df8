package ui

import (
	"errors"
	"net/http"
	"strings"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
)

// dealUpdateFields are the fields of the deal page's update form.
var dealUpdateFields = []string{"stage", "amount", "currency", "expected_close", "notes"}

// dealUpdate saves the deal page's form through the Update rule: stage,
// amount and currency, expected close and notes. The hooks decide which
// moves are allowed (a won deal is final, its amount the staff's) and write
// the history; a refused change re-shows the page with the reason beside
// the field and what was typed.
func (u *portal) dealUpdate(e *core.RequestEvent) error {
	rec, info, err := visibleDeal(e)
	if err != nil {
		return err
	}
	loc := u.locale(e)
	values := map[string]string{}
	for _, f := range dealUpdateFields {
		values[f] = strings.TrimSpace(formValue(e, f))
	}
	errs := map[string]string{}
	body := map[string]any{"stage": values["stage"], "currency": values["currency"], "notes": values["notes"]}
	readDealAmount(loc, values["amount"], body, errs)
	readDealClose(loc, values["expected_close"], body, errs)
	if values["stage"] == "" {
		errs["stage"] = tr(loc, "validation.required")
	}
	if len(errs) == 0 {
		_, err = saveDeal(e, rec, body, "")
		if err == nil {
			u.setFlash(e, "flash.deals_saved")
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
	p.Values, p.Errors = values, errs
	p.FormErr = formErrorOutside(errs, dealUpdateFields)
	return u.render(e, http.StatusBadRequest, "deal_show", p)
}

// formErrorOutside returns the first error of a field the form does not
// show (status, submitted …), to show above the form, or "".
func formErrorOutside(errs map[string]string, shown []string) string {
	for f, msg := range errs {
		found := false
		for _, s := range shown {
			found = found || s == f
		}
		if !found {
			return msg
		}
	}
	return ""
}
