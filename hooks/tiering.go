package hooks

import (
	"time"

	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/tiering"
)

// TierEvaluationJob is the nightly tier evaluation's cron id.
const TierEvaluationJob = "ponte.tiers.evaluate"

// bindTieringHooks binds the tiering area's record hooks and jobs: the
// nightly evaluation, the history row of every tier change, and the
// immutability of that history.
func bindTieringHooks(app core.App) {
	// Every tier change, however it is made (an applied review, the
	// partner form, the REST API), lands in tier_changes in the change's
	// own transaction.
	app.OnRecordUpdate("partners").BindFunc(recordTierChange)
	// A REST caller is the change's actor, as the portal's updateWithEvent
	// names its user.
	app.OnRecordUpdateRequest("partners").BindFunc(func(e *core.RecordRequestEvent) error {
		if e.Auth != nil && e.Auth.Collection().Name == "users" && activity.Actor(e.Record) == "" {
			activity.SetActor(e.Record, e.Auth.Id)
		}
		return e.Next()
	})
	app.OnRecordUpdate("tier_changes").BindFunc(refuseTierHistoryChange)
	// A promotion from an evaluation is announced to the partner's admins
	// once committed; rows saved with an old date (the demo's history) are
	// history, not news.
	app.OnRecordAfterCreateSuccess("tier_changes").BindFunc(func(e *core.RecordEvent) error {
		if time.Since(e.Record.GetDateTime("created").Time()) < time.Hour {
			if _, err := tiering.MailPromotion(e.App, e.Record); err != nil {
				e.App.Logger().Error("mailing a tier promotion", "partner", e.Record.GetString("partner"), "error", err)
			}
		}
		return e.Next()
	})

	// Every night at 02:30 UTC, after the day's rollups are complete.
	app.Cron().MustAdd(TierEvaluationJob, "30 2 * * *", func() {
		s, err := tiering.EvaluateAll(app, time.Now().UTC())
		if err != nil {
			app.Logger().Error("evaluating tiers", "error", err)
			return
		}
		app.Logger().Info("evaluated tiers", "partners", s.Partners, "promote", s.Promote,
			"demote", s.Demote, "at_risk", s.AtRisk, "applied", s.Applied)
	})
}

// recordTierChange writes the history row (and the promoted/demoted event)
// when a partner's tier changes. A change made by internal/tiering carries
// its source, reason and approver; any other is a manual change by the
// record's actor.
func recordTierChange(e *core.RecordEvent) error {
	from := e.Record.Original().GetString("tier")
	to := e.Record.GetString("tier")
	if err := e.Next(); err != nil || from == to {
		return err
	}
	c, ok := tiering.ChangeOf(e.Record)
	if !ok {
		c = tiering.Change{Source: tiering.SourceManual, Reason: tiering.ReasonManual, ApprovedBy: activity.Actor(e.Record)}
	}
	col, err := e.App.FindCachedCollectionByNameOrId("tier_changes")
	if err != nil {
		return err
	}
	h := core.NewRecord(col)
	h.Set("partner", e.Record.Id)
	for _, end := range []struct{ field, id string }{{"from", from}, {"to", to}} {
		// A tier being deleted is gone already when PocketBase empties
		// its partners' relation: keep no reference to it.
		if t, err := e.App.FindRecordById("tiers", end.id); err == nil {
			h.Set(end.field+"_tier", t.Id)
			h.Set(end.field+"_name", t.GetString("name"))
		} else if end.id != "" && !ok {
			c.Reason = tiering.ReasonTierDeleted
		}
	}
	h.Set("source", c.Source)
	h.Set("reason", c.Reason)
	h.Set("approved_by", c.ApprovedBy)
	if err := e.App.Save(h); err != nil {
		return err
	}
	var actor *core.Record
	if c.ApprovedBy != "" {
		if actor, err = e.App.FindRecordById("users", c.ApprovedBy); err != nil {
			actor = nil
		}
	}
	kind := activity.KindTierPromoted
	if rankOf(e.App, to) < rankOf(e.App, from) {
		kind = activity.KindTierDemoted
	}
	return activity.RecordFor(e.App, actor, e.Record.Id, kind, e.Record)
}

// refuseTierHistoryChange keeps tier_changes immutable. The one update
// let through is PocketBase emptying the relation to a deleted tier (the
// row keeps the tier's name).
func refuseTierHistoryChange(e *core.RecordEvent) error {
	orig := e.Record.Original()
	for _, f := range e.Record.Collection().Fields {
		n := f.GetName()
		if n == "from_tier" || n == "to_tier" {
			if v := e.Record.GetString(n); v != "" && v != orig.GetString(n) {
				return errTierHistoryImmutable
			}
			continue
		}
		if e.Record.GetString(n) != orig.GetString(n) {
			return errTierHistoryImmutable
		}
	}
	return e.Next()
}

var errTierHistoryImmutable = validation.Errors{"id": validation.NewError("validation_tier_history_immutable",
	"The tier history cannot be changed.")}

// rankOf returns a tier's rank (-1 for none or an unknown tier).
func rankOf(app core.App, id string) int {
	if id == "" {
		return -1
	}
	t, err := app.FindRecordById("tiers", id)
	if err != nil {
		return -1
	}
	return t.GetInt("rank")
}
