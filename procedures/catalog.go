// Package procedures runs the driver's stored procedures, called as the
// CData driver calls them:
//
//	EXECUTE GetOAuthAuthorizationURL @CallbackURL = 'http://localhost:33333', @Scope = ?
//	EXEC GetOAuthAccessToken AuthMode = 'WEB', Verifier = @code
//	CALL RefreshOAuthAccessToken('0.AX...')
//	CALL GetOAuthAccessToken(AuthMode => 'APP', Verifier => ?)
//
// Parse reads a call and binds its arguments; Run executes it against an Env
// (the connection's OAuth client) and returns the result set. All lists the
// procedures with their parameters, for the sys_procedures and
// sys_procedureparameters system tables.
package procedures

import "strings"

// Direction says whether a parameter is passed in or returned as a column of
// the result set.
type Direction string

// Directions.
const (
	In  Direction = "IN"
	Out Direction = "OUT"
)

// Param is one parameter of a procedure.
type Param struct {
	Name        string
	Type        string // VARCHAR or BIGINT
	Direction   Direction
	Required    bool
	Default     string // shown in sys_procedureparameters; "" = none
	Description string
}

// Procedure is a stored procedure: its inputs, then its result columns as
// OUT parameters.
type Procedure struct {
	Name, Description string
	Params            []Param
}

// Procedure names.
const (
	GetOAuthAuthorizationURL = "GetOAuthAuthorizationURL"
	GetOAuthAccessToken      = "GetOAuthAccessToken"
	RefreshOAuthAccessToken  = "RefreshOAuthAccessToken"
)

var tokenOutputs = []Param{
	{Name: "OAuthAccessToken", Type: "VARCHAR", Direction: Out, Description: "The access token for Microsoft Graph."},
	{Name: "OAuthRefreshToken", Type: "VARCHAR", Direction: Out, Description: "The refresh token that obtains the next access token. Entra ID rotates it: use the newest one."},
	{Name: "ExpiresIn", Type: "BIGINT", Direction: Out, Description: "Seconds the access token stays valid; -1 when it does not expire."},
}

var catalog = []Procedure{
	{
		Name:        GetOAuthAuthorizationURL,
		Description: "Returns the Microsoft Entra ID sign-in URL. Open it in a browser; after sign-in the browser is redirected to CallbackURL with a code parameter, which GetOAuthAccessToken (Verifier) or the OAuthVerifier property exchanges for tokens. The PKCE verifier of the URL is kept for that exchange.",
		Params: []Param{
			{Name: "CallbackURL", Type: "VARCHAR", Direction: In, Default: "the CallbackURL property", Description: "The redirect URI registered for the app, where the code is delivered."},
			{Name: "Scope", Type: "VARCHAR", Direction: In, Default: "the Scope property", Description: "Space-separated scopes to request; offline_access is needed for a refresh token."},
			{Name: "State", Type: "VARCHAR", Direction: In, Default: "random", Description: "Opaque value returned with the code, to match the redirect to this request."},
			{Name: "Prompt", Type: "VARCHAR", Direction: In, Default: "select_account", Description: "select_account, login, consent or none."},
			{Name: "URL", Type: "VARCHAR", Direction: Out, Description: "The sign-in URL to open in a browser."},
		},
	},
	{
		Name:        GetOAuthAccessToken,
		Description: "Exchanges the code from the sign-in redirect for an access and a refresh token. AuthMode=APP also saves them to OAuthSettingsLocation; AuthMode=WEB only returns them.",
		Params: append([]Param{
			{Name: "AuthMode", Type: "VARCHAR", Direction: In, Default: "APP", Description: "APP saves the tokens to OAuthSettingsLocation; WEB returns them without saving (web applications keep them themselves)."},
			{Name: "Verifier", Type: "VARCHAR", Direction: In, Required: true, Description: "The code parameter of the URL the sign-in page redirected to."},
			{Name: "CallbackURL", Type: "VARCHAR", Direction: In, Default: "the CallbackURL property", Description: "The redirect URI used in GetOAuthAuthorizationURL."},
			{Name: "State", Type: "VARCHAR", Direction: In, Description: "The State of GetOAuthAuthorizationURL, to find the matching PKCE verifier; empty uses the newest one."},
			{Name: "Scope", Type: "VARCHAR", Direction: In, Default: "the Scope property", Description: "Space-separated scopes, as in GetOAuthAuthorizationURL."},
			{Name: "Prompt", Type: "VARCHAR", Direction: In, Description: "Accepted for compatibility; the exchange does not prompt."},
		}, tokenOutputs...),
	},
	{
		Name:        RefreshOAuthAccessToken,
		Description: "Redeems a refresh token for a new access token and a new refresh token (the old one stops working). When OAuthSettingsLocation holds the same refresh token, the stored tokens are replaced.",
		Params: append([]Param{
			{Name: "OAuthRefreshToken", Type: "VARCHAR", Direction: In, Required: true, Description: "The refresh token to redeem."},
		}, tokenOutputs...),
	},
}

// All returns every procedure, in name order. The slices are copies.
func All() []Procedure {
	out := make([]Procedure, len(catalog))
	for i, p := range catalog {
		out[i] = p
		out[i].Params = append([]Param(nil), p.Params...)
	}
	return out
}

// Lookup finds a procedure by name, case-insensitively.
func Lookup(name string) (Procedure, bool) {
	for _, p := range All() {
		if strings.EqualFold(p.Name, name) {
			return p, true
		}
	}
	return Procedure{}, false
}

func names() []string {
	out := make([]string, len(catalog))
	for i, p := range catalog {
		out[i] = p.Name
	}
	return out
}

// inputs and outputs split a procedure's parameters by direction.
func (p Procedure) inputs() []Param  { return p.byDirection(In) }
func (p Procedure) outputs() []Param { return p.byDirection(Out) }

func (p Procedure) byDirection(d Direction) []Param {
	var out []Param
	for _, param := range p.Params {
		if param.Direction == d {
			out = append(out, param)
		}
	}
	return out
}
