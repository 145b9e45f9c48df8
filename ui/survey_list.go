package ui

import (
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/roles"
)

// surveyStates are the staff list's filter choices.
var surveyStates = []string{"draft", "open", "closed"}

// surveysPerPage is the survey list's page size.
const surveysPerPage = 20

// surveyListData is the survey list's data.
type surveyListData struct {
	Items     []*SurveyView
	Pager     Pager
	Staff     bool
	CanCreate bool
	States    []string
}

// surveyList lists surveys: to partner users the open ones of their
// audience, answered ones marked; to staff every survey, newest first, with
// the answers and NPS the viewer may see (a manager: their partners').
func (u *portal) surveyList(e *core.RequestEvent) error {
	c := getCtx(e)
	loc := u.locale(e)
	info := access.Info(c.User, http.MethodGet, nil)
	staff := roles.IsStaff(roles.Of(c.User))
	errs := map[string]string{}
	q := e.Request.URL.Query()
	_, page := listQuery(loc, q, errs)
	state := q.Get("state")
	d := &surveyListData{Staff: staff, CanCreate: isAdminUser(c.User)}
	filters := map[string]string{"state": state}
	p := &Page{Title: u.t(e, "surveys.title"), Data: d, Errors: errs, Values: filters}
	var where []dbx.Expression
	switch {
	case !staff:
		where = append(where, openSurveysExpr(now()))
	case state == "":
	case state == "open":
		where = append(where, openSurveysExpr(now()))
	case state == "draft" || state == "closed":
		where = append(where, dbx.HashExp{"surveys.status": state})
	default:
		errs["state"] = tr(loc, "validation.invalid")
	}
	if staff {
		d.States = surveyStates
	}
	if len(errs) > 0 {
		return u.render(e, http.StatusBadRequest, "survey_list", p)
	}
	res, err := access.ListVisible(e.App, info, "surveys", access.ListOptions{
		Where: where, Sort: []string{"-created"}, Page: page, PerPage: surveysPerPage})
	if err != nil {
		return err
	}
	ids := make([]string, len(res.Items))
	for i, r := range res.Items {
		ids[i] = r.Id
		d.Items = append(d.Items, surveyView(r))
	}
	if staff {
		counts, err := bandCounts(e.App, info, ids)
		if err != nil {
			return err
		}
		for _, v := range d.Items {
			v.setCounts(counts[v.ID])
		}
	} else {
		done, err := answeredBy(e.App, info, ids)
		if err != nil {
			return err
		}
		for _, v := range d.Items {
			v.Answered = done[v.ID] != nil
		}
	}
	d.Pager = newPager("/surveys", filters, page, res.HasMore)
	return u.render(e, http.StatusOK, "survey_list", p)
}
