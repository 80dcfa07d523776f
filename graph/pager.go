package graph

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"

	"github.com/teamsql/msteams/internal/rawjson"
)

// Page is one page of a Graph collection.
type Page struct {
	Items    []json.RawMessage // the "value" array, one raw JSON object per item
	NextLink string            // @odata.nextLink; "" on the last page
	Count    *int64            // @odata.count when $count=true was asked
}

// Pager walks a collection page by page. It fetches only when Next is called,
// so a consumer that stops early (LIMIT) costs no extra requests. A Pager is
// not safe for concurrent use.
type Pager struct {
	client  *Client
	request Request
	next    string // absolute URL of the next page; "" before the first
	started bool
	done    bool
}

// List returns a pager over the collection r names. Nothing is sent until
// the first call to Next.
func (c *Client) List(r Request) *Pager {
	return &Pager{client: c, request: r}
}

// Next fetches the next page. It returns io.EOF once the last page has been
// returned. @odata.nextLink is followed verbatim (it already carries the
// query options and the skip token), with the request's headers repeated.
func (p *Pager) Next(ctx context.Context) (*Page, error) {
	if p.done {
		return nil, io.EOF
	}
	target, err := p.nextURL()
	if err != nil {
		p.done = true
		return nil, err
	}
	body, err := p.client.get(ctx, target, p.request.Header)
	if err != nil {
		return nil, err // not done: the caller may retry the same page
	}
	page, err := decodePage(body)
	if err != nil {
		p.done = true
		return nil, fmt.Errorf("graph: GET %s: %w", p.client.displayURL(target), err)
	}
	p.client.counters.pages.Add(1)
	p.started = true
	p.next = page.NextLink
	if page.NextLink == "" {
		p.done = true
	}
	return page, nil
}

func (p *Pager) nextURL() (string, error) {
	if !p.started {
		if err := validatePath(p.request.Path); err != nil {
			return "", err
		}
		return p.client.base + p.request.pathAndQuery(), nil
	}
	return p.next, p.client.checkNextLink(p.next)
}

// checkNextLink refuses a nextLink that leaves the Graph endpoint: following
// it would send the bearer token's requests (and trust) elsewhere.
func (c *Client) checkNextLink(link string) error {
	u, err := url.Parse(link)
	if err != nil {
		return fmt.Errorf("graph: @odata.nextLink %q is not a valid URL: %v", link, err)
	}
	if !strings.EqualFold(u.Scheme, c.baseURL.Scheme) || !strings.EqualFold(u.Host, c.baseURL.Host) {
		return fmt.Errorf("graph: refusing to follow @odata.nextLink to %s://%s: it is not the Graph endpoint %s://%s",
			u.Scheme, u.Host, c.baseURL.Scheme, c.baseURL.Host)
	}
	return nil
}

// rawPage is the envelope of a Graph collection response.
type rawPage struct {
	Value    []json.RawMessage `json:"value"`
	NextLink string            `json:"@odata.nextLink"`
	Count    *int64            `json:"@odata.count"`
}

// decodePage decodes a collection response, leaving items as raw JSON.
func decodePage(body []byte) (*Page, error) {
	if len(bytes.TrimSpace(body)) == 0 {
		return &Page{}, nil
	}
	if page, ok := splitPage(body); ok {
		return page, nil
	}
	var raw rawPage
	if err := json.Unmarshal(body, &raw); err != nil {
		return nil, fmt.Errorf("response is not a Graph collection (JSON with a \"value\" array): %v", err)
	}
	return &Page{Items: raw.Value, NextLink: raw.NextLink, Count: raw.Count}, nil
}

// All drains a pager into one slice. Convenient for small collections and
// tests; the planner should stream with Next instead.
func (p *Pager) All(ctx context.Context) ([]json.RawMessage, error) {
	var items []json.RawMessage
	for {
		page, err := p.Next(ctx)
		if err == io.EOF {
			return items, nil
		}
		if err != nil {
			return items, err
		}
		items = append(items, page.Items...)
	}
}

// splitPage reads a page without copying its items (see package rawjson);
// anything unexpected falls back to encoding/json for its error.
func splitPage(body []byte) (*Page, bool) {
	members, ok := rawjson.SplitObject(body)
	if !ok {
		return nil, false
	}
	page := &Page{}
	if v, present := members["value"]; present {
		if page.Items, ok = rawjson.SplitArray(v); !ok {
			return nil, false
		}
	}
	if v, present := members["@odata.nextLink"]; present && json.Unmarshal(v, &page.NextLink) != nil {
		return nil, false
	}
	if v, present := members["@odata.count"]; present && json.Unmarshal(v, &page.Count) != nil {
		return nil, false
	}
	return page, true
}
