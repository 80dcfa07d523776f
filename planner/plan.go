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
