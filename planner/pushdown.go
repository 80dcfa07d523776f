package planner

import (
	"database/sql/driver"
	"strconv"
	"strings"
	"time"

	"github.com/teamsql/msteams/graph"
	"github.com/teamsql/msteams/schema"
	"github.com/xwb1989/sqlparser"
)

// keyBinding recognises "Key = value" and "Key IN (values...)" on a key
// column; these become Graph paths rather than filters.
func (s *scope) keyBinding(t *schema.Table, e sqlparser.Expr) (string, []driver.Value) {
	cmp, ok := e.(*sqlparser.ComparisonExpr)
	if !ok {
		return "", nil
	}
	col, valueExprs, ok := s.columnAgainstValues(t, cmp)
	if !ok || !col.Key || (cmp.Operator != sqlparser.EqualStr && cmp.Operator != sqlparser.InStr) {
		return "", nil
	}
	values, ok := s.constants(valueExprs)
	if !ok {
		return "", nil
	}
	return col.Name, values
}

// columnAgainstValues matches "col op value", "value op col" (for symmetric
// operators) and "col IN (values)", where col belongs to table t.
func (s *scope) columnAgainstValues(t *schema.Table, cmp *sqlparser.ComparisonExpr) (*schema.Column, []sqlparser.Expr, bool) {
	left, right := cmp.Left, cmp.Right
	if _, isCol := left.(*sqlparser.ColName); !isCol && odataComparisons[cmp.Operator] != "" {
		left, right = right, left
	}
	name, ok := left.(*sqlparser.ColName)
	if !ok {
		return nil, nil, false
	}
	if q := name.Qualifier.Name.String(); q != "" && !s.namesTable(q, t) {
		return nil, nil, false
	}
	_, col, ok := t.Column(name.Name.String())
	if !ok {
		return nil, nil, false
	}
	if tuple, isTuple := right.(sqlparser.ValTuple); isTuple {
		return col, tuple, true
	}
	return col, []sqlparser.Expr{right}, true
}

func (s *scope) namesTable(qualifier string, t *schema.Table) bool {
	for _, src := range s.sources {
		if src.table == t && (strings.EqualFold(qualifier, src.alias) || strings.EqualFold(qualifier, t.Name)) {
			return true
		}
	}
	return false
}

// constants evaluates literal and parameter expressions; NULLs are not
// usable as keys or filter values.
func (s *scope) constants(es []sqlparser.Expr) ([]driver.Value, bool) {
	values := make([]driver.Value, 0, len(es))
	for _, e := range es {
		switch e.(type) {
		case *sqlparser.SQLVal, sqlparser.BoolVal:
		default:
			return nil, false
		}
		v, err := s.literal(e)
		if err != nil || v == nil {
			return nil, false
		}
		values = append(values, v)
	}
	return values, len(values) > 0
}

var odataComparisons = map[string]string{
	sqlparser.EqualStr:        "eq",
	sqlparser.LessThanStr:     "lt",
	sqlparser.LessEqualStr:    "le",
	sqlparser.GreaterThanStr:  "gt",
	sqlparser.GreaterEqualStr: "ge",
}

// filterOps is the capability each OData comparison needs.
var filterOps = map[string]schema.FilterOp{
	"eq": schema.FilterEq, "lt": schema.FilterLt, "le": schema.FilterLe, "gt": schema.FilterGt, "ge": schema.FilterGe,
}

// mirrored flips an operator for "value op col".
var mirrored = map[string]string{"lt": "gt", "le": "ge", "gt": "lt", "ge": "le", "eq": "eq"}

// odata translates a predicate into Graph's $filter syntax when Graph
// supports every part of it for this table.
func (s *scope) odata(t *schema.Table, e sqlparser.Expr) (string, bool) {
	switch e := e.(type) {
	case *sqlparser.ParenExpr:
		return s.odata(t, e.Expr)
	case *sqlparser.AndExpr:
		return s.odataJoin(t, "and", e.Left, e.Right)
	case *sqlparser.OrExpr:
		return s.odataJoin(t, "or", e.Left, e.Right)
	case *sqlparser.ColName:
		return s.odataBoolColumn(t, e, true)
	case *sqlparser.NotExpr:
		if c, ok := e.Expr.(*sqlparser.ColName); ok {
			return s.odataBoolColumn(t, c, false)
		}
	case *sqlparser.ComparisonExpr:
		return s.odataComparison(t, e)
	}
	return "", false
}

func (s *scope) odataJoin(t *schema.Table, op string, l, r sqlparser.Expr) (string, bool) {
	left, ok := s.odata(t, l)
	if !ok {
		return "", false
	}
	right, ok := s.odata(t, r)
	if !ok {
		return "", false
	}
	return "(" + left + " " + op + " " + right + ")", true
}

func (s *scope) odataBoolColumn(t *schema.Table, c *sqlparser.ColName, want bool) (string, bool) {
	if q := c.Qualifier.Name.String(); q != "" && !s.namesTable(q, t) {
		return "", false
	}
	_, col, ok := t.Column(c.Name.String())
	if !ok || col.Type != schema.Bool || !col.Filter.Has(schema.FilterEq) {
		return "", false
	}
	return col.FilterProperty() + " eq " + strconv.FormatBool(want), true
}

func (s *scope) odataComparison(t *schema.Table, cmp *sqlparser.ComparisonExpr) (string, bool) {
	col, valueExprs, ok := s.columnAgainstValues(t, cmp)
	if !ok || col.Property == "" {
		return "", false
	}
	values, ok := s.constants(valueExprs)
	if !ok {
		return "", false
	}
	switch cmp.Operator {
	case sqlparser.InStr:
		return odataIn(col, values)
	case sqlparser.LikeStr:
		return odataLike(col, values[0])
	}
	op, ok := odataComparisons[cmp.Operator]
	if !ok {
		return "", false
	}
	if _, isCol := cmp.Left.(*sqlparser.ColName); !isCol {
		op = mirrored[op]
	}
	if !col.Filter.Has(filterOps[op]) {
		return "", false
	}
	lit, ok := odataLiteral(col.Type, values[0])
	if !ok {
		return "", false
	}
	return col.FilterProperty() + " " + op + " " + lit, true
}

func odataIn(col *schema.Column, values []driver.Value) (string, bool) {
	lits := make([]string, len(values))
	for i, v := range values {
		lit, ok := odataLiteral(col.Type, v)
		if !ok {
			return "", false
		}
		lits[i] = lit
	}
	if col.Filter.Has(schema.FilterIn) {
		return col.FilterProperty() + " in (" + strings.Join(lits, ",") + ")", true
	}
	if !col.Filter.Has(schema.FilterEq) {
		return "", false
	}
	for i, lit := range lits {
		lits[i] = col.FilterProperty() + " eq " + lit
	}
	return "(" + strings.Join(lits, " or ") + ")", true
}

// odataLike maps LIKE 'prefix%' to startswith and a LIKE without wildcards to eq.
func odataLike(col *schema.Column, v driver.Value) (string, bool) {
	pattern, ok := v.(string)
	if !ok || col.Type != schema.String {
		return "", false
	}
	if prefix, ok := likePrefix(pattern); ok && col.Filter.Has(schema.FilterStartsWith) {
		return "startswith(" + col.FilterProperty() + "," + graph.QuoteString(prefix) + ")", true
	}
	if !strings.ContainsAny(pattern, `%_\`) && col.Filter.Has(schema.FilterEq) {
		return col.FilterProperty() + " eq " + graph.QuoteString(pattern), true
	}
	return "", false
}

// odataLiteral writes v as a literal of the column's type, or reports that
// it cannot (a value the driver would reject or compare differently).
func odataLiteral(typ schema.Type, v driver.Value) (string, bool) {
	switch typ {
	case schema.String:
		if _, isText := v.(string); !isText {
			return "", false
		}
		return graph.QuoteString(v.(string)), true
	case schema.Bool:
		b, err := toBool(v)
		return strconv.FormatBool(b), err == nil
	case schema.Int, schema.Float:
		f, err := toFloat(v)
		return strconv.FormatFloat(f, 'f', -1, 64), err == nil
	case schema.Datetime:
		tm, err := toTime(v)
		return tm.UTC().Format(time.RFC3339Nano), err == nil
	}
	return "", false
}

// deltaFilter decides whether the table's delta function returns every
// row the query wants, and if so gives its $filter: the query must AND
// "RootsOnly IS NULL" (delta's rows) with a lower bound on the delta
// column ("> v", ">= v", "v <" or BETWEEN v AND ...) later than the start
// of delta's window at now. The tightest bound is sent as gt (a
// millisecond earlier for an inclusive bound); the driver re-checks every
// predicate, so rows Graph returns beyond the bound are dropped.
func (s *scope) deltaFilter(t *schema.Table, preds []predicate, now time.Time) (string, bool) {
	d := t.Delta
	if d == nil {
		return "", false
	}
	_, col, ok := t.Column(d.Column)
	if !ok {
		return "", false
	}
	roots := false
	var lower time.Time
	for _, p := range preds {
		if s.isNullOf(t, p.expr, d.RootsOnly) {
			roots = true
		}
		if b, ok := s.lowerBound(t, p.expr, col); ok && b.After(lower) {
			lower = b
		}
	}
	if !roots || lower.IsZero() || !lower.After(d.WindowStart(now)) {
		return "", false
	}
	return col.FilterProperty() + " gt " + lower.UTC().Format(time.RFC3339Nano), true
}

// isNullOf matches "col IS NULL" on the table's column name.
func (s *scope) isNullOf(t *schema.Table, e sqlparser.Expr, name string) bool {
	for {
		p, ok := e.(*sqlparser.ParenExpr)
		if !ok {
			break
		}
		e = p.Expr
	}
	is, ok := e.(*sqlparser.IsExpr)
	if !ok || is.Operator != sqlparser.IsNullStr {
		return false
	}
	c, ok := is.Expr.(*sqlparser.ColName)
	if !ok || !strings.EqualFold(c.Name.String(), name) {
		return false
	}
	if q := c.Qualifier.Name.String(); q != "" && !s.namesTable(q, t) {
		return false
	}
	return true
}

// lowerBound gives the exclusive lower bound a conjunct puts on col: v
// for "col > v", just below v for "col >= v" and "col BETWEEN v AND w".
func (s *scope) lowerBound(t *schema.Table, e sqlparser.Expr, col *schema.Column) (time.Time, bool) {
	for {
		p, ok := e.(*sqlparser.ParenExpr)
		if !ok {
			break
		}
		e = p.Expr
	}
	var target sqlparser.Expr
	var op string
	var value sqlparser.Expr
	switch e := e.(type) {
	case *sqlparser.ComparisonExpr:
		op = odataComparisons[e.Operator]
		target, value = e.Left, e.Right
		if _, isCol := e.Left.(*sqlparser.ColName); !isCol {
			target, value, op = e.Right, e.Left, mirrored[op]
		}
	case *sqlparser.RangeCond:
		if e.Operator != sqlparser.BetweenStr {
			return time.Time{}, false
		}
		target, value, op = e.Left, e.From, "ge"
	default:
		return time.Time{}, false
	}
	if op != "gt" && op != "ge" {
		return time.Time{}, false
	}
	c, ok := target.(*sqlparser.ColName)
	if !ok || !strings.EqualFold(c.Name.String(), col.Name) {
		return time.Time{}, false
	}
	if q := c.Qualifier.Name.String(); q != "" && !s.namesTable(q, t) {
		return time.Time{}, false
	}
	values, ok := s.constants([]sqlparser.Expr{value})
	if !ok {
		return time.Time{}, false
	}
	bound, err := toTime(values[0])
	if err != nil {
		return time.Time{}, false
	}
	if op == "ge" {
		bound = bound.Add(-time.Millisecond)
	}
	return bound, true
}
