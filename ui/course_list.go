package ui

import (
	"net/http"
	"slices"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/roles"
)

// learnMineFilters are the choices of the catalogue's "my courses" filter:
// any enrolment, or one state.
var learnMineFilters = []string{"all", "enrolled", "in_progress", "completed"}

// learnCoursesPerPage is the catalogue's page size.
const learnCoursesPerPage = 20

// courseListData is the catalogue's data.
type courseListData struct {
	Items               []*LearnCourseView
	Pager               Pager
	Levels, Languages   []string
	Mine                []string
	Filtered, ShowDraft bool
}

// courseList is the catalogue: the courses the viewer's audience reaches
// (the courses rule: published ones of their audience for partners, all for
// staff, drafts badged), with the viewer's progress on each, searchable and
// filtered by level, language and the viewer's own enrolments.
func (u *portal) courseList(e *core.RequestEvent) error {
	c := getCtx(e)
	loc := u.locale(e)
	info := access.Info(c.User, http.MethodGet, nil)
	errs := map[string]string{}
	q := e.Request.URL.Query()
	search, page := listQuery(loc, q, errs)
	level, lang, mine := q.Get("level"), q.Get("language"), q.Get("mine")
	d := &courseListData{Levels: learnLevels, Languages: learnLanguages, Mine: learnMineFilters,
		ShowDraft: roles.IsStaff(roles.Of(c.User))}
	filters := map[string]string{"q": search, "level": level, "language": lang, "mine": mine}
	p := &Page{Title: u.t(e, "training.catalogue.title"), Data: d, Errors: errs, Values: filters}

	var where []dbx.Expression
	if search != "" {
		where = append(where, dbx.Or(access.Contains("courses.title", search), access.Contains("courses.summary", search)))
	}
	switch {
	case level == "":
	case slices.Contains(learnLevels, level):
		where = append(where, dbx.HashExp{"courses.level": level})
	default:
		errs["level"] = tr(loc, "validation.invalid")
	}
	switch {
	case lang == "":
	case slices.Contains(learnLanguages, lang):
		where = append(where, dbx.HashExp{"courses.language": lang})
	default:
		errs["language"] = tr(loc, "validation.invalid")
	}
	switch {
	case mine == "":
	case mine == "all":
		where = append(where, dbx.NewExp("courses.id IN (SELECT course FROM enrollments WHERE user = {:mineUser})",
			dbx.Params{"mineUser": c.User.Id}))
	case slices.Contains(learnMineFilters, mine):
		where = append(where, dbx.NewExp("courses.id IN (SELECT course FROM enrollments WHERE user = {:mineUser} AND status = {:mineStatus})",
			dbx.Params{"mineUser": c.User.Id, "mineStatus": mine}))
	default:
		errs["mine"] = tr(loc, "validation.invalid")
	}
	if len(errs) > 0 {
		return u.render(e, http.StatusBadRequest, "course_list", p)
	}
	d.Filtered = len(where) > 0
	res, err := access.ListVisible(e.App, info, "courses", access.ListOptions{
		Where: where, Sort: []string{"title"}, Page: page, PerPage: learnCoursesPerPage})
	if err != nil {
		return err
	}
	if d.Items, err = learnCourseCards(e.App, info, res.Items); err != nil {
		return err
	}
	d.Pager = newPager("/courses", filters, page, res.HasMore)
	return u.render(e, http.StatusOK, "course_list", p)
}

// learnCourseCards maps a page of courses with their certifications and the
// viewer's enrolments: two queries for the page, whatever its size. Lesson
// counts are the courses' own lesson_count, kept by the content hooks.
func learnCourseCards(app core.App, info *core.RequestInfo, recs []*core.Record) ([]*LearnCourseView, error) {
	out := make([]*LearnCourseView, 0, len(recs))
	if len(recs) == 0 {
		return out, nil
	}
	ids := make([]any, len(recs))
	for i, r := range recs {
		ids[i] = r.Id
	}
	certs, err := learnCertRefs(app, info, recs)
	if err != nil {
		return nil, err
	}
	enrols, err := learnEnrolments(app, info, ids)
	if err != nil {
		return nil, err
	}
	for _, r := range recs {
		v := learnCourseView(r)
		v.Certification = certs[r.GetString("certification")]
		v.Enrolment = learnEnrolmentView(enrols[r.Id])
		out = append(out, v)
	}
	return out, nil
}
