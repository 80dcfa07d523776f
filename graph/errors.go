package graph

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Sentinels for errors.Is on an *Error.
var (
	ErrBadRequest   = errors.New("graph: bad request (400)")
	ErrUnauthorized = errors.New("graph: unauthorized (401)")
	ErrForbidden    = errors.New("graph: forbidden (403)")
	ErrNotFound     = errors.New("graph: not found (404)")
	ErrThrottled    = errors.New("graph: throttled (429)")
)

// Error is a failed Graph response. It carries what Graph reported and the
// request it answered, never the request's headers.
type Error struct {
	StatusCode      int
	Code            string        // Graph error.code, e.g. "InvalidAuthenticationToken"
	Message         string        // Graph error.message
	RequestID       string        // innerError.request-id (or the request-id header)
	ClientRequestID string        // innerError.client-request-id (or header)
	Date            string        // innerError.date (or the Date header)
	RetryAfter      time.Duration // from Retry-After; 0 if absent
	Method          string
	URL             string // path and query relative to the client's BaseURL
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "graph: %s %s: %d", e.Method, e.URL, e.StatusCode)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.RequestID != "" {
		b.WriteString(" (request-id " + e.RequestID + ")")
	}
	if e.RetryAfter > 0 {
		fmt.Fprintf(&b, " (retry after %s)", e.RetryAfter)
	}
	return b.String()
}

// Is matches the sentinel for e's status code.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrBadRequest:
		return e.StatusCode == http.StatusBadRequest
	case ErrUnauthorized:
		return e.StatusCode == http.StatusUnauthorized
	case ErrForbidden:
		return e.StatusCode == http.StatusForbidden
	case ErrNotFound:
		return e.StatusCode == http.StatusNotFound
	case ErrThrottled:
		return e.StatusCode == http.StatusTooManyRequests
	}
	return false
}

// odataError is Graph's error body.
type odataError struct {
	Error struct {
		Code       string `json:"code"`
		Message    string `json:"message"`
		InnerError struct {
			Date            string `json:"date"`
			RequestID       string `json:"request-id"`
			ClientRequestID string `json:"client-request-id"`
		} `json:"innerError"`
	} `json:"error"`
}

// maxPlainErrorMessage bounds how much of a non-JSON error body (an HTML page
// from a proxy, say) ends up in a message.
const maxPlainErrorMessage = 200

func newError(method, displayURL string, status int, header http.Header, body []byte) *Error {
	e := &Error{StatusCode: status, Method: method, URL: displayURL}
	var parsed odataError
	if json.Unmarshal(body, &parsed) == nil && (parsed.Error.Code != "" || parsed.Error.Message != "") {
		e.Code = parsed.Error.Code
		e.Message = parsed.Error.Message
		e.RequestID = parsed.Error.InnerError.RequestID
		e.ClientRequestID = parsed.Error.InnerError.ClientRequestID
		e.Date = parsed.Error.InnerError.Date
	} else {
		e.Message = plainMessage(body)
	}
	if e.Code == "" {
		e.Code = defaultCode(status)
	}
	e.RequestID = firstNonEmpty(e.RequestID, header.Get("request-id"))
	e.ClientRequestID = firstNonEmpty(e.ClientRequestID, header.Get("client-request-id"))
	e.Date = firstNonEmpty(e.Date, header.Get("Date"))
	e.RetryAfter = parseRetryAfter(header.Get("Retry-After"), time.Now())
	return e
}

// defaultCode names the failure when Graph sent no error body, using the
// codes Graph itself uses for these statuses.
func defaultCode(status int) string {
	switch status {
	case http.StatusUnauthorized:
		return "InvalidAuthenticationToken"
	case http.StatusForbidden:
		return "Authorization_RequestDenied"
	case http.StatusTooManyRequests:
		return "TooManyRequests"
	}
	return strings.ReplaceAll(http.StatusText(status), " ", "")
}

func plainMessage(body []byte) string {
	s := strings.TrimSpace(string(body))
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = s[:i]
	}
	if len(s) > maxPlainErrorMessage {
		s = s[:maxPlainErrorMessage] + "…"
	}
	return s
}

// parseRetryAfter accepts both forms HTTP allows: delay-seconds and an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.Atoi(v); err == nil && secs > 0 {
		return time.Duration(secs) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now).Round(time.Second)
	}
	return 0
}

func firstNonEmpty(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
