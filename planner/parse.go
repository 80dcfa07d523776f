// Package planner turns SQL into Microsoft Graph requests and runs what Graph
// cannot do (filters, sorting, limits, projections) in the driver.
//
// A query is parsed once (Parse), then planned per execution (Statement.Plan)
// because pushdown depends on parameter values: "TeamId = ?" becomes a Graph
// path only once the value is known. Every table answers the same questions
// from its schema.Table value; the planner never names a table.
package planner

import (
	"database/sql/driver"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/xwb1989/sqlparser"
)

// Statement is a parsed SQL statement.
type Statement struct {
	SQL      string
	sel      *sqlparser.Select
	numInput int    // -1 when named parameters are used
	explain  bool   // EXPLAIN: describe the plan instead of running it
	analyze  bool   // EXPLAIN ANALYZE: run it and report what it did
	describe string // DESCRIBE t: the table, checked when planning
}

// Parse parses one SELECT statement. CData-style [bracketed] identifiers and
// @name parameters are accepted.
func Parse(sql string) (*Statement, error) {
	body, explain, analyze := cutExplain(sql)
	shown, isShow, err := rewriteShow(body)
	if err != nil {
		return nil, err
	}
	if isShow {
		body = shown
	}
	text, err := rewriteDialect(body)
	if err != nil {
		return nil, err
	}
	stmt, err := parseSQL(text)
	if err != nil {
		return nil, err
	}
	sel, err := asSelect(stmt)
	if err != nil {
		return nil, err
	}
	st := &Statement{SQL: sql, sel: sel, numInput: countInputs(sel), explain: explain, analyze: analyze}
	if isShow {
		st.describe = describedTable(body)
	}
	return st, nil
}

// cutExplain strips a leading EXPLAIN or EXPLAIN ANALYZE.
func cutExplain(sql string) (body string, explain, analyze bool) {
	words := strings.Fields(sql)
	if len(words) < 2 || !strings.EqualFold(words[0], "EXPLAIN") {
		return sql, false, false
	}
	rest := strings.TrimSpace(sql)[len(words[0]):]
	if strings.EqualFold(words[1], "ANALYZE") {
		return strings.TrimSpace(rest)[len(words[1]):], true, true
	}
	return rest, true, false
}

// describedTable recovers the table name of a rewritten DESCRIBE.
func describedTable(query string) string {
	_, after, ok := strings.Cut(query, "WHERE TableName = '")
	if !ok {
		return ""
	}
	name, _, _ := strings.Cut(after, "'")
	return name
}

// parseSQL runs the parser, turning its panics on some malformed input
// (e.g. the MySQL comment "/*!*/", found by fuzzing) into syntax errors:
// bad SQL must never crash the program using the driver.
func parseSQL(text string) (stmt sqlparser.Statement, err error) {
	defer func() {
		if r := recover(); r != nil {
			stmt, err = nil, fmt.Errorf("SQL syntax error: the statement could not be parsed (%v)", r)
		}
	}()
	stmt, err = sqlparser.Parse(text)
	if err != nil {
		return nil, syntaxError(err)
	}
	return stmt, nil
}

func syntaxError(err error) error {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "syntax error at position ")
	return fmt.Errorf("SQL syntax error at position %s", msg)
}

func asSelect(stmt sqlparser.Statement) (*sqlparser.Select, error) {
	switch s := stmt.(type) {
	case *sqlparser.Select:
		return s, nil
	case *sqlparser.ParenSelect:
		return asSelect(s.Select)
	case *sqlparser.Union:
		return nil, unsupported("UNION")
	case *sqlparser.Insert:
		return nil, unsupported("writing data (INSERT)")
	case *sqlparser.Update:
		return nil, unsupported("writing data (UPDATE)")
	case *sqlparser.Delete:
		return nil, unsupported("writing data (DELETE)")
	case *sqlparser.Begin, *sqlparser.Commit, *sqlparser.Rollback:
		return nil, unsupported("transactions")
	}
	return nil, unsupported("this kind of statement (%T)", stmt)
}

// NumInput is the number of positional parameters, or -1 when the statement
// uses named ones (database/sql then skips its own count check).
func (s *Statement) NumInput() int { return s.numInput }

func countInputs(sel *sqlparser.Select) int {
	n := 0
	named := false
	_ = sqlparser.Walk(func(node sqlparser.SQLNode) (bool, error) {
		if v, ok := node.(*sqlparser.SQLVal); ok && v.Type == sqlparser.ValArg {
			if isPositional(string(v.Val)) {
				n++
			} else {
				named = true
			}
		}
		return true, nil
	}, sel)
	if named {
		return -1
	}
	return n
}

// sqlparser names the Nth '?' ":vN".
func isPositional(name string) bool {
	rest, ok := strings.CutPrefix(name, ":v")
	if !ok {
		return false
	}
	_, err := strconv.Atoi(rest)
	return err == nil
}

// params maps parameter names as the parser spells them (":v1", ":team") to values.
type params map[string]driver.Value

// bindParams matches database/sql arguments to the statement's placeholders:
// ordinal N fills the Nth '?', a named argument fills :name or @name.
func bindParams(args []driver.NamedValue) (params, error) {
	p := params{}
	for _, a := range args {
		v, err := normalizeArg(a.Value)
		if err != nil {
			return nil, fmt.Errorf("parameter %d: %w", a.Ordinal, err)
		}
		if a.Name != "" {
			p[":"+strings.ToLower(a.Name)] = v
			continue
		}
		p[":v"+strconv.Itoa(a.Ordinal)] = v
	}
	return p, nil
}

func (p params) lookup(name string) (driver.Value, error) {
	key := name
	if !isPositional(name) {
		key = strings.ToLower(name)
	}
	v, ok := p[key]
	if !ok {
		if isPositional(name) {
			return nil, fmt.Errorf("no value for parameter %s (? number %s): pass one argument per ?", name, strings.TrimPrefix(name, ":v"))
		}
		return nil, fmt.Errorf("no value for parameter %s: pass sql.Named(%q, value)", name, strings.TrimPrefix(name, ":"))
	}
	return v, nil
}

// rewriteDialect rewrites [bracketed] identifiers to `backticks` and @name
// parameters to :name, leaving string literals alone, since the MySQL-dialect
// parser knows neither.
func rewriteDialect(sql string) (string, error) {
	var b strings.Builder
	for i := 0; i < len(sql); i++ {
		c := sql[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			end := skipQuoted(sql, i)
			b.WriteString(sql[i:end])
			i = end - 1
		case c == '[':
			end := strings.IndexByte(sql[i:], ']')
			if end < 0 {
				return "", fmt.Errorf("SQL syntax error at position %d: [ without a closing ]", i+1)
			}
			b.WriteByte('`')
			b.WriteString(strings.ReplaceAll(sql[i+1:i+end], "`", "``"))
			b.WriteByte('`')
			i += end
		case c == '@' && i+1 < len(sql) && isIdentStart(sql[i+1]) && (i == 0 || sql[i-1] != '@'):
			b.WriteByte(':')
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), nil
}

// skipQuoted returns the index just past the quoted run starting at i; an
// unterminated quote runs to the end and the parser reports it.
func skipQuoted(s string, i int) int {
	q := s[i]
	for j := i + 1; j < len(s); j++ {
		switch {
		case s[j] == '\\' && q != '`':
			j++
		case s[j] == q && j+1 < len(s) && s[j+1] == q:
			j++
		case s[j] == q:
			return j + 1
		}
	}
	return len(s)
}

func isIdentStart(c byte) bool {
	return c == '_' || ('a' <= c && c <= 'z') || ('A' <= c && c <= 'Z')
}

var errNoTable = errors.New("a SELECT needs FROM <table>")
