package procedures

import (
	"database/sql/driver"
	"testing"
)

// FuzzParse feeds arbitrary procedure calls to the parser: any outcome but
// a panic is fine.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"EXEC GetOAuthAuthorizationURL @CallbackURL = 'http://localhost:33333', @Scope = ?",
		"EXECUTE GetOAuthAccessToken AuthMode = 'WEB', Verifier = @code",
		"CALL RefreshOAuthAccessToken('abc')",
		"CALL GetOAuthAuthorizationURL(CallbackURL => 'x', State => ?)",
		"EXEC GetOAuthAuthorizationURL @Prompt = 'it''s'",
		"CALL X(",
		"EXEC",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, query string) {
		args := []driver.NamedValue{{Ordinal: 1, Value: "v1"}, {Name: "code", Value: "c"}}
		call, err := Parse(query, args)
		if err == nil && call == nil {
			t.Fatal("no call and no error")
		}
	})
}
