package ui

import (
	"net/http"
	"slices"
	"strconv"
	"unicode/utf8"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/documents"
	"github.com/ponte-portal/ponte/internal/roles"
)

// forumCategoryFormData is the category form's data: the audience choices
// are those of documents.
type forumCategoryFormData struct {
	Category  *ForumCategoryView
	New       bool
	Tiers     []Option
	Regions   []string
	Partners  []Option
	Audiences []string
	Checked   map[string]bool
	Cancel    string
}

// forumCategoryPage builds the category form for rec (admins only: the
// categories rules let nobody else write them).
func (u *portal) forumCategoryPage(e *core.RequestEvent, rec *core.Record) (*Page, error) {
	if roles.Of(getCtx(e).User) != roles.Admin {
		return nil, e.ForbiddenError("", nil)
	}
	info := forumInfo(e, http.MethodGet, nil)
	d := &forumCategoryFormData{Category: forumCategoryView(rec), New: rec.IsNew(), Regions: roles.Regions,
		Audiences: documents.Audiences, Checked: map[string]bool{}, Cancel: "/forums"}
	if !d.New {
		d.Cancel = "/forums/c/" + rec.Id
	}
	tiers, err := access.ListVisible(e.App, info, "tiers", access.ListOptions{Sort: []string{"-rank", "name"}, PerPage: 100})
	if err != nil {
		return nil, err
	}
	for _, t := range tiers.Items {
		d.Tiers = append(d.Tiers, Option{Value: t.Id, Label: t.GetString("name")})
	}
	for page := 1; page <= maxPartnerOptionPages; page++ {
		partners, err := access.ListVisible(e.App, info, "partners", access.ListOptions{Sort: []string{"name"}, Page: page, PerPage: 200})
		if err != nil {
			return nil, err
		}
		for _, p := range partners.Items {
			d.Partners = append(d.Partners, Option{Value: p.Id, Label: p.GetString("name")})
		}
		if !partners.HasMore {
			break
		}
	}
	for _, f := range []string{"audience_tiers", "audience_regions", "audience_partners"} {
		for _, v := range rec.GetStringSlice(f) {
			d.Checked[v] = true
		}
	}
	staffOnly := ""
	if rec.GetBool("staff_only_posting") {
		staffOnly = "1"
	}
	p := &Page{Data: d, Errors: map[string]string{}, Values: map[string]string{
		"name": rec.GetString("name"), "description": rec.GetString("description"),
		"order": strconv.Itoa(rec.GetInt("order")), "audience": rec.GetString("audience"), "staff_only_posting": staffOnly,
	}}
	if p.Values["audience"] == "" {
		p.Values["audience"] = "all"
	}
	p.Title = u.t(e, "forums.category_new")
	if !d.New {
		p.Title = u.t(e, "forums.category_edit", rec.GetString("name"))
	}
	return p, nil
}

// readForumCategoryForm validates the form into p and returns the body for
// the categories rules.
func (u *portal) readForumCategoryForm(e *core.RequestEvent, p *Page, d *forumCategoryFormData) map[string]any {
	loc := u.locale(e)
	for _, f := range []string{"name", "description", "order", "audience", "staff_only_posting"} {
		p.Values[f] = formValue(e, f)
	}
	v := p.Values
	switch {
	case v["name"] == "":
		p.Errors["name"] = tr(loc, "validation.required")
	case utf8.RuneCountInString(v["name"]) > 120:
		p.Errors["name"] = tr(loc, "validation.forum_too_long", 120)
	}
	if utf8.RuneCountInString(v["description"]) > 1000 {
		p.Errors["description"] = tr(loc, "validation.forum_too_long", 1000)
	}
	order := 0
	if v["order"] != "" {
		n, err := strconv.Atoi(v["order"])
		if err != nil || n < 0 || n > 9999 {
			p.Errors["order"] = tr(loc, "validation.whole_number", 9999)
		}
		order = n
	}
	if !slices.Contains(documents.Audiences, v["audience"]) {
		p.Errors["audience"] = tr(loc, "validation.invalid_value")
	}
	d.Checked = map[string]bool{}
	pick := func(field string, known func(string) bool) []string {
		var out []string
		for _, id := range e.Request.PostForm[field] {
			if !known(id) {
				p.Errors[field] = tr(loc, "validation.invalid_value")
				continue
			}
			out = append(out, id)
			d.Checked[id] = true
		}
		return out
	}
	inOptions := func(opts []Option) func(string) bool {
		return func(id string) bool { return slices.ContainsFunc(opts, func(o Option) bool { return o.Value == id }) }
	}
	tiers := pick("audience_tiers", inOptions(d.Tiers))
	regions := pick("audience_regions", func(r string) bool { return slices.Contains(roles.Regions, r) })
	partners := pick("audience_partners", inOptions(d.Partners))
	chosen := map[string][]string{"tiers": tiers, "regions": regions, "partners": partners}
	if list, ok := chosen[v["audience"]]; ok && len(list) == 0 && p.Errors["audience_"+v["audience"]] == "" {
		p.Errors["audience_"+v["audience"]] = tr(loc, "validation.audience_empty")
	}
	return map[string]any{
		"name": v["name"], "description": v["description"], "order": order, "audience": v["audience"],
		"audience_tiers": tiers, "audience_regions": regions, "audience_partners": partners,
		"staff_only_posting": v["staff_only_posting"] == "1",
	}
}

func newForumCategory(e *core.RequestEvent) (*core.Record, error) {
	c, err := e.App.FindCachedCollectionByNameOrId("forum_categories")
	if err != nil {
		return nil, err
	}
	r := core.NewRecord(c)
	r.Set("audience", "all")
	return r, nil
}

func (u *portal) forumCategoryNewShow(e *core.RequestEvent) error {
	rec, err := newForumCategory(e)
	if err != nil {
		return err
	}
	p, err := u.forumCategoryPage(e, rec)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "forum_category_edit", p)
}

// forumCategoryNewSubmit creates a category through the categories Create
// rule.
func (u *portal) forumCategoryNewSubmit(e *core.RequestEvent) error {
	rec, err := newForumCategory(e)
	if err != nil {
		return err
	}
	p, err := u.forumCategoryPage(e, rec)
	if err != nil {
		return err
	}
	body := u.readForumCategoryForm(e, p, p.Data.(*forumCategoryFormData))
	if len(p.Errors) == 0 {
		err := e.App.RunInTransaction(func(tx core.App) error {
			return access.Create(tx, forumInfo(e, http.MethodPost, body), rec)
		})
		if err := u.saveError(e, p, err); err != nil {
			return err
		}
	}
	if len(p.Errors) > 0 {
		rec.MarkAsNew()
		return u.render(e, http.StatusBadRequest, "forum_category_edit", p)
	}
	u.setFlash(e, "flash.forum_category_saved")
	return e.Redirect(http.StatusSeeOther, "/forums/c/"+rec.Id)
}

func (u *portal) forumCategoryEditShow(e *core.RequestEvent) error {
	rec, err := forumFind(e, "forum_categories")
	if err != nil {
		return err
	}
	p, err := u.forumCategoryPage(e, rec)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "forum_category_edit", p)
}

// forumCategoryEditSubmit saves a category through the categories Update
// rule (its figures stay the hooks').
func (u *portal) forumCategoryEditSubmit(e *core.RequestEvent) error {
	rec, err := forumFind(e, "forum_categories")
	if err != nil {
		return err
	}
	p, err := u.forumCategoryPage(e, rec)
	if err != nil {
		return err
	}
	body := u.readForumCategoryForm(e, p, p.Data.(*forumCategoryFormData))
	if len(p.Errors) == 0 {
		if err := u.saveError(e, p, forumUpdate(e, rec, body)); err != nil {
			return err
		}
	}
	if len(p.Errors) > 0 {
		return u.render(e, http.StatusBadRequest, "forum_category_edit", p)
	}
	u.setFlash(e, "flash.forum_category_saved")
	return e.Redirect(http.StatusSeeOther, "/forums/c/"+rec.Id)
}
