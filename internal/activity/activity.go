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

	KindDocumentCreated      = "document.created"
	KindDocumentUpdated      = "document.updated"
	KindDocumentDeleted      = "document.deleted"
	KindDocumentVersionAdded = "document.version_added"
	// KindDocumentRevised marks a new version of a published document: the
	// event notifications turn into "Price list Q3 was updated".
	KindDocumentRevised      = "document.revised"
	KindDocumentRestored     = "document.version_restored"
	KindDocumentDownloaded   = "document.downloaded"
	KindDocumentAcknowledged = "document.acknowledged"

	KindAnnouncementPublished    = "announcement.published"
	KindAnnouncementRead         = "announcement.read"
	KindAnnouncementAcknowledged = "announcement.acknowledged"
	KindForumThreadCreated       = "forum.thread_created"
	KindForumPostCreated         = "forum.post_created"
	KindForumPostReported        = "forum.post_reported"
	KindConversationStarted      = "conversation.started"
	KindMessageSent              = "conversation.message"

	KindCourseEnrolled       = "training.enrolled"
	KindLessonCompleted      = "training.lesson_completed"
	KindQuizStarted          = "training.quiz_started"
	KindQuizSubmitted        = "training.quiz_submitted"
	KindQuizPassed           = "training.quiz_passed"
	KindCourseCompleted      = "training.course_completed"
	KindCertificateIssued    = "training.certificate_issued"
	KindCertificateRevoked   = "training.certificate_revoked"
	KindCertificateExpired   = "training.certificate_expired"
	KindCourseCreated        = "training.course_created"
	KindCourseUpdated        = "training.course_updated"
	KindCertificationChanged = "training.certification_changed"

	KindDealRegistered = "deal.registered"
	KindDealUpdated    = "deal.updated"
	KindDealApproved   = "deal.approved"
	KindDealRejected   = "deal.rejected"
	KindDealWon        = "deal.won"
	KindDealLost       = "deal.lost"
	KindDealExpired    = "deal.expired"

	// Satisfaction: one answer to a survey's 0–10 recommendation question,
	// by NPS band (9–10 promoter, 7–8 passive, 0–6 detractor); the KPI
	// rollups count each band, so NPS is computed from the rollups.
	KindSurveyPromoter  = "survey.answered_promoter"
	KindSurveyPassive   = "survey.answered_passive"
	KindSurveyDetractor = "survey.answered_detractor"
)

// actorKey is a record's custom (unsaved) data key naming the user who made
// the change, for model hooks that keep histories: model hooks see the record
// but not the request.
const actorKey = "@ponte.actor"

// SetActor remembers on rec which user is changing it.
func SetActor(rec *core.Record, userID string) { rec.Set(actorKey, userID) }

// Actor returns the user id set by SetActor, or "".
func Actor(rec *core.Record) string { return rec.GetString(actorKey) }

// RecordFor appends one event like Record but attributes it to partnerID
// (which may be "") whoever the user is: a manager approving a deal acts on
// the deal's partner, not their own.
func RecordFor(app core.App, user *core.Record, partnerID, kind string, target *core.Record) error {
	c, err := app.FindCachedCollectionByNameOrId("activity")
	if err != nil {
		return err
	}
	ev := core.NewRecord(c)
	ev.Set("kind", kind)
	if user != nil && user.Collection().Name == "users" {
		ev.Set("user", user.Id)
	}
	ev.Set("partner", partnerID)
	if target != nil {
		ev.Set("target_collection", target.Collection().Name)
		ev.Set("target_id", target.Id)
	}
	return app.Save(ev)
}

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
