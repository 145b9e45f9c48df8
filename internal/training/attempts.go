package training

import (
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/activity"
)

// Grace is how long after its deadline an attempt is still accepted: the
// time a submit takes to travel from a slow phone. The server's clock is
// the authority; the page's countdown only helps.
const Grace = 10 * time.Second

// Errors of starting and submitting attempts; handlers map them to HTTP
// statuses (409, 429, 404).
var (
	ErrAttemptLimit = errors.New("training: no attempts left")
	ErrSubmitted    = errors.New("training: attempt already submitted")
	ErrTimeUp       = errors.New("training: the attempt's time is up")
	ErrNoQuestions  = errors.New("training: the quiz has no questions")
)

// CooldownError refuses a start before the quiz's cooldown has passed.
type CooldownError struct {
	Until time.Time
}

func (e *CooldownError) Error() string {
	return "training: cooling down until " + e.Until.Format(time.RFC3339)
}

// Remaining is the wait left at now, rounded up to the minute.
func (e *CooldownError) Remaining(now time.Time) time.Duration {
	d := e.Until.Sub(now)
	if d <= 0 {
		return 0
	}
	return (d + time.Minute - 1).Truncate(time.Minute)
}

// AttemptQuestion is one entry of quiz_attempts.question_order: a question
// and the order its options were shown in.
type AttemptQuestion struct {
	Question string   `json:"q"`
	Options  []string `json:"o"`
}

// Order returns an attempt's stored question order.
func Order(attempt *core.Record) []AttemptQuestion {
	var out []AttemptQuestion
	_ = attempt.UnmarshalJSONField("question_order", &out)
	return out
}

// StoredAnswers returns an attempt's stored answers.
func StoredAnswers(attempt *core.Record) Answers {
	out := Answers{}
	_ = attempt.UnmarshalJSONField("answers", &out)
	return out
}

// StoredResults returns an attempt's stored per-question results.
func StoredResults(attempt *core.Record) map[string]QuestionResult {
	out := map[string]QuestionResult{}
	_ = attempt.UnmarshalJSONField("results", &out)
	return out
}

// LoadQuestions reads a quiz's questions in order (prompt and options only:
// answer keys are another collection).
func LoadQuestions(app core.App, quizID string) ([]*core.Record, error) {
	var recs []*core.Record
	err := app.RecordQuery("quiz_questions").AndWhere(dbx.HashExp{"quiz_questions.quiz": quizID}).
		OrderBy("quiz_questions.order ASC", "quiz_questions.id ASC").All(&recs)
	return recs, err
}

// QuestionOf maps a question record for grading.
func QuestionOf(r *core.Record) Question {
	q := Question{ID: r.Id, Kind: r.GetString("kind"), Points: r.GetInt("points")}
	_ = r.UnmarshalJSONField("options", &q.Options)
	return q
}

// LoadKeys reads the answer keys of questions straight from the database.
// quiz_answer_keys is staff-only by rule: call it only to grade, or for the
// result page of a submitted attempt the viewer may see.
func LoadKeys(app core.App, questionIDs []string) (map[string]Key, error) {
	keys := make(map[string]Key, len(questionIDs))
	if len(questionIDs) == 0 {
		return keys, nil
	}
	ids := make([]any, len(questionIDs))
	for i, id := range questionIDs {
		ids[i] = id
	}
	var rows []struct {
		Question    string `db:"question"`
		Correct     string `db:"correct"`
		Explanation string `db:"explanation"`
	}
	if err := app.DB().Select("question", "correct", "explanation").From("quiz_answer_keys").
		Where(dbx.In("question", ids...)).All(&rows); err != nil {
		return nil, err
	}
	for _, r := range rows {
		k := Key{Explanation: r.Explanation}
		if r.Correct != "" {
			if err := json.Unmarshal([]byte(r.Correct), &k.Correct); err != nil {
				return nil, fmt.Errorf("training: answer key of %s: %w", r.Question, err)
			}
		}
		keys[r.Question] = k
	}
	return keys, nil
}

// attemptRow is the part of an attempt that starting a new one looks at.
type attemptRow struct {
	ID        string `db:"id"`
	Number    int    `db:"number"`
	Deadline  string `db:"deadline"`
	Submitted string `db:"submitted"`
}

// Attempts lists a user's attempts at a quiz, newest first.
func Attempts(app core.App, userID, quizID string) ([]*core.Record, error) {
	var recs []*core.Record
	err := app.RecordQuery("quiz_attempts").
		AndWhere(dbx.HashExp{"quiz_attempts.user": userID, "quiz_attempts.quiz": quizID}).
		OrderBy("quiz_attempts.number DESC").All(&recs)
	return recs, err
}

// Open reports whether an unsubmitted attempt can still be answered at now.
func Open(attempt *core.Record, now time.Time) bool {
	if !attempt.GetDateTime("submitted").IsZero() {
		return false
	}
	d := attempt.GetDateTime("deadline")
	return d.IsZero() || now.Before(d.Time().Add(Grace))
}

// StartAttempt starts the user's next attempt at quiz at now, or returns the
// open one (resumed true). Unsubmitted attempts whose time ran out are
// closed as failed first, so they count. It refuses past the attempt limit
// (ErrAttemptLimit), during the cooldown after the last submitted attempt
// (*CooldownError) and for a quiz without questions (ErrNoQuestions). The number is the previous one plus one, read in
// the caller's transaction (the unique (user, quiz, number) index backs it);
// questions, and their options, are shuffled per attempt when the quiz says
// so. Run it in a transaction.
func StartAttempt(app core.App, user, quiz *core.Record, now time.Time) (attempt *core.Record, resumed bool, err error) {
	var rows []attemptRow
	if err := app.DB().Select("id", "number", "deadline", "submitted").From("quiz_attempts").
		Where(dbx.HashExp{"user": user.Id, "quiz": quiz.Id}).OrderBy("number DESC").All(&rows); err != nil {
		return nil, false, err
	}
	last, lastDone := 0, time.Time{}
	for _, r := range rows {
		last = max(last, r.Number)
		if r.Submitted == "" {
			rec, err := app.FindRecordById("quiz_attempts", r.ID)
			if err != nil {
				return nil, false, err
			}
			if Open(rec, now) {
				return rec, true, nil
			}
			if err := CloseExpired(app, rec); err != nil {
				return nil, false, err
			}
			r.Submitted = rec.GetDateTime("submitted").String()
		}
		if t, err := parseDate(r.Submitted); err == nil && t.After(lastDone) {
			lastDone = t
		}
	}
	if limit := quiz.GetInt("attempt_limit"); limit > 0 && len(rows) >= limit {
		return nil, false, ErrAttemptLimit
	}
	if cd := quiz.GetInt("cooldown_minutes"); cd > 0 && !lastDone.IsZero() {
		if until := lastDone.Add(time.Duration(cd) * time.Minute); now.Before(until) {
			return nil, false, &CooldownError{Until: until}
		}
	}
	questions, err := LoadQuestions(app, quiz.Id)
	if err != nil {
		return nil, false, err
	}
	if len(questions) == 0 {
		return nil, false, ErrNoQuestions
	}
	order := make([]AttemptQuestion, len(questions))
	for i, q := range questions {
		qq := QuestionOf(q)
		order[i] = AttemptQuestion{Question: q.Id, Options: make([]string, len(qq.Options))}
		for j, o := range qq.Options {
			order[i].Options[j] = o.ID
		}
		if quiz.GetBool("shuffle") && qq.Kind != KindTrueFalse {
			rand.Shuffle(len(order[i].Options), func(a, b int) {
				order[i].Options[a], order[i].Options[b] = order[i].Options[b], order[i].Options[a]
			})
		}
	}
	if quiz.GetBool("shuffle") {
		rand.Shuffle(len(order), func(a, b int) { order[a], order[b] = order[b], order[a] })
	}
	coll, err := app.FindCachedCollectionByNameOrId("quiz_attempts")
	if err != nil {
		return nil, false, err
	}
	attempt = core.NewRecord(coll)
	attempt.Set("user", user.Id)
	attempt.Set("partner", user.GetString("partner"))
	attempt.Set("quiz", quiz.Id)
	attempt.Set("course", quiz.GetString("course"))
	attempt.Set("number", last+1)
	attempt.Set("question_order", order)
	attempt.Set("answers", Answers{})
	attempt.Set("results", map[string]QuestionResult{})
	attempt.Set("started", now)
	if tl := quiz.GetInt("time_limit_minutes"); tl > 0 {
		attempt.Set("deadline", now.Add(time.Duration(tl)*time.Minute))
	}
	if err := app.Save(attempt); err != nil {
		return nil, false, err
	}
	if err := activity.Record(app, user, activity.KindQuizStarted, attempt); err != nil {
		return nil, false, err
	}
	return attempt, false, nil
}

// CloseExpired closes an unsubmitted attempt whose time ran out as failed
// with score 0, submitted at its deadline, so that it counts towards the
// limit and the cooldown.
func CloseExpired(app core.App, attempt *core.Record) error {
	if !attempt.GetDateTime("submitted").IsZero() {
		return nil
	}
	at := attempt.GetDateTime("deadline")
	if at.IsZero() {
		at = types.NowDateTime()
	}
	attempt.Set("submitted", at)
	attempt.Set("points", 0)
	attempt.Set("score", 0)
	attempt.Set("passed", false)
	attempt.Set("results", map[string]QuestionResult{})
	return app.Save(attempt)
}

// SubmitAttempt grades an attempt at now and stores everything the grade
// changes, on app (run it in one transaction): the attempt (answers,
// results, points, score, passed, submitted), an activity event (two when
// passed) and, when passed, the learner's enrolment (passed quizzes; its
// hook recomputes progress, completes the course and issues certificates).
// It refuses a submitted attempt (ErrSubmitted), one whose time ran out
// (ErrTimeUp: the caller closes it with CloseExpired in its own transaction)
// and bad answers (*AnswerError), writing nothing.
func SubmitAttempt(app core.App, user, quiz, attempt *core.Record, answers Answers, now time.Time) (*Grade, error) {
	fresh, err := app.FindRecordById("quiz_attempts", attempt.Id)
	if err != nil {
		return nil, err
	}
	if !fresh.GetDateTime("submitted").IsZero() {
		return nil, ErrSubmitted
	}
	if !Open(fresh, now) {
		return nil, ErrTimeUp
	}
	order := Order(fresh)
	ids := make([]string, len(order))
	for i, o := range order {
		ids[i] = o.Question
	}
	recs, err := LoadQuestions(app, quiz.Id)
	if err != nil {
		return nil, err
	}
	byID := map[string]*core.Record{}
	for _, r := range recs {
		byID[r.Id] = r
	}
	// The questions shown in this attempt that still exist.
	var questions []Question
	for _, id := range ids {
		if r := byID[id]; r != nil {
			questions = append(questions, QuestionOf(r))
		}
	}
	if err := CheckAnswers(questions, answers); err != nil {
		return nil, err
	}
	keys, err := LoadKeys(app, ids)
	if err != nil {
		return nil, err
	}
	g, err := GradeAnswers(questions, keys, answers, quiz.GetInt("pass_mark"))
	if err != nil {
		return nil, err
	}
	clean := Answers{}
	for id, a := range answers {
		if d := dedupe(a); len(d) > 0 {
			clean[id] = d
		}
	}
	fresh.Set("answers", clean)
	fresh.Set("results", g.Results)
	fresh.Set("points", g.Points)
	fresh.Set("max_points", g.MaxPoints)
	fresh.Set("score", g.Score)
	fresh.Set("passed", g.Passed)
	fresh.Set("submitted", now)
	if err := app.Save(fresh); err != nil {
		return nil, err
	}
	if err := activity.Record(app, user, activity.KindQuizSubmitted, fresh); err != nil {
		return nil, err
	}
	if !g.Passed {
		return g, nil
	}
	if err := activity.Record(app, user, activity.KindQuizPassed, fresh); err != nil {
		return nil, err
	}
	enrol, err := FindEnrollment(app, user.Id, quiz.GetString("course"))
	if err != nil {
		return nil, err
	}
	if enrol == nil {
		return nil, fmt.Errorf("training: passed a quiz of a course %s without an enrolment", quiz.GetString("course"))
	}
	passed := enrol.GetStringSlice("passed_quizzes")
	for _, q := range passed {
		if q == quiz.Id {
			return g, nil
		}
	}
	enrol.Set("passed_quizzes", append(passed, quiz.Id))
	return g, app.Save(enrol)
}

// parseDate reads a date as PocketBase stores it; "" is the zero time.
func parseDate(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	d, err := types.ParseDateTime(s)
	if err != nil {
		return time.Time{}, err
	}
	return d.Time(), nil
}
