package graphtest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// graphCall is one authenticated Graph request on its way through a handler.
type graphCall struct {
	w               http.ResponseWriter
	r               *http.Request
	requestID       string
	clientRequestID string
	token           accessToken
	query           url.Values // parsed strictly; option names lower-cased
	params          map[string]string
}

// graphError is a Graph JSON error: {"error":{"code","message","innerError"}}.
type graphError struct {
	status  int
	code    string
	message string
}

func (e *graphError) Error() string { return e.code + ": " + e.message }

func badRequest(message string) *graphError {
	return &graphError{status: http.StatusBadRequest, code: "BadRequest", message: message}
}

// graphRoute maps a path pattern ("teams/{team}/channels") under /v1.0 to
// its handler. Segments in braces capture a path parameter.
type graphRoute struct {
	method  string // GET (which also answers HEAD) or POST
	pattern []string
	serve   func(*graphCall)
}

func route(pattern string, serve func(*graphCall)) graphRoute {
	return graphRoute{method: http.MethodGet, pattern: strings.Split(pattern, "/"), serve: serve}
}

func postRoute(pattern string, serve func(*graphCall)) graphRoute {
	return graphRoute{method: http.MethodPost, pattern: strings.Split(pattern, "/"), serve: serve}
}

// graphRoutes is the table of emulated Graph resources; new resources
// (messages, chats, ...) add a line here.
func (s *Server) graphRoutes() []graphRoute {
	return []graphRoute{
		route("teams", s.listTeams),
		route("teams/{team}", s.getTeam),
		route("teams/{team}/channels", s.listChannels),
		route("teams/{team}/channels/{channel}", s.getChannel),
		route("users", s.listUsers),
		route("users/{user}", s.getUser),
		route("me", s.getMe),

		route("teams/{team}/members", s.listTeamMembers),
		route("teams/{team}/installedApps", s.listInstalledApps),
		route("teams/{team}/channels/{channel}/members", s.listChannelMembers),
		route("teams/{team}/channels/{channel}/tabs", s.listTabs),
		route("teams/{team}/channels/{channel}/messages", s.listChannelMessages),
		route("teams/{team}/channels/{channel}/messages/delta", s.channelMessagesDelta),
		route("teams/{team}/channels/{channel}/messages/{message}", s.getChannelMessage),
		route("teams/{team}/channels/{channel}/messages/{message}/replies", s.listReplies),
		route("teams/{team}/channels/{channel}/messages/{message}/replies/{reply}", s.getReply),

		route("chats", s.listChats),
		route("chats/{chat}", s.getChat),
		route("chats/{chat}/members", s.listChatMembers),
		route("chats/{chat}/messages", s.listChatMessages),
		route("chats/{chat}/messages/{message}", s.getChatMessage),
		route("me/chats", s.listChats),
		route("users/{user}/chats", s.listChats),
		route("users/{user}/chats/{chat}", s.getChat),
		route("users/{user}/chats/{chat}/members", s.listChatMembers),
		route("users/{user}/chats/{chat}/messages", s.listChatMessages),
		route("users/{user}/chats/{chat}/messages/{message}", s.getChatMessage),

		route("me/joinedTeams", s.listJoinedTeams),
		route("users/{user}/joinedTeams", s.listJoinedTeams),
		route("me/presence", s.getUserPresence),
		route("users/{user}/presence", s.getUserPresence),
		postRoute("communications/getPresencesByUserId", s.getPresencesByUserID),

		route("appCatalogs/teamsApps", s.listCatalogApps),
		route("groups", s.listGroups),
		route("groups/{group}", s.getGroup),
		route("groups/{group}/members", s.listGroupMembers),
		route("groups/{group}/owners", s.listGroupOwners),
	}
}

func (s *Server) graphHandler() http.Handler {
	routes := s.graphRoutes()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusRecorder{ResponseWriter: w}
		s.serveGraph(rec, r, routes)
		s.record(r, looseQuery(r), rec.status)
	})
}

// serveGraph runs the steps every Graph request shares: correlation headers,
// latency, authentication, query parsing and routing.
func (s *Server) serveGraph(w http.ResponseWriter, r *http.Request, routes []graphRoute) {
	c := &graphCall{w: w, r: r, requestID: randomGUID(), clientRequestID: r.Header.Get("client-request-id")}
	if c.clientRequestID == "" {
		c.clientRequestID = c.requestID
	}
	w.Header().Set("request-id", c.requestID)
	w.Header().Set("client-request-id", c.clientRequestID)
	if !s.waitLatency(r) {
		return // the client gave up; nobody is left to answer
	}
	tok, gerr := s.authenticate(r)
	if gerr != nil {
		w.Header().Set("WWW-Authenticate", fmt.Sprintf(`Bearer realm="", authorization_uri="%s/common/oauth2/authorize", client_id="%s"`, requestBaseURL(r), graphAppID))
		c.fail(gerr)
		return
	}
	c.token = tok
	serve, gerr := matchGraphRoute(c, routes)
	if gerr == nil {
		c.query, gerr = parseQueryOptions(r.URL.RawQuery)
	}
	if gerr != nil {
		c.fail(gerr)
		return
	}
	serve(c)
}

// waitLatency sleeps for the configured latency, returning false if the
// request was cancelled meanwhile.
func (s *Server) waitLatency(r *http.Request) bool {
	d := s.currentLatency()
	if d <= 0 {
		return r.Context().Err() == nil
	}
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

func (s *Server) authenticate(r *http.Request) (accessToken, *graphError) {
	header := r.Header.Get("Authorization")
	scheme, value, _ := strings.Cut(header, " ")
	value = strings.TrimSpace(value)
	if !strings.EqualFold(scheme, "Bearer") || value == "" {
		return accessToken{}, &graphError{status: http.StatusUnauthorized, code: "InvalidAuthenticationToken", message: "Access token is empty."}
	}
	tok, ok := s.tokens.lookup(value, time.Now())
	if !ok {
		return accessToken{}, &graphError{status: http.StatusUnauthorized, code: "InvalidAuthenticationToken", message: "Access token has expired or is not yet valid."}
	}
	return tok, nil
}

func matchGraphRoute(c *graphCall, routes []graphRoute) (func(*graphCall), *graphError) {
	segments, err := pathSegments(c.r.URL.EscapedPath())
	if err != nil {
		return nil, badRequest("The request URI is not valid.")
	}
	var methodMismatch bool
	for _, rt := range routes {
		params, ok := matchSegments(rt.pattern, segments)
		if !ok {
			continue
		}
		method := c.r.Method
		if method == http.MethodHead {
			method = http.MethodGet
		}
		if method != rt.method {
			methodMismatch = true
			continue
		}
		c.params = params
		return rt.serve, nil
	}
	if methodMismatch {
		return nil, &graphError{status: http.StatusMethodNotAllowed, code: "BadRequest", message: "Specified HTTP method is not allowed for the request target."}
	}
	return nil, badRequest(fmt.Sprintf("Resource not found for the segment '%s'.", firstUnknownSegment(routes, segments)))
}

// pathSegments splits the path after /v1.0 into unescaped segments, so that
// ids holding ':' or '@' (channel ids) or '#' (guest UPNs) arrive intact.
func pathSegments(escaped string) ([]string, error) {
	rest := strings.Trim(strings.TrimPrefix(escaped, "/v1.0"), "/")
	if rest == "" {
		return nil, nil
	}
	parts := strings.Split(rest, "/")
	for i, p := range parts {
		u, err := url.PathUnescape(p)
		if err != nil {
			return nil, err
		}
		parts[i] = u
	}
	return parts, nil
}

func matchSegments(pattern, segments []string) (map[string]string, bool) {
	if len(pattern) != len(segments) {
		return nil, false
	}
	params := map[string]string{}
	for i, p := range pattern {
		if strings.HasPrefix(p, "{") && strings.HasSuffix(p, "}") {
			if segments[i] == "" {
				return nil, false
			}
			params[p[1:len(p)-1]] = segments[i]
			continue
		}
		if !strings.EqualFold(p, segments[i]) {
			return nil, false
		}
	}
	return params, true
}

// firstUnknownSegment names the segment Graph would complain about: the first
// one that no route accepts at that position.
func firstUnknownSegment(routes []graphRoute, segments []string) string {
	if len(segments) == 0 {
		return "v1.0"
	}
	for i, seg := range segments {
		known := false
		for _, rt := range routes {
			if i < len(rt.pattern) && prefixMatches(rt.pattern[:i+1], segments[:i+1]) {
				known = true
				break
			}
		}
		if !known {
			return seg
		}
	}
	return segments[len(segments)-1]
}

func prefixMatches(pattern, segments []string) bool {
	_, ok := matchSegments(pattern, segments)
	return ok
}

// looseQuery decodes the query for the request log, keeping what it can.
func looseQuery(r *http.Request) url.Values {
	q, _ := url.ParseQuery(r.URL.RawQuery)
	return q
}

// parseQueryOptions decodes the query string as Graph does: OData system
// options ($...) are case-insensitive and may appear once; other parameters
// are ignored.
func parseQueryOptions(raw string) (url.Values, *graphError) {
	q, err := url.ParseQuery(raw)
	if err != nil {
		return nil, badRequest("The query specified in the URI is not valid.")
	}
	options := url.Values{}
	for key, vals := range q {
		if !strings.HasPrefix(key, "$") {
			continue
		}
		name := strings.ToLower(key)
		if len(vals)+len(options[name]) > 1 {
			return nil, badRequest(fmt.Sprintf("Query option '%s' was specified more than once, but it must be specified at most once.", name))
		}
		options[name] = vals
	}
	return options, nil
}

// graphErrorBody is Graph's error envelope.
type graphErrorBody struct {
	Error graphErrorDetail `json:"error"`
}

type graphErrorDetail struct {
	Code       string          `json:"code"`
	Message    string          `json:"message"`
	InnerError graphInnerError `json:"innerError"`
}

type graphInnerError struct {
	Date            string `json:"date"`
	RequestID       string `json:"request-id"`
	ClientRequestID string `json:"client-request-id"`
}

func (c *graphCall) fail(e *graphError) {
	body := graphErrorBody{Error: graphErrorDetail{
		Code:    e.code,
		Message: e.message,
		InnerError: graphInnerError{
			Date:            time.Now().UTC().Format("2006-01-02T15:04:05"),
			RequestID:       c.requestID,
			ClientRequestID: c.clientRequestID,
		},
	}}
	c.writeBody(e.status, body)
}

func (c *graphCall) ok(body any) { c.writeBody(http.StatusOK, body) }

func (c *graphCall) writeBody(status int, body any) {
	data, err := marshalJSON(body)
	if err != nil {
		status = http.StatusInternalServerError
		data = []byte(`{"error":{"code":"InternalServerError","message":"The emulator could not encode its response."}}`)
	}
	h := c.w.Header()
	h.Set("Content-Type", "application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false;charset=utf-8")
	h.Set("Cache-Control", "no-cache")
	h.Set("OData-Version", "4.0")
	c.w.WriteHeader(status)
	if c.r.Method != http.MethodHead {
		_, _ = c.w.Write(data)
	}
}

// marshalJSON encodes without HTML escaping, so that "&" in links stays
// readable as it does in Graph's responses.
func marshalJSON(body any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(body); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
