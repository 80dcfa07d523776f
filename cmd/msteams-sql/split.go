package main

import "strings"

// splitStatements cuts text at every ';' that is outside a quoted string and
// returns the complete statements (trimmed, empty ones dropped) and the text
// after the last ';', which is an unfinished statement or blank.
//
// Quoted text is honoured: single-quoted strings and double-quoted
// identifiers may contain ';'. A quote doubled inside a string, as in
//
//	SELECT 'it''s; fine'
//
// needs no special case, because it simply closes and reopens the quote.
func splitStatements(text string) (complete []string, rest string) {
	var quote rune // the open quote character, 0 outside quotes
	start := 0
	for i, r := range text {
		switch {
		case quote != 0:
			if r == quote {
				quote = 0
			}
		case r == '\'' || r == '"':
			quote = r
		case r == ';':
			if stmt := strings.TrimSpace(text[start:i]); stmt != "" {
				complete = append(complete, stmt)
			}
			start = i + 1
		}
	}
	return complete, text[start:]
}

// allStatements splits a whole script, treating a final statement without
// a terminating ';' as complete.
func allStatements(text string) []string {
	stmts, rest := splitStatements(text)
	if last := strings.TrimSpace(rest); last != "" {
		stmts = append(stmts, last)
	}
	return stmts
}
