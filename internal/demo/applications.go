package demo

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// applicationsSummary counts what seedApplications created.
type applicationsSummary struct{}

// line is the summary's line in the demo report ("" prints nothing).
func (s applicationsSummary) line() string { return "" }

// seedApplications loads the demo's applications data.
func seedApplications(tx core.App, now time.Time) (applicationsSummary, error) {
	return applicationsSummary{}, nil
}
