package planner

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"

	"github.com/teamsql/msteams/graph"
	"github.com/teamsql/msteams/schema"
)

// Explain describes the plan: the Graph requests it makes and the work the
// driver does on their rows, one step a line, in the order rows flow.
func (p *Plan) Explain() []string {
	var lines []string
	for i, sq := range p.subqueries {
		lines = append(lines, fmt.Sprintf("subquery %d, run once first:", i+1))
		for _, l := range sq.plan.Explain() {
			lines = append(lines, "  "+l)
		}
	}
	lines = append(lines, p.source.explain("")...)
	if p.where != nil {
		lines = append(lines, "driver: filter rows with the WHERE clause")
	}
	if p.agg != nil {
		lines = append(lines, fmt.Sprintf("driver: group rows (%d key(s), %d aggregate(s))", len(p.agg.keys), len(p.agg.specs)))
	}
	if p.having != nil {
		lines = append(lines, "driver: filter groups with HAVING")
	}
	if len(p.order) > 0 {
		lines = append(lines, "driver: sort rows (ORDER BY)")
	}
	if p.distinct {
		lines = append(lines, "driver: remove duplicate rows (DISTINCT)")
	}
	if p.limit >= 0 || p.offset > 0 {
		lines = append(lines, fmt.Sprintf("driver: skip %d, return at most %s rows", p.offset, limitText(p.limit)))
	}
	return lines
}

func limitText(n int64) string {
	if n < 0 {
		return "all"
	}
	return fmt.Sprint(n)
}

func (scan *tableScan) explain(indent string) []string {
	var lines []string
	if scan.parent != nil {
		lines = append(lines, indent+fmt.Sprintf("for each %s row (%s):", scan.table.Parent.Table, joinNames(scan.parentKeys)))
		for _, l := range scan.parent.Explain() {
			lines = append(lines, indent+"  "+l)
		}
		keys := map[string]driver.Value{}
		for _, k := range scan.parentKeys {
			keys[k] = "{" + k + "}"
		}
		return append(lines, indent+"  "+readable(scan.graphRequest(keys)))
	}
	if b := scan.table.Batch; b != nil {
		n := len(dedupe(scan.bound[b.KeyColumn]))
		calls := (n + b.MaxKeys - 1) / b.MaxKeys
		return append(lines, indent+fmt.Sprintf("%s (%d %s value(s) in the body, %d call(s) of up to %d)", readable(scan.graphRequest(nil)), n, b.KeyColumn, calls, b.MaxKeys))
	}
	product := newProductIter(scan.bound)
	for {
		keys, err := product.next(context.Background())
		if err != nil {
			break
		}
		lines = append(lines, indent+readable(scan.graphRequest(keys)))
	}
	return lines
}

func joinNames(names []string) string {
	out := ""
	for i, n := range names {
		if i > 0 {
			out += ", "
		}
		out += n
	}
	return out
}

// readable shows a request as a person would write it: unescaped, with
// {Key} placeholders where a fan-out or join fills in values.
func readable(r graph.Request) string {
	s := r.String()
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}

// explainPlan wraps a plan so that running it yields its EXPLAIN lines
// (after running it, for EXPLAIN ANALYZE) as a one-column result.
func explainPlan(inner *Plan, analyze bool) *Plan {
	out := Output{Name: "plan", Type: schema.String}
	out.e = columnExpr(0, schema.String)
	return &Plan{Columns: []Output{out}, source: &explainSource{inner: inner, analyze: analyze}, limit: -1}
}

type explainSource struct {
	inner   *Plan
	analyze bool
}

func (es *explainSource) explain(indent string) []string { return es.inner.Explain() }

func (es *explainSource) open(f Fetcher) rowIter {
	return &materialized{load: func(ctx context.Context) ([][]driver.Value, error) {
		lines := es.inner.Explain()
		if es.analyze {
			stats, err := analyze(ctx, es.inner, f)
			if err != nil {
				return nil, err
			}
			lines = append(lines, stats...)
		}
		rows := make([][]driver.Value, len(lines))
		for i, l := range lines {
			rows[i] = []driver.Value{l}
		}
		return rows, nil
	}}
}

// analyze runs the plan to the end, counting what it cost.
func analyze(ctx context.Context, p *Plan, f Fetcher) ([]string, error) {
	counter := &countingFetcher{inner: f}
	var before graph.Stats
	statsOf, hasStats := f.(interface{ Stats() graph.Stats })
	if hasStats {
		before = statsOf.Stats()
	}
	start := time.Now()
	cur := p.Run(counter)
	row := make([]driver.Value, len(p.Columns))
	rows := 0
	for {
		err := cur.Next(ctx, row)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, err
		}
		rows++
	}
	elapsed := time.Since(start)
	lines := []string{
		"analyze: rows returned: " + fmt.Sprint(rows),
		fmt.Sprintf("analyze: Graph requests: %d (%d pages)", counter.requests.Load(), counter.pages.Load()),
	}
	if hasStats {
		after := statsOf.Stats()
		lines = append(lines, fmt.Sprintf("analyze: HTTP requests incl. retries: %d, throttled responses: %d (Retry-After %s), bytes: %d",
			after.Requests-before.Requests, after.Throttled-before.Throttled, after.ThrottleWait-before.ThrottleWait, after.Bytes-before.Bytes))
	}
	return append(lines, "analyze: time: "+elapsed.Round(time.Microsecond).String()), nil
}

// countingFetcher counts the Graph calls and pages of one query.
type countingFetcher struct {
	inner    Fetcher
	requests atomic.Int64
	pages    atomic.Int64
}

func (c *countingFetcher) Get(ctx context.Context, r graph.Request) ([]byte, error) {
	c.requests.Add(1)
	c.pages.Add(1)
	return c.inner.Get(ctx, r)
}

func (c *countingFetcher) List(r graph.Request) Pager {
	return &countingPager{inner: c.inner.List(r), c: c}
}

type countingPager struct {
	inner Pager
	c     *countingFetcher
}

func (p *countingPager) Next(ctx context.Context) (*graph.Page, error) {
	page, err := p.inner.Next(ctx)
	if err == nil {
		p.c.requests.Add(1)
		p.c.pages.Add(1)
	}
	return page, err
}

// Post and ListLink pass through (and count) the optional capabilities of
// the wrapped fetcher, so EXPLAIN ANALYZE runs every plan the query runs.
func (c *countingFetcher) Post(ctx context.Context, r graph.Request, body []byte) ([]byte, error) {
	poster, ok := c.inner.(Poster)
	if !ok {
		return nil, fmt.Errorf("this connection cannot send POST reads")
	}
	c.requests.Add(1)
	c.pages.Add(1)
	return poster.Post(ctx, r, body)
}

func (c *countingFetcher) ListLink(link string, header http.Header) Pager {
	lister, ok := c.inner.(LinkLister)
	if !ok {
		return &failingPager{err: fmt.Errorf("this connection cannot follow next links")}
	}
	return &countingPager{inner: lister.ListLink(link, header), c: c}
}

type failingPager struct{ err error }

func (p *failingPager) Next(context.Context) (*graph.Page, error) { return nil, p.err }

// Stats reports the client's HTTP counters, for EXPLAIN ANALYZE.
func (f ClientFetcher) Stats() graph.Stats { return f.Client.Stats() }
