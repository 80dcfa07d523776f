package planner

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/teamsql/msteams/schema"
	"github.com/xwb1989/sqlparser"
)

// interval is the value of INTERVAL n UNIT, only meaningful added to or
// subtracted from a date/time.
type interval struct {
	n    float64
	unit string
}

func (s *scope) interval(e *sqlparser.IntervalExpr) (*expr, error) {
	amount, err := s.compile(e.Expr)
	if err != nil {
		return nil, err
	}
	unit := strings.ToLower(e.Unit)
	if _, ok := intervalUnits[unit]; !ok && unit != "month" && unit != "year" && unit != "quarter" {
		return nil, fmt.Errorf("unknown INTERVAL unit %s; use SECOND, MINUTE, HOUR, DAY, WEEK, MONTH, QUARTER or YEAR", e.Unit)
	}
	return &expr{typ: schema.String, col: -1, eval: func(row []driver.Value) (driver.Value, error) {
		v, err := amount.eval(row)
		if err != nil || v == nil {
			return nil, err
		}
		n, err := toFloat(v)
		if err != nil {
			return nil, fmt.Errorf("INTERVAL: %w", err)
		}
		return interval{n: n, unit: unit}, nil
	}}, nil
}

var intervalUnits = map[string]time.Duration{
	"microsecond": time.Microsecond, "second": time.Second, "minute": time.Minute,
	"hour": time.Hour, "day": 24 * time.Hour, "week": 7 * 24 * time.Hour,
}

// addInterval moves t by sign*iv; months and years follow the calendar.
func addInterval(t time.Time, iv interval, sign float64) time.Time {
	n := iv.n * sign
	switch iv.unit {
	case "month":
		return t.AddDate(0, int(n), 0)
	case "quarter":
		return t.AddDate(0, 3*int(n), 0)
	case "year":
		return t.AddDate(int(n), 0, 0)
	}
	return t.Add(time.Duration(n * float64(intervalUnits[iv.unit])))
}

// dateArith handles date +/- INTERVAL; ok is false for other operands.
func dateArith(op string, a, b driver.Value) (driver.Value, bool, error) {
	iv, isInterval := b.(interval)
	if !isInterval {
		if iv2, ok := a.(interval); ok && op == sqlparser.PlusStr {
			a, b, iv, isInterval = b, a, iv2, true
		}
	}
	if !isInterval {
		return nil, false, nil
	}
	t, err := toTime(a)
	if err != nil {
		return nil, true, err
	}
	switch op {
	case sqlparser.PlusStr:
		return addInterval(t, iv, 1), true, nil
	case sqlparser.MinusStr:
		return addInterval(t, iv, -1), true, nil
	}
	return nil, true, fmt.Errorf("an INTERVAL can only be added or subtracted")
}

func init() {
	timeFn := func(f func(time.Time) driver.Value, typ schema.Type) scalarFunc {
		return scalarFunc{1, 1, typ, true, func(a []driver.Value) (driver.Value, error) {
			t, err := toTime(a[0])
			if err != nil {
				return nil, err
			}
			return f(t.UTC()), nil
		}}
	}
	now := scalarFunc{0, 0, schema.Datetime, false, func([]driver.Value) (driver.Value, error) { return time.Now().UTC(), nil }}
	for name, fn := range map[string]scalarFunc{
		"date":              timeFn(func(t time.Time) driver.Value { return t.Truncate(24 * time.Hour) }, schema.Datetime),
		"year":              timeFn(func(t time.Time) driver.Value { return int64(t.Year()) }, schema.Int),
		"month":             timeFn(func(t time.Time) driver.Value { return int64(t.Month()) }, schema.Int),
		"day":               timeFn(func(t time.Time) driver.Value { return int64(t.Day()) }, schema.Int),
		"hour":              timeFn(func(t time.Time) driver.Value { return int64(t.Hour()) }, schema.Int),
		"minute":            timeFn(func(t time.Time) driver.Value { return int64(t.Minute()) }, schema.Int),
		"dayofweek":         timeFn(func(t time.Time) driver.Value { return int64(t.Weekday()) + 1 }, schema.Int),
		"now":               now,
		"current_timestamp": now,
		"utc_timestamp":     now,
		"datediff":          {2, 2, schema.Int, true, dateDiff},
		"date_add":          {2, 2, schema.Datetime, true, func(a []driver.Value) (driver.Value, error) { return shiftDate(a, 1) }},
		"date_sub":          {2, 2, schema.Datetime, true, func(a []driver.Value) (driver.Value, error) { return shiftDate(a, -1) }},
		"json_extract":      {2, 2, schema.String, true, jsonExtract},
		"abs":               {1, 1, schema.Float, true, func(a []driver.Value) (driver.Value, error) { return numeric(a[0], math.Abs) }},
		"round":             {1, 2, schema.Float, true, round},
		"replace": {3, 3, schema.String, true, func(a []driver.Value) (driver.Value, error) {
			return strings.ReplaceAll(toText(a[0]), toText(a[1]), toText(a[2])), nil
		}},
		"left": {2, 2, schema.String, true, func(a []driver.Value) (driver.Value, error) { return substring([]driver.Value{a[0], int64(1), a[1]}) }},
	} {
		scalarFuncs[name] = fn
	}
	scalarFuncs["adddate"] = scalarFuncs["date_add"]
	scalarFuncs["subdate"] = scalarFuncs["date_sub"]
}

func dateDiff(a []driver.Value) (driver.Value, error) {
	x, err := toTime(a[0])
	if err != nil {
		return nil, err
	}
	y, err := toTime(a[1])
	if err != nil {
		return nil, err
	}
	day := 24 * time.Hour
	return int64(x.UTC().Truncate(day).Sub(y.UTC().Truncate(day)) / day), nil
}

// shiftDate is DATE_ADD(d, INTERVAL n unit) and DATE_ADD(d, n) (days).
func shiftDate(a []driver.Value, sign float64) (driver.Value, error) {
	t, err := toTime(a[0])
	if err != nil {
		return nil, err
	}
	iv, ok := a[1].(interval)
	if !ok {
		n, err := toFloat(a[1])
		if err != nil {
			return nil, fmt.Errorf("DATE_ADD/DATE_SUB take INTERVAL n UNIT or a number of days: %w", err)
		}
		iv = interval{n: n, unit: "day"}
	}
	return addInterval(t, iv, sign), nil
}

func numeric(v driver.Value, f func(float64) float64) (driver.Value, error) {
	if n, ok := v.(int64); ok {
		return int64(f(float64(n))), nil
	}
	x, err := toFloat(v)
	if err != nil {
		return nil, err
	}
	return f(x), nil
}

func round(a []driver.Value) (driver.Value, error) {
	x, err := toFloat(a[0])
	if err != nil {
		return nil, err
	}
	places := 0.0
	if len(a) > 1 {
		if places, err = toFloat(a[1]); err != nil {
			return nil, err
		}
	}
	scale := math.Pow(10, places)
	return math.Round(x*scale) / scale, nil
}

// jsonExtract implements JSON_EXTRACT(doc, '$.a.b[0]'): scalars come back
// as text, objects and arrays as JSON; a missing path is NULL.
func jsonExtract(a []driver.Value) (driver.Value, error) {
	var doc any
	if err := json.Unmarshal([]byte(toText(a[0])), &doc); err != nil {
		return nil, fmt.Errorf("JSON_EXTRACT: the first argument is not JSON: %w", err)
	}
	steps, err := parseJSONPath(toText(a[1]))
	if err != nil {
		return nil, err
	}
	for _, step := range steps {
		switch node := doc.(type) {
		case map[string]any:
			doc = node[step]
		case []any:
			i, err := strconv.Atoi(step)
			if err != nil || i < 0 || i >= len(node) {
				return nil, nil
			}
			doc = node[i]
		default:
			return nil, nil
		}
	}
	switch v := doc.(type) {
	case nil:
		return nil, nil
	case string:
		return v, nil
	case bool:
		return v, nil
	case float64:
		if v == math.Trunc(v) && math.Abs(v) < 1<<53 {
			return int64(v), nil
		}
		return v, nil
	}
	out, err := json.Marshal(doc)
	return string(out), err
}

// parseJSONPath splits "$.a.b[0]" into a, b, 0.
func parseJSONPath(path string) ([]string, error) {
	rest, ok := strings.CutPrefix(strings.TrimSpace(path), "$")
	if !ok {
		return nil, fmt.Errorf("JSON_EXTRACT: a path starts with $, like '$.user.displayName' or '$[0]', not %q", path)
	}
	var steps []string
	for rest != "" {
		switch rest[0] {
		case '.':
			end := strings.IndexAny(rest[1:], ".[")
			if end < 0 {
				end = len(rest) - 1
			}
			steps = append(steps, strings.Trim(rest[1:end+1], `"`))
			rest = rest[end+1:]
		case '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return nil, fmt.Errorf("JSON_EXTRACT: missing ] in path %q", path)
			}
			steps = append(steps, rest[1:end])
			rest = rest[end+1:]
		default:
			return nil, fmt.Errorf("JSON_EXTRACT: bad path %q", path)
		}
	}
	return steps, nil
}

// cast implements CAST(x AS type) / CONVERT(x, type).
func (s *scope) cast(e *sqlparser.ConvertExpr) (*expr, error) {
	inner, err := s.compile(e.Expr)
	if err != nil {
		return nil, err
	}
	target := strings.ToLower(e.Type.Type)
	var typ schema.Type
	var conv func(driver.Value) (driver.Value, error)
	switch target {
	case "char", "varchar", "nchar", "text", "json":
		typ, conv = schema.String, func(v driver.Value) (driver.Value, error) { return toText(v), nil }
	case "signed", "unsigned", "integer", "int", "bigint":
		typ, conv = schema.Int, func(v driver.Value) (driver.Value, error) {
			f, err := toFloat(v)
			return int64(f), err
		}
	case "decimal", "double", "float", "real":
		typ, conv = schema.Float, func(v driver.Value) (driver.Value, error) { return toFloat(v) }
	case "date":
		typ, conv = schema.Datetime, func(v driver.Value) (driver.Value, error) {
			t, err := toTime(v)
			return t.UTC().Truncate(24 * time.Hour), err
		}
	case "datetime", "timestamp":
		typ, conv = schema.Datetime, func(v driver.Value) (driver.Value, error) { return toTime(v) }
	default:
		return nil, unsupported("CAST to %s", e.Type.Type)
	}
	return &expr{typ: typ, col: -1, eval: func(row []driver.Value) (driver.Value, error) {
		v, err := inner.eval(row)
		if err != nil || v == nil {
			return nil, err
		}
		return conv(v)
	}}, nil
}
