package kpi

import (
	"encoding/json"

	"github.com/pocketbase/pocketbase/core"
)

// DefaultStageProbabilities are the win probabilities (percent) of the open
// stages when the settings hold none.
var DefaultStageProbabilities = map[string]float64{"registered": 10, "qualified": 25, "proposal": 50, "negotiation": 75}

// StageProbabilities reads the win probability (percent, 0–100) of each
// open stage from settings.stage_probabilities, which staff edit; stages
// missing there take the default, values are clamped to 0–100.
func StageProbabilities(app core.App) (map[string]float64, error) {
	out := make(map[string]float64, len(OpenStages))
	for _, s := range OpenStages {
		out[s] = DefaultStageProbabilities[s]
	}
	recs, err := app.FindRecordsByFilter("settings", "", "", 1, 0)
	if err != nil || len(recs) == 0 {
		return out, err
	}
	var stored map[string]float64
	if raw := recs[0].GetString("stage_probabilities"); raw != "" && raw != "null" {
		if err := json.Unmarshal([]byte(raw), &stored); err != nil {
			return out, nil // a malformed value keeps the defaults
		}
	}
	for _, s := range OpenStages {
		if v, ok := stored[s]; ok {
			out[s] = min(max(v, 0), 100)
		}
	}
	return out, nil
}

// WeightedPipeline is the pipeline weighted by the chance of winning:
// Σ pipeline.<stage> × probability(stage) / 100 over the open stages.
// byStage holds the pipeline level per stage (the sum of the
// pipeline.<stage> changes up to the date), keyed by stage name or by
// metric name ("pipeline.proposal"). It is never stored, so a change of
// the probabilities applies at once to every date.
func WeightedPipeline(byStage map[string]float64, probabilities map[string]float64) float64 {
	var w float64
	for _, s := range OpenStages {
		v, ok := byStage[s]
		if !ok {
			v = byStage[PipelineStage+s]
		}
		w += v * probabilities[s] / 100
	}
	return w
}
