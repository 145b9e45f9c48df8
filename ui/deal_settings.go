package ui

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/deals"
)

// RateView is one exchange rate on the settings page.
type RateView struct {
	ID, Currency string
	Rate         float64
	Updated      time.Time
}

// dealSettingsData is the deal settings page's data.
type dealSettingsData struct {
	Base       string
	OpenStages []string
	Rates      []*RateView
	// RateErrors and RateValues belong to the rate form that failed (its id,
	// or "new").
	RateFormID string
}

// maxRate is the largest exchange rate the schema accepts.
const maxRate = 1000000

// dealSettingsPage builds the settings page with the current values.
func (u *portal) dealSettingsPage(e *core.RequestEvent) (*Page, error) {
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	set := deals.LoadSettings(e.App)
	d := &dealSettingsData{Base: set.BaseCurrency, OpenStages: deals.OpenStages}
	page, err := access.ListVisible(e.App, info, "currency_rates", access.ListOptions{Sort: []string{"currency"}, PerPage: 200})
	if err != nil {
		return nil, err
	}
	for _, r := range page.Items {
		d.Rates = append(d.Rates, &RateView{ID: r.Id, Currency: r.GetString("currency"), Rate: r.GetFloat("rate"),
			Updated: r.GetDateTime("updated").Time()})
	}
	v := map[string]string{"deal_protection_days": strconv.Itoa(set.ProtectionDays)}
	for st, pct := range set.Probabilities {
		v["prob_"+st] = strconv.Itoa(pct)
	}
	for _, r := range d.Rates {
		v["rate_"+r.ID] = strconv.FormatFloat(r.Rate, 'f', -1, 64)
	}
	return &Page{Title: u.t(e, "deals.settings.title"), Data: d, Values: v, Errors: map[string]string{}}, nil
}

// dealSettingsShow shows the protection window, the stage probabilities and
// the exchange rates (admins only).
func (u *portal) dealSettingsShow(e *core.RequestEvent) error {
	p, err := u.dealSettingsPage(e)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "deal_settings", p)
}

// dealSettingsSubmit saves the protection window (1–730 days) and the win
// probability of each open stage (0–100 %) through the settings Update rule.
func (u *portal) dealSettingsSubmit(e *core.RequestEvent) error {
	rec, err := u.settingsRecord(e)
	if err != nil {
		return err
	}
	p, err := u.dealSettingsPage(e)
	if err != nil {
		return err
	}
	loc := u.locale(e)
	body := map[string]any{}
	days := strings.TrimSpace(formValue(e, "deal_protection_days"))
	p.Values["deal_protection_days"] = days
	if n, err := strconv.Atoi(days); err != nil || n < 1 || n > 730 {
		p.Errors["deal_protection_days"] = tr(loc, "validation.whole_number_range", 1, 730)
	} else {
		body["deal_protection_days"] = n
	}
	probs := map[string]int{}
	for _, st := range deals.OpenStages {
		v := strings.TrimSpace(formValue(e, "prob_"+st))
		p.Values["prob_"+st] = v
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 100 {
			p.Errors["prob_"+st] = tr(loc, "validation.whole_number_range", 0, 100)
			continue
		}
		probs[st] = n
	}
	body["stage_probabilities"] = probs
	if len(p.Errors) > 0 {
		return u.render(e, http.StatusBadRequest, "deal_settings", p)
	}
	if _, err := updateWithEvent(e, rec, body, activity.KindSettingsUpdated); err != nil {
		if err := u.saveError(e, p, err); err != nil {
			return err
		}
		return u.render(e, http.StatusBadRequest, "deal_settings", p)
	}
	u.setFlash(e, "flash.deals_settings_saved")
	return e.Redirect(http.StatusSeeOther, "/deals/settings")
}

// dealRateSave adds a rate (no id) or changes one's rate (its id) through
// the currency_rates rules. A rate change applies to deals registered or
// changed afterwards; existing deals keep the base amount of their last
// amount change.
func (u *portal) dealRateSave(e *core.RequestEvent) error {
	user := getCtx(e).User
	loc := u.locale(e)
	p, err := u.dealSettingsPage(e)
	if err != nil {
		return err
	}
	d := p.Data.(*dealSettingsData)
	id := formValue(e, "id")
	key := "rate_new"
	if id != "" {
		if !recordID.MatchString(id) {
			return e.NotFoundError("", nil)
		}
		key = "rate_" + id
	}
	d.RateFormID = key
	typed := strings.TrimSpace(formValue(e, "rate"))
	p.Values[key] = typed
	rate, perr := parseAmount(typed)
	if typed == "" || perr != nil || rate <= 0 || rate > maxRate {
		p.Errors[key] = tr(loc, "validation.deals_rate")
	}
	if id == "" {
		cur := strings.ToUpper(strings.TrimSpace(formValue(e, "currency_new")))
		p.Values["currency_new"] = cur
		switch {
		case !currencyCode.MatchString(cur):
			p.Errors["currency_new"] = tr(loc, "validation.currency")
		case cur == d.Base:
			p.Errors["currency_new"] = tr(loc, "validation.deals_rate_base")
		default:
			if n, _ := e.App.CountRecords("currency_rates", dbx.HashExp{"currency": cur}); n > 0 {
				p.Errors["currency_new"] = tr(loc, "validation.deals_rate_exists")
			}
		}
		if len(p.Errors) > 0 {
			return u.render(e, http.StatusBadRequest, "deal_settings", p)
		}
		c, err := e.App.FindCachedCollectionByNameOrId("currency_rates")
		if err != nil {
			return err
		}
		rec := core.NewRecord(c)
		err = access.Create(e.App, access.Info(user, http.MethodPost, map[string]any{"currency": cur, "rate": rate, "updated_by": user.Id}), rec)
		return u.rateSaved(e, p, err)
	}
	if len(p.Errors) > 0 {
		return u.render(e, http.StatusBadRequest, "deal_settings", p)
	}
	rec, err := access.FindVisible(e.App, access.Info(user, http.MethodGet, nil), "currency_rates", id)
	if errors.Is(err, access.ErrNotFound) {
		return e.NotFoundError("", err)
	} else if err != nil {
		return err
	}
	err = access.Update(e.App, access.Info(user, http.MethodPatch, map[string]any{"rate": rate, "updated_by": user.Id}), rec)
	return u.rateSaved(e, p, err)
}

// rateSaved answers a rate save: back to the page, or the page with the
// error.
func (u *portal) rateSaved(e *core.RequestEvent, p *Page, err error) error {
	if err == nil {
		u.setFlash(e, "flash.deals_rates_saved")
		return e.Redirect(http.StatusSeeOther, "/deals/settings")
	}
	if err := u.saveError(e, p, err); err != nil {
		return err
	}
	return u.render(e, http.StatusBadRequest, "deal_settings", p)
}

// dealRateDelete removes a rate through the Delete rule. Deals in that
// currency keep their base amounts; new ones in it are refused until the
// rate is added again.
func (u *portal) dealRateDelete(e *core.RequestEvent) error {
	user := getCtx(e).User
	rec, err := access.FindVisible(e.App, access.Info(user, http.MethodGet, nil), "currency_rates", e.Request.PathValue("id"))
	if errors.Is(err, access.ErrNotFound) {
		return e.NotFoundError("", err)
	} else if err != nil {
		return err
	}
	ok, err := access.CanDelete(e.App, access.Info(user, http.MethodDelete, nil), rec)
	if err != nil {
		return err
	}
	if !ok {
		return e.ForbiddenError("", access.ErrForbidden)
	}
	if err := e.App.Delete(rec); err != nil {
		return err
	}
	u.setFlash(e, "flash.deals_rates_saved")
	return e.Redirect(http.StatusSeeOther, "/deals/settings")
}
