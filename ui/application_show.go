package ui

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/applications"
	"github.com/ponte-portal/ponte/internal/i18n"
	"github.com/ponte-portal/ponte/internal/roles"
)

// applicationShowData is the review page's data.
type applicationShowData struct {
	App       *ApplicationView
	Countries []i18n.Country
	Regions   []string
	Tiers     []Option
	Managers  []Option
	// Registered: the contact's e-mail already has an account, so approval
	// must invite someone else (the invitee fields).
	Registered bool
	// SlugTaken: the suggested web address is a partner's already.
	SlugTaken bool
	// ApproveErr and DeclineErr are messages for a whole decision form.
	ApproveErr, DeclineErr string
	MaxReason              int
}

// applicationPage builds the review page of rec with the decision forms
// prefilled: the partner from the application (name, web address, country,
// its region, the entry tier) and the contact as the invitee.
func (u *portal) applicationPage(e *core.RequestEvent, rec *core.Record) (*Page, *applicationShowData, error) {
	loc := u.locale(e)
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	v := applicationView(rec)
	d := &applicationShowData{App: v, Countries: i18n.Countries(loc), Regions: roles.Regions, MaxReason: applications.MaxReason}
	if id := rec.GetString("decided_by"); id != "" {
		if by, err := access.FindVisible(e.App, info, "users", id); err == nil {
			v.DecidedBy = by.GetString("name")
		}
	}
	if v.PartnerID != "" {
		if pr, err := access.FindVisible(e.App, info, "partners", v.PartnerID); err == nil {
			v.PartnerName, v.PartnerSlug = pr.GetString("name"), pr.GetString("slug")
		}
	}
	p := &Page{Title: tr(loc, "applications.show.title", v.Company), Data: d, Errors: map[string]string{},
		Values: map[string]string{"name": v.Company, "slug": slugify(v.Company), "country": v.Country,
			"region": roles.RegionOf(v.Country), "invitee_name": v.ContactName, "invitee_email": v.ContactEmail}}
	if v.Status != "new" {
		return p, d, nil
	}
	var err error
	if d.Tiers, d.Managers, err = tierManagerOptions(e.App, info); err != nil {
		return nil, nil, err
	}
	if len(d.Tiers) > 0 {
		p.Values["tier"] = d.Tiers[0].Value // the entry tier
	}
	if u, err := e.App.FindAuthRecordByEmail("users", v.ContactEmail); err == nil && u != nil {
		d.Registered = true
	}
	if _, err := e.App.FindFirstRecordByData("partners", "slug", p.Values["slug"]); err == nil {
		d.SlugTaken = true
	}
	return p, d, nil
}

// applicationShow is an application's review page.
func (u *portal) applicationShow(e *core.RequestEvent) error {
	rec, err := visibleApplication(e)
	if err != nil {
		return err
	}
	p, _, err := u.applicationPage(e, rec)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "application_show", p)
}
