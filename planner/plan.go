package planner

import (
	"database/sql/driver"
	"fmt"
	"strings"

	"github.com/teamsql/msteams/schema"
	"github.com/xwb1989/sqlparser"
)

// Options tune planning.
type Options struct {
	Catalog    *schema.Catalog // nil = schema.Default
	PageSize   int             // Graph page size ($top) when no LIMIT is pushed; 0 = each table's maximum
	Procedures []ProcedureInfo // listed by sys_procedures and sys_procedureparameters
}

// Output is one result column.
type Output struct {
	Name     string
	Type     schema.Type
	Nullable bool
	e        *expr
}

// Plan is a planned query, ready to run. Rows flow: source (Graph reads
// and joins) -> WHERE -> GROUP BY/aggregates -> HAVING -> ORDER BY ->
// projection -> DISTINCT -> OFFSET/LIMIT.
type Plan struct {
	Columns    []Output
	source     sourcePlan
	where      *expr
	agg        *aggregation // nil without GROUP BY or aggregates
	having     *expr
	order      []orderKey
	distinct   bool
	limit      int64 // -1: none
	offset     int64
	subqueries []*subquery
}

type orderKey struct {
	e    *expr
	desc bool
}

// sourcePlan produces the rows a query reads, before WHERE.
type sourcePlan interface {
	open(f Fetcher) rowIter
	explain(indent string) []string
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
	if s.describe != "" {
		if _, err := lookupTable(sqlparser.TableName{Name: sqlparser.NewTableIdent(s.describe)}, opts.Catalog); err != nil {
			return nil, err
		}
	}
	plan, err := planSelect(s.sel, p, opts)
	if err != nil || !s.explain {
		return plan, err
	}
	return explainPlan(plan, s.analyze), nil
}

func planSelect(sel *sqlparser.Select, p params, opts Options) (*Plan, error) {
	if sel.Lock != "" {
		return nil, unsupported("locking reads")
	}
	steps, err := fromClause(sel.From, opts)
	if err != nil {
		return nil, err
	}
	sources := make([]source, len(steps))
	for i, st := range steps {
		sources[i] = st.src
	}
	sc := newScope(p, sources...)
	sc.opts = opts
	plan := &Plan{limit: -1, distinct: sel.Distinct != ""}
	if err := sc.compileQuery(sel, plan); err != nil {
		return nil, err
	}
	if plan.source, err = sc.planSource(sel, steps, plan, opts); err != nil {
		return nil, err
	}
	plan.subqueries = sc.subqueries
	return plan, nil
}

// compileQuery compiles every expression of the query against the scope;
// this also records which columns the query reads, for $select.
func (s *scope) compileQuery(sel *sqlparser.Select, plan *Plan) error {
	var err error
	if sel.Where != nil {
		if plan.where, err = s.compile(sel.Where.Expr); err != nil {
			return fmt.Errorf("WHERE: %w", err)
		}
	}
	grouped := len(sel.GroupBy) > 0 || hasAggregate(sel)
	if grouped {
		if plan.agg, err = s.groupKeys(sel); err != nil {
			return err
		}
		s.aggMode = true
	}
	if plan.Columns, err = s.outputs(sel.SelectExprs); err != nil {
		return err
	}
	if sel.Having != nil {
		if !grouped {
			return fmt.Errorf("HAVING needs GROUP BY or an aggregate; use WHERE")
		}
		if plan.having, err = s.compile(sel.Having.Expr); err != nil {
			return fmt.Errorf("HAVING: %w", err)
		}
	}
	if plan.order, err = s.orderBy(sel.OrderBy, plan.Columns); err != nil {
		return fmt.Errorf("ORDER BY: %w", err)
	}
	if grouped {
		plan.agg.specs = s.aggs
		plan.agg.width = s.aggBase
	}
	plan.limit, plan.offset, err = s.limit(sel.Limit)
	s.aggMode = false // join conditions, compiled next, are row-level like WHERE
	return err
}

// planSource chooses the Graph reads: one table with everything Graph can
// do pushed into its requests, or a join of several.
func (s *scope) planSource(sel *sqlparser.Select, steps []joinStep, plan *Plan, opts Options) (sourcePlan, error) {
	var where sqlparser.Expr
	if sel.Where != nil {
		where = sel.Where.Expr
	}
	if len(steps) == 1 {
		if local, ok := localTableFor(steps[0].src.table); ok {
			return local.plan(opts), nil
		}
		target := plan
		if plan.agg != nil || plan.distinct || len(s.subqueries) > 0 {
			// Graph must not order or cut rows that are grouped or de-duplicated later.
			target = &Plan{limit: -1}
		}
		return s.planScan(steps[0].src.table, where, target, opts)
	}
	return s.planJoin(steps, where, opts)
}

func hasAggregate(sel *sqlparser.Select) bool {
	found := false
	visit := func(node sqlparser.SQLNode) (bool, error) {
		switch n := node.(type) {
		case *sqlparser.Subquery:
			return false, nil
		case *sqlparser.FuncExpr:
			if aggregateNames[n.Name.Lowered()] {
				found = true
			}
		}
		return !found, nil
	}
	_ = sqlparser.Walk(visit, sel.SelectExprs, sel.Having, sel.OrderBy)
	return found
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
