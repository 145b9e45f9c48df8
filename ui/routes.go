// Package ui is Ponte's server-rendered portal: one route table, one handler
// per file, templates and static files embedded in the binary.
package ui

import (
	"net/url"
	"sync"
	"time"

	"github.com/pocketbase/pocketbase/apis"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/hook"

	"github.com/ponte-portal/ponte/internal/roles"
	"github.com/ponte-portal/ponte/internal/session"
)

// portal holds what handlers share: the parsed templates and static files.
type portal struct {
	eng    *engine
	assets *assets
}

// guardPriority places the portal's error and header guard after PocketBase's
// panic recovery and auth-token loading but before its rate limiter, so a 429
// from the limiter is rendered as a portal page.
const guardPriority = -1005

// shared holds the static files and parsed templates: they come from the
// binary and never change, so every app of the process (one in production,
// one per test or REST scenario in the tests) shares one parse.
var shared struct {
	once   sync.Once
	eng    *engine
	assets *assets
	err    error
}

// Register parses the templates (once per process) and binds the portal
// routes on serve. It does nothing else in OnServe, because the test harness
// fires OnServe too.
func Register(app core.App) error {
	shared.once.Do(func() {
		if shared.assets, shared.err = loadAssets(); shared.err == nil {
			shared.eng, shared.err = newEngine(shared.assets)
		}
	})
	if shared.err != nil {
		return shared.err
	}
	u := &portal{eng: shared.eng, assets: shared.assets}

	app.OnServe().Bind(&hook.Handler[*core.ServeEvent]{
		Id: "ponte.portal",
		Func: func(e *core.ServeEvent) error {
			u.routes(e)
			return e.Next()
		},
	})
	// Expired sessions are purged hourly.
	app.Cron().MustAdd("ponte.sessions.purge", "17 * * * *", func() {
		if err := session.PurgeExpired(app); err != nil {
			app.Logger().Error("purging sessions", "error", err)
		}
	})
	return nil
}

// routes is the one route table of the portal.
func (u *portal) routes(e *core.ServeEvent) {
	e.Router.Bind(&hook.Handler[*core.RequestEvent]{Id: "ponte.guard", Func: u.guard, Priority: guardPriority})

	e.Router.GET("/static/{sum}/{path...}", u.assets.serve)

	g := e.Router.Group("")
	g.BindFunc(u.loadSession)
	g.Bind(&hook.Handler[*core.RequestEvent]{Id: csrfMiddlewareID, Func: u.checkCSRF})

	// Guests.
	g.GET("/login", u.loginShow)
	g.POST("/login", u.loginSubmit)
	g.POST("/login/code", u.loginCode)
	g.GET("/login/oauth2/{provider}", u.oauth2Start)
	g.GET("/login/oauth2/{provider}/callback", u.oauth2Callback)
	g.GET("/forgot", u.forgotShow)
	g.POST("/forgot", u.forgotSubmit)
	g.GET("/reset/{token}", u.resetShow)
	g.POST("/reset/{token}", u.resetSubmit)
	g.POST("/locale", u.localeSwitch)
	g.GET("/favicon.ico", u.favicon)
	g.GET("/theme.css", u.themeServe)

	// Signed-in users.
	in := g.Group("")
	in.BindFunc(u.requireUser)
	in.GET("/{$}", u.home)
	in.POST("/logout", u.logout)
	in.GET("/profile", u.profileShow)
	in.POST("/profile", u.profileUpdate)
	in.POST("/profile/password", u.profilePassword)
	in.POST("/profile/sessions", u.profileSignOutOthers)
	in.POST("/profile/photo", u.profilePhoto)
	in.GET("/tiers", u.tierList)
	in.GET("/tiers/new", u.tierEditShow)
	in.POST("/tiers/new", u.tierEditSubmit)
	in.GET("/tiers/{id}/edit", u.tierEditShow)
	in.POST("/tiers/{id}/edit", u.tierEditSubmit)
	in.GET("/menu", u.menuShow)
	in.GET("/documents", u.documentList)
	in.GET("/documents/{id}", u.documentShow)
	in.GET("/documents/{id}/history", u.documentHistory)
	in.GET("/documents/{id}/download", u.documentDownload)
	in.GET("/documents/{id}/versions/{n}/download", u.documentVersionDownload)
	in.POST("/documents/{id}/acknowledge", u.documentAcknowledge)
	in.GET("/partners/{slug}", u.partnerShow)
	in.POST("/members/{id}", u.memberUpdate)
	in.GET("/partners/{slug}/edit", u.partnerEditShow)
	in.POST("/partners/{slug}/edit", u.partnerEditSubmit)

	staff := in.Group("")
	staff.BindFunc(requireRole(roles.Admin, roles.Manager))
	staff.GET("/partners", u.partnerList)
	staff.GET("/people", u.peopleList)
	staff.GET("/documents/new", u.documentNewShow)
	// Document uploads have the operator's limit (parseForm), not
	// PocketBase's default 32 MB body limit.
	staff.POST("/documents/new", u.documentNewSubmit).Unbind(apis.DefaultBodyLimitMiddlewareId)
	staff.GET("/documents/reach", u.documentReach)
	staff.GET("/folders", u.documentFolders)
	staff.POST("/folders", u.documentFolderCreate)
	staff.POST("/folders/{id}", u.documentFolderUpdate)
	staff.GET("/documents/{id}/edit", u.documentEditShow)
	staff.POST("/documents/{id}/edit", u.documentEditSubmit)
	staff.POST("/documents/{id}/versions", u.documentVersionUpload).Unbind(apis.DefaultBodyLimitMiddlewareId)
	staff.POST("/documents/{id}/versions/{n}/restore", u.documentVersionRestore)
	staff.POST("/documents/{id}/status", u.documentStatus)
	staff.POST("/documents/{id}/delete", u.documentDelete)

	admin := in.Group("")
	admin.BindFunc(requireRole(roles.Admin))
	admin.GET("/partners/new", u.partnerNewShow)
	admin.POST("/partners/new", u.partnerNewSubmit)
	admin.GET("/settings", u.settingsShow)
	admin.POST("/settings", u.settingsSubmit)

	u.announcementRoutes(g, in, staff)
	u.forumRoutes(g, in, staff)
	u.conversationRoutes(g, in, staff)
	u.notificationRoutes(g, in, staff)
	u.learningRoutes(g, in, staff)
	u.certificateRoutes(g, in, staff)
	u.trainingAdminRoutes(g, in, staff)
	u.dealRoutes(g, in, staff)
	u.dashboardRoutes(g, in, staff)
	u.invitationRoutes(g, in, staff)
	u.applicationRoutes(g, in, staff)
	u.onboardingRoutes(g, in, staff)
	u.tierReviewRoutes(g, in, staff)
	u.surveyRoutes(g, in, staff)

	partner := in.Group("")
	partner.BindFunc(requireRole(roles.PartnerAdmin, roles.PartnerUser))
	partner.GET("/organisation", u.organisationShow)

	// Anything else under the portal is a styled 404.
	g.Any("/{path...}", func(e *core.RequestEvent) error { return e.NotFoundError("", nil) })
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// now is the clock handlers use, in UTC.
func now() time.Time { return time.Now().UTC() }
