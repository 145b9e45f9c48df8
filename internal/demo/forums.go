package demo

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// forumsSummary counts what seedForums created.
type forumsSummary struct {
	count int
}

// seedForums adds the demo forums.
func seedForums(tx core.App, now time.Time) (forumsSummary, error) {
	return forumsSummary{}, nil
}
