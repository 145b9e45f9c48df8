package tiering

import (
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// batchSize is how many partners one transaction evaluates: each partner's
// review and change are written together, and writers elsewhere wait for
// one batch at most rather than for the whole programme.
const batchSize = 250

// running serialises evaluations in this process: the nightly job and an
// admin's "Run now" would otherwise both create a partner's first review.
var running sync.Mutex

// Summary counts one run of EvaluateAll.
type Summary struct {
	Partners, Promote, Demote, AtRisk, Keep, Applied int
}

// EvaluateAll evaluates every active partner as of now: it reads the tiers,
// the settings and every partner's figures in a few grouped queries, writes
// each partner's current review (tier_reviews) and, with automatic
// application on, applies each proposal as an automatic change. Reviews of
// partners no longer active are removed. The nightly job and the admins'
// "Run now" both call it; runs in one process wait for each other.
func EvaluateAll(app core.App, now time.Time) (Summary, error) {
	running.Lock()
	defer running.Unlock()
	var sum Summary
	set, err := LoadSettings(app)
	if err != nil {
		return sum, err
	}
	tiers, err := LoadTiers(app)
	if err != nil {
		return sum, err
	}
	var partners []struct {
		ID   string `db:"id"`
		Tier string `db:"tier"`
	}
	if err := app.DB().Select("id", "tier").From("partners").
		Where(dbx.HashExp{"status": "active"}).OrderBy("id").All(&partners); err != nil {
		return sum, fmt.Errorf("tiering: active partners: %w", err)
	}
	figures, err := ReadFigures(app, nil, nil, now)
	if err != nil {
		return sum, err
	}
	col, err := app.FindCollectionByNameOrId("tier_reviews")
	if err != nil {
		return sum, err
	}
	existing, err := app.FindAllRecords(col)
	if err != nil {
		return sum, err
	}
	byPartner := make(map[string]*core.Record, len(existing))
	for _, r := range existing {
		byPartner[r.GetString("partner")] = r
	}

	for start := 0; start < len(partners); start += batchSize {
		batch := partners[start:min(start+batchSize, len(partners))]
		var part Summary
		err := app.RunInTransaction(func(tx core.App) error {
			part = Summary{}
			for _, p := range batch {
				rv := byPartner[p.ID]
				var prev *Previous
				if rv == nil {
					rv = core.NewRecord(col)
					rv.Set("partner", p.ID)
				} else {
					prev = previousOf(rv)
				}
				d := Decide(tiers, p.Tier, figures[p.ID], prev, set.GraceCycles, now)
				if err := writeReview(tx, rv, d, now); err != nil {
					return fmt.Errorf("tiering: review of %s: %w", p.ID, err)
				}
				part.count(d)
				if set.AutoApply && d.Status == StatusProposed {
					if err := applyReview(tx, rv, nil, now); err != nil {
						return err
					}
					part.Applied++
				}
			}
			return nil
		})
		if err != nil {
			return sum, err
		}
		sum.add(part)
	}

	if _, err := app.DB().NewQuery("DELETE FROM tier_reviews WHERE partner NOT IN " +
		"(SELECT id FROM partners WHERE status = 'active')").Execute(); err != nil {
		return sum, fmt.Errorf("tiering: removing reviews of inactive partners: %w", err)
	}
	// The stamp is written directly: saving the whole settings record would
	// re-run the branding checks of a record nobody edited.
	if _, err := app.DB().Update("settings", dbx.Params{"tier_last_evaluated": types.NowDateTime().String()}, nil).Execute(); err != nil {
		return sum, err
	}
	return sum, nil
}

func (s *Summary) count(d Decision) {
	s.Partners++
	switch {
	case d.Recommendation == Promote:
		s.Promote++
	case d.Recommendation == Demote:
		s.Demote++
	case d.AtRisk:
		s.AtRisk++
	default:
		s.Keep++
	}
}

func (s *Summary) add(o Summary) {
	s.Partners += o.Partners
	s.Promote += o.Promote
	s.Demote += o.Demote
	s.AtRisk += o.AtRisk
	s.Keep += o.Keep
	s.Applied += o.Applied
}

// previousOf reads what the last evaluation left on a review.
func previousOf(rv *core.Record) *Previous {
	return &Previous{
		CurrentTier: rv.GetString("current_tier"), TargetTier: rv.GetString("target_tier"),
		Recommendation: rv.GetString("recommendation"), Status: rv.GetString("status"),
		CyclesBelow: rv.GetInt("cycles_below"), BelowSince: rv.GetDateTime("below_since").Time(),
		EvaluatedAt: rv.GetDateTime("evaluated_at").Time(),
	}
}

// writeReview stores decision d on the partner's review. A review whose
// decision is unchanged keeps its decider and decision date.
func writeReview(tx core.App, rv *core.Record, d Decision, now time.Time) error {
	reasons, err := json.Marshal(d.Checks)
	if err != nil {
		return err
	}
	same := !rv.IsNew() && rv.GetString("status") == d.Status && rv.GetString("recommendation") == d.Recommendation &&
		rv.GetString("target_tier") == d.Target && rv.GetString("current_tier") == d.Current
	rv.Set("evaluated_at", now)
	rv.Set("current_tier", d.Current)
	rv.Set("qualifying_tier", d.Qualifying)
	rv.Set("target_tier", d.Target)
	rv.Set("recommendation", d.Recommendation)
	rv.Set("at_risk", d.AtRisk)
	rv.Set("reasons", types.JSONRaw(reasons))
	rv.Set("cycles_below", d.CyclesBelow)
	if d.BelowSince.IsZero() {
		rv.Set("below_since", "")
	} else {
		rv.Set("below_since", d.BelowSince)
	}
	rv.Set("status", d.Status)
	if !same {
		rv.Set("decided_by", "")
		rv.Set("decided_at", "")
	}
	return tx.Save(rv)
}

// Reasons decodes a review's stored checks.
func Reasons(rv *core.Record) []Check {
	var out []Check
	_ = rv.UnmarshalJSONField("reasons", &out)
	return out
}
