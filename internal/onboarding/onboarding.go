// Package onboarding keeps partners' onboarding checklists: the step kinds,
// creating a partner's checklist from the active step templates, judging a
// step against the partner's real data, ticking it, and moving the partner
// from onboarding to active when every required step is done.
//
// Everything here runs on the app it is given, so hooks pass their
// transaction's app and a tick lands in the same transaction as the work
// that earned it.
package onboarding

import (
	"database/sql"
	"errors"
	"strconv"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/notify"
)

// Step kinds.
const (
	KindProfile   = "profile"
	KindAgreement = "agreement"
	KindInvite    = "invite_colleagues"
	KindCourse    = "course"
	KindFirstDeal = "first_deal"
	KindManual    = "manual"
)

// Kinds lists the step kinds in the editor's order.
var Kinds = []string{KindProfile, KindAgreement, KindInvite, KindCourse, KindFirstDeal, KindManual}

// Checklist statuses (partner_onboarding.status).
const (
	StatusOnboarding = "onboarding"
	StatusCompleted  = "completed"
	// StatusLeft marks a checklist whose partner staff moved out of
	// onboarding by hand before it was completed.
	StatusLeft = "left"
)

// Collection names.
const (
	Steps     = "onboarding_steps"
	Progress  = "onboarding_progress"
	Checklist = "partner_onboarding"
)

// ChecklistOf returns the partner's partner_onboarding row, or nil when the
// partner never entered onboarding.
func ChecklistOf(app core.App, partnerID string) (*core.Record, error) {
	if partnerID == "" {
		return nil, nil
	}
	r, err := app.FindFirstRecordByFilter(Checklist, "partner = {:p}", dbx.Params{"p": partnerID})
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return r, err
}

// Start gives partner a checklist, or re-opens the one it had: the
// partner_onboarding row (started at at) and one progress row per active
// step template, then judges every step at once, so a partner that already
// did some of the work starts with those steps ticked. It is idempotent.
func Start(app core.App, partner *core.Record, at time.Time) error {
	row, err := ChecklistOf(app, partner.Id)
	if err != nil {
		return err
	}
	if row == nil {
		c, err := app.FindCachedCollectionByNameOrId(Checklist)
		if err != nil {
			return err
		}
		row = core.NewRecord(c)
		row.Set("partner", partner.Id)
		row.Set("started", at)
	}
	if row.IsNew() || row.GetString("status") != StatusOnboarding {
		row.Set("status", StatusOnboarding)
		row.Set("completed", "")
		if err := app.Save(row); err != nil {
			return err
		}
	}
	steps, err := app.FindRecordsByFilter(Steps, "active = true", "sort", 0, 0)
	if err != nil {
		return err
	}
	for _, s := range steps {
		if err := ensureRow(app, partner.Id, s); err != nil {
			return err
		}
	}
	if err := Evaluate(app, partner.Id, Kinds...); err != nil {
		return err
	}
	return Refresh(app, partner.Id, at)
}

// ensureRow creates the partner's progress row for step unless it exists.
func ensureRow(app core.App, partnerID string, step *core.Record) error {
	n, err := app.CountRecords(Progress, dbx.HashExp{"partner": partnerID, "step": step.Id})
	if err != nil || n > 0 {
		return err
	}
	c, err := app.FindCachedCollectionByNameOrId(Progress)
	if err != nil {
		return err
	}
	r := core.NewRecord(c)
	r.Set("partner", partnerID)
	r.Set("step", step.Id)
	r.Set("done", false)
	return app.Save(r)
}

// AddStep puts a new (or re-activated) step template on the checklist of
// every partner still onboarding and judges it for each. Partners who
// completed or left onboarding are not touched.
func AddStep(app core.App, step *core.Record, at time.Time) error {
	rows, err := app.FindRecordsByFilter(Checklist, "status = {:s}", "", 0, 0, dbx.Params{"s": StatusOnboarding})
	if err != nil {
		return err
	}
	for _, row := range rows {
		pid := row.GetString("partner")
		if step.GetBool("active") {
			if err := ensureRow(app, pid, step); err != nil {
				return err
			}
			if err := Evaluate(app, pid, step.GetString("kind")); err != nil {
				return err
			}
		}
		if err := Refresh(app, pid, at); err != nil {
			return err
		}
	}
	return nil
}

// Evaluate judges the partner's open steps of the given kinds against its
// real data and ticks those whose evidence exists. Only a checklist still
// onboarding is judged. Ticking saves the progress row, whose hook stamps
// the tick, records the event and refreshes the checklist.
func Evaluate(app core.App, partnerID string, kinds ...string) error {
	row, err := ChecklistOf(app, partnerID)
	if err != nil || row == nil || row.GetString("status") != StatusOnboarding {
		return err
	}
	partner, err := app.FindRecordById("partners", partnerID)
	if err != nil {
		return err
	}
	open, err := openSteps(app, partnerID, kinds)
	if err != nil {
		return err
	}
	for _, o := range open {
		ok, evidence, err := Judge(app, partner, o.step)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		o.progress.Set("done", true)
		o.progress.Set("evidence", clip(evidence, 500))
		if err := app.Save(o.progress); err != nil {
			return err
		}
	}
	return nil
}

// openStep is one unticked progress row with its active template.
type openStep struct {
	progress, step *core.Record
}

// openSteps loads the partner's unticked rows of active templates of the
// given kinds (manual steps never tick themselves).
func openSteps(app core.App, partnerID string, kinds []string) ([]openStep, error) {
	ks := make([]any, 0, len(kinds))
	for _, k := range kinds {
		if k != KindManual {
			ks = append(ks, k)
		}
	}
	if len(ks) == 0 {
		return nil, nil
	}
	var steps []*core.Record
	if err := app.RecordQuery(Steps).AndWhere(dbx.HashExp{"active": true}).AndWhere(dbx.In("kind", ks...)).
		OrderBy("sort ASC").All(&steps); err != nil {
		return nil, err
	}
	if len(steps) == 0 {
		return nil, nil
	}
	ids := make([]any, len(steps))
	byID := make(map[string]*core.Record, len(steps))
	for i, s := range steps {
		ids[i] = s.Id
		byID[s.Id] = s
	}
	var rows []*core.Record
	if err := app.RecordQuery(Progress).AndWhere(dbx.HashExp{"partner": partnerID, "done": false}).
		AndWhere(dbx.In("step", ids...)).All(&rows); err != nil {
		return nil, err
	}
	out := make([]openStep, 0, len(rows))
	for _, r := range rows {
		out = append(out, openStep{progress: r, step: byID[r.GetString("step")]})
	}
	return out, nil
}

// Judge says whether partner has done step, with the evidence as data for
// the page to phrase in its language (who acknowledged or completed, how
// many people, which customer; nothing for the profile). What counts for
// each kind:
//   - profile: the partner record has a website and a logo (country and
//     region are always set: the schema and the partners hook see to that);
//   - agreement: a user of the partner acknowledged the step's document
//     (any version);
//   - invite_colleagues N: the partner has at least N+1 active users (the
//     first admin and N colleagues; accepted invitations create users);
//   - course: a user of the partner completed the step's course;
//   - first_deal: the partner registered a deal, whatever became of it;
//   - manual: never by itself.
func Judge(app core.App, partner, step *core.Record) (bool, string, error) {
	pid := partner.Id
	switch step.GetString("kind") {
	case KindProfile:
		if partner.GetString("website") != "" && partner.GetString("logo") != "" &&
			partner.GetString("country") != "" && partner.GetString("region") != "" {
			return true, "", nil
		}
	case KindAgreement:
		doc := step.GetString("document")
		if doc == "" {
			return false, "", nil
		}
		return first(app, "document_acknowledgements", dbx.HashExp{"document": doc, "partner": pid}, func(r *core.Record) string {
			return userName(app, r.GetString("user"))
		})
	case KindInvite:
		n, err := app.CountRecords("users", dbx.HashExp{"partner": pid, "deactivated": false})
		if err != nil {
			return false, "", err
		}
		if n >= int64(step.GetInt("count")+1) {
			return true, strconv.FormatInt(n, 10), nil
		}
	case KindCourse:
		course := step.GetString("course")
		if course == "" {
			return false, "", nil
		}
		return first(app, "enrollments", dbx.HashExp{"partner": pid, "course": course, "status": "completed"}, func(r *core.Record) string {
			return userName(app, r.GetString("user"))
		})
	case KindFirstDeal:
		return first(app, "deals", dbx.HashExp{"partner": pid}, func(r *core.Record) string {
			return r.GetString("customer_name")
		})
	}
	return false, "", nil
}

// first reports whether collection has a row matching where, and describes
// it with note.
func first(app core.App, collection string, where dbx.HashExp, note func(*core.Record) string) (bool, string, error) {
	var rows []*core.Record
	if err := app.RecordQuery(collection).AndWhere(where).Limit(1).All(&rows); err != nil {
		return false, "", err
	}
	if len(rows) == 0 {
		return false, "", nil
	}
	return true, note(rows[0]), nil
}

// userName names a user for an evidence note ("" when gone).
func userName(app core.App, id string) string {
	u, err := app.FindRecordById("users", id)
	if err != nil {
		return ""
	}
	if n := u.GetString("name"); n != "" {
		return n
	}
	return u.GetString("email")
}

// clip shortens s to at most n runes.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n])
}

// Counts returns the partner's required active steps done and in all.
func Counts(app core.App, partnerID string) (done, total int, err error) {
	var out struct {
		Done  sql.NullInt64 `db:"d"`
		Total int           `db:"t"`
	}
	err = app.DB().Select("SUM(p.done) AS d", "COUNT(*) AS t").
		From(Progress+" p").InnerJoin(Steps+" s", dbx.NewExp("s.id = p.step")).
		Where(dbx.HashExp{"p.partner": partnerID, "s.active": true, "s.required": true}).One(&out)
	return int(out.Done.Int64), out.Total, err
}

// Refresh stores the partner's done and total required steps on its
// checklist and, when every required step is done (and there is at least
// one), completes it: the checklist is stamped completed at at, the partner
// moves from onboarding to active (joined set to at's day if empty) and an
// onboarding.completed event is recorded. A checklist completes once: a
// later untick or a new step does not re-open it.
func Refresh(app core.App, partnerID string, at time.Time) error {
	row, err := ChecklistOf(app, partnerID)
	if err != nil || row == nil {
		return err
	}
	done, total, err := Counts(app, partnerID)
	if err != nil {
		return err
	}
	changed := row.GetInt("done") != done || row.GetInt("total") != total
	row.Set("done", done)
	row.Set("total", total)
	complete := row.GetString("status") == StatusOnboarding && total > 0 && done >= total
	if complete {
		row.Set("status", StatusCompleted)
		row.Set("completed", at)
	}
	if changed || complete {
		if err := app.Save(row); err != nil {
			return err
		}
	}
	if !complete {
		return nil
	}
	partner, err := app.FindRecordById("partners", partnerID)
	if err != nil {
		return err
	}
	if partner.GetString("status") == StatusOnboarding {
		partner.Set("status", "active")
		if partner.GetDateTime("joined").IsZero() {
			y, m, d := at.UTC().Date()
			partner.Set("joined", time.Date(y, m, d, 0, 0, 0, 0, time.UTC))
		}
		if err := app.Save(partner); err != nil {
			return err
		}
	}
	if err := activity.RecordFor(app, nil, partnerID, activity.KindOnboardingCompleted, partner); err != nil {
		return err
	}
	// The channel manager and the partner's admins hear of it.
	var admins []string
	if err := app.DB().Select("id").From("users").Where(dbx.HashExp{"partner": partnerID, "role": "partner_admin"}).
		Column(&admins); err != nil {
		return err
	}
	return notify.Send(app, notify.KindOnboardingCompleted, "/onboarding/"+partner.GetString("slug"), "",
		[]any{partner.GetString("name")}, append(admins, partner.GetString("manager"))...)
}

// Left marks the checklist of a partner that staff moved out of onboarding
// by hand before it completed.
func Left(app core.App, partnerID string) error {
	row, err := ChecklistOf(app, partnerID)
	if err != nil || row == nil || row.GetString("status") != StatusOnboarding {
		return err
	}
	row.Set("status", StatusLeft)
	return app.Save(row)
}

// Invited stamps the partner's checklist with the time of its earliest
// invitation (invitations written as history may arrive out of order),
// from which staff count the time onboarding took.
func Invited(app core.App, partnerID string, at time.Time) error {
	row, err := ChecklistOf(app, partnerID)
	if err != nil || row == nil {
		return err
	}
	if t := row.GetDateTime("invited"); !t.IsZero() && !at.Before(t.Time()) {
		return nil
	}
	row.Set("invited", at)
	return app.Save(row)
}

// StartedAt is when the partner's onboarding began: its first invitation,
// else the checklist's creation.
func StartedAt(row *core.Record) time.Time {
	if t := row.GetDateTime("invited"); !t.IsZero() {
		return t.Time()
	}
	return row.GetDateTime("started").Time()
}

// Days is how many whole days onboarding took (or has taken by now).
func Days(row *core.Record, now time.Time) int {
	end := now
	if c := row.GetDateTime("completed"); !c.IsZero() {
		end = c.Time()
	}
	d := end.Sub(StartedAt(row))
	if d < 0 {
		return 0
	}
	return int(d.Hours() / 24)
}
