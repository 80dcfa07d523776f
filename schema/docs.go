package schema

import (
	"fmt"
	"strings"
	"time"
)

// Markdown renders the catalog as docs/tables.md, so the documentation is
// generated from the same values the planner reads and cannot drift.
func (c *Catalog) Markdown() string {
	var b strings.Builder
	b.WriteString("# Tables\n\n")
	b.WriteString("<!-- Generated from schema/tables*.go by `go test ./schema -update`; do not edit by hand. -->\n\n")
	b.WriteString("Every table is a Microsoft Graph resource. Column names, types and keys follow the CData Microsoft Teams driver.\n")
	b.WriteString("\"Pushed to Graph\" lists the WHERE predicates sent to Graph as `$filter` (or as the request path, for key columns);\n")
	b.WriteString("every other predicate is evaluated by the driver, so any WHERE clause works; pushdown only makes it cheaper.\n")
	b.WriteString("String comparisons (`=`, `<>`, `IN`, `LIKE`, `ORDER BY`) ignore case, as Graph's own filters do.\n\n")
	for _, t := range c.Tables() {
		writeTable(&b, t)
	}
	return b.String()
}

func writeTable(b *strings.Builder, t *Table) {
	fmt.Fprintf(b, "## %s\n\n%s\n\n", t.Name, t.Doc)
	writeRequests(b, t)
	fmt.Fprintf(b, "- Permission: `%s`\n", t.Permission)
	if t.MaxPageSize > 0 {
		fmt.Fprintf(b, "- Page size: up to %d rows per request (`$top`); `LIMIT` is pushed as `$top` when every predicate and the ORDER BY are pushed\n", t.MaxPageSize)
	} else {
		b.WriteString("- Page size: Graph returns the whole collection at once (`$top` is not supported)\n")
	}
	if t.Parent != nil {
		var keys []string
		for _, k := range t.Parent.Keys {
			keys = append(keys, fmt.Sprintf("`%s` from `%s.%s`", k.Key, t.Parent.Table, k.Column))
		}
		fmt.Fprintf(b, "- Without %s in the WHERE clause the driver lists %s first and reads each one's %s (fan-out)\n", strings.Join(keys, ", "), t.Parent.Table, t.Name)
	}
	writeRowShape(b, t)
	b.WriteString("\n| Column | Type | Key | Nullable | Graph property | Pushed to Graph | Notes |\n|---|---|---|---|---|---|---|\n")
	for _, col := range t.Columns {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s |\n", col.Name, col.Type, yes(col.Key), yes(col.Nullable), property(&col), t.Pushdown(&col), col.Doc)
	}
	b.WriteString("\n")
}

// writeRequests lists the Graph requests that read the table.
func writeRequests(b *strings.Builder, t *Table) {
	if t.Batch != nil {
		fmt.Fprintf(b, "- Graph: `POST %s` with `{\"%s\": [...]}`, up to %d values of %s a request\n", t.Batch.Path, t.Batch.BodyProperty, t.Batch.MaxKeys, t.Batch.KeyColumn)
		return
	}
	fmt.Fprintf(b, "- Graph: `GET %s`", t.ListPath+expandOption(t))
	for _, p := range t.KeyedPaths {
		fmt.Fprintf(b, "; when %s is bound: `GET %s`", strings.Join(PathKeys(p), " and "), p+expandOption(t))
	}
	if t.GetPath != "" {
		fmt.Fprintf(b, "; one row by key: `GET %s`", t.GetPath)
	}
	b.WriteString("\n")
	writeDelta(b, t)
	if t.NoSelect {
		b.WriteString("- Graph does not support `$select` here: whole items are read\n")
	}
}

// writeDelta says when the delta function replaces the listing.
func writeDelta(b *strings.Builder, t *Table) {
	d := t.Delta
	if d == nil {
		return
	}
	_, col, _ := t.Column(d.Column)
	fmt.Fprintf(b, "- Graph, for recently changed rows: `GET %s?$filter=%s gt {time}` instead of the listing when the WHERE clause has "+
		"`%s IS NULL` and `%s >` or `>=` a time later than %d months (less %d days) ago, ANDed with the rest; "+
		"it returns only those rows, without nested rows, up to %d a request; every predicate (`<` and `<=` included) is still checked by the driver\n",
		d.Path, col.FilterProperty(), d.RootsOnly, d.Column, d.WindowMonths, int(DeltaMargin/(24*time.Hour)), d.MaxPageSize)
}

func expandOption(t *Table) string {
	if t.Expand == "" {
		return ""
	}
	return "?$expand=" + t.Expand
}

// writeRowShape explains tables whose rows are not simply Graph's items.
func writeRowShape(b *strings.Builder, t *Table) {
	if n := t.Nested; n != nil {
		fmt.Fprintf(b, "- Rows: each item, then one row per element of its `%s`", n.Property)
		if n.KeyColumn != "" {
			fmt.Fprintf(b, " (with %s set to the item's id)", n.KeyColumn)
		}
		if n.NextLinkProperty != "" {
			fmt.Fprintf(b, "; more than Graph inlines are read through `%s`", n.NextLinkProperty)
		}
		b.WriteString("\n")
		if n.KeyColumn != "" {
			fmt.Fprintf(b, "- `WHERE %s IS NULL` keeps the items only, and then no `%s` are requested from Graph\n", n.KeyColumn, n.Property)
		}
	}
	if t.Unnest != "" {
		fmt.Fprintf(b, "- Rows: one per element of each item's `%s` array; columns marked \"item\" read the item itself\n", t.Unnest)
	}
	if t.Parent != nil && t.Parent.Where != "" {
		fmt.Fprintf(b, "- Parents listed: %s rows where %s\n", t.Parent.Table, t.Parent.Where)
	}
}

// Pushdown says which predicates on col Graph evaluates, for docs and
// the sys_tablecolumns and DESCRIBE metadata.
func (t *Table) Pushdown(col *Column) string {
	var parts []string
	if t.Batch != nil && strings.EqualFold(t.Batch.KeyColumn, col.Name) {
		parts = append(parts, fmt.Sprintf("= and IN (request body, %d a request)", t.Batch.MaxKeys))
	}
	if keyIn(t.ListPath, col.Name) {
		parts = append(parts, "= and IN (request path)")
	} else if keyInAny(t.KeyedPaths, col.Name) {
		parts = append(parts, "= (request path)")
	} else if keyIn(t.GetPath, col.Name) {
		others := strings.Join(without(PathKeys(t.GetPath), col.Name), ", ")
		if others == "" {
			parts = append(parts, "= and IN (one GET per value)")
		} else {
			parts = append(parts, "= and IN together with "+others+" (one GET per value)")
		}
	}
	if f := col.Filter.Describe(); f != "" {
		parts = append(parts, f)
	}
	if f := col.Filter.Describe(); f != "" && col.FilterNeedsOrder {
		parts[len(parts)-1] = f + " (sent with $orderby on the same column)"
	}
	if d := t.Delta; d != nil && strings.EqualFold(d.Column, col.Name) {
		parts = append(parts, fmt.Sprintf(">, >= with %s IS NULL, within %d months (delta function)", d.RootsOnly, d.WindowMonths))
	}
	switch {
	case col.SortDescOnly:
		parts = append(parts, "ORDER BY DESC")
	case col.Sortable && t.EventualCount:
		parts = append(parts, "ORDER BY")
	case col.Sortable:
		parts = append(parts, "ORDER BY (asc)")
	}
	return strings.Join(parts, "; ")
}

func property(col *Column) string {
	p := code(col.Property)
	if col.FromItem && p != "" {
		p += " (item)"
	}
	return p
}

func yes(b bool) string {
	if b {
		return "yes"
	}
	return ""
}

func code(s string) string {
	if s == "" {
		return ""
	}
	return "`" + s + "`"
}

func keyIn(path, name string) bool {
	for _, k := range PathKeys(path) {
		if k == name {
			return true
		}
	}
	return false
}

func keyInAny(paths []string, name string) bool {
	for _, p := range paths {
		if keyIn(p, name) {
			return true
		}
	}
	return false
}

func without(keys []string, name string) []string {
	var out []string
	for _, k := range keys {
		if k != name {
			out = append(out, k)
		}
	}
	return out
}
