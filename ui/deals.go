package ui

import (
	"errors"
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/deals"
	"github.com/ponte-portal/ponte/internal/roles"
)

// dealRoutes binds the deal registration pages, approvals, rates and deal exports: in for signed-in users, staff for vendor staff only, g
// for guests too.
func (u *portal) dealRoutes(g, in, staff *router.RouterGroup[*core.RequestEvent]) {
	in.GET("/deals", u.dealList)
	in.GET("/deals/export.csv", u.dealExport)
	in.GET("/deals/new", u.dealNewShow).BindFunc(requireRole(roles.PartnerAdmin, roles.PartnerUser))
	in.POST("/deals/new", u.dealNewSubmit).BindFunc(requireRole(roles.PartnerAdmin, roles.PartnerUser))
	in.GET("/deals/{id}", u.dealShow)
	in.POST("/deals/{id}", u.dealUpdate)

	staff.POST("/deals/{id}/decide", u.dealDecide)
	staff.GET("/deals/settings", u.dealSettingsShow).BindFunc(requireRole(roles.Admin))
	staff.POST("/deals/settings", u.dealSettingsSubmit).BindFunc(requireRole(roles.Admin))
	staff.POST("/deals/settings/rates", u.dealRateSave).BindFunc(requireRole(roles.Admin))
	staff.POST("/deals/settings/rates/{id}/delete", u.dealRateDelete).BindFunc(requireRole(roles.Admin))
}

// visibleDeal loads the deal in the path through its View rule (404 when
// the user may not see it).
func visibleDeal(e *core.RequestEvent) (*core.Record, *core.RequestInfo, error) {
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	rec, err := access.FindVisible(e.App, info, "deals", e.Request.PathValue("id"))
	if errors.Is(err, access.ErrNotFound) {
		return nil, nil, e.NotFoundError("", err)
	}
	return rec, info, err
}

// isDealApprover says whether user decides the deal's registration: an
// admin, or the channel manager of the deal's partner. (The Update rule
// lets both change status; the hook checks the move.)
func isDealApprover(app core.App, user, deal *core.Record) bool {
	return deals.IsApprover(app, user, deal.GetString("partner"))
}

// saveDeal applies body to the deal through its Update rule on the user's
// behalf, naming the user as the change's actor (the hooks write the history
// row, the activity event and the notifications in the same transaction)
// with comment on the history row. It returns the saved deal.
func saveDeal(e *core.RequestEvent, rec *core.Record, body map[string]any, comment string) (*core.Record, error) {
	user := getCtx(e).User
	var saved *core.Record
	err := e.App.RunInTransaction(func(tx core.App) error {
		fresh, err := tx.FindRecordById("deals", rec.Id)
		if err != nil {
			return err
		}
		activity.SetActor(fresh, user.Id)
		if comment != "" {
			deals.SetComment(fresh, comment)
		}
		if err := access.Update(tx, access.Info(user, http.MethodPatch, body), fresh); err != nil {
			return err
		}
		saved = fresh
		return nil
	})
	return saved, err
}
