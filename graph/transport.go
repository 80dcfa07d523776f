package graph

import (
	"net/http"
	"sync/atomic"
	"time"
)

// Stats counts the client's traffic since it was created.
type Stats struct {
	Requests  int64 // HTTP attempts, including the retry middleware's retries
	Pages     int64 // collection pages returned by Pager.Next
	Throttled int64 // 429 and 503 responses seen, even when a retry then succeeded
	Bytes     int64 // response body bytes read
	// ThrottleWait adds up the Retry-After of throttled responses: the time
	// the retry middleware was told to wait before trying again.
	ThrottleWait time.Duration
}

type counters struct {
	requests, pages, throttled, bytes, throttleWait atomic.Int64
}

func (c *counters) snapshot() Stats {
	return Stats{
		Requests:  c.requests.Load(),
		Pages:     c.pages.Load(),
		Throttled: c.throttled.Load(),
		Bytes:     c.bytes.Load(),

		ThrottleWait: time.Duration(c.throttleWait.Load()),
	}
}

// countingTransport sits below the SDK middleware, so it sees every attempt
// the retry handler makes, not just the final response.
type countingTransport struct {
	next     http.RoundTripper
	counters *counters
}

func (t *countingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	t.counters.requests.Add(1)
	resp, err := t.next.RoundTrip(req)
	if err == nil && (resp.StatusCode == http.StatusTooManyRequests || resp.StatusCode == http.StatusServiceUnavailable) {
		t.counters.throttled.Add(1)
		t.counters.throttleWait.Add(int64(parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())))
	}
	return resp, err
}
