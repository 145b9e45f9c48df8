package ui

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/deals"
	"github.com/ponte-portal/ponte/internal/roles"
)

// DealView is a deal as the portal shows it. It never carries the hidden
// conflict_with: the approver panel reads the other deal on its own.
type DealView struct {
	ID, Customer, Domain, Country, Product, Currency, Stage, Status string
	Amount, AmountBase                                              float64
	Notes, Reason                                                   string
	PartnerID, PartnerName, SubmittedBy, DecidedBy                  string
	Submitted, ExpectedClose, ProtectionUntil, Closed, Decided      time.Time
	Conflict, Open                                                  bool
}

func dealView(r *core.Record) *DealView {
	return &DealView{
		ID: r.Id, Customer: r.GetString("customer_name"), Domain: r.GetString("customer_domain"),
		Country: r.GetString("customer_country"), Product: r.GetString("product"), Currency: r.GetString("currency"),
		Stage: r.GetString("stage"), Status: r.GetString("status"), Amount: r.GetFloat("amount"),
		AmountBase: r.GetFloat("amount_base"), Notes: r.GetString("notes"), Reason: r.GetString("reason"),
		PartnerID: r.GetString("partner"), Submitted: r.GetDateTime("submitted").Time(),
		ExpectedClose: r.GetDateTime("expected_close").Time(), ProtectionUntil: r.GetDateTime("protection_until").Time(),
		Closed: r.GetDateTime("closed").Time(), Decided: r.GetDateTime("decided").Time(),
		Conflict: r.GetBool("conflict"), Open: deals.IsOpen(r.GetString("stage")),
	}
}

// dealSorts is the list's and the export's sort whitelist (each backed by
// an index).
var dealSorts = []string{"-submitted", "submitted", "expected_close", "-expected_close", "-amount_base", "amount_base", "customer_key"}

// maxDealRangeDays bounds a date filter's span (a 50-year range is a typing
// error, and would scan everything).
const maxDealRangeDays = 366 * 10

// dealFilter is the list's filter, shared with the export so that the file
// holds exactly what the screen lists.
type dealFilter struct {
	Q, Status, Stage, Partner, Manager, From, To, CloseFrom, CloseTo, Sort string
}

// values returns the filter as form values (for re-showing and links).
func (f dealFilter) values() map[string]string {
	return map[string]string{"q": f.Q, "status": f.Status, "stage": f.Stage, "partner": f.Partner, "manager": f.Manager,
		"from": f.From, "to": f.To, "close_from": f.CloseFrom, "close_to": f.CloseTo, "sort": f.Sort}
}

// query is the filter as a URL query (for the export link).
func (f dealFilter) query() string {
	v := url.Values{}
	for k, s := range f.values() {
		if s != "" {
			v.Set(k, s)
		}
	}
	return v.Encode()
}

// parseDealFilter reads and validates the filter: every value is checked
// against a whitelist or a format and becomes a bound parameter, never SQL.
// Staff may filter by partner, admins by manager. Errors land in errs under
// the field's name.
func parseDealFilter(loc string, q url.Values, staff, admin bool, errs map[string]string) (dealFilter, []dbx.Expression) {
	f := dealFilter{Q: strings.TrimSpace(q.Get("q")), Status: q.Get("status"), Stage: q.Get("stage"),
		From: q.Get("from"), To: q.Get("to"), CloseFrom: q.Get("close_from"), CloseTo: q.Get("close_to"), Sort: q.Get("sort")}
	if staff {
		f.Partner = q.Get("partner")
	}
	if admin {
		f.Manager = q.Get("manager")
	}
	if f.Sort == "" {
		f.Sort = "-submitted"
	} else if !slices.Contains(dealSorts, f.Sort) {
		errs["sort"] = tr(loc, "validation.invalid")
		f.Sort = "-submitted"
	}
	var where []dbx.Expression
	if !utf8.ValidString(f.Q) || utf8.RuneCountInString(f.Q) > 100 {
		errs["q"] = tr(loc, "validation.search_too_long")
		f.Q = ""
	}
	if f.Q != "" {
		// A prefix of the normalised name or web address, on their
		// indexes: "acai" finds "Açaí Indústria Ltda." and acai.com.br.
		key, dom := deals.CustomerKey(f.Q), deals.DomainKey(f.Q)
		if dom == "" {
			dom = strings.ToLower(f.Q)
		}
		or := dbx.Or()
		if key != "" {
			or = dbx.Or(or, prefixExpr("deals.customer_key", "dealq", key))
		}
		if dom != "" {
			or = dbx.Or(or, prefixExpr("deals.domain_key", "dealqd", dom))
		}
		if key == "" && dom == "" {
			or = dbx.NewExp("1=0")
		}
		where = append(where, or)
	}
	if f.Status != "" {
		if !slices.Contains(deals.Statuses, f.Status) {
			errs["status"] = tr(loc, "validation.invalid")
		} else if f.Sort == "-submitted" || f.Sort == "submitted" {
			// (status, submitted) serves this order.
			where = append(where, dbx.HashExp{"deals.status": f.Status})
		} else {
			where = append(where, unindexedIn("deals.status", "dealst", f.Status))
		}
	}
	if f.Stage != "" {
		switch {
		case f.Stage == "open":
			where = append(where, unindexedIn("deals.stage", "dealsg", deals.OpenStages...))
		case slices.Contains(deals.Stages, f.Stage):
			where = append(where, unindexedIn("deals.stage", "dealsg", f.Stage))
		default:
			errs["stage"] = tr(loc, "validation.invalid")
		}
	}
	if f.Partner != "" {
		if !recordID.MatchString(f.Partner) {
			errs["partner"] = tr(loc, "validation.invalid")
		} else {
			where = append(where, dbx.HashExp{"deals.partner": f.Partner})
		}
	}
	if f.Manager != "" {
		if !recordID.MatchString(f.Manager) {
			errs["manager"] = tr(loc, "validation.invalid")
		} else {
			where = append(where, dbx.NewExp("deals.partner IN (SELECT id FROM partners WHERE manager = {:dealmgr})", dbx.Params{"dealmgr": f.Manager}))
		}
	}
	where = append(where, dateRange(loc, "deals.submitted", "from", "to", f.From, f.To, errs)...)
	where = append(where, dateRange(loc, "deals.expected_close", "close_from", "close_to", f.CloseFrom, f.CloseTo, errs)...)
	return f, where
}

// prefixExpr matches column values starting with prefix, as an index range
// (no LIKE, so no wildcard in the text can widen it).
func prefixExpr(column, name, prefix string) dbx.Expression {
	return dbx.NewExp("("+column+" >= {:"+name+"lo} AND "+column+" < {:"+name+"hi})",
		dbx.Params{name + "lo": prefix, name + "hi": prefix + "\U0010FFFF"})
}

// dateRange validates a from/to pair of YYYY-MM-DD dates (either may be
// empty) and returns the conditions on column: from's whole day onwards, up
// to the end of to's day. A reversed or over-long range is refused.
func dateRange(loc, column, fromName, toName, from, to string, errs map[string]string) []dbx.Expression {
	var out []dbx.Expression
	var ft, tt time.Time
	var err error
	if from != "" {
		if ft, err = time.Parse(time.DateOnly, from); err != nil || ft.Year() < 1900 || ft.Year() > 2200 {
			errs[fromName] = tr(loc, "validation.deals_date")
			return nil
		}
		out = append(out, dbx.NewExp(column+" >= {:"+fromName+"}", dbx.Params{fromName: dbTime(ft)}))
	}
	if to != "" {
		if tt, err = time.Parse(time.DateOnly, to); err != nil || tt.Year() < 1900 || tt.Year() > 2200 {
			errs[toName] = tr(loc, "validation.deals_date")
			return nil
		}
		out = append(out, dbx.NewExp(column+" != '' AND "+column+" < {:"+toName+"}", dbx.Params{toName: dbTime(tt.AddDate(0, 0, 1))}))
	}
	if from != "" && to != "" {
		if tt.Before(ft) {
			errs[toName] = tr(loc, "validation.deals_range_reversed")
			return nil
		}
		if tt.Sub(ft) > maxDealRangeDays*24*time.Hour {
			errs[toName] = tr(loc, "validation.deals_range_long")
			return nil
		}
	}
	return out
}

// unindexedIn matches column against values with the column behind a unary
// "+", which keeps SQLite from choosing that column's index: stage and
// status match a large share of the deals, so walking the sort's index and
// stopping at the page's end is far cheaper than reading every match and
// sorting them (1.2 s → milliseconds for open deals by amount at 200,000).
func unindexedIn(column, name string, values ...string) dbx.Expression {
	params := dbx.Params{}
	ph := make([]string, len(values))
	for i, v := range values {
		k := fmt.Sprintf("%s%d", name, i)
		params[k] = v
		ph[i] = "{:" + k + "}"
	}
	return dbx.NewExp("+"+column+" IN ("+strings.Join(ph, ", ")+")", params)
}

// dealScope narrows a partner's list to what the deals rule already limits
// them to (their organisation; a partner user their own registrations), as
// plain indexed conditions: the rule is one OR of every role's case, which
// SQLite cannot use an index for, so without these it would walk every deal
// to find a partner's hundred. The rule still applies on top.
func dealScope(user *core.Record) []dbx.Expression {
	switch roles.Of(user) {
	case roles.PartnerAdmin:
		return []dbx.Expression{dbx.HashExp{"deals.partner": user.GetString("partner")}}
	case roles.PartnerUser:
		return []dbx.Expression{dbx.HashExp{"deals.partner": user.GetString("partner"), "deals.submitted_by": user.Id}}
	}
	return nil
}
