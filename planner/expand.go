package planner

// This file turns one Graph item into table rows: the item itself, the
// item followed by the children inlined in it (Table.Nested, a channel
// message and its replies), or one row per element of an array inside it
// (Table.Unnest, a chat message's attachments).

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/teamsql/msteams/internal/rawjson"
	"github.com/teamsql/msteams/schema"
)

func (it *scanIter) rowsOf(ctx context.Context, raw itemRaw) ([][]driver.Value, error) {
	t := it.scan.table
	item, err := decodeItem(t, raw)
	if err != nil {
		return nil, err
	}
	switch {
	case t.Unnest != "":
		return it.unnestRows(item)
	case it.scan.readsNested():
		return it.nestedRows(ctx, item)
	}
	row, err := decodeRow(t, it.scan.needed, it.cur, item, nil)
	if err != nil {
		return nil, err
	}
	return [][]driver.Value{row}, nil
}

// unnestRows makes a row of each element of the item's array.
func (it *scanIter) unnestRows(item map[string]json.RawMessage) ([][]driver.Value, error) {
	t := it.scan.table
	elements, err := decodeArray(t, t.Unnest, item[t.Unnest])
	if err != nil {
		return nil, err
	}
	rows := make([][]driver.Value, 0, len(elements))
	for _, raw := range elements {
		elem, err := decodeItem(t, raw)
		if err != nil {
			return nil, err
		}
		row, err := decodeRow(t, it.scan.needed, it.cur, elem, item)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	return rows, nil
}

// nestedRows makes the item's row followed by its children's rows,
// reading children beyond the inlined ones through the item's next link.
func (it *scanIter) nestedRows(ctx context.Context, item map[string]json.RawMessage) ([][]driver.Value, error) {
	t := it.scan.table
	n := t.Nested
	row, err := decodeRow(t, it.scan.needed, it.cur, item, nil)
	if err != nil {
		return nil, err
	}
	rows := [][]driver.Value{row}
	children, err := decodeArray(t, n.Property, item[n.Property])
	if err != nil {
		return nil, err
	}
	more, err := it.followLink(ctx, item, n.NextLinkProperty)
	if err != nil {
		return nil, err
	}
	parentID := parentIdentity(item)
	for _, raw := range append(children, more...) {
		child, err := decodeItem(t, raw)
		if err != nil {
			return nil, err
		}
		row, err := decodeRow(t, it.scan.needed, it.cur, child, nil)
		if err != nil {
			return nil, err
		}
		fillKeyColumn(t, n.KeyColumn, row, parentID)
		rows = append(rows, row)
	}
	return rows, nil
}

// followLink reads every page behind an item's next link property.
func (it *scanIter) followLink(ctx context.Context, item map[string]json.RawMessage, property string) ([]json.RawMessage, error) {
	if property == "" {
		return nil, nil
	}
	var link string
	if raw := item[property]; len(raw) > 0 {
		if err := json.Unmarshal(raw, &link); err != nil {
			return nil, fmt.Errorf("decoding %s's %s: %w", it.scan.table.Name, property, err)
		}
	}
	if link == "" {
		return nil, nil
	}
	lister, ok := it.f.(LinkLister)
	if !ok {
		return nil, fmt.Errorf("reading %s needs to follow %s, which this connection cannot do", it.scan.table.Name, property)
	}
	pager := lister.ListLink(link, it.scan.header)
	var items []json.RawMessage
	for {
		page, err := pager.Next(ctx)
		if errors.Is(err, io.EOF) {
			return items, nil
		}
		if err != nil {
			return nil, err
		}
		items = append(items, page.Items...)
	}
}

func decodeArray(t *schema.Table, property string, raw json.RawMessage) ([]json.RawMessage, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	if out, ok := rawjson.SplitArray(raw); ok {
		return out, nil
	}
	var out []json.RawMessage
	if err := json.Unmarshal(raw, &out); err != nil {
		return nil, fmt.Errorf("decoding %s's %s: not an array: %w", t.Name, property, err)
	}
	return out, nil
}

func parentIdentity(item map[string]json.RawMessage) driver.Value {
	var id string
	if err := json.Unmarshal(item["id"], &id); err != nil || id == "" {
		return nil
	}
	return id
}

// fillKeyColumn sets the child's link to its parent when Graph left it out.
func fillKeyColumn(t *schema.Table, name string, row []driver.Value, parentID driver.Value) {
	if name == "" || parentID == nil {
		return
	}
	if i, _, ok := t.Column(name); ok && row[i] == nil {
		row[i] = parentID
	}
}
