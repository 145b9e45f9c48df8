package ui

import (
	"errors"
	"net/http"
	"slices"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/i18n"
	"github.com/ponte-portal/ponte/internal/invite"
	"github.com/ponte-portal/ponte/internal/roles"
)

// invitationNewData is the invite form's data.
type invitationNewData struct {
	Partner   *PartnerView // the partner, when fixed (a partner admin, or ?partner=)
	Partners  []Option     // staff choosing a partner
	Roles     []string
	Locales   []LocaleOption
	Pending   *InvitationView // the pending invitation of the typed address
	Colleague bool            // a partner admin inviting a colleague
	IsAdmin   bool
}

// inviteRoles lists the roles a user may grant: partner roles for everyone
// who may invite, staff roles for admins too.
func inviteRoles(user *core.Record) []string {
	if roles.Of(user) == roles.Admin {
		return []string{roles.PartnerAdmin, roles.PartnerUser, roles.Manager, roles.Admin}
	}
	return []string{roles.PartnerAdmin, roles.PartnerUser}
}

// invitationForm builds the form's page: the partner is the viewer's own for
// a partner admin, the ?partner= one when given, else a choice (staff).
func (u *portal) invitationForm(e *core.RequestEvent, slug string) (*Page, *core.Record, error) {
	c := getCtx(e)
	info := access.Info(c.User, http.MethodGet, nil)
	d := &invitationNewData{Roles: inviteRoles(c.User), IsAdmin: roles.Of(c.User) == roles.Admin}
	loc := u.locale(e)
	for _, l := range i18n.Locales {
		d.Locales = append(d.Locales, LocaleOption{Code: l, Label: i18n.T(l, "locale.name")})
	}
	p := &Page{Title: u.t(e, "invitations.new"), Data: d, Errors: map[string]string{},
		Values: map[string]string{"role": roles.PartnerUser, "locale": loc, "partner": slug}}
	var partner *core.Record
	switch {
	case roles.Of(c.User) == roles.PartnerAdmin:
		d.Colleague = true
		rec, err := access.FindVisible(e.App, info, "partners", c.User.GetString("partner"))
		if err != nil {
			return nil, nil, err
		}
		partner = rec
		p.Values["partner"] = rec.GetString("slug")
		p.Title = u.t(e, "invitations.new_colleague")
	case slug != "":
		rec, err := access.FindVisibleBy(e.App, info, "partners", "slug", slug)
		if errors.Is(err, access.ErrNotFound) {
			return nil, nil, e.NotFoundError("", err)
		} else if err != nil {
			return nil, nil, err
		}
		partner = rec
		p.Title = u.t(e, "invitations.new_into", rec.GetString("name"))
	default:
		opts, err := partnerOptions(e.App, info, c.User)
		if err != nil {
			return nil, nil, err
		}
		d.Partners = opts
	}
	if partner != nil {
		d.Partner = partnerView(partner)
	}
	return p, partner, nil
}

// invitationNewShow shows the invite form.
func (u *portal) invitationNewShow(e *core.RequestEvent) error {
	if err := requireInviter(e); err != nil {
		return err
	}
	p, _, err := u.invitationForm(e, e.Request.URL.Query().Get("partner"))
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "invitation_new", p)
}

// invitationNewSubmit issues the invitation. The partner comes from the
// form for staff (a slug the viewer may see) and is always the viewer's own
// for a partner admin; internal/invite decides whether the viewer may grant
// the role there (a forged field is a 403, nothing written).
func (u *portal) invitationNewSubmit(e *core.RequestEvent) error {
	if err := requireInviter(e); err != nil {
		return err
	}
	c := getCtx(e)
	loc := u.locale(e)
	slug := formValue(e, "partner")
	if roles.Of(c.User) == roles.PartnerAdmin && slug != "" {
		// The form never offers another partner; a forged one is refused.
		own, err := access.FindVisible(e.App, access.Info(c.User, http.MethodGet, nil), "partners", c.User.GetString("partner"))
		if err != nil || own.GetString("slug") != slug {
			return e.ForbiddenError("", errors.New("invitations: partner admin naming another partner"))
		}
	}
	p, partner, err := u.invitationForm(e, "")
	if err != nil {
		return err
	}
	d := p.Data.(*invitationNewData)
	for _, f := range []string{"email", "name", "role", "locale"} {
		p.Values[f] = formValue(e, f)
	}
	p.Values["partner"] = slug
	if partner == nil && slug != "" {
		rec, err := access.FindVisibleBy(e.App, access.Info(c.User, http.MethodGet, nil), "partners", "slug", slug)
		if errors.Is(err, access.ErrNotFound) {
			// A partner the viewer may not see is as forbidden as one they may not invite into.
			return e.ForbiddenError("", err)
		} else if err != nil {
			return err
		}
		partner = rec
		if formValue(e, "choose") != "1" { // the form was for this partner
			d.Partners = nil
			d.Partner = partnerView(rec)
			p.Title = u.t(e, "invitations.new_into", rec.GetString("name"))
		}
	}
	if p.Values["email"] == "" {
		p.Errors["email"] = tr(loc, "validation.required")
	}
	if !slices.Contains(roles.All, p.Values["role"]) {
		p.Errors["role"] = tr(loc, "validation.invalid_value")
	}
	if p.Values["locale"] != "" && i18n.Normalize(p.Values["locale"]) != p.Values["locale"] {
		p.Errors["locale"] = tr(loc, "validation.invalid_value")
	}
	if len(p.Errors) > 0 {
		return u.render(e, http.StatusBadRequest, "invitation_new", p)
	}
	req := invite.Request{Email: p.Values["email"], Name: p.Values["name"], Role: p.Values["role"],
		Locale: p.Values["locale"], InvitedBy: c.User.Id}
	if partner != nil {
		req.PartnerID = partner.Id
	}
	err = e.App.RunInTransaction(func(tx core.App) error {
		_, err := invite.Issue(tx, req)
		return err
	})
	if err != nil {
		return u.invitationIssueError(e, p, d, err, "invitation_new")
	}
	u.setFlash(e, "flash.invitations.sent")
	target := "/invitations"
	if partner != nil && roles.IsStaff(roles.Of(c.User)) {
		target += "?partner=" + urlQueryEscape(partner.GetString("slug"))
	}
	return e.Redirect(http.StatusSeeOther, target)
}

// invitationIssueError shows a refused invitation: a 403 for a role or
// partner the viewer may not grant, the message beside its field otherwise,
// with the pending invitation's re-send button for ErrPending. A failed
// e-mail (nothing was saved) is a 502 with a message for the whole form.
func (u *portal) invitationIssueError(e *core.RequestEvent, p *Page, d *invitationNewData, err error, page string) error {
	loc := u.locale(e)
	status, field, msg, ok := inviteError(loc, err)
	if !ok {
		e.App.Logger().Error("invitation not sent", "error", err)
		p.FormErr = tr(loc, "invitations.error.mail")
		return u.render(e, http.StatusBadGateway, page, p)
	}
	if status == http.StatusForbidden {
		return e.ForbiddenError("", err)
	}
	if errors.Is(err, invite.ErrPending) && d != nil {
		if pending, ferr := invite.FindPending(e.App, p.Values["email"]); ferr == nil {
			info := access.Info(getCtx(e).User, http.MethodGet, nil)
			if visible, verr := access.FindVisible(e.App, info, invite.Collection, pending.Id); verr == nil {
				if views, verr := invitationViews(e.App, info, []*core.Record{visible}); verr == nil {
					d.Pending = views[0]
				}
			}
		}
	}
	if field == "" {
		p.FormErr = msg
	} else {
		p.Errors[field] = msg
	}
	return u.render(e, status, page, p)
}
