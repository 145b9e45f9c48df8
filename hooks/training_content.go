package hooks

import (
	"database/sql"
	"encoding/json"
	"errors"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
	"golang.org/x/text/unicode/norm"
)

// Limits of a question's options (the question bank's rules).
const (
	MinQuestionOptions = 2
	MaxQuestionOptions = 10
	MaxOptionText      = 500
)

// QuestionOption is one answer option of a quiz question, as stored in
// quiz_questions.options.
type QuestionOption struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// optionID is the shape of an option id.
var optionID = regexp.MustCompile(`^[a-z0-9_-]{1,20}$`)

// reservedCourseSlugs would collide with the portal's routes under /courses/.
var reservedCourseSlugs = map[string]bool{"new": true}

// Validation errors of course content, translated by the portal from their
// codes (validation.training_admin_* in the training_admin catalogues).
var (
	ErrCourseSlugTaken = validation.Errors{"slug": validation.NewError(
		"validation_training_admin_slug_taken", "Another course already uses this address.")}
	ErrCourseSlugReserved = validation.Errors{"slug": validation.NewError(
		"validation_training_admin_slug_reserved", "This address is reserved; choose another.")}
	ErrCoursePrereqSelf = validation.Errors{"prerequisites": validation.NewError(
		"validation_training_admin_prereq_self", "A course cannot be its own prerequisite.")}
	ErrCoursePrereqCycle = validation.Errors{"prerequisites": validation.NewError(
		"validation_training_admin_prereq_cycle", "These prerequisites would form a cycle.")}
	ErrQuizLessonCourse = validation.Errors{"lesson": validation.NewError(
		"validation_training_admin_quiz_lesson", "The lesson must belong to the quiz's course.")}
	ErrOptionsInvalid = validation.Errors{"options": validation.NewError(
		"validation_training_admin_options_invalid", "Options must be a list of {id, text}.")}
	ErrOptionsCount = validation.Errors{"options": validation.NewError(
		"validation_training_admin_options_count", "Give between 2 and 10 options.")}
	ErrOptionID = validation.Errors{"options": validation.NewError(
		"validation_training_admin_option_id", "Option ids use a-z, 0-9, _ and -, at most 20 characters.")}
	ErrOptionIDDuplicate = validation.Errors{"options": validation.NewError(
		"validation_training_admin_option_id_duplicate", "Two options have the same id.")}
	ErrOptionText = validation.Errors{"options": validation.NewError(
		"validation_training_admin_option_text", "Every option needs a text of at most 500 characters.")}
	ErrTrueFalseOptions = validation.Errors{"options": validation.NewError(
		"validation_training_admin_truefalse", "A true/false question has exactly the options true and false.")}
	ErrKeyStale = validation.Errors{"options": validation.NewError(
		"validation_training_admin_key_stale", "The answer key no longer fits these options; correct it in the same change.")}
	ErrKeyUnknown = validation.Errors{"correct": validation.NewError(
		"validation_training_admin_key_unknown", "Correct answers must be options of the question.")}
	ErrKeyOne = validation.Errors{"correct": validation.NewError(
		"validation_training_admin_key_one", "Mark exactly one correct answer.")}
	ErrKeyAtLeastOne = validation.Errors{"correct": validation.NewError(
		"validation_training_admin_key_at_least_one", "Mark at least one correct answer.")}
)

// bindTrainingContentHooks binds the hooks of course content (derived counts on courses and quizzes, question validation).
func bindTrainingContentHooks(app core.App) {
	app.OnRecordValidate("courses").BindFunc(validateCourse)
	app.OnRecordCreate("courses").BindFunc(keepCourseCounts)
	app.OnRecordUpdate("courses").BindFunc(keepCourseCounts)
	app.OnRecordValidate("quizzes").BindFunc(validateQuiz)
	app.OnRecordCreate("quizzes").BindFunc(keepQuizCounts)
	app.OnRecordUpdate("quizzes").BindFunc(keepQuizCounts)
	app.OnRecordValidate("quiz_questions").BindFunc(validateQuestion)
	app.OnRecordValidate("quiz_answer_keys").BindFunc(validateAnswerKey)

	for _, c := range []string{"lessons", "quizzes"} {
		app.OnRecordCreate(c).BindFunc(recountCourseAfter)
		app.OnRecordUpdate(c).BindFunc(recountCourseAfter)
		app.OnRecordDelete(c).BindFunc(recountCourseAfter)
	}
	app.OnRecordCreate("enrollments").BindFunc(rollEnrollment)
	app.OnRecordUpdate("enrollments").BindFunc(rollEnrollment)
	app.OnRecordDelete("enrollments").BindFunc(rollEnrollment)
	app.OnRecordCreate("quiz_attempts").BindFunc(rollAttempt)
	app.OnRecordUpdate("quiz_attempts").BindFunc(rollAttempt)
	app.OnRecordDelete("quiz_attempts").BindFunc(rollAttempt)

	app.OnRecordCreate("quiz_questions").BindFunc(recountQuizAfter)
	app.OnRecordUpdate("quiz_questions").BindFunc(recountQuizAfter)
	app.OnRecordDelete("quiz_questions").BindFunc(recountQuizAfter)
}

// CourseSlug makes a course address from a title: "Introdução às Vendas" →
// "introducao-as-vendas" (accents dropped, at most 60 characters).
func CourseSlug(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range norm.NFD.String(strings.ToLower(title)) {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case r < utf8.RuneSelf && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			dash = false
			b.WriteRune(r)
		default:
			dash = true
		}
		if b.Len() >= 60 {
			break
		}
	}
	s := strings.Trim(b.String(), "-")
	if s == "" {
		s = "course"
	}
	return s
}

// slugTaken says whether another course than id uses slug.
func slugTaken(app core.App, slug, id string) (bool, error) {
	var n int
	err := app.DB().Select("COUNT(*)").From("courses").
		Where(dbx.HashExp{"slug": slug}).AndWhere(dbx.Not(dbx.HashExp{"id": id})).Row(&n)
	return n > 0, err
}

// validateCourse trims the title, generates the slug from the title when
// none is given (numbered when taken), refuses a slug another course uses
// and prerequisites that include the course itself or lead back to it.
func validateCourse(e *core.RecordEvent) error {
	r := e.Record
	r.Set("title", strings.TrimSpace(r.GetString("title")))
	slug := strings.TrimSpace(r.GetString("slug"))
	if slug == "" && r.GetString("title") != "" {
		base := CourseSlug(r.GetString("title"))
		slug = base
		for i := 2; ; i++ {
			taken, err := slugTaken(e.App, slug, r.Id)
			if err != nil {
				return err
			}
			if !taken && !reservedCourseSlugs[slug] {
				break
			}
			slug = base + "-" + strconv.Itoa(i)
		}
	} else if slug != "" {
		if reservedCourseSlugs[slug] {
			return ErrCourseSlugReserved
		}
		taken, err := slugTaken(e.App, slug, r.Id)
		if err != nil {
			return err
		}
		if taken {
			return ErrCourseSlugTaken
		}
	}
	r.Set("slug", slug)
	if err := checkPrerequisites(e.App, r); err != nil {
		return err
	}
	return e.Next()
}

// checkPrerequisites walks the prerequisite graph from r's prerequisites and
// refuses r itself among them or reachable from them.
func checkPrerequisites(app core.App, r *core.Record) error {
	pre := r.GetStringSlice("prerequisites")
	if slices.Contains(pre, r.Id) {
		return ErrCoursePrereqSelf
	}
	if r.Id == "" || len(pre) == 0 {
		return nil
	}
	seen := map[string]bool{}
	frontier := pre
	for len(frontier) > 0 && len(seen) < 10000 {
		ids := make([]any, 0, len(frontier))
		for _, id := range frontier {
			if !seen[id] {
				seen[id] = true
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			break
		}
		var rows []struct {
			Prerequisites types.JSONArray[string] `db:"prerequisites"`
		}
		if err := app.DB().Select("prerequisites").From("courses").Where(dbx.In("id", ids...)).All(&rows); err != nil {
			return err
		}
		frontier = nil
		for _, row := range rows {
			for _, id := range row.Prerequisites {
				if id == r.Id {
					return ErrCoursePrereqCycle
				}
				frontier = append(frontier, id)
			}
		}
	}
	return nil
}

// keepCourseCounts sets lesson_count and quiz_count from the course's rows
// before it is written, so that saving a course loaded before its lessons
// changed never writes stale counts back.
func keepCourseCounts(e *core.RecordEvent) error {
	lessons, quizzes, err := countCourseContent(e.App, e.Record.Id)
	if err != nil {
		return err
	}
	e.Record.Set("lesson_count", lessons)
	e.Record.Set("quiz_count", quizzes)
	return e.Next()
}

func countCourseContent(app core.App, course string) (lessons, quizzes int, err error) {
	if course == "" {
		return 0, 0, nil
	}
	err = app.DB().NewQuery("SELECT (SELECT COUNT(*) FROM lessons WHERE course = {:c}), (SELECT COUNT(*) FROM quizzes WHERE course = {:c})").
		Bind(dbx.Params{"c": course}).Row(&lessons, &quizzes)
	return lessons, quizzes, err
}

// keepQuizCounts sets question_count and max_points from the quiz's
// questions before it is written.
func keepQuizCounts(e *core.RecordEvent) error {
	n, points, err := countQuizContent(e.App, e.Record.Id)
	if err != nil {
		return err
	}
	e.Record.Set("question_count", n)
	e.Record.Set("max_points", points)
	return e.Next()
}

func countQuizContent(app core.App, quiz string) (n, points int, err error) {
	if quiz == "" {
		return 0, 0, nil
	}
	err = app.DB().NewQuery("SELECT COUNT(*), COALESCE(SUM(points), 0) FROM quiz_questions WHERE quiz = {:q}").
		Bind(dbx.Params{"q": quiz}).Row(&n, &points)
	return n, points, err
}

// recountCourseAfter writes a lesson or quiz change and then the counts of
// its course (and of the course it left), in the change's transaction.
func recountCourseAfter(e *core.RecordEvent) error {
	parents := changedParents(e.App, e.Record, "course")
	return e.App.RunInTransaction(func(tx core.App) error {
		e.App = tx
		if err := e.Next(); err != nil {
			return err
		}
		for _, c := range parents {
			lessons, quizzes, err := countCourseContent(tx, c)
			if err != nil {
				return err
			}
			if _, err := tx.DB().Update("courses", dbx.Params{"lesson_count": lessons, "quiz_count": quizzes},
				dbx.HashExp{"id": c}).Execute(); err != nil {
				return err
			}
		}
		return nil
	})
}

// recountQuizAfter writes a question change and then the question count and
// maximum points of its quiz (and of the quiz it left).
func recountQuizAfter(e *core.RecordEvent) error {
	parents := changedParents(e.App, e.Record, "quiz")
	return e.App.RunInTransaction(func(tx core.App) error {
		e.App = tx
		if err := e.Next(); err != nil {
			return err
		}
		for _, q := range parents {
			n, points, err := countQuizContent(tx, q)
			if err != nil {
				return err
			}
			if _, err := tx.DB().Update("quizzes", dbx.Params{"question_count": n, "max_points": points},
				dbx.HashExp{"id": q}).Execute(); err != nil {
				return err
			}
		}
		return nil
	})
}

// changedParents lists the parent ids a change touches: the record's
// parent and, when it moves, the one stored before (read from the database:
// a record saved twice in one process has no reliable Original).
func changedParents(app core.App, r *core.Record, field string) []string {
	var out []string
	if p := r.GetString(field); p != "" {
		out = append(out, p)
	}
	if r.IsNew() || r.Id == "" {
		return out
	}
	var stored string
	_ = app.DB().Select(field).From(r.Collection().Name).Where(dbx.HashExp{"id": r.Id}).Row(&stored)
	if stored != "" && !slices.Contains(out, stored) {
		out = append(out, stored)
	}
	return out
}

// validateQuiz refuses a lesson of another course.
func validateQuiz(e *core.RecordEvent) error {
	r := e.Record
	r.Set("title", strings.TrimSpace(r.GetString("title")))
	if l := r.GetString("lesson"); l != "" {
		var course string
		err := e.App.DB().Select("course").From("lessons").Where(dbx.HashExp{"id": l}).Row(&course)
		if err != nil || course != r.GetString("course") {
			return ErrQuizLessonCourse
		}
	}
	return e.Next()
}

// QuestionOptions reads a question's stored options; ok is false when they
// are not a JSON list of {id, text}.
func QuestionOptions(r *core.Record) (opts []QuestionOption, ok bool) {
	raw, err := json.Marshal(r.Get("options"))
	if err != nil {
		return nil, false
	}
	if raw2, isRaw := r.Get("options").(types.JSONRaw); isRaw {
		raw = raw2
	}
	if len(raw) == 0 || string(raw) == "null" {
		return nil, true
	}
	var items []map[string]any
	if err := json.Unmarshal(raw, &items); err != nil {
		return nil, false
	}
	for _, it := range items {
		if len(it) != 2 {
			return nil, false
		}
		id, ok1 := it["id"].(string)
		text, ok2 := it["text"].(string)
		if !ok1 || !ok2 {
			return nil, false
		}
		opts = append(opts, QuestionOption{ID: id, Text: text})
	}
	return opts, true
}

// checkOptions applies the question bank's rules to a question's options.
func checkOptions(kind string, opts []QuestionOption) error {
	if len(opts) < MinQuestionOptions || len(opts) > MaxQuestionOptions {
		if kind == "truefalse" {
			return ErrTrueFalseOptions
		}
		return ErrOptionsCount
	}
	seen := map[string]bool{}
	for _, o := range opts {
		if !optionID.MatchString(o.ID) {
			return ErrOptionID
		}
		if seen[o.ID] {
			return ErrOptionIDDuplicate
		}
		seen[o.ID] = true
		if strings.TrimSpace(o.Text) == "" || utf8.RuneCountInString(o.Text) > MaxOptionText {
			return ErrOptionText
		}
	}
	if kind == "truefalse" && (len(opts) != 2 || !seen["true"] || !seen["false"]) {
		return ErrTrueFalseOptions
	}
	return nil
}

// checkKey applies the answer key's rules: correct names options of the
// question, exactly one for single and true/false, at least one for
// multiple.
func checkKey(kind string, opts []QuestionOption, correct []string) error {
	known := map[string]bool{}
	for _, o := range opts {
		known[o.ID] = true
	}
	seen := map[string]bool{}
	for _, c := range correct {
		if !known[c] || seen[c] {
			return ErrKeyUnknown
		}
		seen[c] = true
	}
	switch {
	case kind == "multiple" && len(correct) == 0:
		return ErrKeyAtLeastOne
	case kind != "multiple" && len(correct) != 1:
		return ErrKeyOne
	}
	return nil
}

// keyCorrect reads an answer key's correct ids; ok is false when they are
// not a JSON list of strings.
func keyCorrect(r *core.Record) (ids []string, ok bool) {
	raw, isRaw := r.Get("correct").(types.JSONRaw)
	if !isRaw {
		b, err := json.Marshal(r.Get("correct"))
		if err != nil {
			return nil, false
		}
		raw = b
	}
	if len(raw) == 0 || string(raw) == "null" {
		return nil, true
	}
	if err := json.Unmarshal(raw, &ids); err != nil {
		return nil, false
	}
	return ids, true
}

// validateQuestion checks the options and, when a question that has an
// answer key changes its options or kind, that the key still fits.
func validateQuestion(e *core.RecordEvent) error {
	r := e.Record
	r.Set("prompt", strings.TrimSpace(r.GetString("prompt")))
	opts, ok := QuestionOptions(r)
	if !ok {
		return ErrOptionsInvalid
	}
	if err := checkOptions(r.GetString("kind"), opts); err != nil {
		return err
	}
	if !r.IsNew() {
		key, err := e.App.FindFirstRecordByData("quiz_answer_keys", "question", r.Id)
		if err == nil {
			correct, ok := keyCorrect(key)
			if !ok || checkKey(r.GetString("kind"), opts, correct) != nil {
				return ErrKeyStale
			}
		}
	}
	return e.Next()
}

// validateAnswerKey checks an answer key against its question.
func validateAnswerKey(e *core.RecordEvent) error {
	r := e.Record
	correct, ok := keyCorrect(r)
	if !ok {
		return ErrKeyUnknown
	}
	q, err := e.App.FindRecordById("quiz_questions", r.GetString("question"))
	if err != nil {
		return e.Next() // the relation field reports the missing question
	}
	opts, _ := QuestionOptions(q)
	if err := checkKey(q.GetString("kind"), opts, correct); err != nil {
		return err
	}
	r.Set("explanation", strings.TrimSpace(r.GetString("explanation")))
	return e.Next()
}

// enrolmentFacts is what the progress rollup counts of one enrolment.
type enrolmentFacts struct {
	Course  string `db:"course"`
	Partner string `db:"partner"`
	Status  string `db:"status"`
}

// progressDelta is a change to the course_progress_stats rows of a course:
// its partner's row and its totals row (empty partner).
type progressDelta struct {
	enrolled, inProgress, completed, bestTenths, bestCount int
}

func (d progressDelta) zero() bool { return d == progressDelta{} }

// applyProgress adds d to the course's partner row and totals row, creating
// them when adding (an enrolment or a score) and only updating existing rows
// when taking away, so that the cascade of a deleted course never leaves a
// row behind.
func applyProgress(app core.App, course, partner string, d progressDelta) error {
	if course == "" || d.zero() {
		return nil
	}
	params := dbx.Params{"c": course, "e": d.enrolled, "i": d.inProgress, "d": d.completed, "t": d.bestTenths, "n": d.bestCount}
	adding := d.enrolled > 0 || d.bestCount > 0
	rows := []string{""}
	if partner != "" {
		rows = []string{partner, ""}
	}
	for _, p := range rows {
		params["p"] = p
		q := `UPDATE course_progress_stats SET enrolled = enrolled + {:e}, in_progress = in_progress + {:i},
			completed = completed + {:d}, best_tenths = best_tenths + {:t}, best_count = best_count + {:n}
			WHERE course = {:c} AND partner = {:p}`
		if adding {
			q = `INSERT INTO course_progress_stats (course, partner, enrolled, in_progress, completed, best_tenths, best_count)
			VALUES ({:c}, {:p}, {:e}, {:i}, {:d}, {:t}, {:n})
			ON CONFLICT (course, partner) DO UPDATE SET enrolled = enrolled + {:e}, in_progress = in_progress + {:i},
			completed = completed + {:d}, best_tenths = best_tenths + {:t}, best_count = best_count + {:n}`
		}
		if _, err := app.DB().NewQuery(q).Bind(params).Execute(); err != nil {
			return err
		}
	}
	return nil
}

// statusDelta is one enrolment's share of the counts.
func statusDelta(status string, sign int) progressDelta {
	d := progressDelta{enrolled: sign}
	switch status {
	case "in_progress":
		d.inProgress = sign
	case "completed":
		d.completed = sign
	}
	return d
}

// rollEnrollment keeps the progress rollup in the enrolment change's
// transaction: the stored row's share is taken away and the saved row's
// added (a delete only takes away).
func rollEnrollment(e *core.RecordEvent) error {
	r := e.Record
	var before *enrolmentFacts
	if !r.IsNew() {
		f := &enrolmentFacts{}
		err := e.App.DB().Select("course", "partner", "status").From("enrollments").Where(dbx.HashExp{"id": r.Id}).One(f)
		if err == nil {
			before = f
		} else if !errors.Is(err, sql.ErrNoRows) {
			return err
		}
	}
	deleting := e.Type == core.ModelEventTypeDelete
	return e.App.RunInTransaction(func(tx core.App) error {
		e.App = tx
		if err := e.Next(); err != nil {
			return err
		}
		after := &enrolmentFacts{Course: r.GetString("course"), Partner: r.GetString("partner"), Status: r.GetString("status")}
		if before != nil && !deleting && *before == *after {
			return nil
		}
		if before != nil {
			if err := applyProgress(tx, before.Course, before.Partner, statusDelta(before.Status, -1)); err != nil {
				return err
			}
		}
		if deleting {
			return nil
		}
		return applyProgress(tx, after.Course, after.Partner, statusDelta(after.Status, 1))
	})
}

// bestScore is a learner's best submitted score in a course, if any.
func bestScore(app core.App, course, user string) (sql.NullFloat64, error) {
	var best sql.NullFloat64
	err := app.DB().NewQuery("SELECT MAX(score) FROM quiz_attempts WHERE course = {:c} AND user = {:u} AND submitted != ''").
		Bind(dbx.Params{"c": course, "u": user}).Row(&best)
	return best, err
}

// tenths is a score in tenths of a percent.
func tenths(score float64) int { return int(math.Round(score * 10)) }

// rollAttempt keeps the learners' best scores in the progress rollup: the
// learner's best in the course before and after the change, on the
// (course, user, submitted, score) index.
func rollAttempt(e *core.RecordEvent) error {
	r := e.Record
	course, user, partner := r.GetString("course"), r.GetString("user"), r.GetString("partner")
	before, err := bestScore(e.App, course, user)
	if err != nil {
		return err
	}
	return e.App.RunInTransaction(func(tx core.App) error {
		e.App = tx
		if err := e.Next(); err != nil {
			return err
		}
		after, err := bestScore(tx, course, user)
		if err != nil {
			return err
		}
		d := progressDelta{}
		if before.Valid {
			d.bestTenths -= tenths(before.Float64)
			d.bestCount--
		}
		if after.Valid {
			d.bestTenths += tenths(after.Float64)
			d.bestCount++
		}
		return applyProgress(tx, course, partner, d)
	})
}

// RebuildCourseProgress recomputes the whole progress rollup from the
// enrolments and attempts, for data written around the hooks (imports,
// benchmarks) and to check that the kept figures agree.
func RebuildCourseProgress(app core.App) error {
	return app.RunInTransaction(func(tx core.App) error {
		db := tx.DB()
		steps := []string{
			`DELETE FROM course_progress_stats`,
			`INSERT INTO course_progress_stats (course, partner, enrolled, in_progress, completed, best_tenths, best_count)
			SELECT course, partner, COUNT(*), SUM(status = 'in_progress'), SUM(status = 'completed'), 0, 0
			FROM enrollments WHERE partner != '' GROUP BY course, partner`,
			`INSERT INTO course_progress_stats (course, partner, enrolled, in_progress, completed, best_tenths, best_count)
			SELECT course, '', COUNT(*), SUM(status = 'in_progress'), SUM(status = 'completed'), 0, 0
			FROM enrollments GROUP BY course`,
		}
		for _, q := range steps {
			if _, err := db.NewQuery(q).Execute(); err != nil {
				return err
			}
		}
		var rows []struct {
			Course  string  `db:"course"`
			Partner string  `db:"partner"`
			Best    float64 `db:"best"`
		}
		if err := db.NewQuery(`SELECT course, partner, MAX(score) AS best FROM quiz_attempts
			WHERE submitted != '' GROUP BY course, user`).All(&rows); err != nil {
			return err
		}
		for _, r := range rows {
			d := progressDelta{bestTenths: tenths(r.Best), bestCount: 1}
			if err := applyProgress(tx, r.Course, r.Partner, d); err != nil {
				return err
			}
		}
		return nil
	})
}
