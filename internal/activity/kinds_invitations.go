package activity

// Invitation events.
const (
	KindInvitationSent     = "invitation.sent"
	KindInvitationAccepted = "invitation.accepted"
	KindInvitationRevoked  = "invitation.revoked"
)
