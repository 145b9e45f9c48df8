package ui

import (
	"errors"
	"net/http"
	"slices"
	"time"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/i18n"
	"github.com/ponte-portal/ponte/internal/onboarding"
	"github.com/ponte-portal/ponte/internal/roles"
)

// onboardingRoutes binds the portal pages of onboarding step templates, partner checklists and onboarding progress.
func (u *portal) onboardingRoutes(g, in, staff *router.RouterGroup[*core.RequestEvent]) {
	staff.GET("/onboarding", u.onboardingList)
	staff.GET("/onboarding/steps", u.onboardingSteps).BindFunc(requireRole(roles.Admin))
	staff.GET("/onboarding/steps/new", u.onboardingStepNewShow).BindFunc(requireRole(roles.Admin))
	staff.POST("/onboarding/steps/new", u.onboardingStepNewSubmit).BindFunc(requireRole(roles.Admin))
	staff.GET("/onboarding/steps/{id}/edit", u.onboardingStepEditShow).BindFunc(requireRole(roles.Admin))
	staff.POST("/onboarding/steps/{id}/edit", u.onboardingStepEditSubmit).BindFunc(requireRole(roles.Admin))
	staff.POST("/onboarding/steps/{id}/move", u.onboardingStepMove).BindFunc(requireRole(roles.Admin))
	staff.GET("/onboarding/{slug}", u.onboardingShow)
	staff.POST("/onboarding/{slug}/tick", u.onboardingTick)
}

// onboardingRecentDays is how long a completed checklist stays on the
// partner home (as a short "completed on" note).
const onboardingRecentDays = 14

// OnboardingStepView is one step of a partner's checklist.
type OnboardingStepView struct {
	// ID is the progress row's id (the tick form's target).
	ID, Kind, Title, Description string
	// Link is where the partner does the work ("" for none).
	Link           string
	Required, Done bool
	DoneAt         time.Time
	// DoneBy names who ticked it ("" for the system); Evidence is what
	// ticked it, phrased in the page's language ("" for none).
	DoneBy, Evidence string
	// CanTick says whether the viewer may tick or untick it (manual steps,
	// for the partner's channel manager and admins).
	CanTick bool
}

// OnboardingChecklist is a partner's checklist as its home panel and the
// staff detail page show it.
type OnboardingChecklist struct {
	PartnerID, Partner, Slug, Status string
	// Done and Total count the steps shown (required and optional);
	// Percent is Done of Total.
	Done, Total, Percent int
	Started, Completed   time.Time
	Days                 int
	Steps                []OnboardingStepView
}

// OnboardingRow is one partner on the staff list and the staff home panel.
type OnboardingRow struct {
	Partner, Slug, Manager, Status string
	Done, Total, Percent           int
	Started, Completed             time.Time
	Days                           int
}

// onboardingHome is the home panel's data: a partner's checklist, or for
// staff the partners onboarding.
type onboardingHome struct {
	Staff     bool
	Checklist *OnboardingChecklist
	Rows      []OnboardingRow
	HasMore   bool
}

// onboardingHomeRows is how many partners the staff home panel lists.
const onboardingHomeRows = 5

// homeOnboarding returns the home page panel of the partner's onboarding checklist, or for staff the onboarding progress summary (nil: no panel). The panel's
// partial is defined in its area's templates.
func (u *portal) homeOnboarding(e *core.RequestEvent, info *core.RequestInfo) (any, error) {
	user := getCtx(e).User
	if roles.IsStaff(roles.Of(user)) {
		page, err := access.ListVisible(e.App, info, onboarding.Checklist, access.ListOptions{
			Where: []dbx.Expression{dbx.HashExp{"partner_onboarding.status": onboarding.StatusOnboarding}},
			Sort:  []string{"started"}, PerPage: onboardingHomeRows})
		if err != nil || len(page.Items) == 0 {
			return nil, err
		}
		rows, err := onboardingRows(e.App, info, page.Items)
		if err != nil {
			return nil, err
		}
		return &onboardingHome{Staff: true, Rows: rows, HasMore: page.HasMore}, nil
	}
	row, err := access.FindVisibleBy(e.App, info, onboarding.Checklist, "partner", user.GetString("partner"))
	if errors.Is(err, access.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	switch row.GetString("status") {
	case onboarding.StatusLeft:
		return nil, nil
	case onboarding.StatusCompleted:
		if now().Sub(row.GetDateTime("completed").Time()) > onboardingRecentDays*24*time.Hour {
			return nil, nil
		}
	}
	partner, err := access.FindVisible(e.App, info, "partners", row.GetString("partner"))
	if err != nil {
		return nil, err
	}
	cl, err := u.onboardingChecklist(e, info, partner, row)
	if err != nil {
		return nil, err
	}
	return &onboardingHome{Checklist: cl}, nil
}

// onboardingChecklist builds a partner's checklist from its progress rows
// and their active templates, in the templates' order, read through the
// collections' rules.
func (u *portal) onboardingChecklist(e *core.RequestEvent, info *core.RequestInfo, partner, row *core.Record) (*OnboardingChecklist, error) {
	loc := u.locale(e)
	cl := &OnboardingChecklist{PartnerID: partner.Id, Partner: partner.GetString("name"), Slug: partner.GetString("slug"),
		Status: row.GetString("status"), Started: onboarding.StartedAt(row), Days: onboarding.Days(row, now())}
	if c := row.GetDateTime("completed"); !c.IsZero() {
		cl.Completed = c.Time()
	}
	progress, err := access.ListVisible(e.App, info, onboarding.Progress, access.ListOptions{
		Where: []dbx.Expression{dbx.HashExp{"onboarding_progress.partner": partner.Id}}, PerPage: 200})
	if err != nil {
		return nil, err
	}
	stepIDs, userIDs := make([]any, 0, len(progress.Items)), []any{}
	for _, p := range progress.Items {
		stepIDs = append(stepIDs, p.GetString("step"))
		if id := p.GetString("done_by"); id != "" {
			userIDs = append(userIDs, id)
		}
	}
	steps, err := visibleByID(e.App, info, onboarding.Steps, stepIDs)
	if err != nil {
		return nil, err
	}
	users, err := visibleByID(e.App, info, "users", userIDs)
	if err != nil {
		return nil, err
	}
	courseIDs := []any{}
	for _, s := range steps {
		if id := s.GetString("course"); id != "" {
			courseIDs = append(courseIDs, id)
		}
	}
	courses, err := visibleByID(e.App, info, "courses", courseIDs)
	if err != nil {
		return nil, err
	}
	staff := roles.IsStaff(roles.Of(info.Auth))
	type sorted struct {
		sort int
		v    OnboardingStepView
	}
	var list []sorted
	for _, p := range progress.Items {
		s := steps[p.GetString("step")]
		if s == nil || !s.GetBool("active") {
			continue
		}
		v := OnboardingStepView{ID: p.Id, Kind: s.GetString("kind"), Title: stepText(s, "title", loc),
			Description: stepText(s, "description", loc), Required: s.GetBool("required"), Done: p.GetBool("done"),
			Evidence: evidenceText(loc, s.GetString("kind"), p.GetString("evidence"))}
		if t := p.GetDateTime("done_at"); !t.IsZero() {
			v.DoneAt = t.Time()
		}
		if by := users[p.GetString("done_by")]; by != nil {
			v.DoneBy = by.GetString("name")
		}
		v.Link = stepLink(s, partner, courses, roles.Of(info.Auth))
		if staff && v.Kind == onboarding.KindManual {
			ok, err := access.CanUpdate(e.App, access.Info(info.Auth, http.MethodPatch, map[string]any{"done": !v.Done}), p)
			if err != nil {
				return nil, err
			}
			v.CanTick = ok
		}
		if v.Done {
			cl.Done++
		}
		cl.Total++
		list = append(list, sorted{s.GetInt("sort"), v})
	}
	slices.SortStableFunc(list, func(a, b sorted) int { return a.sort - b.sort })
	for _, s := range list {
		cl.Steps = append(cl.Steps, s.v)
	}
	cl.Percent = percent(cl.Done, cl.Total)
	return cl, nil
}

// stepText picks a template's title or description in the page's language.
func stepText(s *core.Record, field, loc string) string {
	if loc == i18n.PTBR {
		if v := s.GetString(field + "_pt"); v != "" {
			return v
		}
	}
	return s.GetString(field + "_en")
}

// evidenceText phrases a step's stored evidence in the page's language.
func evidenceText(loc, kind, evidence string) string {
	if evidence == "" || kind == onboarding.KindManual || kind == onboarding.KindProfile {
		return ""
	}
	return tr(loc, "onboarding.evidence."+kind, evidence)
}

// stepLink is where the viewer does a step's work: the profile and the
// invitations are the partner admins' (and staff's) to do, so partner users
// get no link to pages they cannot use.
func stepLink(s, partner *core.Record, courses map[string]*core.Record, role string) string {
	switch s.GetString("kind") {
	case onboarding.KindProfile:
		if role == roles.PartnerUser {
			return ""
		}
		return "/partners/" + partner.GetString("slug") + "/edit"
	case onboarding.KindAgreement:
		if id := s.GetString("document"); id != "" {
			return "/documents/" + id
		}
	case onboarding.KindInvite:
		if role == roles.PartnerUser {
			return ""
		}
		return "/invitations"
	case onboarding.KindCourse:
		if c := courses[s.GetString("course")]; c != nil {
			return "/courses/" + c.GetString("slug")
		}
	case onboarding.KindFirstDeal:
		return "/deals/new"
	}
	return ""
}

// onboardingRows maps checklist rows with their partners' names and
// managers, two queries for the page.
func onboardingRows(app core.App, info *core.RequestInfo, recs []*core.Record) ([]OnboardingRow, error) {
	ids := make([]any, len(recs))
	for i, r := range recs {
		ids[i] = r.GetString("partner")
	}
	partners, err := visibleByID(app, info, "partners", ids)
	if err != nil {
		return nil, err
	}
	mids := []any{}
	for _, p := range partners {
		if m := p.GetString("manager"); m != "" {
			mids = append(mids, m)
		}
	}
	managers, err := visibleByID(app, info, "users", mids)
	if err != nil {
		return nil, err
	}
	out := make([]OnboardingRow, 0, len(recs))
	for _, r := range recs {
		p := partners[r.GetString("partner")]
		if p == nil {
			continue
		}
		row := OnboardingRow{Partner: p.GetString("name"), Slug: p.GetString("slug"), Status: r.GetString("status"),
			Done: r.GetInt("done"), Total: r.GetInt("total"), Started: onboarding.StartedAt(r), Days: onboarding.Days(r, now())}
		row.Percent = percent(row.Done, row.Total)
		if c := r.GetDateTime("completed"); !c.IsZero() {
			row.Completed = c.Time()
		}
		if m := managers[p.GetString("manager")]; m != nil {
			row.Manager = m.GetString("name")
		}
		out = append(out, row)
	}
	return out, nil
}
