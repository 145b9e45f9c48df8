package ui

import (
	"net/http"
	"strconv"
	"time"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/access"
	"github.com/ponte-portal/ponte/internal/csvexport"
	"github.com/ponte-portal/ponte/internal/deals"
	"github.com/ponte-portal/ponte/internal/roles"
)

// dealExportBatch is how many deals are named (partner, submitter) per
// lookup while exporting.
const dealExportBatch = 500

// dealExportColumns are the export's header keys, in order.
var dealExportColumns = []string{"id", "submitted", "partner", "submitted_by", "customer_name", "customer_domain",
	"customer_country", "product", "stage", "status", "amount", "currency", "amount_base", "expected_close",
	"protection_until", "closed", "flagged"}

// dealExport streams the deals list as filtered on screen (the same filter,
// the same List rule, through access.EachVisible) as a CSV file: UTF-8 with
// a byte-order mark, cells a spreadsheet would run as formulas neutralised,
// dates in UTC. Rows are written as they are read, so memory stays flat
// whatever the size.
func (u *portal) dealExport(e *core.RequestEvent) error {
	c := getCtx(e)
	loc := u.locale(e)
	role := roles.Of(c.User)
	staff, admin := roles.IsStaff(role), role == roles.Admin
	info := access.Info(c.User, http.MethodGet, nil)
	errs := map[string]string{}
	f, where := parseDealFilter(loc, e.Request.URL.Query(), staff, admin, errs)
	if len(errs) > 0 {
		d := &dealListData{Stages: deals.Stages, Statuses: deals.Statuses, Sorts: dealSorts, IsAdmin: admin}
		if err := dealFilterOptions(e.App, info, staff, admin, d); err != nil {
			return err
		}
		return u.render(e, http.StatusBadRequest, "deal_list", &Page{Title: u.t(e, "deals.title"), Data: d, Errors: errs, Values: f.values()})
	}
	w, err := csvexport.Start(e.Response, "deals-"+now().Format(time.DateOnly)+".csv")
	if err != nil {
		return err
	}
	header := make([]string, len(dealExportColumns))
	for i, k := range dealExportColumns {
		header[i] = tr(loc, "deals.csv."+k)
	}
	if err := w.Row(header...); err != nil {
		return err
	}
	names := map[string]string{} // partner and user ids → names the viewer may see
	yes, no := tr(loc, "deals.csv.yes"), tr(loc, "deals.csv.no")
	batch := make([]*core.Record, 0, dealExportBatch)
	flush := func() error {
		if err := dealExportNames(e.App, info, batch, names); err != nil {
			return err
		}
		for _, r := range batch {
			flag := no
			if r.GetBool("conflict") {
				flag = yes
			}
			if err := w.Row(r.Id, csvTime(r, "submitted"), names[r.GetString("partner")], names[r.GetString("submitted_by")],
				r.GetString("customer_name"), r.GetString("customer_domain"), r.GetString("customer_country"),
				r.GetString("product"), tr(loc, "deals.stage."+r.GetString("stage")), tr(loc, "deals.status."+r.GetString("status")),
				csvNumber(r.GetFloat("amount")), r.GetString("currency"), csvNumber(r.GetFloat("amount_base")),
				csvDate(r, "expected_close"), csvDate(r, "protection_until"), csvTime(r, "closed"), flag); err != nil {
				return err
			}
		}
		batch = batch[:0]
		return nil
	}
	err = access.EachVisible(e.App, info, "deals", access.StreamOptions{Where: append(where, dealScope(c.User)...), Sort: f.Sort}, func(r *core.Record) error {
		batch = append(batch, r)
		if len(batch) == dealExportBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err != nil {
		// The headers are sent: the best left to do is to stop the file
		// short and log why.
		e.App.Logger().Error("exporting deals", "error", err)
		return nil
	}
	return w.Flush()
}

// dealExportNames adds the names of the batch's partners and submitters
// that names lacks, each under its collection's View rule (one query per
// 200 ids).
func dealExportNames(app core.App, info *core.RequestInfo, batch []*core.Record, names map[string]string) error {
	for _, spec := range []struct{ collection, field string }{{"partners", "partner"}, {"users", "submitted_by"}} {
		var missing []any
		seen := map[string]bool{}
		for _, r := range batch {
			id := r.GetString(spec.field)
			if _, ok := names[id]; !ok && id != "" && !seen[id] {
				seen[id] = true
				missing = append(missing, id)
			}
		}
		for start := 0; start < len(missing); start += 200 {
			part := missing[start:min(start+200, len(missing))]
			found, err := visibleByID(app, info, spec.collection, part)
			if err != nil {
				return err
			}
			for _, id := range part {
				names[id.(string)] = ""
				if rec := found[id.(string)]; rec != nil {
					names[id.(string)] = rec.GetString("name")
				}
			}
		}
	}
	return nil
}

func csvNumber(f float64) string { return strconv.FormatFloat(f, 'f', 2, 64) }

// csvTime is a date-time field in UTC, ISO 8601, or "".
func csvTime(r *core.Record, field string) string {
	if d := r.GetDateTime(field); !d.IsZero() {
		return d.Time().UTC().Format("2006-01-02T15:04:05Z")
	}
	return ""
}

// csvDate is a date field as YYYY-MM-DD (UTC), or "".
func csvDate(r *core.Record, field string) string {
	if d := r.GetDateTime(field); !d.IsZero() {
		return d.Time().UTC().Format(time.DateOnly)
	}
	return ""
}
