package planner

import (
	"database/sql/driver"
	"fmt"
	"net/http"
	"strings"

	"github.com/teamsql/msteams/graph"
	"github.com/teamsql/msteams/schema"
	"github.com/xwb1989/sqlparser"
)

// Options tune planning.
type Options struct {
	Catalog  *schema.Catalog // nil = schema.Default
	PageSize int             // Graph page size ($top) when no LIMIT is pushed; 0 = each table's maximum
}

// Output is one result column.
type Output struct {
	Name     string
	Type     schema.Type
	Nullable bool
	e        *expr
}

// Plan is a planned query, ready to run.
type Plan struct {
	Columns []Output
	scan    *tableScan
	where   *expr
	order   []orderKey
	limit   int64 // -1: none
	offset  int64
}

type orderKey struct {
	e    *expr
	desc bool
}

// Plan binds args and plans the statement.
func (s *Statement) Plan(args []driver.NamedValue, opts Options) (*Plan, error) {
	p, err := bindParams(args)
	if err != nil {
		return nil, err
	}
	if opts.Catalog == nil {
		opts.Catalog = schema.Default
	}
	return planSelect(s.sel, p, opts)
}

func planSelect(sel *sqlparser.Select, p params, opts Options) (*Plan, error) {
	if err := checkSupportedClauses(sel); err != nil {
		return nil, err
	}
	src, err := fromTable(sel.From, opts.Catalog)
	if err != nil {
		return nil, err
	}
	sc := newScope(p, src)
	plan := &Plan{limit: -1}
	if plan.Columns, err = sc.outputs(sel.SelectExprs); err != nil {
		return nil, err
	}
	if sel.Where != nil {
		if plan.where, err = sc.compile(sel.Where.Expr); err != nil {
			return nil, err
		}
	}
	if plan.order, err = sc.orderBy(sel.OrderBy, plan.Columns); err != nil {
		return nil, err
	}
	if plan.limit, plan.offset, err = sc.limit(sel.Limit); err != nil {
		return nil, err
	}
	var where sqlparser.Expr
	if sel.Where != nil {
		where = sel.Where.Expr
	}
	if plan.scan, err = sc.planScan(src.table, where, sel.OrderBy, plan, opts); err != nil {
		return nil, err
	}
	return plan, nil
}

func checkSupportedClauses(sel *sqlparser.Select) error {
	switch {
	case sel.Distinct != "":
		return unsupported("SELECT DISTINCT")
	case len(sel.GroupBy) > 0:
		return unsupported("GROUP BY")
	case sel.Having != nil:
		return unsupported("HAVING")
	case sel.Lock != "":
		return unsupported("locking reads")
	}
	return nil
}

func fromTable(from sqlparser.TableExprs, cat *schema.Catalog) (source, error) {
	if len(from) == 0 {
		return source{}, errNoTable
	}
	if len(from) > 1 {
		return source{}, unsupported("joins")
	}
	aliased, ok := from[0].(*sqlparser.AliasedTableExpr)
	if !ok {
		return source{}, unsupported("joins")
	}
	name, ok := aliased.Expr.(sqlparser.TableName)
	if !ok {
		return source{}, unsupported("subqueries in FROM")
	}
	table, ok := cat.Table(name.Name.String())
	if !ok {
		return source{}, unknownTable(name.Name.String(), cat)
	}
	alias := aliased.As.String()
	if alias == "" {
		alias = table.Name
	}
	return source{alias: alias, table: table}, nil
}

func unknownTable(name string, cat *schema.Catalog) error {
	var names []string
	for _, t := range cat.Tables() {
		names = append(names, t.Name)
	}
	if best := closest(name, names); best != "" {
		return fmt.Errorf("unknown table %s; did you mean %s?", name, best)
	}
	return fmt.Errorf("unknown table %s; the tables are %s", name, strings.Join(names, ", "))
}

func (s *scope) outputs(exprs sqlparser.SelectExprs) ([]Output, error) {
	var out []Output
	for _, se := range exprs {
		switch se := se.(type) {
		case *sqlparser.StarExpr:
			stars, err := s.star(se)
			if err != nil {
				return nil, err
			}
			out = append(out, stars...)
		case *sqlparser.AliasedExpr:
			o, err := s.output(se)
			if err != nil {
				return nil, err
			}
			out = append(out, o)
		default:
			return nil, unsupported("the select item %s", sqlparser.String(se))
		}
	}
	return out, nil
}

func (s *scope) star(se *sqlparser.StarExpr) ([]Output, error) {
	qualifier := se.TableName.Name.String()
	var out []Output
	for _, src := range s.sources {
		if qualifier != "" && !strings.EqualFold(qualifier, src.alias) && !strings.EqualFold(qualifier, src.table.Name) {
			continue
		}
		for i := range src.table.Columns {
			col := &src.table.Columns[i]
			pos := src.offset + i
			s.used[pos] = true
			out = append(out, Output{Name: col.Name, Type: col.Type, Nullable: col.Nullable, e: columnExpr(pos, col.Type)})
		}
	}
	if out == nil {
		return nil, fmt.Errorf("unknown table or alias %s in %s.*", qualifier, qualifier)
	}
	return out, nil
}

func columnExpr(pos int, typ schema.Type) *expr {
	return &expr{typ: typ, col: pos, eval: func(row []driver.Value) (driver.Value, error) { return row[pos], nil }}
}

func (s *scope) output(se *sqlparser.AliasedExpr) (Output, error) {
	e, err := s.compile(se.Expr)
	if err != nil {
		return Output{}, err
	}
	o := Output{Name: se.As.String(), Type: e.typ, Nullable: true, e: e}
	if colName, ok := se.Expr.(*sqlparser.ColName); ok {
		_, col, _ := s.resolve(colName)
		o.Nullable = col.Nullable
		if o.Name == "" {
			o.Name = col.Name
		}
	}
	if o.Name == "" {
		o.Name = sqlparser.String(se.Expr)
	}
	return o, nil
}

// orderBy resolves ORDER BY items: a select-list position (ORDER BY 2), an
// output alias, or any expression over the table.
func (s *scope) orderBy(items sqlparser.OrderBy, outputs []Output) ([]orderKey, error) {
	keys := make([]orderKey, 0, len(items))
	for _, item := range items {
		e, err := s.orderExpr(item.Expr, outputs)
		if err != nil {
			return nil, err
		}
		keys = append(keys, orderKey{e: e, desc: item.Direction == sqlparser.DescScr})
	}
	return keys, nil
}

func (s *scope) orderExpr(e sqlparser.Expr, outputs []Output) (*expr, error) {
	if v, ok := e.(*sqlparser.SQLVal); ok && v.Type == sqlparser.IntVal {
		n, err := s.literal(v)
		if err != nil {
			return nil, err
		}
		pos := n.(int64)
		if pos < 1 || pos > int64(len(outputs)) {
			return nil, fmt.Errorf("ORDER BY %d: there are %d columns in the select list", pos, len(outputs))
		}
		return outputs[pos-1].e, nil
	}
	if c, ok := e.(*sqlparser.ColName); ok && c.Qualifier.IsEmpty() {
		for _, o := range outputs {
			if strings.EqualFold(o.Name, c.Name.String()) {
				return o.e, nil
			}
		}
	}
	return s.compile(e)
}

func (s *scope) limit(l *sqlparser.Limit) (limit, offset int64, err error) {
	if l == nil {
		return -1, 0, nil
	}
	if limit, err = s.count("LIMIT", l.Rowcount); err != nil {
		return 0, 0, err
	}
	if l.Offset != nil {
		if offset, err = s.count("OFFSET", l.Offset); err != nil {
			return 0, 0, err
		}
	}
	return limit, offset, nil
}

func (s *scope) count(clause string, e sqlparser.Expr) (int64, error) {
	v, err := s.literal(e)
	if err != nil {
		return 0, fmt.Errorf("%s: %w", clause, err)
	}
	n, ok := v.(int64)
	if !ok || n < 0 {
		return 0, fmt.Errorf("%s takes a whole number >= 0, not %s", clause, describeValue(v))
	}
	return n, nil
}

// conjuncts splits a WHERE clause at its top-level ANDs.
func conjuncts(e sqlparser.Expr) []sqlparser.Expr {
	switch e := e.(type) {
	case nil:
		return nil
	case *sqlparser.AndExpr:
		return append(conjuncts(e.Left), conjuncts(e.Right)...)
	case *sqlparser.ParenExpr:
		if _, ok := e.Expr.(*sqlparser.AndExpr); ok {
			return conjuncts(e.Expr)
		}
	}
	return []sqlparser.Expr{e}
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
