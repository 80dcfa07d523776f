package procedures

import (
	"context"
	"fmt"
	"strings"
)

// Env is what the procedures need from the connection: its OAuth client.
type Env interface {
	// AuthorizationURL returns the sign-in URL ("" arguments take the
	// connection's defaults) and keeps its PKCE verifier for the exchange.
	AuthorizationURL(callbackURL, scope, state, prompt string) (string, error)
	// ExchangeCode redeems the code of the sign-in redirect; save also
	// writes the tokens to the connection's token store.
	ExchangeCode(ctx context.Context, code, callbackURL, state, scope string, save bool) (Token, error)
	// Refresh redeems a refresh token (updating the token store when it
	// holds that refresh token).
	Refresh(ctx context.Context, refreshToken string) (Token, error)
}

// Token is the result of GetOAuthAccessToken and RefreshOAuthAccessToken.
type Token struct {
	AccessToken  string
	RefreshToken string
	ExpiresIn    int64 // seconds; -1 = does not expire
}

// Result is a procedure's result set: one row whose columns are the
// procedure's OUT parameters.
type Result struct {
	Columns []Param
	Row     []any // string or int64 per column
}

// Run executes a parsed call.
func Run(ctx context.Context, env Env, call *Call) (*Result, error) {
	if err := checkRequired(call); err != nil {
		return nil, err
	}
	switch call.Procedure.Name {
	case GetOAuthAuthorizationURL:
		url, err := env.AuthorizationURL(call.Arg("CallbackURL"), call.Arg("Scope"), call.Arg("State"), call.Arg("Prompt"))
		if err != nil {
			return nil, err
		}
		return result(call.Procedure, url), nil
	case GetOAuthAccessToken:
		save, err := authModeSaves(call.Arg("AuthMode"))
		if err != nil {
			return nil, err
		}
		tok, err := env.ExchangeCode(ctx, call.Arg("Verifier"), call.Arg("CallbackURL"), call.Arg("State"), call.Arg("Scope"), save)
		if err != nil {
			return nil, err
		}
		return tokenResult(call.Procedure, tok), nil
	case RefreshOAuthAccessToken:
		tok, err := env.Refresh(ctx, call.Arg("OAuthRefreshToken"))
		if err != nil {
			return nil, err
		}
		return tokenResult(call.Procedure, tok), nil
	}
	return nil, fmt.Errorf("procedures: %s has no implementation", call.Procedure.Name)
}

func checkRequired(call *Call) error {
	for _, p := range call.Procedure.inputs() {
		if p.Required && strings.TrimSpace(call.Args[p.Name]) == "" {
			return fmt.Errorf("procedures: %s: parameter %s is required: %s", call.Procedure.Name, p.Name, p.Description)
		}
	}
	return nil
}

// authModeSaves reads AuthMode: APP (the default) saves the tokens, WEB
// only returns them.
func authModeSaves(mode string) (bool, error) {
	switch strings.ToUpper(strings.TrimSpace(mode)) {
	case "", "APP":
		return true, nil
	case "WEB":
		return false, nil
	}
	return false, fmt.Errorf("procedures: GetOAuthAccessToken: AuthMode %q is not valid; use APP (save the tokens to OAuthSettingsLocation) or WEB (only return them)", mode)
}

func result(proc Procedure, values ...any) *Result {
	return &Result{Columns: proc.outputs(), Row: values}
}

func tokenResult(proc Procedure, tok Token) *Result {
	return result(proc, tok.AccessToken, tok.RefreshToken, tok.ExpiresIn)
}
