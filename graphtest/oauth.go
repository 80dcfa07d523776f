package graphtest

import (
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// defaultRefreshTokenLifetime is Entra ID's inactivity lifetime of a
// refresh token.
const defaultRefreshTokenLifetime = 90 * 24 * time.Hour

// authorizationCodeLifetime is how long a code from the sign-in page may be
// redeemed, as Entra's ten minutes.
const authorizationCodeLifetime = 10 * time.Minute

// oauthState is everything the delegated and certificate flows remember:
// codes waiting to be redeemed, live and spent refresh tokens, the app's
// certificates, and the managed identity's settings.
type oauthState struct {
	mu                   sync.Mutex
	refreshTokenLifetime time.Duration
	codes                map[string]authorizationCode
	refreshTokens        map[string]refreshGrant
	redirectURIs         map[string]bool
	certificates         []*x509.Certificate
	msi                  managedIdentity
}

func newOAuthState(refreshLifetime time.Duration) *oauthState {
	if refreshLifetime <= 0 {
		refreshLifetime = defaultRefreshTokenLifetime
	}
	return &oauthState{
		refreshTokenLifetime: refreshLifetime,
		codes:                map[string]authorizationCode{},
		refreshTokens:        map[string]refreshGrant{},
		redirectURIs:         map[string]bool{},
	}
}

// authorizationCode is one sign-in's code, bound to the client, the redirect
// URI and the PKCE challenge it was issued for.
type authorizationCode struct {
	clientID      string
	redirectURI   string
	challenge     string // "" when the authorize request sent none
	method        string // "S256" or "plain"
	userID        string
	scopes        []string
	expiresAt     time.Time
	redeemed      bool
	refreshIssued bool // whether offline_access was granted
}

// refreshGrant is what a refresh token stands for. Refresh tokens rotate:
// redeeming one marks it spent, and a spent token is refused.
type refreshGrant struct {
	clientID  string
	userID    string
	scopes    []string
	expiresAt time.Time
	spent     bool
	revoked   bool
}

// SetRefreshTokenLifetime changes the lifetime of refresh tokens issued from
// now on.
func (s *Server) SetRefreshTokenLifetime(d time.Duration) {
	s.oauth.mu.Lock()
	defer s.oauth.mu.Unlock()
	if d <= 0 {
		d = defaultRefreshTokenLifetime
	}
	s.oauth.refreshTokenLifetime = d
}

// RegisterRedirectURI adds a redirect URI to the app registration. Loopback
// http URIs (localhost, 127.0.0.1, [::1], any port) are always accepted, as
// Entra accepts them for native apps.
func (s *Server) RegisterRedirectURI(uri string) {
	s.oauth.mu.Lock()
	defer s.oauth.mu.Unlock()
	s.oauth.redirectURIs[uri] = true
}

// RevokeRefreshTokens revokes every refresh token issued so far, as an admin
// revoking a user's sessions does; redeeming one then fails with invalid_grant.
func (s *Server) RevokeRefreshTokens() {
	s.oauth.mu.Lock()
	defer s.oauth.mu.Unlock()
	for value, grant := range s.oauth.refreshTokens {
		grant.revoked = true
		s.oauth.refreshTokens[value] = grant
	}
}

// IssueRefreshToken mints a refresh token for userID without a sign-in, for
// tests that start from stored tokens.
func (s *Server) IssueRefreshToken(userID string) string {
	if u, ok := s.tenant.User(userID); ok {
		userID = u.ID
	}
	value, err := s.oauth.newRefreshToken(s.app.clientID, userID, []string{graphResource + "/.default", "offline_access"})
	if err != nil {
		return ""
	}
	return value
}

func (o *oauthState) redirectAllowed(uri string) bool {
	if isLoopbackRedirect(uri) {
		return true
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.redirectURIs[uri]
}

func isLoopbackRedirect(uri string) bool {
	for _, prefix := range []string{"http://localhost", "http://127.0.0.1", "http://[::1]"} {
		if rest, ok := strings.CutPrefix(uri, prefix); ok && (rest == "" || rest[0] == ':' || rest[0] == '/') {
			return true
		}
	}
	return false
}

func (o *oauthState) newCode(code authorizationCode) (string, error) {
	value, err := randomToken(32)
	if err != nil {
		return "", err
	}
	value = "emucode." + value
	o.mu.Lock()
	defer o.mu.Unlock()
	o.codes[value] = code
	return value, nil
}

// redeemCode marks a code used and returns it; a code works once.
func (o *oauthState) redeemCode(value string) (authorizationCode, *entraError) {
	o.mu.Lock()
	defer o.mu.Unlock()
	code, ok := o.codes[value]
	switch {
	case !ok:
		return code, errInvalidGrant(9002313, "Invalid request. Request is malformed or invalid: the authorization code is not one this server issued.")
	case code.redeemed:
		return code, errInvalidGrant(54005, "OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.")
	case !time.Now().Before(code.expiresAt):
		return code, errInvalidGrant(70008, "The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.")
	}
	code.redeemed = true
	o.codes[value] = code
	return code, nil
}

func (o *oauthState) newRefreshToken(clientID, userID string, scopes []string) (string, error) {
	value, err := randomToken(48)
	if err != nil {
		return "", err
	}
	value = "emurt." + value
	o.mu.Lock()
	defer o.mu.Unlock()
	o.refreshTokens[value] = refreshGrant{clientID: clientID, userID: userID, scopes: scopes,
		expiresAt: time.Now().Add(o.refreshTokenLifetime)}
	return value, nil
}

// spendRefreshToken redeems a refresh token once: the token is spent, so the
// rotated one that replaces it must be used from now on.
func (o *oauthState) spendRefreshToken(value, clientID string) (refreshGrant, *entraError) {
	o.mu.Lock()
	defer o.mu.Unlock()
	grant, ok := o.refreshTokens[value]
	switch {
	case !ok:
		return grant, errInvalidGrant(9002313, "Invalid request. Request is malformed or invalid: the refresh token is not one this server issued.")
	case grant.revoked:
		return grant, errInvalidGrant(50173, "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password.")
	case grant.spent:
		return grant, errInvalidGrant(70008, "The provided authorization code or refresh token has expired due to inactivity or was already used. Send a new interactive authorization request for this user and resource.")
	case !time.Now().Before(grant.expiresAt):
		return grant, errInvalidGrant(700082, "The refresh token has expired due to inactivity. The token was issued on "+grant.expiresAt.Add(-o.refreshTokenLifetime).UTC().Format(time.RFC3339)+" and was inactive for "+o.refreshTokenLifetime.String()+".")
	case grant.clientID != clientID:
		return grant, errInvalidGrant(70000, "Provided grant is invalid or malformed: the refresh token was issued to a different client.")
	}
	grant.spent = true
	o.refreshTokens[value] = grant
	return grant, nil
}

func errInvalidGrant(number int, description string) *entraError {
	return &entraError{status: http.StatusBadRequest, code: "invalid_grant", number: number, description: description}
}

// grantAuthorizationCode redeems a code from the sign-in page. A confidential
// client authenticates with its secret or certificate; a public client must
// have used PKCE.
func (s *Server) grantAuthorizationCode(req *tokenRequest) (tokenGrant, *entraError) {
	value := req.form.Get("code")
	if value == "" {
		return tokenGrant{}, errMissingParameter("code")
	}
	if eerr := s.authenticateDelegatedClient(req); eerr != nil {
		return tokenGrant{}, eerr
	}
	code, eerr := s.oauth.redeemCode(value)
	if eerr != nil {
		return tokenGrant{}, eerr
	}
	if code.clientID != req.clientID {
		return tokenGrant{}, errInvalidGrant(70000, "Provided grant is invalid or malformed: the authorization code was issued to a different client.")
	}
	if code.redirectURI != req.form.Get("redirect_uri") {
		return tokenGrant{}, errInvalidGrant(500112, "The reply address '"+req.form.Get("redirect_uri")+"' does not match the reply address '"+code.redirectURI+"' provided when requesting Authorization code.")
	}
	if eerr := checkPKCE(code, req.form.Get("code_verifier")); eerr != nil {
		return tokenGrant{}, eerr
	}
	if req.clientSecret == "" && req.form.Get("client_assertion") == "" && code.challenge == "" {
		return tokenGrant{}, &entraError{status: http.StatusUnauthorized, code: "invalid_client", number: 7000218,
			description: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'."}
	}
	return s.delegatedGrant(req.clientID, code.userID, code.scopes)
}

// authenticateDelegatedClient checks the client id, and the secret or
// assertion when one is sent (a public client sends neither).
func (s *Server) authenticateDelegatedClient(req *tokenRequest) *entraError {
	if req.form.Get("client_assertion") != "" {
		return s.authenticateAssertion(req)
	}
	if req.clientSecret != "" {
		return s.authenticateClient(req)
	}
	if req.clientID == "" {
		return errMissingParameter("client_id")
	}
	if req.clientID != s.app.clientID {
		return errUnknownClient(req)
	}
	return nil
}

func errUnknownClient(req *tokenRequest) *entraError {
	return &entraError{status: http.StatusBadRequest, code: "unauthorized_client", number: 700016,
		description: fmt.Sprintf("Application with identifier '%s' was not found in the directory '%s'.", req.clientID, req.tenant)}
}

func checkPKCE(code authorizationCode, verifier string) *entraError {
	if code.challenge == "" {
		return nil
	}
	if verifier == "" {
		return errInvalidGrant(501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request: the request has no code_verifier.")
	}
	computed := verifier
	if code.method == "S256" {
		sum := sha256.Sum256([]byte(verifier))
		computed = base64.RawURLEncoding.EncodeToString(sum[:])
	}
	if subtle.ConstantTimeCompare([]byte(computed), []byte(code.challenge)) != 1 {
		return errInvalidGrant(501481, "The Code_Verifier does not match the code_challenge supplied in the authorization request.")
	}
	return nil
}

// grantRefreshToken redeems a refresh token for a new access token and a new
// refresh token; the redeemed one is spent.
func (s *Server) grantRefreshToken(req *tokenRequest) (tokenGrant, *entraError) {
	value := req.form.Get("refresh_token")
	if value == "" {
		return tokenGrant{}, errMissingParameter("refresh_token")
	}
	if eerr := s.authenticateDelegatedClient(req); eerr != nil {
		return tokenGrant{}, eerr
	}
	grant, eerr := s.oauth.spendRefreshToken(value, req.clientID)
	if eerr != nil {
		return tokenGrant{}, eerr
	}
	return s.delegatedGrant(req.clientID, grant.userID, grant.scopes)
}

// delegatedGrant issues a user's access token, and a rotated refresh token
// when offline_access was granted.
func (s *Server) delegatedGrant(clientID, userID string, scopes []string) (tokenGrant, *entraError) {
	g := tokenGrant{access: accessToken{
		subject: userID, userID: userID, appID: clientID,
		scopes:    withoutOIDCScopes(scopes),
		expiresAt: time.Now().Add(s.tokenLifetime),
	}, scope: strings.Join(scopes, " ")}
	if !containsScope(scopes, "offline_access") {
		return g, nil
	}
	refresh, err := s.oauth.newRefreshToken(clientID, userID, scopes)
	if err != nil {
		return tokenGrant{}, &entraError{status: http.StatusInternalServerError, code: "temporarily_unavailable", number: 90033,
			description: "A transient error has occurred. Please try again."}
	}
	g.refreshToken = refresh
	return g, nil
}

func containsScope(scopes []string, want string) bool {
	for _, sc := range scopes {
		if strings.EqualFold(sc, want) {
			return true
		}
	}
	return false
}
