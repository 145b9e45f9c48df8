package ui

import (
	"html/template"
	"net/http"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/roles"
)

// CertificationView is a certification as its list and editor show it.
type CertificationView struct {
	ID, Name       string
	Description    template.HTML // stored, sanitised HTML
	ValidityMonths int
	Courses        []Option // required courses the viewer may see
	HiddenCourses  int      // required courses the viewer may not see
	Holders        int      // valid certificates the viewer may see
}

// certificationListData is the certifications page's data.
type certificationListData struct {
	Items   []*CertificationView
	IsAdmin bool
	Staff   bool
}

// certificationList shows every certification (all signed-in users may
// read them): what it proves, how long it is valid, the courses it
// requires and how many valid holders the viewer can see.
func (u *portal) certificationList(e *core.RequestEvent) error {
	user := getCtx(e).User
	info := access.Info(user, http.MethodGet, nil)
	role := roles.Of(user)
	d := &certificationListData{IsAdmin: role == roles.Admin, Staff: roles.IsStaff(role)}
	page, err := access.ListVisible(e.App, info, "certifications", access.ListOptions{Sort: []string{"name"}, PerPage: 200})
	if err != nil {
		return err
	}
	courseIDs := []any{}
	for _, r := range page.Items {
		for _, c := range r.GetStringSlice("required_courses") {
			courseIDs = append(courseIDs, c)
		}
	}
	courses, err := visibleByID(e.App, info, "courses", courseIDs)
	if err != nil {
		return err
	}
	// Valid holders: a partner user's own certificates (a handful, on the
	// (user, …) index); for everyone else the rollup, corrected for
	// certificates past their last day.
	count := map[string]int{}
	if roles.Of(user) == roles.PartnerUser {
		holders, err := access.CountVisibleBy(e.App, info, "certificates", "certification", "", 0,
			append(certificateScope(user, "certificates"), certificateStateExpr("valid", now()))...)
		if err != nil {
			return err
		}
		for _, g := range holders {
			count[g.Key] = g.Rows
		}
	} else {
		rows, err := certifiedCounts(e.App, info, "certification", certifiedFilter{})
		if err != nil {
			return err
		}
		for k, r := range rows {
			count[k] = r.Valid
		}
	}
	for _, r := range page.Items {
		v := certificationView(r, courses)
		v.Holders = count[r.Id]
		d.Items = append(d.Items, v)
	}
	return u.render(e, http.StatusOK, "certification_list", &Page{Title: u.t(e, "certificates.certification.title"), Data: d})
}

// certificationView maps a certification with the names of its required
// courses found in courses (those the viewer may see).
func certificationView(r *core.Record, courses map[string]*core.Record) *CertificationView {
	v := &CertificationView{ID: r.Id, Name: r.GetString("name"), Description: storedHTML(r, "description_html"),
		ValidityMonths: r.GetInt("validity_months")}
	for _, id := range r.GetStringSlice("required_courses") {
		if c := courses[id]; c != nil {
			v.Courses = append(v.Courses, Option{Value: c.GetString("slug"), Label: c.GetString("title")})
		} else {
			v.HiddenCourses++
		}
	}
	return v
}

// certificationCourses lists the courses the viewer may see, by title, for
// the editor's choice of required courses (at most 1,000).
func certificationCourses(app core.App, info *core.RequestInfo) ([]Option, error) {
	var out []Option
	for page := 1; page <= 5; page++ {
		res, err := access.ListVisible(app, info, "courses", access.ListOptions{Sort: []string{"title"}, Page: page, PerPage: 200})
		if err != nil {
			return nil, err
		}
		for _, c := range res.Items {
			out = append(out, Option{Value: c.Id, Label: c.GetString("title")})
		}
		if !res.HasMore {
			break
		}
	}
	return out, nil
}

// validCertificationCourses keeps the ids of visible courses, in order,
// once each.
func validCertificationCourses(app core.App, info *core.RequestInfo, ids []string) ([]string, bool, error) {
	ids = validIDs(ids)
	if len(ids) == 0 {
		return nil, true, nil
	}
	vals := make([]any, len(ids))
	for i, id := range ids {
		vals[i] = id
	}
	n, err := access.CountVisible(app, info, "courses", dbx.In("courses.id", vals...))
	if err != nil {
		return nil, false, err
	}
	seen := map[string]bool{}
	out := []string{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out, n == len(out), nil
}
