package ui

import (
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/tiering"
)

// tierReviewRun evaluates every active partner now, as the nightly job
// does (admins' "Run now").
func (u *portal) tierReviewRun(e *core.RequestEvent) error {
	s, err := tiering.EvaluateAll(e.App, now())
	if err != nil {
		return err
	}
	e.App.Logger().Info("evaluated tiers on request", "user", getCtx(e).User.Id, "partners", s.Partners,
		"promote", s.Promote, "demote", s.Demote, "at_risk", s.AtRisk, "applied", s.Applied)
	u.setFlash(e, "flash.tier_reviews_run")
	return e.Redirect(http.StatusSeeOther, "/tiers/reviews")
}
