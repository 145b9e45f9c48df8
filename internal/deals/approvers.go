package deals

import (
	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/roles"
)

// PartnerManager returns the channel manager of a partner ("" for none).
func PartnerManager(app core.App, partnerID string) string {
	var m string
	_ = app.DB().Select("manager").From("partners").Where(dbx.HashExp{"id": partnerID}).Limit(1).Row(&m)
	return m
}

// IsApprover reports whether user decides the registrations of partnerID:
// an admin, or the partner's channel manager. The deals hook and the
// portal's approver panel both ask here.
func IsApprover(app core.App, user *core.Record, partnerID string) bool {
	switch roles.Of(user) {
	case roles.Admin:
		return true
	case roles.Manager:
		return partnerID != "" && PartnerManager(app, partnerID) == user.Id
	}
	return false
}
