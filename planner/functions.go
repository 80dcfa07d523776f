package planner

import (
	"database/sql/driver"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/teamsql/msteams/schema"
	"github.com/xwb1989/sqlparser"
)

// scalarFunc is a SQL function of its evaluated arguments.
type scalarFunc struct {
	minArgs, maxArgs int // maxArgs < 0: any number
	typ              schema.Type
	nullIn           bool // returns NULL when any argument is NULL
	call             func(args []driver.Value) (driver.Value, error)
}

var scalarFuncs = map[string]scalarFunc{
	"lower":    {1, 1, schema.String, true, func(a []driver.Value) (driver.Value, error) { return strings.ToLower(toText(a[0])), nil }},
	"upper":    {1, 1, schema.String, true, func(a []driver.Value) (driver.Value, error) { return strings.ToUpper(toText(a[0])), nil }},
	"length":   {1, 1, schema.Int, true, func(a []driver.Value) (driver.Value, error) { return int64(utf8.RuneCountInString(toText(a[0]))), nil }},
	"trim":     {1, 1, schema.String, true, func(a []driver.Value) (driver.Value, error) { return strings.TrimSpace(toText(a[0])), nil }},
	"concat":   {1, -1, schema.String, true, concat},
	"coalesce": {1, -1, schema.String, false, coalesce},
	"ifnull":   {2, 2, schema.String, false, coalesce},
}

func init() {
	scalarFuncs["len"] = scalarFuncs["length"]
	scalarFuncs["char_length"] = scalarFuncs["length"]
	scalarFuncs["isnull"] = scalarFuncs["ifnull"]
}

func concat(args []driver.Value) (driver.Value, error) {
	var b strings.Builder
	for _, a := range args {
		b.WriteString(toText(a))
	}
	return b.String(), nil
}

func coalesce(args []driver.Value) (driver.Value, error) {
	for _, a := range args {
		if a != nil {
			return a, nil
		}
	}
	return nil, nil
}

var aggregateNames = map[string]bool{"count": true, "sum": true, "avg": true, "min": true, "max": true}

func (s *scope) function(e *sqlparser.FuncExpr) (*expr, error) {
	name := e.Name.Lowered()
	if aggregateNames[name] {
		return s.aggregate(e)
	}
	fn, ok := scalarFuncs[name]
	if !ok {
		return nil, unsupported("the function %s()", e.Name.String())
	}
	if e.Distinct {
		return nil, unsupported("DISTINCT inside %s()", e.Name.String())
	}
	if fn.maxArgs == 0 && len(e.Exprs) == 0 {
		return &expr{typ: fn.typ, col: -1, eval: func([]driver.Value) (driver.Value, error) { return fn.call(nil) }}, nil
	}
	argExprs := make([]sqlparser.Expr, 0, len(e.Exprs))
	for _, se := range e.Exprs {
		ae, ok := se.(*sqlparser.AliasedExpr)
		if !ok {
			return nil, fmt.Errorf("%s() takes expressions, not *", e.Name.String())
		}
		argExprs = append(argExprs, ae.Expr)
	}
	if len(argExprs) < fn.minArgs || (fn.maxArgs >= 0 && len(argExprs) > fn.maxArgs) {
		return nil, fmt.Errorf("%s() takes %s, not %d", strings.ToUpper(name), argCount(fn), len(argExprs))
	}
	args, err := s.compileAll(argExprs...)
	if err != nil {
		return nil, err
	}
	typ := fn.typ
	if name == "coalesce" || name == "ifnull" || name == "isnull" {
		typ = args[0].typ
	}
	return &expr{typ: typ, col: -1, eval: func(row []driver.Value) (driver.Value, error) {
		vals := make([]driver.Value, len(args))
		for i, a := range args {
			v, err := a.eval(row)
			if err != nil {
				return nil, err
			}
			if v == nil && fn.nullIn {
				return nil, nil
			}
			vals[i] = v
		}
		return fn.call(vals)
	}}, nil
}

func argCount(fn scalarFunc) string {
	switch {
	case fn.maxArgs < 0:
		return fmt.Sprintf("at least %d argument(s)", fn.minArgs)
	case fn.minArgs == fn.maxArgs:
		return fmt.Sprintf("%d argument(s)", fn.minArgs)
	}
	return fmt.Sprintf("%d to %d arguments", fn.minArgs, fn.maxArgs)
}

// substr implements SUBSTRING(s, from[, length]) with 1-based positions.
func (s *scope) substr(e *sqlparser.SubstrExpr) (*expr, error) {
	if e.Name == nil {
		return nil, unsupported("SUBSTRING of a string literal")
	}
	parts := []sqlparser.Expr{e.Name, e.From}
	if e.To != nil {
		parts = append(parts, e.To)
	}
	args, err := s.compileAll(parts...)
	if err != nil {
		return nil, err
	}
	return &expr{typ: schema.String, col: -1, eval: func(row []driver.Value) (driver.Value, error) {
		vals := make([]driver.Value, len(args))
		for i, a := range args {
			v, err := a.eval(row)
			if err != nil || v == nil {
				return nil, err
			}
			vals[i] = v
		}
		return substring(vals)
	}}, nil
}

func substring(vals []driver.Value) (driver.Value, error) {
	runes := []rune(toText(vals[0]))
	from, err := toFloat(vals[1])
	if err != nil {
		return nil, err
	}
	// Positions are clamped as floats, so huge or NaN arguments can
	// neither overflow int nor cut outside the string.
	start := clampIndex(from-1, len(runes))
	end := len(runes)
	if len(vals) > 2 {
		n, err := toFloat(vals[2])
		if err != nil {
			return nil, err
		}
		end = clampIndex(float64(start)+n, len(runes))
		end = max(end, start)
	}
	return string(runes[start:end]), nil
}

// clampIndex turns a position into an index within [0, n].
func clampIndex(pos float64, n int) int {
	switch {
	case pos != pos || pos <= 0: // NaN or before the start
		return 0
	case pos >= float64(n):
		return n
	}
	return int(pos)
}
