package testapp

import (
	"testing"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"
)

// Fixture surveys (SeedSurveys). Acme is gold, Globex silver; both latam.
const (
	SurveyOpen   = "surveyopen00001" // open, all partners, series "nps" (the current round), three questions
	SurveyGold   = "surveygold00001" // open, gold tier only (Acme)
	SurveyDraft  = "surveydraft0001" // draft, all partners
	SurveyClosed = "surveyclosed001" // closed, all partners, series "nps" (last round), six answers
	SurveyOld    = "surveyold000001" // closed, all partners, series "nps" (the round before), one answer
	SurveyEnded  = "surveyended0001" // status open but its closing date has passed

	// Two more Globex partner users, so that Globex has four respondents
	// to SurveyClosed and Acme (two) falls under the small-group rule.
	GinaID    = "userglobexgina1"
	GinaEmail = "gina@globex.test"
	HugoID    = "userglobexhugo1"
	HugoEmail = "hugo@globex.test"

	// Answers to SurveyClosed (RespAcme* are Acme's, the small group).
	RespAcmeCarla   = "respacmecarla01"
	RespAcmeDiego   = "respacmediego01"
	RespGlobexElena = "respglobexelena"
	RespGlobexFabio = "respglobexfabio"
	RespGlobexGina  = "respglobexgina1"
	RespGlobexHugo  = "respglobexhugo1"
	RespOldElena    = "respoldelena001" // Elena's answer to SurveyOld

	// AcmeSecretComment is Carla's comment: never shown beside Acme's name.
	AcmeSecretComment = "Acme-only remark about onboarding delays"
)

// SurveyQuestions are SurveyOpen's questions: a required choice, a free
// text and a 1–5 scale.
const SurveyQuestions = `[{"id":"q1","kind":"choice","label":"Where do you find news first?","options":["Portal","E-mail"],"required":true},` +
	`{"id":"q2","kind":"text","label":"What should we improve?"},{"id":"q3","kind":"scale","label":"Training quality"}]`

// FixtureResponse is one seeded answer.
type FixtureResponse struct {
	ID, Survey, User string
	Score            int
	Comment          string
}

// FixtureResponses lists the answers SeedSurveys writes (as history, two
// months ago, through the hooks: each adds its NPS band's activity event).
var FixtureResponses = []FixtureResponse{
	{RespAcmeCarla, SurveyClosed, AcmeAdminID, 3, AcmeSecretComment},
	{RespAcmeDiego, SurveyClosed, AcmeUserID, 10, ""},
	{RespGlobexElena, SurveyClosed, GlobexAdminID, 10, "Great partner team"},
	{RespGlobexFabio, SurveyClosed, GlobexUserID, 9, "Fast deal approvals"},
	{RespGlobexGina, SurveyClosed, GinaID, 6, "Portal is slow on my phone"},
	{RespGlobexHugo, SurveyClosed, HugoID, 8, ""},
	{RespOldElena, SurveyOld, GlobexAdminID, 5, "Too many e-mails"},
}

// SeedSurveys adds the fixture surveys, Gina and Hugo, and the
// FixtureResponses to a fixture app.
func SeedSurveys(t testing.TB, app core.App) {
	t.Helper()
	now := time.Now().UTC()
	err := app.RunInTransaction(func(tx core.App) error {
		users, err := tx.FindCollectionByNameOrId("users")
		if err != nil {
			return err
		}
		for _, u := range [][3]string{{GinaID, GinaEmail, "Gina Ortiz"}, {HugoID, HugoEmail, "Hugo Vela"}} {
			r := core.NewRecord(users)
			r.Id = u[0]
			r.SetEmail(u[1])
			r.SetPassword(Password)
			r.SetVerified(true)
			r.Set("name", u[2])
			r.Set("role", "partner_user")
			r.Set("locale", "en")
			r.Set("partner", PartnerGlobex)
			if err := tx.Save(r); err != nil {
				return err
			}
		}
		c, err := tx.FindCollectionByNameOrId("surveys")
		if err != nil {
			return err
		}
		day := 24 * time.Hour
		for _, s := range []struct {
			id, title, status, round, questions string
			tiers                               []string
			opens, closes                       time.Duration
		}{
			{SurveyOpen, "Partner satisfaction Q3", "open", "2026 Q3", SurveyQuestions, nil, -2 * day, 14 * day},
			{SurveyGold, "Gold programme check-in", "open", "", "", []string{TierGold}, -day, 0},
			{SurveyDraft, "Draft pulse", "draft", "", "", nil, 0, 0},
			{SurveyClosed, "Partner satisfaction Q2", "closed", "2026 Q2", "", nil, -70 * day, -50 * day},
			{SurveyOld, "Partner satisfaction Q1", "closed", "2026 Q1", "", nil, -160 * day, -140 * day},
			{SurveyEnded, "Expired pulse", "open", "", "", nil, -10 * day, -day},
		} {
			r := core.NewRecord(c)
			r.Id = s.id
			r.Set("title", s.title)
			r.Set("intro", "Tell us **how we are doing**.")
			r.Set("status", s.status)
			r.Set("round", s.round)
			if s.round != "" {
				r.Set("series", "nps")
			}
			r.Set("questions", s.questions)
			r.Set("audience", "all")
			if s.tiers != nil {
				r.Set("audience", "tiers")
				r.Set("audience_tiers", s.tiers)
			}
			if s.opens != 0 {
				r.Set("opens", now.Add(s.opens))
			}
			if s.closes != 0 {
				r.Set("closes", now.Add(s.closes))
			}
			r.Set("created_by", AdminID)
			if err := tx.Save(r); err != nil {
				return err
			}
		}
		rc, err := tx.FindCollectionByNameOrId("survey_responses")
		if err != nil {
			return err
		}
		for i, f := range FixtureResponses {
			r := core.NewRecord(rc)
			r.Id = f.ID
			r.Set("survey", f.Survey)
			r.Set("user", f.User)
			r.Set("score", f.Score)
			r.Set("comment", f.Comment)
			at, err := types.ParseDateTime(now.Add(-60*day + time.Duration(i)*time.Hour))
			if err != nil {
				return err
			}
			r.SetRaw("created", at) // history: the hook keeps the date
			if err := tx.Save(r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("seeding surveys: %v", err)
	}
}
