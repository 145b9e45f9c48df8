package ui

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/activity"
	"github.com/ponte-portal/ponte/internal/roles"
)

// tierRow is one tier on the programme page.
type tierRow struct {
	*TierView
	MinRevenue   float64
	MinCertified int
	MinDeals     int
	Partners     int
	Yours        bool
}

// tierListData is the programme page's data.
type tierListData struct {
	Tiers    []tierRow
	Currency string
	CanEdit  bool
	// Standing is a partner user's way to the next tier (nil for staff).
	Standing *tierStanding
	IsAdmin  bool // links the tier reviews
}

// tierList shows the programme's tiers, highest first, with benefits and
// requirements: partners see what the next tier asks of them; admins edit.
func (u *portal) tierList(e *core.RequestEvent) error {
	c := getCtx(e)
	info := access.Info(c.User, http.MethodGet, nil)
	page, err := access.ListVisible(e.App, info, "tiers", access.ListOptions{Sort: []string{"-rank", "name"}, PerPage: 100})
	if err != nil {
		return err
	}
	counts, err := access.CountVisibleGrouped(e.App, info, "partners", "tier")
	if err != nil {
		return err
	}
	yours := ""
	if pid := c.User.GetString("partner"); pid != "" {
		if p, err := access.FindVisible(e.App, info, "partners", pid); err == nil {
			yours = p.GetString("tier")
		}
	}
	d := &tierListData{Currency: c.Brand.Currency}
	for _, t := range page.Items {
		d.Tiers = append(d.Tiers, tierRow{TierView: tierView(t), MinRevenue: t.GetFloat("min_revenue_12m"),
			MinCertified: t.GetInt("min_certified_users"), MinDeals: t.GetInt("min_deals_won_12m"),
			Partners: counts[t.Id], Yours: t.Id == yours})
	}
	if d.Standing, err = u.tierStandingOf(e, info); err != nil {
		return err
	}
	d.IsAdmin = c.User.GetString("role") == roles.Admin
	c2, err := e.App.FindCachedCollectionByNameOrId("tiers")
	if err != nil {
		return err
	}
	d.CanEdit, err = access.CanCreate(e.App, access.Info(c.User, http.MethodPost, nil), core.NewRecord(c2))
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "tier_list", &Page{Title: u.t(e, "tiers.title"), Data: d})
}

// tierEditData is the tier form's data.
type tierEditData struct {
	New      bool
	Currency string
}

func tierValues(r *core.Record) map[string]string {
	return map[string]string{
		"name": r.GetString("name"), "rank": strconv.Itoa(r.GetInt("rank")), "colour": r.GetString("colour"),
		"benefits": r.GetString("benefits"), "min_revenue_12m": strconv.FormatFloat(r.GetFloat("min_revenue_12m"), 'f', -1, 64),
		"min_certified_users": strconv.Itoa(r.GetInt("min_certified_users")),
		"min_deals_won_12m":   strconv.Itoa(r.GetInt("min_deals_won_12m")),
	}
}

// loadTierForEdit returns the tier named in the path (or a new one) once the
// Update (or Create) rule allows the user to change it.
func (u *portal) loadTierForEdit(e *core.RequestEvent) (*core.Record, error) {
	c := getCtx(e)
	id := e.Request.PathValue("id")
	if id == "" {
		col, err := e.App.FindCachedCollectionByNameOrId("tiers")
		if err != nil {
			return nil, err
		}
		r := core.NewRecord(col)
		r.Set("colour", "#0f6e6e")
		ok, err := access.CanCreate(e.App, access.Info(c.User, http.MethodPost, nil), r)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, e.ForbiddenError("", errors.New("tier create refused"))
		}
		return r, nil
	}
	r, err := access.FindVisible(e.App, access.Info(c.User, http.MethodGet, nil), "tiers", id)
	if errors.Is(err, access.ErrNotFound) {
		return nil, e.NotFoundError("", err)
	} else if err != nil {
		return nil, err
	}
	ok, err := access.CanUpdate(e.App, access.Info(c.User, http.MethodPatch, nil), r)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, e.ForbiddenError("", errors.New("tier update refused"))
	}
	return r, nil
}

func (u *portal) tierEditShow(e *core.RequestEvent) error {
	r, err := u.loadTierForEdit(e)
	if err != nil {
		return err
	}
	return u.render(e, http.StatusOK, "tier_edit", u.tierEditPage(e, r))
}

func (u *portal) tierEditPage(e *core.RequestEvent, r *core.Record) *Page {
	title := u.t(e, "tiers.edit", r.GetString("name"))
	if r.IsNew() {
		title = u.t(e, "tiers.new")
	}
	return &Page{Title: title, Values: tierValues(r), Errors: map[string]string{},
		Data: &tierEditData{New: r.IsNew(), Currency: getCtx(e).Brand.Currency}}
}

// tierEditSubmit validates the form in the user's language, then creates or
// updates the tier through the tiers rules in one transaction with its event.
func (u *portal) tierEditSubmit(e *core.RequestEvent) error {
	r, err := u.loadTierForEdit(e)
	if err != nil {
		return err
	}
	p := u.tierEditPage(e, r)
	loc := u.locale(e)
	for _, f := range []string{"name", "rank", "colour", "benefits", "min_revenue_12m", "min_certified_users", "min_deals_won_12m"} {
		p.Values[f] = formValue(e, f)
	}
	body := map[string]any{"name": p.Values["name"], "colour": p.Values["colour"], "benefits": p.Values["benefits"]}
	if p.Values["name"] == "" {
		p.Errors["name"] = tr(loc, "validation.required")
	}
	if !hexColour.MatchString(p.Values["colour"]) {
		p.Errors["colour"] = tr(loc, "validation.invalid_colour")
	}
	ints := map[string]int{"rank": 1000, "min_certified_users": 100000, "min_deals_won_12m": 1000000}
	for f, max := range ints {
		v := p.Values[f]
		if v == "" && f != "rank" {
			v = "0" // optional: no requirement
		}
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > max {
			p.Errors[f] = tr(loc, "validation.whole_number", max)
			continue
		}
		body[f] = n
	}
	rev, err := parseAmount(p.Values["min_revenue_12m"])
	if err != nil || rev < 0 || rev > 1e13 {
		p.Errors["min_revenue_12m"] = tr(loc, "validation.amount")
	} else {
		body["min_revenue_12m"] = rev
	}
	if len(p.Errors) > 0 {
		return u.render(e, http.StatusBadRequest, "tier_edit", p)
	}
	if r.IsNew() {
		err = createWithEvent(e, r, body, activity.KindTierCreated)
	} else {
		_, err = updateWithEvent(e, r, body, activity.KindTierUpdated)
	}
	if err := u.saveError(e, p, err); err != nil {
		return err
	}
	if len(p.Errors) > 0 {
		return u.render(e, http.StatusBadRequest, "tier_edit", p)
	}
	u.setFlash(e, "flash.tier_saved")
	return e.Redirect(http.StatusSeeOther, "/tiers")
}
