package graph

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestQueryEncodeFixedOrder(t *testing.T) {
	q := Query{
		Search:  `"displayName:tea"`,
		Count:   true,
		Top:     5,
		Expand:  "members",
		OrderBy: []string{"displayName desc", "id"},
		Filter:  "startswith(displayName,'A')",
		Select:  []string{"id", "displayName"},
	}
	assert.Equal(t,
		"$select=id,displayName"+
			"&$filter=startswith(displayName,'A')"+
			"&$orderby=displayName%20desc,id"+
			"&$expand=members"+
			"&$top=5"+
			"&$count=true"+
			"&$search=%22displayName:tea%22",
		q.Encode())
}

func TestQueryEncodeEscaping(t *testing.T) {
	tests := []struct {
		filter, want string
	}{
		{"displayName eq 'O''Brien'", "$filter=displayName%20eq%20'O''Brien'"},
		{"mail eq 'a+b@x.com'", "$filter=mail%20eq%20'a%2Bb%40x.com'"},
		{"x eq 'a&b=c#d?e%f'", "$filter=x%20eq%20'a%26b%3Dc%23d%3Fe%25f'"},
		{"createdDateTime ge 2024-01-01T00:00:00Z", "$filter=createdDateTime%20ge%202024-01-01T00:00:00Z"},
		{"city eq 'Zürich'", "$filter=city%20eq%20'Z%C3%BCrich'"},
		{"a/b eq 'c'", "$filter=a/b%20eq%20'c'"},
	}
	for _, tt := range tests {
		assert.Equal(t, tt.want, Query{Filter: tt.filter}.Encode(), tt.filter)
	}
}

func TestQueryEncodeEmpty(t *testing.T) {
	assert.Equal(t, "", Query{}.Encode())
	assert.True(t, Query{}.IsZero())
	assert.False(t, Query{Top: 1}.IsZero())
}

func TestQuoteString(t *testing.T) {
	assert.Equal(t, "'O''Brien'", QuoteString("O'Brien"))
	assert.Equal(t, "''", QuoteString(""))
	assert.Equal(t, "''''''", QuoteString("''"))
}

func TestPath(t *testing.T) {
	assert.Equal(t, "/teams/abc/channels", Path("teams", "abc", "channels"))
	assert.Equal(t, "/teams/19:x@thread.tacv2", Path("teams", "19:x@thread.tacv2"), "':' and '@' are valid in a segment")
	assert.Equal(t, "/users/a%2Fb%3Fc%23d%20e", Path("users", "a/b?c#d e"), "an ID must not add segments or a query")
	assert.Equal(t, "/", Path())
}

func TestRequestString(t *testing.T) {
	r := Request{
		Path:   Path("teams", "x", "channels"),
		Query:  Query{Top: 5, Select: []string{"id", "displayName"}},
		Header: http.Header{"ConsistencyLevel": {"eventual"}},
	}
	assert.Equal(t, "GET /teams/x/channels?$select=id,displayName&$top=5", r.String())
	assert.Equal(t, "GET /me", Request{Path: "/me"}.String())
}
