package procedures

import (
	"database/sql/driver"
	"io"
	"reflect"
)

// Rows returns the result as driver.Rows: one row, columns typed VARCHAR or
// BIGINT.
func (r *Result) Rows() driver.Rows { return &rows{result: r} }

type rows struct {
	result *Result
	done   bool
}

var (
	_ driver.Rows                           = (*rows)(nil)
	_ driver.RowsColumnTypeDatabaseTypeName = (*rows)(nil)
	_ driver.RowsColumnTypeScanType         = (*rows)(nil)
	_ driver.RowsColumnTypeNullable         = (*rows)(nil)
)

func (r *rows) Columns() []string {
	out := make([]string, len(r.result.Columns))
	for i, c := range r.result.Columns {
		out[i] = c.Name
	}
	return out
}

func (r *rows) Close() error {
	r.done = true
	return nil
}

func (r *rows) Next(dest []driver.Value) error {
	if r.done {
		return io.EOF
	}
	r.done = true
	for i := range dest {
		dest[i] = r.result.Row[i]
	}
	return nil
}

func (r *rows) ColumnTypeDatabaseTypeName(i int) string { return r.result.Columns[i].Type }

func (r *rows) ColumnTypeScanType(i int) reflect.Type {
	if r.result.Columns[i].Type == "BIGINT" {
		return reflect.TypeFor[int64]()
	}
	return reflect.TypeFor[string]()
}

func (r *rows) ColumnTypeNullable(int) (nullable, ok bool) { return false, true }
