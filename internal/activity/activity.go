// Package activity appends events to the `activity` collection, the event log
// that engagement metrics are counted from.
package activity

import (
	"github.com/pocketbase/pocketbase/core"
)

// Event kinds written so far. Later features add their own.
const (
	KindLogin           = "user.login"
	KindProfileUpdated  = "user.profile_updated"
	KindPartnerUpdated  = "partner.updated"
	KindPartnerCreated  = "partner.created"
	KindTierCreated     = "tier.created"
	KindTierUpdated     = "tier.updated"
	KindSettingsUpdated = "settings.updated"
)

// Record appends one event for user (nil for a system event) about the target
// record (nil for none). The user's partner is copied so per-partner counts
// need no join. It runs on app, so inside a transaction pass the tx app.
func Record(app core.App, user *core.Record, kind string, target *core.Record) error {
	c, err := app.FindCachedCollectionByNameOrId("activity")
	if err != nil {
		return err
	}
	ev := core.NewRecord(c)
	ev.Set("kind", kind)
	if user != nil && user.Collection().Name == "users" {
		ev.Set("user", user.Id)
		ev.Set("partner", user.GetString("partner"))
	}
	if target != nil {
		ev.Set("target_collection", target.Collection().Name)
		ev.Set("target_id", target.Id)
		if target.Collection().Name == "partners" {
			ev.Set("partner", target.Id)
		}
	}
	return app.Save(ev)
}
