package msteams_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/teamsql/msteams"
	"github.com/teamsql/msteams/graphtest"
)

// emulator starts a TLS emulator and returns it with a service-principal
// DSN for it, the way a user would connect.
func emulator(t *testing.T, opts graphtest.Options) (*graphtest.Server, string) {
	t.Helper()
	opts.TLS = true
	srv, err := graphtest.NewServer(opts)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	return srv, srv.DSN()
}

func endpoints(srv *graphtest.Server) string {
	return fmt.Sprintf("GraphURL=%s;AuthorityURL=%s;SSLServerCert=%s", srv.GraphURL(), srv.AuthorityURL(), srv.CertFile())
}

func openDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("msteams", dsn)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// queryStrings runs a query whose columns all scan into strings.
func queryStrings(t *testing.T, db *sql.DB, query string, args ...any) [][]string {
	t.Helper()
	rows, err := db.QueryContext(testContext(t), query, args...)
	require.NoError(t, err)
	defer rows.Close()
	cols, err := rows.Columns()
	require.NoError(t, err)
	var out [][]string
	for rows.Next() {
		vals := make([]sql.NullString, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		require.NoError(t, rows.Scan(ptrs...))
		row := make([]string, len(cols))
		for i, v := range vals {
			row[i] = v.String
			if !v.Valid {
				row[i] = "NULL"
			}
		}
		out = append(out, row)
	}
	require.NoError(t, rows.Err())
	return out
}

func column(rows [][]string, i int) []string {
	out := make([]string, len(rows))
	for j, r := range rows {
		out[j] = r[i]
	}
	return out
}

// graphRequests returns the emulator's logged Graph requests (token
// requests left out) since the last reset.
func graphRequests(srv *graphtest.Server) []graphtest.Request {
	var out []graphtest.Request
	for _, r := range srv.Requests() {
		if strings.HasPrefix(r.Path, "/v1.0/") {
			out = append(out, r)
		}
	}
	return out
}

func describeRequests(reqs []graphtest.Request) string {
	var b strings.Builder
	for _, r := range reqs {
		fmt.Fprintf(&b, "%s %s?%s -> %d\n", r.Method, r.Path, r.Query.Encode(), r.Status)
	}
	return b.String()
}

func TestTeamsOrderedByName(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	rows := queryStrings(t, db, "SELECT Id, DisplayName FROM Teams ORDER BY DisplayName")
	var want []string
	for _, tm := range srv.Tenant().Teams() {
		want = append(want, tm.DisplayName)
	}
	require.Len(t, rows, len(want))
	names := column(rows, 1)
	assert.ElementsMatch(t, want, names)
	assert.IsNonDecreasing(t, lower(names))
}

func lower(in []string) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = strings.ToLower(s)
	}
	return out
}

func TestPushdownSelectFilterTop(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	srv.ResetRequests()
	rows := queryStrings(t, db, "SELECT DisplayName FROM Users WHERE AccountEnabled = true LIMIT 5")
	require.Len(t, rows, 5)

	reqs := graphRequests(srv)
	require.Len(t, reqs, 1, describeRequests(reqs))
	q := reqs[0].Query
	assert.Equal(t, "/v1.0/users", reqs[0].Path)
	assert.Equal(t, "accountEnabled eq true", q.Get("$filter"))
	assert.Equal(t, "5", q.Get("$top"))
	assert.ElementsMatch(t, []string{"id", "displayName", "accountEnabled"}, strings.Split(q.Get("$select"), ","))
}

func TestPushdownBindsPathKeyAndFilter(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	team := srv.Tenant().Teams()[0]
	srv.ResetRequests()
	rows := queryStrings(t, db, "SELECT DisplayName, MembershipType, TeamId FROM Channels WHERE TeamId = ? AND MembershipType = 'private'", team.ID)

	reqs := graphRequests(srv)
	require.Len(t, reqs, 1, describeRequests(reqs))
	assert.Equal(t, "/v1.0/teams/"+team.ID+"/channels", reqs[0].Path)
	assert.Equal(t, "membershipType eq 'private'", reqs[0].Query.Get("$filter"))
	channels, _ := srv.Tenant().Channels(team.ID)
	want := 0
	for _, c := range channels {
		if c.MembershipType == "private" {
			want++
		}
	}
	require.Len(t, rows, want)
	for _, r := range rows {
		assert.Equal(t, "private", r[1])
		assert.Equal(t, team.ID, r[2])
	}
}

func TestChannelsWithoutTeamFanOutOverTeams(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	srv.ResetRequests()
	rows := queryStrings(t, db, "SELECT TeamId, DisplayName FROM Channels")

	teams := srv.Tenant().Teams()
	total := 0
	for _, tm := range teams {
		chans, _ := srv.Tenant().Channels(tm.ID)
		total += len(chans)
	}
	require.Len(t, rows, total)
	reqs := graphRequests(srv)
	require.Len(t, reqs, 1+len(teams), describeRequests(reqs))
	assert.Equal(t, "/v1.0/teams", reqs[0].Path)
	assert.Equal(t, "id", reqs[0].Query.Get("$select"))
	// Up to four teams' channels are read at once, so the requests may
	// arrive in any order; the rows still come out team by team.
	var want, got []string
	order := map[string]int{}
	for i, tm := range teams {
		want = append(want, "/v1.0/teams/"+tm.ID+"/channels")
		order[tm.ID] = i
	}
	for _, r := range reqs[1:] {
		got = append(got, r.Path)
	}
	assert.ElementsMatch(t, want, got)
	for i := 1; i < len(rows); i++ {
		assert.LessOrEqual(t, order[rows[i-1][0]], order[rows[i][0]], "rows follow the teams' order")
	}
}

func TestChannelsForSeveralTeamsWithIn(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	teams := srv.Tenant().Teams()
	srv.ResetRequests()
	rows := queryStrings(t, db, "SELECT TeamId FROM Channels WHERE TeamId IN (?, ?)", teams[1].ID, teams[2].ID)
	assert.Subset(t, []string{teams[1].ID, teams[2].ID}, column(rows, 0))
	reqs := graphRequests(srv)
	require.Len(t, reqs, 2, describeRequests(reqs))
}

func TestResidualPredicateRunsInDriver(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	srv.ResetRequests()
	// Graph has no endswith for teams, so LIKE '%ing' is evaluated by the
	// driver, and the LIMIT cannot be pushed either.
	rows := queryStrings(t, db, "SELECT DisplayName FROM Teams WHERE DisplayName LIKE '%ing' AND Visibility = 'public' LIMIT 10")
	var want []string
	for _, tm := range srv.Tenant().Teams() {
		if strings.HasSuffix(strings.ToLower(tm.DisplayName), "ing") && tm.Visibility != "private" {
			want = append(want, tm.DisplayName)
		}
	}
	require.NotEmpty(t, want)
	assert.ElementsMatch(t, want, column(rows, 0))
	reqs := graphRequests(srv)
	require.Len(t, reqs, 1)
	assert.Equal(t, "visibility eq 'public'", reqs[0].Query.Get("$filter"))
	assert.NotEqual(t, "10", reqs[0].Query.Get("$top"))
}

func TestWhereOperators(t *testing.T) {
	_, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	cases := map[string]struct {
		where string
		args  []any
		check func(t *testing.T, rows [][]string)
	}{
		"startswith pushed": {"Department LIKE 'eng%'", nil, func(t *testing.T, rows [][]string) {
			require.NotEmpty(t, rows)
			for _, r := range rows {
				assert.True(t, strings.HasPrefix(strings.ToLower(r[1]), "eng"), r[1])
			}
		}},
		"not equal": {"Department <> 'Engineering' AND Department IS NOT NULL", nil, func(t *testing.T, rows [][]string) {
			require.NotEmpty(t, rows)
			for _, r := range rows {
				assert.NotEqual(t, "Engineering", r[1])
			}
		}},
		"is null": {"Department IS NULL", nil, func(t *testing.T, rows [][]string) {
			require.NotEmpty(t, rows)
			for _, r := range rows {
				assert.Equal(t, "NULL", r[1])
			}
		}},
		"in and or": {"Department IN ('Sales', 'Finance') OR JobTitle = ?", []any{"CEO"}, func(t *testing.T, rows [][]string) {
			require.NotEmpty(t, rows)
			for _, r := range rows {
				assert.True(t, r[1] == "Sales" || r[1] == "Finance" || r[2] == "CEO", r)
			}
		}},
		"not": {"NOT (AccountEnabled = true)", nil, func(t *testing.T, rows [][]string) {
			require.NotEmpty(t, rows)
			for _, r := range rows {
				assert.Equal(t, "false", r[3])
			}
		}},
		"range on datetime": {"CreatedDateTime >= ? AND CreatedDateTime < '2100-01-01'", []any{time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)}, func(t *testing.T, rows [][]string) {
			require.NotEmpty(t, rows)
		}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			tc.check(t, queryStrings(t, db, "SELECT DisplayName, Department, JobTitle, AccountEnabled FROM Users WHERE "+tc.where, tc.args...))
		})
	}
}

func TestPagingAcrossPages(t *testing.T) {
	tenant := graphtest.NewTenant("11111111-2222-3333-4444-555555555555", "paging.onmicrosoft.com")
	graphtest.GenerateUsers(tenant, 2500)
	srv, dsn := emulator(t, graphtest.Options{Tenant: tenant})
	db := openDB(t, dsn+";Pagesize=400")
	srv.ResetRequests()
	rows := queryStrings(t, db, "SELECT Id FROM Users")
	require.Len(t, rows, 2500)
	seen := map[string]bool{}
	for _, r := range rows {
		require.False(t, seen[r[0]], "duplicate %s", r[0])
		seen[r[0]] = true
	}
	reqs := graphRequests(srv)
	require.Len(t, reqs, 7, describeRequests(reqs)) // ceil(2500/400)
	assert.Equal(t, "400", reqs[0].Query.Get("$top"))
	for _, r := range reqs[1:] {
		assert.NotEmpty(t, r.Query.Get("$skiptoken"))
	}
}

func TestRowsStreamPageByPage(t *testing.T) {
	tenant := graphtest.NewTenant("11111111-2222-3333-4444-555555555555", "paging.onmicrosoft.com")
	graphtest.GenerateUsers(tenant, 1000)
	srv, dsn := emulator(t, graphtest.Options{Tenant: tenant})
	db := openDB(t, dsn+";Pagesize=100")
	srv.ResetRequests()
	rows, err := db.QueryContext(testContext(t), "SELECT DisplayName FROM Users")
	require.NoError(t, err)
	require.True(t, rows.Next())
	assert.Len(t, graphRequests(srv), 1, "the first row must arrive before the second page is asked for")
	for i := 1; i < 150; i++ {
		require.True(t, rows.Next())
	}
	assert.Len(t, graphRequests(srv), 2)
	require.NoError(t, rows.Close())
	assert.Len(t, graphRequests(srv), 2, "closing stops paging")
}

func TestColumnTypesAndScanning(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	team := srv.Tenant().Teams()[0]
	rows, err := db.QueryContext(testContext(t), "SELECT Id, IsArchived, CreatedDateTime, MemberSettings FROM Teams WHERE Id = ?", team.ID)
	require.NoError(t, err)
	defer rows.Close()
	types, err := rows.ColumnTypes()
	require.NoError(t, err)
	var names []string
	for _, ct := range types {
		names = append(names, ct.DatabaseTypeName())
	}
	assert.Equal(t, []string{"VARCHAR", "BOOLEAN", "DATETIME", "JSON"}, names)
	nullable, ok := types[0].Nullable()
	assert.True(t, ok)
	assert.False(t, nullable, "Id is never NULL")
	assert.Equal(t, reflect.TypeFor[sql.NullTime](), types[2].ScanType())

	require.True(t, rows.Next())
	var id, settings string
	var archived bool
	var created time.Time
	require.NoError(t, rows.Scan(&id, &archived, &created, &settings))
	assert.Equal(t, team.ID, id)
	assert.Equal(t, team.IsArchived, archived)
	assert.True(t, created.Equal(team.CreatedDateTime), "%v vs %v", created, team.CreatedDateTime)
	assert.True(t, strings.HasPrefix(settings, "{") && strings.Contains(settings, "allowCreateUpdateChannels"), settings)
	assert.False(t, rows.Next())
}

func TestGetByKeyAndMissingEntity(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	user := srv.Tenant().Users()[3]
	srv.ResetRequests()
	rows := queryStrings(t, db, "SELECT DisplayName FROM Users WHERE Id = ?", user.ID)
	require.Equal(t, [][]string{{user.DisplayName}}, rows)
	reqs := graphRequests(srv)
	require.Len(t, reqs, 1)
	assert.Equal(t, "/v1.0/users/"+user.ID, reqs[0].Path)

	rows = queryStrings(t, db, "SELECT DisplayName FROM Teams WHERE Id = 'no-such-team'")
	assert.Empty(t, rows, "a missing entity is no row, not an error")
}

func TestOrderByLimitOffsetAndProjection(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	srv.ResetRequests()
	rows := queryStrings(t, db, "SELECT DisplayName AS name, UPPER(Department) dept FROM Users WHERE Department = 'Engineering' ORDER BY name DESC LIMIT 3 OFFSET 1")
	var want []string
	for _, u := range srv.Tenant().Users() {
		if u.Department == "Engineering" {
			want = append(want, u.DisplayName)
		}
	}
	require.Greater(t, len(want), 4)
	sortDesc(want)
	assert.Equal(t, want[1:4], column(rows, 0))
	for _, r := range rows {
		assert.Equal(t, "ENGINEERING", r[1])
	}
}

func sortDesc(s []string) {
	for i := range s {
		for j := i + 1; j < len(s); j++ {
			if strings.ToLower(s[j]) > strings.ToLower(s[i]) {
				s[i], s[j] = s[j], s[i]
			}
		}
	}
}

func TestOrderByPushedForUsers(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	srv.ResetRequests()
	rows := queryStrings(t, db, "SELECT DisplayName FROM Users ORDER BY DisplayName LIMIT 4")
	require.Len(t, rows, 4)
	reqs := graphRequests(srv)
	require.Len(t, reqs, 1)
	assert.Equal(t, "displayName", reqs[0].Query.Get("$orderby"))
	assert.Equal(t, "4", reqs[0].Query.Get("$top"))
	assert.IsNonDecreasing(t, lower(column(rows, 0)))
}

func TestNamedParameters(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	team := srv.Tenant().Teams()[2]
	rows := queryStrings(t, db, "SELECT DisplayName FROM Teams WHERE Id = @id", sql.Named("id", team.ID))
	assert.Equal(t, [][]string{{team.DisplayName}}, rows)
	rows = queryStrings(t, db, "SELECT DisplayName FROM Teams WHERE Id = :id", sql.Named("id", team.ID))
	assert.Equal(t, [][]string{{team.DisplayName}}, rows)
}

func TestPreparedStatementReplansPerExecution(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	stmt, err := db.PrepareContext(testContext(t), "SELECT DisplayName FROM Teams WHERE Id = ?")
	require.NoError(t, err)
	defer stmt.Close()
	for _, tm := range srv.Tenant().Teams()[:3] {
		var name string
		require.NoError(t, stmt.QueryRowContext(testContext(t), tm.ID).Scan(&name))
		assert.Equal(t, tm.DisplayName, name)
	}
}

func TestMaxRows(t *testing.T) {
	_, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn+";MaxRows=3")
	assert.Len(t, queryStrings(t, db, "SELECT Id FROM Users"), 3)
}

func TestUnauthorizedTokens(t *testing.T) {
	srv, _ := emulator(t, graphtest.Options{})
	token := srv.IssueToken("", time.Hour)
	db := openDB(t, "AuthScheme=AzureAD;InitiateOAuth=OFF;OAuthAccessToken="+token+";"+endpoints(srv))
	require.NoError(t, db.PingContext(testContext(t)))

	srv.RevokeAllTokens()
	_, err := db.QueryContext(testContext(t), "SELECT Id FROM Teams")
	require.Error(t, err)
	assert.ErrorIs(t, err, msteams.ErrUnauthorized)
	var gerr *msteams.GraphError
	require.ErrorAs(t, err, &gerr)
	assert.Equal(t, "InvalidAuthenticationToken", gerr.Code)
	assert.NotContains(t, err.Error(), token)

	db = openDB(t, "AuthScheme=AzureAD;InitiateOAuth=OFF;OAuthAccessToken=not-a-token;"+endpoints(srv))
	assert.ErrorIs(t, db.PingContext(testContext(t)), msteams.ErrUnauthorized)
}

func TestExpiredTokenIsRefusedByGraph(t *testing.T) {
	srv, _ := emulator(t, graphtest.Options{})
	token := srv.IssueToken("", time.Millisecond)
	time.Sleep(5 * time.Millisecond)
	db := openDB(t, "AuthScheme=AzureAD;InitiateOAuth=OFF;OAuthAccessToken="+token+";"+endpoints(srv))
	_, err := db.QueryContext(testContext(t), "SELECT Id FROM Teams")
	assert.ErrorIs(t, err, msteams.ErrUnauthorized)
}

func TestWrongClientSecret(t *testing.T) {
	srv, _ := emulator(t, graphtest.Options{})
	secret := "definitely-wrong-secret-value"
	db := openDB(t, fmt.Sprintf("AuthScheme=AzureServicePrincipal;AzureTenant=%s;OAuthClientId=%s;OAuthClientSecret=%s;%s",
		srv.TenantID(), srv.ClientID(), secret, endpoints(srv)))
	err := db.PingContext(testContext(t))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), secret)
	assert.Contains(t, err.Error(), "OAuthClientSecret")
}

func TestCancellationStopsQuery(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	require.NoError(t, db.PingContext(testContext(t))) // fetch the token first
	srv.SetLatency(time.Minute)
	ctx, cancel := context.WithCancel(context.Background())
	go func() {
		time.Sleep(50 * time.Millisecond)
		cancel()
	}()
	_, err := db.QueryContext(ctx, "SELECT Id FROM Teams")
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.Canceled), "got %v", err)
}

func TestTimeoutPropertyStopsQuery(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn+";Timeout=1")
	require.NoError(t, db.PingContext(testContext(t)))
	srv.SetLatency(time.Minute)
	_, err := db.QueryContext(testContext(t), "SELECT Id FROM Teams")
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "got %v", err)
}

func TestSQLErrors(t *testing.T) {
	_, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	cases := map[string]struct {
		query string
		is    error
		says  []string
	}{
		"unknown table":       {"SELECT * FROM Teamz", nil, []string{"unknown table Teamz", "did you mean Teams"}},
		"unknown column":      {"SELECT DisplayNam FROM Teams", nil, []string{"unknown column DisplayNam", "did you mean DisplayName"}},
		"syntax":              {"SELEC * FROM Teams", nil, []string{"syntax error"}},
		"aggregate in where":  {"SELECT Id FROM Teams WHERE COUNT(*) > 1", nil, []string{"COUNT() is not allowed here"}},
		"right join":          {"SELECT * FROM Teams t RIGHT JOIN Channels c ON c.TeamId = t.Id", msteams.ErrNotSupported, []string{"RIGHT JOIN"}},
		"union":               {"SELECT Id FROM Teams UNION SELECT Id FROM Users", msteams.ErrNotSupported, []string{"UNION"}},
		"correlated subquery": {"SELECT Id FROM Teams t WHERE EXISTS (SELECT 1 FROM Channels c WHERE c.TeamId = t.Id)", nil, []string{"outer query"}},
		"missing parameter":   {"SELECT * FROM Teams WHERE Id = ?", nil, []string{"no value for parameter"}},
		"bad limit":           {"SELECT * FROM Teams LIMIT 'x'", nil, []string{"LIMIT"}},
		"bad order position":  {"SELECT Id FROM Teams ORDER BY 3", nil, []string{"ORDER BY 3"}},
		"ambiguous condition": {"SELECT Id FROM Teams WHERE DisplayName", nil, []string{"true or false"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := db.QueryContext(testContext(t), tc.query)
			require.Error(t, err)
			if tc.is != nil {
				assert.ErrorIs(t, err, tc.is)
			}
			for _, s := range tc.says {
				assert.Contains(t, err.Error(), s)
			}
		})
	}
}

func TestWritesAndTransactionsAreRefused(t *testing.T) {
	_, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	_, err := db.ExecContext(testContext(t), "DELETE FROM Teams WHERE Id = 'x'")
	assert.ErrorIs(t, err, msteams.ErrNotSupported)
	_, err = db.QueryContext(testContext(t), "INSERT INTO Teams (DisplayName) VALUES ('x')")
	assert.ErrorIs(t, err, msteams.ErrNotSupported)
	_, err = db.BeginTx(testContext(t), nil)
	assert.ErrorIs(t, err, msteams.ErrNotSupported)
}

func TestDSNErrorsThroughDatabaseSQL(t *testing.T) {
	const secret = "s3cr3t-value-never-shown"
	cases := map[string]struct {
		dsn  string
		says []string
	}{
		"unknown key":      {"AuthSchem=AzureAD", []string{"AuthSchem", "AuthScheme"}},
		"bad enum":         {"AuthScheme=Password", []string{"AzureAD", "AzureServicePrincipal", "AzureMSI"}},
		"duplicate":        {"AzureTenant=a;TenantId=b", []string{"AzureTenant"}},
		"unterminated":     {"OAuthClientSecret='" + secret, []string{"OAuthClientSecret"}},
		"http not allowed": {"AuthScheme=AzureMSI;GraphURL=http://graph.example.com/v1.0", []string{"GraphURL", "https"}},
		"missing keys":     {"AuthScheme=AzureServicePrincipal;OAuthClientSecret=" + secret, []string{"OAuthClientId", "AzureTenant"}},
		"bad number":       {"AuthScheme=AzureMSI;Timeout=soon", []string{"Timeout"}},
		"no client id":     {"AuthScheme=AzureAD;InitiateOAuth=GETANDREFRESH", []string{"OAuthClientId"}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := sql.Open("msteams", tc.dsn)
			require.Error(t, err)
			var dsnErr *msteams.DSNError
			assert.ErrorAs(t, err, &dsnErr)
			for _, s := range tc.says {
				assert.Contains(t, err.Error(), s)
			}
			assert.NotContains(t, err.Error(), secret)
		})
	}
}

func TestOpenDBWithConnector(t *testing.T) {
	srv, _ := emulator(t, graphtest.Options{})
	cfg := msteams.NewConfig()
	cfg.AuthScheme = msteams.AuthAzureServicePrincipal
	cfg.AzureTenant = srv.TenantID()
	cfg.OAuthClientID = srv.ClientID()
	cfg.OAuthClientSecret = srv.ClientSecret()
	cfg.GraphURL = srv.GraphURL()
	cfg.AuthorityURL = srv.AuthorityURL()
	cfg.SSLServerCert = srv.CertFile()
	connector, err := msteams.NewConnector(cfg)
	require.NoError(t, err)
	db := sql.OpenDB(connector)
	defer db.Close()
	var n int
	rows, err := db.QueryContext(testContext(t), "SELECT Id FROM Teams")
	require.NoError(t, err)
	for rows.Next() {
		n++
	}
	assert.Equal(t, len(srv.Tenant().Teams()), n)
	assert.NotContains(t, fmt.Sprintf("%v %+v", connector.Config(), connector.Config()), srv.ClientSecret())
}

func TestSecretsNeverInRequestLog(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	queryStrings(t, db, "SELECT Id FROM Teams")
	for _, r := range srv.Requests() {
		assert.Empty(t, r.Header.Get("Authorization"))
		assert.NotContains(t, url.Values(r.Query).Encode(), srv.ClientSecret())
	}
}

// Timeout bounds each Graph call, not the whole query: a long listing of
// quick pages completes even when it takes longer than Timeout in total.
func TestTimeoutIsPerGraphCall(t *testing.T) {
	tenant := graphtest.NewTenant("11111111-2222-3333-4444-555555555555", "paging.onmicrosoft.com")
	graphtest.GenerateUsers(tenant, 40)
	srv, dsn := emulator(t, graphtest.Options{Tenant: tenant})
	db := openDB(t, dsn+";Timeout=2;Pagesize=10")
	require.NoError(t, db.PingContext(testContext(t)))
	srv.SetLatency(700 * time.Millisecond) // 4 pages: 2.8 s in total, 0.7 s each
	rows := queryStrings(t, db, "SELECT Id FROM Users")
	assert.Len(t, rows, 40)
}

func TestLogFileByVerbosity(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	dir := t.TempDir()
	for verbosity, want := range map[int][]string{
		0: nil,
		1: {"GET /teams?$select=id,displayName"},
		2: {"query: SELECT DisplayName FROM Teams WHERE Visibility = ?", "plan:  GET /teams?$select=id,displayName,visibility&$filter=visibility eq 'public'", "GET /teams"},
	} {
		path := filepath.Join(dir, fmt.Sprintf("v%d.log", verbosity))
		db := openDB(t, fmt.Sprintf("%s;LogFile=%s;Verbosity=%d", dsn, path, verbosity))
		queryStrings(t, db, "SELECT DisplayName FROM Teams WHERE Visibility = ?", "public")
		require.NoError(t, db.Close())
		data, _ := os.ReadFile(path)
		for _, w := range want {
			assert.Contains(t, string(data), w, "Verbosity=%d", verbosity)
		}
		if want == nil {
			assert.Empty(t, data)
		}
		assert.NotContains(t, string(data), srv.ClientSecret())
		assert.NotContains(t, string(data), "Bearer")
	}
}
