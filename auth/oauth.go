package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// DefaultCallbackURL is where the sign-in page sends the user back when
// CallbackURL is empty; register it as a redirect URI of your app
// ("Mobile and desktop applications" platform).
const DefaultCallbackURL = "http://localhost:33333"

// clockSkew is taken off every token lifetime the token endpoint reports, so
// that a clock running behind Entra's, and the time the answer took to
// arrive, never make us send a token Graph already considers expired.
const clockSkew = 30 * time.Second

// Prompt values of the authorization URL.
var prompts = []string{"select_account", "login", "consent", "none"}

// OAuthClient runs the delegated (authorization code) flow for one app
// registration: it builds sign-in URLs with PKCE, exchanges codes, refreshes
// tokens and saves them in the token store. The OAuth stored procedures and
// the AzureAD credential both use it. It never logs or prints tokens.
type OAuthClient struct {
	clientID     string
	clientSecret string
	tenant       string
	authority    string // with trailing "/"
	callbackURL  string
	scope        string
	httpClient   *http.Client
	store        Store // nil only when there is no default location (no home directory) and none is set
}

// NewOAuthClient builds the OAuth client for o's app registration. It needs
// OAuthClientId. The token store is o.SettingsLocation or the default
// location; opening it touches no file.
func NewOAuthClient(o Options) (*OAuthClient, error) {
	if strings.TrimSpace(o.ClientID) == "" {
		return nil, errNoClientID()
	}
	authority, err := authoritySettings(o)
	if err != nil {
		return nil, err
	}
	c := &OAuthClient{
		clientID:     o.ClientID,
		clientSecret: o.ClientSecret,
		tenant:       firstNonBlank(o.TenantID, "common"),
		authority:    authority.clientOptions.Cloud.ActiveDirectoryAuthorityHost,
		callbackURL:  firstNonBlank(o.CallbackURL, DefaultCallbackURL),
		scope:        firstNonBlank(o.Scope, defaultDelegatedScope(o.Cloud)),
		httpClient:   o.HTTPClient,
	}
	flow := strings.ToUpper(strings.TrimSpace(o.InitiateOAuth))
	c.store, err = OpenStore(o.SettingsLocation)
	if err != nil && (o.SettingsLocation != "" || flow == InitiateOAuthGetAndRefresh || flow == InitiateOAuthRefresh) {
		return nil, err // the flow needs the store; without one only AuthMode=WEB works
	}
	return c, nil
}

func errNoClientID() error {
	return errors.New("auth: OAuthClientId is required for AuthScheme=AzureAD sign-in: msteams ships no embedded OAuth app. " +
		"Register one in the Entra admin center (App registrations > New registration), add the redirect URI " + DefaultCallbackURL +
		" under \"Mobile and desktop applications\", grant it delegated Microsoft Graph permissions, and set OAuthClientId to its Application (client) ID")
}

// defaultDelegatedScope asks for every delegated permission the app was
// granted on Microsoft Graph, plus a refresh token.
func defaultDelegatedScope(c Cloud) string {
	graph := c.GraphScope
	if graph == "" {
		graph = "https://graph.microsoft.com/.default"
	}
	return graph + " offline_access"
}

func firstNonBlank(values ...string) string {
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v)
		}
	}
	return ""
}

// Store is the token store, nil when the client has none.
func (c *OAuthClient) Store() Store { return c.store }

func (c *OAuthClient) config(callbackURL, scope string) *oauth2.Config {
	base := c.authority + url.PathEscape(c.tenant) + "/oauth2/v2.0/"
	return &oauth2.Config{
		ClientID:     c.clientID,
		ClientSecret: c.clientSecret,
		Endpoint:     oauth2.Endpoint{AuthURL: base + "authorize", TokenURL: base + "token", AuthStyle: oauth2.AuthStyleInParams},
		RedirectURL:  firstNonBlank(callbackURL, c.callbackURL),
		Scopes:       strings.Fields(firstNonBlank(scope, c.scope)),
	}
}

func (c *OAuthClient) withHTTPClient(ctx context.Context) context.Context {
	if c.httpClient != nil {
		return context.WithValue(ctx, oauth2.HTTPClient, c.httpClient)
	}
	return ctx
}

// pendingSignIn is a PKCE verifier waiting for the code of the sign-in it
// was made for.
type pendingSignIn struct {
	verifier string
	clientID string
	created  time.Time
}

// pending holds the verifiers of authorization URLs handed out in this
// process, by state, so the matching exchange can prove it made the URL.
var pending = struct {
	sync.Mutex
	byState map[string]pendingSignIn
	latest  map[string]string // client id -> state of its newest URL
}{byState: map[string]pendingSignIn{}, latest: map[string]string{}}

// pendingLifetime bounds how long a verifier is kept: Entra's codes live
// ten minutes, so an hour covers any sign-in.
const pendingLifetime = time.Hour

func rememberVerifier(state, clientID, verifier string) {
	pending.Lock()
	defer pending.Unlock()
	now := time.Now()
	for s, p := range pending.byState {
		if now.Sub(p.created) > pendingLifetime {
			delete(pending.byState, s)
		}
	}
	pending.byState[state] = pendingSignIn{verifier: verifier, clientID: clientID, created: now}
	pending.latest[clientID] = state
}

// takeVerifier returns (and forgets) the verifier for state, or for the
// client's newest URL when state is "" (the headless OAuthVerifier flow,
// where the state is not known).
func takeVerifier(state, clientID string) string {
	pending.Lock()
	defer pending.Unlock()
	if state == "" {
		state = pending.latest[clientID]
	}
	p, ok := pending.byState[state]
	if !ok || p.clientID != clientID {
		return ""
	}
	delete(pending.byState, state)
	if pending.latest[clientID] == state {
		delete(pending.latest, clientID)
	}
	return p.verifier
}

// AuthorizationURL returns the sign-in URL for callbackURL and scope (""
// for the client's), with a PKCE challenge whose verifier is kept in this
// process for the matching ExchangeCode. state "" gets a random one; prompt
// "" means select_account.
func (c *OAuthClient) AuthorizationURL(callbackURL, scope, state, prompt string) (string, error) {
	prompt = strings.ToLower(firstNonBlank(prompt, "select_account"))
	if !contains(prompts, prompt) {
		return "", fmt.Errorf("auth: Prompt %q is not valid; use one of %s", prompt, strings.Join(prompts, ", "))
	}
	if state == "" {
		state = oauth2.GenerateVerifier()[:22]
	}
	verifier := oauth2.GenerateVerifier()
	rememberVerifier(state, c.clientID, verifier)
	return c.config(callbackURL, scope).AuthCodeURL(state, oauth2.S256ChallengeOption(verifier),
		oauth2.SetAuthURLParam("prompt", prompt)), nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// ExchangeCode redeems an authorization code (the "code" of the redirect:
// CData's Verifier / OAuthVerifier) for tokens. The PKCE verifier of the URL
// made for state (or the newest one, when state is "") is sent along.
func (c *OAuthClient) ExchangeCode(ctx context.Context, code, callbackURL, state, scope string) (Tokens, error) {
	code = strings.TrimSpace(code)
	if code == "" {
		return Tokens{}, errors.New("auth: the verifier (the code parameter of the URL the sign-in page redirected to) is required; set Verifier, or OAuthVerifier in the connection string")
	}
	var opts []oauth2.AuthCodeOption
	if verifier := takeVerifier(state, c.clientID); verifier != "" {
		opts = append(opts, oauth2.VerifierOption(verifier))
	}
	cfg := c.config(callbackURL, scope)
	tok, err := cfg.Exchange(c.withHTTPClient(ctx), code, opts...)
	if err != nil {
		return Tokens{}, c.tokenError(ctx, "exchange the authorization code", err)
	}
	return c.tokensFrom(tok, strings.Join(cfg.Scopes, " ")), nil
}

// Refresh redeems a refresh token. Entra rotates refresh tokens: the one
// returned replaces the one sent, which must not be used again.
func (c *OAuthClient) Refresh(ctx context.Context, refreshToken string) (Tokens, error) {
	if strings.TrimSpace(refreshToken) == "" {
		return Tokens{}, errors.New("auth: OAuthRefreshToken is required to refresh the access token")
	}
	cfg := c.config("", "")
	tok, err := cfg.TokenSource(c.withHTTPClient(ctx), &oauth2.Token{RefreshToken: refreshToken}).Token()
	if err != nil {
		return Tokens{}, c.tokenError(ctx, "refresh the access token", err)
	}
	t := c.tokensFrom(tok, c.scope)
	if t.RefreshToken == "" {
		t.RefreshToken = refreshToken // no rotation: the old one stays valid
	}
	return t, nil
}

func (c *OAuthClient) tokensFrom(tok *oauth2.Token, scope string) Tokens {
	t := Tokens{AccessToken: tok.AccessToken, RefreshToken: tok.RefreshToken, ClientID: c.clientID, TenantID: c.tenant, Scope: scope}
	if s, ok := tok.Extra("scope").(string); ok && s != "" {
		t.Scope = s
	}
	if !tok.Expiry.IsZero() {
		t.ExpiresAt = tok.Expiry.Add(-clockSkew)
	}
	return t
}

// Save writes tokens to the store, if there is one.
func (c *OAuthClient) Save(ctx context.Context, t Tokens) error {
	if c.store == nil {
		return errors.New("auth: there is no token store to save to; set OAuthSettingsLocation (a file path or memory://NAME)")
	}
	_, err := c.store.Update(ctx, func(Tokens, bool) (Tokens, bool, error) { return t, true, nil })
	return err
}

// RefreshAndSave refreshes refreshToken and, when the store holds that same
// refresh token (now spent), replaces the stored tokens with the new ones,
// so the store never keeps a dead refresh token.
func (c *OAuthClient) RefreshAndSave(ctx context.Context, refreshToken string) (Tokens, error) {
	if c.store == nil {
		return c.Refresh(ctx, refreshToken)
	}
	return c.store.Update(ctx, func(cur Tokens, ok bool) (Tokens, bool, error) {
		next, err := c.Refresh(ctx, refreshToken)
		return next, err == nil && ok && cur.RefreshToken == refreshToken, err
	})
}

// SignInRequiredError reports that the refresh token was refused (expired,
// revoked or already used) and the user must sign in again.
type SignInRequiredError struct {
	Code    string // e.g. "invalid_grant"
	Message string // Entra's description, first line
	Hint    string // how to sign in again
}

func (e *SignInRequiredError) Error() string {
	return fmt.Sprintf("auth: sign-in required: Microsoft Entra ID refused the refresh token (%s: %s); %s", e.Code, e.Message, e.Hint)
}

const signInAgainHint = "sign in again: connect once with InitiateOAuth=GETANDREFRESH (a browser opens), or run GetOAuthAuthorizationURL and GetOAuthAccessToken and set the new OAuthRefreshToken"

// tokenError turns a token endpoint failure into a message without the
// request or response bodies (which carry codes and tokens).
func (c *OAuthClient) tokenError(ctx context.Context, action string, err error) error {
	if ctx.Err() != nil {
		return fmt.Errorf("auth: could not %s: %w", action, ctx.Err())
	}
	var re *oauth2.RetrieveError
	if !errors.As(err, &re) {
		return fmt.Errorf("auth: could not %s at %s: %s", action, c.hostForMessages(), redactURLs(firstLine(err.Error())))
	}
	message := firstLine(re.ErrorDescription)
	if re.ErrorCode == "invalid_grant" && strings.Contains(action, "refresh") {
		return &SignInRequiredError{Code: re.ErrorCode, Message: message, Hint: signInAgainHint}
	}
	status := 0
	if re.Response != nil {
		status = re.Response.StatusCode
	}
	hint := "check OAuthClientId, OAuthClientSecret, AzureTenant and CallbackURL"
	if re.ErrorCode == "invalid_grant" {
		hint = "the code is single-use and expires after 10 minutes: sign in again with GetOAuthAuthorizationURL and use the new code at once, with the same CallbackURL"
	}
	return &TokenError{Scheme: SchemeAzureAD, Host: c.hostForMessages(), StatusCode: status, Code: re.ErrorCode,
		Message: redact(message, c.clientSecret), Hint: hint}
}

func (c *OAuthClient) hostForMessages() string {
	if u, err := url.Parse(c.authority); err == nil && u.Host != "" {
		return u.Host
	}
	return c.authority
}

// redactURLs drops query strings from URLs in transport errors.
func redactURLs(s string) string {
	if i := strings.Index(s, "?"); i >= 0 {
		end := strings.IndexAny(s[i:], " \"")
		if end < 0 {
			return s[:i]
		}
		return s[:i] + s[i+end:]
	}
	return s
}
