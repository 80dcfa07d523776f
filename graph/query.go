package graph

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// Query holds the OData query options of a Graph request. Encode writes them
// in a fixed order so that EXPLAIN output and test expectations are stable.
type Query struct {
	Select  []string // $select
	Filter  string   // $filter, already in OData syntax (see QuoteString)
	OrderBy []string // $orderby items, e.g. "displayName desc"
	Expand  string   // $expand
	Top     int      // $top (page size); 0 = unset
	Count   bool     // $count=true
	Search  string   // $search, including Graph's double quotes
}

// Encode returns the query string (without "?") in the order
// $select,$filter,$orderby,$expand,$top,$count,$search. OData punctuation
// ($ , ' ( ) / :) stays readable; everything else outside the unreserved set
// is percent-encoded, spaces as %20.
func (q Query) Encode() string {
	var parts []string
	add := func(name, value string) {
		parts = append(parts, "$"+name+"="+escapeQueryValue(value))
	}
	if len(q.Select) > 0 {
		add("select", strings.Join(q.Select, ","))
	}
	if q.Filter != "" {
		add("filter", q.Filter)
	}
	if len(q.OrderBy) > 0 {
		add("orderby", strings.Join(q.OrderBy, ","))
	}
	if q.Expand != "" {
		add("expand", q.Expand)
	}
	if q.Top > 0 {
		add("top", strconv.Itoa(q.Top))
	}
	if q.Count {
		add("count", "true")
	}
	if q.Search != "" {
		add("search", q.Search)
	}
	return strings.Join(parts, "&")
}

// IsZero reports whether no option is set.
func (q Query) IsZero() bool { return q.Encode() == "" }

func escapeQueryValue(s string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	b.Grow(len(s))
	for i := 0; i < len(s); i++ {
		c := s[i]
		if isReadableInQuery(c) {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

func isReadableInQuery(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("-._~$,'()/:", c) >= 0
}

// QuoteString returns s as an OData string literal: quoted with single
// quotes, embedded quotes doubled ('O”Brien').
func QuoteString(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}

// Path joins path segments into an escaped request path: Path("teams", id,
// "channels") is "/teams/<id escaped>/channels". Escaping each segment keeps
// IDs that contain "/", "?" or "#" from changing the request's meaning.
func Path(segments ...string) string {
	var b strings.Builder
	for _, s := range segments {
		b.WriteByte('/')
		b.WriteString(url.PathEscape(s))
	}
	if b.Len() == 0 {
		return "/"
	}
	return b.String()
}

// Request describes one Graph GET relative to the client's BaseURL.
type Request struct {
	Method string      // "" is GET; "POST" for actions that read (see Client.Post), as String shows it
	Path   string      // starts with "/", segments already escaped (see Path)
	Query  Query       // OData query options
	Header http.Header // extra headers, e.g. ConsistencyLevel: eventual
}

// String renders the request as EXPLAIN shows it, e.g.
// "GET /teams/x/channels?$select=id,displayName&$top=5".
func (r Request) String() string {
	method := r.Method
	if method == "" {
		method = "GET"
	}
	return method + " " + r.pathAndQuery()
}

func (r Request) pathAndQuery() string {
	if q := r.Query.Encode(); q != "" {
		return r.Path + "?" + q
	}
	return r.Path
}
