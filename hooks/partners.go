package hooks

import (
	"strings"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"

	"github.com/ponte-portal/ponte/internal/roles"
)

func bindPartnerHooks(app core.App) {
	app.OnRecordValidate("partners").BindFunc(validatePartner)
	app.OnRecordUpdate("partners").BindFunc(signOutSuspended)
	app.OnRecordDelete("partners").BindFunc(refuseDeletingPartnerWithUsers)
}

// signOutSuspended ends every portal session and REST token of a partner's
// people when the partner is suspended, in the same transaction: their
// token keys change (portal sessions are bound to the key), and the users
// Auth rule and session.Blocked keep them from signing in again.
func signOutSuspended(e *core.RecordEvent) error {
	suspended := e.Record.GetString("status") == "suspended" && e.Record.Original().GetString("status") != "suspended"
	if !suspended {
		return e.Next()
	}
	return e.App.RunInTransaction(func(tx core.App) error {
		e.App = tx
		if err := e.Next(); err != nil {
			return err
		}
		// Plain UPDATEs: a new key is no profile change for the user hooks.
		var ids []string
		if err := tx.DB().Select("id").From("users").Where(dbx.HashExp{"partner": e.Record.Id}).Column(&ids); err != nil {
			return err
		}
		for _, id := range ids {
			if _, err := tx.DB().Update("users", dbx.Params{"tokenKey": security.RandomString(50)},
				dbx.HashExp{"id": id}).Execute(); err != nil {
				return err
			}
		}
		return nil
	})
}

// ErrPartnerHasUsers refuses deleting a partner that still has users: they
// would be left as partner users without a partner.
var ErrPartnerHasUsers = validation.Errors{"id": validation.NewError(
	"validation_partner_has_users", "Move or delete this partner's users first.")}

func refuseDeletingPartnerWithUsers(e *core.RecordEvent) error {
	n, err := e.App.CountRecords("users", dbx.HashExp{"partner": e.Record.Id})
	if err != nil {
		return err
	}
	if n > 0 {
		return ErrPartnerHasUsers
	}
	return e.Next()
}

// validatePartner normalises slug and country, fills the region from the
// country, and checks that the channel manager is vendor staff.
func validatePartner(e *core.RecordEvent) error {
	r := e.Record
	r.Set("slug", strings.ToLower(strings.TrimSpace(r.GetString("slug"))))
	r.Set("country", strings.ToUpper(strings.TrimSpace(r.GetString("country"))))
	if s := r.GetString("slug"); s == "new" || s == "edit" || s == "steps" {
		return validation.Errors{"slug": validation.NewError(
			"validation_invalid_slug", "This address is reserved by the portal.")}
	}
	if r.GetString("region") == "" {
		r.Set("region", roles.RegionOf(r.GetString("country")))
	}
	if id := r.GetString("manager"); id != "" {
		m, err := e.App.FindRecordById("users", id)
		if err != nil || !roles.IsStaff(m.GetString("role")) {
			return validation.Errors{"manager": validation.NewError(
				"validation_manager_not_staff", "The channel manager must be vendor staff.")}
		}
	}
	return e.Next()
}
