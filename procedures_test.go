package msteams_test

import (
	"context"
	"database/sql"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/teamsql/msteams/graphtest"
)

// procedureDB is an OFF connection with an app registration: enough for the
// OAuth procedures, which need no token.
func procedureDB(t *testing.T) (*graphtest.Server, *sql.DB) {
	isolateConfigDir(t)
	srv, _ := emulator(t, graphtest.Options{})
	return srv, openDB(t, delegatedDSN(srv, "InitiateOAuth=OFF;CallbackURL=http://localhost:40404/cb"))
}

func TestProcedureCallSyntaxesThroughDatabaseSQL(t *testing.T) {
	_, db := procedureDB(t)
	ctx := testContext(t)
	calls := []struct {
		query string
		args  []any
	}{
		{"EXECUTE GetOAuthAuthorizationURL @State = 'st', @Prompt = ?", []any{"login"}},
		{"EXEC GetOAuthAuthorizationURL State = 'st', Prompt = 'login'", nil},
		{"exec getoauthauthorizationurl @State = @s, @Prompt = :p", []any{sql.Named("s", "st"), sql.Named("p", "login")}},
		{"CALL GetOAuthAuthorizationURL(NULL, NULL, 'st', 'login')", nil},
		{"CALL GetOAuthAuthorizationURL(State => ?, Prompt => ?)", []any{"st", "login"}},
		{"EXEC GetOAuthAuthorizationURL", []any{sql.Named("State", "st"), sql.Named("Prompt", "login")}},
	}
	for _, c := range calls {
		rows, err := db.QueryContext(ctx, c.query, c.args...)
		require.NoError(t, err, c.query)
		cols, err := rows.Columns()
		require.NoError(t, err)
		assert.Equal(t, []string{"URL"}, cols)
		types, err := rows.ColumnTypes()
		require.NoError(t, err)
		assert.Equal(t, "VARCHAR", types[0].DatabaseTypeName())
		require.True(t, rows.Next(), c.query)
		var signInURL string
		require.NoError(t, rows.Scan(&signInURL))
		assert.False(t, rows.Next(), "one row")
		require.NoError(t, rows.Close())

		u, err := url.Parse(signInURL)
		require.NoError(t, err)
		assert.Equal(t, "st", u.Query().Get("state"), c.query)
		assert.Equal(t, "login", u.Query().Get("prompt"), c.query)
		assert.Equal(t, "http://localhost:40404/cb", u.Query().Get("redirect_uri"), c.query)
	}
}

func TestProcedurePreparedAndExec(t *testing.T) {
	_, db := procedureDB(t)
	ctx := testContext(t)
	stmt, err := db.PrepareContext(ctx, "EXEC GetOAuthAuthorizationURL @CallbackURL = ?")
	require.NoError(t, err)
	defer stmt.Close()
	var signInURL string
	require.NoError(t, stmt.QueryRowContext(ctx, "http://127.0.0.1:5555/").Scan(&signInURL))
	assert.Contains(t, signInURL, url.QueryEscape("http://127.0.0.1:5555/"))

	res, err := db.ExecContext(ctx, "EXEC GetOAuthAuthorizationURL")
	require.NoError(t, err)
	_, err = res.RowsAffected()
	assert.Error(t, err, "a procedure call affects no rows")
}

func TestProcedureErrorsNameTheProblem(t *testing.T) {
	_, db := procedureDB(t)
	ctx := testContext(t)
	for query, want := range map[string]string{
		"EXEC DropEverything":                                       "unknown procedure \"DropEverything\"; the procedures are GetOAuthAuthorizationURL, GetOAuthAccessToken, RefreshOAuthAccessToken",
		"EXEC GetOAuthAuthorizationURL @Colour = 'red'":             "GetOAuthAuthorizationURL has no parameter \"Colour\"; its parameters are CallbackURL, Scope, State, Prompt",
		"EXEC RefreshOAuthAccessToken":                              "parameter OAuthRefreshToken is required",
		"EXEC GetOAuthAccessToken Verifier = 'x', AuthMode = 'CLI'": "AuthMode \"CLI\" is not valid; use APP",
		"EXEC GetOAuthAuthorizationURL Prompt = 'always'":           "Prompt \"always\" is not valid",
	} {
		_, err := db.ExecContext(ctx, query)
		require.Error(t, err, query)
		assert.Contains(t, err.Error(), want, query)
	}
}

func TestGetOAuthAccessTokenWithABadCodeExplains(t *testing.T) {
	_, db := procedureDB(t)
	_, err := db.ExecContext(context.Background(), "EXEC GetOAuthAccessToken @AuthMode = 'WEB', @Verifier = 'emucode.bogus'")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "invalid_grant")
	assert.Contains(t, err.Error(), "single-use")
	assert.NotContains(t, err.Error(), "emucode.bogus")
}
