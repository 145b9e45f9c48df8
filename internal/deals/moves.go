package deals

import "slices"

// Deal stages, in pipeline order; won and lost are the closed stages.
const (
	StageRegistered  = "registered"
	StageQualified   = "qualified"
	StageProposal    = "proposal"
	StageNegotiation = "negotiation"
	StageWon         = "won"
	StageLost        = "lost"
)

// Registration statuses.
const (
	StatusPending  = "pending"
	StatusApproved = "approved"
	StatusRejected = "rejected"
	StatusExpired  = "expired"
)

// Stages lists every stage in pipeline order.
var Stages = []string{StageRegistered, StageQualified, StageProposal, StageNegotiation, StageWon, StageLost}

// OpenStages lists the stages of a deal still being worked.
var OpenStages = []string{StageRegistered, StageQualified, StageProposal, StageNegotiation}

// Statuses lists every registration status.
var Statuses = []string{StatusPending, StatusApproved, StatusRejected, StatusExpired}

// IsOpen reports whether stage is an open (not won, not lost) stage.
func IsOpen(stage string) bool { return slices.Contains(OpenStages, stage) }

// Actor is the kind of party changing a deal, which decides the moves it
// may make.
type Actor int

const (
	// ActorSystem is Go code saving without a named user (the fixture, the
	// demo, imports): every move a person could make is allowed.
	ActorSystem Actor = iota
	// ActorJob is the protection expiry job: the only one that expires.
	ActorJob
	// ActorApprover is an admin, the deal partner's channel manager or a
	// superuser calling the API.
	ActorApprover
	// ActorPartner is one of the deal partner's own people.
	ActorPartner
	// ActorOther is anyone else (a manager of other partners, another
	// partner's user): the rules hide the deal from them, so the hook
	// refuses every move as a second line.
	ActorOther
)

// Error codes of refused moves; each is a "validation.<code>" key in the
// catalogues.
const (
	CodeStageFinal     = "deal_stage_final"
	CodeStageReopen    = "deal_stage_reopen"
	CodeStageUnknown   = "deal_stage_unknown"
	CodeStatusMove     = "deal_status_move"
	CodeStatusRights   = "deal_status_rights"
	CodeOwnApproval    = "deal_own_approval"
	CodeReasonRequired = "deal_reason_required"
)

// StageMove says whether a may move a deal from stage from to stage to, and
// the error code when not. Open stages move freely forward and back, any
// open stage may close as won or lost; won is final for everyone, lost may
// be reopened (to an open stage) by an approver only.
func StageMove(from, to string, a Actor) string {
	switch {
	case !slices.Contains(Stages, to):
		return CodeStageUnknown
	case from == to:
		return ""
	case a == ActorOther:
		return CodeStatusRights
	case from == StageWon:
		return CodeStageFinal
	case from == StageLost:
		if to == StageWon || (a != ActorApprover && a != ActorSystem) {
			return CodeStageReopen
		}
		return ""
	}
	return ""
}

// StatusMove says whether a may move a registration from status from to
// status to: pending → approved or rejected by approvers, approved →
// expired by the expiry job, rejected or expired → pending when the
// partner resubmits. Everything else is refused.
func StatusMove(from, to string, a Actor) string {
	if from == to {
		return ""
	}
	if a == ActorOther {
		return CodeStatusRights
	}
	if from == "" {
		from = StatusPending
	}
	switch {
	case from == StatusPending && (to == StatusApproved || to == StatusRejected):
		if a == ActorPartner {
			return CodeOwnApproval
		}
		if a == ActorJob {
			return CodeStatusRights
		}
	case from == StatusApproved && to == StatusExpired:
		if a != ActorJob && a != ActorSystem {
			return CodeStatusRights
		}
	case (from == StatusRejected || from == StatusExpired) && to == StatusPending:
		if a != ActorPartner && a != ActorSystem {
			return CodeStatusRights
		}
	default:
		return CodeStatusMove
	}
	return ""
}
