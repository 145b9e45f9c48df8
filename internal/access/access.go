// Package access is the portal's only way to read and write records on a
// user's behalf. Every function applies the collection's own API rule (List,
// View, Create, Update or Delete) through PocketBase's record field resolver,
// exactly as the REST API does, so the portal and the API can never disagree
// about who sees what.
package access

import (
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"

	"github.com/pocketbase/dbx"
	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/inflector"
	"github.com/pocketbase/pocketbase/tools/search"
	"github.com/pocketbase/pocketbase/tools/security"
)

// ErrNotFound means the record does not exist or the rule hides it; callers
// answer 404 for both so that existence never leaks.
var ErrNotFound = errors.New("access: record not found or not visible")

// ErrForbidden means the record is visible but the rule refuses the action.
var ErrForbidden = errors.New("access: action not allowed")

// Info builds the request info that rules are evaluated against: the signed-in
// user (nil for a guest) and the submitted body (for @request.body rules).
func Info(auth *core.Record, method string, body map[string]any) *core.RequestInfo {
	if body == nil {
		body = map[string]any{}
	}
	return &core.RequestInfo{
		Auth:    auth,
		Method:  method,
		Body:    body,
		Query:   map[string]string{},
		Headers: map[string]string{},
		Context: core.RequestInfoContextDefault,
	}
}

// ruleExpr resolves a rule into a WHERE expression and joins it into q. A nil
// rule (superusers only) yields an always-false expression for everyone else.
func ruleExpr(app core.App, c *core.Collection, info *core.RequestInfo, rule *string, q *dbx.SelectQuery) error {
	if info.HasSuperuserAuth() {
		return nil
	}
	if rule == nil {
		q.AndWhere(dbx.NewExp("1=0"))
		return nil
	}
	if *rule == "" {
		return nil
	}
	resolver := core.NewRecordFieldResolver(app, c, info, true)
	expr, err := search.FilterData(*rule).BuildExpr(resolver)
	if err != nil {
		return fmt.Errorf("access: build rule for %s: %w", c.Name, err)
	}
	q.AndWhere(expr)
	return resolver.UpdateQuery(q)
}

// ApplyListRule adds collection c's List rule to q, exactly as ListVisible
// does, for the aggregate queries a report builds itself (grouped sums and
// maxima the helpers here do not offer). q must select from c's table, or
// from a table or CTE named like c with the columns its rule reads.
func ApplyListRule(app core.App, info *core.RequestInfo, c *core.Collection, q *dbx.SelectQuery) error {
	return ruleExpr(app, c, info, c.ListRule, q)
}

// FindVisible loads one record by id if the collection's View rule lets the
// user see it, else ErrNotFound.
func FindVisible(app core.App, info *core.RequestInfo, collection, id string) (*core.Record, error) {
	return FindVisibleBy(app, info, collection, "id", id)
}

// FindVisibleBy loads the first record whose field equals value (for a unique
// field such as a slug), with the View rule applied.
func FindVisibleBy(app core.App, info *core.RequestInfo, collection, field, value string) (*core.Record, error) {
	c, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return nil, err
	}
	if value == "" || c.Fields.GetByName(field) == nil {
		return nil, ErrNotFound
	}
	q := app.RecordQuery(c).AndWhere(dbx.HashExp{c.Name + "." + inflector.Columnify(field): value}).Limit(1)
	if err := ruleExpr(app, c, info, c.ViewRule, q); err != nil {
		return nil, err
	}
	rec := &core.Record{}
	if err := q.One(rec); err != nil {
		if errors.Is(err, sql.ErrNoRows) {
			return nil, ErrNotFound
		}
		return nil, err
	}
	return rec, nil
}

// ListOptions narrows a visible list. Where holds expressions the handler built
// from validated input (never a raw filter string from the query); Sort holds
// column names from the handler's whitelist, "-" prefixed for descending.
type ListOptions struct {
	Where   []dbx.Expression
	Sort    []string
	Page    int // 1-based
	PerPage int
}

// Page is one page of a visible list. HasMore replaces a total count: counting
// a large table on every page view is what makes lists slow.
type Page struct {
	Items   []*core.Record
	Page    int
	PerPage int
	HasMore bool
}

// ListVisible returns one page of the records the List rule lets the user see.
func ListVisible(app core.App, info *core.RequestInfo, collection string, opts ListOptions) (*Page, error) {
	c, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return nil, err
	}
	if opts.PerPage <= 0 || opts.PerPage > 200 {
		opts.PerPage = 25
	}
	if opts.Page <= 0 {
		opts.Page = 1
	}
	q := app.RecordQuery(c)
	for _, w := range opts.Where {
		q.AndWhere(w)
	}
	if err := ruleExpr(app, c, info, c.ListRule, q); err != nil {
		return nil, err
	}
	for _, s := range opts.Sort {
		dir := "ASC"
		if strings.HasPrefix(s, "-") {
			dir, s = "DESC", s[1:]
		}
		if f := c.Fields.GetByName(s); f == nil || f.GetHidden() {
			// Hidden fields (password hashes, token keys) never order a list:
			// the order alone would leak them a bit at a time.
			return nil, fmt.Errorf("access: unknown or hidden sort field %q", s)
		}
		q.AndOrderBy(c.Name + "." + inflector.Columnify(s) + " " + dir)
	}
	q.AndOrderBy(c.Name + ".id ASC") // stable pages
	q.Offset(int64((opts.Page - 1) * opts.PerPage)).Limit(int64(opts.PerPage + 1))

	var items []*core.Record
	if err := q.All(&items); err != nil {
		return nil, err
	}
	p := &Page{Page: opts.Page, PerPage: opts.PerPage}
	if len(items) > opts.PerPage {
		p.HasMore = true
		items = items[:opts.PerPage]
	}
	p.Items = items
	return p, nil
}

// CountVisible counts the records the List rule lets the user see among those
// matching where. Use it only on small, indexed sets (one partner's users),
// never on a page of a large table.
func CountVisible(app core.App, info *core.RequestInfo, collection string, where ...dbx.Expression) (int, error) {
	c, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return 0, err
	}
	q := app.RecordQuery(c).Select("COUNT(DISTINCT " + c.Name + ".id)")
	for _, w := range where {
		q.AndWhere(w)
	}
	if err := ruleExpr(app, c, info, c.ListRule, q); err != nil {
		return 0, err
	}
	var n int
	err = q.Row(&n)
	return n, err
}

// CanUpdate reports whether the Update rule lets the user submit body for rec.
func CanUpdate(app core.App, info *core.RequestInfo, rec *core.Record) (bool, error) {
	return app.CanAccessRecord(rec, info, rec.Collection().UpdateRule)
}

// CanDelete reports whether the Delete rule lets the user delete rec.
func CanDelete(app core.App, info *core.RequestInfo, rec *core.Record) (bool, error) {
	return app.CanAccessRecord(rec, info, rec.Collection().DeleteRule)
}

// Update applies the Update rule (with info.Body as the submitted fields) and,
// when it passes, sets the fields on rec and saves it. Fields are applied only
// from body, so a handler cannot write a field the rule did not see.
func Update(app core.App, info *core.RequestInfo, rec *core.Record) error {
	ok, err := CanUpdate(app, info, rec)
	if err != nil {
		return err
	}
	if !ok {
		return ErrForbidden
	}
	for k, v := range info.Body {
		rec.Set(k, v)
	}
	return app.Save(rec)
}

// CanCreate evaluates the Create rule for a record that does not exist yet, the
// way PocketBase's create endpoint does: the new record's values are exposed
// as a one-row CTE named like the collection and the rule is run against it.
func CanCreate(app core.App, info *core.RequestInfo, rec *core.Record) (bool, error) {
	c := rec.Collection()
	if info.HasSuperuserAuth() {
		return true, nil
	}
	if c.CreateRule == nil {
		return false, nil
	}
	if *c.CreateRule == "" {
		return true, nil
	}
	export, err := rec.DBExport(app)
	if err != nil {
		return false, err
	}
	params := dbx.Params{}
	selects := make([]string, 0, len(export))
	for k, v := range export {
		k = inflector.Columnify(k)
		params["__ponte_new__"+k] = v
		selects = append(selects, "{:__ponte_new__"+k+"} AS [["+k+"]]")
	}
	dummy := *c
	suffix := strings.ToLower(security.PseudorandomString(6))
	dummy.Id += suffix
	dummy.Name += suffix
	q := app.ConcurrentDB().Select("(1)").
		PreFragment(fmt.Sprintf("WITH {{%s}} AS (SELECT %s)", dummy.Name, strings.Join(selects, ","))).
		From(dummy.Name).AndBind(params)
	if err := ruleExpr(app, &dummy, info, dummy.CreateRule, q); err != nil {
		return false, err
	}
	var exists int
	if err := q.Limit(1).Row(&exists); err != nil && !errors.Is(err, sql.ErrNoRows) {
		return false, err
	}
	return exists > 0, nil
}

// CountVisibleGrouped counts visible records per value of field (for example
// users per partner) in one grouped query, under the List rule.
func CountVisibleGrouped(app core.App, info *core.RequestInfo, collection, field string, where ...dbx.Expression) (map[string]int, error) {
	c, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return nil, err
	}
	if c.Fields.GetByName(field) == nil {
		return nil, fmt.Errorf("access: unknown group field %q", field)
	}
	col := c.Name + "." + inflector.Columnify(field)
	q := app.RecordQuery(c).Select(col+" AS [[k]]", "COUNT(DISTINCT "+c.Name+".id) AS [[n]]")
	for _, w := range where {
		q.AndWhere(w)
	}
	if err := ruleExpr(app, c, info, c.ListRule, q); err != nil {
		return nil, err
	}
	q.GroupBy(col)
	var rows []struct {
		K string `db:"k"`
		N int    `db:"n"`
	}
	if err := q.All(&rows); err != nil {
		return nil, err
	}
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.K] = r.N
	}
	return out, nil
}

// Create sets info.Body on the new record rec, evaluates the Create rule
// against it and, when it passes, saves it. Like Update, it returns
// ErrForbidden when the rule refuses.
func Create(app core.App, info *core.RequestInfo, rec *core.Record) error {
	for k, v := range info.Body {
		rec.Set(k, v)
	}
	ok, err := CanCreate(app, info, rec)
	if err != nil {
		return err
	}
	if !ok {
		return ErrForbidden
	}
	return app.Save(rec)
}

// containsSeq numbers Contains parameters so several in one query never clash.
var containsSeq atomic.Uint64

// Contains matches rows whose column contains text (case-insensitive for
// ASCII, as SQLite's LIKE), with the LIKE wildcards % and _ in text matched
// literally. dbx.Like escapes them but emits no ESCAPE clause, so SQLite
// would take the backslashes literally; this adds it.
func Contains(column, text string) dbx.Expression {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	name := fmt.Sprintf("contains%d", containsSeq.Add(1))
	return dbx.NewExp("[["+column+"]] LIKE {:"+name+"} ESCAPE '\\'", dbx.Params{name: "%" + r.Replace(text) + "%"})
}

// GroupCount is one group of CountVisibleBy: the group's value, its rows and
// its distinct values of the counted field.
type GroupCount struct {
	Key      string `db:"k"`
	Rows     int    `db:"n"`
	Distinct int    `db:"d"`
}

// CountVisibleBy counts visible records per value of group (all in one group
// when group is ""), with the number of distinct values of distinct in each
// (for example downloads per partner and unique downloaders), most rows
// first, at most limit groups (0 for all). Indexed where clauses keep it
// cheap; it never scans what the List rule hides.
func CountVisibleBy(app core.App, info *core.RequestInfo, collection, group, distinct string, limit int, where ...dbx.Expression) ([]GroupCount, error) {
	c, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return nil, err
	}
	for _, f := range []string{group, distinct} {
		if f != "" && c.Fields.GetByName(f) == nil {
			return nil, fmt.Errorf("access: unknown field %q", f)
		}
	}
	key, dist := "''", "0"
	if group != "" {
		key = c.Name + "." + inflector.Columnify(group)
	}
	if distinct != "" {
		dist = "COUNT(DISTINCT " + c.Name + "." + inflector.Columnify(distinct) + ")"
	}
	q := app.RecordQuery(c).Select(key+" AS [[k]]", "COUNT(DISTINCT "+c.Name+".id) AS [[n]]", dist+" AS [[d]]")
	for _, w := range where {
		q.AndWhere(w)
	}
	if err := ruleExpr(app, c, info, c.ListRule, q); err != nil {
		return nil, err
	}
	if group != "" {
		q.GroupBy(key).OrderBy("n DESC", "k ASC")
	}
	if limit > 0 {
		q.Limit(int64(limit))
	}
	var out []GroupCount
	err = q.All(&out)
	return out, err
}

// GroupSum is one group of SumVisibleBy: the group's value and the sums of
// the two summed fields.
type GroupSum struct {
	Key  string `db:"k"`
	SumA int    `db:"a"`
	SumB int    `db:"b"`
}

// SumVisibleBy sums two number fields (a and b) of the visible records per
// value of group (one group when group is ""), largest SumA first, at most
// limit groups (0 for all). It reads rollup tables, whose rows the List rule
// filters like any others.
func SumVisibleBy(app core.App, info *core.RequestInfo, collection, group, a, b string, limit int, where ...dbx.Expression) ([]GroupSum, error) {
	c, err := app.FindCachedCollectionByNameOrId(collection)
	if err != nil {
		return nil, err
	}
	for _, f := range []string{group, a, b} {
		if f != "" && c.Fields.GetByName(f) == nil {
			return nil, fmt.Errorf("access: unknown field %q", f)
		}
	}
	col := func(f string) string { return c.Name + "." + inflector.Columnify(f) }
	key := "''"
	if group != "" {
		key = col(group)
	}
	// The rule's joins may repeat a row; summing over distinct ids keeps
	// every record counted once.
	inner := app.RecordQuery(c).Select(c.Name+".id AS [[id]]", key+" AS [[k]]", col(a)+" AS [[a]]", col(b)+" AS [[b]]").Distinct(true)
	for _, w := range where {
		inner.AndWhere(w)
	}
	if err := ruleExpr(app, c, info, c.ListRule, inner); err != nil {
		return nil, err
	}
	sub := inner.Build()
	q := app.DB().Select("COALESCE([[k]], '') AS [[k]]", "COALESCE(SUM([[a]]), 0) AS [[a]]", "COALESCE(SUM([[b]]), 0) AS [[b]]").
		From("(" + sub.SQL() + ") AS t").Bind(sub.Params())
	if group != "" {
		q.GroupBy("k").OrderBy("a DESC", "k ASC")
	}
	if limit > 0 {
		q.Limit(int64(limit))
	}
	var out []GroupSum
	err = q.All(&out)
	return out, err
}
