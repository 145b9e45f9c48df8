package ui

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/onboarding"
)

// onboardingShowData is the staff detail page's data.
type onboardingShowData struct {
	Checklist *OnboardingChecklist // nil: the partner never entered onboarding
	Partner   string
	Slug      string
}

// onboardingShow shows staff one partner's checklist: every step, when and
// by whom it was ticked, the evidence, and tick buttons on manual steps for
// those who may tick them.
func (u *portal) onboardingShow(e *core.RequestEvent) error {
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	partner, err := access.FindVisibleBy(e.App, info, "partners", "slug", e.Request.PathValue("slug"))
	if errors.Is(err, access.ErrNotFound) {
		return e.NotFoundError("", err)
	} else if err != nil {
		return err
	}
	d := &onboardingShowData{Partner: partner.GetString("name"), Slug: partner.GetString("slug")}
	row, err := access.FindVisibleBy(e.App, info, onboarding.Checklist, "partner", partner.Id)
	switch {
	case errors.Is(err, access.ErrNotFound):
	case err != nil:
		return err
	default:
		if d.Checklist, err = u.onboardingChecklist(e, info, partner, row); err != nil {
			return err
		}
	}
	return u.render(e, http.StatusOK, "onboarding_show", &Page{Title: u.t(e, "onboarding.show_title", d.Partner), Data: d})
}

// onboardingTick ticks (done=1) or unticks (done=0) the manual step whose
// progress row the form names (progress=<id>), through
// the progress rule: the partner's channel manager or an admin, on manual
// steps only. A row the viewer may not see answers 404, like one that does
// not exist: no other partner's progress ids are confirmed.
func (u *portal) onboardingTick(e *core.RequestEvent) error {
	user := getCtx(e).User
	info := access.Info(user, http.MethodGet, nil)
	id := formValue(e, "progress")
	rec, err := access.FindVisible(e.App, info, onboarding.Progress, id)
	if errors.Is(err, access.ErrNotFound) {
		return e.NotFoundError("", err)
	} else if err != nil {
		return err
	}
	partner, err := access.FindVisible(e.App, info, "partners", rec.GetString("partner"))
	if err != nil || partner.GetString("slug") != e.Request.PathValue("slug") {
		return e.NotFoundError("", err)
	}
	done := formValue(e, "done") == "1"
	_, err = updateWithEvent(e, rec, map[string]any{"done": done}, "")
	if errors.Is(err, access.ErrForbidden) {
		return e.ForbiddenError("", err)
	} else if err != nil {
		return err
	}
	if done {
		u.setFlash(e, "flash.onboarding_ticked")
	} else {
		u.setFlash(e, "flash.onboarding_unticked")
	}
	return e.Redirect(http.StatusSeeOther, "/onboarding/"+partner.GetString("slug"))
}
