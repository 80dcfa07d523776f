package schema

import (
	"fmt"
	"strings"
)

// Markdown renders the catalog as docs/tables.md, so the documentation is
// generated from the same values the planner reads and cannot drift.
func (c *Catalog) Markdown() string {
	var b strings.Builder
	b.WriteString("# Tables\n\n")
	b.WriteString("<!-- Generated from schema/tables.go by `go test ./schema -update`; do not edit by hand. -->\n\n")
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
	fmt.Fprintf(b, "- Graph: `GET %s`", t.ListPath)
	if t.GetPath != "" {
		fmt.Fprintf(b, "; one row by key: `GET %s`", t.GetPath)
	}
	b.WriteString("\n")
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
	b.WriteString("\n| Column | Type | Key | Nullable | Graph property | Pushed to Graph | Notes |\n|---|---|---|---|---|---|---|\n")
	for _, col := range t.Columns {
		fmt.Fprintf(b, "| %s | %s | %s | %s | %s | %s | %s |\n", col.Name, col.Type, yes(col.Key), yes(col.Nullable), code(col.Property), pushdown(t, &col), col.Doc)
	}
	b.WriteString("\n")
}

func pushdown(t *Table, col *Column) string {
	var parts []string
	if keyIn(t.ListPath, col.Name) {
		parts = append(parts, "= and IN (request path)")
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
	if col.Sortable {
		order := "ORDER BY (asc)"
		if t.EventualCount {
			order = "ORDER BY"
		}
		parts = append(parts, order)
	}
	return strings.Join(parts, "; ")
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

func without(keys []string, name string) []string {
	var out []string
	for _, k := range keys {
		if k != name {
			out = append(out, k)
		}
	}
	return out
}
