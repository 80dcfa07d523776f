package main

import (
	"bytes"
	"encoding/json"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var allTypes = []column{
	{"S", "VARCHAR"}, {"B", "BOOLEAN"}, {"I", "BIGINT"}, {"F", "DOUBLE"}, {"T", "DATETIME"}, {"J", "JSON"},
}

var when = time.Date(2025, 3, 4, 5, 6, 7, 0, time.FixedZone("CET", 3600))

func formatRows(t *testing.T, format string, maxWidth int, cols []column, rows ...[]any) string {
	t.Helper()
	var out bytes.Buffer
	f, err := newFormatter(format, &out, maxWidth)
	require.NoError(t, err)
	require.NoError(t, f.start(cols))
	for _, r := range rows {
		require.NoError(t, f.row(r))
	}
	require.NoError(t, f.finish(len(rows)))
	return out.String()
}

func TestTableFormatsEveryType(t *testing.T) {
	got := formatRows(t, "table", 60, allTypes,
		[]any{"x\ny", true, int64(42), 1.5, when, `{"a":[1]}`},
		[]any{nil, nil, int64(-7), nil, nil, nil},
	)
	assert.Equal(t, ""+
		"S    | B    |  I |    F | T                         | J\n"+
		"-----+------+----+------+---------------------------+----------\n"+
		`x\ny | true | 42 |  1.5 | 2025-03-04T05:06:07+01:00 | {"a":[1]}`+"\n"+
		"NULL | NULL | -7 | NULL | NULL                      | NULL\n"+
		"(2 rows)\n\n", got)
}

func TestTableTruncatesByRunes(t *testing.T) {
	got := formatRows(t, "table", 4, []column{{"Name", "VARCHAR"}}, []any{"ééééé"}, []any{"éééé"})
	assert.Equal(t, "Name\n----\nééé…\néééé\n(2 rows)\n\n", got, "5 runes are cut to 4, the last an ellipsis; 4 fit")
}

func TestCSVQuotesAndLeavesNullEmpty(t *testing.T) {
	got := formatRows(t, "csv", 3, allTypes,
		[]any{`say "hi", ok`, false, int64(1), 0.25, when, `["a","b"]`},
		[]any{nil, nil, nil, nil, nil, nil},
	)
	assert.Equal(t, "S,B,I,F,T,J\n"+
		`"say ""hi"", ok",false,1,0.25,2025-03-04T05:06:07+01:00,"[""a"",""b""]"`+"\n"+
		",,,,,\n", got)
}

func TestJSONTypesValues(t *testing.T) {
	got := formatRows(t, "json", 3, allTypes,
		[]any{"<tag> & é", true, int64(9007199254740993), 0.5, when, `{"a":[1,2]}`},
		[]any{nil, false, int64(0), math.Inf(1), nil, "not json"},
	)
	assert.Equal(t, "[\n"+
		`  {"S": "<tag> & é", "B": true, "I": 9007199254740993, "F": 0.5, "T": "2025-03-04T05:06:07+01:00", "J": {"a":[1,2]}},`+"\n"+
		`  {"S": null, "B": false, "I": 0, "F": "+Inf", "T": null, "J": "not json"}`+"\n"+
		"]\n", got)
	var rows []map[string]any
	assert.NoError(t, json.Unmarshal([]byte(got), &rows))
}

func TestCSVAndJSONWriteEachRowAsItArrives(t *testing.T) {
	for _, format := range []string{"csv", "json"} {
		t.Run(format, func(t *testing.T) {
			var out bytes.Buffer
			f, err := newFormatter(format, &out, 0)
			require.NoError(t, err)
			require.NoError(t, f.start([]column{{"Name", "VARCHAR"}}))
			require.NoError(t, f.row([]any{"first"}))
			assert.Contains(t, out.String(), "first", "the row is written before the next one is read")
			require.NoError(t, f.row([]any{"second"}))
			assert.Contains(t, out.String(), "second")
		})
	}
}

func TestTableWaitsForTheLastRow(t *testing.T) {
	var out bytes.Buffer
	f, err := newFormatter("table", &out, 0)
	require.NoError(t, err)
	require.NoError(t, f.start([]column{{"Name", "VARCHAR"}}))
	require.NoError(t, f.row([]any{"first"}))
	assert.Empty(t, out.String(), "widths are not known before the last row")
	require.NoError(t, f.finish(1))
	assert.Contains(t, out.String(), "first")
}

func TestUnknownFormat(t *testing.T) {
	_, err := newFormatter("xml", &bytes.Buffer{}, 0)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "table, csv, json")
}
