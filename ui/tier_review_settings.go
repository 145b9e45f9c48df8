package ui

import (
	"net/http"
	"strconv"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/activity"
)

// tierReviewSettings saves the evaluation's settings (grace cycles,
// automatic application) on the settings record through its Update rule,
// with the settings event, in one transaction.
func (u *portal) tierReviewSettings(e *core.RequestEvent) error {
	loc := u.locale(e)
	grace := formValue(e, "tier_grace_cycles")
	auto := formValue(e, "tier_auto_apply") == "1"
	n, err := strconv.Atoi(grace)
	if err != nil || n < 0 || n > 12 {
		p, perr := u.tierReviewPage(e)
		if perr != nil {
			return perr
		}
		p.Values["tier_grace_cycles"] = grace
		p.Values["tier_auto_apply"] = ""
		if auto {
			p.Values["tier_auto_apply"] = "1"
		}
		p.Errors["tier_grace_cycles"] = tr(loc, "validation.whole_number", 12)
		return u.render(e, http.StatusBadRequest, "tiering_reviews", p)
	}
	rec, err := u.settingsRecord(e)
	if err != nil {
		return err
	}
	_, err = updateWithEvent(e, rec, map[string]any{"tier_grace_cycles": n, "tier_auto_apply": auto}, activity.KindSettingsUpdated)
	if err != nil {
		p, perr := u.tierReviewPage(e)
		if perr != nil {
			return perr
		}
		if serr := u.saveError(e, p, err); serr != nil {
			return serr
		}
		return u.render(e, http.StatusBadRequest, "tiering_reviews", p)
	}
	u.setFlash(e, "flash.tier_settings_saved")
	return e.Redirect(http.StatusSeeOther, "/tiers/reviews")
}
