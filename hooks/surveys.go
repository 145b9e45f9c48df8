package hooks

import (
	"database/sql"
	"errors"

	"github.com/pocketbase/dbx"
	validation "github.com/pocketbase/ozzo-validation/v4"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/markdown"
	"github.com/ponte-portal/ponte/internal/surveys"
)

// bindSurveyHooks binds the surveys area's record hooks and jobs.
func bindSurveyHooks(app core.App) {
	app.OnRecordCreate("surveys").BindFunc(saveSurvey)
	app.OnRecordUpdate("surveys").BindFunc(saveSurvey)
	app.OnRecordCreate("survey_responses").BindFunc(createSurveyResponse)
	app.OnRecordCreate("feedback").BindFunc(createFeedback)
}

// surveyError is a field error the portal shows in the user's language.
func surveyError(field, code, msg string) validation.Errors {
	return validation.Errors{field: validation.NewError("validation_"+code, msg)}
}

// saveSurvey keeps a survey whole: the intro's HTML rendered from its
// Markdown (pages never render on view), valid custom questions, closing
// after opening, and questions frozen once anyone has answered (answers
// point at them).
func saveSurvey(e *core.RecordEvent) error {
	r := e.Record
	r.Set("intro_html", string(markdown.Render(r.GetString("intro"))))
	qs, err := surveys.ParseQuestions([]byte(r.GetString("questions")))
	if err != nil {
		return surveyError("questions", surveys.CodeKind, "The questions are malformed.")
	}
	if _, code := surveys.CheckQuestions(qs); code != "" {
		return surveyError("questions", code, "A question is incomplete.")
	}
	if o, c := r.GetDateTime("opens"), r.GetDateTime("closes"); !o.IsZero() && !c.IsZero() && !c.After(o) {
		return surveyError("closes", "survey_closes_before_opens", "The survey must close after it opens.")
	}
	if !r.IsNew() {
		old, err := e.App.FindRecordById(r.Collection(), r.Id)
		if err != nil {
			return err
		}
		if old.GetString("questions") != r.GetString("questions") {
			answered, err := SurveyHasAnswers(e.App, r.Id)
			if err != nil {
				return err
			}
			if answered {
				return surveyError("questions", "survey_questions_locked", "Questions cannot change once people have answered.")
			}
		}
	}
	return e.Next()
}

// SurveyHasAnswers says whether anyone has answered the survey.
func SurveyHasAnswers(app core.App, surveyID string) (bool, error) {
	return surveyAnswerExists(app, dbx.HashExp{"survey": surveyID})
}

// HasAnswered says whether the user has answered the survey (the unique
// (survey, user) index).
func HasAnswered(app core.App, surveyID, userID string) (bool, error) {
	return surveyAnswerExists(app, dbx.HashExp{"survey": surveyID, "user": userID})
}

func surveyAnswerExists(app core.App, where dbx.Expression) (bool, error) {
	var one int
	err := app.DB().Select("(1)").From("survey_responses").Where(where).Limit(1).Row(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// createSurveyResponse completes and checks an answer, whoever saves it
// (portal, REST or Go): the partner is the answering user's, the score is
// 0–10, the custom answers fit the survey's questions, and a second answer
// of the same user is refused (the unique index backs this up). In the same
// transaction it records one activity event of the answer's NPS band for
// the user's partner, which feeds the satisfaction KPI. A response saved
// with its created date already set (the demo, imports) is history: its
// event keeps that date.
func createSurveyResponse(e *core.RecordEvent) error {
	r := e.Record
	user, err := e.App.FindRecordById("users", r.GetString("user"))
	if err != nil {
		return surveyError("user", "invalid", "Unknown user.")
	}
	partner := user.GetString("partner")
	if partner == "" {
		return surveyError("survey", "survey_partners_only", "Only partner users answer surveys.")
	}
	r.Set("partner", partner)
	survey, err := e.App.FindRecordById("surveys", r.GetString("survey"))
	if err != nil {
		return surveyError("survey", "invalid", "Unknown survey.")
	}
	score := r.GetFloat("score")
	band := surveys.Band(int(score))
	if band == "" || score != float64(int(score)) {
		return surveyError("score", surveys.CodeScore, "Choose a score from 0 to 10.")
	}
	qs, err := surveys.ParseQuestions([]byte(survey.GetString("questions")))
	if err != nil {
		return err
	}
	answers, err := surveys.ParseAnswers([]byte(r.GetString("answers")))
	if err != nil {
		return surveyError("answers", surveys.CodeBadAnswers, "The answers are malformed.")
	}
	clean, code := surveys.CheckAnswers(qs, answers)
	if code != "" {
		return surveyError("answers", code, "An answer is missing or invalid.")
	}
	r.Set("answers", clean)
	dup, err := HasAnswered(e.App, survey.Id, user.Id)
	if err != nil {
		return err
	}
	if dup {
		return surveyError("survey", surveys.CodeAnsweredTwice, "You have already answered this survey.")
	}
	created := r.GetDateTime("created")
	kind := map[string]string{surveys.Promoter: activity.KindSurveyPromoter,
		surveys.Passive: activity.KindSurveyPassive, surveys.Detractor: activity.KindSurveyDetractor}[band]
	return e.App.RunInTransaction(func(tx core.App) error {
		e.App = tx
		if err := e.Next(); err != nil {
			return err
		}
		if created.IsZero() {
			return activity.RecordFor(tx, user, partner, kind, r)
		}
		c, err := tx.FindCachedCollectionByNameOrId("activity")
		if err != nil {
			return err
		}
		ev := core.NewRecord(c)
		ev.Set("kind", kind)
		ev.Set("user", user.Id)
		ev.Set("partner", partner)
		ev.Set("target_collection", "survey_responses")
		ev.Set("target_id", r.Id)
		ev.SetRaw("created", created) // history keeps its time
		return tx.Save(ev)
	})
}

// createFeedback files feedback under the writer's partner (none for
// staff), new, whatever the body said.
func createFeedback(e *core.RecordEvent) error {
	r := e.Record
	user, err := e.App.FindRecordById("users", r.GetString("user"))
	if err != nil {
		return surveyError("user", "invalid", "Unknown user.")
	}
	r.Set("partner", user.GetString("partner"))
	if r.GetString("status") == "" {
		r.Set("status", "new")
	}
	return e.Next()
}
