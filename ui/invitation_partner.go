package ui

import (
	"errors"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/i18n"
	"github.com/ponte-portal/ponte/internal/invite"
	"github.com/ponte-portal/ponte/internal/roles"
)

// invitationPartnerData is the "Invite a partner" form's data.
type invitationPartnerData struct {
	Countries []string
	Regions   []string
	Tiers     []Option
	Managers  []Option
	Locales   []LocaleOption
}

// requireInvitationAdmin refuses everyone but admins.
func requireInvitationAdmin(e *core.RequestEvent) error {
	if roles.Of(getCtx(e).User) != roles.Admin {
		return e.ForbiddenError("", errors.New("admins only"))
	}
	return nil
}

// invitationPartnerPage builds the form with its choices.
func (u *portal) invitationPartnerPage(e *core.RequestEvent) (*Page, *invitationPartnerData, error) {
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	d := &invitationPartnerData{Countries: formCountries, Regions: roles.Regions}
	var err error
	if d.Tiers, d.Managers, err = tierManagerOptions(e.App, info); err != nil {
		return nil, nil, err
	}
	for _, l := range i18n.Locales {
		d.Locales = append(d.Locales, LocaleOption{Code: l, Label: i18n.T(l, "locale.name")})
	}
	p := &Page{Title: u.t(e, "invitations.new_partner"), Data: d, Errors: map[string]string{},
		Values: map[string]string{"country": "BR", "locale": i18n.PTBR}}
	return p, d, nil
}

// invitationPartnerShow shows the "Invite a partner" form (admins).
func (u *portal) invitationPartnerShow(e *core.RequestEvent) error {
	if err := requireInvitationAdmin(e); err != nil {
		return err
	}
	p, _, err := u.invitationPartnerPage(e)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "invitation_partner", p)
}

// invitationPartnerSubmit creates the partner (status onboarding, through
// the partners Create rule) and invites its first admin in ONE transaction:
// a refused invitation or a failed e-mail leaves no partner behind.
func (u *portal) invitationPartnerSubmit(e *core.RequestEvent) error {
	if err := requireInvitationAdmin(e); err != nil {
		return err
	}
	c := getCtx(e)
	loc := u.locale(e)
	p, d, err := u.invitationPartnerPage(e)
	if err != nil {
		return err
	}
	for _, f := range []string{"partner_name", "country", "region", "tier", "manager", "email", "name", "locale"} {
		p.Values[f] = formValue(e, f)
	}
	v := p.Values
	switch {
	case v["partner_name"] == "":
		p.Errors["partner_name"] = tr(loc, "validation.required")
	case len([]rune(v["partner_name"])) > 120:
		p.Errors["partner_name"] = tr(loc, "invitations.error.partner_name")
	case slugify(v["partner_name"]) == "":
		p.Errors["partner_name"] = tr(loc, "validation.invalid_value")
	}
	if !countryCode.MatchString(v["country"]) {
		p.Errors["country"] = tr(loc, "validation.invalid_value")
	}
	if v["region"] != "" && !slices.Contains(roles.Regions, v["region"]) {
		p.Errors["region"] = tr(loc, "validation.invalid_value")
	}
	if v["tier"] != "" && !slices.ContainsFunc(d.Tiers, func(o Option) bool { return o.Value == v["tier"] }) {
		p.Errors["tier"] = tr(loc, "validation.invalid_value")
	}
	if v["manager"] != "" && !slices.ContainsFunc(d.Managers, func(o Option) bool { return o.Value == v["manager"] }) {
		p.Errors["manager"] = tr(loc, "validation.invalid_value")
	}
	if v["email"] == "" {
		p.Errors["email"] = tr(loc, "validation.required")
	}
	if v["locale"] != "" && i18n.Normalize(v["locale"]) != v["locale"] {
		p.Errors["locale"] = tr(loc, "validation.invalid_value")
	}
	if len(p.Errors) > 0 {
		return u.render(e, http.StatusBadRequest, "invitation_partner", p)
	}
	region := v["region"]
	if region == "" {
		region = roles.RegionOf(v["country"])
	}
	var partner *core.Record
	err = e.App.RunInTransaction(func(tx core.App) error {
		col, err := tx.FindCachedCollectionByNameOrId("partners")
		if err != nil {
			return err
		}
		slug, err := freeSlug(tx, slugify(v["partner_name"]))
		if err != nil {
			return err
		}
		body := map[string]any{"name": v["partner_name"], "slug": slug, "status": "onboarding", "country": v["country"],
			"region": region, "tier": v["tier"], "manager": v["manager"], "joined": time.Now().UTC()}
		partner = core.NewRecord(col)
		if err := access.Create(tx, access.Info(c.User, http.MethodPost, body), partner); err != nil {
			return err
		}
		if err := activity.Record(tx, c.User, activity.KindPartnerCreated, partner); err != nil {
			return err
		}
		_, err = invite.Issue(tx, invite.Request{Email: v["email"], Name: v["name"], Role: roles.PartnerAdmin,
			PartnerID: partner.Id, Locale: v["locale"], InvitedBy: c.User.Id})
		return err
	})
	if err != nil {
		if _, _, _, ok := inviteError(loc, err); !ok {
			if errs, ok := validationMessages(loc, err); ok {
				for f, m := range errs {
					if f == "name" || f == "slug" {
						f = "partner_name"
					}
					p.Errors[f] = m
				}
				return u.render(e, http.StatusBadRequest, "invitation_partner", p)
			}
			if errors.Is(err, access.ErrForbidden) {
				return e.ForbiddenError("", err)
			}
		}
		return u.invitationIssueError(e, p, nil, err, "invitation_partner")
	}
	u.setFlash(e, "flash.invitations.partner_invited")
	return e.Redirect(http.StatusSeeOther, "/invitations?partner="+urlQueryEscape(partner.GetString("slug")))
}

// freeSlug returns base, or base-2, base-3 … when a partner already has it.
func freeSlug(app core.App, base string) (string, error) {
	if len(base) > 70 {
		base = base[:70]
	}
	slug := base
	for i := 2; i < 100; i++ {
		if reservedSlugs[slug] {
			slug = base + "-" + strconv.Itoa(i)
			continue
		}
		n, err := app.CountRecords("partners", dbx.HashExp{"slug": slug})
		if err != nil {
			return "", err
		}
		if n == 0 {
			return slug, nil
		}
		slug = base + "-" + strconv.Itoa(i)
	}
	return "", errors.New("invitations: no free slug")
}
