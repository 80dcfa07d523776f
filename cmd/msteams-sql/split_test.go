package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSplitStatements(t *testing.T) {
	cases := []struct {
		name     string
		text     string
		complete []string
		rest     string
	}{
		{"one", "SELECT 1;", []string{"SELECT 1"}, ""},
		{"unfinished", "SELECT 1; SELECT", []string{"SELECT 1"}, " SELECT"},
		{"blank statements dropped", " ; ;\n SELECT 1 ;;", []string{"SELECT 1"}, ""},
		{"string", "SELECT 'a;b'; x", []string{"SELECT 'a;b'"}, " x"},
		{"doubled quote", "SELECT 'it''s; ok';", []string{"SELECT 'it''s; ok'"}, ""},
		{"open string", "SELECT 'a;b", nil, "SELECT 'a;b"},
		{"double-quoted identifier", `SELECT "a;b" FROM T;`, []string{`SELECT "a;b" FROM T`}, ""},
		{"backquoted identifier", "SELECT `a;b` FROM T;", []string{"SELECT `a;b` FROM T"}, ""},
		{"bracketed identifier", "SELECT [a;b] FROM T;", []string{"SELECT [a;b] FROM T"}, ""},
		{"line comment", "SELECT 1 -- one; two\n;", []string{"SELECT 1 -- one; two"}, ""},
		{"block comment", "SELECT /* ; */ 1;", []string{"SELECT /* ; */ 1"}, ""},
		{"comment-only statement dropped", "-- setup\n; /* x */ ;", nil, ""},
		{"quote in comment", "SELECT 1 -- it's\n; SELECT 2;", []string{"SELECT 1 -- it's", "SELECT 2"}, ""},
		{"multi-byte text", "SELECT 'é;ü' ;", []string{"SELECT 'é;ü'"}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			complete, rest := splitStatements(c.text)
			assert.Equal(t, c.complete, complete)
			assert.Equal(t, c.rest, rest)
		})
	}
}

func TestAllStatementsKeepsTheLastWithoutSemicolon(t *testing.T) {
	assert.Equal(t, []string{"SELECT 1", "SELECT 2"}, allStatements("SELECT 1; SELECT 2"))
	assert.Equal(t, []string{"SELECT 1"}, allStatements("SELECT 1; -- done"))
	assert.Empty(t, allStatements(" \n -- nothing\n"))
}
