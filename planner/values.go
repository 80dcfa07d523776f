package planner

import (
	"database/sql/driver"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// SQL values inside the driver are nil (NULL), string, bool, int64, float64
// and time.Time. String comparison ignores case, as Graph's eq and startswith
// do, so a predicate gives the same rows whether Graph or the driver runs it.

// compareValues orders a and b; ok is false when either is NULL, which the
// caller turns into SQL's unknown.
func compareValues(a, b driver.Value) (cmp int, ok bool, err error) {
	if a == nil || b == nil {
		return 0, false, nil
	}
	switch x := a.(type) {
	case string:
		return compareString(x, b)
	case bool:
		y, err := toBool(b)
		if err != nil {
			return 0, false, err
		}
		return compareBools(x, y), true, nil
	case int64:
		return compareNumber(float64(x), x, true, b)
	case float64:
		return compareNumber(x, 0, false, b)
	case time.Time:
		y, err := toTime(b)
		if err != nil {
			return 0, false, err
		}
		return x.Compare(y), true, nil
	}
	return 0, false, fmt.Errorf("cannot compare a value of type %T", a)
}

func compareString(x string, b driver.Value) (int, bool, error) {
	switch y := b.(type) {
	case string:
		return foldCompare(x, y), true, nil
	case time.Time:
		t, err := toTime(x)
		if err != nil {
			return 0, false, err
		}
		return t.Compare(y), true, nil
	case bool:
		v, err := toBool(x)
		if err != nil {
			return 0, false, err
		}
		return compareBools(v, y), true, nil
	case int64, float64:
		c, ok, err := compareValues(b, x)
		return -c, ok, err
	}
	return 0, false, fmt.Errorf("cannot compare text with %T", b)
}

func compareNumber(x float64, xi int64, isInt bool, b driver.Value) (int, bool, error) {
	if yi, ok := b.(int64); ok && isInt {
		return cmpOrdered(xi, yi), true, nil
	}
	y, err := toFloat(b)
	if err != nil {
		return 0, false, err
	}
	return cmpOrdered(x, y), true, nil
}

func cmpOrdered[T int64 | float64](a, b T) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func compareBools(a, b bool) int {
	switch {
	case a == b:
		return 0
	case !a:
		return -1
	}
	return 1
}

// foldCompare compares case-insensitively, then by bytes so that the order is
// total and sorting is deterministic.
func foldCompare(a, b string) int {
	if c := strings.Compare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

func toBool(v driver.Value) (bool, error) {
	switch x := v.(type) {
	case bool:
		return x, nil
	case int64:
		return x != 0, nil
	case float64:
		return x != 0, nil
	case string:
		switch strings.ToLower(strings.TrimSpace(x)) {
		case "true", "1", "yes":
			return true, nil
		case "false", "0", "no":
			return false, nil
		}
	}
	return false, fmt.Errorf("%s is not a boolean", describeValue(v))
}

func toFloat(v driver.Value) (float64, error) {
	switch x := v.(type) {
	case int64:
		return float64(x), nil
	case float64:
		return x, nil
	case bool:
		if x {
			return 1, nil
		}
		return 0, nil
	case string:
		f, err := strconv.ParseFloat(strings.TrimSpace(x), 64)
		if err == nil {
			return f, nil
		}
	}
	return 0, fmt.Errorf("%s is not a number", describeValue(v))
}

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02"}

func toTime(v driver.Value) (time.Time, error) {
	switch x := v.(type) {
	case time.Time:
		return x, nil
	case string:
		for _, layout := range timeLayouts {
			if t, err := time.Parse(layout, strings.TrimSpace(x)); err == nil {
				return t, nil
			}
		}
	}
	return time.Time{}, fmt.Errorf("%s is not a date/time (use 2006-01-02 or RFC 3339, e.g. 2026-01-31T12:00:00Z)", describeValue(v))
}

func toText(v driver.Value) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case float64:
		return strconv.FormatFloat(x, 'g', -1, 64)
	case []byte:
		return string(x)
	}
	return fmt.Sprint(v)
}

func describeValue(v driver.Value) string {
	if s, ok := v.(string); ok {
		if len(s) > 40 {
			s = s[:40] + "..."
		}
		return strconv.Quote(s)
	}
	return fmt.Sprintf("%v", v)
}

// normalizeArg turns a database/sql argument into one of the driver's value types.
func normalizeArg(v driver.Value) (driver.Value, error) {
	switch x := v.(type) {
	case nil, string, bool, int64, float64:
		return x, nil
	case time.Time:
		return x, nil
	case []byte:
		return string(x), nil
	case float32:
		return float64(x), nil
	case int:
		return int64(x), nil
	case uint64:
		if x > math.MaxInt64 {
			return float64(x), nil
		}
		return int64(x), nil
	}
	return nil, fmt.Errorf("unsupported parameter type %T", v)
}

// likeMatcher compiles a SQL LIKE pattern (% any run, _ one character, \ escapes) into a
// case-insensitive matcher.
func likeMatcher(pattern string) func(string) bool {
	pattern = strings.ToLower(pattern)
	return func(s string) bool { return likeMatch(pattern, strings.ToLower(s)) }
}

func likeMatch(p, s string) bool {
	pr, sr := []rune(p), []rune(s)
	// Iterative matcher with single backtracking point for %, linear in practice.
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(sr) {
		if pi < len(pr) {
			c, width, literal := patternRune(pr, pi)
			switch {
			case !literal && c == '%':
				star, mark = pi+width, si
				pi += width
				continue
			case (!literal && c == '_') || c == sr[si]:
				pi += width
				si++
				continue
			}
		}
		if star < 0 {
			return false
		}
		mark++
		si, pi = mark, star
	}
	for pi < len(pr) {
		c, width, literal := patternRune(pr, pi)
		if literal || c != '%' {
			return false
		}
		pi += width
	}
	return true
}

func patternRune(p []rune, i int) (c rune, width int, literal bool) {
	if p[i] == '\\' && i+1 < len(p) {
		return p[i+1], 2, true
	}
	return p[i], 1, false
}

// likePrefix returns the literal prefix of a pattern of the form 'abc%', the
// only LIKE that Graph's startswith can answer.
func likePrefix(pattern string) (string, bool) {
	body, ok := strings.CutSuffix(pattern, "%")
	if !ok || body == "" || strings.ContainsAny(body, `%_\`) {
		return "", false
	}
	return body, true
}
