package ui

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/csvexport"
	"github.com/ponte-portal/ponte/internal/surveys"
)

// surveyExport streams a survey's answers as CSV for staff, with the
// results page's scope and filters and the same anonymity: a partner with
// fewer than surveys.MinGroup respondents is never named (its rows say
// "other partners"), and no row names a person.
func (u *portal) surveyExport(e *core.RequestEvent) error {
	p, d, err := u.surveyResultsPage(e)
	if err != nil {
		return err
	}
	if len(p.Errors) > 0 {
		return e.BadRequestError("", errors.New("bad results filter"))
	}
	loc := u.locale(e)
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	named := map[string]string{}
	for _, g := range d.Res.Groups {
		named[g.Partner] = g.Name
	}
	other := tr(loc, "surveys.other_partners")
	w, err := csvexport.Start(e.Response, "survey-"+d.Survey.ID+".csv")
	if err != nil {
		return err
	}
	head := []string{tr(loc, "surveys.csv.partner"), tr(loc, "surveys.csv.score"), tr(loc, "surveys.csv.band"),
		tr(loc, "surveys.csv.comment"), tr(loc, "surveys.csv.date")}
	for _, q := range d.Survey.Questions {
		head = append(head, q.Label)
	}
	if err := w.Row(head...); err != nil {
		return err
	}
	where := []dbx.Expression{dbx.HashExp{"survey_responses.survey": d.Survey.ID}}
	if respWhere, _ := resultsFilter(e, &Page{Errors: map[string]string{}, Values: map[string]string{}}, d); respWhere != nil {
		where = append(where, respWhere)
	}
	err = eachAnswer(e.App, info, where, func(a answerRow) error {
		name, ok := named[a.Partner]
		if !ok {
			name = other
		}
		row := []string{name, strconv.Itoa(a.Score), tr(loc, "surveys.band."+surveys.Band(a.Score)),
			a.Comment, a.Created.Time().Format("2006-01-02")}
		answers, _ := surveys.ParseAnswers([]byte(a.Answers))
		for _, q := range d.Survey.Questions {
			row = append(row, answers[q.ID])
		}
		return w.Row(row...)
	})
	if err != nil {
		// Headers are gone: log and end the body.
		e.App.Logger().Error("survey export", "survey", d.Survey.ID, "error", err)
	}
	return w.Flush()
}
