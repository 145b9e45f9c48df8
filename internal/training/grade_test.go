package training

import (
	"errors"
	"fmt"
	"testing"
)

// fixtureQuiz mirrors the fixture's Partner 101 quiz: single (1 point,
// correct b), multiple (2 points, correct a and c), true/false (1 point,
// correct true).
func fixtureQuiz() ([]Question, map[string]Key) {
	qs := []Question{
		{ID: "s", Kind: KindSingle, Points: 1, Options: []Option{{"a", "A"}, {"b", "B"}, {"c", "C"}}},
		{ID: "m", Kind: KindMultiple, Points: 2, Options: []Option{{"a", "A"}, {"b", "B"}, {"c", "C"}, {"d", "D"}}},
		{ID: "t", Kind: KindTrueFalse, Points: 1, Options: []Option{{"true", "True"}, {"false", "False"}}},
	}
	keys := map[string]Key{"s": {Correct: []string{"b"}}, "m": {Correct: []string{"a", "c"}}, "t": {Correct: []string{"true"}}}
	return qs, keys
}

func TestGradeAnswersScores(t *testing.T) {
	qs, keys := fixtureQuiz()
	cases := []struct {
		name    string
		answers Answers
		points  int
		score   float64
		passed  bool
	}{
		{"all right", Answers{"s": {"b"}, "m": {"c", "a"}, "t": {"true"}}, 4, 100, true},
		{"single wrong", Answers{"s": {"a"}, "m": {"a", "c"}, "t": {"true"}}, 3, 75, true},
		{"multiple half right is wrong", Answers{"s": {"b"}, "m": {"a"}, "t": {"true"}}, 2, 50, false},
		{"multiple with an extra option is wrong", Answers{"s": {"b"}, "m": {"a", "b", "c"}, "t": {"true"}}, 2, 50, false},
		{"repeated option counts once", Answers{"s": {"b", "b"}, "m": {"a", "c", "a"}, "t": {"true"}}, 4, 100, true},
		{"unanswered scores 0", Answers{"m": {"a", "c"}}, 2, 50, false},
		{"nothing answered", Answers{}, 0, 0, false},
	}
	for _, c := range cases {
		g, err := GradeAnswers(qs, keys, c.answers, 70)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if g.Points != c.points || g.MaxPoints != 4 || g.Score != c.score || g.Passed != c.passed {
			t.Errorf("%s: got %d/%d %.1f%% passed=%v, want %d/4 %.1f%% passed=%v",
				c.name, g.Points, g.MaxPoints, g.Score, g.Passed, c.points, c.score, c.passed)
		}
	}
	g, _ := GradeAnswers(qs, keys, Answers{"s": {"b"}, "m": {"a", "c"}, "t": {"false"}}, 70)
	if !g.Results["s"].Correct || g.Results["s"].Points != 1 || !g.Results["m"].Correct || g.Results["m"].Points != 2 ||
		g.Results["t"].Correct || g.Results["t"].Points != 0 {
		t.Errorf("per-question results wrong: %+v", g.Results)
	}
}

// The pass mark is compared exactly: 7 of 10 points pass a 70 % mark, and
// a third rounds for display only.
func TestGradePassMarkBoundary(t *testing.T) {
	var qs []Question
	keys := map[string]Key{}
	answers := Answers{}
	for i := range 10 {
		id := fmt.Sprint(i)
		qs = append(qs, Question{ID: id, Kind: KindSingle, Points: 1, Options: []Option{{"x", "X"}, {"y", "Y"}}})
		keys[id] = Key{Correct: []string{"x"}}
		if i < 7 {
			answers[id] = []string{"x"}
		}
	}
	g, _ := GradeAnswers(qs, keys, answers, 70)
	if !g.Passed || g.Score != 70 {
		t.Errorf("7/10 at 70%%: passed=%v score=%v", g.Passed, g.Score)
	}
	g, _ = GradeAnswers(qs, keys, answers, 71)
	if g.Passed {
		t.Error("7/10 passed a 71% mark")
	}
	g, _ = GradeAnswers(qs[:3], keys, Answers{"0": {"x"}}, 34)
	if g.Score != 33.3 || g.Passed {
		t.Errorf("1/3: score %v passed %v, want 33.3 and failed", g.Score, g.Passed)
	}
}

func TestCheckAnswersRefusesBadInput(t *testing.T) {
	qs, keys := fixtureQuiz()
	cases := []struct {
		answers  Answers
		question string
		want     error
	}{
		{Answers{"s": {"z"}}, "s", ErrUnknownOption},
		{Answers{"m": {"a", "e"}}, "m", ErrUnknownOption},
		{Answers{"t": {"maybe"}}, "t", ErrUnknownOption},
		{Answers{"other": {"a"}}, "other", ErrUnknownQuestion},
		{Answers{"s": {"a", "b"}}, "s", ErrTooManyOptions},
		{Answers{"t": {"true", "false"}}, "t", ErrTooManyOptions},
	}
	for _, c := range cases {
		_, err := GradeAnswers(qs, keys, c.answers, 70)
		var ae *AnswerError
		if !errors.As(err, &ae) || !errors.Is(err, c.want) || ae.Question != c.question {
			t.Errorf("answers %v: error %v, want %v on %s", c.answers, err, c.want, c.question)
		}
	}
}

func TestProgress(t *testing.T) {
	cases := []struct{ dl, l, pq, q, want int }{
		{0, 3, 0, 1, 0}, {1, 3, 0, 1, 25}, {3, 3, 0, 1, 75}, {3, 3, 1, 1, 100},
		{2, 3, 0, 0, 66}, {0, 0, 0, 0, 0}, {5, 3, 2, 1, 100},
	}
	for _, c := range cases {
		if got := Progress(c.dl, c.l, c.pq, c.q); got != c.want {
			t.Errorf("Progress(%d/%d lessons, %d/%d quizzes) = %d, want %d", c.dl, c.l, c.pq, c.q, got, c.want)
		}
	}
}
