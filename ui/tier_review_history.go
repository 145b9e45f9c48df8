package ui

import (
	"errors"
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
)

// tierChangesPerPage is the history page's page size.
const tierChangesPerPage = 30

// tierChangeRow is one tier change as the history shows it.
type tierChangeRow struct {
	At             time.Time
	From, To       *TierView
	Source, Reason string
	ApprovedBy     string // the approver's name when the viewer may see them
	Automatic      bool
}

// tierHistoryData is the history page's data.
type tierHistoryData struct {
	Partner *PartnerView
	Rows    []tierChangeRow
	Pager   Pager
	Back    string
}

// tierHistory lists a partner's tier changes, newest first: for staff who
// may see the partner and for the partner's own users (the partners View
// rule finds the partner, the tier_changes List rule lists the rows).
func (u *portal) tierHistory(e *core.RequestEvent) error {
	c := getCtx(e)
	info := access.Info(c.User, http.MethodGet, nil)
	p, err := access.FindVisibleBy(e.App, info, "partners", "slug", e.Request.PathValue("slug"))
	if errors.Is(err, access.ErrNotFound) {
		return e.NotFoundError("", err)
	} else if err != nil {
		return err
	}
	// A bad page number shows the first page (the history has no form to
	// show the error beside).
	_, page := listQuery(u.locale(e), e.Request.URL.Query(), map[string]string{})
	res, err := access.ListVisible(e.App, info, "tier_changes", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"tier_changes.partner": p.Id}}, Sort: []string{"-created"},
		Page: page, PerPage: tierChangesPerPage})
	if err != nil {
		return err
	}
	tids, uids := []any{}, []any{}
	for _, r := range res.Items {
		for _, f := range []string{"from_tier", "to_tier"} {
			if id := r.GetString(f); id != "" {
				tids = append(tids, id)
			}
		}
		if id := r.GetString("approved_by"); id != "" {
			uids = append(uids, id)
		}
	}
	tiers, err := visibleByID(e.App, info, "tiers", tids)
	if err != nil {
		return err
	}
	users, err := visibleByID(e.App, info, "users", uids)
	if err != nil {
		return err
	}
	d := &tierHistoryData{Partner: partnerView(p), Back: "/partners/" + p.GetString("slug")}
	if p.Id == c.User.GetString("partner") {
		d.Back = "/tiers"
	}
	for _, r := range res.Items {
		row := tierChangeRow{At: r.GetDateTime("created").Time(), From: tierView(tiers[r.GetString("from_tier")]),
			To: tierView(tiers[r.GetString("to_tier")]), Source: r.GetString("source"), Reason: r.GetString("reason"),
			Automatic: r.GetString("approved_by") == ""}
		// A deleted tier's row keeps only its name.
		if row.From == nil && r.GetString("from_name") != "" {
			row.From = &TierView{Name: r.GetString("from_name")}
		}
		if row.To == nil && r.GetString("to_name") != "" {
			row.To = &TierView{Name: r.GetString("to_name")}
		}
		if a := users[r.GetString("approved_by")]; a != nil {
			row.ApprovedBy = a.GetString("name")
		}
		d.Rows = append(d.Rows, row)
	}
	d.Pager = newPager("/partners/"+p.GetString("slug")+"/tiers", nil, page, res.HasMore)
	return u.render(e, http.StatusOK, "tiering_history", &Page{Title: u.t(e, "tiering.history.title", p.GetString("name")), Data: d})
}
