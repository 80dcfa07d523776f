package msteams_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/teamsql/msteams/graphtest"
)

func TestJoinBindsKeyIntoInnerRequest(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	srv.ResetRequests()
	rows := queryStrings(t, db, "SELECT t.DisplayName, c.DisplayName FROM Teams t JOIN Channels c ON c.TeamId = t.Id WHERE t.Visibility = 'public'")

	want := 0
	publicTeams := 0
	for _, tm := range srv.Tenant().Teams() {
		if tm.Visibility == "public" {
			publicTeams++
			chans, _ := srv.Tenant().Channels(tm.ID)
			want += len(chans)
		}
	}
	require.Len(t, rows, want)
	reqs := graphRequests(srv)
	require.Len(t, reqs, 1+publicTeams, describeRequests(reqs))
	assert.Equal(t, "visibility eq 'public'", reqs[0].Query.Get("$filter"))
	for _, r := range reqs[1:] {
		assert.True(t, strings.HasSuffix(r.Path, "/channels"), r.Path)
	}
}

func TestHashJoinReadsEachTableOnce(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	srv.ResetRequests()
	// Users.Department = Teams.DisplayName: no key binds, so both are read once.
	rows := queryStrings(t, db, "SELECT u.DisplayName, t.DisplayName FROM Users u JOIN Teams t ON t.DisplayName = u.Department")
	require.NotEmpty(t, rows)
	for _, r := range rows {
		assert.NotEmpty(t, r[1])
	}
	reqs := graphRequests(srv)
	require.Len(t, reqs, 2, describeRequests(reqs))
}

func TestLeftJoinKeepsUnmatchedRows(t *testing.T) {
	_, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	rows := queryStrings(t, db, "SELECT u.DisplayName, t.Id FROM Users u LEFT JOIN Teams t ON t.DisplayName = u.Department WHERE u.UserType = 'Guest'")
	require.NotEmpty(t, rows)
	for _, r := range rows {
		assert.Equal(t, "NULL", r[1], "guests have no department, so no team")
	}
}

func TestGroupByCountOrderedByPosition(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	rows := queryStrings(t, db, "SELECT t.DisplayName, COUNT(*) FROM Teams t JOIN Channels c ON c.TeamId = t.Id GROUP BY t.DisplayName ORDER BY 2 DESC, 1")
	require.Len(t, rows, len(srv.Tenant().Teams()))
	prev := 1 << 30
	for _, r := range rows {
		n, err := strconv.Atoi(r[1])
		require.NoError(t, err)
		assert.LessOrEqual(t, n, prev)
		prev = n
		var tmID string
		for _, tm := range srv.Tenant().Teams() {
			if tm.DisplayName == r[0] {
				tmID = tm.ID
			}
		}
		chans, _ := srv.Tenant().Channels(tmID)
		assert.Equal(t, len(chans), n, r[0])
	}
}

func TestAggregatesHavingDistinct(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	users := srv.Tenant().Users()
	depts := map[string]int{}
	for _, u := range users {
		if u.Department != "" {
			depts[u.Department]++
		}
	}
	rows := queryStrings(t, db, "SELECT COUNT(*), COUNT(Department), COUNT(DISTINCT Department), MIN(DisplayName), MAX(CreatedDateTime) FROM Users")
	require.Len(t, rows, 1)
	assert.Equal(t, strconv.Itoa(len(users)), rows[0][0])
	assert.Equal(t, strconv.Itoa(len(depts)), rows[0][2])

	rows = queryStrings(t, db, "SELECT Department, COUNT(*) AS n FROM Users WHERE Department IS NOT NULL GROUP BY Department HAVING COUNT(*) >= 2 ORDER BY n DESC, Department")
	for _, r := range rows {
		n, _ := strconv.Atoi(r[1])
		assert.Equal(t, depts[r[0]], n)
		assert.GreaterOrEqual(t, n, 2)
	}
	distinct := queryStrings(t, db, "SELECT DISTINCT Department FROM Users WHERE Department IS NOT NULL")
	assert.Len(t, distinct, len(depts))

	empty := queryStrings(t, db, "SELECT COUNT(*), SUM(LENGTH(DisplayName)) FROM Users WHERE DisplayName = 'nobody at all'")
	assert.Equal(t, [][]string{{"0", "NULL"}}, empty)
}

func TestSubqueries(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	rows := queryStrings(t, db, "SELECT DisplayName FROM Channels WHERE TeamId IN (SELECT Id FROM Teams WHERE DisplayName = 'Engineering')")
	var eng graphtest.Team
	for _, tm := range srv.Tenant().Teams() {
		if tm.DisplayName == "Engineering" {
			eng = tm
		}
	}
	chans, _ := srv.Tenant().Channels(eng.ID)
	assert.Len(t, rows, len(chans))

	rows = queryStrings(t, db, "SELECT DisplayName FROM Users WHERE CreatedDateTime = (SELECT MAX(CreatedDateTime) FROM Users)")
	assert.Len(t, rows, 1)
}

func TestExplainShowsRequestsAndDriverWork(t *testing.T) {
	_, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	lines := column(queryStrings(t, db, "EXPLAIN SELECT DisplayName FROM Users WHERE AccountEnabled = true AND DisplayName LIKE '%a%' LIMIT 5"), 0)
	assert.Equal(t, []string{
		"GET /users?$select=id,displayName,accountEnabled&$filter=accountEnabled eq true&$top=999",
		"driver: filter rows with the WHERE clause",
		"driver: skip 0, return at most 5 rows",
	}, lines)

	lines = column(queryStrings(t, db, "EXPLAIN SELECT c.DisplayName FROM Teams t JOIN Channels c ON c.TeamId = t.Id"), 0)
	joined := strings.Join(lines, "\n")
	assert.Contains(t, joined, "nested loop")
	assert.Contains(t, joined, "GET /teams/{t.Id}/channels")

	lines = column(queryStrings(t, db, "EXPLAIN ANALYZE SELECT Id FROM Teams"), 0)
	joined = strings.Join(lines, "\n")
	assert.Contains(t, joined, "analyze: Graph requests: 1 (1 pages)")
	assert.Contains(t, joined, "analyze: rows returned: ")
	assert.Contains(t, joined, "analyze: HTTP requests incl. retries: 1, throttled responses: 0 (Retry-After 0s)")

	// Replies beyond the inline ones are followed through links: ANALYZE counts those too.
	lines = column(queryStrings(t, db, "EXPLAIN ANALYZE SELECT COUNT(*) FROM ChannelMessages"), 0)
	assert.Contains(t, strings.Join(lines, "\n"), "analyze: rows returned: 1")
}

func TestMetadataTables(t *testing.T) {
	_, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	tables := column(queryStrings(t, db, "SHOW TABLES"), 0)
	assert.Subset(t, tables, []string{"Teams", "Channels", "Users", "sys_tables"})

	desc := queryStrings(t, db, "DESCRIBE Channels")
	require.NotEmpty(t, desc)
	assert.Equal(t, []string{"Id", "VARCHAR", "false", "true"}, desc[0][:4])

	keys := queryStrings(t, db, "SELECT ColumnName, ReferencedTableName, ReferencedColumnName FROM sys_keycolumns WHERE TableName = 'Channels' AND IsForeignKey")
	assert.Contains(t, keys, []string{"TeamId", "Teams", "Id"})

	cols := queryStrings(t, db, "SELECT COLUMN_NAME, DATA_TYPE FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_NAME = 'Teams' AND COLUMN_NAME = 'CreatedDateTime'")
	assert.Equal(t, [][]string{{"CreatedDateTime", "DATETIME"}}, cols)

	_, err := db.Query("DESCRIBE Teamz")
	assert.ErrorContains(t, err, "did you mean Teams")
}

func TestProcedureMetadata(t *testing.T) {
	_, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	procs := column(queryStrings(t, db, "SELECT ProcedureName FROM sys_procedures ORDER BY ProcedureName"), 0)
	assert.Equal(t, []string{"GetOAuthAccessToken", "GetOAuthAuthorizationURL", "RefreshOAuthAccessToken"}, procs)
	params := queryStrings(t, db, "SELECT ColumnName, Direction FROM sys_procedureparameters WHERE ProcedureName = 'RefreshOAuthAccessToken' ORDER BY Ordinal")
	assert.Contains(t, params, []string{"OAuthRefreshToken", "1"})
	assert.Contains(t, params, []string{"ExpiresIn", "4"})
}

func TestJoinWithoutEqualityComparesEveryPair(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	srv.ResetRequests()
	rows := queryStrings(t, db, "SELECT t.DisplayName, u.DisplayName FROM Teams t, Users u WHERE u.Department LIKE CONCAT(t.DisplayName, '%') AND u.JobTitle IS NOT NULL")
	require.NotEmpty(t, rows)
	for _, r := range rows {
		assert.NotEmpty(t, r[1])
	}
	assert.Len(t, graphRequests(srv), 2, "each table is read once")
	plan := strings.Join(column(queryStrings(t, db, "EXPLAIN SELECT t.Id FROM Teams t, Users u WHERE u.Department LIKE CONCAT(t.DisplayName, '%')"), 0), "\n")
	assert.Contains(t, plan, "nested loop over Users read once")
}

func TestAggregateInJoinConditionIsRefused(t *testing.T) {
	_, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	_, err := db.Query("SELECT t.DisplayName, COUNT(*) FROM Teams t JOIN Channels c ON COUNT(*) > 0 GROUP BY t.DisplayName")
	assert.ErrorContains(t, err, "COUNT() is not allowed here")
}

func TestSelectWithoutFrom(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	srv.ResetRequests()
	rows := queryStrings(t, db, "SELECT 1, 'x' AS y, UPPER('a')")
	assert.Equal(t, [][]string{{"1", "x", "A"}}, rows)
	assert.Empty(t, graphRequests(srv), "a connection check costs no Graph request")
}
