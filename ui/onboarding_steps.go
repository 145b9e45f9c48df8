package ui

import (
	"errors"
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/onboarding"
)

// OnboardingTemplateView is a step template on the admins' list.
type OnboardingTemplateView struct {
	ID, Kind, Title  string
	Count            int
	Required, Active bool
	First, Last      bool
}

// onboardingStepsData is the template list's data.
type onboardingStepsData struct {
	Steps []OnboardingTemplateView
}

// onboardingStepsMax is how many templates the list shows (a checklist is
// a handful of steps).
const onboardingStepsMax = 200

// onboardingSteps lists the step templates in checklist order for admins,
// with buttons to move each up or down and links to edit them.
func (u *portal) onboardingSteps(e *core.RequestEvent) error {
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	page, err := access.ListVisible(e.App, info, onboarding.Steps, access.ListOptions{
		Sort: []string{"sort"}, PerPage: onboardingStepsMax})
	if err != nil {
		return err
	}
	loc := u.locale(e)
	d := &onboardingStepsData{}
	for i, s := range page.Items {
		d.Steps = append(d.Steps, OnboardingTemplateView{ID: s.Id, Kind: s.GetString("kind"), Title: stepText(s, "title", loc),
			Count: s.GetInt("count"), Required: s.GetBool("required"), Active: s.GetBool("active"),
			First: i == 0, Last: i == len(page.Items)-1})
	}
	return u.render(e, http.StatusOK, "onboarding_steps", &Page{Title: u.t(e, "onboarding.steps_title"), Data: d})
}

// onboardingStepMove swaps a template with its neighbour above (dir=up) or
// below (dir=down), both saved through the Update rule in one transaction.
func (u *portal) onboardingStepMove(e *core.RequestEvent) error {
	user := getCtx(e).User
	info := access.Info(user, http.MethodGet, nil)
	rec, err := access.FindVisible(e.App, info, onboarding.Steps, e.Request.PathValue("id"))
	if errors.Is(err, access.ErrNotFound) {
		return e.NotFoundError("", err)
	} else if err != nil {
		return err
	}
	dir := formValue(e, "dir")
	if dir != "up" && dir != "down" {
		return e.BadRequestError("", errors.New("onboarding: bad move direction"))
	}
	cur := rec.GetInt("sort")
	where, sort := dbx.NewExp("onboarding_steps.sort < {:s} OR (onboarding_steps.sort = {:s} AND onboarding_steps.id < {:id})",
		dbx.Params{"s": cur, "id": rec.Id}), []string{"-sort"}
	if dir == "down" {
		where, sort = dbx.NewExp("onboarding_steps.sort > {:s} OR (onboarding_steps.sort = {:s} AND onboarding_steps.id > {:id})",
			dbx.Params{"s": cur, "id": rec.Id}), []string{"sort"}
	}
	next, err := access.ListVisible(e.App, info, onboarding.Steps, access.ListOptions{
		Where: []dbx.Expression{where}, Sort: sort, PerPage: 1})
	if err != nil {
		return err
	}
	if len(next.Items) > 0 {
		other := next.Items[0]
		a, b := cur, other.GetInt("sort")
		if a == b {
			// Equal numbers (templates saved by hand): the moved one takes
			// the number, the other goes one past it.
			if dir == "up" {
				a++
			} else {
				a--
			}
		}
		err = e.App.RunInTransaction(func(tx core.App) error {
			for _, m := range []struct {
				r *core.Record
				s int
			}{{rec, b}, {other, a}} {
				fresh, err := tx.FindRecordById(onboarding.Steps, m.r.Id)
				if err != nil {
					return err
				}
				activity.SetActor(fresh, user.Id)
				if err := access.Update(tx, access.Info(user, http.MethodPatch, map[string]any{"sort": m.s}), fresh); err != nil {
					return err
				}
			}
			return nil
		})
		if errors.Is(err, access.ErrForbidden) {
			return e.ForbiddenError("", err)
		} else if err != nil {
			return err
		}
	}
	return e.Redirect(http.StatusSeeOther, "/onboarding/steps")
}
