package surveys

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestNPS(t *testing.T) {
	for _, c := range []struct {
		p, pa, d int
		want     float64
		ok       bool
	}{
		{10, 0, 0, 100, true},
		{0, 0, 7, -100, true},
		{0, 5, 0, 0, true},
		{0, 0, 0, 0, false},
		{1, 1, 1, 0, true},
		{2, 0, 1, 33.3, true},  // 33.333… rounds down
		{1, 0, 2, -33.3, true}, // symmetric
		{2, 1, 0, 66.7, true},  // 66.666… rounds up
		{5, 3, 2, 30, true},
		{-1, 2, 0, 0, false},
	} {
		got, ok := NPS(c.p, c.pa, c.d)
		if ok != c.ok || got != c.want {
			t.Errorf("NPS(%d, %d, %d) = %v, %v; want %v, %v", c.p, c.pa, c.d, got, ok, c.want, c.ok)
		}
	}
}

func TestBand(t *testing.T) {
	want := []string{Detractor, Detractor, Detractor, Detractor, Detractor, Detractor, Detractor, Passive, Passive, Promoter, Promoter}
	for s, w := range want {
		if got := Band(s); got != w {
			t.Errorf("Band(%d) = %q, want %q", s, got, w)
		}
	}
	if Band(-1) != "" || Band(11) != "" {
		t.Error("scores outside 0–10 have no band")
	}
}

func TestCheckQuestions(t *testing.T) {
	ok := []Question{{ID: "q1", Kind: KindText, Label: "Anything else?"},
		{ID: "q2", Kind: KindChoice, Label: "Channel", Options: []string{"E-mail", "Portal"}, Required: true},
		{ID: "q3", Kind: KindScale, Label: "Training quality"}}
	if i, code := CheckQuestions(ok); code != "" {
		t.Fatalf("valid questions refused: %d %s", i, code)
	}
	for name, c := range map[string]struct {
		qs   []Question
		code string
	}{
		"too many":     {make([]Question, 6), CodeTooMany},
		"no label":     {[]Question{{ID: "q1", Kind: KindText, Label: "  "}}, CodeLabel},
		"long label":   {[]Question{{ID: "q1", Kind: KindText, Label: strings.Repeat("x", MaxLabel+1)}}, CodeLabel},
		"bad kind":     {[]Question{{ID: "q1", Kind: "matrix", Label: "x"}}, CodeKind},
		"one option":   {[]Question{{ID: "q1", Kind: KindChoice, Label: "x", Options: []string{"a"}}}, CodeOptions},
		"dup option":   {[]Question{{ID: "q1", Kind: KindChoice, Label: "x", Options: []string{"a", "a"}}}, CodeOptions},
		"scale opts":   {[]Question{{ID: "q1", Kind: KindScale, Label: "x", Options: []string{"a", "b"}}}, CodeOptions},
		"duplicate id": {[]Question{{ID: "q1", Kind: KindText, Label: "x"}, {ID: "q1", Kind: KindText, Label: "y"}}, CodeKind},
	} {
		if _, code := CheckQuestions(c.qs); code != c.code {
			t.Errorf("%s: code %q, want %q", name, code, c.code)
		}
	}
}

func TestCheckAnswers(t *testing.T) {
	qs := []Question{{ID: "q1", Kind: KindText, Label: "Other"},
		{ID: "q2", Kind: KindChoice, Label: "Channel", Options: []string{"E-mail", "Portal"}, Required: true},
		{ID: "q3", Kind: KindScale, Label: "Training"}}
	got, code := CheckAnswers(qs, map[string]string{"q1": "  fine ", "q2": "Portal", "q3": "4"})
	if code != "" || got["q1"] != "fine" || got["q2"] != "Portal" || got["q3"] != "4" {
		t.Fatalf("good answers: %v %q", got, code)
	}
	for name, c := range map[string]struct {
		in   map[string]string
		code string
	}{
		"required missing": {map[string]string{"q1": "x"}, CodeRequired},
		"unknown option":   {map[string]string{"q2": "Fax"}, CodeBadChoice},
		"scale 6":          {map[string]string{"q2": "Portal", "q3": "6"}, CodeBadScale},
		"scale text":       {map[string]string{"q2": "Portal", "q3": "good"}, CodeBadScale},
		"long text":        {map[string]string{"q2": "Portal", "q1": strings.Repeat("é", MaxText+1)}, CodeTextTooLong},
		"unknown question": {map[string]string{"q2": "Portal", "q9": "x"}, CodeBadAnswers},
	} {
		if _, code := CheckAnswers(qs, c.in); code != c.code {
			t.Errorf("%s: code %q, want %q", name, code, c.code)
		}
	}
	if _, err := ParseAnswers([]byte(`{"q1": 3}`)); err == nil {
		t.Error("a non-string answer is refused")
	}
}

// TestAggregateSmallGroups: a partner with fewer than MinGroup respondents
// is merged into the unnamed group; the named ones keep their comments.
func TestAggregateSmallGroups(t *testing.T) {
	qs := []Question{{ID: "q1", Kind: KindScale, Label: "Training"}, {ID: "q2", Kind: KindChoice, Label: "C", Options: []string{"a", "b"}}}
	a := NewAggregator(qs)
	at := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i, s := range []int{10, 9, 3, 8} { // Big: 4 respondents
		a.Add(Response{Partner: "big", PartnerName: "Big Co", Score: s, Comment: fmt.Sprintf("big %d", i),
			Answers: map[string]string{"q1": "4", "q2": "a"}, Created: at.Add(time.Duration(i) * time.Hour)})
	}
	for i, s := range []int{0, 10} { // Tiny: 2 respondents
		a.Add(Response{Partner: "tiny", PartnerName: "Tiny Ltd", Score: s, Comment: fmt.Sprintf("tiny %d", i),
			Answers: map[string]string{"q1": "2"}})
	}
	a.Add(Response{Partner: "solo", PartnerName: "Solo SA", Score: 5})
	r := a.Results()
	if r.Total() != 7 || r.Promoters != 3 || r.Passives != 1 || r.Detractors != 3 {
		t.Fatalf("counts %+v", r.Counts)
	}
	if n, ok := r.NPS(); !ok || n != 0 {
		t.Errorf("NPS %v %v", n, ok)
	}
	if r.Distribution[10] != 2 || r.Distribution[0] != 1 || r.Distribution[5] != 1 {
		t.Errorf("distribution %v", r.Distribution)
	}
	if len(r.Groups) != 1 || r.Groups[0].Name != "Big Co" || len(r.Groups[0].Comments) != 4 || r.Groups[0].Comments[0].Text != "big 3" {
		t.Fatalf("named groups %+v", r.Groups)
	}
	if r.Other.Name != "" || r.Other.Partner != "" || r.Other.Respondents != 3 || r.OtherPartners != 2 || len(r.Other.Comments) != 2 {
		t.Fatalf("other group %+v (%d partners)", r.Other, r.OtherPartners)
	}
	if q := r.Questions[0]; q.Answered != 6 || q.Mean != 20.0/6 || q.Options[3].Count != 4 || q.Options[1].Count != 2 {
		t.Errorf("scale summary %+v", q)
	}
	if q := r.Questions[1]; q.Answered != 4 || q.Options[0].Count != 4 {
		t.Errorf("choice summary %+v", q)
	}
	if r.Share(r.Promoters) != 43 {
		t.Errorf("promoter share %d", r.Share(r.Promoters))
	}
	r.Trim(0, 1, 1)
	if r.MoreGroups != 1 || len(r.Groups) != 0 || r.Other.More != 1 || len(r.Other.Comments) != 1 {
		t.Errorf("trimmed: %d groups (%d more), other %d comments (%d more)", len(r.Groups), r.MoreGroups, len(r.Other.Comments), r.Other.More)
	}
}
