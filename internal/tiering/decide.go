package tiering

import "time"

// Recommendations and review statuses, as stored in tier_reviews.
const (
	Promote = "promote"
	Demote  = "demote"
	Keep    = "keep"

	StatusNone      = "none"      // nothing to decide (keep)
	StatusProposed  = "proposed"  // a promotion or demotion awaits an admin
	StatusApplied   = "applied"   // the change was made
	StatusDismissed = "dismissed" // an admin declined this very proposal
)

// Previous is what the last evaluation left on the partner's review.
type Previous struct {
	CurrentTier    string
	TargetTier     string
	Recommendation string
	Status         string
	CyclesBelow    int
	BelowSince     time.Time
	EvaluatedAt    time.Time
}

// Decision is one evaluation of one partner.
type Decision struct {
	Recommendation string
	Current        string // the partner's tier ("" none)
	Qualifying     string // the highest tier whose requirements are all met
	Target         string // the tier to move to (promote/demote; "" = no tier)
	AtRisk         bool   // below its tier's requirements, within the grace period
	CyclesBelow    int
	BelowSince     time.Time
	Status         string
	// Checks are the current tier's requirements, then those of the tier
	// the partner would move to (promote, demote) or of the next tier up.
	Checks []Check
}

// Decide evaluates a partner on tier current with figures f: promote when
// it qualifies for a higher tier; when it falls below its own tier's
// requirements, keep it "at risk" for grace cycles and propose the demotion
// (to the tier it qualifies for) on the next cycle still below; keep
// otherwise. A cycle is an evaluation day: running the evaluation twice in
// a day counts once. A proposal an admin dismissed stays dismissed while
// the evaluation keeps proposing the very same move.
func Decide(tiers []Tier, current string, f Figures, prev *Previous, grace int, now time.Time) Decision {
	d := Decision{Recommendation: Keep, Current: current, Status: StatusNone}
	cur := Find(tiers, current)
	if cur == nil {
		d.Current = ""
	}
	q := Qualifying(tiers, f)
	if q != nil {
		d.Qualifying = q.ID
	}
	today := day(now)
	var next *Tier
	switch {
	case q != nil && (cur == nil || q.Rank > cur.Rank):
		d.Recommendation, d.Target = Promote, q.ID
		next = q
	case cur == nil || Meets(*cur, f):
		next = Next(tiers, d.Current)
	default:
		d.CyclesBelow, d.BelowSince = 1, today
		if prev != nil && prev.CurrentTier == d.Current && prev.CyclesBelow > 0 {
			d.CyclesBelow, d.BelowSince = prev.CyclesBelow, prev.BelowSince
			if day(prev.EvaluatedAt).Before(today) {
				d.CyclesBelow++
			}
			if d.BelowSince.IsZero() {
				d.BelowSince = today
			}
		}
		if d.CyclesBelow > grace {
			d.Recommendation = Demote
			if q != nil {
				d.Target = q.ID
				next = q
			}
		} else {
			d.AtRisk = true
		}
	}
	if cur != nil {
		d.Checks = Checks(*cur, f)
	}
	if next != nil && (cur == nil || next.ID != cur.ID) {
		d.Checks = append(d.Checks, Checks(*next, f)...)
	}
	if d.Recommendation != Keep {
		d.Status = StatusProposed
		if prev != nil && prev.Status == StatusDismissed && prev.Recommendation == d.Recommendation &&
			prev.TargetTier == d.Target && prev.CurrentTier == d.Current {
			d.Status = StatusDismissed
		}
	}
	return d
}
