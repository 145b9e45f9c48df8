package ui

import (
	"errors"
	"regexp"

	"github.com/pocketbase/pocketbase/core"

	"github.com/ponte-portal/ponte/internal/csvexport"
)

// exportName is the form of an export's file name: a table name and .csv.
var exportName = regexp.MustCompile(`^([a-z]+)\.csv$`)

// dashboardExport is /dashboard/export/{table}.csv: one table of the
// viewer's dashboard, with the same filters and the same scope as the page,
// streamed as CSV (UTF-8 with BOM, formulas neutralised). Bad filters get
// the page with the errors (400); an unknown table is a 404.
func (u *portal) dashboardExport(e *core.RequestEvent) error {
	_, p, err := u.dashboardBuild(e)
	if errors.Is(err, errBadFilters) {
		return u.renderBadFilters(e, p)
	} else if err != nil {
		return err
	}
	return u.writeDashTable(e, p.Data.(*dashboardData), "")
}

// scorecardExport is /partners/{slug}/scorecard/export/{table}.csv, with the
// scorecard's access and filters.
func (u *portal) scorecardExport(e *core.RequestEvent) error {
	_, p, err := u.scorecardBuild(e)
	if errors.Is(err, errBadFilters) {
		return u.renderBadFilters(e, p)
	} else if err != nil {
		return err
	}
	return u.writeDashTable(e, p.Data.(*dashboardData), e.Request.PathValue("slug")+"-")
}

// writeDashTable streams the table named in the URL.
func (u *portal) writeDashTable(e *core.RequestEvent, d *dashboardData, prefix string) error {
	m := exportName.FindStringSubmatch(e.Request.PathValue("table"))
	if m == nil {
		return e.NotFoundError("", errors.New("bad export name"))
	}
	t := d.table(m[1])
	if t == nil {
		return e.NotFoundError("", errors.New("unknown dashboard table"))
	}
	w, err := csvexport.Start(e.Response, prefix+d.Kind+"-"+t.Name+".csv")
	if err != nil {
		return err
	}
	head := t.Head
	if t.RawHead != nil {
		head = t.RawHead
	}
	if err := w.Row(append([]string(nil), head...)...); err != nil {
		return err
	}
	for _, r := range t.Rows {
		if err := w.Row(append([]string(nil), r.Raw...)...); err != nil {
			return err
		}
	}
	return w.Flush()
}

// table finds a table of the page, under a chart or on its own, by name.
func (d *dashboardData) table(name string) *dashTable {
	for _, c := range d.Charts {
		if c.Table != nil && c.Table.Name == name {
			return c.Table
		}
	}
	for _, t := range d.Tables {
		if t.Name == name {
			return t
		}
	}
	return nil
}
