package hooks

import (
	"errors"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/notify"
	"github.com/ponte-portal/ponte/internal/roles"
	"github.com/ponte-portal/ponte/internal/training"
)

// Notification kinds of certificates; their titles are "notify.<kind>" in
// the certificates catalogues.
const (
	// KindCertificateExpiring reminds a holder and their partner's admins 30
	// and 7 days before a certificate's last valid day (args: certification
	// name, last valid day as YYYY-MM-DD).
	KindCertificateExpiring = notify.KindCertificateExpiring
	// KindCertificateRevoked tells the holder their certificate was revoked
	// (args: certification name).
	KindCertificateRevoked = notify.KindCertificateRevoked
)

// CertificateExpiryJob is the cron job's id: hourly, at minute 23.
const CertificateExpiryJob = "ponte.certificates.expiry"

// MaxRevocationReason is the longest revocation reason (the schema's limit).
const MaxRevocationReason = 1000

// certificateBatch bounds how many certificates one expiry run loads per
// query; a run keeps going until none is left.
const certificateBatch = 200

// reminderDays are the days before the last valid day on which holders are
// reminded, with the field that records each reminder.
var reminderDays = []struct {
	Days  int
	Field string
}{{30, "reminded_30"}, {7, "reminded_7"}}

// certificateFixed are the fields that never change once a certificate is
// issued, outside the revocation and expiry transitions below.
var certificateFixed = []string{"user", "partner", "certification", "holder_name", "partner_name", "code",
	"issued", "expires", "revoked", "revoked_by", "revocation_reason"}

// Validation errors of certificate changes, translated by the portal from
// their codes.
var (
	ErrCertificateImmutable = validation.NewError("validation_certificate_immutable",
		"A certificate cannot be changed once issued.")
	ErrCertificateNotValid = validation.Errors{"status": validation.NewError("validation_certificate_not_valid",
		"Only a valid certificate can be revoked.")}
	ErrCertificateStatus = validation.Errors{"status": validation.NewError("validation_certificate_status",
		"A certificate can only be revoked, or expire after its last valid day.")}
	ErrRevocationReasonRequired = validation.Errors{"revocation_reason": validation.NewError(
		"validation_certificate_reason_required", "Say why the certificate is revoked.")}
	ErrRevocationReasonTooLong = validation.Errors{"revocation_reason": validation.NewError(
		"validation_certificate_reason_too_long", "The reason is longer than 1,000 characters.")}
)

// clockKey is a record's custom (unsaved) data key carrying the time the
// expiry job judges by, so tests can run the job at a chosen moment.
const clockKey = "@ponte.clock"

func bindCertificateHooks(app core.App) {
	app.OnRecordUpdateRequest("certificates").BindFunc(actorFromRequest)
	app.OnRecordUpdate("certificates").BindFunc(guardCertificateUpdate)
	app.OnRecordCreate("certificates").BindFunc(countCertificateCreate)
	app.OnRecordDelete("certificates").BindFunc(countCertificateDelete)

	app.Cron().MustAdd(CertificateExpiryJob, "23 * * * *", func() {
		res, err := RunCertificateExpiry(app, time.Now())
		if err != nil {
			app.Logger().Error("certificate expiry job", "error", err)
		}
		if res.Expired > 0 || res.Reminded > 0 {
			app.Logger().Info("certificate expiry job", "expired", res.Expired, "reminded", res.Reminded)
		}
	})
}

// clock is the time a change to rec is judged at: the expiry job's own now
// when it set one, else the wall clock.
func clock(rec *core.Record) time.Time {
	if t, ok := rec.Get(clockKey).(time.Time); ok {
		return t
	}
	return time.Now()
}

// guardCertificateUpdate keeps issued certificates as they were issued, for
// everyone including superusers. It allows exactly three changes:
//
//   - revocation: status valid → revoked with a reason; the hook stamps the
//     date and the actor (activity.SetActor, or the API's signed-in user),
//     appends training.certificate_revoked and notifies the holder, in the
//     same transaction;
//   - expiry: status valid → expired once training.Expired says so;
//   - a reminder date (reminded_30, reminded_7) set once.
func guardCertificateUpdate(e *core.RecordEvent) error {
	r := e.Record
	// Judge against the stored row, not the copy the caller loaded: a
	// record saved twice keeps its first original.
	old, err := e.App.FindRecordById(r.Collection(), r.Id)
	if err != nil {
		return err
	}
	from, to := old.GetString("status"), r.GetString("status")
	revoking := from != to && to == "revoked"
	if revoking {
		if from != "valid" {
			return ErrCertificateNotValid
		}
		reason := strings.TrimSpace(r.GetString("revocation_reason"))
		switch {
		case reason == "":
			return ErrRevocationReasonRequired
		case len([]rune(reason)) > MaxRevocationReason:
			return ErrRevocationReasonTooLong
		}
		r.Set("revocation_reason", reason)
		r.Set("revoked", types.NowDateTime())
		r.Set("revoked_by", activity.Actor(r))
	}
	if from != to && to == "expired" {
		if from != "valid" || !training.Expired(old.GetDateTime("expires").Time(), clock(r)) {
			return ErrCertificateStatus
		}
	}
	if from != to && to != "revoked" && to != "expired" {
		return ErrCertificateStatus
	}
	for _, f := range certificateFixed {
		if revoking && (f == "revoked" || f == "revoked_by" || f == "revocation_reason") {
			continue
		}
		if old.GetString(f) != r.GetString(f) {
			return validation.Errors{f: ErrCertificateImmutable}
		}
	}
	for _, rd := range reminderDays {
		if was := old.GetString(rd.Field); was != "" && was != r.GetString(rd.Field) {
			return validation.Errors{rd.Field: ErrCertificateImmutable}
		}
	}
	if from == to {
		return e.Next()
	}
	return e.App.RunInTransaction(func(tx core.App) error {
		e.App = tx
		if err := e.Next(); err != nil {
			return err
		}
		if err := adjustCertificateCount(tx, r, from, -1); err != nil {
			return err
		}
		if err := adjustCertificateCount(tx, r, to, 1); err != nil {
			return err
		}
		if !revoking {
			return nil
		}
		holder, err := tx.FindRecordById("users", r.GetString("user"))
		if err != nil {
			return err
		}
		if err := activity.RecordFor(tx, holder, r.GetString("partner"), activity.KindCertificateRevoked, r); err != nil {
			return err
		}
		return notify.Send(tx, KindCertificateRevoked, "/certificates/"+r.Id, activity.Actor(r),
			[]any{certificationName(tx, r)}, holder.Id)
	})
}

// countedStates are the stored statuses certificate_counts counts, each a
// column of its own.
var countedStates = map[string]bool{"valid": true, "expired": true, "revoked": true}

// adjustCertificateCount adds delta to the certificate_counts row of the
// certificate's certification and partner in status, creating the row when
// it is the first. It runs on the change's transaction.
func adjustCertificateCount(app core.App, cert *core.Record, status string, delta int) error {
	if !countedStates[status] {
		return nil
	}
	col := "[[" + status + "]]"
	_, err := app.DB().NewQuery("INSERT INTO {{certificate_counts}} ([[id]], [[certification]], [[partner]], [[valid]], [[expired]], [[revoked]], [[updated]])" +
		" VALUES ({:id}, {:certification}, {:partner}, 0, 0, 0, {:now})" +
		" ON CONFLICT ([[certification]], [[partner]]) DO NOTHING").Bind(dbx.Params{
		"id": core.GenerateDefaultRandomId(), "certification": cert.GetString("certification"),
		"partner": cert.GetString("partner"), "now": types.NowDateTime().String(),
	}).Execute()
	if err != nil {
		return err
	}
	_, err = app.DB().NewQuery("UPDATE {{certificate_counts}} SET " + col + " = MAX(0, " + col + " + {:delta}), [[updated]] = {:now}" +
		" WHERE [[certification]] = {:certification} AND [[partner]] = {:partner}").Bind(dbx.Params{
		"delta": delta, "certification": cert.GetString("certification"), "partner": cert.GetString("partner"),
		"now": types.NowDateTime().String(),
	}).Execute()
	return err
}

// countCertificateCreate counts a new certificate in the issuing
// transaction.
func countCertificateCreate(e *core.RecordEvent) error {
	return e.App.RunInTransaction(func(tx core.App) error {
		e.App = tx
		if err := e.Next(); err != nil {
			return err
		}
		return adjustCertificateCount(tx, e.Record, e.Record.GetString("status"), 1)
	})
}

// countCertificateDelete uncounts a deleted certificate (its holder was
// deleted) in the deleting transaction.
func countCertificateDelete(e *core.RecordEvent) error {
	return e.App.RunInTransaction(func(tx core.App) error {
		e.App = tx
		if err := e.Next(); err != nil {
			return err
		}
		return adjustCertificateCount(tx, e.Record, e.Record.GetString("status"), -1)
	})
}

// RebuildCertificateCounts recomputes certificate_counts from the
// certificates, in one transaction (for repairs; the hooks keep it exact).
func RebuildCertificateCounts(app core.App) error {
	return app.RunInTransaction(func(tx core.App) error {
		if _, err := tx.DB().NewQuery("DELETE FROM {{certificate_counts}}").Execute(); err != nil {
			return err
		}
		_, err := tx.DB().NewQuery(`INSERT INTO certificate_counts (id, certification, partner, valid, expired, revoked, updated)
			SELECT substr(lower(hex(randomblob(8))), 1, 15), certification, partner,
				SUM(status = 'valid'), SUM(status = 'expired'), SUM(status = 'revoked'), {:now}
			FROM certificates GROUP BY certification, partner`).Bind(dbx.Params{"now": types.NowDateTime().String()}).Execute()
		return err
	})
}

// certificationName is the name of a certificate's certification ("" when
// it is gone).
func certificationName(app core.App, cert *core.Record) string {
	c, err := app.FindRecordById("certifications", cert.GetString("certification"))
	if err != nil {
		return ""
	}
	return c.GetString("name")
}

// ExpiryResult counts what one run of the expiry job did.
type ExpiryResult struct {
	Expired  int // certificates marked expired
	Reminded int // certificates whose holders were reminded
}

// RunCertificateExpiry is the expiry job at now: it marks every valid
// certificate whose last valid day has passed (training.Expired) as expired
// with a training.certificate_expired event, then reminds holders and their
// partner's admins of certificates whose last valid day is 30 or 7 days away
// (or nearer, when a run was missed), once each: reminded_30 and reminded_7
// record it, so a second run on the same day sends nothing. Each certificate
// changes in its own transaction. Both steps read the (status, expires)
// index.
func RunCertificateExpiry(app core.App, now time.Time) (ExpiryResult, error) {
	var res ExpiryResult
	now = now.UTC()
	// Expired at now means expires + 1 day <= now.
	cut := now.AddDate(0, 0, -1).Format(types.DefaultDateLayout)
	var errs []error
	done := map[string]bool{}
	for {
		var ids []string
		err := app.DB().Select("id").From("certificates").
			Where(dbx.NewExp("status = 'valid' AND expires != '' AND expires <= {:cut}", dbx.Params{"cut": cut})).
			OrderBy("expires ASC").Limit(certificateBatch).Column(&ids)
		if err != nil {
			return res, err
		}
		progress := false
		for _, id := range ids {
			if done[id] {
				continue
			}
			done[id] = true
			progress = true
			ok, err := expireCertificate(app, id, now)
			if err != nil {
				errs = append(errs, err)
			} else if ok {
				res.Expired++
			}
		}
		if !progress || len(ids) < certificateBatch {
			break
		}
	}

	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	horizon := today.AddDate(0, 0, reminderDays[0].Days+1).Format(types.DefaultDateLayout)
	week := today.AddDate(0, 0, reminderDays[1].Days+1).Format(types.DefaultDateLayout)
	last := ""
	for {
		var rows []struct {
			ID      string `db:"id"`
			Expires string `db:"expires"`
		}
		// Valid, not expired, last valid day within 30 days, and a
		// reminder still due; keyset-paged on (expires, id).
		q := app.DB().Select("id", "expires").From("certificates").
			Where(dbx.NewExp("status = 'valid' AND expires > {:cut} AND expires < {:horizon}"+
				" AND (reminded_30 = '' OR (reminded_7 = '' AND expires < {:week}))",
				dbx.Params{"cut": cut, "horizon": horizon, "week": week}))
		if last != "" {
			q.AndWhere(dbx.NewExp("(expires || id) > {:last}", dbx.Params{"last": last}))
		}
		if err := q.OrderBy("expires ASC", "id ASC").Limit(certificateBatch).All(&rows); err != nil {
			return res, err
		}
		for _, row := range rows {
			last = row.Expires + row.ID
			ok, err := remindCertificate(app, row.ID, today)
			if err != nil {
				errs = append(errs, err)
			} else if ok {
				res.Reminded++
			}
		}
		if len(rows) < certificateBatch {
			break
		}
	}
	return res, errors.Join(errs...)
}

// expireCertificate marks one certificate expired with its event, unless it
// changed meanwhile.
func expireCertificate(app core.App, id string, now time.Time) (bool, error) {
	done := false
	err := app.RunInTransaction(func(tx core.App) error {
		r, err := tx.FindRecordById("certificates", id)
		if err != nil {
			return err
		}
		if r.GetString("status") != "valid" || !training.Expired(r.GetDateTime("expires").Time(), now) {
			return nil
		}
		r.Set(clockKey, now)
		r.Set("status", "expired")
		if err := tx.Save(r); err != nil {
			return err
		}
		holder, err := tx.FindRecordById("users", r.GetString("user"))
		if err != nil {
			return err
		}
		done = true
		return activity.RecordFor(tx, holder, r.GetString("partner"), activity.KindCertificateExpired, r)
	})
	return done, err
}

// DaysLeft is the number of whole days from today (midnight UTC) to a
// certificate's last valid day: 0 on that day itself.
func DaysLeft(expires, today time.Time) int {
	e := expires.UTC()
	e = time.Date(e.Year(), e.Month(), e.Day(), 0, 0, 0, 0, time.UTC)
	return int(e.Sub(today).Hours() / 24)
}

// remindCertificate sends the reminders due for one certificate at today
// and records them, in one transaction. A certificate first seen 7 or fewer
// days before its end gets only the 7-day reminder (both are recorded).
func remindCertificate(app core.App, id string, today time.Time) (bool, error) {
	sent := false
	err := app.RunInTransaction(func(tx core.App) error {
		r, err := tx.FindRecordById("certificates", id)
		if err != nil {
			return err
		}
		expires := r.GetDateTime("expires").Time()
		if r.GetString("status") != "valid" || expires.IsZero() {
			return nil
		}
		left := DaysLeft(expires, today)
		if left < 0 {
			return nil
		}
		due := false
		for _, rd := range reminderDays {
			if left <= rd.Days && r.GetString(rd.Field) == "" {
				r.Set(rd.Field, today)
				due = true
			}
		}
		if !due {
			return nil
		}
		if err := tx.Save(r); err != nil {
			return err
		}
		recipients := []string{r.GetString("user")}
		if p := r.GetString("partner"); p != "" {
			var admins []string
			if err := tx.DB().Select("id").From("users").
				Where(dbx.HashExp{"partner": p, "role": roles.PartnerAdmin, "deactivated": false}).
				Column(&admins); err != nil {
				return err
			}
			recipients = append(recipients, admins...)
		}
		sent = true
		return notify.Send(tx, KindCertificateExpiring, "/certificates/"+r.Id, "",
			[]any{certificationName(tx, r), expires.UTC().Format(time.DateOnly)}, recipients...)
	})
	return sent, err
}
