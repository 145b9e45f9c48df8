package ui

import (
	"errors"
	"net/http"
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/invite"
	"github.com/ponte-portal/ponte/internal/roles"
)

// invitationStatuses are the list's status filter choices ("all" shows every one).
var invitationStatuses = []string{invite.StatusPending, invite.StatusAccepted, invite.StatusRevoked, invite.StatusExpired, "all"}

// invitationsPerPage is the list's page size.
const invitationsPerPage = 30

// invitationListData is the list page's data.
type invitationListData struct {
	Items    []*InvitationView
	Pager    Pager
	Statuses []string
	Partners []Option // staff only: the partner filter
	Partner  *PartnerView
	IsAdmin  bool
	NewURL   string
	Filtered bool
}

// invitationList lists invitations newest first — by default the pending
// ones — with who invited whom and when. Staff filter by partner; a partner
// admin sees their own partner's only (the collection's List rule).
func (u *portal) invitationList(e *core.RequestEvent) error {
	if err := requireInviter(e); err != nil {
		return err
	}
	c := getCtx(e)
	loc := u.locale(e)
	info := access.Info(c.User, http.MethodGet, nil)
	errs := map[string]string{}
	q := e.Request.URL.Query()
	_, page := listQuery(loc, q, errs)
	status := q.Get("status")
	if status == "" {
		status = invite.StatusPending
	}
	slug := q.Get("partner")
	staff := roles.IsStaff(roles.Of(c.User))
	d := &invitationListData{Statuses: invitationStatuses, IsAdmin: roles.Of(c.User) == roles.Admin, NewURL: "/invitations/new"}
	filters := map[string]string{"status": status, "partner": slug}
	p := &Page{Title: u.t(e, "invitations.title"), Data: d, Errors: errs, Values: filters}

	// Filters compare the stored status only, so each reads the index in
	// the list's order; a pending invitation past its date (the hourly job
	// has not swept it yet) is listed as pending and shown as expired.
	var where []dbx.Expression
	switch {
	case status == "all":
	case slices.Contains(invitationStatuses, status):
		where = append(where, dbx.HashExp{"invitations.status": status})
	default:
		errs["status"] = tr(loc, "validation.invalid")
	}
	if slug != "" {
		partner, err := access.FindVisibleBy(e.App, info, "partners", "slug", slug)
		if errors.Is(err, access.ErrNotFound) {
			errs["partner"] = tr(loc, "validation.invalid")
		} else if err != nil {
			return err
		} else {
			d.Partner = partnerView(partner)
			d.NewURL = "/invitations/new?partner=" + urlQueryEscape(slug)
			where = append(where, dbx.HashExp{"invitations.partner": partner.Id})
		}
	}
	if !staff && d.Partner == nil {
		// The rule compares partners through COALESCE, which no index
		// serves: name the partner admin's own partner outright (the rule
		// still applies).
		where = append(where, dbx.HashExp{"invitations.partner": c.User.GetString("partner")})
	}
	if staff {
		opts, err := partnerOptions(e.App, info, c.User)
		if err != nil {
			return err
		}
		d.Partners = opts
	}
	if len(errs) > 0 {
		return u.render(e, http.StatusBadRequest, "invitation_list", p)
	}
	d.Filtered = status != invite.StatusPending || slug != ""
	res, err := access.ListVisible(e.App, info, invite.Collection, access.ListOptions{
		Where: where, Sort: []string{"-created"}, Page: page, PerPage: invitationsPerPage})
	if err != nil {
		return err
	}
	if d.Items, err = invitationViews(e.App, info, res.Items); err != nil {
		return err
	}
	d.Pager = newPager("/invitations", filters, page, res.HasMore)
	return u.render(e, http.StatusOK, "invitation_list", p)
}

// partnerOptions lists the partners a staff member may invite into, by name
// (slug as value): all of them for an admin, their own for a manager.
// Suspended partners are left out.
func partnerOptions(app core.App, info *core.RequestInfo, user *core.Record) ([]Option, error) {
	where := []dbx.Expression{dbx.Not(dbx.HashExp{"partners.status": "suspended"})}
	if roles.Of(user) == roles.Manager {
		where = append(where, dbx.HashExp{"partners.manager": user.Id})
	}
	res, err := access.ListVisible(app, info, "partners", access.ListOptions{Where: where, Sort: []string{"name"}, PerPage: 200})
	if err != nil {
		return nil, err
	}
	out := make([]Option, 0, len(res.Items))
	for _, r := range res.Items {
		out = append(out, Option{Value: r.GetString("slug"), Label: r.GetString("name")})
	}
	return out, nil
}
