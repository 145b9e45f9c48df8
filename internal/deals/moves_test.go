package deals

import "testing"

// TestStageMoves: open stages move freely, any open stage closes, won is
// final for everyone, lost reopens only for approvers.
func TestStageMoves(t *testing.T) {
	cases := []struct {
		from, to string
		a        Actor
		ok       bool
	}{
		{StageRegistered, StageNegotiation, ActorPartner, true},
		{StageNegotiation, StageQualified, ActorPartner, true},
		{StageProposal, StageWon, ActorPartner, true},
		{StageRegistered, StageLost, ActorPartner, true},
		{StageWon, StageNegotiation, ActorPartner, false},
		{StageWon, StageLost, ActorApprover, false},
		{StageWon, StageRegistered, ActorSystem, false},
		{StageLost, StageProposal, ActorPartner, false},
		{StageLost, StageProposal, ActorApprover, true},
		{StageLost, StageWon, ActorApprover, false},
		{StageRegistered, StageQualified, ActorOther, false},
		{StageRegistered, "closed", ActorApprover, false},
		{StageWon, StageWon, ActorPartner, true},
	}
	for _, c := range cases {
		if got := StageMove(c.from, c.to, c.a) == ""; got != c.ok {
			t.Errorf("%s → %s by %d: allowed %v, want %v", c.from, c.to, c.a, got, c.ok)
		}
	}
}

// TestStatusMoves: approvers decide pending registrations, only the job
// expires, partners resubmit rejected or expired ones, nothing else moves.
func TestStatusMoves(t *testing.T) {
	cases := []struct {
		from, to string
		a        Actor
		code     string
	}{
		{StatusPending, StatusApproved, ActorApprover, ""},
		{StatusPending, StatusRejected, ActorApprover, ""},
		{StatusPending, StatusApproved, ActorPartner, CodeOwnApproval},
		{StatusPending, StatusApproved, ActorJob, CodeStatusRights},
		{StatusPending, StatusApproved, ActorOther, CodeStatusRights},
		{StatusApproved, StatusExpired, ActorJob, ""},
		{StatusApproved, StatusExpired, ActorApprover, CodeStatusRights},
		{StatusApproved, StatusPending, ActorApprover, CodeStatusMove},
		{StatusApproved, StatusRejected, ActorApprover, CodeStatusMove},
		{StatusRejected, StatusPending, ActorPartner, ""},
		{StatusExpired, StatusPending, ActorPartner, ""},
		{StatusRejected, StatusPending, ActorApprover, CodeStatusRights},
		{StatusRejected, StatusApproved, ActorApprover, CodeStatusMove},
		{StatusPending, StatusExpired, ActorJob, CodeStatusMove},
		{"", StatusApproved, ActorApprover, ""},
	}
	for _, c := range cases {
		if got := StatusMove(c.from, c.to, c.a); got != c.code {
			t.Errorf("%s → %s by %d: %q, want %q", c.from, c.to, c.a, got, c.code)
		}
	}
}
