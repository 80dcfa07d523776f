package graph

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	abs "github.com/microsoft/kiota-abstractions-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGetReturnsRawBodyWithBearerToken(t *testing.T) {
	client, mux, cred := setup(t)
	mux.HandleFunc("/teams/{id}", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "Bearer "+testToken, r.Header.Get("Authorization"))
		assert.Equal(t, "eventual", r.Header.Get("ConsistencyLevel"))
		assert.NotEmpty(t, r.Header.Get("SdkVersion"), "requests must go through the Graph SDK middleware")
		assert.NotEmpty(t, r.Header.Get("client-request-id"))
		assert.Equal(t, "t1", r.PathValue("id"))
		assert.Equal(t, "$select=id,displayName", r.URL.RawQuery)
		writeJSON(w, http.StatusOK, `{"id":"t1","displayName":"Contoso"}`)
	})

	body, err := client.Get(context.Background(), Request{
		Path:   Path("teams", "t1"),
		Query:  Query{Select: []string{"id", "displayName"}},
		Header: http.Header{"ConsistencyLevel": {"eventual"}},
	})
	require.NoError(t, err)
	assert.JSONEq(t, `{"id":"t1","displayName":"Contoso"}`, string(body))
	assert.Equal(t, []string{"https://graph.microsoft.com/.default"}, cred.scopes)

	stats := client.Stats()
	assert.Equal(t, int64(1), stats.Requests)
	assert.Equal(t, int64(len(`{"id":"t1","displayName":"Contoso"}`)), stats.Bytes)
}

func TestTokenIsCachedAcrossRequests(t *testing.T) {
	client, mux, cred := setup(t)
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"id":"u1"}`)
	})
	for range 3 {
		_, err := client.Get(context.Background(), Request{Path: "/me"})
		require.NoError(t, err)
	}
	assert.Equal(t, int32(1), cred.calls.Load())
}

func TestEscapedPathSegmentsReachServerIntact(t *testing.T) {
	client, mux, _ := setup(t)
	mux.HandleFunc("/users/{id}", func(w http.ResponseWriter, r *http.Request) {
		assert.Equal(t, "a/b?c", r.PathValue("id"))
		writeJSON(w, http.StatusOK, `{"id":"x"}`)
	})
	_, err := client.Get(context.Background(), Request{Path: Path("users", "a/b?c")})
	require.NoError(t, err)
}

// queryLog records raw query strings; handlers run on server goroutines.
type queryLog struct {
	mu      sync.Mutex
	queries []string
}

func (l *queryLog) add(q string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.queries = append(l.queries, q)
}

func (l *queryLog) all() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.queries...)
}

// threePages serves /users as three pages linked by nextLinks whose query
// strings are deliberately unusual, to prove they are followed verbatim.
func threePages(t *testing.T, mux *http.ServeMux, base string, hits *atomic.Int32, seen *queryLog) {
	mux.HandleFunc("/users", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		seen.add(r.URL.RawQuery)
		switch r.URL.Query().Get("$skiptoken") {
		case "":
			writeJSON(w, http.StatusOK, fmt.Sprintf(`{"@odata.count":5,"value":[{"id":"1"},{"id":"2"}],"@odata.nextLink":"%s/users?$select=id&$skiptoken=RFNwdAIAAQAAAD8%%3d%%3d%%2Bx"}`, base))
		case "RFNwdAIAAQAAAD8==+x":
			writeJSON(w, http.StatusOK, fmt.Sprintf(`{"value":[{"id":"3"},{"id":"4"}],"@odata.nextLink":"%s/users?$select=id&$skiptoken=page3"}`, base))
		case "page3":
			writeJSON(w, http.StatusOK, `{"value":[{"id":"5"}]}`)
		default:
			t.Errorf("unexpected skiptoken %q", r.URL.Query().Get("$skiptoken"))
			writeJSON(w, http.StatusBadRequest, `{"error":{"code":"BadRequest","message":"bad token"}}`)
		}
	})
}

func TestPagerFollowsNextLinkVerbatimAcrossThreePages(t *testing.T) {
	client, mux, _ := setup(t)
	var hits atomic.Int32
	var seen queryLog
	threePages(t, mux, client.base, &hits, &seen)

	pager := client.List(Request{Path: "/users", Query: Query{Select: []string{"id"}, Count: true}, Header: http.Header{"ConsistencyLevel": {"eventual"}}})
	var ids []string
	var pages int
	for {
		page, err := pager.Next(context.Background())
		if err == io.EOF {
			break
		}
		require.NoError(t, err)
		pages++
		if pages == 1 {
			require.NotNil(t, page.Count)
			assert.Equal(t, int64(5), *page.Count)
		}
		for _, item := range page.Items {
			ids = append(ids, strings.Trim(strings.TrimPrefix(string(item), `{"id":`), `"}`))
		}
	}
	assert.Equal(t, []string{"1", "2", "3", "4", "5"}, ids)
	assert.Equal(t, 3, pages)
	assert.Equal(t, []string{
		"$select=id&$count=true",
		"$select=id&$skiptoken=RFNwdAIAAQAAAD8%3d%3d%2Bx", // lower-case escapes kept as Graph sent them
		"$select=id&$skiptoken=page3",
	}, seen.all())

	_, err := pager.Next(context.Background())
	assert.Equal(t, io.EOF, err, "Next keeps returning io.EOF after the last page")
	assert.Equal(t, int32(3), hits.Load())
	assert.Equal(t, int64(3), client.Stats().Pages)
}

func TestPagerFetchesOnlyWhenAsked(t *testing.T) {
	client, mux, _ := setup(t)
	var hits atomic.Int32
	var seen queryLog
	threePages(t, mux, client.base, &hits, &seen)

	pager := client.List(Request{Path: "/users", Query: Query{Select: []string{"id"}}})
	assert.Equal(t, int32(0), hits.Load(), "List must not send anything")

	page, err := pager.Next(context.Background())
	require.NoError(t, err)
	assert.NotEmpty(t, page.NextLink)
	assert.Equal(t, int32(1), hits.Load(), "the second page must not be prefetched")

	_, err = pager.Next(context.Background())
	require.NoError(t, err)
	assert.Equal(t, int32(2), hits.Load())
}

func TestPagerAll(t *testing.T) {
	client, mux, _ := setup(t)
	var hits atomic.Int32
	var seen queryLog
	threePages(t, mux, client.base, &hits, &seen)
	items, err := client.List(Request{Path: "/users"}).All(context.Background())
	require.NoError(t, err)
	assert.Len(t, items, 5)
}

func TestPagerRefusesNextLinkToAnotherHost(t *testing.T) {
	client, mux, _ := setup(t)
	mux.HandleFunc("/users", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"value":[{"id":"1"}],"@odata.nextLink":"https://evil.example/v1.0/users?$skiptoken=x"}`)
	})
	pager := client.List(Request{Path: "/users"})
	_, err := pager.Next(context.Background())
	require.NoError(t, err)
	_, err = pager.Next(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "refusing to follow @odata.nextLink")
	assert.Equal(t, int64(1), client.Stats().Requests)
}

func TestPagerRejectsNonCollection(t *testing.T) {
	client, mux, _ := setup(t)
	mux.HandleFunc("/users", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `[1,2,3]`)
	})
	_, err := client.List(Request{Path: "/users"}).Next(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), "not a Graph collection")
}

func TestRelativePathIsRejected(t *testing.T) {
	client, _, _ := setup(t)
	_, err := client.Get(context.Background(), Request{Path: "users"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "must start with")
	_, err = client.List(Request{Path: "users"}).Next(context.Background())
	require.Error(t, err)
}

func TestErrorMapping(t *testing.T) {
	tests := []struct {
		status   int
		body     string
		header   map[string]string
		sentinel error
		code     string
		message  string
	}{
		{400, `{"error":{"code":"BadRequest","message":"Invalid filter clause","innerError":{"date":"2024-05-01T10:00:00","request-id":"req-400","client-request-id":"c-400"}}}`,
			nil, ErrBadRequest, "BadRequest", "Invalid filter clause"},
		{401, `{"error":{"code":"InvalidAuthenticationToken","message":"Access token has expired or is not yet valid.","innerError":{"request-id":"req-401"}}}`,
			nil, ErrUnauthorized, "InvalidAuthenticationToken", "Access token has expired"},
		{401, ``, map[string]string{"request-id": "req-401h"}, ErrUnauthorized, "InvalidAuthenticationToken", ""},
		{403, `{"error":{"code":"Forbidden","message":"Missing role permissions on the request.","innerError":{"request-id":"req-403"}}}`,
			nil, ErrForbidden, "Forbidden", "Missing role permissions"},
		{404, `{"error":{"code":"NotFound","message":"No team found with Group Id x","innerError":{"request-id":"1234"}}}`,
			nil, ErrNotFound, "NotFound", "No team found with Group Id x"},
		{429, `{"error":{"code":"TooManyRequests","message":"Too many requests","innerError":{"request-id":"req-429"}}}`,
			map[string]string{"Retry-After": "7"}, ErrThrottled, "TooManyRequests", "Too many requests"},
		{502, "<html><body>Bad gateway</body></html>", nil, nil, "BadGateway", "<html>"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.status, tt.code), func(t *testing.T) {
			client, mux, _ := setup(t)
			mux.HandleFunc("/teams/x", func(w http.ResponseWriter, r *http.Request) {
				for k, v := range tt.header {
					w.Header().Set(k, v)
				}
				writeJSON(w, tt.status, tt.body)
			})
			_, err := client.Get(context.Background(), Request{Path: "/teams/x", Query: Query{Top: 1}})
			require.Error(t, err)

			var gerr *Error
			require.True(t, errors.As(err, &gerr), "want *graph.Error, got %T: %v", err, err)
			assert.Equal(t, tt.status, gerr.StatusCode)
			assert.Equal(t, tt.code, gerr.Code)
			assert.Contains(t, gerr.Message, tt.message)
			assert.Equal(t, "GET", gerr.Method)
			assert.Equal(t, "/teams/x?$top=1", gerr.URL)
			if tt.sentinel != nil {
				assert.ErrorIs(t, err, tt.sentinel)
			}
			for _, other := range []error{ErrBadRequest, ErrUnauthorized, ErrForbidden, ErrNotFound, ErrThrottled} {
				if other != tt.sentinel {
					assert.NotErrorIs(t, err, other)
				}
			}
			assert.NotContains(t, err.Error(), testToken)
			assert.NotContains(t, err.Error(), "Bearer")
		})
	}
}

func TestErrorDetails(t *testing.T) {
	client, mux, _ := setup(t)
	mux.HandleFunc("/teams/x", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7")
		writeJSON(w, http.StatusNotFound, `{"error":{"code":"NotFound","message":"No team found with Group Id x","innerError":{"date":"2024-05-01T10:00:00","request-id":"1234","client-request-id":"abcd"}}}`)
	})
	_, err := client.Get(context.Background(), Request{Path: "/teams/x"})
	var gerr *Error
	require.True(t, errors.As(err, &gerr))
	assert.Equal(t, "1234", gerr.RequestID)
	assert.Equal(t, "abcd", gerr.ClientRequestID)
	assert.Equal(t, "2024-05-01T10:00:00", gerr.Date)
	assert.Equal(t, 7*time.Second, gerr.RetryAfter)
	assert.Equal(t, "graph: GET /teams/x: 404 NotFound: No team found with Group Id x (request-id 1234) (retry after 7s)", gerr.Error())
}

func TestRetryAfterHTTPDate(t *testing.T) {
	now := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	assert.Equal(t, 30*time.Second, parseRetryAfter(now.Add(30*time.Second).Format(http.TimeFormat), now))
	assert.Equal(t, time.Duration(0), parseRetryAfter("soon", now))
	assert.Equal(t, time.Duration(0), parseRetryAfter("", now))
}

func TestThrottledRequestIsRetriedBySDKMiddleware(t *testing.T) {
	client, mux, _ := setup(t, func(o *Options) { o.MaxRetries = 2 })
	var hits atomic.Int32
	mux.HandleFunc("/users", func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) == 1 {
			w.Header().Set("Retry-After", "1") // the SDK waits in whole seconds
			writeJSON(w, http.StatusTooManyRequests, `{"error":{"code":"TooManyRequests","message":"slow down"}}`)
			return
		}
		assert.Equal(t, "1", r.Header.Get("Retry-Attempt"))
		writeJSON(w, http.StatusOK, `{"value":[{"id":"1"}]}`)
	})
	page, err := client.List(Request{Path: "/users"}).Next(context.Background())
	require.NoError(t, err)
	assert.Len(t, page.Items, 1)
	stats := client.Stats()
	assert.Equal(t, int64(2), stats.Requests)
	assert.Equal(t, int64(1), stats.Throttled)
	assert.Equal(t, time.Second, stats.ThrottleWait)
	assert.Equal(t, int64(1), stats.Pages)
}

func TestThrottlingSurfacesWhenRetriesRunOut(t *testing.T) {
	client, mux, _ := setup(t, func(o *Options) { o.MaxRetries = 1 })
	var hits atomic.Int32
	mux.HandleFunc("/users", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Retry-After", "0")
		writeJSON(w, http.StatusTooManyRequests, `{"error":{"code":"TooManyRequests","message":"slow down"}}`)
	})
	_, err := client.List(Request{Path: "/users"}).Next(context.Background())
	assert.ErrorIs(t, err, ErrThrottled)
	assert.Equal(t, int32(2), hits.Load(), "one attempt plus one retry")
	assert.Equal(t, int64(2), client.Stats().Throttled)
}

func TestCancellationStopsRequest(t *testing.T) {
	client, mux, _ := setup(t)
	release := make(chan struct{})
	defer close(release)
	arrived := make(chan struct{})
	mux.HandleFunc("/users", func(w http.ResponseWriter, r *http.Request) {
		close(arrived)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		<-arrived
		cancel()
	}()
	_, err := client.List(Request{Path: "/users"}).Next(ctx)
	require.Error(t, err)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestCancellationDuringRetryWait(t *testing.T) {
	client, mux, _ := setup(t, func(o *Options) { o.MaxRetries = 3 })
	ctx, cancel := context.WithCancel(context.Background())
	mux.HandleFunc("/users", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "3600")
		writeJSON(w, http.StatusTooManyRequests, `{"error":{"code":"TooManyRequests","message":"slow down"}}`)
		cancel() // the client is now waiting an hour to retry
	})
	_, err := client.Get(ctx, Request{Path: "/users"})
	assert.ErrorIs(t, err, context.Canceled)
}

func TestCredentialErrorIsReturned(t *testing.T) {
	client, mux, cred := setup(t)
	cred.err = errors.New("auth: OAuthAccessToken expired")
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		t.Error("no request may be sent without a token")
	})
	_, err := client.Get(context.Background(), Request{Path: "/me"})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "OAuthAccessToken expired")
	assert.Contains(t, err.Error(), "GET /me")
}

func TestLoggerNeverLogsToken(t *testing.T) {
	var buf bytes.Buffer
	client, mux, _ := setup(t, func(o *Options) { o.Logger = log.New(&buf, "", 0) })
	mux.HandleFunc("/me", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, `{"id":"u1"}`)
	})
	_, err := client.Get(context.Background(), Request{Path: "/me", Query: Query{Select: []string{"id"}}})
	require.NoError(t, err)
	assert.Contains(t, buf.String(), "GET /me?$select=id -> 200")
	assert.NotContains(t, buf.String(), testToken)
}

func TestNewClientValidation(t *testing.T) {
	cred := &fakeCredential{}
	scopes := []string{"https://graph.microsoft.com/.default"}
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"no base", Options{Credential: cred, Scopes: scopes}, "BaseURL"},
		{"relative base", Options{BaseURL: "/v1.0", Credential: cred, Scopes: scopes}, "absolute URL"},
		{"plain http remote", Options{BaseURL: "http://graph.microsoft.com/v1.0", Credential: cred, Scopes: scopes}, "loopback"},
		{"ftp", Options{BaseURL: "ftp://graph.microsoft.com/v1.0", Credential: cred, Scopes: scopes}, "https"},
		{"no credential", Options{BaseURL: "https://graph.microsoft.com/v1.0", Scopes: scopes}, "Credential"},
		{"no scopes", Options{BaseURL: "https://graph.microsoft.com/v1.0", Credential: cred}, "Scopes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewClient(tt.o)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
		})
	}
	for _, ok := range []string{"https://graph.microsoft.com/v1.0/", "http://127.0.0.1:1/v1.0", "http://localhost:1/v1.0", "http://[::1]:1/v1.0"} {
		_, err := NewClient(Options{BaseURL: ok, Credential: cred, Scopes: scopes})
		assert.NoError(t, err, ok)
	}
}

func TestTokenNotSentToOtherHosts(t *testing.T) {
	cred := &fakeCredential{}
	p := newTokenAuthProvider(cred, []string{"s"}, "graph.microsoft.com")

	other := abs.NewRequestInformation()
	other.SetUri(url.URL{Scheme: "https", Host: "evil.example", Path: "/v1.0/users"})
	require.NoError(t, p.AuthenticateRequest(context.Background(), other, nil))
	assert.Empty(t, other.Headers.Get("Authorization"))
	assert.Equal(t, int32(0), cred.calls.Load())

	graph := abs.NewRequestInformation()
	graph.SetUri(url.URL{Scheme: "https", Host: "graph.microsoft.com", Path: "/v1.0/users"})
	require.NoError(t, p.AuthenticateRequest(context.Background(), graph, nil))
	assert.Equal(t, []string{"Bearer " + testToken}, graph.Headers.Get("Authorization"))

	// A CAE claims challenge must bypass the cache and replace, not add, the header.
	require.NoError(t, p.AuthenticateRequest(context.Background(), graph, map[string]any{"claims": "c"}))
	assert.Equal(t, []string{"Bearer " + testToken}, graph.Headers.Get("Authorization"))
	assert.Equal(t, int32(2), cred.calls.Load())
}
