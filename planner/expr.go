package planner

import (
	"database/sql/driver"
	"fmt"
	"math"
	"strconv"
	"strings"

	"github.com/teamsql/msteams/schema"
	"github.com/xwb1989/sqlparser"
)

// expr is a compiled SQL expression evaluated against one row.
type expr struct {
	eval func(row []driver.Value) (driver.Value, error)
	typ  schema.Type
	col  int // index of the row column when the expression is a bare column, else -1
}

// source is one table in a FROM clause; its columns occupy row[offset:offset+len].
type source struct {
	alias  string
	table  *schema.Table
	offset int
}

// scope resolves column names to row positions and collects what the
// compiled expressions need: columns read, aggregates, subqueries.
type scope struct {
	sources    []source
	used       map[int]bool // row positions referenced by any compiled expression
	params     params
	opts       Options
	aggMode    bool       // aggregates allowed: compiling over grouped rows
	aggBase    int        // grouped rows hold aggregate results from here on
	aggs       []*aggSpec // aggregates found so far
	subqueries []*subquery
}

func newScope(p params, sources ...source) *scope {
	width := 0
	for _, src := range sources {
		width = max(width, src.offset+len(src.table.Columns))
	}
	return &scope{sources: sources, used: map[int]bool{}, params: p, aggBase: width}
}

func (s *scope) resolve(c *sqlparser.ColName) (int, *schema.Column, error) {
	name := c.Name.String()
	qualifier := c.Qualifier.Name.String()
	found := -1
	var column *schema.Column
	for _, src := range s.sources {
		if qualifier != "" && !strings.EqualFold(qualifier, src.alias) && !strings.EqualFold(qualifier, src.table.Name) {
			continue
		}
		i, col, ok := src.table.Column(name)
		if !ok {
			continue
		}
		if found >= 0 {
			return 0, nil, fmt.Errorf("column %s is ambiguous: qualify it with a table name or alias", name)
		}
		found, column = src.offset+i, col
	}
	if found < 0 {
		return 0, nil, s.unknownColumn(qualifier, name)
	}
	s.used[found] = true
	return found, column, nil
}

func (s *scope) unknownColumn(qualifier, name string) error {
	for _, src := range s.sources {
		if qualifier != "" && !strings.EqualFold(qualifier, src.alias) && !strings.EqualFold(qualifier, src.table.Name) {
			continue
		}
		names := make([]string, len(src.table.Columns))
		for i, c := range src.table.Columns {
			names[i] = c.Name
		}
		if best := closest(name, names); best != "" {
			return fmt.Errorf("unknown column %s in table %s; did you mean %s?", name, src.table.Name, best)
		}
		return fmt.Errorf("unknown column %s in table %s; its columns are %s", name, src.table.Name, strings.Join(names, ", "))
	}
	return fmt.Errorf("unknown table or alias %s in column %s.%s", qualifier, qualifier, name)
}

// compile turns a parsed expression into an evaluator.
func (s *scope) compile(e sqlparser.Expr) (*expr, error) {
	switch e := e.(type) {
	case *sqlparser.ColName:
		i, col, err := s.resolve(e)
		if err != nil {
			return nil, err
		}
		return &expr{typ: col.Type, col: i, eval: func(row []driver.Value) (driver.Value, error) { return row[i], nil }}, nil
	case *sqlparser.SQLVal, *sqlparser.NullVal, sqlparser.BoolVal:
		v, err := s.literal(e)
		if err != nil {
			return nil, err
		}
		return constant(v), nil
	case *sqlparser.ParenExpr:
		return s.compile(e.Expr)
	case *sqlparser.AndExpr:
		return s.logical(e.Left, e.Right, true)
	case *sqlparser.OrExpr:
		return s.logical(e.Left, e.Right, false)
	case *sqlparser.NotExpr:
		return s.not(e.Expr)
	case *sqlparser.ComparisonExpr:
		return s.comparison(e)
	case *sqlparser.RangeCond:
		return s.between(e)
	case *sqlparser.IsExpr:
		return s.is(e)
	case *sqlparser.BinaryExpr:
		return s.arithmetic(e)
	case *sqlparser.UnaryExpr:
		return s.unary(e)
	case *sqlparser.FuncExpr:
		return s.function(e)
	case *sqlparser.CaseExpr:
		return s.caseExpr(e)
	case *sqlparser.SubstrExpr:
		return s.substr(e)
	case *sqlparser.Subquery:
		return s.scalarSubquery(e)
	case *sqlparser.ExistsExpr:
		return s.exists(e)
	case *sqlparser.IntervalExpr:
		return s.interval(e)
	case *sqlparser.ConvertExpr:
		return s.cast(e)
	}
	return nil, unsupported("the expression %s", sqlparser.String(e))
}

const boolType = schema.Bool

func constant(v driver.Value) *expr {
	return &expr{typ: typeOf(v), col: -1, eval: func([]driver.Value) (driver.Value, error) { return v, nil }}
}

func typeOf(v driver.Value) schema.Type {
	switch v.(type) {
	case bool:
		return schema.Bool
	case int64:
		return schema.Int
	case float64:
		return schema.Float
	}
	return schema.String
}

// literal converts a parsed constant or parameter to its value.
func (s *scope) literal(e sqlparser.Expr) (driver.Value, error) {
	switch e := e.(type) {
	case *sqlparser.NullVal:
		return nil, nil
	case sqlparser.BoolVal:
		return bool(e), nil
	case *sqlparser.SQLVal:
		switch e.Type {
		case sqlparser.StrVal:
			return string(e.Val), nil
		case sqlparser.IntVal:
			n, err := strconv.ParseInt(string(e.Val), 10, 64)
			if err != nil {
				return strconv.ParseFloat(string(e.Val), 64)
			}
			return n, nil
		case sqlparser.FloatVal:
			return strconv.ParseFloat(string(e.Val), 64)
		case sqlparser.ValArg:
			return s.params.lookup(string(e.Val))
		}
	}
	return nil, unsupported("the literal %s", sqlparser.String(e))
}

func (s *scope) compileAll(es ...sqlparser.Expr) ([]*expr, error) {
	out := make([]*expr, len(es))
	for i, e := range es {
		c, err := s.compile(e)
		if err != nil {
			return nil, err
		}
		out[i] = c
	}
	return out, nil
}

// logical implements SQL's three-valued AND and OR.
func (s *scope) logical(l, r sqlparser.Expr, and bool) (*expr, error) {
	parts, err := s.compileAll(l, r)
	if err != nil {
		return nil, err
	}
	return &expr{typ: schema.Bool, col: -1, eval: func(row []driver.Value) (driver.Value, error) {
		unknown := false
		for _, p := range parts {
			v, err := truth(p, row)
			if err != nil {
				return nil, err
			}
			switch {
			case v == nil:
				unknown = true
			case v.(bool) != and:
				return !and, nil
			}
		}
		if unknown {
			return nil, nil
		}
		return and, nil
	}}, nil
}

// truth evaluates a condition to true, false or nil (unknown).
func truth(e *expr, row []driver.Value) (driver.Value, error) {
	v, err := e.eval(row)
	if err != nil || v == nil {
		return nil, err
	}
	b, err := toBool(v)
	if err != nil {
		return nil, fmt.Errorf("a condition must be true or false: %w", err)
	}
	return b, nil
}

func (s *scope) not(e sqlparser.Expr) (*expr, error) {
	inner, err := s.compile(e)
	if err != nil {
		return nil, err
	}
	return &expr{typ: schema.Bool, col: -1, eval: func(row []driver.Value) (driver.Value, error) {
		v, err := truth(inner, row)
		if v == nil || err != nil {
			return nil, err
		}
		return !v.(bool), nil
	}}, nil
}

func (s *scope) comparison(e *sqlparser.ComparisonExpr) (*expr, error) {
	switch e.Operator {
	case sqlparser.InStr, sqlparser.NotInStr:
		return s.in(e)
	case sqlparser.LikeStr, sqlparser.NotLikeStr:
		return s.like(e)
	}
	test, ok := comparisonTests[e.Operator]
	if !ok {
		return nil, unsupported("the operator %s", e.Operator)
	}
	parts, err := s.compileAll(e.Left, e.Right)
	if err != nil {
		return nil, err
	}
	nullSafe := e.Operator == sqlparser.NullSafeEqualStr
	return &expr{typ: schema.Bool, col: -1, eval: func(row []driver.Value) (driver.Value, error) {
		a, b, err := evalPair(parts, row)
		if err != nil {
			return nil, err
		}
		if nullSafe && (a == nil || b == nil) {
			return a == nil && b == nil, nil
		}
		c, known, err := compareValues(a, b)
		if err != nil || !known {
			return nil, err
		}
		return test(c), nil
	}}, nil
}

var comparisonTests = map[string]func(int) bool{
	sqlparser.EqualStr:         func(c int) bool { return c == 0 },
	sqlparser.NullSafeEqualStr: func(c int) bool { return c == 0 },
	sqlparser.NotEqualStr:      func(c int) bool { return c != 0 },
	sqlparser.LessThanStr:      func(c int) bool { return c < 0 },
	sqlparser.LessEqualStr:     func(c int) bool { return c <= 0 },
	sqlparser.GreaterThanStr:   func(c int) bool { return c > 0 },
	sqlparser.GreaterEqualStr:  func(c int) bool { return c >= 0 },
}

func evalPair(parts []*expr, row []driver.Value) (driver.Value, driver.Value, error) {
	a, err := parts[0].eval(row)
	if err != nil {
		return nil, nil, err
	}
	b, err := parts[1].eval(row)
	return a, b, err
}

// equalFold compares with SQL equality for IN lists: a case-insensitive match.
func sqlEqual(a, b driver.Value) (driver.Value, error) {
	c, known, err := compareValues(a, b)
	if err != nil || !known {
		return nil, err
	}
	return c == 0 && foldEqualExact(a, b), nil
}

// foldEqualExact keeps foldCompare's byte tie-break from making 'a' <> 'A'.
func foldEqualExact(a, b driver.Value) bool {
	x, ok1 := a.(string)
	y, ok2 := b.(string)
	if ok1 && ok2 {
		return strings.EqualFold(x, y)
	}
	return true
}

func (s *scope) in(e *sqlparser.ComparisonExpr) (*expr, error) {
	if sq, ok := e.Right.(*sqlparser.Subquery); ok {
		return s.inSubquery(e, sq)
	}
	tuple, ok := e.Right.(sqlparser.ValTuple)
	if !ok {
		return nil, unsupported("IN with %s", sqlparser.String(e.Right))
	}
	left, err := s.compile(e.Left)
	if err != nil {
		return nil, err
	}
	items, err := s.compileAll(tuple...)
	if err != nil {
		return nil, err
	}
	negate := e.Operator == sqlparser.NotInStr
	return &expr{typ: schema.Bool, col: -1, eval: func(row []driver.Value) (driver.Value, error) {
		v, err := left.eval(row)
		if err != nil || v == nil {
			return nil, err
		}
		result, err := inList(v, items, row)
		if err != nil || result == nil {
			return nil, err
		}
		return result.(bool) != negate, nil
	}}, nil
}

func inList(v driver.Value, items []*expr, row []driver.Value) (driver.Value, error) {
	sawNull := false
	for _, item := range items {
		w, err := item.eval(row)
		if err != nil {
			return nil, err
		}
		eq, err := sqlEqual(v, w)
		if err != nil {
			return nil, err
		}
		if eq == nil {
			sawNull = true
		} else if eq.(bool) {
			return true, nil
		}
	}
	if sawNull {
		return nil, nil
	}
	return false, nil
}

func (s *scope) like(e *sqlparser.ComparisonExpr) (*expr, error) {
	if e.Escape != nil {
		return nil, unsupported("LIKE ... ESCAPE (use \\ to escape %% and _)")
	}
	parts, err := s.compileAll(e.Left, e.Right)
	if err != nil {
		return nil, err
	}
	negate := e.Operator == sqlparser.NotLikeStr
	var cached func(string) bool
	cachedPattern := ""
	return &expr{typ: schema.Bool, col: -1, eval: func(row []driver.Value) (driver.Value, error) {
		v, p, err := evalPair(parts, row)
		if err != nil || v == nil || p == nil {
			return nil, err
		}
		pattern := toText(p)
		if cached == nil || pattern != cachedPattern {
			cached, cachedPattern = likeMatcher(pattern), pattern
		}
		return cached(toText(v)) != negate, nil
	}}, nil
}

func (s *scope) between(e *sqlparser.RangeCond) (*expr, error) {
	parts, err := s.compileAll(e.Left, e.From, e.To)
	if err != nil {
		return nil, err
	}
	negate := e.Operator == sqlparser.NotBetweenStr
	return &expr{typ: schema.Bool, col: -1, eval: func(row []driver.Value) (driver.Value, error) {
		vals := make([]driver.Value, 3)
		for i, p := range parts {
			v, err := p.eval(row)
			if err != nil {
				return nil, err
			}
			vals[i] = v
		}
		lo, known1, err := compareValues(vals[0], vals[1])
		if err != nil {
			return nil, err
		}
		hi, known2, err := compareValues(vals[0], vals[2])
		if err != nil || !known1 || !known2 {
			return nil, err
		}
		return (lo >= 0 && hi <= 0) != negate, nil
	}}, nil
}

func (s *scope) is(e *sqlparser.IsExpr) (*expr, error) {
	inner, err := s.compile(e.Expr)
	if err != nil {
		return nil, err
	}
	return &expr{typ: schema.Bool, col: -1, eval: func(row []driver.Value) (driver.Value, error) {
		v, err := inner.eval(row)
		if err != nil {
			return nil, err
		}
		switch e.Operator {
		case sqlparser.IsNullStr:
			return v == nil, nil
		case sqlparser.IsNotNullStr:
			return v != nil, nil
		}
		b, err := truth(inner, row)
		if err != nil {
			return nil, err
		}
		switch e.Operator {
		case sqlparser.IsTrueStr:
			return b == true, nil
		case sqlparser.IsFalseStr:
			return b == false, nil
		case sqlparser.IsNotTrueStr:
			return b != true, nil
		}
		return b != false, nil // IS NOT FALSE
	}}, nil
}

func (s *scope) arithmetic(e *sqlparser.BinaryExpr) (*expr, error) {
	parts, err := s.compileAll(e.Left, e.Right)
	if err != nil {
		return nil, err
	}
	op := e.Operator
	switch op {
	case sqlparser.PlusStr, sqlparser.MinusStr, sqlparser.MultStr, sqlparser.DivStr, sqlparser.ModStr, sqlparser.IntDivStr:
	default:
		return nil, unsupported("the operator %s", op)
	}
	typ := schema.Float
	switch {
	case parts[0].typ == schema.Int && parts[1].typ == schema.Int && op != sqlparser.DivStr:
		typ = schema.Int
	case parts[0].typ == schema.Datetime:
		typ = schema.Datetime // date +/- INTERVAL
	}
	return &expr{typ: typ, col: -1, eval: func(row []driver.Value) (driver.Value, error) {
		a, b, err := evalPair(parts, row)
		if err != nil || a == nil || b == nil {
			return nil, err
		}
		return arith(op, a, b)
	}}, nil
}

func arith(op string, a, b driver.Value) (driver.Value, error) {
	if v, ok, err := dateArith(op, a, b); ok {
		return v, err
	}
	ai, aInt := a.(int64)
	bi, bInt := b.(int64)
	if aInt && bInt && op != sqlparser.DivStr {
		switch op {
		case sqlparser.PlusStr:
			return ai + bi, nil
		case sqlparser.MinusStr:
			return ai - bi, nil
		case sqlparser.MultStr:
			return ai * bi, nil
		}
		if bi == 0 {
			return nil, nil // SQL: division by zero yields NULL
		}
		if op == sqlparser.ModStr {
			return ai % bi, nil
		}
		return ai / bi, nil
	}
	x, err := toFloat(a)
	if err != nil {
		return nil, err
	}
	y, err := toFloat(b)
	if err != nil {
		return nil, err
	}
	switch op {
	case sqlparser.PlusStr:
		return x + y, nil
	case sqlparser.MinusStr:
		return x - y, nil
	case sqlparser.MultStr:
		return x * y, nil
	}
	if y == 0 {
		return nil, nil
	}
	switch op {
	case sqlparser.ModStr:
		return math.Mod(x, y), nil // 5.5 % 2 is 1.5, as in MySQL
	case sqlparser.IntDivStr:
		return int64(x / y), nil
	}
	return x / y, nil
}

func (s *scope) unary(e *sqlparser.UnaryExpr) (*expr, error) {
	if e.Operator == sqlparser.BangStr {
		// Compiled once, by not: compiling the operand here as well made
		// "!!!...x" cost 2^n (found by the fuzzer).
		return s.not(e.Expr)
	}
	inner, err := s.compile(e.Expr)
	if err != nil {
		return nil, err
	}
	switch e.Operator {
	case sqlparser.UPlusStr:
		return inner, nil
	case sqlparser.UMinusStr:
		return &expr{typ: inner.typ, col: -1, eval: func(row []driver.Value) (driver.Value, error) {
			v, err := inner.eval(row)
			if err != nil || v == nil {
				return nil, err
			}
			return arith(sqlparser.MinusStr, int64(0), v)
		}}, nil
	}
	return nil, unsupported("the operator %s", e.Operator)
}

func (s *scope) caseExpr(e *sqlparser.CaseExpr) (*expr, error) {
	var subject *expr
	var err error
	if e.Expr != nil {
		if subject, err = s.compile(e.Expr); err != nil {
			return nil, err
		}
	}
	conds := make([]*expr, len(e.Whens))
	vals := make([]*expr, len(e.Whens))
	for i, w := range e.Whens {
		if conds[i], err = s.compile(w.Cond); err != nil {
			return nil, err
		}
		if vals[i], err = s.compile(w.Val); err != nil {
			return nil, err
		}
	}
	var otherwise *expr
	if e.Else != nil {
		if otherwise, err = s.compile(e.Else); err != nil {
			return nil, err
		}
	}
	typ := schema.String
	if len(vals) > 0 {
		typ = vals[0].typ
	}
	return &expr{typ: typ, col: -1, eval: func(row []driver.Value) (driver.Value, error) {
		for i := range conds {
			matched, err := caseMatches(subject, conds[i], row)
			if err != nil {
				return nil, err
			}
			if matched {
				return vals[i].eval(row)
			}
		}
		if otherwise == nil {
			return nil, nil
		}
		return otherwise.eval(row)
	}}, nil
}

func caseMatches(subject, cond *expr, row []driver.Value) (bool, error) {
	if subject == nil {
		v, err := truth(cond, row)
		return v == true, err
	}
	a, err := subject.eval(row)
	if err != nil {
		return false, err
	}
	b, err := cond.eval(row)
	if err != nil {
		return false, err
	}
	eq, err := sqlEqual(a, b)
	return eq == true, err
}
