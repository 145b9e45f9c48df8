package demo

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// dealsSummary counts what seedDeals created.
type dealsSummary struct {
	deals, events int
}

// line reports the deal history in one line.
func (s dealsSummary) line() string { return "deals not seeded yet" }

// seedDeals adds a year of deal history. Filled in by the deals work.
func seedDeals(tx core.App, now time.Time) (dealsSummary, error) {
	return dealsSummary{}, nil
}
