package training

import (
	"fmt"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/notify"
)

// NotifyCertificateIssued is the kind of the notification a new
// certificate's holder gets (title "notify.certificate.issued", argument:
// the certification's name).
const NotifyCertificateIssued = notify.KindCertificateIssued

// Certificate states.
const (
	CertificateValid   = "valid"
	CertificateExpired = "expired"
	CertificateRevoked = "revoked"
)

// codeAttempts bounds the retries when a fresh code meets the unique index
// (with 100 random bits it never should).
const codeAttempts = 5

// newCode makes verification codes; tests of the retry replace it.
var newCode = NewCode

// CertificateLink is the portal page of a certificate.
func CertificateLink(id string) string { return "/certificates/" + id }

// IssueCertificates issues the certificates a user has just earned by
// completing courseID: for every certification that requires that course,
// when all its required courses are completed and the user holds no valid
// certificate of it, one certificate (verification code, issue date, expiry
// from the certification's validity, holder and partner names as they are
// now), an activity event and a notification to the holder. Run it on the
// transaction's app of the change that completed the course, so a failure
// undoes the completion too.
func IssueCertificates(app core.App, user *core.Record, courseID string, at time.Time) ([]*core.Record, error) {
	var certs []*core.Record
	err := app.RecordQuery("certifications").
		AndWhere(dbx.NewExp("EXISTS (SELECT 1 FROM json_each(certifications.required_courses) rc WHERE rc.value = {:course})",
			dbx.Params{"course": courseID})).
		OrderBy("certifications.created ASC", "certifications.id ASC").All(&certs)
	if err != nil {
		return nil, err
	}
	var issued []*core.Record
	for _, cert := range certs {
		required := dedupe(cert.GetStringSlice("required_courses"))
		done, err := CompletedCourses(app, user.Id, required)
		if err != nil {
			return nil, err
		}
		if len(done) < len(required) {
			continue
		}
		holds, err := HoldsValid(app, user.Id, cert.Id, at)
		if err != nil {
			return nil, err
		}
		if holds {
			continue
		}
		c, err := issueOne(app, user, cert, at)
		if err != nil {
			return nil, err
		}
		issued = append(issued, c)
	}
	return issued, nil
}

// HoldsValid reports whether the user holds a certificate of certification
// that is valid at at (status valid and not past its expiry).
func HoldsValid(app core.App, userID, certificationID string, at time.Time) (bool, error) {
	var rows []struct {
		Expires string `db:"expires"`
	}
	err := app.DB().Select("expires").From("certificates").
		Where(dbx.HashExp{"user": userID, "certification": certificationID, "status": CertificateValid}).All(&rows)
	if err != nil {
		return false, err
	}
	for _, r := range rows {
		exp, perr := parseDate(r.Expires)
		if perr != nil {
			return false, perr
		}
		if !Expired(exp, at) {
			return true, nil
		}
	}
	return false, nil
}

// issueOne writes one certificate with its event and notification.
func issueOne(app core.App, user, cert *core.Record, at time.Time) (*core.Record, error) {
	coll, err := app.FindCachedCollectionByNameOrId("certificates")
	if err != nil {
		return nil, err
	}
	partnerName := ""
	if pid := user.GetString("partner"); pid != "" {
		p, err := app.FindRecordById("partners", pid)
		if err != nil {
			return nil, fmt.Errorf("training: partner of certificate holder: %w", err)
		}
		partnerName = p.GetString("name")
	}
	holder := user.GetString("name")
	if holder == "" {
		holder = user.Email()
	}
	var rec *core.Record
	for try := 0; ; try++ {
		rec = core.NewRecord(coll)
		rec.Set("user", user.Id)
		rec.Set("partner", user.GetString("partner"))
		rec.Set("certification", cert.Id)
		rec.Set("holder_name", holder)
		rec.Set("partner_name", partnerName)
		rec.Set("code", newCode())
		rec.Set("issued", at.UTC())
		if exp := Expiry(at, cert.GetInt("validity_months")); !exp.IsZero() {
			rec.Set("expires", exp)
		}
		rec.Set("status", CertificateValid)
		err = app.Save(rec)
		if err == nil {
			break
		}
		// A code already taken: draw another. Any other failure stops.
		taken, ferr := app.FindFirstRecordByData("certificates", "code", rec.GetString("code"))
		if ferr != nil || taken == nil || try+1 >= codeAttempts {
			return nil, fmt.Errorf("training: issuing certificate: %w", err)
		}
	}
	if err := activity.Record(app, user, activity.KindCertificateIssued, rec); err != nil {
		return nil, err
	}
	if err := notify.Send(app, NotifyCertificateIssued, CertificateLink(rec.Id), "",
		[]any{cert.GetString("name")}, user.Id); err != nil {
		return nil, err
	}
	return rec, nil
}
