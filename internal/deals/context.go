package deals

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Custom (unsaved) data keys a deal carries into its hooks, which see the
// record but not the request.
const (
	eventTimeKey = "@ponte.deal_at"
	commentKey   = "@ponte.deal_comment"
	jobKey       = "@ponte.deal_job"
	superuserKey = "@ponte.deal_superuser"
)

// SetEventTime dates the change being saved at t instead of now: the
// deal_events row, the activity event, decided, closed and the protection
// window all take t. Such a change is history (the demo, imports) and
// notifies nobody. A deal created with `submitted` already set is history in
// the same way.
func SetEventTime(rec *core.Record, t time.Time) { rec.Set(eventTimeKey, t.UTC()) }

// EventTime returns the time set by SetEventTime, or the zero time.
func EventTime(rec *core.Record) time.Time {
	if t, ok := rec.Get(eventTimeKey).(time.Time); ok {
		return t
	}
	return time.Time{}
}

// SetComment attaches a comment to the deal_events row of the change being
// saved (a rejection's reason is used when no comment is given).
func SetComment(rec *core.Record, comment string) { rec.Set(commentKey, comment) }

// Comment returns the comment set by SetComment.
func Comment(rec *core.Record) string { return rec.GetString(commentKey) }

// MarkJob marks a save as made by the protection expiry job, the only
// party that may expire a registration.
func MarkJob(rec *core.Record) { rec.Set(jobKey, true) }

// IsJob reports whether MarkJob was called on rec.
func IsJob(rec *core.Record) bool { return rec.GetBool(jobKey) }

// MarkSuperuser marks a save made by a superuser through the REST API, who
// may do what an approver may.
func MarkSuperuser(rec *core.Record) { rec.Set(superuserKey, true) }

// IsSuperuser reports whether MarkSuperuser was called on rec.
func IsSuperuser(rec *core.Record) bool { return rec.GetBool(superuserKey) }
