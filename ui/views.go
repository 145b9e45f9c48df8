package ui

import (
	"html/template"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/branding"
	"github.com/ponte-portal/ponte/internal/i18n"
	"github.com/ponte-portal/ponte/internal/roles"
)

// UserView is what templates may know of a user: never the token key, hashes
// or hidden fields, and the e-mail only where the REST API would show it too
// (the user themselves, or a user who made it visible).
type UserView struct {
	ID, Name, Email, Role, JobTitle, Locale, PartnerID, AvatarURL string
	Deactivated, EmailVisible                                     bool
	IsStaff, IsAdmin, IsPartnerAdmin                              bool
}

func userView(r, viewer *core.Record) *UserView {
	if r == nil {
		return nil
	}
	email := ""
	if viewer != nil && (viewer.Id == r.Id || r.EmailVisibility()) {
		email = r.Email()
	}
	v := &UserView{
		ID: r.Id, Name: r.GetString("name"), Email: email, EmailVisible: r.EmailVisibility(), Role: r.GetString("role"),
		JobTitle: r.GetString("job_title"), Locale: r.GetString("locale"), PartnerID: r.GetString("partner"),
		Deactivated: r.GetBool("deactivated"),
	}
	if v.Name == "" {
		v.Name = v.Email
	}
	if v.Name == "" {
		v.Name = "—"
	}
	if a := r.GetString("avatar"); a != "" {
		v.AvatarURL = "/api/files/" + r.Collection().Id + "/" + r.Id + "/" + a + "?thumb=64x64"
	}
	v.IsStaff = roles.IsStaff(v.Role)
	v.IsAdmin = v.Role == roles.Admin
	v.IsPartnerAdmin = v.Role == roles.PartnerAdmin
	return v
}

// TierView is a tier as pages show it.
type TierView struct {
	ID, Name, Colour string
	Benefits         template.HTML // rendered, sanitised Markdown
	Rank             int
}

// PartnerView is a partner as pages show it, with its tier and manager
// resolved through the viewer's own access.
type PartnerView struct {
	ID, Name, Slug, Status, Country, Region, Website, LogoURL string
	Tier                                                      *TierView
	Manager                                                   *UserView
	Joined                                                    time.Time
	Users                                                     int
}

func tierView(r *core.Record) *TierView {
	if r == nil {
		return nil
	}
	return &TierView{ID: r.Id, Name: r.GetString("name"), Colour: r.GetString("colour"),
		Benefits: storedHTML(r, "benefits_html"), Rank: r.GetInt("rank")}
}

func partnerView(r *core.Record) *PartnerView {
	v := &PartnerView{
		ID: r.Id, Name: r.GetString("name"), Slug: r.GetString("slug"), Status: r.GetString("status"),
		Country: r.GetString("country"), Region: r.GetString("region"), Website: r.GetString("website"),
		Joined: r.GetDateTime("joined").Time(),
	}
	if l := r.GetString("logo"); l != "" {
		v.LogoURL = "/api/files/" + r.Collection().Id + "/" + r.Id + "/" + l + "?thumb=96x96"
	}
	return v
}

// partnerViews maps partners and resolves tiers and managers in two queries,
// each through the viewer's List rule (a manager the viewer may not see stays
// nil rather than leaking).
func partnerViews(app core.App, info *core.RequestInfo, recs []*core.Record) ([]*PartnerView, error) {
	out := make([]*PartnerView, len(recs))
	tierIDs, managerIDs := []any{}, []any{}
	for i, r := range recs {
		out[i] = partnerView(r)
		if t := r.GetString("tier"); t != "" {
			tierIDs = append(tierIDs, t)
		}
		if m := r.GetString("manager"); m != "" {
			managerIDs = append(managerIDs, m)
		}
	}
	tiers, err := visibleByID(app, info, "tiers", tierIDs)
	if err != nil {
		return nil, err
	}
	managers, err := visibleByID(app, info, "users", managerIDs)
	if err != nil {
		return nil, err
	}
	for i, r := range recs {
		out[i].Tier = tierView(tiers[r.GetString("tier")])
		out[i].Manager = userView(managers[r.GetString("manager")], info.Auth)
	}
	return out, nil
}

// visibleByID loads the records with the given ids that the viewer may list.
func visibleByID(app core.App, info *core.RequestInfo, collection string, ids []any) (map[string]*core.Record, error) {
	m := map[string]*core.Record{}
	if len(ids) == 0 {
		return m, nil
	}
	page, err := access.ListVisible(app, info, collection, access.ListOptions{
		Where: []dbx.Expression{dbx.In(collection+".id", ids...)}, PerPage: 200,
	})
	if err != nil {
		return nil, err
	}
	for _, r := range page.Items {
		m[r.Id] = r
	}
	return m, nil
}

// fillPage completes the fields every page needs from the request context.
func (u *portal) fillPage(e *core.RequestEvent, p *Page) {
	c := getCtx(e)
	if c.Brand.Name == "" {
		c.Brand = branding.Load(e.App)
	}
	p.Locale = u.locale(e)
	p.Brand = c.Brand
	p.CSRF = c.CSRF
	p.Nonce = c.Nonce
	p.Path = e.Request.URL.Path
	p.User = userView(c.User, c.User)
	if p.Flash == "" {
		p.Flash = u.takeFlash(e)
	}
	for _, l := range i18n.Locales {
		p.Locales = append(p.Locales, LocaleOption{Code: l, Label: i18n.T(l, "locale.name"), Current: l == p.Locale})
	}
	p.Nav = navFor(p)
	if c.User != nil {
		p.Unread = unreadNotifications(e.App, c.User)
	}
	p.ThemeURL = themeURL(u.themeCSS(e))
}

// navFor lists only what the viewer's role may use. Items marked Menu sit in
// the user menu on a desktop; on a phone the tab bar holds the Tab items and
// a "Menu" tab that lists everything.
func navFor(p *Page) []NavItem {
	if p.User == nil {
		return nil
	}
	items := []NavItem{
		{Href: "/", Label: p.T("nav.home"), Icon: "home", Tab: true},
		{Href: "/announcements", Label: p.T("nav.announcements"), Icon: "megaphone"},
		{Href: "/documents", Label: p.T("nav.documents"), Icon: "documents", Short: p.T("nav.documents_short"), Tab: true},
		{Href: "/forums", Label: p.T("nav.forums"), Icon: "forums", Tab: true},
		{Href: "/conversations", Label: p.T("nav.messages"), Icon: "messages", Tab: true},
		{Href: "/courses", Label: p.T("nav.courses"), Icon: "courses"},
	}
	if p.User.IsStaff || p.User.PartnerID != "" {
		items = append(items, NavItem{Href: "/deals", Label: p.T("nav.deals"), Icon: "deals"})
		items = append(items, NavItem{Href: "/dashboard", Label: p.T("nav.dashboard"), Icon: "chart"})
	}
	switch {
	case p.User.IsStaff:
		items = append(items, NavItem{Href: "/partners", Label: p.T("nav.partners"), Icon: "partners"})
		items = append(items, NavItem{Href: "/people", Label: p.T("nav.people"), Icon: "people", Menu: true})
		items = append(items, NavItem{Href: "/onboarding", Label: p.T("nav.onboarding"), Icon: "check", Menu: true})
	case p.User.PartnerID != "":
		items = append(items, NavItem{Href: "/organisation", Label: p.T("nav.organisation"), Icon: "organisation",
			Short: p.T("nav.organisation_short")})
	}
	if p.User.IsStaff || p.User.IsPartnerAdmin {
		items = append(items, NavItem{Href: "/invitations", Label: p.T("nav.invitations"), Icon: "mail", Menu: true})
	}
	if p.User.IsAdmin {
		items = append(items, NavItem{Href: "/applications", Label: p.T("nav.applications"), Icon: "bridge", Menu: true})
		items = append(items, NavItem{Href: "/tiers/reviews", Label: p.T("nav.tier_reviews"), Icon: "tiers", Menu: true})
	}
	items = append(items, NavItem{Href: "/surveys", Label: p.T("nav.surveys"), Icon: "chart", Menu: true})
	items = append(items, NavItem{Href: "/feedback", Label: p.T("nav.feedback"), Icon: "messages", Menu: true})
	items = append(items, NavItem{Href: "/certificates", Label: p.T("nav.certificates"), Icon: "certificate", Menu: true})
	items = append(items, NavItem{Href: "/tiers", Label: p.T("nav.tiers"), Icon: "tiers", Menu: true})
	if p.User.IsAdmin {
		items = append(items, NavItem{Href: "/settings", Label: p.T("nav.settings"), Icon: "settings",
			Short: p.T("nav.settings_short"), Menu: true})
	}
	items = append(items, NavItem{Href: "/notifications", Label: p.T("nav.notifications"), Icon: "bell", Menu: true})
	items = append(items, NavItem{Href: "/profile", Label: p.T("nav.profile"), Icon: "profile", Menu: true})
	for i := range items {
		if items[i].Short == "" {
			items[i].Short = items[i].Label
		}
		items[i].Active = items[i].Href == p.Path ||
			(items[i].Href != "/" && len(p.Path) > len(items[i].Href) && p.Path[:len(items[i].Href)+1] == items[i].Href+"/")
	}
	return items
}

// unreadNotifications counts the user's unread notifications for the bell,
// through the notifications List rule (their own) and the (user, read_at)
// index. A failure shows no count rather than failing the page.
func unreadNotifications(app core.App, user *core.Record) int {
	n, err := access.CountVisible(app, access.Info(user, "GET", nil), "notifications",
		dbx.HashExp{"notifications.user": user.Id, "notifications.read_at": ""})
	if err != nil {
		app.Logger().Warn("counting unread notifications", "error", err)
		return 0
	}
	return n
}

// storedHTML is a record's Markdown rendered on save by hooks/markdown.go:
// sanitised there, so it is safe to put in a page as it is.
func storedHTML(r *core.Record, field string) template.HTML {
	return template.HTML(r.GetString(field))
}
