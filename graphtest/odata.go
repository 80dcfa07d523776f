package graphtest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// resourceSpec holds the query rules of one Graph collection. Every
// collection is served by the same engine (serveCollection) from a list of
// JSON objects and these rules, mirroring what Graph allows on that resource.
type resourceSpec struct {
	entityType    string   // "microsoft.graph.user", used in error messages
	resourceName  string   // "User", used in Request_UnsupportedQuery messages
	properties    []string // every property, canonical camelCase
	defaultSelect []string // returned without $select; nil = all properties

	// filter maps a property to the operators allowed on it: eq, ne, in,
	// startswith, endswith, gt, ge, lt, le.
	filter map[string][]string
	// advancedOps need ConsistencyLevel: eventual and $count=true ("advanced
	// queries"); "not" is among them when negation is allowed at all.
	advancedOps map[string]bool
	// notAllowed is true where "not" may be used (subject to advancedOps).
	notAllowed bool

	orderBy           map[string]bool // sortable properties; empty = $orderby unsupported
	descNeedsEventual bool            // "desc" requires ConsistencyLevel: eventual

	countNeedsEventual bool // $count=true requires ConsistencyLevel: eventual

	defaultPage int // page size without $top; 0 = no paging and $top unsupported
	maxPage     int // largest $top

	// expand lists the navigation properties $expand accepts; items carry
	// them (and their "<name>@odata.nextLink" annotations, as paths under
	// /v1.0) and they are returned only when expanded.
	expand map[string]bool
	// descOnly: $orderby accepts only "desc" (chat messages).
	descOnly bool
	// adjust applies rules that depend on several options at once, after
	// each option was checked on its own; it may drop the filter (as chat
	// messages do when $orderby names another property).
	adjust func(q *collectionQuery) *graphError
	// delta: a delta query; the last page carries @odata.deltaLink with a
	// $deltatoken that asks for items modified after the newest one seen.
	delta bool

	// directoryErrors selects the directory (Azure AD) error codes that
	// users use (Request_UnsupportedQuery, Request_BadRequest) rather than
	// the plain BadRequest Teams resources use.
	directoryErrors bool
}

// collectionOptions are the system query options a collection accepts.
var collectionOptions = map[string]bool{"$select": true, "$filter": true, "$top": true, "$skiptoken": true, "$count": true, "$orderby": true}

// canonical resolves a property name case-insensitively. A type cast
// prefix ("microsoft.graph.aadUserConversationMember/userId") is dropped.
func (spec *resourceSpec) canonical(name string) (string, bool) {
	if i := strings.LastIndex(name, "/"); i >= 0 && strings.HasPrefix(strings.ToLower(name), "microsoft.graph.") {
		name = name[i+1:]
	}
	for _, p := range spec.properties {
		if strings.EqualFold(p, name) {
			return p, true
		}
	}
	return "", false
}

func (spec *resourceSpec) unknownProperty(name string) *graphError {
	return badRequest(fmt.Sprintf("Could not find a property named '%s' on type '%s'.", name, spec.entityType))
}

func (spec *resourceSpec) unsupportedFilter(property string) *graphError {
	if spec.directoryErrors {
		return &graphError{status: http.StatusBadRequest, code: "Request_UnsupportedQuery",
			message: fmt.Sprintf("Unsupported or invalid query filter clause specified for property '%s' of resource '%s'.", property, spec.resourceName)}
	}
	return badRequest("Invalid filter clause")
}

func (spec *resourceSpec) needsAdvancedQuery(op string) *graphError {
	return &graphError{status: http.StatusBadRequest, code: "Request_UnsupportedQuery",
		message: fmt.Sprintf("Operator '%s' is not supported because the required parameters might be missing. Try adding $count=true query parameter and ConsistencyLevel:eventual header. Refer to https://aka.ms/graph-docs/advanced-queries for more information", op)}
}

func (spec *resourceSpec) requestBadRequest(message string) *graphError {
	if spec.directoryErrors {
		return &graphError{status: http.StatusBadRequest, code: "Request_BadRequest", message: message}
	}
	return badRequest(message)
}

// collectionQuery is a validated set of query options.
type collectionQuery struct {
	selected []string // nil = the default set
	filter   filterNode
	orderBy  string
	desc     bool
	count    bool
	top      int
	offset   int
	expand   []string
}

// serveCollection answers a collection request: it validates the options
// against spec, then filters, sorts, counts, pages and projects items, which
// are full entities (every property) in their documented default order.
func (s *Server) serveCollection(c *graphCall, spec *resourceSpec, contextPath string, items []map[string]any) {
	q, gerr := s.parseCollectionQuery(c, spec)
	if gerr != nil {
		c.fail(gerr)
		return
	}
	matched := items
	if spec.delta {
		var gerr *graphError
		if matched, gerr = changedSince(c, matched); gerr != nil {
			c.fail(gerr)
			return
		}
	}
	if q.filter != nil {
		candidates := matched // after a $deltatoken, only what changed since
		matched = nil
		for _, it := range candidates {
			if evalFilter(q.filter, it) {
				matched = append(matched, it)
			}
		}
	}
	if q.orderBy != "" {
		matched = sortedBy(matched, q.orderBy, q.desc)
	}
	page, hasMore := pageOf(matched, q.offset, q.top)
	value := project(page, spec, q.selected)
	expandInto(value, page, q.expand, requestBaseURL(c.r))
	body := collectionBody{Context: contextURL(contextPath, q.selected), Value: value}
	if q.count {
		n := len(matched)
		body.Count = &n
	}
	if hasMore {
		body.NextLink = s.nextLink(c, q.offset+len(page))
	} else if spec.delta {
		body.Delta = deltaLink(c, matched)
	}
	c.ok(body)
}

// changedSince keeps the items modified after the time in $deltatoken.
func changedSince(c *graphCall, items []map[string]any) ([]map[string]any, *graphError) {
	raw, present := c.query["$deltatoken"]
	if !present {
		return items, nil
	}
	data, err := base64.RawURLEncoding.DecodeString(raw[0])
	since, perr := time.Parse(time.RFC3339Nano, string(data))
	if err != nil || perr != nil {
		return nil, badRequest("Invalid delta token '" + truncate(raw[0], 64) + "'.")
	}
	var out []map[string]any
	for _, it := range items {
		if compareValues("gt", it["lastModifiedDateTime"], since) {
			out = append(out, it)
		}
	}
	return out, nil
}

// deltaLink asks for what changed after the newest item returned (or after
// the previous token when nothing changed).
func deltaLink(c *graphCall, items []map[string]any) string {
	token := c.query.Get("$deltatoken")
	newest := ""
	for _, it := range items {
		if m, ok := it["lastModifiedDateTime"].(string); ok && m > newest {
			newest = m
		}
	}
	if newest != "" {
		token = base64.RawURLEncoding.EncodeToString([]byte(newest))
	} else if token == "" {
		token = base64.RawURLEncoding.EncodeToString([]byte(time.Time{}.Format(time.RFC3339Nano)))
	}
	return requestBaseURL(c.r) + c.r.URL.EscapedPath() + "?$deltatoken=" + token
}

type collectionBody struct {
	Context  string           `json:"@odata.context"`
	Count    *int             `json:"@odata.count,omitempty"`
	NextLink string           `json:"@odata.nextLink,omitempty"`
	Delta    string           `json:"@odata.deltaLink,omitempty"`
	Value    []map[string]any `json:"value"`
}

func (s *Server) parseCollectionQuery(c *graphCall, spec *resourceSpec) (*collectionQuery, *graphError) {
	allowed := collectionOptions
	if spec.expand != nil || spec.delta {
		allowed = map[string]bool{"$expand": spec.expand != nil, "$deltatoken": spec.delta}
		for name := range collectionOptions {
			allowed[name] = true
		}
	}
	if gerr := rejectUnknownOptions(c.query, allowed); gerr != nil {
		return nil, gerr
	}
	q := &collectionQuery{}
	var gerr *graphError
	if q.expand, gerr = parseExpand(spec, c.query.Get("$expand")); gerr != nil {
		return nil, gerr
	}
	eventual := strings.EqualFold(c.r.Header.Get("ConsistencyLevel"), "eventual")
	if q.selected, gerr = parseSelect(spec, c.query.Get("$select")); gerr != nil {
		return nil, gerr
	}
	if q.count, gerr = parseCount(spec, c.query, eventual); gerr != nil {
		return nil, gerr
	}
	if q.filter, gerr = parseFilterOption(spec, c.query, eventual && q.count); gerr != nil {
		return nil, gerr
	}
	if q.orderBy, q.desc, gerr = parseOrderBy(spec, c.query, eventual); gerr != nil {
		return nil, gerr
	}
	if q.top, gerr = parseTop(spec, c.query); gerr != nil {
		return nil, gerr
	}
	if q.offset, gerr = s.parseSkipToken(c, spec); gerr != nil {
		return nil, gerr
	}
	if spec.adjust != nil {
		if gerr = spec.adjust(q); gerr != nil {
			return nil, gerr
		}
	}
	return q, nil
}

// parseExpand resolves an $expand list against the resource's navigation
// properties. Nested options ("replies($top=1)") are not supported.
func parseExpand(spec *resourceSpec, raw string) ([]string, *graphError) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	var out []string
	for _, name := range strings.Split(raw, ",") {
		name = strings.TrimSpace(name)
		found := ""
		for nav := range spec.expand {
			if strings.EqualFold(nav, name) {
				found = nav
			}
		}
		if found == "" {
			return nil, spec.unknownProperty(name)
		}
		if !containsString(out, found) {
			out = append(out, found)
		}
	}
	return out, nil
}

// expandInto copies expanded navigation properties from the full items into
// their projections, turning "@odata.nextLink" paths into absolute URLs.
func expandInto(projected, items []map[string]any, expand []string, base string) {
	for i, it := range items {
		for _, nav := range expand {
			projected[i][nav] = it[nav]
			if link, ok := it[nav+"@odata.nextLink"].(string); ok {
				projected[i][nav+"@odata.nextLink"] = base + link
			}
		}
	}
}

func rejectUnknownOptions(query url.Values, allowed map[string]bool) *graphError {
	for name := range query {
		if !allowed[name] {
			return badRequest(fmt.Sprintf("The query parameter '%s' is not supported.", name))
		}
	}
	return nil
}

// parseSelect resolves a $select list to canonical names, always including id.
func parseSelect(spec *resourceSpec, raw string) ([]string, *graphError) {
	if strings.TrimSpace(raw) == "" {
		return nil, nil
	}
	selected := []string{}
	seen := map[string]bool{}
	for _, name := range strings.Split(raw, ",") {
		name = strings.TrimSpace(name)
		if name == "*" {
			return append([]string(nil), spec.properties...), nil
		}
		prop, ok := spec.canonical(name)
		if !ok {
			return nil, spec.unknownProperty(name)
		}
		if !seen[prop] {
			seen[prop] = true
			selected = append(selected, prop)
		}
	}
	return selected, nil
}

func parseCount(spec *resourceSpec, query url.Values, eventual bool) (bool, *graphError) {
	raw, present := query["$count"]
	if !present {
		return false, nil
	}
	switch strings.ToLower(raw[0]) {
	case "false":
		return false, nil
	case "true":
		if spec.countNeedsEventual && !eventual {
			return false, spec.requestBadRequest("$count is not currently supported.")
		}
		return true, nil
	}
	return false, badRequest(fmt.Sprintf("Invalid value '%s' for $count query option found. Valid values are 'true' and 'false'.", raw[0]))
}

// parseFilterOption parses $filter and checks every term against the
// resource's rules; advanced says whether an advanced query was requested.
func parseFilterOption(spec *resourceSpec, query url.Values, advanced bool) (filterNode, *graphError) {
	raw, present := query["$filter"]
	if !present {
		return nil, nil
	}
	if spec.filter == nil {
		return nil, badRequest("The query specified in the URI is not valid. Query option 'Filter' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.")
	}
	tree, err := parseFilter(raw[0])
	if err != nil {
		return nil, badRequest("Invalid filter clause: " + err.Error())
	}
	terms, err := filterTerms(tree)
	if err != nil {
		if spec.directoryErrors {
			return nil, badRequest("Invalid filter clause: " + err.Error())
		}
		return nil, badRequest("Invalid filter clause")
	}
	for _, term := range terms {
		if gerr := spec.checkFilterTerm(term, advanced); gerr != nil {
			return nil, gerr
		}
	}
	return renameProperties(tree, func(name string) string {
		prop, _ := spec.canonical(name)
		return prop
	}), nil
}

func (spec *resourceSpec) checkFilterTerm(term filterTerm, advanced bool) *graphError {
	if term.op == "not" {
		if !spec.notAllowed {
			return spec.unsupportedFilter("not")
		}
		if spec.advancedOps["not"] && !advanced {
			return spec.needsAdvancedQuery("not")
		}
		return nil
	}
	prop, ok := spec.canonical(term.property)
	if !ok {
		return spec.unknownProperty(term.property)
	}
	if !containsString(spec.filter[prop], term.op) {
		return spec.unsupportedFilter(prop)
	}
	if spec.advancedOps[term.op] && !advanced {
		return spec.needsAdvancedQuery(term.op)
	}
	return nil
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func parseOrderBy(spec *resourceSpec, query url.Values, eventual bool) (string, bool, *graphError) {
	raw, present := query["$orderby"]
	if !present {
		return "", false, nil
	}
	if len(spec.orderBy) == 0 {
		return "", false, badRequest("OrderBy not supported.")
	}
	fields := strings.Fields(raw[0])
	if len(fields) == 0 || len(fields) > 2 || strings.Contains(raw[0], ",") {
		return "", false, spec.unsupportedSort()
	}
	prop, ok := spec.canonical(fields[0])
	if !ok {
		return "", false, spec.unknownProperty(fields[0])
	}
	if !spec.orderBy[prop] {
		return "", false, spec.unsupportedSort()
	}
	desc := false
	if len(fields) == 2 {
		switch strings.ToLower(fields[1]) {
		case "asc":
		case "desc":
			desc = true
		default:
			return "", false, badRequest(fmt.Sprintf("Syntax error: '%s' is not a valid sort direction.", fields[1]))
		}
	}
	if !desc && spec.descOnly {
		return "", false, badRequest(fmt.Sprintf("The '%s' sort order is not supported; only descending order ('%s desc') is.", strings.Join(fields, " "), prop))
	}
	if desc && spec.descNeedsEventual && !eventual {
		return "", false, spec.unsupportedSort()
	}
	return prop, desc, nil
}

func (spec *resourceSpec) unsupportedSort() *graphError {
	if spec.directoryErrors {
		return &graphError{status: http.StatusBadRequest, code: "Request_UnsupportedQuery", message: "Sorting not supported for current query."}
	}
	return badRequest("OrderBy not supported.")
}

func parseTop(spec *resourceSpec, query url.Values) (int, *graphError) {
	raw, present := query["$top"]
	if spec.defaultPage == 0 {
		if present {
			return 0, badRequest("The query specified in the URI is not valid. Query option 'Top' is not allowed. To allow it, set the 'AllowedQueryOptions' property on EnableQueryAttribute or QueryValidationSettings.")
		}
		return 0, nil
	}
	if !present {
		return spec.defaultPage, nil
	}
	n, err := strconv.Atoi(strings.TrimSpace(raw[0]))
	if err != nil || n < 1 || n > spec.maxPage {
		return 0, spec.requestBadRequest(fmt.Sprintf("Invalid page size specified: '%s'. Must be between 1 and %d inclusive.", raw[0], spec.maxPage))
	}
	return n, nil
}

// Skip tokens are "<offset>.<mac>" in base64url, where the MAC binds the
// offset to the request path and every other query option. A token is thus
// only valid for the query that produced it, and cannot be forged.
func (s *Server) skipTokenMAC(c *graphCall, offset int) []byte {
	return s.skipTokenMACFor(c.r.URL.Path, c.query, offset)
}

// skipTokenMACFor signs an offset for a path (unescaped, as in URL.Path) and
// its other query options.
func (s *Server) skipTokenMACFor(path string, query url.Values, offset int) []byte {
	mac := hmac.New(sha256.New, s.skipKey)
	fmt.Fprintf(mac, "%s\n%d\n", strings.ToLower(path), offset)
	names := make([]string, 0, len(query))
	for name := range query {
		if name != "$skiptoken" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	for _, name := range names {
		fmt.Fprintf(mac, "%s=%s\n", name, query.Get(name))
	}
	return mac.Sum(nil)[:16]
}

func (s *Server) makeSkipToken(c *graphCall, offset int) string {
	return s.skipTokenFor(c.r.URL.Path, c.query, offset)
}

func (s *Server) skipTokenFor(path string, query url.Values, offset int) string {
	payload := strconv.Itoa(offset) + "." + base64.RawURLEncoding.EncodeToString(s.skipTokenMACFor(path, query, offset))
	return base64.RawURLEncoding.EncodeToString([]byte(payload))
}

func (s *Server) parseSkipToken(c *graphCall, spec *resourceSpec) (int, *graphError) {
	raw, present := c.query["$skiptoken"]
	if !present {
		return 0, nil
	}
	invalid := spec.requestBadRequest("Invalid skip token '" + truncate(raw[0], 64) + "'.")
	if spec.defaultPage == 0 {
		return 0, invalid
	}
	payload, err := base64.RawURLEncoding.DecodeString(raw[0])
	if err != nil {
		return 0, invalid
	}
	offsetText, macText, ok := strings.Cut(string(payload), ".")
	offset, err := strconv.Atoi(offsetText)
	if !ok || err != nil || offset < 0 {
		return 0, invalid
	}
	mac, err := base64.RawURLEncoding.DecodeString(macText)
	if err != nil || !hmac.Equal(mac, s.skipTokenMAC(c, offset)) {
		return 0, invalid
	}
	return offset, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "..."
}

// nextLink is an absolute URL on this server repeating the request with a
// skip token for the next page.
func (s *Server) nextLink(c *graphCall, offset int) string {
	names := make([]string, 0, len(c.query))
	for name := range c.query {
		if name != "$skiptoken" {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	var b strings.Builder
	b.WriteString(requestBaseURL(c.r))
	b.WriteString(c.r.URL.EscapedPath())
	b.WriteByte('?')
	for _, name := range names {
		b.WriteString(name + "=" + url.QueryEscape(c.query.Get(name)) + "&")
	}
	b.WriteString("$skiptoken=" + s.makeSkipToken(c, offset))
	return b.String()
}

func pageOf(items []map[string]any, offset, top int) ([]map[string]any, bool) {
	if offset > len(items) {
		offset = len(items)
	}
	if top <= 0 || offset+top >= len(items) {
		return items[offset:], false
	}
	return items[offset : offset+top], true
}

// sortedBy sorts a copy case-insensitively; nulls sort first, ties keep the
// default order so that paging stays stable.
func sortedBy(items []map[string]any, prop string, desc bool) []map[string]any {
	out := append([]map[string]any(nil), items...)
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i][prop], out[j][prop]
		if desc {
			a, b = b, a
		}
		switch {
		case a == nil:
			return b != nil
		case b == nil:
			return false
		}
		c, _ := orderValues(a, b)
		return c < 0
	})
	return out
}

// project keeps the selected properties (or the default set) of each item.
func project(items []map[string]any, spec *resourceSpec, selected []string) []map[string]any {
	props := selected
	if props == nil {
		props = spec.defaultSelect
	}
	if props == nil {
		props = spec.properties
	}
	out := make([]map[string]any, len(items))
	for i, it := range items {
		out[i] = projectOne(it, props)
	}
	return out
}

func projectOne(item map[string]any, props []string) map[string]any {
	m := make(map[string]any, len(props)+2)
	m["id"] = item["id"]
	if cast, ok := item["@odata.type"]; ok {
		m["@odata.type"] = cast // derived types (members, directory objects) always name their type
	}
	for _, p := range props {
		m[p] = item[p]
	}
	return m
}

// contextURL is the @odata.context of a response; like Graph it names the
// selected properties, e.g. "...$metadata#users(displayName,mail)".
func contextURL(path string, selected []string) string {
	const metadata = "https://graph.microsoft.com/v1.0/$metadata#"
	if len(selected) == 0 {
		return metadata + path
	}
	list := "(" + strings.Join(selected, ",") + ")"
	if base, ok := strings.CutSuffix(path, "/$entity"); ok {
		return metadata + base + list + "/$entity"
	}
	return metadata + path + list
}

// serveEntity answers a single-entity request; only $select is accepted.
func serveEntity(c *graphCall, spec *resourceSpec, contextPath string, item map[string]any) {
	if gerr := rejectUnknownOptions(c.query, map[string]bool{"$select": true}); gerr != nil {
		c.fail(gerr)
		return
	}
	selected, gerr := parseSelect(spec, c.query.Get("$select"))
	if gerr != nil {
		c.fail(gerr)
		return
	}
	props := selected
	if props == nil {
		props = spec.defaultSelect
	}
	if props == nil {
		props = spec.properties
	}
	body := projectOne(item, props)
	body["@odata.context"] = contextURL(contextPath+"/$entity", selected)
	c.ok(body)
}
