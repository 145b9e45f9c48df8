package ui

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/tiering"
)

// visibleReview loads the review in the path through its View rule (404
// when the user may not see it).
func visibleReview(e *core.RequestEvent) (*core.Record, error) {
	rv, err := access.FindVisible(e.App, access.Info(getCtx(e).User, http.MethodGet, nil), "tier_reviews", e.Request.PathValue("id"))
	if errors.Is(err, access.ErrNotFound) {
		return nil, e.NotFoundError("", err)
	}
	return rv, err
}

// tierReviewApply applies a review's proposal once the partners Update rule
// allows the admin to set the partner's tier to the proposed one; the tier,
// its history row and the review's decision are written in one transaction.
func (u *portal) tierReviewApply(e *core.RequestEvent) error {
	rv, err := visibleReview(e)
	if err != nil {
		return err
	}
	user := getCtx(e).User
	p, err := e.App.FindRecordById("partners", rv.GetString("partner"))
	if err != nil {
		return e.NotFoundError("", err)
	}
	ok, err := access.CanUpdate(e.App, access.Info(user, http.MethodPatch, map[string]any{"tier": rv.GetString("target_tier")}), p)
	if err != nil {
		return err
	}
	if !ok {
		return e.ForbiddenError("", errors.New("tier change refused"))
	}
	err = tiering.Apply(e.App, rv.Id, user, now())
	return u.tierReviewDecided(e, err, "flash.tier_review_applied")
}

// tierReviewDismiss declines a review's proposal. Deciding on reviews is
// an admin's: the route is for admins, and the review must be visible.
func (u *portal) tierReviewDismiss(e *core.RequestEvent) error {
	rv, err := visibleReview(e)
	if err != nil {
		return err
	}
	err = tiering.Dismiss(e.App, rv.Id, getCtx(e).User, now())
	return u.tierReviewDecided(e, err, "flash.tier_review_dismissed")
}

// tierReviewDecided answers a decision: back to the list with a flash, or
// the list with a 409 explaining that there was nothing left to decide.
func (u *portal) tierReviewDecided(e *core.RequestEvent, err error, flash string) error {
	if errors.Is(err, tiering.ErrNotProposed) || errors.Is(err, tiering.ErrStale) {
		p, perr := u.tierReviewPage(e)
		if perr != nil {
			return perr
		}
		p.FormErr = u.t(e, "tiering.reviews.not_proposed")
		if errors.Is(err, tiering.ErrStale) {
			p.FormErr = u.t(e, "tiering.reviews.stale")
		}
		return u.render(e, http.StatusConflict, "tiering_reviews", p)
	}
	if err != nil {
		return err
	}
	u.setFlash(e, flash)
	return e.Redirect(http.StatusSeeOther, "/tiers/reviews")
}
