package msteams

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"reflect"

	"github.com/teamsql/msteams/planner"
)

// Rows streams a query's result page by page: a row is returned as soon as
// its Graph page arrives, and paging stops when the caller stops reading.
type Rows struct {
	ctx     context.Context
	cancel  context.CancelFunc
	plan    *planner.Plan
	cursor  *planner.Cursor
	left    int // rows still allowed by MaxRows; -1 = no limit
	pending []driver.Value
	err     error // the prefetch's io.EOF, replayed by Next
}

var (
	_ driver.Rows                           = (*Rows)(nil)
	_ driver.RowsColumnTypeDatabaseTypeName = (*Rows)(nil)
	_ driver.RowsColumnTypeScanType         = (*Rows)(nil)
	_ driver.RowsColumnTypeNullable         = (*Rows)(nil)
)

func newRows(ctx context.Context, cancel context.CancelFunc, plan *planner.Plan, f planner.Fetcher, maxRows int) *Rows {
	return &Rows{ctx: ctx, cancel: cancel, plan: plan, cursor: plan.Run(f), left: maxRows}
}

// prefetch reads the first row so that errors surface from Query.
func (r *Rows) prefetch() error {
	row := make([]driver.Value, len(r.plan.Columns))
	err := r.read(row)
	switch {
	case err == nil:
		r.pending = row
	case errors.Is(err, io.EOF):
		r.err = io.EOF
	default:
		return err
	}
	return nil
}

func (r *Rows) read(dest []driver.Value) error {
	if r.left == 0 {
		return io.EOF
	}
	if err := r.cursor.Next(r.ctx, dest); err != nil {
		return err
	}
	if r.left > 0 {
		r.left--
	}
	return nil
}

// Columns names the result columns.
func (r *Rows) Columns() []string {
	names := make([]string, len(r.plan.Columns))
	for i, c := range r.plan.Columns {
		names[i] = c.Name
	}
	return names
}

// Next fills dest with the next row.
func (r *Rows) Next(dest []driver.Value) error {
	if r.pending != nil {
		copy(dest, r.pending)
		r.pending = nil
		return nil
	}
	if r.err != nil {
		return r.err
	}
	if err := r.read(dest); err != nil {
		r.err = err
		if errors.Is(err, io.EOF) {
			return io.EOF
		}
		return wrapError(err)
	}
	return nil
}

// Close stops the query; no further pages are fetched.
func (r *Rows) Close() error {
	r.cancel()
	return nil
}

// ColumnTypeDatabaseTypeName is the SQL type name, e.g. VARCHAR or DATETIME.
func (r *Rows) ColumnTypeDatabaseTypeName(i int) string {
	return r.plan.Columns[i].Type.DatabaseTypeName()
}

// ColumnTypeScanType is the Go type values scan into.
func (r *Rows) ColumnTypeScanType(i int) reflect.Type {
	c := r.plan.Columns[i]
	return c.Type.ScanType(c.Nullable)
}

// ColumnTypeNullable reports whether the column can hold NULL.
func (r *Rows) ColumnTypeNullable(i int) (nullable, ok bool) {
	return r.plan.Columns[i].Nullable, true
}
