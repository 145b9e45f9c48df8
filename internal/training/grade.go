package training

import (
	"errors"
	"fmt"
	"math"
	"slices"
)

// Question kinds.
const (
	KindSingle    = "single"
	KindMultiple  = "multiple"
	KindTrueFalse = "truefalse"
)

// Option is one answer option of a question, as quiz_questions.options
// stores it.
type Option struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// Question is what grading needs of a quiz question: its kind, options and
// points. Which options are correct is in its Key, never here.
type Question struct {
	ID      string
	Kind    string
	Options []Option
	Points  int
}

// HasOption reports whether id is one of the question's options.
func (q Question) HasOption(id string) bool {
	return slices.ContainsFunc(q.Options, func(o Option) bool { return o.ID == id })
}

// Key is a question's answer key (quiz_answer_keys): the correct option ids
// and the explanation shown after submission.
type Key struct {
	Correct     []string
	Explanation string
}

// Answers maps a question id to the option ids the learner chose.
type Answers map[string][]string

// QuestionResult is the grade of one question, as quiz_attempts.results
// stores it.
type QuestionResult struct {
	Correct bool `json:"correct"`
	Points  int  `json:"points"`
}

// Grade is the outcome of grading one attempt.
type Grade struct {
	Results   map[string]QuestionResult
	Points    int
	MaxPoints int
	// Score is Points out of MaxPoints in percent, rounded to one decimal.
	Score  float64
	Passed bool
}

// Errors of bad answers; AnswerError names the question.
var (
	ErrUnknownQuestion = errors.New("training: answer to a question not in the attempt")
	ErrUnknownOption   = errors.New("training: answer names an option the question does not have")
	ErrTooManyOptions  = errors.New("training: more than one option for a single-answer question")
)

// AnswerError is a refused answer: which question and why (one of the
// ErrUnknown… / ErrTooManyOptions errors).
type AnswerError struct {
	Question string
	Err      error
}

func (e *AnswerError) Error() string { return fmt.Sprintf("%v (question %s)", e.Err, e.Question) }

// Unwrap returns the reason.
func (e *AnswerError) Unwrap() error { return e.Err }

// CheckAnswers refuses answers to questions that are not among questions,
// options a question does not have, and more than one option for a single
// or true/false question. Repeated option ids count once.
func CheckAnswers(questions []Question, answers Answers) error {
	byID := make(map[string]Question, len(questions))
	for _, q := range questions {
		byID[q.ID] = q
	}
	ids := make([]string, 0, len(answers))
	for id := range answers {
		ids = append(ids, id)
	}
	slices.Sort(ids) // the first error is the same every time
	for _, id := range ids {
		q, ok := byID[id]
		if !ok {
			return &AnswerError{id, ErrUnknownQuestion}
		}
		chosen := dedupe(answers[id])
		for _, o := range chosen {
			if !q.HasOption(o) {
				return &AnswerError{id, ErrUnknownOption}
			}
		}
		if q.Kind != KindMultiple && len(chosen) > 1 {
			return &AnswerError{id, ErrTooManyOptions}
		}
	}
	return nil
}

// GradeAnswers grades answers against the keys: a question scores its
// points when the chosen options are exactly the correct ones (multiple
// choice is all-or-nothing), else 0; an unanswered question scores 0. The
// attempt passes when Points/MaxPoints reaches passMark percent, compared in
// whole numbers so 70 % of 10 points is exactly 7. The answers are checked
// with CheckAnswers first.
func GradeAnswers(questions []Question, keys map[string]Key, answers Answers, passMark int) (*Grade, error) {
	if err := CheckAnswers(questions, answers); err != nil {
		return nil, err
	}
	g := &Grade{Results: make(map[string]QuestionResult, len(questions))}
	for _, q := range questions {
		pts := max(q.Points, 1)
		g.MaxPoints += pts
		chosen := dedupe(answers[q.ID])
		correct := dedupe(keys[q.ID].Correct)
		ok := len(chosen) > 0 && len(chosen) == len(correct)
		if ok {
			for _, c := range chosen {
				if !slices.Contains(correct, c) {
					ok = false
					break
				}
			}
		}
		r := QuestionResult{Correct: ok}
		if ok {
			r.Points = pts
			g.Points += pts
		}
		g.Results[q.ID] = r
	}
	if g.MaxPoints > 0 {
		g.Score = math.Round(float64(g.Points)*1000/float64(g.MaxPoints)) / 10
		g.Passed = g.Points*100 >= passMark*g.MaxPoints
	}
	return g, nil
}

// dedupe returns ids without repeats or empty strings, in their first order.
func dedupe(ids []string) []string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if id != "" && !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
