package main

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// column is what a formatter needs to know about one result column.
type column struct {
	name   string
	dbType string // database/sql's DatabaseTypeName: VARCHAR, BOOLEAN, BIGINT, DOUBLE, DATETIME, JSON
}

// formatter prints one statement's result. start is called once with the
// columns, row once per row as it arrives, finish once at the end.
type formatter interface {
	start(cols []column) error
	row(values []any) error
	finish(rowCount int) error
}

// formatNames lists the --format values, in the order the help shows them.
var formatNames = []string{"table", "csv", "json"}

// newFormatter returns the formatter called name, writing to w. maxWidth
// limits table cells (in runes); 0 means no limit.
func newFormatter(name string, w io.Writer, maxWidth int) (formatter, error) {
	switch name {
	case "table":
		return &tableFormatter{w: w, maxWidth: maxWidth}, nil
	case "csv":
		return &csvFormatter{w: csv.NewWriter(w)}, nil
	case "json":
		return &jsonFormatter{w: w}, nil
	}
	return nil, fmt.Errorf("unknown format %q: use one of %s", name, strings.Join(formatNames, ", "))
}

// text renders a non-NULL value as plain text, the same way for table and
// csv, so that both show identical values.
func text(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case []byte:
		return string(v)
	case time.Time:
		return v.Format(time.RFC3339Nano)
	case bool:
		return strconv.FormatBool(v)
	case int64:
		return strconv.FormatInt(v, 10)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	}
	return fmt.Sprint(v)
}

// tableFormatter buffers the whole result because it must measure every
// cell before it can align the columns.
type tableFormatter struct {
	w        io.Writer
	maxWidth int
	cols     []column
	cells    [][]string
}

func (f *tableFormatter) start(cols []column) error {
	f.cols = cols
	return nil
}

func (f *tableFormatter) row(values []any) error {
	cells := make([]string, len(values))
	for i, v := range values {
		cells[i] = f.cell(v)
	}
	f.cells = append(f.cells, cells)
	return nil
}

// cell renders a value for the table: NULL visibly, line breaks and tabs
// escaped so that one row stays on one line, and long text shortened.
func (f *tableFormatter) cell(v any) string {
	if v == nil {
		return "NULL"
	}
	s := strings.NewReplacer("\r", `\r`, "\n", `\n`, "\t", `\t`).Replace(text(v))
	return truncate(s, f.maxWidth)
}

// truncate shortens s to max runes, the last being an ellipsis; max 0 means
// no limit.
func truncate(s string, max int) string {
	if max <= 0 || utf8.RuneCountInString(s) <= max {
		return s
	}
	runes := []rune(s)
	return string(runes[:max-1]) + "…"
}

func (f *tableFormatter) finish(rowCount int) error {
	widths := f.widths()
	var b strings.Builder
	header := make([]string, len(f.cols))
	for i, c := range f.cols {
		header[i] = c.name
	}
	f.writeLine(&b, header, widths)
	seps := make([]string, len(widths))
	for i, w := range widths {
		seps[i] = strings.Repeat("-", w)
	}
	b.WriteString(strings.Join(seps, "-+-") + "\n")
	for _, cells := range f.cells {
		f.writeLine(&b, cells, widths)
	}
	fmt.Fprintf(&b, "(%d %s)\n\n", rowCount, plural(rowCount, "row", "rows"))
	_, err := io.WriteString(f.w, b.String())
	return err
}

func (f *tableFormatter) widths() []int {
	widths := make([]int, len(f.cols))
	for i, c := range f.cols {
		widths[i] = utf8.RuneCountInString(c.name)
	}
	for _, cells := range f.cells {
		for i, s := range cells {
			widths[i] = max(widths[i], utf8.RuneCountInString(s))
		}
	}
	return widths
}

// writeLine writes one row of cells padded to widths; numbers are right
// aligned so that their digits line up.
func (f *tableFormatter) writeLine(b *strings.Builder, cells []string, widths []int) {
	padded := make([]string, len(cells))
	for i, s := range cells {
		pad := strings.Repeat(" ", widths[i]-utf8.RuneCountInString(s))
		if isNumeric(f.cols[i].dbType) {
			padded[i] = pad + s
		} else {
			padded[i] = s + pad
		}
	}
	// Trailing blanks of the last column are noise in a terminal and in diffs.
	b.WriteString(strings.TrimRight(strings.Join(padded, " | "), " ") + "\n")
}

func isNumeric(dbType string) bool { return dbType == "BIGINT" || dbType == "DOUBLE" }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// csvFormatter writes RFC 4180 CSV with a header row. NULL is an empty
// field, the usual CSV convention.
type csvFormatter struct {
	w *csv.Writer
}

func (f *csvFormatter) start(cols []column) error {
	header := make([]string, len(cols))
	for i, c := range cols {
		header[i] = c.name
	}
	return f.write(header)
}

func (f *csvFormatter) row(values []any) error {
	record := make([]string, len(values))
	for i, v := range values {
		if v != nil {
			record[i] = text(v)
		}
	}
	return f.write(record)
}

// write flushes after each record so that rows appear as they arrive.
func (f *csvFormatter) write(record []string) error {
	if err := f.w.Write(record); err != nil {
		return err
	}
	f.w.Flush()
	return f.w.Error()
}

func (f *csvFormatter) finish(int) error { return nil }

// jsonFormatter writes a JSON array with one object per row, each written
// as soon as it arrives. Keys keep the column order, which encoding/json's
// maps would not.
type jsonFormatter struct {
	w    io.Writer
	cols []column
	keys [][]byte // each column name, JSON encoded once
	rows int
}

func (f *jsonFormatter) start(cols []column) error {
	f.cols = cols
	f.keys = make([][]byte, len(cols))
	for i, c := range cols {
		key, err := marshal(c.name)
		if err != nil {
			return err
		}
		f.keys[i] = key
	}
	_, err := io.WriteString(f.w, "[")
	return err
}

func (f *jsonFormatter) row(values []any) error {
	var b bytes.Buffer
	if f.rows > 0 {
		b.WriteString(",")
	}
	b.WriteString("\n  {")
	for i, v := range values {
		if i > 0 {
			b.WriteString(", ")
		}
		val, err := jsonValue(v, f.cols[i].dbType)
		if err != nil {
			return fmt.Errorf("column %s: %w", f.cols[i].name, err)
		}
		b.Write(f.keys[i])
		b.WriteString(": ")
		b.Write(val)
	}
	b.WriteString("}")
	f.rows++
	_, err := f.w.Write(b.Bytes())
	return err
}

func (f *jsonFormatter) finish(int) error {
	end := "]\n"
	if f.rows > 0 {
		end = "\n]\n"
	}
	_, err := io.WriteString(f.w, end)
	return err
}

// jsonValue encodes one value with its JSON type. A JSON column's text is
// embedded as is, so consumers get objects and arrays rather than strings
// holding JSON; text that is not valid JSON stays a string.
func jsonValue(v any, dbType string) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return []byte("null"), nil
	case string:
		if dbType == "JSON" && json.Valid([]byte(v)) {
			return []byte(v), nil
		}
		return marshal(v)
	case []byte:
		return jsonValue(string(v), dbType)
	case time.Time:
		return marshal(v.Format(time.RFC3339Nano))
	case float64:
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return marshal(text(v)) // JSON has no NaN or Infinity
		}
	}
	return marshal(v)
}

// marshal is json.Marshal without HTML escaping: the output is for people
// and programs, not for embedding in a web page, and "<" is easier to read
// than "\u003c".
func marshal(v any) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
