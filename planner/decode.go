package planner

import (
	"bytes"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/teamsql/msteams/internal/rawjson"
	"github.com/teamsql/msteams/schema"
)

// decodeItem parses one Graph item as an object of raw properties.
func decodeItem(t *schema.Table, raw []byte) (map[string]json.RawMessage, error) {
	if item, ok := rawjson.SplitObject(raw); ok {
		return item, nil
	}
	var item map[string]json.RawMessage
	if err := json.Unmarshal(raw, &item); err != nil {
		return nil, fmt.Errorf("decoding a %s item from Graph: %w", t.Name, err)
	}
	return item, nil
}

// decodeRow builds a table row from one Graph object with encoding/json,
// decoding only the columns the query reads (the SDK's model decoder costs
// several times more per item). Path keys come from the request's keys;
// FromItem columns read outer, the item an unnested element came from.
func decodeRow(t *schema.Table, needed []int, keys map[string]driver.Value, obj, outer map[string]json.RawMessage) ([]driver.Value, error) {
	row := make([]driver.Value, len(t.Columns))
	for _, i := range needed {
		col := &t.Columns[i]
		if col.Property == "" {
			row[i] = keys[col.Name]
			continue
		}
		src := obj
		if col.FromItem {
			src = outer
		}
		v, err := decodeValue(col.Type, lookupProperty(src, col.Property))
		if err != nil {
			return nil, fmt.Errorf("decoding %s.%s: %w", t.Name, col.Name, err)
		}
		row[i] = v
	}
	return row, nil
}

// lookupProperty follows a "/"-separated property path; a missing or null
// step yields nil.
func lookupProperty(item map[string]json.RawMessage, path string) json.RawMessage {
	if raw, ok := item[path]; ok {
		return raw // a property whose name holds a "/", or a plain one
	}
	first, rest, nested := strings.Cut(path, "/")
	raw := item[first]
	if !nested || raw == nil {
		return raw
	}
	var inner map[string]json.RawMessage
	if err := json.Unmarshal(raw, &inner); err != nil {
		return nil // null or not an object
	}
	return lookupProperty(inner, rest)
}

var jsonNull = []byte("null")

func decodeValue(typ schema.Type, raw json.RawMessage) (driver.Value, error) {
	if len(raw) == 0 || bytes.Equal(raw, jsonNull) {
		return nil, nil
	}
	switch typ {
	case schema.JSON:
		return compactJSON(raw), nil
	case schema.String:
		if raw[0] != '"' {
			return compactJSON(raw), nil // a number or object where text was expected: keep its JSON
		}
		var s string
		err := json.Unmarshal(raw, &s)
		return s, err
	case schema.Bool:
		var b bool
		err := json.Unmarshal(raw, &b)
		return b, err
	case schema.Int:
		return strconv.ParseInt(string(raw), 10, 64)
	case schema.Float:
		return strconv.ParseFloat(string(raw), 64)
	case schema.Datetime:
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return nil, err
		}
		return time.Parse(time.RFC3339Nano, s)
	}
	return nil, fmt.Errorf("unknown column type %v", typ)
}

func compactJSON(raw json.RawMessage) string {
	var b bytes.Buffer
	if err := json.Compact(&b, raw); err != nil {
		return string(raw)
	}
	return b.String()
}
