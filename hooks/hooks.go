// Package hooks binds Ponte's record and mail hooks: invariants in model hooks
// (they fire for every app.Save, portal and REST alike), side effects in
// After*Success hooks.
package hooks

import "github.com/pocketbase/pocketbase/core"

// Register binds every hook of every area.
func Register(app core.App) {
	bindUserHooks(app)
	bindPartnerHooks(app)
	bindSettingsHooks(app)
	bindMailHooks(app)
	bindDocumentHooks(app)
	bindMarkdownHooks(app)
	bindAnnouncementHooks(app)
	bindForumHooks(app)
	bindConversationHooks(app)
	bindNotificationHooks(app)
	bindTrainingHooks(app)
	bindTrainingContentHooks(app)
	bindCertificateHooks(app)
	bindDealHooks(app)
	bindKPIHooks(app)
	bindInvitationHooks(app)
	bindApplicationHooks(app)
	bindOnboardingHooks(app)
	bindTieringHooks(app)
	bindSurveyHooks(app)
}
