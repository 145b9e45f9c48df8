package migrations

import (
	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

// Survey statuses and feedback categories and statuses.
var (
	surveyStatuses     = []string{"draft", "open", "closed"}
	feedbackCategories = []string{"idea", "problem", "praise", "other"}
	feedbackStatuses   = []string{"new", "read", "done"}
)

// surveyOpenTo: the survey (fields prefixed by p) is open now and its
// audience includes the signed-in partner user.
func surveyOpenTo(p string) string {
	return `(` + p + `status = "open" && (` + p + `opens = "" || ` + p + `opens <= @now)` +
		` && (` + p + `closes = "" || ` + p + `closes > @now) && ` + audienceMatch(p) + `)`
}

// responseVisible: admins read every answer, a channel manager their
// partners' answers, everybody else only their own. Partner admins do not
// read their colleagues' answers: results are computed on the server.
const responseVisible = signedIn + ` && (` + isAdmin +
	` || (` + isManager + ` && partner.manager = @request.auth.id)` +
	` || user = @request.auth.id)`

// feedbackVisible: admins read all feedback, a channel manager their
// partners', the writer their own.
const feedbackVisible = signedIn + ` && (` + isAdmin +
	` || (` + isManager + ` && partner != "" && partner.manager = @request.auth.id)` +
	` || user = @request.auth.id)`

func init() {
	m.Register(func(app core.App) error {
		users, err := app.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		partners, err := app.FindCollectionByNameOrId("partners")
		if err != nil {
			return err
		}
		tiers, err := app.FindCollectionByNameOrId("tiers")
		if err != nil {
			return err
		}

		// Surveys: staff read all, admins write; partner users read the open
		// ones of their audience.
		s := core.NewBaseCollection("surveys", "pc_surveys00001")
		s.Fields.Add(
			&core.TextField{Name: "title", Required: true, Max: 200, Presentable: true},
			&core.TextField{Name: "intro", Max: 5000},
			&core.TextField{Name: "intro_html", Max: 20000},
			&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: surveyStatuses},
			&core.DateField{Name: "opens"},
			&core.DateField{Name: "closes"},
			&core.JSONField{Name: "questions", MaxSize: 20000},
			// series groups the rounds of one survey for the trend; round
			// names this round ("2026 Q1").
			&core.TextField{Name: "series", Max: 80},
			&core.TextField{Name: "round", Max: 80},
			&core.RelationField{Name: "created_by", CollectionId: users.Id, MaxSelect: 1},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		s.Fields.Add(audienceFields(tiers, partners)...)
		s.AddIndex("idx_surveys_status_opens", false, "status, opens", "")
		s.AddIndex("idx_surveys_series", false, "series, opens", "")
		s.AddIndex("idx_surveys_created", false, "created", "")
		visible := signedIn + ` && (` + isStaff + ` || ` + surveyOpenTo("") + `)`
		s.ListRule = ptr(visible)
		s.ViewRule = ptr(visible)
		s.CreateRule = ptr(signedIn + ` && ` + isAdmin + ` && created_by = @request.auth.id && @request.body.intro_html:isset = false`)
		s.UpdateRule = ptr(signedIn + ` && ` + isAdmin + ` && @request.body.intro_html:isset = false && @request.body.created_by:isset = false`)
		s.DeleteRule = ptr(signedIn + ` && ` + isAdmin)
		if err := app.Save(s); err != nil {
			return err
		}

		// Answers: one per user and survey (the unique index), the partner
		// set by the hook from the user, never from the body.
		r := core.NewBaseCollection("survey_responses", "pc_surveyresp01")
		r.Fields.Add(
			&core.RelationField{Name: "survey", CollectionId: s.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.RelationField{Name: "user", CollectionId: users.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.RelationField{Name: "partner", CollectionId: partners.Id, MaxSelect: 1, Required: true},
			// score 0 is a valid answer, so the field is not Required: the
			// Create rule demands it in the body and the field bounds it.
			&core.NumberField{Name: "score", OnlyInt: true, Min: ptrFloat(0), Max: ptrFloat(10)},
			&core.TextField{Name: "comment", Max: 2000},
			&core.JSONField{Name: "answers", MaxSize: 20000},
			&core.AutodateField{Name: "created", OnCreate: true},
		)
		r.AddIndex("idx_survey_responses_key", true, "survey, user", "")
		r.AddIndex("idx_survey_responses_partner", false, "survey, partner", "")
		r.AddIndex("idx_survey_responses_user", false, "user, created", "")
		r.AddIndex("idx_survey_responses_partner_created", false, "partner, created", "")
		r.ListRule = ptr(responseVisible)
		r.ViewRule = ptr(responseVisible)
		r.CreateRule = ptr(signedIn + ` && ` + hasPartner + ` && user = @request.auth.id` +
			` && @request.body.partner:isset = false && @request.body.score:isset = true && ` + surveyOpenTo("survey."))
		r.UpdateRule = nil
		r.DeleteRule = nil
		if err := app.Save(r); err != nil {
			return err
		}

		// Feedback: anyone signed in writes their own; staff read and mark.
		f := core.NewBaseCollection("feedback", "pc_feedback0001")
		f.Fields.Add(
			&core.RelationField{Name: "user", CollectionId: users.Id, MaxSelect: 1, Required: true, CascadeDelete: true},
			&core.RelationField{Name: "partner", CollectionId: partners.Id, MaxSelect: 1},
			&core.SelectField{Name: "category", Required: true, MaxSelect: 1, Values: feedbackCategories},
			&core.TextField{Name: "message", Required: true, Max: 4000},
			&core.TextField{Name: "page", Max: 500},
			&core.SelectField{Name: "status", Required: true, MaxSelect: 1, Values: feedbackStatuses},
			&core.AutodateField{Name: "created", OnCreate: true},
			&core.AutodateField{Name: "updated", OnCreate: true, OnUpdate: true},
		)
		f.AddIndex("idx_feedback_status_created", false, "status, created", "")
		f.AddIndex("idx_feedback_partner_created", false, "partner, created", "")
		f.AddIndex("idx_feedback_user_created", false, "user, created", "")
		f.AddIndex("idx_feedback_created", false, "created", "")
		f.ListRule = ptr(feedbackVisible)
		f.ViewRule = ptr(feedbackVisible)
		f.CreateRule = ptr(signedIn + ` && user = @request.auth.id && @request.body.partner:isset = false` +
			` && (@request.body.status:isset = false || @request.body.status = "new")`)
		f.UpdateRule = ptr(signedIn + ` && (` + isAdmin + ` || (` + isManager + ` && partner != "" && partner.manager = @request.auth.id))` +
			` && @request.body.user:isset = false && @request.body.partner:isset = false && @request.body.message:isset = false` +
			` && @request.body.category:isset = false && @request.body.page:isset = false`)
		f.DeleteRule = ptr(signedIn + ` && ` + isAdmin)
		return app.Save(f)
	}, func(app core.App) error {
		for _, name := range []string{"feedback", "survey_responses", "surveys"} {
			c, err := app.FindCollectionByNameOrId(name)
			if err != nil {
				continue
			}
			if err := app.Delete(c); err != nil {
				return err
			}
		}
		return nil
	})
}
