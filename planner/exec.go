package planner

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"sort"

	"github.com/teamsql/msteams/graph"
	"github.com/teamsql/msteams/schema"
)

// Fetcher sends Graph requests; *graph.Client satisfies it through
// ClientFetcher.
type Fetcher interface {
	Get(ctx context.Context, r graph.Request) ([]byte, error)
	List(r graph.Request) Pager
}

// Pager yields a collection page by page, io.EOF after the last.
type Pager interface {
	Next(ctx context.Context) (*graph.Page, error)
}

// ClientFetcher adapts a *graph.Client to Fetcher.
type ClientFetcher struct{ Client *graph.Client }

func (f ClientFetcher) Get(ctx context.Context, r graph.Request) ([]byte, error) {
	return f.Client.Get(ctx, r)
}

func (f ClientFetcher) List(r graph.Request) Pager { return f.Client.List(r) }

// tableScan reads one table from Graph.
type tableScan struct {
	table       *schema.Table
	get         bool                      // one GET per key combination instead of a listing
	bound       map[string][]driver.Value // key column -> values the query bound
	parent      *Plan                     // enumerates the remaining path keys, nil when all are bound
	parentKeys  []string                  // key columns filled from the parent's output columns, in order
	query       graph.Query
	header      http.Header
	needed      []int // row positions the query reads, decoded from each item
	limitPushed bool
}

// Cursor streams a plan's result rows.
type Cursor struct {
	plan *Plan
	src  rowIter
}

type rowIter interface {
	next(ctx context.Context) ([]driver.Value, error) // io.EOF at the end
}

// Run starts the query. Nothing is fetched until the first Next, except
// that a plan which must sort reads everything on the first Next.
func (p *Plan) Run(f Fetcher) *Cursor {
	var it rowIter = newScanIter(p.scan, f)
	if p.where != nil {
		it = &filterIter{src: it, cond: p.where}
	}
	if len(p.order) > 0 {
		it = &sortIter{src: it, keys: p.order}
	}
	if p.limit >= 0 || p.offset > 0 {
		it = &limitIter{src: it, skip: p.offset, left: p.limit}
	}
	return &Cursor{plan: p, src: it}
}

// Next fills dest with the next row's output columns; io.EOF at the end.
func (c *Cursor) Next(ctx context.Context, dest []driver.Value) error {
	row, err := c.src.next(ctx)
	if err != nil {
		return err
	}
	for i, o := range c.plan.Columns {
		v, err := o.e.eval(row)
		if err != nil {
			return fmt.Errorf("column %s: %w", o.Name, err)
		}
		dest[i] = v
	}
	return nil
}

// keyIter yields the path key values of each Graph request a scan makes.
type keyIter interface {
	next(ctx context.Context) (map[string]driver.Value, error)
}

// scanIter turns Graph pages into table rows.
type scanIter struct {
	scan  *tableScan
	f     Fetcher
	keys  keyIter
	cur   map[string]driver.Value
	pager Pager
	items []itemRaw
	done  bool
}

type itemRaw = json.RawMessage

func newScanIter(scan *tableScan, f Fetcher) *scanIter {
	var keys keyIter = newProductIter(scan.bound)
	if scan.parent != nil {
		keys = &parentKeyIter{bound: scan.bound, keys: scan.parentKeys, rows: scan.parent.Run(f), width: len(scan.parent.Columns)}
	}
	return &scanIter{scan: scan, f: f, keys: keys}
}

func (it *scanIter) next(ctx context.Context) ([]driver.Value, error) {
	for len(it.items) == 0 {
		if err := it.fill(ctx); err != nil {
			return nil, err
		}
	}
	raw := it.items[0]
	it.items = it.items[1:]
	return decodeRow(it.scan.table, it.scan.needed, it.cur, raw)
}

// fill loads the next page, moving on to the next key combination when
// the current listing is exhausted.
func (it *scanIter) fill(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if it.pager != nil {
		page, err := it.pager.Next(ctx)
		if err == nil {
			it.items = page.Items
			return nil
		}
		if !errors.Is(err, io.EOF) {
			return err
		}
		it.pager = nil
	}
	keys, err := it.keys.next(ctx)
	if err != nil {
		return err
	}
	it.cur = keys
	req := it.scan.graphRequest(keys)
	if !it.scan.get {
		it.pager = it.f.List(req)
		return nil
	}
	body, err := it.f.Get(ctx, req)
	if errors.Is(err, graph.ErrNotFound) {
		return nil // no such entity: no row, as a WHERE Id = 'x' on a table would give
	}
	if err != nil {
		return err
	}
	it.items = []itemRaw{body}
	return nil
}

// productIter yields every combination of the bound key values.
type productIter struct {
	names  []string
	values [][]driver.Value
	pos    []int
	done   bool
}

func newProductIter(bound map[string][]driver.Value) *productIter {
	it := &productIter{}
	for name := range bound {
		it.names = append(it.names, name)
	}
	sort.Strings(it.names) // a fixed request order
	for _, name := range it.names {
		it.values = append(it.values, dedupe(bound[name]))
	}
	it.pos = make([]int, len(it.names))
	return it
}

func dedupe(values []driver.Value) []driver.Value {
	var out []driver.Value
	seen := map[string]bool{}
	for _, v := range values {
		if k := toText(v); !seen[k] {
			seen[k] = true
			out = append(out, v)
		}
	}
	return out
}

func (it *productIter) next(context.Context) (map[string]driver.Value, error) {
	if it.done {
		return nil, io.EOF
	}
	keys := make(map[string]driver.Value, len(it.names))
	for i, name := range it.names {
		keys[name] = it.values[i][it.pos[i]]
	}
	it.advance()
	return keys, nil
}

func (it *productIter) advance() {
	for i := len(it.pos) - 1; i >= 0; i-- {
		it.pos[i]++
		if it.pos[i] < len(it.values[i]) {
			return
		}
		it.pos[i] = 0
	}
	it.done = true
}

// parentKeyIter takes key values from the rows of the parent table's plan.
type parentKeyIter struct {
	bound map[string][]driver.Value
	keys  []string
	rows  *Cursor
	width int
}

func (it *parentKeyIter) next(ctx context.Context) (map[string]driver.Value, error) {
	row := make([]driver.Value, it.width)
	if err := it.rows.Next(ctx, row); err != nil {
		return nil, err
	}
	keys := make(map[string]driver.Value, len(it.keys)+len(it.bound))
	for name, values := range it.bound {
		keys[name] = values[0]
	}
	for i, name := range it.keys {
		keys[name] = row[i]
	}
	return keys, nil
}

type filterIter struct {
	src  rowIter
	cond *expr
}

func (it *filterIter) next(ctx context.Context) ([]driver.Value, error) {
	for {
		row, err := it.src.next(ctx)
		if err != nil {
			return nil, err
		}
		ok, err := truth(it.cond, row)
		if err != nil {
			return nil, fmt.Errorf("WHERE: %w", err)
		}
		if ok == true {
			return row, nil
		}
	}
}

// sortIter reads all rows, then returns them in order; NULLs sort first.
type sortIter struct {
	src    rowIter
	keys   []orderKey
	rows   [][]driver.Value
	sorted bool
}

func (it *sortIter) next(ctx context.Context) ([]driver.Value, error) {
	if !it.sorted {
		if err := it.load(ctx); err != nil {
			return nil, err
		}
	}
	if len(it.rows) == 0 {
		return nil, io.EOF
	}
	row := it.rows[0]
	it.rows = it.rows[1:]
	return row, nil
}

func (it *sortIter) load(ctx context.Context) error {
	type keyed struct {
		row  []driver.Value
		keys []driver.Value
	}
	var all []keyed
	for {
		row, err := it.src.next(ctx)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		k := keyed{row: row, keys: make([]driver.Value, len(it.keys))}
		for i, key := range it.keys {
			if k.keys[i], err = key.e.eval(row); err != nil {
				return fmt.Errorf("ORDER BY: %w", err)
			}
		}
		all = append(all, k)
	}
	var sortErr error
	sort.SliceStable(all, func(a, b int) bool {
		for i, key := range it.keys {
			c, err := orderCompare(all[a].keys[i], all[b].keys[i])
			if err != nil && sortErr == nil {
				sortErr = fmt.Errorf("ORDER BY: %w", err)
			}
			if c != 0 {
				return (c < 0) != key.desc
			}
		}
		return false
	})
	it.rows = make([][]driver.Value, len(all))
	for i, k := range all {
		it.rows[i] = k.row
	}
	it.sorted = true
	return sortErr
}

func orderCompare(a, b driver.Value) (int, error) {
	switch {
	case a == nil && b == nil:
		return 0, nil
	case a == nil:
		return -1, nil
	case b == nil:
		return 1, nil
	}
	c, _, err := compareValues(a, b)
	return c, err
}

type limitIter struct {
	src  rowIter
	skip int64
	left int64 // -1: no limit
}

func (it *limitIter) next(ctx context.Context) ([]driver.Value, error) {
	if it.left == 0 {
		return nil, io.EOF
	}
	for ; it.skip > 0; it.skip-- {
		if _, err := it.src.next(ctx); err != nil {
			return nil, err
		}
	}
	row, err := it.src.next(ctx)
	if err == nil && it.left > 0 {
		it.left--
	}
	return row, err
}
