package ui

import (
	"math"
	"net/http"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/router"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/roles"
	"github.com/ponte-portal/ponte/internal/tiering"
)

// tierReviewRoutes binds the portal pages of tier evaluations, recommendations and the tier history.
func (u *portal) tierReviewRoutes(g, in, staff *router.RouterGroup[*core.RequestEvent]) {
	admin := requireRole(roles.Admin)
	staff.GET("/tiers/reviews", u.tierReviewList).BindFunc(admin)
	staff.POST("/tiers/reviews/run", u.tierReviewRun).BindFunc(admin)
	staff.POST("/tiers/reviews/settings", u.tierReviewSettings).BindFunc(admin)
	staff.POST("/tiers/reviews/apply-promotions", u.tierReviewApplyAll).BindFunc(admin)
	staff.POST("/tiers/reviews/{id}/apply", u.tierReviewApply).BindFunc(admin)
	staff.POST("/tiers/reviews/{id}/dismiss", u.tierReviewDismiss).BindFunc(admin)
	in.GET("/partners/{slug}/tiers", u.tierHistory)
}

// homeTier returns the home page panel of the partner's tier standing: what is missing for the next tier (nil: no panel). The panel's
// partial is defined in its area's templates.
func (u *portal) homeTier(e *core.RequestEvent, info *core.RequestInfo) (any, error) {
	return u.tierStandingOf(e, info)
}

// standingItem is one requirement against the partner's figure.
type standingItem struct {
	Rule             string
	Value, Threshold float64
	Missing          float64
	ValueN, NeededN  int // a count rule's figures as whole numbers
	Percent          int
	Met, Money       bool
}

// MissingInt is the missing amount of a count rule, rounded up.
func (s standingItem) MissingInt() int { return int(math.Ceil(s.Missing)) }

// tierStanding is a partner's tier, the next tier, and per requirement how
// far the partner is: the home panel and the programme page show it.
type tierStanding struct {
	Tier, Next *TierView
	Toward     []standingItem // the next tier's requirements
	Keep       []standingItem // the current tier's requirements not met
	Currency   string
	Slug       string // the partner's, for the history link
}

// tierStandingOf computes the signed-in partner user's standing, reading
// the partner, the tiers and the key figures through the viewer's own
// rules (nil for staff, or when the programme has no tiers).
func (u *portal) tierStandingOf(e *core.RequestEvent, info *core.RequestInfo) (*tierStanding, error) {
	c := getCtx(e)
	pid := c.User.GetString("partner")
	if pid == "" {
		return nil, nil
	}
	p, err := access.FindVisible(e.App, info, "partners", pid)
	if err != nil {
		return nil, err
	}
	page, err := access.ListVisible(e.App, info, "tiers", access.ListOptions{Sort: []string{"rank", "name"}, PerPage: 200})
	if err != nil || len(page.Items) == 0 {
		return nil, err
	}
	figs, err := tiering.ReadFigures(e.App, access.Info(c.User, http.MethodGet, nil), []string{pid}, now())
	if err != nil {
		return nil, err
	}
	f := figs[pid]
	tiers := tiering.SortTiers(page.Items)
	byID := map[string]*core.Record{}
	for _, t := range page.Items {
		byID[t.Id] = t
	}
	s := &tierStanding{Currency: c.Brand.Currency, Slug: p.GetString("slug")}
	if cur := tiering.Find(tiers, p.GetString("tier")); cur != nil {
		s.Tier = tierView(byID[cur.ID])
		for _, ch := range tiering.Checks(*cur, f) {
			if !ch.Met {
				s.Keep = append(s.Keep, standingOf(ch))
			}
		}
	}
	if next := tiering.Next(tiers, p.GetString("tier")); next != nil {
		s.Next = tierView(byID[next.ID])
		for _, ch := range tiering.Checks(*next, f) {
			s.Toward = append(s.Toward, standingOf(ch))
		}
	}
	return s, nil
}

func standingOf(c tiering.Check) standingItem {
	it := standingItem{Rule: c.Rule, Value: c.Value, Threshold: c.Threshold, Missing: c.Missing(),
		ValueN: int(math.Floor(c.Value)), NeededN: int(math.Ceil(c.Threshold)),
		Percent: int(math.Floor(c.Share() * 100)), Met: c.Met}
	for _, r := range tiering.Rules {
		if r.Key == c.Rule {
			it.Money = r.Money
		}
	}
	return it
}
