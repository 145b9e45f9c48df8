package kpi

import (
	"regexp"
	"testing"

	"github.com/ponte-portal/ponte/internal/i18n"
)

func TestMetricsAreNamedAndLabelled(t *testing.T) {
	valid := regexp.MustCompile(`^[a-z0-9_.]{1,60}$`)
	seen := map[string]bool{}
	for _, m := range append(Metrics(), Metric{Name: PipelineWeighted, LabelKey: "kpi.metric." + PipelineWeighted}) {
		if !valid.MatchString(m.Name) {
			t.Errorf("metric %q does not fit the metric column", m.Name)
		}
		if seen[m.Name] {
			t.Errorf("metric %q listed twice", m.Name)
		}
		seen[m.Name] = true
		for _, loc := range []string{"en", "pt-BR"} {
			if !i18n.Has(loc, m.LabelKey) {
				t.Errorf("%s: no label %s", loc, m.LabelKey)
			}
		}
		if m.Name != PipelineWeighted && (m.Kind == KindStock) != Stock(m.Name) {
			t.Errorf("%s: kind %s but Stock() = %v", m.Name, m.Kind, Stock(m.Name))
		}
	}
	for _, s := range OpenStages {
		if !seen[PipelineStage+s] {
			t.Errorf("no metric for the pipeline in stage %s", s)
		}
	}
	// A metric counted from events is never also a deal metric: Rebuild
	// writes each metric from one source.
	for _, m := range ActivityMetrics {
		for _, d := range dealMetrics {
			if m.Metric == d.Name {
				t.Errorf("activity kind %s feeds deal metric %s", m.Kind, d.Name)
			}
		}
	}
}

func TestDealDeltas(t *testing.T) {
	at := "2026-03-02 10:00:00.000Z"
	sum := func(ds []Delta) map[string]float64 {
		out := map[string]float64{}
		for _, d := range ds {
			if d.Period == "2026-03" {
				out[d.Metric] += d.Value
			} else if d.Period != "2026-03-02" || d.Partner != "p1" {
				t.Fatalf("delta %+v", d)
			}
		}
		return out
	}
	for _, c := range []struct {
		name     string
		from, to DealState
		want     map[string]float64
	}{
		{"registration", DealState{}, DealState{"registered", "pending", 100},
			map[string]float64{DealsRegistered: 1, Pipeline: 100, PipelineRegistered: 100}},
		{"approval", DealState{"registered", "pending", 100}, DealState{"registered", "approved", 100},
			map[string]float64{DealsApproved: 1}},
		{"rejection", DealState{"registered", "pending", 100}, DealState{"registered", "rejected", 100},
			map[string]float64{DealsRejected: 1, Pipeline: -100, PipelineRegistered: -100}},
		{"stage move", DealState{"qualified", "approved", 100}, DealState{"proposal", "approved", 100},
			map[string]float64{PipelineQualified: -100, PipelineProposal: 100}},
		{"amount change", DealState{"proposal", "approved", 100}, DealState{"proposal", "approved", 150},
			map[string]float64{Pipeline: 50, PipelineProposal: 50}},
		{"won", DealState{"negotiation", "approved", 100}, DealState{"won", "approved", 100},
			map[string]float64{DealsWon: 1, RevenueWon: 100, Pipeline: -100, PipelineNegotiation: -100}},
		{"won amount change", DealState{"won", "approved", 100}, DealState{"won", "approved", 80},
			map[string]float64{RevenueWon: -20}},
		{"reopened", DealState{"won", "approved", 100}, DealState{"negotiation", "approved", 100},
			map[string]float64{RevenueWon: -100, Pipeline: 100, PipelineNegotiation: 100}},
		{"lost", DealState{"proposal", "approved", 100}, DealState{"lost", "approved", 100},
			map[string]float64{DealsLost: 1, Pipeline: -100, PipelineProposal: -100}},
		{"expired", DealState{"proposal", "approved", 100}, DealState{"proposal", "expired", 100},
			map[string]float64{DealsExpired: 1, Pipeline: -100, PipelineProposal: -100}},
	} {
		got := sum(DealDeltas(DealEvent{Partner: "p1", At: at, From: c.from, To: c.to}, 1))
		if len(got) != len(c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
			continue
		}
		for m, v := range c.want {
			if got[m] != v {
				t.Errorf("%s: %s = %v, want %v", c.name, m, got[m], v)
			}
		}
		back := sum(DealDeltas(DealEvent{Partner: "p1", At: at, From: c.from, To: c.to}, -1))
		for m, v := range c.want {
			if back[m] != -v {
				t.Errorf("%s removed: %s = %v, want %v", c.name, m, back[m], -v)
			}
		}
	}
	if ds := DealDeltas(DealEvent{Partner: "", At: at, To: DealState{"registered", "pending", 1}}, 1); len(ds) != 0 {
		t.Errorf("a row without partner gave %v", ds)
	}
}

func TestCertifiedStretches(t *testing.T) {
	c := func(issued, status, expires, revoked string) CertRow {
		d := func(s string) string {
			if s == "" {
				return ""
			}
			return s + " 10:00:00.000Z"
		}
		return CertRow{Partner: "p", Issued: d(issued), Status: status, Expires: d(expires), Revoked: d(revoked)}
	}
	for _, tc := range []struct {
		name  string
		certs []CertRow
		want  map[string]int
	}{
		{"one valid", []CertRow{c("2026-01-10", "valid", "", "")}, map[string]int{"2026-01-10": 1}},
		{"overlapping", []CertRow{c("2026-01-10", "valid", "", ""), c("2026-02-01", "valid", "", "")},
			map[string]int{"2026-01-10": 1}},
		{"expired: gone the day after its last day", []CertRow{c("2025-01-10", "expired", "2026-01-09", "")},
			map[string]int{"2025-01-10": 1, "2026-01-10": -1}},
		{"revoked", []CertRow{c("2026-01-10", "revoked", "", "2026-03-01")},
			map[string]int{"2026-01-10": 1, "2026-03-01": -1}},
		{"revoked the day it was issued", []CertRow{c("2026-01-10", "revoked", "", "2026-01-10")}, map[string]int{}},
		{"a gap between two", []CertRow{c("2026-01-10", "revoked", "", "2026-02-01"), c("2026-03-01", "valid", "", "")},
			map[string]int{"2026-01-10": 1, "2026-02-01": -1, "2026-03-01": 1}},
		{"renewed the day it lapsed", []CertRow{c("2025-01-10", "expired", "2026-01-09", ""), c("2026-01-10", "valid", "", "")},
			map[string]int{"2025-01-10": 1}},
		{"revoked inside a valid one", []CertRow{c("2026-01-10", "valid", "", ""), c("2026-02-01", "revoked", "", "2026-02-10")},
			map[string]int{"2026-01-10": 1}},
	} {
		out := map[[2]string]int{}
		certTransitions(tc.certs, 1, out)
		got := map[string]int{}
		for k, v := range out {
			if v != 0 {
				got[k[1]] = v
			}
		}
		if len(got) != len(tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
			continue
		}
		for d, v := range tc.want {
			if got[d] != v {
				t.Errorf("%s: %s = %d, want %d", tc.name, d, got[d], v)
			}
		}
	}
}

func TestWeightedPipeline(t *testing.T) {
	probs := map[string]float64{"registered": 10, "qualified": 25, "proposal": 50, "negotiation": 75}
	got := WeightedPipeline(map[string]float64{"registered": 1000, PipelineProposal: 200, "won": 5000}, probs)
	if got != 200 {
		t.Fatalf("weighted = %v, want 200 (100 + 100)", got)
	}
}
