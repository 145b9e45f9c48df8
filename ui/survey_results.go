package ui

import (
	"cmp"
	"net/http"
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/types"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/documents"
	"github.com/ponte-portal/ponte/internal/roles"
	"github.com/ponte-portal/ponte/internal/surveys"
)

// maxTrendRounds is how many rounds of a series the trend shows; the
// results page shows at most resultsGroups partners by name, with
// resultsComments comments each and otherComments in "other partners".
const (
	maxTrendRounds  = 12
	resultsGroups   = 100
	resultsComments = 20
	otherComments   = 50
)

// surveyResultsData is the results page's data.
type surveyResultsData struct {
	Survey *SurveyView
	Res    surveys.Results
	NPS    float64
	HasNPS bool
	// Shares of promoters, passives and detractors, in percent.
	PromoterPct, PassivePct, DetractorPct int
	Distribution                          []DistRow
	MaxCount                              int
	// Targeted counts the active users the survey reaches (among the
	// viewer's partners and the filter); Rate is Total/Targeted in percent.
	Targeted int
	Rate     int
	Trend    []TrendPoint
	// Filters (tier, region; manager for admins).
	Tiers, Managers []Option
	Regions         []string
	Filtered        bool
	CanEdit         bool
	ExportURL       string
	MinGroup        int
}

// DistRow is one score of the distribution.
type DistRow struct {
	Score, Count, Pct int
}

// TrendPoint is one round of the survey's series.
type TrendPoint struct {
	ID, Title, Round string
	Total            int
	NPS              float64
	HasNPS           bool
	Current          bool
}

// resultsFilter reads the results' filters (tier, region, manager) from the
// query into p and returns the condition on survey_responses.partner and on
// partners that they make (nil: none). A bad value is a field error.
func resultsFilter(e *core.RequestEvent, p *Page, d *surveyResultsData) (respWhere, partnerWhere dbx.Expression) {
	loc := pageLocale(e, p)
	q := e.Request.URL.Query()
	var conds []dbx.Expression
	if t := q.Get("tier"); t != "" {
		p.Values["tier"] = t
		if !slices.ContainsFunc(d.Tiers, func(o Option) bool { return o.Value == t }) {
			p.Errors["tier"] = tr(loc, "validation.invalid_value")
		}
		conds = append(conds, dbx.NewExp("partners.tier = {:svTier}", dbx.Params{"svTier": t}))
	}
	if r := q.Get("region"); r != "" {
		p.Values["region"] = r
		if !slices.Contains(roles.Regions, r) {
			p.Errors["region"] = tr(loc, "validation.invalid_value")
		}
		conds = append(conds, dbx.NewExp("partners.region = {:svRegion}", dbx.Params{"svRegion": r}))
	}
	if m := q.Get("manager"); m != "" {
		p.Values["manager"] = m
		if !slices.ContainsFunc(d.Managers, func(o Option) bool { return o.Value == m }) {
			p.Errors["manager"] = tr(loc, "validation.invalid_value")
		}
		conds = append(conds, dbx.NewExp("partners.manager = {:svManager}", dbx.Params{"svManager": m}))
	}
	if len(conds) == 0 {
		return nil, nil
	}
	d.Filtered = true
	// Named parameters: the subquery is built apart from the query it
	// joins, so dbx's numbered ones ({:p0}) would clash.
	partnerWhere = dbx.And(conds...)
	sub := e.App.DB().Select("partners.id").From("partners").Where(partnerWhere).Build()
	return dbx.NewExp("survey_responses.partner IN ("+sub.SQL()+")", sub.Params()), partnerWhere
}

// surveyResultsPage builds the results of the survey in the path for the
// viewer: every answer their rule on survey_responses admits (a manager:
// their partners'), through the filters.
func (u *portal) surveyResultsPage(e *core.RequestEvent) (*Page, *surveyResultsData, error) {
	user := getCtx(e).User
	info := access.Info(user, http.MethodGet, nil)
	rec, err := visibleSurvey(e)
	if err != nil {
		return nil, nil, err
	}
	d := &surveyResultsData{Survey: surveyView(rec), Regions: roles.Regions, CanEdit: isAdminUser(user), MinGroup: surveys.MinGroup}
	p := &Page{Title: u.t(e, "surveys.results_title", rec.GetString("title")), Data: d,
		Errors: map[string]string{}, Values: map[string]string{}}
	tiers, err := access.ListVisible(e.App, info, "tiers", access.ListOptions{Sort: []string{"-rank", "name"}, PerPage: 100})
	if err != nil {
		return nil, nil, err
	}
	for _, t := range tiers.Items {
		d.Tiers = append(d.Tiers, Option{Value: t.Id, Label: t.GetString("name")})
	}
	if isAdminUser(user) {
		mgrs, err := access.ListVisible(e.App, info, "users", access.ListOptions{
			Where: []dbx.Expression{dbx.HashExp{"users.role": roles.Manager}}, Sort: []string{"name"}, PerPage: 100})
		if err != nil {
			return nil, nil, err
		}
		for _, m := range mgrs.Items {
			d.Managers = append(d.Managers, Option{Value: m.Id, Label: m.GetString("name")})
		}
	}
	respWhere, partnerWhere := resultsFilter(e, p, d)
	if len(p.Errors) > 0 {
		return p, d, nil
	}
	d.ExportURL = listURL("/surveys/"+rec.Id+"/results.csv", p.Values, 1)

	agg := surveys.NewAggregator(d.Survey.Questions)
	where := []dbx.Expression{dbx.HashExp{"survey_responses.survey": rec.Id}}
	if respWhere != nil {
		where = append(where, respWhere)
	}
	err = eachAnswer(e.App, info, where, func(a answerRow) error {
		answers, _ := surveys.ParseAnswers([]byte(a.Answers))
		agg.Add(surveys.Response{Partner: a.Partner, Score: a.Score, Comment: a.Comment, Answers: answers, Created: a.Created.Time()})
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	d.Res = agg.Results()
	if err := partnerNames(e.App, info, d.Res.Groups); err != nil {
		return nil, nil, err
	}
	d.NPS, d.HasNPS = d.Res.NPS()
	d.PromoterPct, d.PassivePct, d.DetractorPct = d.Res.Share(d.Res.Promoters), d.Res.Share(d.Res.Passives), d.Res.Share(d.Res.Detractors)
	for s, n := range d.Res.Distribution {
		d.Distribution = append(d.Distribution, DistRow{Score: s, Count: n, Pct: d.Res.Share(n)})
		d.MaxCount = max(d.MaxCount, n)
	}
	if d.Targeted, err = targetedUsers(e.App, info, documents.AudienceOf(rec), partnerWhere); err != nil {
		return nil, nil, err
	}
	if d.Targeted > 0 {
		d.Rate = min(100, int(float64(d.Res.Total())/float64(d.Targeted)*100+0.5))
	}
	if d.Trend, err = surveyTrend(e.App, info, rec, respWhere); err != nil {
		return nil, nil, err
	}
	return p, d, nil
}

// surveyResults is the staff results page.
func (u *portal) surveyResults(e *core.RequestEvent) error {
	p, d, err := u.surveyResultsPage(e)
	if err != nil {
		return err
	}
	d.Res.Trim(resultsGroups, resultsComments, otherComments)
	status := http.StatusOK
	if len(p.Errors) > 0 {
		status = http.StatusBadRequest
	}
	return u.render(e, status, "survey_results", p)
}

// partnerNames names the groups shown by name, from the partners the
// viewer may see, and sorts them by name.
func partnerNames(app core.App, info *core.RequestInfo, groups []surveys.Group) error {
	if len(groups) == 0 {
		return nil
	}
	ids := make([]string, len(groups))
	for i, g := range groups {
		ids[i] = g.Partner
	}
	recs, err := names(app, info, "partners", ids)
	if err != nil {
		return err
	}
	for i := range groups {
		if r := recs[groups[i].Partner]; r != nil {
			groups[i].Name = r.GetString("name")
		}
	}
	slices.SortFunc(groups, func(x, y surveys.Group) int {
		return cmp.Or(cmp.Compare(x.Name, y.Name), cmp.Compare(x.Partner, y.Partner))
	})
	return nil
}

// targetedUsers counts the active users of the partners the audience
// reaches, among the partners the viewer may see (a manager: theirs) and
// the filter.
func targetedUsers(app core.App, info *core.RequestInfo, a documents.Audience, partnerWhere dbx.Expression) (int, error) {
	c, err := app.FindCachedCollectionByNameOrId("partners")
	if err != nil {
		return 0, err
	}
	a.Private = ""
	q := app.DB().Select("partners.id").From("partners").Where(a.PartnerWhere())
	if partnerWhere != nil {
		q.AndWhere(partnerWhere)
	}
	if err := access.ApplyListRule(app, info, c, q); err != nil {
		return 0, err
	}
	sub := q.Build()
	var n int
	err = app.DB().Select("COUNT(*)").From("users").
		Where(dbx.NewExp("users.partner IN ("+sub.SQL()+")", sub.Params())).
		AndWhere(dbx.HashExp{"users.deactivated": false}).Row(&n)
	return n, err
}

// surveyTrend is the NPS of each round of rec's series, oldest first (the
// latest maxTrendRounds), counted like the results (the viewer's answers,
// the filter).
func surveyTrend(app core.App, info *core.RequestInfo, rec *core.Record, respWhere dbx.Expression) ([]TrendPoint, error) {
	series := rec.GetString("series")
	if series == "" {
		return nil, nil
	}
	res, err := access.ListVisible(app, info, "surveys", access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"surveys.series": series}, dbx.NewExp("surveys.status != 'draft'")},
		Sort:  []string{"-opens", "-created"}, PerPage: maxTrendRounds})
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(res.Items))
	for i, r := range res.Items {
		ids[i] = r.Id
	}
	var where []dbx.Expression
	if respWhere != nil {
		where = append(where, respWhere)
	}
	counts, err := bandCounts(app, info, ids, where...)
	if err != nil {
		return nil, err
	}
	out := make([]TrendPoint, 0, len(res.Items))
	for i := len(res.Items) - 1; i >= 0; i-- {
		r := res.Items[i]
		c := counts[r.Id]
		pt := TrendPoint{ID: r.Id, Title: r.GetString("title"), Round: r.GetString("round"), Total: c.Total(), Current: r.Id == rec.Id}
		pt.NPS, pt.HasNPS = c.NPS()
		out = append(out, pt)
	}
	return out, nil
}

// answerRow is what the results and the export read of one answer.
type answerRow struct {
	ID      string         `db:"id"`
	Partner string         `db:"partner"`
	Score   int            `db:"score"`
	Comment string         `db:"comment"`
	Answers string         `db:"answers"`
	Created types.DateTime `db:"created"`
}

// eachAnswer calls fn with every answer matching where that the viewer's
// List rule on survey_responses admits (a manager: their partners'), in
// the order they came in. It reads only the columns the results use, in
// one streamed query: whole records cost three times as much at 5,000
// answers.
func eachAnswer(app core.App, info *core.RequestInfo, where []dbx.Expression, fn func(answerRow) error) error {
	c, err := app.FindCachedCollectionByNameOrId("survey_responses")
	if err != nil {
		return err
	}
	q := app.RecordQuery(c).Select("survey_responses.id", "survey_responses.partner", "survey_responses.score",
		"survey_responses.comment", "survey_responses.answers", "survey_responses.created").Distinct(true)
	for _, w := range where {
		q.AndWhere(w)
	}
	if err := access.ApplyListRule(app, info, c, q); err != nil {
		return err
	}
	rows, err := q.OrderBy("survey_responses.created", "survey_responses.id").Rows()
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var a answerRow
		if err := rows.ScanStruct(&a); err != nil {
			return err
		}
		if err := fn(a); err != nil {
			return err
		}
	}
	return rows.Err()
}
