package kpi

import "slices"

// DealState is a deal's stage, status and amount in the base currency, as a
// deal_events row records it before (from_*) and after (to_*) a change. The
// registration row has an empty before state.
type DealState struct {
	Stage  string
	Status string
	Amount float64
}

// DealEvent is one deal_events row: the partner, the event time (stored
// form, UTC) and the states around the change.
type DealEvent struct {
	Partner  string
	At       string
	From, To DealState
}

// inPipeline reports whether a deal in state s counts in the pipeline: its
// registration is pending or approved and its stage is open.
func inPipeline(s DealState) bool {
	return (s.Status == "pending" || s.Status == "approved") && slices.Contains(OpenStages, s.Stage)
}

// levels returns what a deal in state s holds of the level metrics: its
// amount in the pipeline (in total and in its stage) and its won revenue.
func levels(s DealState, add func(metric string, v float64)) {
	if inPipeline(s) {
		add(Pipeline, s.Amount)
		add(PipelineStage+s.Stage, s.Amount)
	}
	if s.Stage == "won" {
		add(RevenueWon, s.Amount)
	}
}

// DealDeltas returns the changes one deal_events row makes to the rollups,
// multiplied by sign (1 when the row is written, -1 when it is deleted, as
// when an admin deletes a deal and its history goes with it).
//
// Counts: deals.registered for the registration row, deals.approved /
// rejected / expired when the status becomes that, deals.won / lost when the
// stage becomes that. Levels: revenue.won, pipeline and pipeline.<stage>
// move by the deal's level after the change minus its level before, so an
// amount change of a won deal adjusts revenue and a reopened deal reverses
// it. Rebuild computes the same with SQL (rebuildDealsSQL).
func DealDeltas(ev DealEvent, sign float64) []Delta {
	day := Day(ev.At)
	if ev.Partner == "" || day == "" {
		return nil
	}
	sums := map[string]float64{}
	var order []string
	add := func(metric string, v float64) {
		if _, ok := sums[metric]; !ok {
			order = append(order, metric)
		}
		sums[metric] += v
	}
	if ev.From.Stage == "" && ev.From.Status == "" {
		add(DealsRegistered, 1)
	}
	for status, metric := range map[string]string{"approved": DealsApproved, "rejected": DealsRejected, "expired": DealsExpired} {
		if ev.To.Status == status && ev.From.Status != status {
			add(metric, 1)
		}
	}
	for stage, metric := range map[string]string{"won": DealsWon, "lost": DealsLost} {
		if ev.To.Stage == stage && ev.From.Stage != stage {
			add(metric, 1)
		}
	}
	levels(ev.To, add)
	levels(ev.From, func(metric string, v float64) { add(metric, -v) })
	var out []Delta
	for _, m := range order {
		if v := sums[m]; v != 0 {
			out = append(out, Both(ev.Partner, day, m, v*sign)...)
		}
	}
	return out
}
