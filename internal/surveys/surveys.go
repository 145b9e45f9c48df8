// Package surveys holds the satisfaction surveys' rules that the hooks, the
// portal and the dashboards share: the Net Promoter Score and its bands, the
// custom questions a survey may carry and the validation of answers to them,
// and the aggregation of results with the small-group rule (a partner with
// fewer than MinGroup respondents is never named beside its comments).
package surveys

import (
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// NPS bands of a 0–10 score.
const (
	Promoter  = "promoter"  // 9–10
	Passive   = "passive"   // 7–8
	Detractor = "detractor" // 0–6
)

// Band names the NPS band of a 0–10 score ("" outside 0–10).
func Band(score int) string {
	switch {
	case score < 0 || score > 10:
		return ""
	case score >= 9:
		return Promoter
	case score >= 7:
		return Passive
	}
	return Detractor
}

// NPS is the Net Promoter Score of a set of answers: the share of promoters
// minus the share of detractors, in points from -100 to 100, rounded to one
// decimal. ok is false when there are no answers (no score, not zero).
func NPS(promoters, passives, detractors int) (score float64, ok bool) {
	total := promoters + passives + detractors
	if total <= 0 || promoters < 0 || passives < 0 || detractors < 0 {
		return 0, false
	}
	v := float64(promoters-detractors) / float64(total) * 100
	return math.Round(v*10) / 10, true
}

// Question kinds.
const (
	KindText   = "text"
	KindChoice = "choice" // one of Options
	KindScale  = "scale"  // 1–5
)

// Kinds lists the question kinds in the editor's order.
var Kinds = []string{KindText, KindChoice, KindScale}

// Limits of a survey's custom questions and of answers.
const (
	MaxQuestions = 5
	MaxLabel     = 200
	MaxOptions   = 8
	MaxOption    = 100
	MaxText      = 1000
	MaxComment   = 2000
	// MinGroup is the smallest number of respondents a partner needs for
	// its comments to be shown under its name.
	MinGroup = 3
)

// Question is one custom question. ID is stable ("q1" … "q5") so answers
// keep pointing at it.
type Question struct {
	ID       string   `json:"id"`
	Kind     string   `json:"kind"`
	Label    string   `json:"label"`
	Options  []string `json:"options,omitempty"`
	Required bool     `json:"required,omitempty"`
}

// Validation codes (validation.<code> in the catalogues).
const (
	CodeTooMany       = "survey_questions_too_many"
	CodeLabel         = "survey_question_label"
	CodeKind          = "survey_question_kind"
	CodeOptions       = "survey_question_options"
	CodeRequired      = "survey_answer_required"
	CodeBadChoice     = "survey_answer_choice"
	CodeBadScale      = "survey_answer_scale"
	CodeTextTooLong   = "survey_answer_too_long"
	CodeBadAnswers    = "survey_answers_invalid"
	CodeScore         = "survey_score"
	CodeAnsweredTwice = "survey_answered"
)

// ErrQuestions means a survey's stored questions are not valid JSON.
var ErrQuestions = errors.New("surveys: malformed questions")

// ParseQuestions reads a survey's questions field ("", null or the JSON
// string "" that an empty value becomes: none).
func ParseQuestions(raw []byte) ([]Question, error) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" || s == `""` {
		return nil, nil
	}
	var qs []Question
	if err := json.Unmarshal([]byte(s), &qs); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrQuestions, err)
	}
	return qs, nil
}

// CheckQuestions validates a survey's questions: at most MaxQuestions, each
// with a label, a known kind and, for a choice, 2–MaxOptions distinct
// options. It returns the index of the first bad question and its code
// ("" when all are fine; index -1 for the list as a whole).
func CheckQuestions(qs []Question) (int, string) {
	if len(qs) > MaxQuestions {
		return -1, CodeTooMany
	}
	ids := map[string]bool{}
	for i, q := range qs {
		if q.ID == "" || ids[q.ID] || len(q.ID) > 10 {
			return i, CodeKind
		}
		ids[q.ID] = true
		if n := utf8.RuneCountInString(strings.TrimSpace(q.Label)); n == 0 || n > MaxLabel {
			return i, CodeLabel
		}
		switch q.Kind {
		case KindText, KindScale:
			if len(q.Options) > 0 {
				return i, CodeOptions
			}
		case KindChoice:
			if len(q.Options) < 2 || len(q.Options) > MaxOptions {
				return i, CodeOptions
			}
			seen := map[string]bool{}
			for _, o := range q.Options {
				o = strings.TrimSpace(o)
				if o == "" || utf8.RuneCountInString(o) > MaxOption || seen[o] {
					return i, CodeOptions
				}
				seen[o] = true
			}
		default:
			return i, CodeKind
		}
	}
	return 0, ""
}

// CheckAnswer validates one answer v (trimmed text, the chosen option, or
// "1"–"5") to q. It returns the value to store ("" for no answer) and a
// code when the answer is refused.
func CheckAnswer(q Question, v string) (string, string) {
	v = strings.TrimSpace(v)
	if v == "" {
		if q.Required {
			return "", CodeRequired
		}
		return "", ""
	}
	switch q.Kind {
	case KindText:
		if utf8.RuneCountInString(v) > MaxText {
			return "", CodeTextTooLong
		}
	case KindChoice:
		for _, o := range q.Options {
			if v == o {
				return v, ""
			}
		}
		return "", CodeBadChoice
	case KindScale:
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 5 {
			return "", CodeBadScale
		}
		return strconv.Itoa(n), ""
	default:
		return "", CodeBadAnswers
	}
	return v, ""
}

// CheckAnswers validates a whole answers map against the questions: no
// answer to an unknown question, every answer valid, every required one
// given. It returns the cleaned map and the first refusal's code.
func CheckAnswers(qs []Question, answers map[string]string) (map[string]string, string) {
	known := map[string]Question{}
	for _, q := range qs {
		known[q.ID] = q
	}
	for id := range answers {
		if _, ok := known[id]; !ok {
			return nil, CodeBadAnswers
		}
	}
	out := map[string]string{}
	for _, q := range qs {
		v, code := CheckAnswer(q, answers[q.ID])
		if code != "" {
			return nil, code
		}
		if v != "" {
			out[q.ID] = v
		}
	}
	return out, ""
}

// ParseAnswers reads a response's answers field ("" or null: none). Values
// that are not strings are refused.
func ParseAnswers(raw []byte) (map[string]string, error) {
	s := strings.TrimSpace(string(raw))
	if s == "" || s == "null" || s == `""` {
		return map[string]string{}, nil
	}
	out := map[string]string{}
	if err := json.Unmarshal([]byte(s), &out); err != nil {
		return nil, fmt.Errorf("surveys: malformed answers: %w", err)
	}
	return out, nil
}
