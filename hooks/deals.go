package hooks

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/deals"
	"github.com/ponte-portal/ponte/internal/i18n"
	"github.com/ponte-portal/ponte/internal/notify"
	"github.com/ponte-portal/ponte/internal/roles"
)

// Notification kinds of deal registration; each has a "notify.<kind>" title
// in the deals catalogues.
const (
	// NotifyDealSubmitted tells the partner's channel manager (the admins
	// when it has none) that a registration awaits a decision.
	NotifyDealSubmitted = notify.KindDealSubmitted
	// NotifyDealApproved tells the submitter their registration was approved.
	NotifyDealApproved = notify.KindDealApproved
	// NotifyDealRejected tells the submitter it was rejected, with the reason.
	NotifyDealRejected = notify.KindDealRejected
	// NotifyDealExpired tells the submitter its protection has ended.
	NotifyDealExpired = notify.KindDealExpired
)

// Deal limits checked by the hooks.
const (
	// MaxDealAmount is the largest amount a deal may have (anything above
	// is a typing error).
	MaxDealAmount = 1e11
	// DealClosePast is how far in the past an expected close may be when it
	// is set.
	DealClosePast = 30 * 24 * time.Hour
	// DealCloseYears is how many years ahead an expected close may be.
	DealCloseYears = 5
	// dealExpiryBatch bounds the deals one run of the expiry job reads at a
	// time.
	dealExpiryBatch = 200
)

// dealError is a translated field error of a deal ("validation.<code>").
func dealError(field, code, msg string) validation.Errors {
	return validation.Errors{field: validation.NewError("validation_"+code, msg)}
}

func bindDealHooks(app core.App) {
	app.OnRecordCreateRequest("deals").BindFunc(dealActorFromRequest)
	app.OnRecordUpdateRequest("deals").BindFunc(dealActorFromRequest)
	app.OnRecordCreate("deals").BindFunc(createDeal)
	app.OnRecordUpdate("deals").BindFunc(updateDeal)
	app.OnRecordUpdate("deal_events").BindFunc(func(e *core.RecordEvent) error {
		return dealError("deal", "deal_history_immutable", "The history of a deal cannot be changed.")
	})

	// Protection windows end within half an hour of their time.
	app.Cron().MustAdd("ponte.deals.expiry", "*/30 * * * *", func() {
		if n, err := ExpireDeals(app, time.Now()); err != nil {
			app.Logger().Error("expiring deal protection", "error", err)
		} else if n > 0 {
			app.Logger().Info("expired deal protection", "count", n)
		}
	})
}

// dealActorFromRequest names the REST caller as the change's actor (a user)
// or marks a superuser, who may do what an approver may.
func dealActorFromRequest(e *core.RecordRequestEvent) error {
	switch {
	case e.Auth == nil:
	case e.Auth.IsSuperuser():
		deals.MarkSuperuser(e.Record)
	case e.Auth.Collection().Name == "users":
		activity.SetActor(e.Record, e.Auth.Id)
	}
	return e.Next()
}

// dealActor classifies who is saving r for the deal's partner and returns
// the user (nil for none).
func dealActor(app core.App, r *core.Record, partnerID string) (deals.Actor, *core.Record) {
	switch {
	case deals.IsJob(r):
		return deals.ActorJob, nil
	case deals.IsSuperuser(r):
		return deals.ActorApprover, nil
	}
	id := activity.Actor(r)
	if id == "" {
		return deals.ActorSystem, nil
	}
	u, err := app.FindRecordById("users", id)
	if err != nil {
		return deals.ActorOther, nil
	}
	switch role := roles.Of(u); {
	case deals.IsApprover(app, u, partnerID):
		return deals.ActorApprover, u
	case roles.IsPartnerRole(role) && partnerID != "" && u.GetString("partner") == partnerID:
		return deals.ActorPartner, u
	}
	return deals.ActorOther, u
}

// dealTime returns when a change happens and whether it is history: a time
// set with deals.SetEventTime (the expiry job passes its own now, which is
// not history), else now. Times are cut to the millisecond the database
// keeps, so a reloaded deal compares equal.
func dealTime(r *core.Record) (time.Time, bool) {
	if t := deals.EventTime(r); !t.IsZero() {
		return t.UTC().Truncate(time.Millisecond), !deals.IsJob(r)
	}
	return time.Now().UTC().Truncate(time.Millisecond), false
}

// normaliseDeal trims and normalises the typed fields, derives the keys and
// checks amount, country, domain and (when set or changed) expected close
// against at, returning every field's error at once. It converts nothing:
// amount_base is the caller's.
func normaliseDeal(r, old *core.Record, at time.Time) error {
	for _, f := range []string{"customer_name", "product", "notes", "reason"} {
		r.Set(f, strings.TrimSpace(r.GetString(f)))
	}
	r.Set("currency", strings.ToUpper(strings.TrimSpace(r.GetString("currency"))))
	r.Set("customer_country", strings.ToUpper(strings.TrimSpace(r.GetString("customer_country"))))
	errs := validation.Errors{}
	add := func(field, code, msg string) { errs[field] = validation.NewError("validation_"+code, msg) }
	if a := r.GetFloat("amount"); a <= 0 || a > MaxDealAmount || math.IsNaN(a) {
		add("amount", "deal_amount", "The amount must be more than zero and at most 100,000,000,000.")
	}
	if c := r.GetString("customer_country"); c != "" && !i18n.IsCountry(c) {
		add("customer_country", "deal_country", "Choose a country.")
	}
	if d := r.GetString("customer_domain"); d != "" {
		if host, ok := deals.CleanDomain(d); ok {
			r.Set("customer_domain", host)
		} else {
			add("customer_domain", "deal_domain", "Enter a web address such as acme.com.br.")
		}
	}
	r.Set("customer_key", deals.CustomerKey(r.GetString("customer_name")))
	r.Set("domain_key", deals.DomainKey(r.GetString("customer_domain")))
	ec := r.GetDateTime("expected_close")
	if !ec.IsZero() && (old == nil || !ec.Equal(old.GetDateTime("expected_close"))) {
		if ec.Time().Before(at.Add(-DealClosePast)) {
			add("expected_close", "deal_close_past", "The expected close is more than 30 days in the past.")
		}
		if ec.Time().After(at.AddDate(DealCloseYears, 0, 0)) {
			add("expected_close", "deal_close_future", "The expected close is more than 5 years ahead.")
		}
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// dealBase converts the deal's amount with the current rate.
func dealBase(app core.App, r *core.Record, base string) error {
	rate, err := deals.Rate(app, base, r.GetString("currency"))
	if err != nil {
		return dealError("currency", "deal_unknown_currency", "This currency has no exchange rate; ask an admin to add it.")
	}
	r.Set("amount_base", deals.ToBase(r.GetFloat("amount"), rate))
	return nil
}

// setConflict looks for a conflicting or duplicate registration and records
// it on r (conflict and the hidden conflict_with).
func setConflict(app core.App, r *core.Record, at time.Time) error {
	m, err := deals.FindConflict(app, r.Id, r.GetString("partner"), r.GetString("customer_key"), r.GetString("domain_key"), at)
	if err != nil {
		return err
	}
	r.Set("conflict", m.DealID != "")
	r.Set("conflict_with", m.DealID)
	return nil
}

// createDeal stamps a new registration: submitted (now, unless Go code
// saves history with it already set), status pending, stage registered,
// the keys, the amount in the base currency and any conflict; then, in one
// transaction with the insert, the first history row, the activity event
// and the notification of the approver.
func createDeal(e *core.RecordEvent) error {
	r := e.Record
	actor, user := dealActor(e.App, r, r.GetString("partner"))
	at, history := dealTime(r)
	if sub := r.GetDateTime("submitted"); !sub.IsZero() && actor == deals.ActorSystem {
		if deals.EventTime(r).IsZero() {
			at = sub.Time().UTC().Truncate(time.Millisecond)
		}
		history = true
	}
	r.Set("submitted", at)
	if r.GetString("stage") == "" {
		r.Set("stage", deals.StageRegistered)
	}
	if code := deals.StageMove(r.GetString("stage"), r.GetString("stage"), actor); code != "" {
		return dealError("stage", code, "Choose a stage.")
	}
	if actor != deals.ActorSystem || r.GetString("status") == "" {
		// Only Go code (the fixture, the demo, imports) creates decided deals.
		r.Set("status", deals.StatusPending)
	}
	if actor != deals.ActorSystem {
		for _, f := range []string{"closed", "decided", "decided_by", "protection_until", "reason"} {
			r.Set(f, "")
		}
	}
	if err := normaliseDeal(r, nil, at); err != nil {
		return err
	}
	set := deals.LoadSettings(e.App)
	if err := dealBase(e.App, r, set.BaseCurrency); err != nil {
		return err
	}
	if !deals.IsOpen(r.GetString("stage")) && r.GetDateTime("closed").IsZero() {
		r.Set("closed", at)
	}
	if r.GetString("status") == deals.StatusApproved {
		if r.GetDateTime("decided").IsZero() {
			r.Set("decided", at)
		}
		if r.GetDateTime("protection_until").IsZero() {
			r.Set("protection_until", set.ProtectionUntil(at))
		}
	}
	if err := setConflict(e.App, r, at); err != nil {
		return err
	}
	return e.App.RunInTransaction(func(tx core.App) error {
		e.App = tx
		if err := e.Next(); err != nil {
			return err
		}
		if err := appendDealEvent(tx, r, nil, user, at); err != nil {
			return err
		}
		if err := dealActivity(tx, user, r, activity.KindDealRegistered, at, history); err != nil {
			return err
		}
		if history || r.GetString("status") != deals.StatusPending {
			return nil
		}
		return notifyApprovers(tx, r, userID(user))
	})
}

// updateDeal checks and completes a change to a deal: submitted, partner
// and submitter never change; the server's fields are kept; stage and
// status move only as deals.StageMove and deals.StatusMove allow for the
// actor; a partner cannot change a won deal's amount and resubmits a
// rejected or expired deal by changing it; approval stamps the decision and
// the protection window, rejection needs a reason; closing stamps closed.
// A change of stage, status or amount appends one history row, in one
// transaction with the update.
func updateDeal(e *core.RecordEvent) error {
	r := e.Record
	old, err := e.App.FindRecordById(r.Collection(), r.Id)
	if err != nil {
		return err
	}
	if !r.GetDateTime("submitted").Equal(old.GetDateTime("submitted")) {
		return dealError("submitted", "deal_submitted_immutable", "The registration time cannot be changed.")
	}
	if r.GetString("partner") != old.GetString("partner") || r.GetString("submitted_by") != old.GetString("submitted_by") {
		return dealError("partner", "deal_owner_immutable", "A deal cannot move to another partner or submitter.")
	}
	actor, user := dealActor(e.App, r, r.GetString("partner"))
	at, history := dealTime(r)
	// The server's fields: kept unless this hook changes them below. Go code
	// without a person (PocketBase clearing conflict_with when the other
	// deal is deleted, imports) may set the conflict fields.
	kept := []string{"customer_key", "domain_key", "amount_base", "closed", "decided", "decided_by"}
	if actor != deals.ActorSystem {
		kept = append(kept, "conflict", "conflict_with")
	}
	for _, f := range kept {
		r.Set(f, old.Get(f))
	}
	if actor == deals.ActorPartner || actor == deals.ActorOther {
		for _, f := range []string{"protection_until", "reason"} {
			if r.GetString(f) != old.GetString(f) {
				return dealError(f, deals.CodeStatusRights, "Only the partner's channel manager or an admin decides.")
			}
		}
	}
	fromStage, toStage := old.GetString("stage"), r.GetString("stage")
	fromStatus, toStatus := old.GetString("status"), r.GetString("status")
	if code := deals.StageMove(fromStage, toStage, actor); code != "" {
		return dealError("stage", code, "This stage change is not allowed.")
	}
	resubmit := actor == deals.ActorPartner && fromStatus == toStatus && deals.IsOpen(toStage) &&
		(fromStatus == deals.StatusRejected || fromStatus == deals.StatusExpired)
	if resubmit {
		toStatus = deals.StatusPending
		r.Set("status", toStatus)
	}
	if code := deals.StatusMove(fromStatus, toStatus, actor); code != "" {
		return dealError("status", code, "This status change is not allowed.")
	}
	amountChanged := r.GetFloat("amount") != old.GetFloat("amount") || r.GetString("currency") != old.GetString("currency")
	if amountChanged && fromStage == deals.StageWon && actor == deals.ActorPartner {
		return dealError("amount", "deal_won_amount", "Only vendor staff can change the amount of a won deal.")
	}
	if err := normaliseDeal(r, old, at); err != nil {
		return err
	}
	var set *deals.Settings
	settings := func() *deals.Settings {
		if set == nil {
			v := deals.LoadSettings(e.App)
			set = &v
		}
		return set
	}
	if amountChanged {
		// A rate change alone never rewrites a deal: amount_base is at the
		// rate of the last change of amount or currency.
		if err := dealBase(e.App, r, settings().BaseCurrency); err != nil {
			return err
		}
	}
	if fromStage != toStage {
		if deals.IsOpen(toStage) {
			r.Set("closed", "")
		} else {
			r.Set("closed", at)
		}
	}
	if fromStatus != toStatus {
		switch toStatus {
		case deals.StatusApproved:
			r.Set("decided", at)
			r.Set("decided_by", userID(user))
			r.Set("protection_until", settings().ProtectionUntil(at))
			r.Set("reason", "")
		case deals.StatusRejected:
			if r.GetString("reason") == "" {
				return dealError("reason", deals.CodeReasonRequired, "Say why the registration is rejected.")
			}
			r.Set("decided", at)
			r.Set("decided_by", userID(user))
			r.Set("protection_until", "")
		case deals.StatusPending:
			r.Set("reason", "")
			r.Set("protection_until", "")
		}
	}
	keysChanged := r.GetString("customer_key") != old.GetString("customer_key") || r.GetString("domain_key") != old.GetString("domain_key")
	if toStatus == deals.StatusPending && (fromStatus != toStatus || keysChanged) {
		if err := setConflict(e.App, r, at); err != nil {
			return err
		}
	}
	changed := fromStage != toStage || fromStatus != toStatus || amountChanged ||
		r.GetFloat("amount_base") != old.GetFloat("amount_base")
	return e.App.RunInTransaction(func(tx core.App) error {
		e.App = tx
		if err := e.Next(); err != nil {
			return err
		}
		if changed {
			if err := appendDealEvent(tx, r, old, user, at); err != nil {
				return err
			}
		}
		kind := activity.KindDealUpdated
		switch {
		case fromStatus != toStatus && toStatus == deals.StatusApproved:
			kind = activity.KindDealApproved
		case fromStatus != toStatus && toStatus == deals.StatusRejected:
			kind = activity.KindDealRejected
		case fromStatus != toStatus && toStatus == deals.StatusExpired:
			kind = activity.KindDealExpired
		case fromStage != toStage && toStage == deals.StageWon:
			kind = activity.KindDealWon
		case fromStage != toStage && toStage == deals.StageLost:
			kind = activity.KindDealLost
		}
		if err := dealActivity(tx, user, r, kind, at, history); err != nil {
			return err
		}
		if history || fromStatus == toStatus {
			return nil
		}
		return notifyDecision(tx, r, user, toStatus)
	})
}

func userID(u *core.Record) string {
	if u == nil {
		return ""
	}
	return u.Id
}

// appendDealEvent writes the history row of a change (old nil for the
// registration, whose from_* are empty), dated at.
func appendDealEvent(tx core.App, r, old, user *core.Record, at time.Time) error {
	c, err := tx.FindCachedCollectionByNameOrId("deal_events")
	if err != nil {
		return err
	}
	ev := core.NewRecord(c)
	ev.Set("deal", r.Id)
	ev.Set("partner", r.GetString("partner"))
	ev.Set("user", userID(user))
	if old != nil {
		ev.Set("from_stage", old.GetString("stage"))
		ev.Set("from_status", old.GetString("status"))
		ev.Set("from_amount_base", old.GetFloat("amount_base"))
	}
	ev.Set("to_stage", r.GetString("stage"))
	ev.Set("to_status", r.GetString("status"))
	ev.Set("to_amount_base", r.GetFloat("amount_base"))
	comment := deals.Comment(r)
	if comment == "" && r.GetString("status") == deals.StatusRejected && (old == nil || old.GetString("status") != deals.StatusRejected) {
		comment = r.GetString("reason")
	}
	if len([]rune(comment)) > 1000 {
		comment = string([]rune(comment)[:1000])
	}
	ev.Set("comment", comment)
	ev.Set("at", at)
	if d, err := types.ParseDateTime(at); err == nil {
		ev.SetRaw("created", d) // history rows keep their time
	}
	return tx.Save(ev)
}

// dealActivity appends the activity event of a deal change for the deal's
// partner (not the actor's: a manager approving acts on the partner's
// deal). History keeps its own time.
func dealActivity(tx core.App, user, deal *core.Record, kind string, at time.Time, history bool) error {
	if !history {
		return activity.RecordFor(tx, user, deal.GetString("partner"), kind, deal)
	}
	c, err := tx.FindCachedCollectionByNameOrId("activity")
	if err != nil {
		return err
	}
	ev := core.NewRecord(c)
	ev.Set("kind", kind)
	ev.Set("user", userID(user))
	ev.Set("partner", deal.GetString("partner"))
	ev.Set("target_collection", "deals")
	ev.Set("target_id", deal.Id)
	if d, err := types.ParseDateTime(at); err == nil {
		ev.SetRaw("created", d)
	}
	return tx.Save(ev)
}

// notifyApprovers tells the partner's channel manager, or every admin when
// the partner has none, that a registration awaits a decision.
func notifyApprovers(tx core.App, deal *core.Record, actorID string) error {
	var to []string
	if m := deals.PartnerManager(tx, deal.GetString("partner")); m != "" {
		to = []string{m}
	} else if err := tx.DB().Select("id").From("users").
		Where(dbx.HashExp{"role": roles.Admin, "deactivated": false}).OrderBy("id").Column(&to); err != nil {
		return err
	}
	return notify.Send(tx, NotifyDealSubmitted, "/deals/"+deal.Id, actorID, []any{deal.GetString("customer_name")}, to...)
}

// notifyDecision tells the submitter about a decision, an expiry or (the
// approvers) a resubmission.
func notifyDecision(tx core.App, deal, user *core.Record, status string) error {
	link, name := "/deals/"+deal.Id, deal.GetString("customer_name")
	switch status {
	case deals.StatusApproved:
		return notify.Send(tx, NotifyDealApproved, link, userID(user), []any{name}, deal.GetString("submitted_by"))
	case deals.StatusRejected:
		return notify.Send(tx, NotifyDealRejected, link, userID(user), []any{name, deal.GetString("reason")}, deal.GetString("submitted_by"))
	case deals.StatusExpired:
		return notify.Send(tx, NotifyDealExpired, link, "", []any{name}, deal.GetString("submitted_by"))
	case deals.StatusPending:
		return notifyApprovers(tx, deal, userID(user))
	}
	return nil
}

// ExpireDeals ends the protection of every approved, open deal whose
// protection_until has passed at now: status expired, a history row, an
// activity event and a notification to the submitter, each deal in its own
// transaction. It returns how many it expired. The cron job calls it every
// 30 minutes; tests call it with a chosen now.
//
// Protection is extended only by an approver (the deal page's "Extend
// protection" sets a new protection_until); a partner advancing the stage
// does not extend it.
func ExpireDeals(app core.App, now time.Time) (int, error) {
	stamp := now.UTC().Format(types.DefaultDateLayout)
	open := make([]any, len(deals.OpenStages))
	for i, s := range deals.OpenStages {
		open[i] = s
	}
	n := 0
	var errs []error
	failed := map[string]bool{}
	for {
		var ids []string
		err := app.DB().Select("id").From("deals").
			Where(dbx.HashExp{"status": deals.StatusApproved}).
			AndWhere(dbx.NewExp("protection_until != '' AND protection_until <= {:now}", dbx.Params{"now": stamp})).
			AndWhere(dbx.In("stage", open...)).
			OrderBy("protection_until ASC", "id ASC").Limit(dealExpiryBatch + int64(len(failed))).Column(&ids)
		if err != nil {
			return n, err
		}
		todo := ids[:0]
		for _, id := range ids {
			if !failed[id] {
				todo = append(todo, id)
			}
		}
		if len(todo) == 0 {
			return n, errors.Join(errs...)
		}
		for _, id := range todo {
			err := app.RunInTransaction(func(tx core.App) error {
				r, err := tx.FindRecordById("deals", id)
				if err != nil {
					return err
				}
				deals.MarkJob(r)
				deals.SetEventTime(r, now)
				r.Set("status", deals.StatusExpired)
				return tx.Save(r)
			})
			if err != nil {
				// One deal that cannot be saved must not hold up the others.
				failed[id] = true
				errs = append(errs, fmt.Errorf("deal %s: %w", id, err))
				continue
			}
			n++
		}
	}
}
