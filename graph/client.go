// Package graph is the driver's Microsoft Graph client: raw JSON reads of
// single entities and paged collections, sent through msgraph-sdk-go's request
// adapter so that the SDK's middleware (retry with Retry-After, redirects,
// compression, telemetry headers) applies to every request.
//
// Bodies are read raw and collections are decoded with encoding/json into
// json.RawMessage items: the SDK's model deserializer is several times slower
// (see BenchmarkDecodePage) and the planner only needs the JSON.
package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	abs "github.com/microsoft/kiota-abstractions-go"
	khttp "github.com/microsoft/kiota-http-go"
	msgraphsdk "github.com/microsoftgraph/msgraph-sdk-go"
	msgraphcore "github.com/microsoftgraph/msgraph-sdk-go-core"
)

// Options configures a Client.
type Options struct {
	// BaseURL is the Graph service root including the version, without a
	// trailing slash, e.g. "https://graph.microsoft.com/v1.0". Plain http is
	// accepted only for loopback hosts (the emulator).
	BaseURL string

	Credential azcore.TokenCredential
	Scopes     []string // e.g. []string{"https://graph.microsoft.com/.default"}

	// HTTPClient supplies the parent transport (TLS trust, proxy) under the
	// SDK middleware; nil uses kiota's default transport.
	HTTPClient *http.Client

	// Logger, when set, gets one line per request: method, path and query,
	// status and duration. Headers and tokens are never logged.
	Logger *log.Logger

	// MaxRetries bounds the SDK retry handler's retries of 429/503/504
	// responses: 0 keeps the SDK default (3), a negative value disables
	// retries.
	MaxRetries int
	// RetryDelay is the base back-off when Graph sends no Retry-After;
	// 0 keeps the SDK default (3s). The SDK works in whole seconds.
	RetryDelay time.Duration

	// RequestTimeout bounds each call (Get, one page of a listing, Post),
	// retries and token acquisition included; 0 means no bound. A long
	// listing is never cut short as a whole, only a stalled call.
	RequestTimeout time.Duration
}

// Client reads from Microsoft Graph. It is safe for concurrent use.
type Client struct {
	baseURL  *url.URL
	base     string // BaseURL without trailing slash
	adapter  *msgraphsdk.GraphRequestAdapter
	auth     *tokenAuthProvider
	logger   *log.Logger
	counters *counters
	timeout  time.Duration // Options.RequestTimeout
}

// NewClient validates o and builds a client. No request is sent.
func NewClient(o Options) (*Client, error) {
	base, baseURL, err := parseBaseURL(o.BaseURL)
	if err != nil {
		return nil, err
	}
	if o.Credential == nil {
		return nil, errors.New("graph: Options.Credential is nil; build one with auth.NewCredential")
	}
	if len(o.Scopes) == 0 {
		return nil, errors.New(`graph: Options.Scopes is empty; use the cloud's Graph scope, e.g. "https://graph.microsoft.com/.default"`)
	}
	c := &Client{baseURL: baseURL, base: base, logger: o.Logger, counters: &counters{}, timeout: o.RequestTimeout}
	c.auth = newTokenAuthProvider(o.Credential, append([]string(nil), o.Scopes...), baseURL.Host)
	httpClient, err := newPipelineClient(o, c.counters)
	if err != nil {
		return nil, err
	}
	c.adapter, err = msgraphsdk.NewGraphRequestAdapterWithParseNodeFactoryAndSerializationWriterFactoryAndHttpClient(c.auth, nil, nil, httpClient)
	if err != nil {
		return nil, fmt.Errorf("graph: cannot create the Graph request adapter: %w", err)
	}
	c.adapter.SetBaseUrl(base)
	return c, nil
}

func parseBaseURL(raw string) (string, *url.URL, error) {
	base := strings.TrimRight(strings.TrimSpace(raw), "/")
	u, err := url.Parse(base)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		return "", nil, fmt.Errorf("graph: BaseURL %q is not an absolute URL like https://graph.microsoft.com/v1.0", raw)
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !isLoopback(u.Hostname()) {
			return "", nil, fmt.Errorf("graph: BaseURL %q uses plain http; http is allowed only for loopback hosts, use https", raw)
		}
	default:
		return "", nil, fmt.Errorf("graph: BaseURL %q must use https", raw)
	}
	return base, u, nil
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// newPipelineClient layers the Graph SDK's default middleware over the
// caller's transport, the way msgraph-sdk-go-core's GetDefaultClient does,
// but with retry options of our choosing and a counting transport underneath.
func newPipelineClient(o Options, counters *counters) (*http.Client, error) {
	var parent http.RoundTripper
	if o.HTTPClient != nil {
		parent = o.HTTPClient.Transport
	}
	if parent == nil {
		parent = khttp.GetDefaultTransport()
	}
	middlewares, err := graphMiddlewares(o)
	if err != nil {
		return nil, err
	}
	return &http.Client{
		Transport: khttp.NewCustomTransportWithParentTransport(&countingTransport{next: parent, counters: counters}, middlewares...),
		// Redirects are the redirect middleware's job, which knows to drop
		// the Authorization header when the host changes.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}, nil
}

func graphMiddlewares(o Options) ([]khttp.Middleware, error) {
	retry := &khttp.RetryHandlerOptions{
		MaxRetries:   o.MaxRetries,
		DelaySeconds: int(o.RetryDelay / time.Second),
		ShouldRetry: func(time.Duration, int, *http.Request, *http.Response) bool {
			return o.MaxRetries >= 0
		},
	}
	kiotaMiddlewares, err := khttp.GetDefaultMiddlewaresWithOptions(retry)
	if err != nil {
		return nil, fmt.Errorf("graph: cannot configure the SDK middleware: %w", err)
	}
	clientOptions := msgraphsdk.GetDefaultClientOptions()
	return append([]khttp.Middleware{
		msgraphcore.NewGraphTelemetryHandler(&clientOptions),
		khttp.NewUrlReplaceHandler(true, msgraphcore.ReplacementPairs),
	}, kiotaMiddlewares...), nil
}

// Stats returns the traffic counters since the client was created.
func (c *Client) Stats() Stats { return c.counters.snapshot() }

// Get sends one GET and returns the raw response body (a single entity).
func (c *Client) Get(ctx context.Context, r Request) ([]byte, error) {
	if err := validatePath(r.Path); err != nil {
		return nil, err
	}
	return c.get(ctx, c.base+r.pathAndQuery(), r.Header)
}

func validatePath(p string) error {
	if !strings.HasPrefix(p, "/") {
		return fmt.Errorf("graph: request path %q must start with \"/\" (build it with graph.Path)", p)
	}
	return nil
}

// rawResponse is what the response handler captures from the SDK pipeline.
type rawResponse struct {
	status int
	header http.Header
	body   []byte
	token  string // the bearer token the request carried, to drop it on 401
}

// get sends a GET for an absolute URL through the SDK request adapter and
// returns the body of a 2xx response; anything else becomes an *Error.
//
// A 401 InvalidAuthenticationToken (a token revoked or expired early) drops
// the token that was sent and retries once with a fresh one; a second 401
// is returned as it is, so a refused credential never loops.
func (c *Client) get(ctx context.Context, rawURL string, header http.Header) ([]byte, error) {
	ctx, cancel := c.callContext(ctx)
	defer cancel()
	display := c.displayURL(rawURL)
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("graph: GET %s: invalid URL: %v", display, err)
	}
	resp, err := c.send(ctx, u, header, display)
	if err == nil && resp.status == http.StatusUnauthorized && isInvalidTokenResponse(resp.body) {
		c.auth.invalidate(resp.token)
		resp, err = c.send(ctx, u, header, display)
	}
	if err != nil {
		return nil, fmt.Errorf("graph: GET %s: %w", display, err)
	}
	if resp.status < 200 || resp.status > 299 {
		return nil, newError(http.MethodGet, display, resp.status, resp.header, resp.body)
	}
	return resp.body, nil
}

// isInvalidTokenResponse reports whether a 401 body is Graph's
// InvalidAuthenticationToken, the answer a fresh token can fix.
func isInvalidTokenResponse(body []byte) bool {
	var e struct {
		Error struct {
			Code string `json:"code"`
		} `json:"error"`
	}
	return json.Unmarshal(body, &e) == nil && e.Error.Code == "InvalidAuthenticationToken"
}

// send makes one request through the SDK pipeline.
func (c *Client) send(ctx context.Context, u *url.URL, header http.Header, display string) (rawResponse, error) {
	info := abs.NewRequestInformation()
	info.Method = abs.GET
	info.SetUri(*u)
	for key, values := range header {
		for _, v := range values {
			info.Headers.Add(key, v)
		}
	}
	info.Headers.TryAdd("Accept", "application/json")

	var resp rawResponse
	handler := abs.NewRequestHandlerOption()
	handler.SetResponseHandler(func(response any, _ abs.ErrorMappings) (any, error) {
		return nil, c.capture(response, &resp)
	})
	info.AddRequestOptions([]abs.RequestOption{handler})

	start := time.Now()
	_, err := c.adapter.SendPrimitive(ctx, info, "[]byte", nil)
	c.logRequest(display, resp.status, time.Since(start), err)
	return resp, err
}

// capture reads the whole response, success or failure, so that errors are
// decoded by us (Graph's error JSON, or whatever a proxy sent) rather than by
// the SDK's error models.
func (c *Client) capture(response any, into *rawResponse) error {
	httpResp, ok := response.(*http.Response)
	if !ok || httpResp == nil {
		return errors.New("no HTTP response")
	}
	defer httpResp.Body.Close()
	body, err := io.ReadAll(httpResp.Body)
	c.counters.bytes.Add(int64(len(body)))
	if err != nil {
		return fmt.Errorf("reading the response body: %w", err)
	}
	*into = rawResponse{status: httpResp.StatusCode, header: httpResp.Header, body: body}
	if httpResp.Request != nil {
		into.token = strings.TrimPrefix(httpResp.Request.Header.Get("Authorization"), "Bearer ")
	}
	return nil
}

func (c *Client) logRequest(display string, status int, elapsed time.Duration, err error) {
	if c.logger == nil {
		return
	}
	if err != nil && status == 0 {
		c.logger.Printf("graph: GET %s failed after %s: %v", display, elapsed.Round(time.Millisecond), err)
		return
	}
	c.logger.Printf("graph: GET %s -> %d (%s)", display, status, elapsed.Round(time.Millisecond))
}

// displayURL shortens an absolute URL to path and query relative to the base
// URL, as errors and logs show it.
func (c *Client) displayURL(rawURL string) string {
	if rest, ok := strings.CutPrefix(rawURL, c.base); ok && (rest == "" || rest[0] == '/' || rest[0] == '?') {
		return rest
	}
	if u, err := url.Parse(rawURL); err == nil {
		return u.RequestURI()
	}
	return "(invalid URL)"
}

// callContext applies RequestTimeout to one call.
func (c *Client) callContext(ctx context.Context) (context.Context, context.CancelFunc) {
	if c.timeout > 0 {
		return context.WithTimeout(ctx, c.timeout)
	}
	return context.WithCancel(ctx)
}
