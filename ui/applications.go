package ui

import (
	"errors"
	"net/http"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/i18n"
	"github.com/ponte-portal/ponte/internal/roles"
)

// applicationRoutes binds the portal pages of the public "Become a partner" application and its review by admins.
func (u *portal) applicationRoutes(g, in, staff *router.RouterGroup[*core.RequestEvent]) {
	g.GET("/apply", u.applyShow)
	g.POST("/apply", u.applySubmit)
	g.GET("/apply/thanks", u.applyThanks)

	admin := in.Group("")
	admin.BindFunc(requireRole(roles.Admin))
	admin.GET("/applications", u.applicationList)
	admin.GET("/applications/{id}", u.applicationShow)
	admin.POST("/applications/{id}/approve", u.applicationApprove)
	admin.POST("/applications/{id}/decline", u.applicationDecline)
}

// ApplicationView is a partner application as the review pages show it.
type ApplicationView struct {
	ID, Company, Country, Website, ContactName, ContactEmail, Phone string
	Message, Locale, Status, DeclineReason, PartnerID               string
	Consent                                                         bool
	ConsentAt, Created, DecidedAt                                   time.Time
	DecidedBy                                                       string // the admin's name, "" if none
	PartnerName, PartnerSlug                                        string
}

func applicationView(r *core.Record) *ApplicationView {
	return &ApplicationView{
		ID: r.Id, Company: r.GetString("company"), Country: r.GetString("country"), Website: r.GetString("website"),
		ContactName: r.GetString("contact_name"), ContactEmail: r.GetString("contact_email"), Phone: r.GetString("phone"),
		Message: r.GetString("message"), Locale: r.GetString("locale"), Status: r.GetString("status"),
		DeclineReason: r.GetString("decline_reason"), PartnerID: r.GetString("partner"), Consent: r.GetBool("consent"),
		ConsentAt: r.GetDateTime("consent_at").Time(), Created: r.GetDateTime("created").Time(),
		DecidedAt: r.GetDateTime("decided_at").Time(),
	}
}

// visibleApplication loads the application in the path through its View
// rule: 404 when it does not exist or the user may not see it.
func visibleApplication(e *core.RequestEvent) (*core.Record, error) {
	info := access.Info(getCtx(e).User, http.MethodGet, nil)
	rec, err := access.FindVisible(e.App, info, "partner_applications", e.Request.PathValue("id"))
	if errors.Is(err, access.ErrNotFound) {
		return nil, e.NotFoundError("", err)
	}
	return rec, err
}

// AnyCountry names any ISO country code in the page's locale: the
// catalogue's name when it has one (as the partner pages show it), else
// CLDR's (the public form offers every country).
func (p *Page) AnyCountry(code string) string {
	if name := p.Country(code); name != code {
		return name
	}
	return i18n.CountryName(p.Locale, code)
}
