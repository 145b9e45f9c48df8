package tiering

import (
	"testing"
	"time"
)

var (
	bronze = Tier{ID: "bronze", Name: "Bronze", Rank: 0, Min: map[string]float64{}}
	silver = Tier{ID: "silver", Name: "Silver", Rank: 1, Min: map[string]float64{"revenue": 100000, "certified": 2}}
	gold   = Tier{ID: "gold", Name: "Gold", Rank: 2, Min: map[string]float64{"revenue": 500000, "certified": 5, "deals": 10}}
	ladder = []Tier{bronze, silver, gold}
	day1   = time.Date(2026, 3, 10, 2, 30, 0, 0, time.UTC)
	day2   = day1.AddDate(0, 0, 1)
	day3   = day1.AddDate(0, 0, 2)
)

func prevOf(d Decision, at time.Time) *Previous {
	return &Previous{CurrentTier: d.Current, TargetTier: d.Target, Recommendation: d.Recommendation, Status: d.Status,
		CyclesBelow: d.CyclesBelow, BelowSince: d.BelowSince, EvaluatedAt: at}
}

func TestDecidePromotesToTheHighestQualifyingTier(t *testing.T) {
	d := Decide(ladder, "bronze", Figures{"revenue": 600000, "certified": 7, "deals": 12}, nil, 1, day1)
	if d.Recommendation != Promote || d.Target != "gold" || d.Qualifying != "gold" || d.Status != StatusProposed {
		t.Fatalf("got %+v, want promote to gold (skipping silver)", d)
	}
	// A partner without a tier is promoted to the tier it qualifies for.
	d = Decide(ladder, "", Figures{}, nil, 1, day1)
	if d.Recommendation != Promote || d.Target != "bronze" {
		t.Fatalf("no tier: got %+v, want promote to bronze", d)
	}
}

func TestDecideKeepsAPartnerThatMeetsItsTier(t *testing.T) {
	d := Decide(ladder, "silver", Figures{"revenue": 150000, "certified": 3}, nil, 1, day1)
	if d.Recommendation != Keep || d.AtRisk || d.Status != StatusNone || d.CyclesBelow != 0 {
		t.Fatalf("got %+v, want keep, not at risk", d)
	}
	// The checks name what gold still asks (the next tier).
	var goldChecks int
	for _, c := range d.Checks {
		if c.Tier == "gold" {
			goldChecks++
		}
	}
	if goldChecks != 3 {
		t.Fatalf("checks %+v: want gold's 3 requirements", d.Checks)
	}
}

func TestDecideBoundaryExactlyAtTheThresholdQualifies(t *testing.T) {
	d := Decide(ladder, "silver", Figures{"revenue": 500000, "certified": 5, "deals": 10}, nil, 1, day1)
	if d.Recommendation != Promote || d.Target != "gold" {
		t.Fatalf("exactly at gold's thresholds: got %+v, want promote", d)
	}
	d = Decide(ladder, "silver", Figures{"revenue": 499999.99, "certified": 5, "deals": 10}, nil, 1, day1)
	if d.Recommendation != Keep {
		t.Fatalf("a cent short: got %+v, want keep", d)
	}
}

func TestDecideExtraRuleWonDeals(t *testing.T) {
	// Revenue and certified people meet gold, but 9 won deals do not.
	d := Decide(ladder, "silver", Figures{"revenue": 900000, "certified": 9, "deals": 9}, nil, 1, day1)
	if d.Recommendation != Keep {
		t.Fatalf("got %+v, want keep: gold asks 10 won deals", d)
	}
	var deals *Check
	for i, c := range d.Checks {
		if c.Tier == "gold" && c.Rule == "deals" {
			deals = &d.Checks[i]
		}
	}
	if deals == nil || deals.Met || deals.Missing() != 1 {
		t.Fatalf("deals check %+v: want unmet, 1 missing", deals)
	}
}

func TestDecideGraceThenDemotion(t *testing.T) {
	low := Figures{"revenue": 120000, "certified": 2} // silver, not gold
	first := Decide(ladder, "gold", low, nil, 1, day1)
	if first.Recommendation != Keep || !first.AtRisk || first.CyclesBelow != 1 || !first.BelowSince.Equal(day(day1)) {
		t.Fatalf("first evaluation below: got %+v, want keep at risk, 1 cycle", first)
	}
	// Run again the same day: still one cycle.
	again := Decide(ladder, "gold", low, prevOf(first, day1), 1, day1.Add(time.Hour))
	if again.Recommendation != Keep || again.CyclesBelow != 1 {
		t.Fatalf("same-day rerun: got %+v, want still 1 cycle", again)
	}
	second := Decide(ladder, "gold", low, prevOf(first, day1), 1, day2)
	if second.Recommendation != Demote || second.Target != "silver" || second.CyclesBelow != 2 ||
		!second.BelowSince.Equal(day(day1)) || second.Status != StatusProposed {
		t.Fatalf("second evaluation below: got %+v, want demote to silver, below since day 1", second)
	}
	// Back above its tier: the count starts over.
	back := Decide(ladder, "gold", Figures{"revenue": 600000, "certified": 6, "deals": 11}, prevOf(second, day2), 1, day3)
	if back.Recommendation != Keep || back.AtRisk || back.CyclesBelow != 0 || !back.BelowSince.IsZero() {
		t.Fatalf("recovered: got %+v, want keep, no grace count", back)
	}
}

func TestDecideGraceSetting(t *testing.T) {
	low := Figures{"revenue": 120000, "certified": 2}
	if d := Decide(ladder, "gold", low, nil, 0, day1); d.Recommendation != Demote {
		t.Fatalf("grace 0: got %+v, want demote at once", d)
	}
	d := Decide(ladder, "gold", low, nil, 2, day1)
	d = Decide(ladder, "gold", low, prevOf(d, day1), 2, day2)
	if d.Recommendation != Keep || !d.AtRisk {
		t.Fatalf("grace 2, second cycle: got %+v, want still at risk", d)
	}
	d = Decide(ladder, "gold", low, prevOf(d, day2), 2, day3)
	if d.Recommendation != Demote {
		t.Fatalf("grace 2, third cycle: got %+v, want demote", d)
	}
}

func TestDecideDismissedProposalStaysDismissed(t *testing.T) {
	f := Figures{"revenue": 600000, "certified": 6, "deals": 11}
	d := Decide(ladder, "silver", f, nil, 1, day1)
	p := prevOf(d, day1)
	p.Status = StatusDismissed
	if again := Decide(ladder, "silver", f, p, 1, day2); again.Status != StatusDismissed || again.Recommendation != Promote {
		t.Fatalf("got %+v, want the same promotion still dismissed", again)
	}
	// A different proposal is proposed again.
	if other := Decide(ladder, "silver", Figures{"revenue": 90000}, p, 0, day2); other.Status != StatusProposed {
		t.Fatalf("got %+v, want a new proposal", other)
	}
}

func TestQualifyingAndNext(t *testing.T) {
	if q := Qualifying(ladder, Figures{"revenue": 100000, "certified": 2}); q == nil || q.ID != "silver" {
		t.Fatalf("qualifying = %+v, want silver", q)
	}
	if n := Next(ladder, "silver"); n == nil || n.ID != "gold" {
		t.Fatalf("next after silver = %+v", n)
	}
	if n := Next(ladder, "gold"); n != nil {
		t.Fatalf("next after gold = %+v, want none", n)
	}
	if n := Next(ladder, ""); n == nil || n.ID != "bronze" {
		t.Fatalf("next without a tier = %+v, want bronze", n)
	}
}
