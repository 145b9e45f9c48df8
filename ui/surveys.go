package ui

import (
	"errors"
	"html/template"
	"net/http"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/roles"
	"github.com/ponte-portal/ponte/internal/surveys"
)

// surveyRoutes binds the portal pages of satisfaction surveys, their results and the feedback form.
func (u *portal) surveyRoutes(g, in, staff *router.RouterGroup[*core.RequestEvent]) {
	in.GET("/surveys", u.surveyList)
	in.GET("/surveys/{id}", u.surveyShow)
	in.POST("/surveys/{id}", u.surveyAnswer)
	in.GET("/feedback", u.feedbackShow)
	in.POST("/feedback", u.feedbackSubmit)

	staff.GET("/surveys/new", u.surveyEditShow)
	staff.POST("/surveys/new", u.surveyEditSubmit)
	staff.GET("/surveys/{id}/edit", u.surveyEditShow)
	staff.POST("/surveys/{id}/edit", u.surveyEditSubmit)
	staff.POST("/surveys/{id}/status", u.surveyStatus)
	staff.GET("/surveys/{id}/results", u.surveyResults)
	staff.GET("/surveys/{id}/results.csv", u.surveyExport)
	staff.GET("/feedback/inbox", u.feedbackInbox)
	staff.POST("/feedback/{id}/status", u.feedbackStatus)
}

// SurveyView is a survey as lists, the answer page and the results show it.
type SurveyView struct {
	ID, Title, Status, Audience, Series, Round string
	// State is draft, scheduled, open or closed (as of the page view).
	State         string
	Intro         template.HTML
	Opens, Closes time.Time
	Questions     []surveys.Question
	// Answered: the viewer has answered (partner lists).
	Answered bool
	// Staff lists: answers and NPS of those the viewer may see.
	surveys.Counts
	NPS    float64
	HasNPS bool
}

// surveyState names where a survey stands at t.
func surveyState(r *core.Record, t time.Time) string {
	switch r.GetString("status") {
	case "draft":
		return "draft"
	case "closed":
		return "closed"
	}
	if o := r.GetDateTime("opens"); !o.IsZero() && o.Time().After(t) {
		return "scheduled"
	}
	if c := r.GetDateTime("closes"); !c.IsZero() && !c.Time().After(t) {
		return "closed"
	}
	return "open"
}

// surveyView maps a survey record (questions that fail to parse show none).
func surveyView(r *core.Record) *SurveyView {
	qs, _ := surveys.ParseQuestions([]byte(r.GetString("questions")))
	return &SurveyView{
		ID: r.Id, Title: r.GetString("title"), Status: r.GetString("status"), Audience: r.GetString("audience"),
		Series: r.GetString("series"), Round: r.GetString("round"), State: surveyState(r, now()),
		Intro: template.HTML(r.GetString("intro_html")), Opens: r.GetDateTime("opens").Time(),
		Closes: r.GetDateTime("closes").Time(), Questions: qs,
	}
}

// setCounts puts counts and their NPS on v.
func (v *SurveyView) setCounts(c surveys.Counts) {
	v.Counts = c
	v.NPS, v.HasNPS = c.NPS()
}

// isAdminUser says whether the user is a vendor admin (who writes surveys).
func isAdminUser(user *core.Record) bool { return roles.Of(user) == roles.Admin }

// visibleSurvey loads the survey in the path through its View rule.
func visibleSurvey(e *core.RequestEvent) (*core.Record, error) {
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	rec, err := access.FindVisible(e.App, info, "surveys", e.Request.PathValue("id"))
	if errors.Is(err, access.ErrNotFound) {
		return nil, e.NotFoundError("", err)
	}
	return rec, err
}

// bandCounts counts, per survey of ids, the answers the viewer's List rule
// on survey_responses admits (a manager: their partners'), narrowed by
// where. One grouped query on the (survey, partner) index.
func bandCounts(app core.App, info *core.RequestInfo, ids []string, where ...dbx.Expression) (map[string]surveys.Counts, error) {
	out := map[string]surveys.Counts{}
	if len(ids) == 0 {
		return out, nil
	}
	c, err := app.FindCachedCollectionByNameOrId("survey_responses")
	if err != nil {
		return nil, err
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	// The rule's joins could repeat a row: the inner query keeps each
	// answer once.
	inner := app.RecordQuery(c).Select("survey_responses.id AS [[id]]", "survey_responses.survey AS [[s]]",
		"survey_responses.score AS [[score]]").Distinct(true).AndWhere(dbx.In("survey_responses.survey", args...))
	for _, w := range where {
		inner.AndWhere(w)
	}
	if err := access.ApplyListRule(app, info, c, inner); err != nil {
		return nil, err
	}
	sub := inner.Build()
	var rows []struct {
		S string `db:"s"`
		P int    `db:"p"`
		N int    `db:"n"`
		D int    `db:"d"`
	}
	err = app.DB().Select("[[s]]", "SUM([[score]] >= 9) AS [[p]]", "SUM([[score]] BETWEEN 7 AND 8) AS [[n]]",
		"SUM([[score]] <= 6) AS [[d]]").From("(" + sub.SQL() + ") AS t").Bind(sub.Params()).GroupBy("s").All(&rows)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.S] = surveys.Counts{Promoters: r.P, Passives: r.N, Detractors: r.D}
	}
	return out, nil
}

// answeredBy returns which of the surveys ids the user has answered, from
// their own responses on the (survey, user) index.
func answeredBy(app core.App, info *core.RequestInfo, ids []string) (map[string]*core.Record, error) {
	out := map[string]*core.Record{}
	if len(ids) == 0 || info.Auth == nil {
		return out, nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	page, err := access.ListVisible(app, info, "survey_responses", access.ListOptions{
		Where:   []dbx.Expression{dbx.In("survey_responses.survey", args...), dbx.HashExp{"survey_responses.user": info.Auth.Id}},
		PerPage: len(ids)})
	if err != nil {
		return nil, err
	}
	for _, r := range page.Items {
		out[r.GetString("survey")] = r
	}
	return out, nil
}

// openSurveysExpr narrows a partner's list to surveys open at t (the rule
// says so too; staff lists use it for the "open" filter).
func openSurveysExpr(t time.Time) dbx.Expression {
	return dbx.NewExp("surveys.status = 'open' AND (surveys.opens = '' OR surveys.opens <= {:svAt})"+
		" AND (surveys.closes = '' OR surveys.closes > {:svAt})", dbx.Params{"svAt": dbTime(t)})
}

// SurveyHome is the partner home's "We'd like your opinion" panel.
type SurveyHome struct {
	ID, Title string
	Closes    time.Time
}

// homeSurveyScan is how many open surveys the home panel looks through for
// one the user has not answered.
const homeSurveyScan = 10

// homeSurvey returns the home page panel of the survey the user is invited to answer now (nil: no panel). The panel's
// partial is defined in its area's templates.
func (u *portal) homeSurvey(e *core.RequestEvent, info *core.RequestInfo) (any, error) {
	if info.Auth == nil || !roles.IsPartnerRole(roles.Of(info.Auth)) {
		return nil, nil
	}
	page, err := access.ListVisible(e.App, info, "surveys", access.ListOptions{
		Where: []dbx.Expression{openSurveysExpr(now())}, Sort: []string{"-created"}, PerPage: homeSurveyScan})
	if err != nil || len(page.Items) == 0 {
		return nil, err
	}
	ids := make([]string, len(page.Items))
	for i, r := range page.Items {
		ids[i] = r.Id
	}
	done, err := answeredBy(e.App, info, ids)
	if err != nil {
		return nil, err
	}
	for _, r := range page.Items {
		if done[r.Id] == nil {
			return &SurveyHome{ID: r.Id, Title: r.GetString("title"), Closes: r.GetDateTime("closes").Time()}, nil
		}
	}
	return nil, nil
}
