package hooks_test

// The certificate hooks: an issued certificate never changes (not even for
// a superuser) except by revocation (valid → revoked with a reason, stamped
// with date and actor, an event and a notification in one transaction), by
// expiry (valid → expired once its last valid day has passed) and by the
// reminder dates set once. The expiry job, run with a chosen now, marks
// certificates expired at midnight UTC after their last valid day and sends
// reminders exactly 30 and 7 days before it, once, to the holder and their
// partner's admins.

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/hooks"
	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/testapp"
	"github.com/ponte-portal/ponte/internal/training"
)

// certIssue saves a valid certificate of the fixture's Sales Specialist
// certification for user, issued at issued with the given months of
// validity, as the grading transaction would.
func certIssue(t *testing.T, app core.App, userID string, issued time.Time, months int) *core.Record {
	t.Helper()
	user, err := app.FindRecordById("users", userID)
	if err != nil {
		t.Fatal(err)
	}
	c, err := app.FindCollectionByNameOrId("certificates")
	if err != nil {
		t.Fatal(err)
	}
	r := core.NewRecord(c)
	r.Set("user", userID)
	r.Set("partner", user.GetString("partner"))
	r.Set("certification", testapp.CertSales)
	r.Set("holder_name", user.GetString("name"))
	r.Set("partner_name", "Partner of "+user.GetString("name"))
	r.Set("code", training.NewCode())
	r.Set("issued", issued.UTC())
	if exp := training.Expiry(issued, months); !exp.IsZero() {
		r.Set("expires", exp)
	}
	r.Set("status", "valid")
	if err := app.Save(r); err != nil {
		t.Fatalf("issuing certificate: %v", err)
	}
	return r
}

func certApp(t *testing.T) core.App {
	app := testapp.New(t)
	testapp.SeedTraining(t, app)
	return app
}

// certFieldCode returns the validation code of err's field, or "".
func certFieldCode(err error, field string) string {
	var verrs validation.Errors
	if !errors.As(err, &verrs) {
		return ""
	}
	var ve validation.Error
	if errors.As(verrs[field], &ve) {
		return ve.Code()
	}
	return ""
}

func certCountRows(t *testing.T, app core.App, collection string, where dbx.Expression) int {
	t.Helper()
	var n int
	if err := app.DB().Select("COUNT(*)").From(collection).Where(where).Row(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestCertificateImmutable: every issued field refuses a change, from Go
// code as from a superuser, and the stored record keeps its values.
func TestCertificateImmutable(t *testing.T) {
	app := certApp(t)
	cert := certIssue(t, app, testapp.AcmeUserID, time.Now().AddDate(0, -1, 0), 12)
	changes := map[string]any{
		"user": testapp.GlobexUserID, "partner": testapp.PartnerGlobex, "holder_name": "Someone else",
		"partner_name": "Other", "code": training.NewCode(), "issued": time.Now().AddDate(-1, 0, 0).UTC(),
		"expires": time.Now().AddDate(5, 0, 0).UTC(), "revoked": time.Now().UTC(), "revoked_by": testapp.AdminID,
		"revocation_reason": "no reason", "status": "expired",
	}
	for f, v := range changes {
		r, err := app.FindRecordById("certificates", cert.Id)
		if err != nil {
			t.Fatal(err)
		}
		r.Set(f, v)
		err = app.Save(r)
		if err == nil {
			t.Errorf("changing %s was allowed", f)
			continue
		}
		if code := certFieldCode(err, f); f != "status" && code != "validation_certificate_immutable" {
			t.Errorf("changing %s: error %v, want validation_certificate_immutable", f, err)
		}
	}
	fresh, _ := app.FindRecordById("certificates", cert.Id)
	for _, f := range []string{"user", "code", "issued", "expires", "status", "holder_name"} {
		if fresh.GetString(f) != cert.GetString(f) {
			t.Errorf("%s changed: %q → %q", f, cert.GetString(f), fresh.GetString(f))
		}
	}
	// A reminder date may be set once, never moved.
	fresh.Set("reminded_30", time.Now().UTC())
	if err := app.Save(fresh); err != nil {
		t.Fatalf("setting reminded_30: %v", err)
	}
	fresh.Set("reminded_30", time.Now().AddDate(0, 0, 1).UTC())
	if err := app.Save(fresh); certFieldCode(err, "reminded_30") != "validation_certificate_immutable" {
		t.Errorf("moving reminded_30: %v, want immutable", err)
	}
}

// TestCertificateRevocation: a reason is required; a revocation is stamped
// with the date and the actor, appends the holder's event and notifies the
// holder; a revoked certificate can be neither revoked again nor restored.
func TestCertificateRevocation(t *testing.T) {
	app := certApp(t)
	cert := certIssue(t, app, testapp.AcmeUserID, time.Now().AddDate(0, -1, 0), 12)

	r, _ := app.FindRecordById("certificates", cert.Id)
	r.Set("status", "revoked")
	r.Set("revocation_reason", "   ")
	if err := app.Save(r); certFieldCode(err, "revocation_reason") != "validation_certificate_reason_required" {
		t.Fatalf("revoking without a reason: %v", err)
	}
	r.Set("revocation_reason", strings.Repeat("x", hooks.MaxRevocationReason+1))
	if err := app.Save(r); certFieldCode(err, "revocation_reason") != "validation_certificate_reason_too_long" {
		t.Fatalf("revoking with a long reason: %v", err)
	}
	if got, _ := app.FindRecordById("certificates", cert.Id); got.GetString("status") != "valid" {
		t.Fatalf("refused revocation changed the status to %q", got.GetString("status"))
	}

	r, _ = app.FindRecordById("certificates", cert.Id)
	before := time.Now().UTC().Add(-time.Second)
	r.Set("status", "revoked")
	r.Set("revocation_reason", "  Shared the exam answers.  ")
	r.Set("revoked_by", testapp.GlobexUserID) // ignored: the hook names the actor
	activity.SetActor(r, testapp.ManagerAnaID)
	if err := app.Save(r); err != nil {
		t.Fatalf("revoking: %v", err)
	}
	got, _ := app.FindRecordById("certificates", cert.Id)
	if got.GetString("revocation_reason") != "Shared the exam answers." || got.GetString("revoked_by") != testapp.ManagerAnaID ||
		got.GetDateTime("revoked").Time().Before(before) {
		t.Errorf("revocation stamped reason %q by %q at %v", got.GetString("revocation_reason"),
			got.GetString("revoked_by"), got.GetDateTime("revoked"))
	}
	if n := certCountRows(t, app, "activity", dbx.HashExp{"kind": activity.KindCertificateRevoked, "target_id": cert.Id,
		"user": testapp.AcmeUserID, "partner": testapp.PartnerAcme}); n != 1 {
		t.Errorf("%d revocation events for the holder, want 1", n)
	}
	notes, err := app.FindAllRecords("notifications", dbx.HashExp{"kind": hooks.KindCertificateRevoked})
	if err != nil {
		t.Fatal(err)
	}
	if len(notes) != 1 || notes[0].GetString("user") != testapp.AcmeUserID ||
		notes[0].GetString("link") != "/certificates/"+cert.Id || !strings.Contains(notes[0].GetString("title"), "Sales Specialist") {
		t.Errorf("revocation notifications: %d, want one to the holder naming the certification", len(notes))
	}

	for _, to := range []string{"revoked", "valid", "expired"} {
		again, _ := app.FindRecordById("certificates", cert.Id)
		again.Set("status", to)
		again.Set("revocation_reason", "Again")
		if err := app.Save(again); err == nil {
			t.Errorf("a revoked certificate changed to %s", to)
		}
	}
}

// TestCertificateRevocationRollsBack: when the event cannot be written the
// revocation is not saved either (one transaction).
func TestCertificateRevocationRollsBack(t *testing.T) {
	app := certApp(t)
	cert := certIssue(t, app, testapp.AcmeUserID, time.Now().AddDate(0, -1, 0), 12)
	app.OnRecordCreate("activity").BindFunc(func(e *core.RecordEvent) error {
		return errors.New("activity log unavailable")
	})
	r, _ := app.FindRecordById("certificates", cert.Id)
	r.Set("status", "revoked")
	r.Set("revocation_reason", "Fraud")
	if err := app.Save(r); err == nil {
		t.Fatal("revocation saved although its event failed")
	}
	got, _ := app.FindRecordById("certificates", cert.Id)
	if got.GetString("status") != "valid" || got.GetString("revocation_reason") != "" {
		t.Errorf("half-written revocation: status %q reason %q", got.GetString("status"), got.GetString("revocation_reason"))
	}
	if n := certCountRows(t, app, "notifications", dbx.HashExp{"kind": hooks.KindCertificateRevoked}); n != 0 {
		t.Errorf("%d notifications of a rolled-back revocation", n)
	}
}

// TestCertificateExpiryBoundaries: issued on 31 January with 1 month, the
// last valid day is 28 February (2027); the job leaves it valid on its issue
// day and through 28 February 23:59:59, and marks it expired at 1 March
// 00:00 UTC, once.
func TestCertificateExpiryBoundaries(t *testing.T) {
	app := certApp(t)
	issued := time.Date(2027, 1, 31, 22, 30, 0, 0, time.UTC)
	cert := certIssue(t, app, testapp.AcmeUserID, issued, 1)
	if got := cert.GetDateTime("expires").Time(); !got.Equal(time.Date(2027, 2, 28, 0, 0, 0, 0, time.UTC)) {
		t.Fatalf("expires %v, want 2027-02-28", got)
	}
	status := func() string {
		r, _ := app.FindRecordById("certificates", cert.Id)
		return r.GetString("status")
	}
	for _, at := range []time.Time{issued, time.Date(2027, 1, 31, 23, 59, 59, 0, time.UTC),
		time.Date(2027, 2, 28, 23, 59, 59, 0, time.UTC)} {
		if _, err := hooks.RunCertificateExpiry(app, at); err != nil {
			t.Fatal(err)
		}
		if s := status(); s != "valid" {
			t.Fatalf("at %v: status %s, want valid", at, s)
		}
	}
	// The certificate cannot be marked expired before its time, by anyone.
	r, _ := app.FindRecordById("certificates", cert.Id)
	r.Set("status", "expired")
	if err := app.Save(r); certFieldCode(err, "status") != "validation_certificate_status" {
		t.Errorf("early expiry: %v", err)
	}
	midnight := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	for i := 0; i < 2; i++ {
		res, err := hooks.RunCertificateExpiry(app, midnight.Add(time.Duration(i)*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if want := 1 - i; res.Expired != want {
			t.Errorf("run %d expired %d, want %d", i+1, res.Expired, want)
		}
	}
	if s := status(); s != "expired" {
		t.Fatalf("after midnight: status %s, want expired", s)
	}
	if n := certCountRows(t, app, "activity", dbx.HashExp{"kind": activity.KindCertificateExpired, "target_id": cert.Id,
		"user": testapp.AcmeUserID, "partner": testapp.PartnerAcme}); n != 1 {
		t.Errorf("%d expiry events, want 1", n)
	}
}

// TestCertificateNeverExpires: validity 0 has no expiry date; the job leaves
// it alone decades later and never reminds.
func TestCertificateNeverExpires(t *testing.T) {
	app := certApp(t)
	cert := certIssue(t, app, testapp.AcmeUserID, time.Now(), 0)
	res, err := hooks.RunCertificateExpiry(app, time.Now().AddDate(50, 0, 0))
	if err != nil || res.Expired != 0 || res.Reminded != 0 {
		t.Fatalf("job on a lifelong certificate: %+v, %v", res, err)
	}
	if r, _ := app.FindRecordById("certificates", cert.Id); r.GetString("status") != "valid" {
		t.Errorf("status %s, want valid", r.GetString("status"))
	}
}

// TestCertificateReminders: the 30-day reminder goes out exactly when the
// last valid day is 30 days away (not 31), the 7-day one at 7 (not 8), each
// once however often the job runs, to the holder and the partner's admin
// in their own languages; revoked certificates are not reminded.
func TestCertificateReminders(t *testing.T) {
	app := certApp(t)
	issued := time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
	cert := certIssue(t, app, testapp.AcmeUserID, issued, 12) // last valid day 2028-01-10
	revoked := certIssue(t, app, testapp.GlobexUserID, issued, 12)
	r, _ := app.FindRecordById("certificates", revoked.Id)
	r.Set("status", "revoked")
	r.Set("revocation_reason", "Left the company")
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	last := time.Date(2028, 1, 10, 0, 0, 0, 0, time.UTC)
	reminders := func() []*core.Record {
		recs, err := app.FindAllRecords("notifications", dbx.HashExp{"kind": hooks.KindCertificateExpiring})
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	run := func(at time.Time, wantReminded int) {
		t.Helper()
		res, err := hooks.RunCertificateExpiry(app, at)
		if err != nil {
			t.Fatal(err)
		}
		if res.Reminded != wantReminded {
			t.Errorf("at %v: reminded %d, want %d", at, res.Reminded, wantReminded)
		}
	}
	run(last.AddDate(0, 0, -31).Add(23*time.Hour+59*time.Minute), 0)
	if n := len(reminders()); n != 0 {
		t.Fatalf("%d reminders 31 days before", n)
	}
	run(last.AddDate(0, 0, -30), 1)
	run(last.AddDate(0, 0, -30).Add(time.Hour), 0)
	run(last.AddDate(0, 0, -20), 0)
	got := reminders()
	users := map[string]string{}
	for _, n := range got {
		users[n.GetString("user")] = n.GetString("title")
	}
	if len(got) != 2 || users[testapp.AcmeUserID] == "" || users[testapp.AcmeAdminID] == "" {
		t.Fatalf("30-day reminders went to %v, want Diego and Carla once each", users)
	}
	// Both are pt-BR users.
	if title := users[testapp.AcmeUserID]; !strings.Contains(title, "Sales Specialist") || !strings.Contains(title, "2028-01-10") {
		t.Errorf("reminder title %q lacks the certification or the date", title)
	}
	if c, _ := app.FindRecordById("certificates", cert.Id); c.GetString("reminded_30") == "" || c.GetString("reminded_7") != "" {
		t.Errorf("after 30 days: reminded_30 %q reminded_7 %q", c.GetString("reminded_30"), c.GetString("reminded_7"))
	}
	run(last.AddDate(0, 0, -8).Add(23*time.Hour), 0)
	run(last.AddDate(0, 0, -7), 1)
	run(last.AddDate(0, 0, -7).Add(12*time.Hour), 0)
	run(last, 0)
	if n := len(reminders()); n != 4 {
		t.Errorf("%d reminders in all, want 4 (two each for holder and admin)", n)
	}
	for _, n := range reminders() {
		if n.GetString("link") != "/certificates/"+cert.Id {
			t.Errorf("reminder for another certificate: %s", n.GetString("link"))
		}
	}
}

// TestCertificateReminderLate: a certificate first seen 5 days before its
// end (the job was down) gets one reminder, recorded as both.
func TestCertificateReminderLate(t *testing.T) {
	app := certApp(t)
	cert := certIssue(t, app, testapp.GlobexUserID, time.Date(2027, 6, 15, 0, 0, 0, 0, time.UTC), 6)
	res, err := hooks.RunCertificateExpiry(app, time.Date(2027, 12, 10, 8, 0, 0, 0, time.UTC))
	if err != nil || res.Reminded != 1 {
		t.Fatalf("late run: %+v, %v", res, err)
	}
	c, _ := app.FindRecordById("certificates", cert.Id)
	if c.GetString("reminded_30") == "" || c.GetString("reminded_7") == "" {
		t.Errorf("late reminder recorded as 30 %q and 7 %q", c.GetString("reminded_30"), c.GetString("reminded_7"))
	}
	if n := certCountRows(t, app, "notifications", dbx.HashExp{"kind": hooks.KindCertificateExpiring}); n != 2 {
		t.Errorf("%d notifications, want 2 (Fabio and Elena)", n)
	}
}

// TestCertificateExpiryJobRegistered: the hourly job is bound.
func TestCertificateExpiryJobRegistered(t *testing.T) {
	app := testapp.New(t)
	for _, j := range app.Cron().Jobs() {
		if j.Id() == hooks.CertificateExpiryJob {
			if j.Expression() != "23 * * * *" {
				t.Errorf("schedule %q, want hourly", j.Expression())
			}
			return
		}
	}
	t.Fatalf("job %s not registered", hooks.CertificateExpiryJob)
}

// TestCertificateCountsAgree: the certificate_counts rollup follows every
// change (issue, revocation, expiry by the job, the holder's deletion) in
// the change's transaction, and agrees with a rebuild from the
// certificates.
func TestCertificateCountsAgree(t *testing.T) {
	app := certApp(t)
	type key struct{ cert, partner string }
	read := func() map[key][3]int {
		t.Helper()
		var rows []struct {
			C string `db:"certification"`
			P string `db:"partner"`
			V int    `db:"valid"`
			E int    `db:"expired"`
			R int    `db:"revoked"`
		}
		if err := app.DB().NewQuery("SELECT certification, partner, valid, expired, revoked FROM certificate_counts").All(&rows); err != nil {
			t.Fatal(err)
		}
		out := map[key][3]int{}
		for _, r := range rows {
			if r.V+r.E+r.R > 0 {
				out[key{r.C, r.P}] = [3]int{r.V, r.E, r.R}
			}
		}
		return out
	}
	old := time.Date(2025, 1, 10, 9, 0, 0, 0, time.UTC)
	certIssue(t, app, testapp.AcmeUserID, time.Now().AddDate(0, -1, 0), 12)
	expiring := certIssue(t, app, testapp.AcmeAdminID, old, 12)
	revoked := certIssue(t, app, testapp.GlobexUserID, time.Now(), 12)
	certIssue(t, app, testapp.GlobexAdminID, time.Now(), 0)
	certIssue(t, app, testapp.ManagerAnaID, time.Now(), 12) // staff: no partner
	r, _ := app.FindRecordById("certificates", revoked.Id)
	r.Set("status", "revoked")
	r.Set("revocation_reason", "Test")
	if err := app.Save(r); err != nil {
		t.Fatal(err)
	}
	if _, err := hooks.RunCertificateExpiry(app, time.Now()); err != nil {
		t.Fatal(err)
	}
	if e, _ := app.FindRecordById("certificates", expiring.Id); e.GetString("status") != "expired" {
		t.Fatalf("status %s, want expired", e.GetString("status"))
	}
	want := map[key][3]int{
		{testapp.CertSales, testapp.PartnerAcme}:   {1, 1, 0},
		{testapp.CertSales, testapp.PartnerGlobex}: {1, 0, 1},
		{testapp.CertSales, ""}:                    {1, 0, 0},
	}
	got := read()
	if len(got) != len(want) {
		t.Fatalf("counts %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%v: %v, want %v", k, got[k], v)
		}
	}
	// Deleting a holder deletes their certificate and its count.
	fabio, _ := app.FindRecordById("users", testapp.GlobexUserID)
	if err := app.Delete(fabio); err != nil {
		t.Fatal(err)
	}
	if got := read()[key{testapp.CertSales, testapp.PartnerGlobex}]; got != [3]int{1, 0, 0} {
		t.Errorf("after deleting Fabio: %v, want [1 0 0]", got)
	}
	before := read()
	if err := hooks.RebuildCertificateCounts(app); err != nil {
		t.Fatal(err)
	}
	after := read()
	if len(before) != len(after) {
		t.Fatalf("rebuild %v, kept %v", after, before)
	}
	for k, v := range after {
		if before[k] != v {
			t.Errorf("%v: kept %v, rebuilt %v", k, before[k], v)
		}
	}
}
