package planner

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/teamsql/msteams/graph"
)

func plan(t *testing.T, sql string, args ...driver.Value) *Plan {
	t.Helper()
	stmt, err := Parse(sql)
	require.NoError(t, err)
	named := make([]driver.NamedValue, len(args))
	for i, a := range args {
		named[i] = driver.NamedValue{Ordinal: i + 1, Value: a}
	}
	p, err := stmt.Plan(named, Options{})
	require.NoError(t, err)
	return p
}

func TestPushdownTranslation(t *testing.T) {
	cases := []struct {
		sql  string
		args []driver.Value
		want []string
	}{
		{"SELECT DisplayName FROM Users WHERE AccountEnabled = true LIMIT 5", nil,
			[]string{"GET /users?$select=id,displayName,accountEnabled&$filter=accountEnabled eq true&$top=5"}},
		{"SELECT Id FROM Users WHERE AccountEnabled", nil,
			[]string{"GET /users?$select=id,accountEnabled&$filter=accountEnabled eq true&$top=999"}},
		{"SELECT Id FROM Users WHERE NOT AccountEnabled", nil,
			[]string{"GET /users?$select=id,accountEnabled&$filter=accountEnabled eq false&$top=999"}},
		{"SELECT Id FROM Users WHERE Mail LIKE 'o''b%' AND Department IN ('A', ?)", []driver.Value{"B"},
			[]string{"GET /users?$select=id,mail,department&$filter=startswith(mail,'o''b') and department in ('A','B')&$top=999"}},
		{"SELECT Id FROM Users WHERE 'x' = DisplayName OR Surname = 'y'", nil,
			[]string{"GET /users?$select=id,displayName,surname&$filter=(displayName eq 'x' or surname eq 'y')&$top=999"}},
		{"SELECT Id FROM Users WHERE CreatedDateTime >= '2026-01-02' AND ? > CreatedDateTime", []driver.Value{time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)},
			[]string{"GET /users?$select=id,createdDateTime&$filter=createdDateTime ge 2026-01-02T00:00:00Z and createdDateTime lt 2026-03-01T00:00:00Z&$top=999"}},
		{"SELECT Id FROM Users ORDER BY DisplayName DESC LIMIT 2 OFFSET 3", nil,
			[]string{"GET /users?$select=id,displayName&$orderby=displayName desc&$top=5&$count=true"}},
		{"SELECT Id FROM Teams WHERE Id IN ('a', 'b')", nil,
			[]string{"GET /teams/a?$select=id", "GET /teams/b?$select=id"}},
		{"SELECT Id FROM Channels WHERE TeamId = 't1' AND DisplayName LIKE 'Gen%'", nil,
			[]string{"GET /teams/t1/channels?$select=id,displayName&$filter=startswith(displayName,'Gen')"}},
	}
	for _, tc := range cases {
		t.Run(tc.sql, func(t *testing.T) {
			p := plan(t, tc.sql, tc.args...)
			var got []string
			for _, l := range p.Explain() {
				if strings.HasPrefix(l, "GET ") {
					got = append(got, l)
				}
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestLimitNotPushedWithResidualPredicate(t *testing.T) {
	p := plan(t, "SELECT Id FROM Users WHERE DisplayName LIKE '%son' LIMIT 5")
	assert.Equal(t, []string{
		"GET /users?$select=id,displayName&$top=999",
		"driver: filter rows with the WHERE clause",
		"driver: skip 0, return at most 5 rows",
	}, p.Explain())
}

func TestFanOutExplain(t *testing.T) {
	p := plan(t, "SELECT DisplayName FROM Channels WHERE MembershipType = 'private'")
	assert.Equal(t, []string{
		"for each Teams row (TeamId):",
		"  GET /teams?$select=id&$top=999",
		"  GET /teams/{TeamId}/channels?$select=id,displayName,membershipType&$filter=membershipType eq 'private'",
		"driver: filter rows with the WHERE clause",
	}, p.Explain())
}

// fakeGraph serves canned collections keyed by request path, in pages.
type fakeGraph struct {
	collections map[string][]string
	pageSize    int
	mu          sync.Mutex // fan-out reads run concurrently
	requests    []string
}

func (f *fakeGraph) record(request string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.requests = append(f.requests, request)
}

func (f *fakeGraph) Get(_ context.Context, r graph.Request) ([]byte, error) {
	f.record(r.String())
	for path, items := range f.collections {
		for _, item := range items {
			if strings.HasPrefix(r.Path, path+"/") && strings.Contains(item, `"`+strings.TrimPrefix(r.Path, path+"/")+`"`) {
				return []byte(item), nil
			}
		}
	}
	return nil, &graph.Error{StatusCode: 404, Code: "NotFound"}
}

func (f *fakeGraph) List(r graph.Request) Pager {
	f.record(r.String())
	return &fakePager{items: f.collections[r.Path], size: f.pageSize}
}

type fakePager struct {
	items []string
	size  int
}

func (p *fakePager) Next(context.Context) (*graph.Page, error) {
	if len(p.items) == 0 {
		return nil, io.EOF
	}
	n := min(p.size, len(p.items))
	page := &graph.Page{}
	for _, item := range p.items[:n] {
		page.Items = append(page.Items, json.RawMessage(item))
	}
	p.items = p.items[n:]
	if len(p.items) == 0 {
		p.items = nil
	}
	return page, nil
}

func collect(t *testing.T, p *Plan, f Fetcher) [][]driver.Value {
	t.Helper()
	cur := p.Run(f)
	var out [][]driver.Value
	for {
		row := make([]driver.Value, len(p.Columns))
		err := cur.Next(context.Background(), row)
		if errors.Is(err, io.EOF) {
			return out
		}
		require.NoError(t, err)
		out = append(out, row)
	}
}

func teamsFake() *fakeGraph {
	return &fakeGraph{pageSize: 2, collections: map[string][]string{
		"/teams":             {`{"id":"t1","displayName":"Alpha"}`, `{"id":"t2","displayName":"beta"}`, `{"id":"t3","displayName":null}`},
		"/teams/t1/channels": {`{"id":"c1","displayName":"General","membershipType":"standard"}`},
		"/teams/t2/channels": {`{"id":"c2","displayName":"General","membershipType":"standard"}`, `{"id":"c3","displayName":"Secret","membershipType":"private"}`},
		"/teams/t3/channels": {},
	}}
}

func TestRunFanOutFillsParentKey(t *testing.T) {
	f := teamsFake()
	rows := collect(t, plan(t, "SELECT TeamId, Id FROM Channels ORDER BY Id DESC"), f)
	assert.Equal(t, [][]driver.Value{{"t2", "c3"}, {"t2", "c2"}, {"t1", "c1"}}, rows)
}

func TestRunSortsNullsFirstAndIgnoresCase(t *testing.T) {
	rows := collect(t, plan(t, "SELECT DisplayName FROM Teams ORDER BY 1"), teamsFake())
	assert.Equal(t, [][]driver.Value{{nil}, {"Alpha"}, {"beta"}}, rows)
}

func TestRunExpressionsAndCase(t *testing.T) {
	rows := collect(t, plan(t, "SELECT CONCAT(Id, '-', LOWER(DisplayName)) AS k, CASE WHEN DisplayName IS NULL THEN 'none' ELSE 'some' END, LENGTH(DisplayName) * 2 FROM Teams"), teamsFake())
	assert.Equal(t, [][]driver.Value{{"t1-alpha", "some", int64(10)}, {"t2-beta", "some", int64(8)}, {nil, "none", nil}}, rows)
}

func TestRunGetMissingEntityIsNoRow(t *testing.T) {
	f := teamsFake()
	rows := collect(t, plan(t, "SELECT Id FROM Teams WHERE Id IN ('t2', 'zz')"), f)
	assert.Equal(t, [][]driver.Value{{"t2"}}, rows)
}

func TestLimitZeroMakesNoRequest(t *testing.T) {
	f := teamsFake()
	assert.Empty(t, collect(t, plan(t, "SELECT Id FROM Channels LIMIT 0"), f))
	assert.Empty(t, f.requests)
}

func TestLikeMatching(t *testing.T) {
	cases := []struct {
		pattern, s string
		want       bool
	}{
		{"abc", "ABC", true}, {"a%", "abc", true}, {"%c", "abc", true}, {"%b%", "abc", true},
		{"a_c", "abc", true}, {"a_c", "abbc", false}, {"%", "", true}, {"_", "", false},
		{`100\%`, "100%", true}, {`100\%`, "1000", false}, {"a%b%c", "aXbYc", true}, {"a%b%c", "aXcYb", false},
		{"é%", "Été", true},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, likeMatcher(tc.pattern)(tc.s), "%q LIKE %q", tc.s, tc.pattern)
	}
}

func TestCompareValuesCoerces(t *testing.T) {
	day := time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		a, b driver.Value
		want int
	}{
		{"abc", "ABD", -1}, {int64(2), 1.5, 1}, {"10", int64(9), 1}, {day, "2026-01-02", 0},
		{true, "false", 1}, {int64(1), true, 0},
	}
	for _, tc := range cases {
		c, ok, err := compareValues(tc.a, tc.b)
		require.NoError(t, err)
		require.True(t, ok)
		assert.Equal(t, tc.want, sign(c), "%v vs %v", tc.a, tc.b)
	}
	_, ok, _ := compareValues(nil, "x")
	assert.False(t, ok, "NULL compares as unknown")
	_, _, err := compareValues(day, "soon")
	assert.ErrorContains(t, err, "not a date/time")
}

func sign(c int) int {
	switch {
	case c < 0:
		return -1
	case c > 0:
		return 1
	}
	return 0
}

func TestRewriteDialect(t *testing.T) {
	got, err := rewriteDialect("SELECT [Display Name] FROM [Teams] WHERE x = @id AND y = '[not] @this'")
	require.NoError(t, err)
	assert.Equal(t, "SELECT `Display Name` FROM `Teams` WHERE x = :id AND y = '[not] @this'", got)
	_, err = rewriteDialect("SELECT [oops FROM Teams")
	assert.ErrorContains(t, err, "closing ]")
}

func TestNumInput(t *testing.T) {
	for sql, want := range map[string]int{
		"SELECT Id FROM Teams":                         0,
		"SELECT Id FROM Teams WHERE Id = ? OR Id = ?":  2,
		"SELECT Id FROM Teams WHERE Id = @a":           -1,
		"SELECT Id FROM Teams WHERE Id = ? LIMIT ?, ?": 3,
	} {
		stmt, err := Parse(sql)
		require.NoError(t, err)
		assert.Equal(t, want, stmt.NumInput(), sql)
	}
}

func TestMissingKeyError(t *testing.T) {
	// A table whose path needs a key no parent lists: the error names it.
	stmt, err := Parse("SELECT Id FROM Channels")
	require.NoError(t, err)
	_, err = stmt.Plan(nil, Options{Catalog: catalogWithoutParent(t)})
	require.ErrorIs(t, err, ErrMissingKey)
	assert.ErrorContains(t, err, "TeamId")
}

func ExamplePlan_Explain() {
	stmt, _ := Parse("SELECT DisplayName FROM Users WHERE Department = 'Sales' AND DisplayName LIKE '%a%' ORDER BY DisplayName")
	p, _ := stmt.Plan(nil, Options{})
	for _, line := range p.Explain() {
		fmt.Println(line)
	}
	// Output:
	// GET /users?$select=id,displayName,department&$filter=department eq 'Sales'&$orderby=displayName&$top=999&$count=true
	// driver: filter rows with the WHERE clause
}

func TestScalarFunctions(t *testing.T) {
	f := &fakeGraph{pageSize: 5, collections: map[string][]string{
		"/teams": {`{"id":"t1","displayName":"Alpha","createdDateTime":"2026-01-31T10:30:00Z","memberSettings":{"allowCreateUpdateChannels":true,"tags":["a","b"]}}`},
	}}
	rows := collect(t, plan(t, `SELECT DATE(CreatedDateTime), CreatedDateTime + INTERVAL 1 MONTH, DATE_SUB(CreatedDateTime, INTERVAL 2 DAY),
		YEAR(CreatedDateTime), DATEDIFF('2026-02-10', CreatedDateTime), JSON_EXTRACT(MemberSettings, '$.allowCreateUpdateChannels'),
		JSON_EXTRACT(MemberSettings, '$.tags[1]'), JSON_EXTRACT(MemberSettings, '$.tags'), CAST('42' AS SIGNED), ROUND(2.567, 2), REPLACE(DisplayName, 'ph', 'f')
		FROM Teams`), f)
	require.Len(t, rows, 1)
	r := rows[0]
	assert.Equal(t, time.Date(2026, 1, 31, 0, 0, 0, 0, time.UTC), r[0])
	assert.Equal(t, time.Date(2026, 3, 3, 10, 30, 0, 0, time.UTC), r[1], "Jan 31 + 1 month normalises like Go's AddDate")
	assert.Equal(t, time.Date(2026, 1, 29, 10, 30, 0, 0, time.UTC), r[2])
	assert.Equal(t, int64(2026), r[3])
	assert.Equal(t, int64(10), r[4])
	assert.Equal(t, true, r[5])
	assert.Equal(t, "b", r[6])
	assert.Equal(t, `["a","b"]`, r[7])
	assert.Equal(t, int64(42), r[8])
	assert.Equal(t, 2.57, r[9])
	assert.Equal(t, "Alfa", r[10])
}

func TestExplainBatchIsOneLine(t *testing.T) {
	p := plan(t, "SELECT Availability FROM UserPresence WHERE Id IN ('a', 'b', 'c')")
	assert.Equal(t, []string{
		"POST /communications/getPresencesByUserId (3 Id value(s) in the body, 1 call(s) of up to 650)",
		"driver: filter rows with the WHERE clause",
	}, p.Explain())
}

func TestParserPanicsBecomeSyntaxErrors(t *testing.T) {
	_, err := Parse("/*!*/")
	assert.ErrorContains(t, err, "SQL syntax error")
}

// ORDER BY names an alias before a column, as in MySQL: an alias that
// shadows a sortable column must not be pushed as that column's $orderby.
func TestOrderByAliasShadowingAColumnIsNotPushed(t *testing.T) {
	p := plan(t, "SELECT UPPER(Surname) AS DisplayName FROM Users ORDER BY DisplayName LIMIT 3")
	assert.Equal(t, []string{
		"GET /users?$select=id,surname&$top=999",
		"driver: sort rows (ORDER BY)",
		"driver: skip 0, return at most 3 rows",
	}, p.Explain())
	p = plan(t, "SELECT DisplayName AS n FROM Users ORDER BY n LIMIT 3")
	assert.Equal(t, []string{
		"GET /users?$select=id,displayName&$orderby=displayName&$top=3",
		"driver: skip 0, return at most 3 rows", // Graph pages: the driver still stops after 3
	}, p.Explain())
}

func TestNestedLoopJoinKeepsOuterOrder(t *testing.T) {
	rows := collect(t, plan(t, "SELECT t.Id, c.Id FROM Teams t JOIN Channels c ON c.TeamId = t.Id"), teamsFake())
	assert.Equal(t, [][]driver.Value{{"t1", "c1"}, {"t2", "c2"}, {"t2", "c3"}}, rows)
	rows = collect(t, plan(t, "SELECT t.Id, c.Id FROM Teams t LEFT JOIN Channels c ON c.TeamId = t.Id"), teamsFake())
	assert.Equal(t, [][]driver.Value{{"t1", "c1"}, {"t2", "c2"}, {"t2", "c3"}, {"t3", nil}}, rows)
}

func TestArithmeticEdgeCases(t *testing.T) {
	rows := collect(t, plan(t, "SELECT 0 % 0.1, 5.5 % 2, 7 % 0, 7 / 0, 7 DIV 2, -7 % 3"), teamsFake())
	require.Len(t, rows, 1)
	assert.InDelta(t, 0.0, rows[0][0], 1e-9)
	assert.Equal(t, 1.5, rows[0][1])
	assert.Nil(t, rows[0][2], "modulo by zero is NULL")
	assert.Nil(t, rows[0][3], "division by zero is NULL")
	assert.Equal(t, int64(3), rows[0][4])
	assert.Equal(t, int64(-1), rows[0][5])
}

func TestSubstringClampsPositions(t *testing.T) {
	rows := collect(t, plan(t, `SELECT SUBSTRING(DisplayName, 2, 3), SUBSTRING(DisplayName, 3, 9223372036854775807),
		SUBSTRING(DisplayName, -5, 2), SUBSTRING(DisplayName, 10), SUBSTRING(DisplayName, 2, -1) FROM Teams WHERE Id = 't1'`), teamsFake())
	assert.Equal(t, [][]driver.Value{{"lph", "pha", "Al", "", ""}}, rows)
}
