package planner

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/teamsql/msteams/schema"
	"github.com/xwb1989/sqlparser"
)

// aggregation groups rows by key expressions. Each grouped row is the
// group's first input row followed by the aggregate results, so plain
// column references still work (as MySQL allows) and aggregates read
// row[width+i].
type aggregation struct {
	keys  []*expr
	specs []*aggSpec
	width int
}

// aggSpec is one aggregate call such as COUNT(DISTINCT x).
type aggSpec struct {
	name     string // count, sum, avg, min, max
	arg      *expr  // nil for COUNT(*)
	distinct bool
}

// groupKeys compiles GROUP BY; an item may name a select-list position or alias.
func (s *scope) groupKeys(sel *sqlparser.Select) (*aggregation, error) {
	agg := &aggregation{}
	for _, item := range sel.GroupBy {
		target := s.selectItemFor(item, sel.SelectExprs)
		e, err := s.compile(target)
		if err != nil {
			return nil, fmt.Errorf("GROUP BY: %w", err)
		}
		agg.keys = append(agg.keys, e)
	}
	return agg, nil
}

// selectItemFor resolves GROUP BY 2 and GROUP BY alias to the select-list expression.
func (s *scope) selectItemFor(item sqlparser.Expr, items sqlparser.SelectExprs) sqlparser.Expr {
	if v, ok := item.(*sqlparser.SQLVal); ok && v.Type == sqlparser.IntVal {
		var n int
		if _, err := fmt.Sscan(string(v.Val), &n); err == nil && n >= 1 && n <= len(items) {
			if ae, ok := items[n-1].(*sqlparser.AliasedExpr); ok {
				return ae.Expr
			}
		}
		return item
	}
	if c, ok := item.(*sqlparser.ColName); ok && c.Qualifier.IsEmpty() {
		for _, se := range items {
			if ae, ok := se.(*sqlparser.AliasedExpr); ok && !ae.As.IsEmpty() && ae.As.EqualString(c.Name.Lowered()) {
				if _, isCol := s.tryResolve(c); !isCol {
					return ae.Expr
				}
			}
		}
	}
	return item
}

func (s *scope) tryResolve(c *sqlparser.ColName) (int, bool) {
	for _, src := range s.sources {
		if i, _, ok := src.table.Column(c.Name.String()); ok {
			return src.offset + i, true
		}
	}
	return -1, false
}

// aggregate compiles an aggregate call in a grouped query.
func (s *scope) aggregate(e *sqlparser.FuncExpr) (*expr, error) {
	name := e.Name.Lowered()
	if !s.aggMode {
		return nil, fmt.Errorf("%s() is not allowed here: aggregates belong in the select list, HAVING or ORDER BY", strings.ToUpper(name))
	}
	spec := &aggSpec{name: name, distinct: e.Distinct}
	if len(e.Exprs) != 1 {
		return nil, fmt.Errorf("%s() takes one argument", strings.ToUpper(name))
	}
	switch arg := e.Exprs[0].(type) {
	case *sqlparser.StarExpr:
		if name != "count" || e.Distinct {
			return nil, fmt.Errorf("only COUNT(*) takes *")
		}
	case *sqlparser.AliasedExpr:
		s.aggMode = false // no aggregates inside aggregates
		argExpr, err := s.compile(arg.Expr)
		s.aggMode = true
		if err != nil {
			return nil, err
		}
		spec.arg = argExpr
	}
	slot := s.aggBase + len(s.aggs)
	s.aggs = append(s.aggs, spec)
	return &expr{typ: spec.resultType(), col: -1, eval: func(row []driver.Value) (driver.Value, error) { return row[slot], nil }}, nil
}

func (a *aggSpec) resultType() schema.Type {
	switch a.name {
	case "count":
		return schema.Int
	case "avg":
		return schema.Float
	case "sum":
		if a.arg != nil && a.arg.typ == schema.Int {
			return schema.Int
		}
		return schema.Float
	}
	if a.arg != nil {
		return a.arg.typ
	}
	return schema.String
}

// aggState accumulates one aggregate over one group.
type aggState struct {
	spec    *aggSpec
	count   int64
	sumInt  int64
	sumF    float64
	allInts bool
	best    driver.Value
	seen    map[string]bool
}

func newAggState(spec *aggSpec) *aggState {
	return &aggState{spec: spec, allInts: true}
}

func (st *aggState) add(row []driver.Value) error {
	if st.spec.arg == nil { // COUNT(*)
		st.count++
		return nil
	}
	v, err := st.spec.arg.eval(row)
	if err != nil || v == nil {
		return err
	}
	if st.spec.distinct {
		if st.seen == nil {
			st.seen = map[string]bool{}
		}
		k := normalizedKey(v)
		if st.seen[k] {
			return nil
		}
		st.seen[k] = true
	}
	st.count++
	switch st.spec.name {
	case "sum", "avg":
		return st.addNumber(v)
	case "min", "max":
		return st.addExtreme(v)
	}
	return nil
}

func (st *aggState) addNumber(v driver.Value) error {
	if n, ok := v.(int64); ok {
		st.sumInt += n
		st.sumF += float64(n)
		return nil
	}
	f, err := toFloat(v)
	if err != nil {
		return fmt.Errorf("%s(): %w", strings.ToUpper(st.spec.name), err)
	}
	st.allInts = false
	st.sumF += f
	return nil
}

func (st *aggState) addExtreme(v driver.Value) error {
	if st.best == nil {
		st.best = v
		return nil
	}
	c, _, err := compareValues(v, st.best)
	if err != nil {
		return fmt.Errorf("%s(): %w", strings.ToUpper(st.spec.name), err)
	}
	if (st.spec.name == "min" && c < 0) || (st.spec.name == "max" && c > 0) {
		st.best = v
	}
	return nil
}

func (st *aggState) result() driver.Value {
	switch st.spec.name {
	case "count":
		return st.count
	case "sum":
		if st.count == 0 {
			return nil
		}
		if st.allInts && st.spec.resultType() == schema.Int {
			return st.sumInt
		}
		return st.sumF
	case "avg":
		if st.count == 0 {
			return nil
		}
		return st.sumF / float64(st.count)
	}
	return st.best
}

// aggIter reads every input row, then yields one row per group in the
// order groups first appeared.
type aggIter struct {
	src rowIter
	agg *aggregation
}

type group struct {
	first  []driver.Value
	states []*aggState
}

func (it *aggIter) load(ctx context.Context) ([][]driver.Value, error) {
	groups := map[string]*group{}
	var order []*group
	for {
		row, err := it.src.next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		key, err := it.groupKey(row)
		if err != nil {
			return nil, err
		}
		g, ok := groups[key]
		if !ok {
			g = it.newGroup(row)
			groups[key] = g
			order = append(order, g)
		}
		for _, st := range g.states {
			if err := st.add(row); err != nil {
				return nil, err
			}
		}
	}
	if len(order) == 0 && len(it.agg.keys) == 0 {
		order = append(order, it.newGroup(make([]driver.Value, it.agg.width))) // SELECT COUNT(*) over no rows is 0
	}
	out := make([][]driver.Value, 0, len(order))
	for _, g := range order {
		row := make([]driver.Value, it.agg.width+len(g.states))
		copy(row, g.first)
		for i, st := range g.states {
			row[it.agg.width+i] = st.result()
		}
		out = append(out, row)
	}
	return out, nil
}

func (it *aggIter) newGroup(first []driver.Value) *group {
	g := &group{first: first}
	for _, spec := range it.agg.specs {
		g.states = append(g.states, newAggState(spec))
	}
	return g
}

func (it *aggIter) groupKey(row []driver.Value) (string, error) {
	values := make([]driver.Value, len(it.agg.keys))
	for i, k := range it.agg.keys {
		v, err := k.eval(row)
		if err != nil {
			return "", fmt.Errorf("GROUP BY: %w", err)
		}
		values[i] = v
	}
	return rowKey(values), nil
}
