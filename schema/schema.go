// Package schema is the catalog of msteams' virtual tables: for each table its
// typed columns, the Graph resource that serves it, the key columns its Graph
// path needs, and which predicates Graph can evaluate for it.
//
// Tables are plain values. The planner asks them questions (which columns can
// be filtered with which operator, which path serves a key) and never names a
// table itself, so adding a table is adding a value here.
package schema

import (
	"database/sql"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"time"
)

// Type is the SQL type of a column.
type Type int

const (
	String Type = iota
	Bool
	Int
	Float
	Datetime
	JSON // nested objects and arrays, as JSON text
)

var typeNames = map[Type]string{
	String: "VARCHAR", Bool: "BOOLEAN", Int: "BIGINT", Float: "DOUBLE", Datetime: "DATETIME", JSON: "JSON",
}

// DatabaseTypeName is the name reported by database/sql's ColumnType.
func (t Type) DatabaseTypeName() string { return typeNames[t] }

func (t Type) String() string { return t.DatabaseTypeName() }

// ScanType is the Go type a value of this column scans into; nullable columns
// use the sql.Null* wrappers so that a NULL never fails a Scan.
func (t Type) ScanType(nullable bool) reflect.Type {
	if nullable {
		return nullScanTypes[t]
	}
	return scanTypes[t]
}

var scanTypes = map[Type]reflect.Type{
	String: reflect.TypeFor[string](), Bool: reflect.TypeFor[bool](), Int: reflect.TypeFor[int64](),
	Float: reflect.TypeFor[float64](), Datetime: reflect.TypeFor[time.Time](), JSON: reflect.TypeFor[string](),
}

var nullScanTypes = map[Type]reflect.Type{
	String: reflect.TypeFor[sql.NullString](), Bool: reflect.TypeFor[sql.NullBool](), Int: reflect.TypeFor[sql.NullInt64](),
	Float: reflect.TypeFor[sql.NullFloat64](), Datetime: reflect.TypeFor[sql.NullTime](), JSON: reflect.TypeFor[sql.NullString](),
}

// FilterOp is an OData $filter operation Graph supports on a property.
type FilterOp int

const (
	FilterEq         FilterOp = 1 << iota // prop eq value (SQL =)
	FilterIn                              // prop in (...) (SQL IN)
	FilterStartsWith                      // startswith(prop,'x') (SQL LIKE 'x%')
	FilterRange                           // ge, gt, le, lt (SQL >=, >, <=, <)
)

// Has reports whether every operation in op is allowed.
func (f FilterOp) Has(op FilterOp) bool { return f&op == op }

// Describe lists the SQL predicates that map to f, for docs and metadata.
func (f FilterOp) Describe() string {
	var parts []string
	if f.Has(FilterEq) {
		parts = append(parts, "=")
	}
	if f.Has(FilterIn) {
		parts = append(parts, "IN")
	}
	if f.Has(FilterStartsWith) {
		parts = append(parts, "LIKE 'x%'")
	}
	if f.Has(FilterRange) {
		parts = append(parts, "<, <=, >, >=")
	}
	return strings.Join(parts, ", ")
}

// Column is one column of a table.
type Column struct {
	Name     string // SQL name
	Type     Type
	Property string // Graph JSON property path, "/"-separated for nested ones ("from/user/id"); "" for path keys
	Key      bool   // part of the row's identity
	Nullable bool
	Filter   FilterOp // operations Graph's $filter supports on Property
	Sortable bool     // Graph's $orderby supports Property ascending
	Doc      string
}

// SelectName is the top-level Graph property to name in $select for this column.
func (c *Column) SelectName() string {
	name, _, _ := strings.Cut(c.Property, "/")
	return name
}

// Parent says how to enumerate the path keys a query did not bind: list
// Table and take each key from a column of its rows (Steampipe's
// ParentHydrate). Keys the query did bind filter the parent listing.
type Parent struct {
	Table string   // the table listing the parents, e.g. "Teams"
	Keys  []KeyMap // which parent column supplies which key column
}

// KeyMap pairs a key column with the parent column that supplies it.
type KeyMap struct {
	Key    string // the key column of the child table, e.g. "TeamId"
	Column string // the parent's column holding the value, e.g. "Id"
}

// Supplies reports whether the parent provides key, and from which column.
func (p *Parent) Supplies(key string) (string, bool) {
	for _, k := range p.Keys {
		if strings.EqualFold(k.Key, key) {
			return k.Column, true
		}
	}
	return "", false
}

// Table is one virtual table.
type Table struct {
	Name          string
	Doc           string
	Permission    string // least Graph permission that reads it
	Columns       []Column
	ListPath      string  // Graph collection path; "{Col}" placeholders are key columns bound by the query or a Parent
	GetPath       string  // Graph path of one entity, "" when there is none
	Parent        *Parent // how to enumerate unbound ListPath keys; nil when the query must bind them
	MaxPageSize   int     // Graph's $top cap; 0 means Graph refuses $top here and returns everything in one page
	EventualCount bool    // $orderby desc and other advanced queries need ConsistencyLevel: eventual
}

// Column finds a column by case-insensitive name.
func (t *Table) Column(name string) (int, *Column, bool) {
	for i := range t.Columns {
		if strings.EqualFold(t.Columns[i].Name, name) {
			return i, &t.Columns[i], true
		}
	}
	return -1, nil, false
}

// PathKeys lists the key columns named in a path template, in order.
func PathKeys(path string) []string {
	var keys []string
	for {
		open := strings.IndexByte(path, '{')
		if open < 0 {
			return keys
		}
		end := strings.IndexByte(path[open:], '}')
		if end < 0 {
			return keys
		}
		keys = append(keys, path[open+1:open+end])
		path = path[open+end+1:]
	}
}

// Catalog is a set of tables looked up by case-insensitive name.
type Catalog struct {
	byName map[string]*Table
	order  []*Table
}

// NewCatalog validates tables and indexes them.
func NewCatalog(tables ...*Table) (*Catalog, error) {
	c := &Catalog{byName: map[string]*Table{}}
	for _, t := range tables {
		if err := validate(t); err != nil {
			return nil, err
		}
		key := strings.ToLower(t.Name)
		if _, dup := c.byName[key]; dup {
			return nil, fmt.Errorf("schema: table %s defined twice", t.Name)
		}
		c.byName[key] = t
		c.order = append(c.order, t)
	}
	for _, t := range tables {
		if err := c.validateParent(t); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// Table finds a table by case-insensitive name.
func (c *Catalog) Table(name string) (*Table, bool) {
	t, ok := c.byName[strings.ToLower(name)]
	return t, ok
}

// Tables lists every table in name order.
func (c *Catalog) Tables() []*Table {
	out := append([]*Table(nil), c.order...)
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func validate(t *Table) error {
	if t.Name == "" || t.ListPath == "" {
		return fmt.Errorf("schema: table %q needs a name and a list path", t.Name)
	}
	seen := map[string]bool{}
	for _, col := range t.Columns {
		lower := strings.ToLower(col.Name)
		if seen[lower] {
			return fmt.Errorf("schema: %s.%s defined twice", t.Name, col.Name)
		}
		seen[lower] = true
	}
	for _, path := range []string{t.ListPath, t.GetPath} {
		for _, key := range PathKeys(path) {
			_, col, ok := t.Column(key)
			if !ok {
				return fmt.Errorf("schema: %s: path %s names unknown column %s", t.Name, path, key)
			}
			if !col.Key {
				return fmt.Errorf("schema: %s: path column %s must be a key column", t.Name, key)
			}
		}
	}
	return nil
}

func (c *Catalog) validateParent(t *Table) error {
	if t.Parent == nil {
		return nil
	}
	parent, ok := c.byName[strings.ToLower(t.Parent.Table)]
	if !ok {
		return fmt.Errorf("schema: %s: parent table %s is not in the catalog", t.Name, t.Parent.Table)
	}
	for _, k := range t.Parent.Keys {
		if _, _, ok := parent.Column(k.Column); !ok {
			return fmt.Errorf("schema: %s: parent column %s.%s does not exist", t.Name, parent.Name, k.Column)
		}
		if _, col, ok := t.Column(k.Key); !ok || !col.Key {
			return fmt.Errorf("schema: %s: parent supplies %s, which is not a key column", t.Name, k.Key)
		}
	}
	return nil
}
