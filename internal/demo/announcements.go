package demo

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// announcementsSummary counts what seedAnnouncements created.
type announcementsSummary struct {
	count int
}

// seedAnnouncements adds the demo announcements.
func seedAnnouncements(tx core.App, now time.Time) (announcementsSummary, error) {
	return announcementsSummary{}, nil
}
