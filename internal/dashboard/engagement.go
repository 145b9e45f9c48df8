package dashboard

import (
	"math"
	"time"

	"github.com/ponte-portal/ponte/internal/kpi"
)

var zeroTime time.Time

// Component is one part of the engagement score: the partner's figure per
// month (certified people: the level at the period's end), the figure that
// earns every point, and the points it is worth.
type Component struct {
	Key            string // i18n suffix "dashboards.engagement.<Key>"
	Target, Points float64
}

// Components is the engagement score's formula: each component earns
// Points × min(1, figure ÷ Target); the score is the rounded sum, 0–100.
// The scorecard page and docs/dashboards.md print this table.
var Components = []Component{
	{"active_users", 5, 25},  // distinct active people, monthly average
	{"logins", 20, 10},       // sign-ins per month
	{"downloads", 10, 15},    // document downloads per month
	{"conversation", 10, 10}, // forum posts and messages per month
	{"courses", 2, 15},       // courses completed per month
	{"certified", 5, 15},     // people holding a valid certificate at the end
	{"deals", 2, 10},         // deals registered per month
}

// Engagement is a partner's score with the figures behind it.
type Engagement struct {
	Score   int
	Figures map[string]float64 // component key → figure
	Earned  map[string]float64 // component key → points earned
}

// score computes the engagement of one partner from its period flows, its
// certified level at the end and its summed monthly active users.
func score(flows map[string]float64, certified, activeSum float64, perMonth float64, months int) Engagement {
	if perMonth <= 0 {
		perMonth = 1
	}
	if months <= 0 {
		months = 1
	}
	f := map[string]float64{
		"active_users": activeSum / float64(months),
		"logins":       flows[kpi.Logins] / perMonth,
		"downloads":    flows[kpi.Downloads] / perMonth,
		"conversation": (flows[kpi.ForumPosts] + flows[kpi.Messages]) / perMonth,
		"courses":      flows[kpi.CoursesCompleted] / perMonth,
		"certified":    certified,
		"deals":        flows[kpi.DealsRegistered] / perMonth,
	}
	e := Engagement{Figures: map[string]float64{}, Earned: map[string]float64{}}
	total := 0.0
	for _, c := range Components {
		v := math.Round(f[c.Key]*100) / 100
		pts := c.Points * math.Min(1, math.Max(0, f[c.Key])/c.Target)
		e.Figures[c.Key] = v
		e.Earned[c.Key] = math.Round(pts*10) / 10
		total += pts
	}
	e.Score = int(math.Round(total))
	return e
}
