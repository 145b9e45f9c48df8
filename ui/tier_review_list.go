package ui

import (
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/tiering"
)

// tierReviewShows are the review page's filter choices: a recommendation,
// or the partners at risk (below their tier, within the grace period).
var tierReviewShows = []string{tiering.Promote, tiering.Demote, "at_risk", tiering.Keep}

// tierReviewStatuses are the review page's status filter choices.
var tierReviewStatuses = []string{tiering.StatusProposed, tiering.StatusApplied, tiering.StatusDismissed, tiering.StatusNone}

// tierReviewsPerPage is the review page's page size.
const tierReviewsPerPage = 50

// tierReviewRow is one partner's current review.
type tierReviewRow struct {
	ID             string
	Partner        *PartnerView
	Current        *TierView
	Target         *TierView
	Recommendation string
	Status         string
	AtRisk         bool
	CyclesBelow    int
	Since          time.Time // below its tier since, or the decision's date
	Evaluated      time.Time
	Reasons        []standingItem // promote: the target's figures; else the unmet ones of its tier
	Proposed       bool
}

// tierReviewData is the review page's data.
type tierReviewData struct {
	Rows          []tierReviewRow
	Pager         Pager
	Shows         []Option // with counts
	Statuses      []string
	LastEvaluated time.Time
	GraceCycles   int
	AutoApply     bool
	Currency      string
	Filtered      bool
	// ProposedPromotions counts promotions awaiting a decision ("Apply all").
	ProposedPromotions int
}

// tierReviewList is the admins' table of every active partner's current
// review (proposals first, then partners at risk), filtered by recommendation and status, with Apply/Dismiss per
// proposal, "Run now" and the evaluation's settings.
func (u *portal) tierReviewList(e *core.RequestEvent) error {
	p, err := u.tierReviewPage(e)
	if err != nil {
		return err
	}
	status := http.StatusOK
	if len(p.Errors) > 0 {
		status = http.StatusBadRequest
	}
	return u.render(e, status, "tiering_reviews", p)
}

// tierReviewPage builds the review page for the request's filters; a bad
// filter is an error beside it (and no rows).
func (u *portal) tierReviewPage(e *core.RequestEvent) (*Page, error) {
	c := getCtx(e)
	loc := u.locale(e)
	info := access.Info(c.User, http.MethodGet, nil)
	q := e.Request.URL.Query()
	errs := map[string]string{}
	show, st := q.Get("show"), q.Get("status")
	_, page := listQuery(loc, q, errs)
	var where []dbx.Expression
	switch {
	case show == "":
	case show == "at_risk":
		where = append(where, dbx.HashExp{"tier_reviews.at_risk": true})
	case slices.Contains(tierReviewShows, show):
		where = append(where, dbx.HashExp{"tier_reviews.recommendation": show})
	default:
		errs["show"] = tr(loc, "validation.invalid_value")
	}
	if st != "" {
		if slices.Contains(tierReviewStatuses, st) {
			where = append(where, dbx.HashExp{"tier_reviews.status": st})
		} else {
			errs["status"] = tr(loc, "validation.invalid_value")
		}
	}
	set, err := tiering.LoadSettings(e.App)
	if err != nil {
		return nil, err
	}
	filters := map[string]string{"show": show, "status": st}
	d := &tierReviewData{Statuses: tierReviewStatuses, LastEvaluated: set.LastEvaluated, GraceCycles: set.GraceCycles,
		AutoApply: set.AutoApply, Currency: c.Brand.Currency, Filtered: len(where) > 0}
	p := &Page{Title: u.t(e, "tiering.reviews.title"), Data: d, Errors: errs, Values: map[string]string{
		"show": show, "status": st, "tier_grace_cycles": strconv.Itoa(set.GraceCycles)}}
	if set.AutoApply {
		p.Values["tier_auto_apply"] = "1"
	}
	counts, err := access.CountVisibleGrouped(e.App, info, "tier_reviews", "recommendation")
	if err != nil {
		return nil, err
	}
	risk, err := access.CountVisible(e.App, info, "tier_reviews", dbx.HashExp{"tier_reviews.at_risk": true})
	if err != nil {
		return nil, err
	}
	if d.ProposedPromotions, err = access.CountVisible(e.App, info, "tier_reviews",
		dbx.HashExp{"tier_reviews.recommendation": tiering.Promote, "tier_reviews.status": tiering.StatusProposed}); err != nil {
		return nil, err
	}
	for _, s := range tierReviewShows {
		n := counts[s]
		if s == "at_risk" {
			n = risk
		}
		d.Shows = append(d.Shows, Option{Value: s, Label: u.t(e, "tiering.show."+s), Count: n})
	}
	if len(errs) > 0 {
		return p, nil
	}
	res, err := access.ListVisible(e.App, info, "tier_reviews", access.ListOptions{
		Where: where, Sort: []string{"-status", "-at_risk", "-evaluated_at"}, Page: page, PerPage: tierReviewsPerPage})
	if err != nil {
		return nil, err
	}
	if d.Rows, err = tierReviewRows(e.App, info, res.Items); err != nil {
		return nil, err
	}
	d.Pager = newPager("/tiers/reviews", filters, page, res.HasMore)
	return p, nil
}

// tierReviewRows maps reviews, resolving partners and tiers in one query
// each through the viewer's List rules.
func tierReviewRows(app core.App, info *core.RequestInfo, recs []*core.Record) ([]tierReviewRow, error) {
	pids, tids := []any{}, []any{}
	for _, r := range recs {
		pids = append(pids, r.GetString("partner"))
		for _, f := range []string{"current_tier", "target_tier"} {
			if id := r.GetString(f); id != "" {
				tids = append(tids, id)
			}
		}
	}
	partners, err := visibleByID(app, info, "partners", pids)
	if err != nil {
		return nil, err
	}
	tiers, err := visibleByID(app, info, "tiers", tids)
	if err != nil {
		return nil, err
	}
	out := make([]tierReviewRow, 0, len(recs))
	for _, r := range recs {
		pr := partners[r.GetString("partner")]
		if pr == nil {
			continue
		}
		row := tierReviewRow{ID: r.Id, Partner: partnerView(pr), Current: tierView(tiers[r.GetString("current_tier")]),
			Target: tierView(tiers[r.GetString("target_tier")]), Recommendation: r.GetString("recommendation"),
			Status: r.GetString("status"), AtRisk: r.GetBool("at_risk"), CyclesBelow: r.GetInt("cycles_below"),
			Evaluated: r.GetDateTime("evaluated_at").Time(), Proposed: r.GetString("status") == tiering.StatusProposed}
		row.Since = r.GetDateTime("below_since").Time()
		for _, ch := range tiering.Reasons(r) {
			promoting := row.Recommendation == tiering.Promote && ch.Tier == r.GetString("target_tier")
			if promoting || (!ch.Met && ch.Tier == r.GetString("current_tier")) {
				row.Reasons = append(row.Reasons, standingOf(ch))
			}
		}
		out = append(out, row)
	}
	return out, nil
}
