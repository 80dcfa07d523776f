package planner

// This file reads one table from Graph: choosing the requests (path keys,
// $filter, $orderby, $top, $select) and turning their pages into rows.

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/teamsql/msteams/graph"
	"github.com/teamsql/msteams/schema"
	"github.com/xwb1989/sqlparser"
)

// Fetcher sends Graph requests; *graph.Client satisfies it through
// ClientFetcher.
type Fetcher interface {
	Get(ctx context.Context, r graph.Request) ([]byte, error)
	List(r graph.Request) Pager
}

// Pager yields a collection page by page, io.EOF after the last.
type Pager interface {
	Next(ctx context.Context) (*graph.Page, error)
}

// ClientFetcher adapts a *graph.Client to Fetcher.
type ClientFetcher struct{ Client *graph.Client }

func (f ClientFetcher) Get(ctx context.Context, r graph.Request) ([]byte, error) {
	return f.Client.Get(ctx, r)
}

func (f ClientFetcher) List(r graph.Request) Pager { return f.Client.List(r) }

// tableScan reads one table from Graph.
type tableScan struct {
	table       *schema.Table
	get         bool                      // one GET per key combination instead of a listing
	bound       map[string][]driver.Value // key column -> values the query bound
	parent      *Plan                     // enumerates the remaining path keys, nil when all are bound
	parentKeys  []string                  // key columns filled from the parent's output columns, in order
	query       graph.Query
	header      http.Header
	needed      []int // row positions the query reads, decoded from each item
	limitPushed bool
}

// predicate is one WHERE conjunct and what Graph can do with it.
type predicate struct {
	key    string         // key column it binds ("" when none) ...
	values []driver.Value // ... to these values (= or IN)
	filter string         // its OData $filter form ("" when Graph cannot evaluate it)
}

func (s *scope) analyze(t *schema.Table, where sqlparser.Expr) []predicate {
	var preds []predicate
	for _, c := range conjuncts(where) {
		var p predicate
		p.key, p.values = s.keyBinding(t, c)
		p.filter, _ = s.odata(t, c)
		preds = append(preds, p)
	}
	return preds
}

// planScan chooses how to read the table: a GET per bound entity key, or a
// listing per bound (or parent-enumerated) collection key, with whatever
// $filter, $orderby, $top and $select Graph supports for the query.
func (s *scope) planScan(t *schema.Table, where sqlparser.Expr, orderItems sqlparser.OrderBy, plan *Plan, opts Options) (*tableScan, error) {
	preds := s.analyze(t, where)
	bound := firstBindings(preds)
	scan := &tableScan{table: t, bound: map[string][]driver.Value{}}
	pushedAll := true
	if keys := schema.PathKeys(t.GetPath); t.GetPath != "" && allBound(keys, bound) {
		scan.get = true
		for _, k := range keys {
			scan.bound[k] = bound[k]
		}
		pushedAll = false // Graph applies no $filter to a single entity
	} else {
		var filters []string
		for i, p := range preds {
			switch {
			case p.key != "" && isListKey(t, p.key) && bindingIndex(preds, p.key) == i:
				scan.bound[p.key] = p.values
			case p.filter != "":
				filters = append(filters, p.filter)
			default:
				pushedAll = false
			}
		}
		scan.query.Filter = strings.Join(filters, " and ")
		if err := s.planParent(scan, opts); err != nil {
			return nil, err
		}
	}
	s.planOrderAndLimit(scan, orderItems, plan, pushedAll, opts)
	scan.query.Select = s.selectList(t)
	scan.needed = s.neededColumns(t)
	return scan, nil
}

func firstBindings(preds []predicate) map[string][]driver.Value {
	bound := map[string][]driver.Value{}
	for _, p := range preds {
		if p.key != "" {
			if _, seen := bound[p.key]; !seen {
				bound[p.key] = p.values
			}
		}
	}
	return bound
}

func bindingIndex(preds []predicate, key string) int {
	for i, p := range preds {
		if p.key == key {
			return i
		}
	}
	return -1
}

func allBound(keys []string, bound map[string][]driver.Value) bool {
	for _, k := range keys {
		if _, ok := bound[k]; !ok {
			return false
		}
	}
	return len(keys) > 0
}

func isListKey(t *schema.Table, key string) bool {
	for _, k := range schema.PathKeys(t.ListPath) {
		if k == key {
			return true
		}
	}
	return false
}

// planParent arranges for the list path keys the query left unbound to be
// enumerated from the parent table, itself planned like any query so that
// keys the query did bind narrow the parent listing.
func (s *scope) planParent(scan *tableScan, opts Options) error {
	t := scan.table
	var missing []string
	for _, k := range schema.PathKeys(t.ListPath) {
		if _, ok := scan.bound[k]; !ok {
			missing = append(missing, k)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	if t.Parent == nil {
		return fmt.Errorf("%w: a query on %s needs %s: add WHERE %s = '...'", ErrMissingKey, t.Name, strings.Join(missing, " and "), missing[0])
	}
	for _, k := range missing {
		if _, ok := t.Parent.Supplies(k); !ok {
			return fmt.Errorf("%w: a query on %s needs %s = '...' (no table lists it)", ErrMissingKey, t.Name, k)
		}
	}
	sel := parentSelect(t.Parent, scan.bound)
	parentPlan, err := planSelect(sel, nil, opts)
	if err != nil {
		return fmt.Errorf("listing %s to find %s: %w", t.Parent.Table, strings.Join(missing, ", "), err)
	}
	scan.parent = parentPlan
	for _, k := range t.Parent.Keys {
		scan.parentKeys = append(scan.parentKeys, k.Key)
		delete(scan.bound, k.Key) // the parent's rows carry these, already narrowed by the binding
	}
	return nil
}

// parentSelect builds SELECT <supplying columns> FROM parent WHERE col IN (bound values).
func parentSelect(parent *schema.Parent, bound map[string][]driver.Value) *sqlparser.Select {
	sel := &sqlparser.Select{From: sqlparser.TableExprs{&sqlparser.AliasedTableExpr{Expr: sqlparser.TableName{Name: sqlparser.NewTableIdent(parent.Table)}}}}
	var where sqlparser.Expr
	for _, k := range parent.Keys {
		col := &sqlparser.ColName{Name: sqlparser.NewColIdent(k.Column)}
		sel.SelectExprs = append(sel.SelectExprs, &sqlparser.AliasedExpr{Expr: col})
		values, ok := bound[k.Key]
		if !ok {
			continue
		}
		tuple := sqlparser.ValTuple{}
		for _, v := range values {
			tuple = append(tuple, sqlparser.NewStrVal([]byte(toText(v))))
		}
		var cond sqlparser.Expr = &sqlparser.ComparisonExpr{Operator: sqlparser.InStr, Left: col, Right: tuple}
		if where != nil {
			cond = &sqlparser.AndExpr{Left: where, Right: cond}
		}
		where = cond
	}
	if where != nil {
		sel.Where = sqlparser.NewWhere(sqlparser.WhereStr, where)
	}
	return sel
}

// planOrderAndLimit pushes ORDER BY and LIMIT to Graph when Graph's answer
// would be exactly the driver's: one listing, every predicate pushed, and an
// order Graph can produce. Otherwise the driver sorts and limits.
func (s *scope) planOrderAndLimit(scan *tableScan, items sqlparser.OrderBy, plan *Plan, pushedAll bool, opts Options) {
	t := scan.table
	single := !scan.get && scan.parent == nil && singleBinding(scan.bound)
	orderPushed := len(items) == 0
	if single && len(items) > 0 {
		if orderBy, advanced, ok := s.graphOrder(t, items); ok {
			scan.query.OrderBy = orderBy
			orderPushed = true
			plan.order = nil // Graph returns rows in this order
			if advanced || (scan.query.Filter != "" && t.EventualCount) {
				scan.advancedQuery()
			}
		}
	}
	if scan.get || t.MaxPageSize == 0 {
		return
	}
	scan.query.Top = t.MaxPageSize
	if opts.PageSize > 0 {
		scan.query.Top = min(opts.PageSize, t.MaxPageSize)
	}
	if single && pushedAll && orderPushed && plan.limit >= 0 {
		scan.query.Top = int(min(plan.limit+plan.offset, int64(t.MaxPageSize)))
		scan.limitPushed = true
	}
}

func singleBinding(bound map[string][]driver.Value) bool {
	for _, vs := range bound {
		if len(vs) != 1 {
			return false
		}
	}
	return true
}

// graphOrder translates ORDER BY when every item is a sortable column;
// advanced reports that Graph needs ConsistencyLevel: eventual for it.
func (s *scope) graphOrder(t *schema.Table, items sqlparser.OrderBy) (orderBy []string, advanced, ok bool) {
	for _, item := range items {
		c, isCol := item.Expr.(*sqlparser.ColName)
		if !isCol {
			return nil, false, false
		}
		_, col, found := t.Column(c.Name.String())
		if !found || !col.Sortable {
			return nil, false, false
		}
		entry := col.Property
		if item.Direction == sqlparser.DescScr {
			if !t.EventualCount {
				return nil, false, false
			}
			entry += " desc"
			advanced = true
		}
		orderBy = append(orderBy, entry)
	}
	return orderBy, advanced, true
}

func (scan *tableScan) advancedQuery() {
	scan.header = http.Header{"Consistencylevel": []string{"eventual"}}
	scan.query.Count = true
}

// selectList names the Graph properties behind every column the query uses.
func (s *scope) selectList(t *schema.Table) []string {
	var props []string
	seen := map[string]bool{}
	add := func(p string) {
		if p != "" && !seen[p] {
			seen[p] = true
			props = append(props, p)
		}
	}
	if _, col, ok := t.Column("Id"); ok {
		add(col.SelectName())
	}
	for i := range t.Columns {
		if s.used[i] {
			add(t.Columns[i].SelectName())
		}
	}
	return props
}

func (s *scope) neededColumns(t *schema.Table) []int {
	var needed []int
	for i := range t.Columns {
		if s.used[i] {
			needed = append(needed, i)
		}
	}
	return needed
}

// graphRequest is the Graph request for one set of key values.
func (scan *tableScan) graphRequest(keys map[string]driver.Value) graph.Request {
	path := scan.table.ListPath
	if scan.get {
		path = scan.table.GetPath
	}
	for _, k := range schema.PathKeys(path) {
		path = strings.Replace(path, "{"+k+"}", graph.Path(toText(keys[k]))[1:], 1)
	}
	q := scan.query
	if scan.get {
		q = graph.Query{Select: q.Select}
	}
	return graph.Request{Path: path, Query: q, Header: scan.header}
}

// keyIter yields the path key values of each Graph request a scan makes.
type keyIter interface {
	next(ctx context.Context) (map[string]driver.Value, error)
}

// scanIter turns Graph pages into table rows.
type scanIter struct {
	scan  *tableScan
	f     Fetcher
	keys  keyIter
	cur   map[string]driver.Value
	pager Pager
	items []itemRaw
	done  bool
}

type itemRaw = json.RawMessage

func newScanIter(scan *tableScan, f Fetcher) *scanIter {
	var keys keyIter = newProductIter(scan.bound)
	if scan.parent != nil {
		keys = &parentKeyIter{bound: scan.bound, keys: scan.parentKeys, rows: scan.parent.Run(f), width: len(scan.parent.Columns)}
	}
	return &scanIter{scan: scan, f: f, keys: keys}
}

func (it *scanIter) next(ctx context.Context) ([]driver.Value, error) {
	for len(it.items) == 0 {
		if err := it.fill(ctx); err != nil {
			return nil, err
		}
	}
	raw := it.items[0]
	it.items = it.items[1:]
	return decodeRow(it.scan.table, it.scan.needed, it.cur, raw)
}

// fill loads the next page, moving on to the next key combination when
// the current listing is exhausted.
func (it *scanIter) fill(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if it.pager != nil {
		page, err := it.pager.Next(ctx)
		if err == nil {
			it.items = page.Items
			return nil
		}
		if !errors.Is(err, io.EOF) {
			return err
		}
		it.pager = nil
	}
	keys, err := it.keys.next(ctx)
	if err != nil {
		return err
	}
	it.cur = keys
	req := it.scan.graphRequest(keys)
	if !it.scan.get {
		it.pager = it.f.List(req)
		return nil
	}
	body, err := it.f.Get(ctx, req)
	if errors.Is(err, graph.ErrNotFound) {
		return nil // no such entity: no row, as a WHERE Id = 'x' on a table would give
	}
	if err != nil {
		return err
	}
	it.items = []itemRaw{body}
	return nil
}

// productIter yields every combination of the bound key values.
type productIter struct {
	names  []string
	values [][]driver.Value
	pos    []int
	done   bool
}

func newProductIter(bound map[string][]driver.Value) *productIter {
	it := &productIter{}
	for name := range bound {
		it.names = append(it.names, name)
	}
	sort.Strings(it.names) // a fixed request order
	for _, name := range it.names {
		it.values = append(it.values, dedupe(bound[name]))
	}
	it.pos = make([]int, len(it.names))
	return it
}

func dedupe(values []driver.Value) []driver.Value {
	var out []driver.Value
	seen := map[string]bool{}
	for _, v := range values {
		if k := toText(v); !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	return out
}

func (it *productIter) next(context.Context) (map[string]driver.Value, error) {
	if it.done {
		return nil, io.EOF
	}
	keys := make(map[string]driver.Value, len(it.names))
	for i, name := range it.names {
		keys[name] = it.values[i][it.pos[i]]
	}
	it.advance()
	return keys, nil
}

func (it *productIter) advance() {
	for i := len(it.pos) - 1; i >= 0; i-- {
		it.pos[i]++
		if it.pos[i] < len(it.values[i]) {
			return
		}
		it.pos[i] = 0
	}
	it.done = true
}

// parentKeyIter takes key values from the rows of the parent table's plan.
type parentKeyIter struct {
	bound map[string][]driver.Value
	keys  []string
	rows  *Cursor
	width int
}

func (it *parentKeyIter) next(ctx context.Context) (map[string]driver.Value, error) {
	row := make([]driver.Value, it.width)
	if err := it.rows.Next(ctx, row); err != nil {
		return nil, err
	}
	keys := make(map[string]driver.Value, len(it.keys)+len(it.bound))
	for name, values := range it.bound {
		keys[name] = values[0]
	}
	for i, name := range it.keys {
		keys[name] = row[i]
	}
	return keys, nil
}
