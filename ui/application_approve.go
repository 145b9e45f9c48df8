package ui

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/applications"
	"github.com/ponte-portal/ponte/internal/i18n"
	"github.com/ponte-portal/ponte/internal/invite"
	"github.com/ponte-portal/ponte/internal/roles"
)

// errApplicationDecided stops a decision on an application decided in the
// meantime (another admin, another tab).
var errApplicationDecided = errors.New("application already decided")

// applicationDecided answers a decision on a decided application: 409 with
// the page showing the decision that stands.
func (u *portal) applicationDecided(e *core.RequestEvent, rec *core.Record) error {
	if fresh, err := e.App.FindRecordById("partner_applications", rec.Id); err == nil {
		rec = fresh
	}
	p, _, err := u.applicationPage(e, rec)
	if err != nil {
		return err
	}
	p.FormErr = u.t(e, "applications.error.decided")
	return u.render(e, http.StatusConflict, "application_show", p)
}

// readApproveForm validates the partner part of the approval form into p
// and returns the partners body (status onboarding, no joined date yet).
func (u *portal) readApproveForm(e *core.RequestEvent, p *Page, d *applicationShowData) map[string]any {
	loc := u.locale(e)
	for _, f := range []string{"name", "slug", "country", "region", "tier", "manager", "invitee_name", "invitee_email"} {
		p.Values[f] = formValue(e, f)
	}
	v := p.Values
	v["invitee_email"] = strings.ToLower(v["invitee_email"])
	switch {
	case v["invitee_email"] == "":
		p.Errors["invitee_email"] = tr(loc, "validation.required")
	case len(v["invitee_email"]) > applications.MaxEmail || !applications.ValidEmail(v["invitee_email"]):
		p.Errors["invitee_email"] = tr(loc, "validation.is_email")
	default:
		if u, err := e.App.FindAuthRecordByEmail("users", v["invitee_email"]); err == nil && u != nil {
			p.Errors["invitee_email"] = tr(loc, "applications.error.registered", v["invitee_email"])
		}
	}
	if utf8.RuneCountInString(v["invitee_name"]) > applications.MaxName {
		p.Errors["invitee_name"] = tr(loc, "applications.error.too_long", i18n.Int(loc, applications.MaxName))
	}
	switch n := utf8.RuneCountInString(v["name"]); {
	case n == 0:
		p.Errors["name"] = tr(loc, "validation.required")
	case n > 120:
		p.Errors["name"] = tr(loc, "applications.error.too_long", i18n.Int(loc, 120))
	}
	if v["slug"] == "" {
		v["slug"] = slugify(v["name"])
	}
	if !slugPattern.MatchString(v["slug"]) || len(v["slug"]) > 80 || reservedSlugs[v["slug"]] {
		p.Errors["slug"] = tr(loc, "validation.invalid_slug")
	}
	if !i18n.IsCountry(v["country"]) {
		p.Errors["country"] = tr(loc, "applications.error.country")
	}
	if v["region"] == "" {
		v["region"] = roles.RegionOf(v["country"])
	}
	if !slices.Contains(roles.Regions, v["region"]) {
		p.Errors["region"] = tr(loc, "validation.invalid_value")
	}
	if v["tier"] != "" && !slices.ContainsFunc(d.Tiers, func(o Option) bool { return o.Value == v["tier"] }) {
		p.Errors["tier"] = tr(loc, "validation.invalid_value")
	}
	if v["manager"] != "" && !slices.ContainsFunc(d.Managers, func(o Option) bool { return o.Value == v["manager"] }) {
		p.Errors["manager"] = tr(loc, "validation.invalid_value")
	}
	return map[string]any{"name": v["name"], "slug": v["slug"], "country": v["country"], "region": v["region"],
		"tier": v["tier"], "manager": v["manager"], "status": "onboarding"}
}

// applicationApprove approves an application in ONE transaction: the
// partner is created (status onboarding) through the partners Create rule,
// the invitee (the contact, unless the admin names someone else) is invited
// as its partner admin (invite.Issue sends the
// e-mail last, so a mail failure undoes everything), the application is
// marked approved with its partner, and the events are appended. Any
// refusal leaves nothing written.
func (u *portal) applicationApprove(e *core.RequestEvent) error {
	rec, err := visibleApplication(e)
	if err != nil {
		return err
	}
	if rec.GetString("status") != "new" {
		return u.applicationDecided(e, rec)
	}
	p, d, err := u.applicationPage(e, rec)
	if err != nil {
		return err
	}
	loc := u.locale(e)
	body := u.readApproveForm(e, p, d)
	invitee := invite.Request{Email: p.Values["invitee_email"], Name: p.Values["invitee_name"], Role: roles.PartnerAdmin,
		Locale: rec.GetString("locale"), InvitedBy: getCtx(e).User.Id}
	if len(p.Errors) > 0 {
		return u.render(e, http.StatusBadRequest, "application_show", p)
	}
	user := getCtx(e).User
	partners, err := e.App.FindCachedCollectionByNameOrId("partners")
	if err != nil {
		return err
	}
	err = e.App.RunInTransaction(func(tx core.App) error {
		fresh, err := tx.FindRecordById("partner_applications", rec.Id)
		if err != nil {
			return err
		}
		if fresh.GetString("status") != "new" {
			return errApplicationDecided
		}
		partner := core.NewRecord(partners)
		if err := access.Create(tx, access.Info(user, http.MethodPost, body), partner); err != nil {
			return err
		}
		if err := activity.Record(tx, user, activity.KindPartnerCreated, partner); err != nil {
			return err
		}
		invitee.PartnerID = partner.Id
		if _, err := invite.Issue(tx, invitee); err != nil {
			return err
		}
		activity.SetActor(fresh, user.Id)
		if err := access.Update(tx, access.Info(user, http.MethodPatch, map[string]any{
			"status": "approved", "partner": partner.Id, "decided_by": user.Id, "decided_at": time.Now().UTC(),
		}), fresh); err != nil {
			return err
		}
		return activity.RecordFor(tx, user, partner.Id, activity.KindApplicationApproved, fresh)
	})
	var ierr *invite.Error
	switch {
	case err == nil:
		u.setFlash(e, "flash.applications.approved")
		return e.Redirect(http.StatusSeeOther, "/applications/"+rec.Id)
	case errors.Is(err, errApplicationDecided):
		return u.applicationDecided(e, rec)
	case errors.As(err, &ierr):
		if ierr.Status == http.StatusForbidden {
			return e.ForbiddenError("", err)
		}
		switch ierr.Field {
		case "email":
			p.Errors["invitee_email"] = tr(loc, ierr.Key)
		case "name":
			p.Errors["invitee_name"] = tr(loc, ierr.Key)
		default:
			d.ApproveErr = tr(loc, ierr.Key)
		}
		return u.render(e, ierr.Status, "application_show", p)
	}
	if errors.Is(err, access.ErrForbidden) {
		return e.ForbiddenError("", err)
	}
	if errs, ok := validationMessages(loc, err); ok {
		// The partner's fields (a web address already taken …) are the
		// form's; anything else is said above the form.
		for f, msg := range errs {
			if _, onForm := p.Values[f]; onForm {
				p.Errors[f] = msg
			} else {
				d.ApproveErr = msg
			}
		}
		return u.render(e, http.StatusBadRequest, "application_show", p)
	}
	// The mail server refused the invitation, or the database failed:
	// nothing was written, and the admin may try again.
	e.App.Logger().Error("approving application", "application", rec.Id, "error", err)
	d.ApproveErr = tr(loc, "applications.error.not_saved")
	return u.render(e, http.StatusServiceUnavailable, "application_show", p)
}
