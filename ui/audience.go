package ui

import (
	"slices"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/documents"
	"github.com/ponte-portal/ponte/internal/roles"
)

// audienceForm is what an audience box (documents, announcements) offers:
// the tiers and partners the editor may choose, the named partners already
// chosen that the editor may not see (kept as they are), and the chosen
// values, for re-showing the form.
type audienceForm struct {
	Tiers, Partners []Option
	Hidden          []string
	Checked         map[string]bool
}

// readAudience validates the audience fields of a submitted form (audience,
// audience_tiers, audience_regions, audience_partners) into p.Errors, marks
// the chosen values in f.Checked and returns the audience. A record private
// to one partner (private true) needs no audience list; otherwise the chosen
// kind needs at least one value, and an unknown choice keeps its own
// message rather than "choose at least one".
func readAudience(e *core.RequestEvent, p *Page, f *audienceForm, private bool) documents.Audience {
	loc := pageLocale(e, p)
	a := documents.Audience{Kind: formValue(e, "audience")}
	if !slices.Contains(documents.Audiences, a.Kind) {
		p.Errors["audience"] = tr(loc, "validation.invalid_value")
	}
	f.Checked = map[string]bool{}
	known := func(opts []Option, id string) bool {
		return slices.ContainsFunc(opts, func(o Option) bool { return o.Value == id })
	}
	for _, t := range e.Request.PostForm["audience_tiers"] {
		if !known(f.Tiers, t) {
			p.Errors["audience_tiers"] = tr(loc, "validation.unknown_tier")
			continue
		}
		a.Tiers = append(a.Tiers, t)
		f.Checked[t] = true
	}
	for _, r := range e.Request.PostForm["audience_regions"] {
		if !slices.Contains(roles.Regions, r) {
			p.Errors["audience_regions"] = tr(loc, "validation.invalid_value")
			continue
		}
		a.Regions = append(a.Regions, r)
		f.Checked[r] = true
	}
	for _, id := range e.Request.PostForm["audience_partners"] {
		if !known(f.Partners, id) {
			p.Errors["audience_partners"] = tr(loc, "validation.invalid_value")
			continue
		}
		a.Partners = append(a.Partners, id)
		f.Checked[id] = true
	}
	a.Partners = append(a.Partners, f.Hidden...)
	if private {
		return a
	}
	empty := func(field string) {
		if p.Errors[field] == "" {
			p.Errors[field] = tr(loc, "validation.audience_empty")
		}
	}
	switch {
	case a.Kind == "tiers" && len(a.Tiers) == 0:
		empty("audience_tiers")
	case a.Kind == "regions" && len(a.Regions) == 0:
		empty("audience_regions")
	case a.Kind == "partners" && len(a.Partners) == 0:
		empty("audience_partners")
	}
	return a
}

// audienceBody is an audience as the fields of a record body.
func audienceBody(a documents.Audience, body map[string]any) {
	body["audience"] = a.Kind
	body["audience_tiers"] = a.Tiers
	body["audience_regions"] = a.Regions
	body["audience_partners"] = a.Partners
}

// pageLocale is the page's locale (set by fillPage) or the request's.
func pageLocale(e *core.RequestEvent, p *Page) string {
	if p.Locale != "" {
		return p.Locale
	}
	return getCtx(e).Locale
}
