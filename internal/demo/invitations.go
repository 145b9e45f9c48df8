package demo

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// invitationsSummary counts what seedInvitations created.
type invitationsSummary struct{}

// line is the summary's line in the demo report ("" prints nothing).
func (s invitationsSummary) line() string { return "" }

// seedInvitations loads the demo's invitations data.
func seedInvitations(tx core.App, now time.Time) (invitationsSummary, error) {
	return invitationsSummary{}, nil
}
