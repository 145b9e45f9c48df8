package ui

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/csvexport"
	"github.com/ponte-portal/ponte/internal/roles"
)

// progressPerPage is how many learners a progress page lists.
const progressPerPage = 50

// CourseProgress is one course's line of the progress report.
type CourseProgress struct {
	Course                      *CourseAdminView
	Enrolled, Active, Completed int
	Rate                        int     // completed / enrolled, in %
	AvgBest                     float64 // average of the learners' best quiz scores, in %
	Scored                      bool    // someone has submitted a quiz
}

// PartnerProgress is one partner's line of a course's breakdown.
type PartnerProgress struct {
	ID, Name, Slug      string
	Enrolled, Completed int
	Rate                int
}

// LearnerProgress is one enrolment of the learner tables.
type LearnerProgress struct {
	User, Partner, PartnerSlug, Course, CourseSlug string
	Status                                         string
	Progress, Attempts                             int
	Best                                           float64
	Scored                                         bool
	Started, Completed                             time.Time
}

// progressData is the data of the three progress pages.
type progressData struct {
	Courses  []CourseProgress
	Course   *CourseProgress
	Partner  *PartnerProgress
	Partners []PartnerProgress
	Learners []LearnerProgress
	Pager    Pager
	CSV      string
}

// visibleSums sums whole-number fields of the visible records of
// collection per value of group, in one query under the List rule (each
// record counted once however the rule's joins repeat it).
func visibleSums(app core.App, info *core.RequestInfo, collection, group string, fields []string, where ...dbx.Expression) (map[string][]int64, error) {
	c, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return nil, err
	}
	cols := []string{c.Name + ".id AS [[id]]", c.Name + "." + group + " AS [[k]]"}
	outer := []string{"[[k]]"}
	for i, f := range append([]string{group}, fields...) {
		if c.Fields.GetByName(f) == nil {
			return nil, fmt.Errorf("visibleSums: unknown field %q", f)
		}
		if i > 0 {
			cols = append(cols, fmt.Sprintf("%s.%s AS [[f%d]]", c.Name, f, i))
			outer = append(outer, fmt.Sprintf("COALESCE(SUM([[f%d]]), 0)", i))
		}
	}
	inner := app.RecordQuery(c).Select(cols...).Distinct(true)
	for _, w := range where {
		inner.AndWhere(w)
	}
	if err := access.ApplyListRule(app, info, c, inner); err != nil {
		return nil, err
	}
	sub := inner.Build()
	rows, err := app.DB().NewQuery("SELECT " + strings.Join(outer, ", ") + " FROM (" + sub.SQL() + ") GROUP BY [[k]]").
		Bind(sub.Params()).Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]int64{}
	for rows.Next() {
		var k string
		vals := make([]int64, len(fields))
		dest := []any{&k}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		out[k] = vals
	}
	return out, rows.Err()
}

// distinct lists the different values of vals for an IN clause.
func distinct(vals []string) []any {
	seen := map[string]bool{}
	out := make([]any, 0, len(vals))
	for _, v := range vals {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out
}

// rate is part of whole in whole percent.
func rate(part, whole int) int {
	if whole == 0 {
		return 0
	}
	return (part*100 + whole/2) / whole
}

// ids lists records' ids for an IN clause.
func ids(recs []*core.Record) []any {
	out := make([]any, len(recs))
	for i, r := range recs {
		out[i] = r.Id
	}
	return out
}

// progressOverview shows, per course, the learners enrolled, in progress
// and done, the completion rate and the average best quiz score: four
// grouped, indexed queries for a page of courses, all under the rules (a
// manager counts only their partners' learners).
func (u *portal) progressOverview(e *core.RequestEvent) error {
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	page := 1
	if n, err := strconv.Atoi(e.Request.URL.Query().Get("page")); err == nil && n > 1 && n <= maxPage {
		page = n
	}
	csv := e.Request.URL.Query().Get("format") == "csv"
	perPage := 100
	if csv {
		perPage, page = 200, 1
	}
	var out []CourseProgress
	var hasMore bool
	for {
		courses, err := access.ListVisible(e.App, info, "courses", access.ListOptions{Sort: []string{"title"}, Page: page, PerPage: perPage})
		if err != nil {
			return err
		}
		rows, err := courseProgress(e.App, info, courses.Items)
		if err != nil {
			return err
		}
		out = append(out, rows...)
		hasMore = courses.HasMore
		if !csv || !hasMore {
			break
		}
		page++
	}
	if csv {
		loc := u.locale(e)
		w, err := csvexport.Start(e.Response, "training-progress.csv")
		if err != nil {
			return err
		}
		if err := w.Row(tr(loc, "training_admin.col.course"), tr(loc, "training_admin.col.enrolled"), tr(loc, "training_admin.col.active"),
			tr(loc, "training_admin.col.completed"), tr(loc, "training_admin.col.rate"), tr(loc, "training_admin.col.avg_best")); err != nil {
			return err
		}
		for _, r := range out {
			if err := w.Row(r.Course.Title, strconv.Itoa(r.Enrolled), strconv.Itoa(r.Active), strconv.Itoa(r.Completed),
				strconv.Itoa(r.Rate), scoreCell(r.AvgBest, r.Scored)); err != nil {
				return err
			}
		}
		return w.Flush()
	}
	p := &Page{Data: &progressData{Courses: out, Pager: newPager("/training/progress", nil, page, hasMore),
		CSV: "/training/progress?format=csv"}}
	p.Title = u.t(e, "training_admin.progress")
	return u.render(e, http.StatusOK, "training_progress", p)
}

// scoreCell writes a score for CSV ("" when nobody has one).
func scoreCell(score float64, ok bool) string {
	if !ok {
		return ""
	}
	return strconv.FormatFloat(score, 'f', 1, 64)
}

// progressScope narrows the progress rollup to the rows that add up for
// the viewer without counting anyone twice: an admin reads each course's
// totals row, anyone else the rows of the partners their rule lets them
// read (a manager's own partners; the totals row is for admins only).
//
// For a manager the rows are also narrowed to their partners up front, so
// that the query starts from the (manager) and (partner, course) indexes
// instead of checking the rule's join on every course's rows; the rule
// still decides what is visible.
func progressScope(info *core.RequestInfo) dbx.Expression {
	switch {
	case info.Auth != nil && roles.Of(info.Auth) == roles.Admin:
		return dbx.HashExp{"course_progress_stats.partner": ""}
	case info.Auth != nil && roles.Of(info.Auth) == roles.Manager:
		return dbx.NewExp("course_progress_stats.partner IN (SELECT id FROM partners WHERE manager = {:progressManager})",
			dbx.Params{"progressManager": info.Auth.Id})
	}
	return dbx.Not(dbx.HashExp{"course_progress_stats.partner": ""})
}

// courseProgress computes the report lines of a page of courses from the
// progress rollup (three grouped sums over at most one row per course and
// partner, under the rollup's rule).
func courseProgress(app core.App, info *core.RequestInfo, courses []*core.Record) ([]CourseProgress, error) {
	if len(courses) == 0 {
		return nil, nil
	}
	where := []dbx.Expression{progressScope(info)}
	if len(courses) == 1 || info.Auth == nil || roles.Of(info.Auth) != roles.Manager {
		// A manager's rows are few (their partners'): filtering them by a
		// page of courses would make SQLite start from the courses instead.
		where = append(where, dbx.In("course_progress_stats.course", ids(courses)...))
	}
	sums, err := visibleSums(app, info, "course_progress_stats", "course",
		[]string{"enrolled", "in_progress", "completed", "best_tenths", "best_count"}, where...)
	if err != nil {
		return nil, err
	}
	out := make([]CourseProgress, 0, len(courses))
	for _, c := range courses {
		n := sums[c.Id]
		if n == nil {
			n = make([]int64, 5)
		}
		line := CourseProgress{Course: courseAdminView(c), Enrolled: int(n[0]), Active: int(n[1]), Completed: int(n[2]),
			Rate: rate(int(n[2]), int(n[0]))}
		if n[4] > 0 {
			line.AvgBest, line.Scored = float64(n[3])/10/float64(n[4]), true
		}
		out = append(out, line)
	}
	return out, nil
}

// names loads the visible records of collection with the given ids (users,
// partners, courses) by id, 200 per query.
func names(app core.App, info *core.RequestInfo, collection string, idList []string) (map[string]*core.Record, error) {
	out := map[string]*core.Record{}
	if len(idList) == 0 {
		return out, nil
	}
	args := make([]any, 0, len(idList))
	seen := map[string]bool{}
	for _, id := range idList {
		if id != "" && !seen[id] {
			seen[id] = true
			args = append(args, id)
		}
	}
	for start := 0; start < len(args); start += 200 {
		end := min(start+200, len(args))
		p, err := access.ListVisible(app, info, collection, access.ListOptions{
			Where: []dbx.Expression{dbx.In(collection+".id", args[start:end]...)}, PerPage: 200})
		if err != nil {
			return nil, err
		}
		for _, r := range p.Items {
			out[r.Id] = r
		}
	}
	return out, nil
}

// attemptStat is one learner's submitted attempts at a course's quizzes.
type attemptStat struct {
	n    int
	best float64
}

// attemptStats counts the visible submitted attempts matching where and
// their best score per user and course, in one query under the attempts'
// List rule, on the (course, user, submitted, score) index.
func attemptStats(app core.App, info *core.RequestInfo, where ...dbx.Expression) (map[string]attemptStat, error) {
	c, err := app.FindCachedCollectionByNameOrId("quiz_attempts")
	if err != nil {
		return nil, err
	}
	q := app.RecordQuery(c).Select("quiz_attempts.user AS [[u]]", "quiz_attempts.course AS [[c]]",
		"COUNT(DISTINCT quiz_attempts.id) AS [[n]]", "MAX(quiz_attempts.score) AS [[best]]")
	for _, w := range where {
		q.AndWhere(w)
	}
	if err := access.ApplyListRule(app, info, c, q); err != nil {
		return nil, err
	}
	q.GroupBy("quiz_attempts.user", "quiz_attempts.course")
	var rows []struct {
		U    string  `db:"u"`
		C    string  `db:"c"`
		N    int     `db:"n"`
		Best float64 `db:"best"`
	}
	if err := q.All(&rows); err != nil {
		return nil, err
	}
	out := make(map[string]attemptStat, len(rows))
	for _, r := range rows {
		out[r.U+"/"+r.C] = attemptStat{n: r.N, best: r.Best}
	}
	return out, nil
}

// learnerRows turns a page of enrolments into learner lines: names,
// partners and courses in one query each, attempts and best scores in one
// grouped query each (no query per learner).
func learnerRows(app core.App, info *core.RequestInfo, enrols []*core.Record) ([]LearnerProgress, error) {
	if len(enrols) == 0 {
		return nil, nil
	}
	var users, partners, courses []string
	for _, r := range enrols {
		users = append(users, r.GetString("user"))
		partners = append(partners, r.GetString("partner"))
		courses = append(courses, r.GetString("course"))
	}
	userRecs, err := names(app, info, "users", users)
	if err != nil {
		return nil, err
	}
	partnerRecs, err := names(app, info, "partners", partners)
	if err != nil {
		return nil, err
	}
	courseRecs, err := names(app, info, "courses", courses)
	if err != nil {
		return nil, err
	}
	uargs, cargs := distinct(users), distinct(courses)
	where := []dbx.Expression{dbx.In("quiz_attempts.user", uargs...), dbx.In("quiz_attempts.course", cargs...),
		dbx.NewExp("quiz_attempts.submitted != ''")}
	// Attempts and best score per (user, course), in one grouped query.
	stats, err := attemptStats(app, info, where...)
	if err != nil {
		return nil, err
	}
	out := make([]LearnerProgress, 0, len(enrols))
	for _, r := range enrols {
		l := LearnerProgress{Status: r.GetString("status"), Progress: r.GetInt("progress"),
			Started: r.GetDateTime("started").Time(), Completed: r.GetDateTime("completed").Time()}
		if l.Status == "" {
			l.Status = "enrolled"
		}
		if u := userRecs[r.GetString("user")]; u != nil {
			l.User = u.GetString("name")
			if l.User == "" {
				l.User = u.GetString("email")
			}
		}
		if p := partnerRecs[r.GetString("partner")]; p != nil {
			l.Partner, l.PartnerSlug = p.GetString("name"), p.GetString("slug")
		}
		if c := courseRecs[r.GetString("course")]; c != nil {
			l.Course, l.CourseSlug = c.GetString("title"), c.GetString("slug")
		}
		if st, ok := stats[r.GetString("user")+"/"+r.GetString("course")]; ok {
			l.Attempts, l.Best, l.Scored = st.n, st.best, true
		}
		out = append(out, l)
	}
	return out, nil
}

// learnerCSV writes learner lines to a CSV export.
func learnerCSV(w *csvexport.Writer, loc string, rows []LearnerProgress) error {
	for _, l := range rows {
		started, completed := "", ""
		if !l.Started.IsZero() {
			started = l.Started.UTC().Format(time.DateOnly)
		}
		if !l.Completed.IsZero() {
			completed = l.Completed.UTC().Format(time.DateOnly)
		}
		if err := w.Row(l.User, l.Partner, l.Course, tr(loc, "training_admin.status."+l.Status), strconv.Itoa(l.Progress),
			started, completed, strconv.Itoa(l.Attempts), scoreCell(l.Best, l.Scored)); err != nil {
			return err
		}
	}
	return nil
}

// learnerHeader is the learner CSV's first row.
func learnerHeader(w *csvexport.Writer, loc string) error {
	return w.Row(tr(loc, "training_admin.col.learner"), tr(loc, "training_admin.col.partner"), tr(loc, "training_admin.col.course"),
		tr(loc, "training_admin.col.status"), tr(loc, "training_admin.col.progress"), tr(loc, "training_admin.col.started"),
		tr(loc, "training_admin.col.completed_on"), tr(loc, "training_admin.col.attempts"), tr(loc, "training_admin.col.best"))
}

// streamLearners pages through the visible enrolments matching where and
// writes them as CSV, 200 at a time.
func (u *portal) streamLearners(e *core.RequestEvent, name string, sort []string, where ...dbx.Expression) error {
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	loc := u.locale(e)
	w, err := csvexport.Start(e.Response, name)
	if err != nil {
		return err
	}
	if err := learnerHeader(w, loc); err != nil {
		return err
	}
	for page := 1; page <= maxPage; page++ {
		p, err := access.ListVisible(e.App, info, "enrollments", access.ListOptions{Where: where, Sort: sort, Page: page, PerPage: 200})
		if err != nil {
			return err
		}
		rows, err := learnerRows(e.App, info, p.Items)
		if err != nil {
			return err
		}
		if err := learnerCSV(w, loc, rows); err != nil {
			return err
		}
		if !p.HasMore {
			break
		}
	}
	return w.Flush()
}

// progressPage reads the page number of a progress list.
func progressPage(e *core.RequestEvent) int {
	if n, err := strconv.Atoi(e.Request.URL.Query().Get("page")); err == nil && n > 1 && n <= maxPage {
		return n
	}
	return 1
}

// progressCourse shows one course: its figures, the breakdown per partner
// and its learners (50 a page), or all of them as CSV.
func (u *portal) progressCourse(e *core.RequestEvent) error {
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	course, err := access.FindVisibleBy(e.App, info, "courses", "slug", e.Request.PathValue("slug"))
	if errors.Is(err, access.ErrNotFound) {
		return e.NotFoundError("", err)
	}
	if err != nil {
		return err
	}
	where := dbx.HashExp{"enrollments.course": course.Id}
	if e.Request.URL.Query().Get("format") == "csv" {
		return u.streamLearners(e, "course-"+course.GetString("slug")+"-learners.csv", []string{"partner", "started"}, where)
	}
	lines, err := courseProgress(e.App, info, []*core.Record{course})
	if err != nil {
		return err
	}
	byPartner, err := access.SumVisibleBy(e.App, info, "course_progress_stats", "partner", "enrolled", "completed", 0,
		dbx.HashExp{"course_progress_stats.course": course.Id}, dbx.Not(dbx.HashExp{"course_progress_stats.partner": ""}))
	if err != nil {
		return err
	}
	var partnerIDs []string
	for _, g := range byPartner {
		partnerIDs = append(partnerIDs, g.Key)
	}
	partnerRecs, err := names(e.App, info, "partners", partnerIDs)
	if err != nil {
		return err
	}
	d := &progressData{Course: &lines[0], CSV: "/training/progress/courses/" + course.GetString("slug") + "?format=csv"}
	for _, g := range byPartner {
		if g.SumA == 0 {
			continue
		}
		pp := PartnerProgress{ID: g.Key, Enrolled: g.SumA, Completed: g.SumB, Rate: rate(g.SumB, g.SumA)}
		if p := partnerRecs[g.Key]; p != nil {
			pp.Name, pp.Slug = p.GetString("name"), p.GetString("slug")
		}
		d.Partners = append(d.Partners, pp)
	}
	sort.SliceStable(d.Partners, func(i, j int) bool { return d.Partners[i].Name < d.Partners[j].Name })
	page := progressPage(e)
	enrols, err := access.ListVisible(e.App, info, "enrollments", access.ListOptions{Where: []dbx.Expression{where},
		Sort: []string{"partner", "started"}, Page: page, PerPage: progressPerPage})
	if err != nil {
		return err
	}
	if d.Learners, err = learnerRows(e.App, info, enrols.Items); err != nil {
		return err
	}
	d.Pager = newPager("/training/progress/courses/"+course.GetString("slug"), nil, page, enrols.HasMore)
	p := &Page{Data: d}
	p.Title = u.t(e, "training_admin.progress_course", course.GetString("title"))
	return u.render(e, http.StatusOK, "training_progress_course", p)
}

// progressPartner shows one partner's learners and their courses (50
// enrolments a page), or all of them as CSV. A manager sees only their own
// partners' enrolments: the enrolments rule decides, so another manager's
// partner shows an empty table, never its people.
func (u *portal) progressPartner(e *core.RequestEvent) error {
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	partner, err := access.FindVisibleBy(e.App, info, "partners", "slug", e.Request.PathValue("slug"))
	if errors.Is(err, access.ErrNotFound) {
		return e.NotFoundError("", err)
	}
	if err != nil {
		return err
	}
	where := dbx.HashExp{"enrollments.partner": partner.Id}
	if e.Request.URL.Query().Get("format") == "csv" {
		return u.streamLearners(e, "partner-"+partner.GetString("slug")+"-learners.csv", []string{"user", "course"}, where)
	}
	page := progressPage(e)
	enrols, err := access.ListVisible(e.App, info, "enrollments", access.ListOptions{Where: []dbx.Expression{where},
		Sort: []string{"user", "course"}, Page: page, PerPage: progressPerPage})
	if err != nil {
		return err
	}
	d := &progressData{Partner: &PartnerProgress{ID: partner.Id, Name: partner.GetString("name"), Slug: partner.GetString("slug")},
		CSV: "/training/progress/partners/" + partner.GetString("slug") + "?format=csv"}
	if d.Learners, err = learnerRows(e.App, info, enrols.Items); err != nil {
		return err
	}
	d.Pager = newPager("/training/progress/partners/"+partner.GetString("slug"), nil, page, enrols.HasMore)
	p := &Page{Data: d}
	p.Title = u.t(e, "training_admin.progress_partner", partner.GetString("name"))
	return u.render(e, http.StatusOK, "training_progress_partner", p)
}
