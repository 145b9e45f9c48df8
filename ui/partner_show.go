package ui

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/roles"
)

// partnerShowData is the data of a partner's page and of "my organisation".
type partnerShowData struct {
	Partner *PartnerView
	Tier    *TierView
	Members []*UserView
	// Manage shows the member controls: for a partner admin on their own
	// organisation page and for vendor admins. The users Update rule still
	// judges every change.
	Manage bool
	// EditURL is set when the viewer may edit the company profile.
	EditURL string
	// ScorecardURL is set for the viewers the scorecard admits: staff who
	// see the partner and the partner's own admin.
	ScorecardURL string
	// Activity is the partner's latest events, for viewers the activity List
	// rule shows them to (staff of the partner, its partner admin).
	Activity     []ActivityView
	ShowActivity bool
	Roles        []string
	// Downloads are the documents the partner's users downloaded most in
	// the last 30 days (shown with the activity).
	Downloads []statRow
}

// partnerDownloadDays is the window of a partner page's download figures.
const partnerDownloadDays = 30

// partnerDownloads counts the partner's downloads per document over the last
// partnerDownloadDays, through the downloads List rule, from the (partner,
// created) index.
func partnerDownloads(app core.App, info *core.RequestInfo, partnerID string) ([]statRow, error) {
	since := time.Now().UTC().AddDate(0, 0, -partnerDownloadDays).Format("2006-01-02 15:04:05.000Z")
	rows, err := access.CountVisibleBy(app, info, "document_downloads", "document", "user", 8,
		dbx.HashExp{"document_downloads.partner": partnerID},
		dbx.NewExp("document_downloads.created >= {:dlsince}", dbx.Params{"dlsince": since}))
	if err != nil {
		return nil, err
	}
	out, err := labelRows(app, info, "documents", "title", rows, "")
	if err != nil {
		return nil, err
	}
	kept := out[:0]
	for _, r := range out {
		if r.Label != "" { // a document the viewer may no longer see
			kept = append(kept, r)
		}
	}
	return kept, nil
}

func (u *portal) partnerShow(e *core.RequestEvent) error {
	c := getCtx(e)
	info := access.Info(c.User, http.MethodGet, nil)
	rec, err := access.FindVisibleBy(e.App, info, "partners", "slug", e.Request.PathValue("slug"))
	if errors.Is(err, access.ErrNotFound) {
		return e.NotFoundError("", err)
	} else if err != nil {
		return err
	}
	if rec.Id == c.User.GetString("partner") {
		return e.Redirect(http.StatusSeeOther, "/organisation")
	}
	d, err := u.partnerShowData(e, info, rec)
	if err != nil {
		return err
	}
	if roles.Of(c.User) == roles.Admin {
		d.Manage = true
		d.Roles = []string{roles.PartnerAdmin, roles.PartnerUser}
	}
	return u.render(e, http.StatusOK, "partner_show", &Page{Title: d.Partner.Name, Data: d})
}

func (u *portal) organisationShow(e *core.RequestEvent) error {
	c := getCtx(e)
	info := access.Info(c.User, http.MethodGet, nil)
	rec, err := access.FindVisible(e.App, info, "partners", c.User.GetString("partner"))
	if errors.Is(err, access.ErrNotFound) {
		return e.NotFoundError("", err)
	} else if err != nil {
		return err
	}
	d, err := u.partnerShowData(e, info, rec)
	if err != nil {
		return err
	}
	d.Manage = roles.Of(c.User) == roles.PartnerAdmin
	d.Roles = []string{roles.PartnerAdmin, roles.PartnerUser}
	return u.render(e, http.StatusOK, "partner_show", &Page{Title: u.t(e, "organisation.title"), Data: d})
}

func (u *portal) partnerShowData(e *core.RequestEvent, info *core.RequestInfo, rec *core.Record) (*partnerShowData, error) {
	views, err := partnerViews(e.App, info, []*core.Record{rec})
	if err != nil {
		return nil, err
	}
	d := &partnerShowData{Partner: views[0], Tier: views[0].Tier}
	members, err := access.ListVisible(e.App, info, "users", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"users.partner": rec.Id}}, Sort: []string{"name"}, PerPage: 200})
	if err != nil {
		return nil, err
	}
	for _, m := range members.Items {
		d.Members = append(d.Members, userView(m, info.Auth))
	}
	d.Partner.Users = len(d.Members)
	user := getCtx(e).User
	if r := roles.Of(user); roles.IsStaff(r) || r == roles.PartnerAdmin {
		d.ShowActivity = true
		d.ScorecardURL = "/partners/" + rec.GetString("slug") + "/scorecard"
		if d.Activity, err = recentActivity(e.App, info, rec.Id); err != nil {
			return nil, err
		}
		if d.Downloads, err = partnerDownloads(e.App, info, rec.Id); err != nil {
			return nil, err
		}
	}
	if len(editableFields[roles.Of(user)]) > 0 {
		ok, err := access.CanUpdate(e.App, access.Info(user, http.MethodPatch, nil), rec)
		if err != nil {
			return nil, err
		}
		if ok {
			d.EditURL = "/partners/" + rec.GetString("slug") + "/edit"
		}
	}
	return d, nil
}

// memberUpdate changes a partner user's role (between the two partner roles)
// or activation: a partner admin for colleagues, a vendor admin for anyone.
// The users Update rule decides; a partner user, a manager or a colleague of
// another partner is refused by the rule, not by this handler.
func (u *portal) memberUpdate(e *core.RequestEvent) error {
	if err := parseForm(e); err != nil {
		return err
	}
	c := getCtx(e)
	info := access.Info(c.User, http.MethodGet, nil)
	target, err := access.FindVisible(e.App, info, "users", e.Request.PathValue("id"))
	if errors.Is(err, access.ErrNotFound) {
		return e.NotFoundError("", err)
	} else if err != nil {
		return err
	}
	body := map[string]any{}
	flash := "flash.member_saved"
	switch formValue(e, "action") {
	case "role":
		role := formValue(e, "role")
		if !slices.Contains([]string{roles.PartnerAdmin, roles.PartnerUser}, role) {
			return e.BadRequestError("", nil)
		}
		body["role"] = role
	case "deactivate":
		body["deactivated"] = true
		flash = "flash.member_deactivated"
	case "reactivate":
		body["deactivated"] = false
		flash = "flash.member_reactivated"
	default:
		return e.BadRequestError("", nil)
	}
	if err := access.Update(e.App, access.Info(c.User, http.MethodPatch, body), target); err != nil {
		if errors.Is(err, access.ErrForbidden) {
			return e.ForbiddenError("", err)
		}
		if _, ok := validationMessages(u.locale(e), err); ok {
			return e.BadRequestError("", err)
		}
		return err
	}
	u.setFlash(e, flash)
	if pid := target.GetString("partner"); pid != "" && pid != c.User.GetString("partner") {
		if p, err := access.FindVisible(e.App, info, "partners", pid); err == nil {
			return e.Redirect(http.StatusSeeOther, "/partners/"+p.GetString("slug"))
		}
	}
	return e.Redirect(http.StatusSeeOther, "/organisation")
}

// ActivityView is one line of a partner's recent activity.
type ActivityView struct {
	Who  string
	Kind string
	When time.Time
}

// recentActivityShown is how many events a partner page lists.
const recentActivityShown = 10

// recentActivity lists a partner's latest events through the activity List
// rule, naming the people the viewer may see (others show as "—").
func recentActivity(app core.App, info *core.RequestInfo, partnerID string) ([]ActivityView, error) {
	page, err := access.ListVisible(app, info, "activity", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"activity.partner": partnerID}}, Sort: []string{"-created"}, PerPage: recentActivityShown})
	if err != nil {
		return nil, err
	}
	ids := []any{}
	for _, a := range page.Items {
		if u := a.GetString("user"); u != "" {
			ids = append(ids, u)
		}
	}
	people, err := visibleByID(app, info, "users", ids)
	if err != nil {
		return nil, err
	}
	out := make([]ActivityView, 0, len(page.Items))
	for _, a := range page.Items {
		who := "—"
		if u := people[a.GetString("user")]; u != nil {
			who = u.GetString("name")
		}
		out = append(out, ActivityView{Who: who, Kind: a.GetString("kind"), When: a.GetDateTime("created").Time()})
	}
	return out, nil
}
