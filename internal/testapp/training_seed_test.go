package testapp

import "testing"

func TestSeedTraining(t *testing.T) {
	app := New(t)
	SeedTraining(t, app)
	for name, want := range map[string]int{"courses": 4, "lessons": 7, "quizzes": 2, "quiz_questions": 4, "quiz_answer_keys": 4} {
		n, err := app.CountRecords(name)
		if err != nil || int(n) != want {
			t.Errorf("%s: %d records (%v), want %d", name, n, err, want)
		}
	}
}
