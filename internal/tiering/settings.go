package tiering

import (
	"time"

	"github.com/pocketbase/pocketbase/core"
)

// Settings are the evaluation's settings, fields of the one settings record.
type Settings struct {
	GraceCycles   int  // evaluations below its tier before a demotion is proposed
	AutoApply     bool // apply recommendations without an admin
	LastEvaluated time.Time
}

// LoadSettings reads the settings record (defaults when there is none).
func LoadSettings(app core.App) (Settings, error) {
	recs, err := app.FindRecordsByFilter("settings", "", "", 1, 0)
	if err != nil {
		return Settings{}, err
	}
	if len(recs) == 0 {
		return Settings{GraceCycles: 1}, nil
	}
	r := recs[0]
	return Settings{GraceCycles: r.GetInt("tier_grace_cycles"), AutoApply: r.GetBool("tier_auto_apply"),
		LastEvaluated: r.GetDateTime("tier_last_evaluated").Time()}, nil
}
