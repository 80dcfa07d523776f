package msteams

import (
	"context"
	"database/sql/driver"
	"fmt"
	"strings"
)

// isProcedureCall reports whether the statement calls a stored procedure
// (EXEC, EXECUTE or CALL), which the procedures package runs instead of the
// SQL planner.
func isProcedureCall(query string) bool {
	word := strings.ToUpper(firstWord(query))
	return word == "EXEC" || word == "EXECUTE" || word == "CALL"
}

func firstWord(s string) string {
	s = strings.TrimLeft(s, " \t\r\n(")
	end := strings.IndexFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\r' || r == '\n' || r == '(' })
	if end < 0 {
		return s
	}
	return s[:end]
}

// callProcedure runs a stored procedure call and returns its result set.
func (c *Conn) callProcedure(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return nil, wrapError(fmt.Errorf("stored procedures are %w yet", ErrNotSupported))
}
