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
	FilterGt                              // prop gt value (SQL >)
	FilterGe                              // prop ge value (SQL >=)
	FilterLt                              // prop lt value (SQL <)
	FilterLe                              // prop le value (SQL <=)

	// FilterRange is every ordering comparison; some resources allow only
	// a few of them (chat messages: gt and lt on lastModifiedDateTime).
	FilterRange = FilterGt | FilterGe | FilterLt | FilterLe
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
	} else {
		for _, r := range []struct {
			op  FilterOp
			sql string
		}{{FilterLt, "<"}, {FilterLe, "<="}, {FilterGt, ">"}, {FilterGe, ">="}} {
			if f.Has(r.op) {
				parts = append(parts, r.sql)
			}
		}
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

	// FilterName is how $filter names the property when it differs from
	// Property, e.g. a derived type's property behind a cast
	// ("microsoft.graph.aadUserConversationMember/userId").
	FilterName string
	// SortDescOnly: Graph's $orderby supports Property descending only
	// (chat messages' lastModifiedDateTime and createdDateTime).
	SortDescOnly bool
	// FilterNeedsOrder: Graph applies a $filter on Property only when the
	// request also orders by it ($orderby=Property desc) and silently
	// ignores the filter otherwise; the planner then sends both.
	FilterNeedsOrder bool
	// FromItem, in a table that Unnests an array, reads Property from the
	// listed Graph item rather than from the array element (the message's
	// id for an attachment row, say).
	FromItem bool
}

// FilterProperty is the property as $filter names it.
func (c *Column) FilterProperty() string {
	if c.FilterName != "" {
		return c.FilterName
	}
	return c.Property
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
	Where string   // a SQL condition on the parent's rows, e.g. "ReplyToId IS NULL"; "" for all
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

	// KeyedPaths are list paths used instead of ListPath when the query
	// binds every key they name, tried in order: Chats reads
	// /users/{UserId}/chats when UserId is bound and /chats otherwise.
	KeyedPaths []string
	// Expand is the $expand option every listing sends (e.g. "replies").
	Expand string
	// NoSelect: Graph does not support $select on this resource, so the
	// driver never sends it and reads the properties it needs from
	// whole items.
	NoSelect bool
	// Nested makes an array property of each item into rows of their own,
	// after the item's row (a channel message's replies).
	Nested *NestedRows
	// Unnest makes each element of this array property of an item a row,
	// instead of the item (a chat message's attachments). Columns read
	// the element, or the item when FromItem is set.
	Unnest string
	// Batch reads the table with POST requests that take the values of a
	// key column in the body, instead of listing a collection.
	Batch *Batch
	// Delta is a delta function that serves queries for recently changed
	// rows in place of the listing, when it returns the same rows.
	Delta *DeltaRead
}

// DeltaRead is a Graph delta function (GET .../messages/delta) that can
// stand in for a table's listing. It returns only some of the rows (those
// where RootsOnly IS NULL), unexpanded, changed within the last
// WindowMonths months, and filters only with "Column gt value". The
// planner uses it when a query asks for no more than that: its WHERE
// clause has the conjuncts "RootsOnly IS NULL" and "Column > v" (or >=,
// sent as gt a millisecond earlier) with v later than now minus
// WindowMonths plus DeltaMargin. The path keys are bound or enumerated
// from the Parent as for ListPath, no Nested rows are made, and the driver
// still evaluates the whole WHERE clause (an upper bound included).
type DeltaRead struct {
	Path         string // the delta function's path, with exactly ListPath's keys
	Column       string // the Datetime column Graph filters with gt, e.g. "LastModifiedDateTime"
	RootsOnly    string // the column that is NULL on every row delta returns, e.g. "ReplyToId"
	WindowMonths int    // how far back delta reaches, e.g. 8
	MaxPageSize  int    // Graph's $top cap for the delta function
}

// DeltaMargin is kept between a query's lower bound and the start of a
// delta function's window, so that rows near the window's edge, which
// Graph approximates, are never missed.
const DeltaMargin = 7 * 24 * time.Hour

// WindowStart is the earliest lower bound the delta function serves at now.
func (d *DeltaRead) WindowStart(now time.Time) time.Time {
	return now.AddDate(0, -d.WindowMonths, 0).Add(DeltaMargin)
}

// NestedRows describes child items inlined in their parent item, as
// $expand=replies inlines a message's replies.
type NestedRows struct {
	Property         string // the array of child items, e.g. "replies"
	NextLinkProperty string // link to more children than were inlined, e.g. "replies@odata.nextLink"
	KeyColumn        string // column set to the parent item's id when a child lacks it, e.g. "ReplyToId"
}

// Batch is a POST action that reads many entities by id at once, like
// POST /communications/getPresencesByUserId {"ids": [...]}.
type Batch struct {
	Path         string // the action's path; ListPath names the same resource for docs
	KeyColumn    string // the column whose values the body carries, e.g. "Id"
	BodyProperty string // the body's array property, e.g. "ids"
	MaxKeys      int    // the most values one request may carry, e.g. 650
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
	if err := validateShape(t); err != nil {
		return err
	}
	for _, path := range append([]string{t.ListPath, t.GetPath}, t.KeyedPaths...) {
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

// validateShape checks the options that change how items become rows.
func validateShape(t *Table) error {
	if t.Nested != nil && t.Unnest != "" {
		return fmt.Errorf("schema: %s: a table either nests or unnests rows, not both", t.Name)
	}
	if t.Nested != nil && t.Nested.KeyColumn != "" {
		if _, _, ok := t.Column(t.Nested.KeyColumn); !ok {
			return fmt.Errorf("schema: %s: nested key column %s does not exist", t.Name, t.Nested.KeyColumn)
		}
	}
	if b := t.Batch; b != nil {
		if _, col, ok := t.Column(b.KeyColumn); !ok || !col.Key {
			return fmt.Errorf("schema: %s: batch key %s must be a key column", t.Name, b.KeyColumn)
		}
		if b.MaxKeys <= 0 || b.Path == "" || b.BodyProperty == "" {
			return fmt.Errorf("schema: %s: a batch needs a path, a body property and MaxKeys > 0", t.Name)
		}
	}
	if err := validateDelta(t); err != nil {
		return err
	}
	for _, col := range t.Columns {
		if col.FromItem && t.Unnest == "" {
			return fmt.Errorf("schema: %s.%s: FromItem only applies to a table that unnests an array", t.Name, col.Name)
		}
	}
	return nil
}

// validateDelta checks that a delta function can replace the listing.
func validateDelta(t *Table) error {
	d := t.Delta
	if d == nil {
		return nil
	}
	if t.Batch != nil || t.Unnest != "" {
		return fmt.Errorf("schema: %s: a delta function replaces a plain listing", t.Name)
	}
	if strings.Join(PathKeys(d.Path), ",") != strings.Join(PathKeys(t.ListPath), ",") {
		return fmt.Errorf("schema: %s: delta path %s must have the list path's keys", t.Name, d.Path)
	}
	if _, col, ok := t.Column(d.Column); !ok || col.Type != Datetime || col.Property == "" {
		return fmt.Errorf("schema: %s: delta column %s must be a Graph datetime property", t.Name, d.Column)
	}
	if _, col, ok := t.Column(d.RootsOnly); !ok || !col.Nullable {
		return fmt.Errorf("schema: %s: delta's RootsOnly column %s must be nullable", t.Name, d.RootsOnly)
	}
	if d.WindowMonths <= 0 || d.MaxPageSize < 0 {
		return fmt.Errorf("schema: %s: a delta function needs WindowMonths > 0 and MaxPageSize >= 0", t.Name)
	}
	return nil
}

// Supplier names, for a key column the table's path needs, the table
// that lists its values: the parent table, or for keys no parent supplies,
// any table whose key column of that name has no path key of its own
// (Users for UserId). "" when the catalog knows none.
func (c *Catalog) Supplier(t *Table, key string) string {
	if t.Parent != nil {
		if _, ok := t.Parent.Supplies(key); ok {
			return t.Parent.Table
		}
	}
	entity := strings.TrimSuffix(key, "Id")
	for _, other := range c.order {
		if other == t || len(PathKeys(other.ListPath)) > 0 {
			continue
		}
		if strings.EqualFold(other.Name, entity+"s") {
			return other.Name
		}
	}
	return ""
}
