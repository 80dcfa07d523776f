package graph

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	abs "github.com/microsoft/kiota-abstractions-go"
	khttp "github.com/microsoft/kiota-http-go"
)

// Post sends one POST with a JSON body and returns the raw response body.
// It serves Graph actions that read, such as
// POST /communications/getPresencesByUserId {"ids": [...]}, so it goes
// through the same middleware (retry on 429/503, telemetry) as Get.
func (c *Client) Post(ctx context.Context, r Request, body []byte) ([]byte, error) {
	if err := validatePath(r.Path); err != nil {
		return nil, err
	}
	ctx, cancel := c.callContext(ctx)
	defer cancel()
	rawURL := c.base + r.pathAndQuery()
	display := c.displayURL(rawURL)
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, fmt.Errorf("graph: POST %s: invalid URL: %v", display, err)
	}
	info := abs.NewRequestInformation()
	info.Method = abs.POST
	info.SetUri(*u)
	for key, values := range r.Header {
		for _, v := range values {
			info.Headers.Add(key, v)
		}
	}
	info.Headers.TryAdd("Accept", "application/json")
	info.SetStreamContentAndContentType(body, "application/json")

	var resp rawResponse
	handler := abs.NewRequestHandlerOption()
	handler.SetResponseHandler(func(response any, _ abs.ErrorMappings) (any, error) {
		return nil, c.capture(response, &resp)
	})
	// The SDK's compression middleware would gzip the body; not every Graph
	// endpoint accepts compressed request bodies (the middleware retries
	// on 415 only), and a list of ids gains little from it.
	info.AddRequestOptions([]abs.RequestOption{handler, khttp.NewCompressionOptionsReference(false)})

	start := time.Now()
	_, err = c.adapter.SendPrimitive(ctx, info, "[]byte", nil)
	if c.logger != nil {
		c.logger.Printf("graph: POST %s -> %d (%s)", display, resp.status, time.Since(start).Round(time.Millisecond))
	}
	if err != nil {
		return nil, fmt.Errorf("graph: POST %s: %w", display, err)
	}
	if resp.status < 200 || resp.status > 299 {
		return nil, newError(http.MethodPost, display, resp.status, resp.header, resp.body)
	}
	return resp.body, nil
}

// ListLink returns a pager that starts at an absolute @odata.nextLink-style
// URL, such as a message's replies@odata.nextLink, and follows the
// collection's own next links from there. Links that leave the Graph
// endpoint are refused, as for every next link.
func (c *Client) ListLink(link string, header http.Header) *Pager {
	return &Pager{client: c, request: Request{Header: header}, next: link, started: true}
}
