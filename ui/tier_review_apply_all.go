package ui

import (
	"errors"
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/tiering"
)

// tierReviewApplyAll applies every proposed promotion the admin may see and
// decide, each in its own transaction (a stale one is skipped, not fatal),
// 200 at a time at most.
func (u *portal) tierReviewApplyAll(e *core.RequestEvent) error {
	user := getCtx(e).User
	info := access.Info(user, http.MethodGet, nil)
	res, err := access.ListVisible(e.App, info, "tier_reviews", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"tier_reviews.recommendation": tiering.Promote, "tier_reviews.status": tiering.StatusProposed}},
		Sort:  []string{"-evaluated_at"}, PerPage: 200})
	if err != nil {
		return err
	}
	applied := 0
	for _, rv := range res.Items {
		p, err := e.App.FindRecordById("partners", rv.GetString("partner"))
		if err != nil {
			continue
		}
		ok, err := access.CanUpdate(e.App, access.Info(user, http.MethodPatch, map[string]any{"tier": rv.GetString("target_tier")}), p)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		err = tiering.Apply(e.App, rv.Id, user, now())
		if errors.Is(err, tiering.ErrStale) || errors.Is(err, tiering.ErrNotProposed) {
			continue
		} else if err != nil {
			return err
		}
		applied++
	}
	e.App.Logger().Info("applied tier promotions", "user", user.Id, "count", applied)
	u.setFlash(e, "flash.tier_promotions_applied")
	return e.Redirect(http.StatusSeeOther, "/tiers/reviews")
}
