package msteams

import (
	"context"
	"database/sql/driver"
	"strings"
	"time"

	"github.com/teamsql/msteams/auth"
	"github.com/teamsql/msteams/procedures"
)

// isProcedureCall reports whether the statement calls a stored procedure
// (EXEC, EXECUTE or CALL), which the procedures package runs instead of the
// SQL planner.
func isProcedureCall(query string) bool {
	word := strings.ToUpper(firstWord(query))
	return word == "EXEC" || word == "EXECUTE" || word == "CALL"
}

func firstWord(s string) string {
	s = strings.TrimLeft(s, " \t\r\n(")
	end := strings.IndexFunc(s, func(r rune) bool { return r == ' ' || r == '\t' || r == '\r' || r == '\n' || r == '(' })
	if end < 0 {
		return s
	}
	return s[:end]
}

// callProcedure runs a stored procedure call and returns its result set.
func (c *Conn) callProcedure(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	call, err := procedures.Parse(query, args)
	if err != nil {
		return nil, wrapError(err)
	}
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	env, err := c.procedureEnv()
	if err != nil {
		return nil, wrapError(err)
	}
	result, err := procedures.Run(ctx, env, call)
	if err != nil {
		return nil, wrapError(err)
	}
	return result.Rows(), nil
}

// procedureEnv builds the OAuth client the procedures use from the
// connection's settings. It is cheap (no request is sent), and token stores
// and PKCE verifiers are shared process-wide, so building one per call keeps
// no state in the connection.
func (c *Conn) procedureEnv() (procedures.Env, error) {
	client, err := auth.NewOAuthClient(c.connector.authOpts)
	if err != nil {
		return nil, err
	}
	return oauthEnv{client}, nil
}

// oauthEnv adapts auth.OAuthClient to procedures.Env.
type oauthEnv struct{ client *auth.OAuthClient }

func (e oauthEnv) AuthorizationURL(callbackURL, scope, state, prompt string) (string, error) {
	return e.client.AuthorizationURL(callbackURL, scope, state, prompt)
}

func (e oauthEnv) ExchangeCode(ctx context.Context, code, callbackURL, state, scope string, save bool) (procedures.Token, error) {
	t, err := e.client.ExchangeCode(ctx, code, callbackURL, state, scope)
	if err != nil {
		return procedures.Token{}, err
	}
	if save {
		if err := e.client.Save(ctx, t); err != nil {
			return procedures.Token{}, err
		}
	}
	return procedureToken(t), nil
}

func (e oauthEnv) Refresh(ctx context.Context, refreshToken string) (procedures.Token, error) {
	t, err := e.client.RefreshAndSave(ctx, refreshToken)
	if err != nil {
		return procedures.Token{}, err
	}
	return procedureToken(t), nil
}

func procedureToken(t auth.Tokens) procedures.Token {
	return procedures.Token{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, ExpiresIn: t.ExpiresIn(time.Now())}
}
