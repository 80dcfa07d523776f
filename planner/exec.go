package planner

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
)

// Cursor streams a plan's result rows.
type Cursor struct {
	plan    *Plan
	f       Fetcher
	src     rowIter
	started bool
}

type rowIter interface {
	next(ctx context.Context) ([]driver.Value, error) // io.EOF at the end
}

func (scan *tableScan) open(f Fetcher) rowIter { return newScanIter(scan, f) }

// Run starts the query. Nothing is fetched until the first Next; a plan
// that sorts, groups or runs subqueries reads what it needs then.
func (p *Plan) Run(f Fetcher) *Cursor {
	it := p.source.open(f)
	if p.where != nil {
		it = &filterIter{src: it, cond: p.where, clause: "WHERE"}
	}
	if p.agg != nil {
		it = &materialized{load: (&aggIter{src: it, agg: p.agg}).load}
	}
	if p.having != nil {
		it = &filterIter{src: it, cond: p.having, clause: "HAVING"}
	}
	if len(p.order) > 0 {
		it = &materialized{load: (&sortIter{src: it, keys: p.order}).load}
	}
	it = &projectIter{src: it, cols: p.Columns}
	if p.distinct {
		it = &distinctIter{src: it, seen: map[string]bool{}}
	}
	if p.limit >= 0 || p.offset > 0 {
		it = &limitIter{src: it, skip: p.offset, left: p.limit}
	}
	return &Cursor{plan: p, f: f, src: it}
}

// Next fills dest with the next row's output columns; io.EOF at the end.
func (c *Cursor) Next(ctx context.Context, dest []driver.Value) error {
	if !c.started {
		for _, sq := range c.plan.subqueries {
			if err := sq.load(ctx, c.f); err != nil {
				return err
			}
		}
		c.started = true
	}
	row, err := c.src.next(ctx)
	if err != nil {
		return err
	}
	copy(dest, row)
	return nil
}

// projectIter computes the select list.
type projectIter struct {
	src  rowIter
	cols []Output
}

func (it *projectIter) next(ctx context.Context) ([]driver.Value, error) {
	row, err := it.src.next(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]driver.Value, len(it.cols))
	for i, o := range it.cols {
		if out[i], err = o.e.eval(row); err != nil {
			return nil, fmt.Errorf("column %s: %w", o.Name, err)
		}
	}
	return out, nil
}

// distinctIter drops output rows equal to an earlier one.
type distinctIter struct {
	src  rowIter
	seen map[string]bool
}

func (it *distinctIter) next(ctx context.Context) ([]driver.Value, error) {
	for {
		row, err := it.src.next(ctx)
		if err != nil {
			return nil, err
		}
		if key := rowKey(row); !it.seen[key] {
			it.seen[key] = true
			return row, nil
		}
	}
}

type filterIter struct {
	src    rowIter
	cond   *expr
	clause string
}

func (it *filterIter) next(ctx context.Context) ([]driver.Value, error) {
	for {
		row, err := it.src.next(ctx)
		if err != nil {
			return nil, err
		}
		ok, err := truth(it.cond, row)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", it.clause, err)
		}
		if ok == true {
			return row, nil
		}
	}
}

// materialized computes all its rows on the first next (sorting,
// grouping), then yields them.
type materialized struct {
	load   func(ctx context.Context) ([][]driver.Value, error)
	rows   sliceIter
	loaded bool
}

func (it *materialized) next(ctx context.Context) ([]driver.Value, error) {
	if !it.loaded {
		rows, err := it.load(ctx)
		if err != nil {
			return nil, err
		}
		it.rows, it.loaded = sliceIter{rows: rows}, true
	}
	return it.rows.next(ctx)
}

// rowKey identifies a tuple of values under SQL equality (strings
// ignoring case, 1 = 1.0), for GROUP BY and DISTINCT; NULLs group together.
func rowKey(values []driver.Value) string {
	var b strings.Builder
	for _, v := range values {
		if v == nil {
			b.WriteString("null")
		} else {
			b.WriteString(normalizedKey(v))
		}
		b.WriteByte(0)
	}
	return b.String()
}

// sortIter reads all rows and orders them; NULLs sort first.
type sortIter struct {
	src  rowIter
	keys []orderKey
}

func (it *sortIter) load(ctx context.Context) ([][]driver.Value, error) {
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
			return nil, err
		}
		k := keyed{row: row, keys: make([]driver.Value, len(it.keys))}
		for i, key := range it.keys {
			if k.keys[i], err = key.e.eval(row); err != nil {
				return nil, fmt.Errorf("ORDER BY: %w", err)
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
	rows := make([][]driver.Value, len(all))
	for i, k := range all {
		rows[i] = k.row
	}
	return rows, sortErr
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
