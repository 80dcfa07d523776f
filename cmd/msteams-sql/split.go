package main

import "strings"

// splitStatements cuts text at every ';' that ends a statement and returns
// the complete statements (trimmed; those holding only blanks and comments
// dropped) and the text after the last such ';', an unfinished statement.
//
// A ';' does not end a statement inside quotes ('string', "identifier",
// `identifier`, [identifier]) or comments (-- to the end of the line, and
// /* ... */), the forms the driver's SQL dialect accepts. A quote doubled
// inside a string, as in
//
//	SELECT 'it''s; fine'
//
// needs no special case, because it simply closes and reopens the quote.
func splitStatements(text string) (complete []string, rest string) {
	complete, rest, _ = scanStatements(text)
	return complete, rest
}

// scanStatements is splitStatements that also reports whether rest holds
// any SQL, rather than only blanks and comments.
func scanStatements(text string) (complete []string, rest string, restHasSQL bool) {
	start := 0 // where the current statement began
	hasSQL := false
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case c == ';':
			if hasSQL {
				complete = append(complete, strings.TrimSpace(text[start:i]))
			}
			start, hasSQL = i+1, false
			i++
		case strings.HasPrefix(text[i:], "--"):
			i = skipPast(text, i+2, "\n")
		case strings.HasPrefix(text[i:], "/*"):
			i = skipPast(text, i+2, "*/")
		case closingQuote[c] != "":
			hasSQL = true
			i = skipPast(text, i+1, closingQuote[c])
		default:
			hasSQL = hasSQL || !isSpace(c)
			i++
		}
	}
	return complete, text[start:], hasSQL
}

// closingQuote maps each opening quote to the text that closes it.
var closingQuote = map[byte]string{'\'': "'", '"': `"`, '`': "`", '[': "]"}

// skipPast returns the index just after the first end at or after from, or
// len(text) when the quote or comment is still open.
func skipPast(text string, from int, end string) int {
	n := strings.Index(text[from:], end)
	if n < 0 {
		return len(text)
	}
	return from + n + len(end)
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// allStatements splits a whole script, treating a final statement without
// a terminating ';' as complete.
func allStatements(text string) []string {
	complete, rest := splitStatements(text)
	if last := unfinished(rest); last != "" {
		complete = append(complete, last)
	}
	return complete
}

// unfinished returns the SQL left in rest when input ends without a ';',
// or "" when there is none.
func unfinished(rest string) string {
	if _, _, hasSQL := scanStatements(rest); hasSQL {
		return strings.TrimSpace(rest)
	}
	return ""
}

// countPlaceholders counts the ? parameters of a statement, skipping
// quotes and comments as scanStatements does.
func countPlaceholders(text string) int {
	n := 0
	for i := 0; i < len(text); {
		c := text[i]
		switch {
		case strings.HasPrefix(text[i:], "--"):
			i = skipPast(text, i+2, "\n")
		case strings.HasPrefix(text[i:], "/*"):
			i = skipPast(text, i+2, "*/")
		case closingQuote[c] != "":
			i = skipPast(text, i+1, closingQuote[c])
		default:
			if c == '?' {
				n++
			}
			i++
		}
	}
	return n
}
