package demo

import (
	"fmt"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/tiering"
)

// tieringSummary counts what seedTiering created.
type tieringSummary struct {
	promote, demote, atRisk, changes int
}

// line is the summary's line in the demo report ("" prints nothing).
func (s tieringSummary) line() string {
	return fmt.Sprintf("tier reviews: %d promotion(s), %d demotion(s) proposed, %d partner(s) at risk; %d tier changes in the history",
		s.promote, s.demote, s.atRisk, s.changes)
}

// demoTierRules are the programme's requirements as the tier automation
// evaluates them: revenue, certified people and won deals of the last 12
// months. They are set here, after deals and training, so that the demo's
// figures give the reviews page one of each outcome (Soluciones Anáhuac
// qualifies for Gold, Lakeshore Data misses Platinum's won deals).
var demoTierRules = map[string][3]float64{
	"Silver":   {150_000, 0, 1},
	"Gold":     {500_000, 0, 3},
	"Platinum": {3_000_000, 1, 10},
}

// demoTierChange is one historic tier change.
type demoTierChange struct {
	slug, from, to, reason, by string
	daysAgo                    int
}

var demoTierChanges = []demoTierChange{
	{"carioca-sistemas", "Gold", "Platinum", tiering.ReasonPromoted, "renata.albuquerque", 700},
	{"lakeshore-data", "Gold", "Platinum", tiering.ReasonManual, "gustavo.nogueira", 320},
	{PartnerSlug, "Silver", "Gold", tiering.ReasonPromoted, "renata.albuquerque", 400},
}

// seedTiering sets the tier requirements, writes the historic tier changes
// and runs the evaluation as it ran last night and tonight. Between the two
// runs Renata moves Capibaribe Digital up to Gold by hand (a strategic bet
// its figures do not support yet), so tonight's run finds it at risk, in
// its grace period, while Lakeshore Data, below Platinum on both nights,
// gets a demotion proposed.
func seedTiering(tx core.App, now time.Time) (tieringSummary, error) {
	var s tieringSummary
	tierID := map[string]string{}
	tiers, err := tx.FindAllRecords("tiers")
	if err != nil {
		return s, err
	}
	for _, t := range tiers {
		tierID[t.GetString("name")] = t.Id
		if r, ok := demoTierRules[t.GetString("name")]; ok {
			t.Set("min_revenue_12m", r[0])
			t.Set("min_certified_users", r[1])
			t.Set("min_deals_won_12m", r[2])
			if err := tx.Save(t); err != nil {
				return s, fmt.Errorf("tier %s: %w", t.GetString("name"), err)
			}
		}
	}
	staff := func(login string) (*core.Record, error) {
		return tx.FindAuthRecordByEmail("users", login+"@"+staffDomain)
	}

	col, err := tx.FindCollectionByNameOrId("tier_changes")
	if err != nil {
		return s, err
	}
	for _, c := range demoTierChanges {
		p, err := tx.FindFirstRecordByData("partners", "slug", c.slug)
		if err != nil {
			return s, fmt.Errorf("tier change of %s: %w", c.slug, err)
		}
		by, err := staff(c.by)
		if err != nil {
			return s, err
		}
		r := core.NewRecord(col)
		r.Set("partner", p.Id)
		r.Set("from_tier", tierID[c.from])
		r.Set("from_name", c.from)
		r.Set("to_tier", tierID[c.to])
		r.Set("to_name", c.to)
		r.Set("reason", c.reason)
		r.Set("approved_by", by.Id)
		r.Set("source", tiering.SourceEvaluation)
		if c.reason == tiering.ReasonManual {
			r.Set("source", tiering.SourceManual)
		}
		at, err := types.ParseDateTime(now.AddDate(0, 0, -c.daysAgo))
		if err != nil {
			return s, err
		}
		r.SetRaw("created", at)
		if err := tx.Save(r); err != nil {
			return s, fmt.Errorf("tier change of %s: %w", c.slug, err)
		}
		s.changes++
	}

	if _, err := tiering.EvaluateAll(tx, now.AddDate(0, 0, -1)); err != nil {
		return s, err
	}
	capi, err := tx.FindFirstRecordByData("partners", "slug", "capibaribe-digital")
	if err != nil {
		return s, err
	}
	renata, err := staff("renata.albuquerque")
	if err != nil {
		return s, err
	}
	activity.SetActor(capi, renata.Id)
	capi.Set("tier", tierID["Gold"])
	if err := tx.Save(capi); err != nil { // the history row follows from the hook
		return s, fmt.Errorf("moving capibaribe-digital: %w", err)
	}
	s.changes++
	sum, err := tiering.EvaluateAll(tx, now)
	if err != nil {
		return s, err
	}
	s.promote, s.demote, s.atRisk = sum.Promote, sum.Demote, sum.AtRisk
	return s, nil
}
