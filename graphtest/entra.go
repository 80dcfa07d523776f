package graphtest

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// graphResource is Microsoft Graph's application id URI; tokens are only
// issued for it. The emulator accepts the URI and Graph's well-known app id.
const (
	graphResource = "https://graph.microsoft.com"
	graphAppID    = "00000003-0000-0000-c000-000000000000"
)

// entraHandler serves the Entra ID v2.0 endpoints MSAL and OAuth clients use.
// The v1 endpoints are not emulated.
func (s *Server) entraHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/{tenant}/oauth2/v2.0/token", s.handleToken)
	mux.HandleFunc("GET /{tenant}/oauth2/v2.0/authorize", s.handleAuthorizePage)
	mux.HandleFunc("POST /{tenant}/oauth2/v2.0/authorize", s.handleAuthorizeAnswer)
	mux.HandleFunc("GET "+managedIdentityPath, s.handleManagedIdentity)
	mux.HandleFunc("GET /{tenant}/v2.0/.well-known/openid-configuration", s.handleOpenIDConfiguration)
	mux.HandleFunc("GET /{tenant}/discovery/v2.0/keys", handleKeys)
	mux.HandleFunc("GET /common/discovery/instance", s.handleInstanceDiscovery)
	return mux
}

// tokenRequest is a parsed call to the token endpoint, handed to a grant.
type tokenRequest struct {
	tenant       string // the tenant segment as sent (GUID, domain, "common" or "organizations")
	form         url.Values
	clientID     string // from the form or HTTP Basic authentication
	clientSecret string
}

// grantHandler turns a token request into the tokens to issue. New grants
// are added by registering one in grantHandlers.
type grantHandler func(s *Server, req *tokenRequest) (tokenGrant, *entraError)

// tokenGrant is a successful token response: the access token, and for
// delegated grants with offline_access a rotated refresh token.
type tokenGrant struct {
	access       accessToken
	refreshToken string // "" = none
	scope        string // the "scope" field of the response; "" = left out
}

func (s *Server) grantHandlers() map[string]grantHandler {
	return map[string]grantHandler{
		"client_credentials": (*Server).grantClientCredentials,
		"authorization_code": (*Server).grantAuthorizationCode,
		"refresh_token":      (*Server).grantRefreshToken,
	}
}

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w}
	form := s.serveToken(rec, r)
	s.record(r, redactForm(form), rec.status)
}

// serveToken answers a token request and returns the form it read, for the log.
func (s *Server) serveToken(w http.ResponseWriter, r *http.Request) url.Values {
	if r.Method != http.MethodPost {
		writeEntraError(w, r, errInvalidRequest(900561, fmt.Sprintf("The endpoint only accepts POST requests. Received a %s request.", r.Method)))
		return nil
	}
	if err := r.ParseForm(); err != nil {
		writeEntraError(w, r, errInvalidRequest(900144, "The request body must contain the following parameter: 'grant_type'."))
		return nil
	}
	req := &tokenRequest{tenant: r.PathValue("tenant"), form: r.PostForm}
	if !s.knownTenant(req.tenant) {
		writeEntraError(w, r, errUnknownTenant(req.tenant))
		return r.PostForm
	}
	req.clientID, req.clientSecret = clientCredentials(r)
	grantType := r.PostForm.Get("grant_type")
	if grantType == "" {
		writeEntraError(w, r, errMissingParameter("grant_type"))
		return r.PostForm
	}
	grant, ok := s.grantHandlers()[grantType]
	if !ok {
		writeEntraError(w, r, &entraError{status: http.StatusBadRequest, code: "unsupported_grant_type", number: 70003,
			description: fmt.Sprintf("The app requested an unsupported grant type '%s'.", grantType)})
		return r.PostForm
	}
	tok, eerr := grant(s, req)
	if eerr != nil {
		writeEntraError(w, r, eerr)
		return r.PostForm
	}
	s.writeTokenResponse(w, r, tok)
	return r.PostForm
}

// clientCredentials reads the client id and secret from HTTP Basic
// authentication or, failing that, from the form (client_secret_post).
func clientCredentials(r *http.Request) (id, secret string) {
	if user, pass, ok := r.BasicAuth(); ok {
		id, _ = url.QueryUnescape(user)
		secret, _ = url.QueryUnescape(pass)
		return id, secret
	}
	return r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
}

// redactForm drops every credential from a logged token request.
func redactForm(form url.Values) url.Values {
	if form == nil {
		return nil
	}
	out := cloneValues(form)
	for _, k := range []string{"client_secret", "client_assertion", "code", "code_verifier", "refresh_token", "password", "assertion"} {
		if _, ok := out[k]; ok {
			out[k] = []string{"REDACTED"}
		}
	}
	return out
}

func (s *Server) knownTenant(tenant string) bool {
	switch strings.ToLower(tenant) {
	case strings.ToLower(s.tenant.ID()), strings.ToLower(s.tenant.Domain()), "organizations", "common":
		return true
	}
	return false
}

func (s *Server) grantClientCredentials(req *tokenRequest) (tokenGrant, *entraError) {
	authenticate := s.authenticateClient
	if req.form.Get("client_assertion") != "" || req.form.Get("client_assertion_type") != "" {
		authenticate = s.authenticateAssertion
	}
	if eerr := authenticate(req); eerr != nil {
		return tokenGrant{}, eerr
	}
	scope, eerr := s.defaultScope(req)
	if eerr != nil {
		return tokenGrant{}, eerr
	}
	return tokenGrant{access: accessToken{
		subject:   s.app.clientID,
		appID:     s.app.clientID,
		scopes:    []string{scope},
		expiresAt: time.Now().Add(s.tokenLifetime),
	}}, nil
}

// authenticateClient checks a confidential client's id and secret; grants
// other than client_credentials reuse it.
func (s *Server) authenticateClient(req *tokenRequest) *entraError {
	if req.clientID == "" {
		return errMissingParameter("client_id")
	}
	if req.clientID != s.app.clientID {
		return &entraError{status: http.StatusBadRequest, code: "unauthorized_client", number: 700016,
			description: fmt.Sprintf("Application with identifier '%s' was not found in the directory '%s'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You may have sent your authentication request to the wrong tenant.", req.clientID, req.tenant)}
	}
	if req.clientSecret == "" {
		return &entraError{status: http.StatusUnauthorized, code: "invalid_client", number: 7000216,
			description: "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type."}
	}
	if req.clientSecret != s.app.secret {
		return &entraError{status: http.StatusUnauthorized, code: "invalid_client", number: 7000215,
			description: fmt.Sprintf("Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '%s'.", s.app.clientID)}
	}
	return nil
}

// defaultScope validates the single "<resource>/.default" scope the client
// credentials grant requires, and that the resource is Microsoft Graph.
func (s *Server) defaultScope(req *tokenRequest) (string, *entraError) {
	raw := req.form.Get("scope")
	if raw == "" {
		return "", errMissingParameter("scope")
	}
	scopes := withoutOIDCScopes(strings.Fields(raw))
	if len(scopes) != 1 || !strings.HasSuffix(scopes[0], "/.default") {
		return "", &entraError{status: http.StatusBadRequest, code: "invalid_scope", number: 1002012,
			description: fmt.Sprintf("The provided value for scope %s is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).", raw)}
	}
	resource := strings.TrimSuffix(strings.TrimSuffix(scopes[0], "/.default"), "/")
	if !strings.EqualFold(resource, graphResource) && !strings.EqualFold(resource, graphAppID) {
		return "", &entraError{status: http.StatusBadRequest, code: "invalid_resource", number: 500011,
			description: fmt.Sprintf("The resource principal named %s was not found in the tenant named %s. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.", resource, s.tenant.Domain())}
	}
	return graphResource + "/.default", nil
}

// withoutOIDCScopes drops the OpenID Connect scopes MSAL may add to any request.
func withoutOIDCScopes(scopes []string) []string {
	var out []string
	for _, sc := range scopes {
		switch sc {
		case "openid", "profile", "offline_access", "email":
			continue
		}
		out = append(out, sc)
	}
	return out
}

func (s *Server) writeTokenResponse(w http.ResponseWriter, r *http.Request, grant tokenGrant) {
	tok := grant.access
	value, err := s.tokens.issue(tok)
	if err != nil {
		writeEntraError(w, r, &entraError{status: http.StatusInternalServerError, code: "temporarily_unavailable", number: 90033,
			description: "A transient error has occurred. Please try again."})
		return
	}
	expiresIn := expiresInSeconds(time.Until(tok.expiresAt))
	body := map[string]any{
		"token_type":     "Bearer",
		"expires_in":     expiresIn,
		"ext_expires_in": expiresIn,
		"access_token":   value,
	}
	if grant.refreshToken != "" {
		body["refresh_token"] = grant.refreshToken
	}
	if grant.scope != "" {
		body["scope"] = grant.scope
	}
	writeJSON(w, http.StatusOK, body)
}

// expiresInSeconds reports a lifetime the way Entra does: one second short of
// the nominal lifetime (3599 for an hour), never negative.
func expiresInSeconds(d time.Duration) int {
	secs := int(d.Round(time.Second) / time.Second)
	if secs > 1 {
		secs--
	}
	return max(secs, 0)
}

// entraError is an Entra ID (AADSTS) OAuth error.
type entraError struct {
	status      int
	code        string // OAuth error, e.g. "invalid_client"
	number      int    // AADSTS number
	description string // without the AADSTS prefix and trace suffix
}

func errInvalidRequest(number int, description string) *entraError {
	return &entraError{status: http.StatusBadRequest, code: "invalid_request", number: number, description: description}
}

func errMissingParameter(name string) *entraError {
	return errInvalidRequest(900144, fmt.Sprintf("The request body must contain the following parameter: '%s'.", name))
}

func errUnknownTenant(tenant string) *entraError {
	return errInvalidRequest(90002, fmt.Sprintf("Tenant '%s' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud. Check with your subscription administrator, this may happen if there are no active subscriptions for the tenant.", tenant))
}

func writeEntraError(w http.ResponseWriter, r *http.Request, e *entraError) {
	traceID, correlationID := randomGUID(), r.Header.Get("client-request-id")
	if correlationID == "" {
		correlationID = randomGUID()
	}
	timestamp := time.Now().UTC().Format("2006-01-02 15:04:05Z")
	description := fmt.Sprintf("AADSTS%d: %s\r\nTrace ID: %s\r\nCorrelation ID: %s\r\nTimestamp: %s",
		e.number, e.description, traceID, correlationID, timestamp)
	writeJSON(w, e.status, map[string]any{
		"error":             e.code,
		"error_description": description,
		"error_codes":       []int{e.number},
		"timestamp":         timestamp,
		"trace_id":          traceID,
		"correlation_id":    correlationID,
		"error_uri":         fmt.Sprintf("%s/error?code=%d", requestBaseURL(r), e.number),
	})
}

// requestBaseURL is the scheme and host the client used to reach us, so that
// links work wherever Handler is mounted.
func requestBaseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// handleOpenIDConfiguration serves the tenant's OpenID Connect metadata. As
// Entra does, a tenant named by id or domain is answered with its GUID in
// every endpoint, while "common" and "organizations" keep their name and a
// "{tenantid}" placeholder in the issuer.
func (s *Server) handleOpenIDConfiguration(w http.ResponseWriter, r *http.Request) {
	tenant := r.PathValue("tenant")
	if !s.knownTenant(tenant) {
		writeEntraError(w, r, errUnknownTenant(tenant))
		return
	}
	base := requestBaseURL(r)
	segment, issuerTenant := s.tenant.ID(), s.tenant.ID()
	if lower := strings.ToLower(tenant); lower == "common" || lower == "organizations" {
		segment, issuerTenant = lower, "{tenantid}"
	}
	endpoint := base + "/" + segment
	writeJSON(w, http.StatusOK, map[string]any{
		"token_endpoint":                        endpoint + "/oauth2/v2.0/token",
		"token_endpoint_auth_methods_supported": []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		"jwks_uri":                              endpoint + "/discovery/v2.0/keys",
		"response_modes_supported":              []string{"query", "fragment", "form_post"},
		"subject_types_supported":               []string{"pairwise"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"response_types_supported":              []string{"code", "id_token", "code id_token", "id_token token"},
		"scopes_supported":                      []string{"openid", "profile", "email", "offline_access"},
		"issuer":                                base + "/" + issuerTenant + "/v2.0",
		"request_uri_parameter_supported":       false,
		"userinfo_endpoint":                     base + "/oidc/userinfo",
		"authorization_endpoint":                endpoint + "/oauth2/v2.0/authorize",
		"device_authorization_endpoint":         endpoint + "/oauth2/v2.0/devicecode",
		"http_logout_supported":                 true,
		"frontchannel_logout_supported":         true,
		"end_session_endpoint":                  endpoint + "/oauth2/v2.0/logout",
		"claims_supported":                      []string{"sub", "iss", "aud", "exp", "iat", "auth_time", "acr", "nonce", "preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"},
		"kerberos_endpoint":                     endpoint + "/kerberos",
		"tenant_region_scope":                   "EU",
		"cloud_instance_name":                   "microsoftonline.com",
		"cloud_graph_host_name":                 "graph.windows.net",
		"msgraph_host":                          r.Host,
		"rbac_url":                              "https://pas.windows.net",
	})
}

// handleKeys serves an empty key set: the emulator's tokens are opaque, so
// there is nothing to verify a signature with.
func handleKeys(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"keys": []any{}})
}

// handleInstanceDiscovery answers MSAL's instance discovery for this host
// only: the host is its own preferred network and cache alias.
func (s *Server) handleInstanceDiscovery(w http.ResponseWriter, r *http.Request) {
	tenant := "common"
	if auth, err := url.Parse(r.URL.Query().Get("authorization_endpoint")); err == nil {
		if parts := strings.Split(strings.Trim(auth.Path, "/"), "/"); len(parts) > 0 && parts[0] != "" {
			tenant = parts[0]
		}
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"tenant_discovery_endpoint": fmt.Sprintf("%s/%s/v2.0/.well-known/openid-configuration", requestBaseURL(r), tenant),
		"api-version":               "1.1",
		"metadata": []map[string]any{{
			"preferred_network": r.Host,
			"preferred_cache":   r.Host,
			"aliases":           []string{r.Host},
		}},
	})
}

func writeJSON(w http.ResponseWriter, status int, body any) {
	data, err := marshalJSON(body)
	if err != nil {
		http.Error(w, `{"error":"server_error"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store, no-cache")
	w.WriteHeader(status)
	_, _ = w.Write(data)
}
