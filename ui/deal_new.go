package ui

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/deals"
	"github.com/ponte-portal/ponte/internal/i18n"
)

// dealFormData is the registration form's data.
type dealFormData struct {
	Currencies []string
	Countries  []Option
}

// dealNewFields are the fields the registration form reads.
var dealNewFields = []string{"customer_name", "customer_domain", "customer_country", "product", "amount", "currency", "expected_close", "notes"}

// dealCountries names every ISO country in the locale, sorted by name.
func dealCountries(loc string) []Option {
	cs := i18n.Countries(loc)
	out := make([]Option, len(cs))
	for i, c := range cs {
		out[i] = Option{Value: c.Code, Label: c.Name}
	}
	return out
}

func (u *portal) dealForm(e *core.RequestEvent) *dealFormData {
	return &dealFormData{Currencies: deals.Currencies(e.App, deals.LoadSettings(e.App).BaseCurrency),
		Countries: dealCountries(u.locale(e))}
}

// dealNewShow shows the empty registration form (partners only).
func (u *portal) dealNewShow(e *core.RequestEvent) error {
	d := u.dealForm(e)
	p := &Page{Title: u.t(e, "deals.new"), Data: d, Values: map[string]string{"currency": d.Currencies[0]}}
	return u.render(e, http.StatusOK, "deal_new", p)
}

// readDealAmount parses the typed amount into body, or puts a translated
// error in errs.
func readDealAmount(loc, typed string, body map[string]any, errs map[string]string) {
	if strings.TrimSpace(typed) == "" {
		errs["amount"] = tr(loc, "validation.required")
		return
	}
	a, err := parseAmount(typed)
	if err != nil || a <= 0 {
		errs["amount"] = tr(loc, "validation.deal_amount")
		return
	}
	body["amount"] = a
}

// readDealClose parses a YYYY-MM-DD expected close into body.
func readDealClose(loc, typed string, body map[string]any, errs map[string]string) {
	if typed == "" {
		errs["expected_close"] = tr(loc, "validation.required")
		return
	}
	t, err := time.Parse(time.DateOnly, typed)
	if err != nil {
		errs["expected_close"] = tr(loc, "validation.deals_date")
		return
	}
	body["expected_close"] = t
}

// dealNewSubmit registers a deal for the user's partner, as the user. The
// hooks stamp it, convert the amount and look for conflicts; a conflict
// with another partner's protected deal saves the registration as pending
// and flagged, and the partner is told only that the account is already
// protected by another registration.
func (u *portal) dealNewSubmit(e *core.RequestEvent) error {
	user := getCtx(e).User
	loc := u.locale(e)
	d := u.dealForm(e)
	p := &Page{Title: u.t(e, "deals.new"), Data: d, Values: map[string]string{}, Errors: map[string]string{}}
	for _, f := range dealNewFields {
		p.Values[f] = strings.TrimSpace(formValue(e, f))
	}
	body := map[string]any{"partner": user.GetString("partner"), "submitted_by": user.Id, "stage": deals.StageRegistered}
	for _, f := range []string{"customer_name", "customer_domain", "customer_country", "product", "currency", "notes"} {
		body[f] = p.Values[f]
	}
	for _, f := range []string{"customer_name", "product", "currency"} {
		if p.Values[f] == "" {
			p.Errors[f] = tr(loc, "validation.required")
		}
	}
	readDealAmount(loc, p.Values["amount"], body, p.Errors)
	readDealClose(loc, p.Values["expected_close"], body, p.Errors)
	if len(p.Errors) > 0 {
		return u.render(e, http.StatusBadRequest, "deal_new", p)
	}
	c, err := e.App.FindCachedCollectionByNameOrId("deals")
	if err != nil {
		return err
	}
	rec := core.NewRecord(c)
	activity.SetActor(rec, user.Id)
	err = e.App.RunInTransaction(func(tx core.App) error {
		return access.Create(tx, access.Info(user, http.MethodPost, body), rec)
	})
	if err != nil {
		if errors.Is(err, access.ErrForbidden) {
			return e.ForbiddenError("", err)
		}
		if errs, ok := validationMessages(loc, err); ok {
			p.Errors = errs
			return u.render(e, http.StatusBadRequest, "deal_new", p)
		}
		return err
	}
	switch {
	case rec.GetBool("conflict"):
		u.setFlash(e, "flash.deals_registered_flagged")
	default:
		u.setFlash(e, "flash.deals_registered")
	}
	return e.Redirect(http.StatusSeeOther, "/deals/"+rec.Id)
}
