package procedures

import (
	"database/sql/driver"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestParseCallSyntaxes(t *testing.T) {
	want := map[string]string{"CallbackURL": "http://localhost:33333", "Scope": "it's"}
	for _, tc := range []struct {
		query string
		args  []driver.NamedValue
	}{
		{query: "EXECUTE GetOAuthAuthorizationURL @CallbackURL = 'http://localhost:33333', @Scope = 'it''s'"},
		{query: "exec getoauthauthorizationurl CallbackURL='http://localhost:33333', Scope=?", args: []driver.NamedValue{{Ordinal: 1, Value: "it's"}}},
		{query: "EXEC GetOAuthAuthorizationURL @CallbackURL = @cb, @Scope = :sc;", args: []driver.NamedValue{{Name: "cb", Ordinal: 1, Value: "http://localhost:33333"}, {Name: "sc", Ordinal: 2, Value: "it's"}}},
		{query: "CALL GetOAuthAuthorizationURL('http://localhost:33333', ?)", args: []driver.NamedValue{{Ordinal: 1, Value: "it's"}}},
		{query: "CALL GetOAuthAuthorizationURL(CallbackURL => 'http://localhost:33333', Scope => 'it''s', State => NULL)"},
		{query: "EXEC GetOAuthAuthorizationURL", args: []driver.NamedValue{{Name: "CallbackURL", Ordinal: 1, Value: "http://localhost:33333"}, {Name: "Scope", Ordinal: 2, Value: []byte("it's")}}},
		{query: "EXEC [GetOAuthAuthorizationURL] -- comment\n 'http://localhost:33333', 'it''s'"},
	} {
		call, err := Parse(tc.query, tc.args)
		require.NoError(t, err, tc.query)
		assert.Equal(t, GetOAuthAuthorizationURL, call.Procedure.Name, tc.query)
		assert.Equal(t, want, call.Args, tc.query)
	}
}

func TestParseErrorsNameTheProblem(t *testing.T) {
	for query, msg := range map[string]string{
		"EXEC NoSuchProc":                                         `unknown procedure "NoSuchProc"; the procedures are GetOAuthAuthorizationURL, GetOAuthAccessToken, RefreshOAuthAccessToken`,
		"EXEC GetOAuthAccessToken @Bogus = 'x'":                   `GetOAuthAccessToken has no parameter "Bogus"; its parameters are AuthMode, Verifier, CallbackURL, State, Scope, Prompt`,
		"EXEC GetOAuthAccessToken @Verifier = ?":                  "placeholder ? number 1",
		"CALL RefreshOAuthAccessToken('a', 'b')":                  "RefreshOAuthAccessToken takes 1 parameters (OAuthRefreshToken)",
		"CALL RefreshOAuthAccessToken('a'":                        "expected a closing )",
		"EXEC GetOAuthAccessToken Verifier = 'a', 'b'":            "a positional value follows a named one",
		"EXEC GetOAuthAccessToken Verifier = 'a', Verifier = 'b'": "parameter Verifier is given twice",
		"EXEC GetOAuthAccessToken Verifier = abc":                 `"abc" at offset 36 is not a value`,
		"EXEC GetOAuthAccessToken Verifier = 'abc":                "unclosed ' string",
	} {
		_, err := Parse(query, nil)
		require.Error(t, err, query)
		assert.Contains(t, err.Error(), msg, query)
	}
	_, err := Parse("EXEC RefreshOAuthAccessToken 'a'", []driver.NamedValue{{Ordinal: 1, Value: "extra"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "1 arguments were given but the call uses 0")
}

func TestCatalogListsInputsThenOutputs(t *testing.T) {
	all := All()
	require.Len(t, all, 3)
	for _, p := range all {
		seenOut := false
		for _, param := range p.Params {
			if param.Direction == Out {
				seenOut = true
			} else {
				assert.False(t, seenOut, "%s: IN %s after an OUT parameter", p.Name, param.Name)
			}
			assert.Contains(t, []string{"VARCHAR", "BIGINT"}, param.Type)
			assert.NotEmpty(t, param.Description)
		}
	}
	all[0].Params[0].Name = "changed"
	assert.NotEqual(t, "changed", All()[0].Params[0].Name, "All returns copies")
}
