package planner

import (
	"context"
	"database/sql/driver"
	"fmt"
	"net/url"

	"strings"

	"github.com/teamsql/msteams/graph"
)

// Explain describes the plan: the Graph requests it makes and the work the
// driver does on their rows, one step a line, outermost last.
func (p *Plan) Explain() []string {
	lines := p.scan.explain("")
	if p.where != nil {
		lines = append(lines, "driver: filter rows with the WHERE clause")
	}
	if len(p.order) > 0 {
		lines = append(lines, "driver: sort rows (ORDER BY)")
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
		lines = append(lines, indent+fmt.Sprintf("for each %s row (%s):", scan.table.Parent.Table, strings.Join(scan.parentKeys, ", ")))
		for _, l := range scan.parent.Explain() {
			lines = append(lines, indent+"  "+l)
		}
		keys := map[string]driver.Value{}
		for _, k := range scan.parentKeys {
			keys[k] = "{" + k + "}"
		}
		req := scan.graphRequest(keys)
		return append(lines, indent+"  "+readable(req))
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

// readable shows a request as a person would write it: unescaped, with
// {Key} placeholders where a fan-out fills in values.
func readable(r graph.Request) string {
	s := r.String()
	if u, err := url.PathUnescape(s); err == nil {
		return u
	}
	return s
}
