package access

import (
	"fmt"
	"strings"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/inflector"
)

// StreamOptions narrows a visible stream. Where holds expressions the
// handler built from validated input; Sort is one field name from the
// handler's whitelist ("-" prefixed for descending, "" for id order);
// BatchSize is how many rows one query reads (1,000 when 0).
type StreamOptions struct {
	Where     []dbx.Expression
	Sort      string
	BatchSize int
}

// EachVisible calls fn with every record the List rule lets the user see,
// in the order asked for, reading BatchSize rows per query. Each query
// resumes after the last row it saw (keyset paging on the sort field and
// the id), so memory stays flat however many rows there are, no read
// transaction stays open between batches and deep positions cost no more
// than the first. A non-nil error from fn stops the walk and is returned.
func EachVisible(app core.App, info *core.RequestInfo, collection string, opts StreamOptions, fn func(*core.Record) error) error {
	c, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return err
	}
	if opts.BatchSize <= 0 {
		opts.BatchSize = 1000
	}
	desc := strings.HasPrefix(opts.Sort, "-")
	name := strings.TrimPrefix(opts.Sort, "-")
	var field core.Field
	if name != "" && name != "id" {
		field = c.Fields.GetByName(name)
		if field == nil || field.GetHidden() {
			// As in ListVisible: a hidden field would leak through the order.
			return fmt.Errorf("access: unknown or hidden sort field %q", name)
		}
	}
	idCol := c.Name + ".id"
	col := ""
	if field != nil {
		col = c.Name + "." + inflector.Columnify(name)
	}
	op, dir := ">", "ASC"
	if desc {
		op, dir = "<", "DESC"
	}
	var lastKey any
	lastID := ""
	for {
		q := app.RecordQuery(c)
		for _, w := range opts.Where {
			q.AndWhere(w)
		}
		if err := ruleExpr(app, c, info, c.ListRule, q); err != nil {
			return err
		}
		if lastID != "" {
			if col == "" {
				q.AndWhere(dbx.NewExp(idCol+" "+op+" {:__ponte_last_id}", dbx.Params{"__ponte_last_id": lastID}))
			} else {
				// The id breaks ties in the same direction as the field.
				q.AndWhere(dbx.NewExp("("+col+" "+op+" {:__ponte_last_key} OR ("+col+" = {:__ponte_last_key} AND "+idCol+" "+op+" {:__ponte_last_id}))",
					dbx.Params{"__ponte_last_key": lastKey, "__ponte_last_id": lastID}))
			}
		}
		if col != "" {
			q.AndOrderBy(col + " " + dir)
		}
		q.AndOrderBy(idCol + " " + dir).Limit(int64(opts.BatchSize))
		var batch []*core.Record
		if err := q.All(&batch); err != nil {
			return err
		}
		for _, r := range batch {
			if err := fn(r); err != nil {
				return err
			}
		}
		if len(batch) < opts.BatchSize {
			return nil
		}
		last := batch[len(batch)-1]
		lastID = last.Id
		if field != nil {
			lastKey = columnValue(last, field)
		}
	}
}

// columnValue is a record's value of field as the database stores it, for
// comparing in a keyset condition.
func columnValue(r *core.Record, f core.Field) any {
	switch f.Type() {
	case core.FieldTypeNumber:
		return r.GetFloat(f.GetName())
	case core.FieldTypeBool:
		return r.GetBool(f.GetName())
	case core.FieldTypeDate, core.FieldTypeAutodate:
		return r.GetDateTime(f.GetName()).String()
	}
	return r.GetString(f.GetName())
}
