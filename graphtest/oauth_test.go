package graphtest

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func authorizeURL(s *Server, redirect, challenge, state string) string {
	q := url.Values{
		"client_id": {s.ClientID()}, "response_type": {"code"}, "redirect_uri": {redirect},
		"scope": {"https://graph.microsoft.com/.default offline_access"}, "state": {state},
	}
	if challenge != "" {
		q.Set("code_challenge", challenge)
		q.Set("code_challenge_method", "S256")
	}
	return s.AuthorityURL() + s.TenantID() + "/oauth2/v2.0/authorize?" + q.Encode()
}

func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func entraCode(t *testing.T, r response) (string, string) {
	t.Helper()
	code, _ := r.body["error"].(string)
	desc, _ := r.body["error_description"].(string)
	return code, desc
}

func TestAuthorizationCodeWithPKCEAndRotatingRefreshTokens(t *testing.T) {
	s := newTestServer(t, Options{})
	const redirect = "http://localhost:33333"
	verifier := "a-verifier-that-is-long-enough-for-pkce-0123456789"
	user := s.Tenant().Users()[1]

	location, err := SignIn(context.Background(), nil, authorizeURL(s, redirect, s256(verifier), "st8"), user.UserPrincipalName)
	require.NoError(t, err)
	assert.Equal(t, "st8", location.Query().Get("state"))
	code := location.Query().Get("code")
	require.NotEmpty(t, code)
	assert.True(t, strings.HasPrefix(location.String(), redirect+"?"))

	form := url.Values{"grant_type": {"authorization_code"}, "client_id": {s.ClientID()}, "code": {code}, "redirect_uri": {redirect}}
	bad := cloneValues(form)
	bad.Set("code_verifier", "wrong")
	r := postToken(t, s, s.TenantID(), bad)
	errCode, desc := entraCode(t, r)
	assert.Equal(t, "invalid_grant", errCode)
	assert.Contains(t, desc, "AADSTS501481")

	// The code was spent by the failed attempt, as Entra does.
	form.Set("code_verifier", verifier)
	r = postToken(t, s, s.TenantID(), form)
	errCode, desc = entraCode(t, r)
	assert.Equal(t, "invalid_grant", errCode)
	assert.Contains(t, desc, "AADSTS54005")

	location, err = SignIn(context.Background(), nil, authorizeURL(s, redirect, s256(verifier), "st9"), user.ID)
	require.NoError(t, err)
	form.Set("code", location.Query().Get("code"))
	r = postToken(t, s, s.TenantID(), form)
	require.Equal(t, http.StatusOK, r.status, "%v", r.body)
	access, refresh := r.body["access_token"].(string), r.body["refresh_token"].(string)
	require.NotEmpty(t, refresh)
	me := get(t, s, access, "/me")
	require.Equal(t, http.StatusOK, me.status)
	assert.Equal(t, user.ID, me.body["id"])

	refreshForm := url.Values{"grant_type": {"refresh_token"}, "client_id": {s.ClientID()}, "refresh_token": {refresh}}
	r = postToken(t, s, s.TenantID(), refreshForm)
	require.Equal(t, http.StatusOK, r.status, "%v", r.body)
	rotated := r.body["refresh_token"].(string)
	assert.NotEqual(t, refresh, rotated)

	r = postToken(t, s, s.TenantID(), refreshForm) // the old one is spent
	errCode, desc = entraCode(t, r)
	assert.Equal(t, "invalid_grant", errCode)
	assert.Contains(t, desc, "AADSTS70008")

	s.RevokeRefreshTokens()
	refreshForm.Set("refresh_token", rotated)
	r = postToken(t, s, s.TenantID(), refreshForm)
	errCode, desc = entraCode(t, r)
	assert.Equal(t, "invalid_grant", errCode)
	assert.Contains(t, desc, "AADSTS50173")
}

func TestAuthorizePageRefusesUnregisteredRedirect(t *testing.T) {
	s := newTestServer(t, Options{})
	_, err := SignIn(context.Background(), nil, authorizeURL(s, "https://evil.example/cb", "", "x"), "")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "AADSTS50011")

	s.RegisterRedirectURI("https://app.example/cb")
	location, err := SignIn(context.Background(), nil, authorizeURL(s, "https://app.example/cb", "", "x"), "")
	require.NoError(t, err)
	assert.Equal(t, "app.example", location.Host)
}

func TestRefreshTokenLifetime(t *testing.T) {
	s := newTestServer(t, Options{RefreshTokenLifetime: time.Nanosecond})
	refresh := s.IssueRefreshToken(s.Tenant().Users()[0].ID)
	r := postToken(t, s, s.TenantID(), url.Values{"grant_type": {"refresh_token"}, "client_id": {s.ClientID()}, "refresh_token": {refresh}})
	errCode, desc := entraCode(t, r)
	assert.Equal(t, "invalid_grant", errCode)
	assert.Contains(t, desc, "AADSTS700082")
}

func TestSetRefreshTokenLifetimeAppliesToNewTokens(t *testing.T) {
	s := newTestServer(t, Options{})
	user := s.Tenant().Users()[0].ID
	before := s.IssueRefreshToken(user)
	s.SetRefreshTokenLifetime(time.Nanosecond)
	after := s.IssueRefreshToken(user)
	refresh := func(token string) response {
		return postToken(t, s, s.TenantID(), url.Values{"grant_type": {"refresh_token"}, "client_id": {s.ClientID()}, "refresh_token": {token}})
	}
	assert.Equal(t, http.StatusOK, refresh(before).status, "tokens issued earlier keep their lifetime")
	errCode, desc := entraCode(t, refresh(after))
	assert.Equal(t, "invalid_grant", errCode)
	assert.Contains(t, desc, "AADSTS700082")
}

func TestClientAssertionSignedByRegisteredCertificate(t *testing.T) {
	s := newTestServer(t, Options{})
	key, certPEM := testCertificate(t)
	form := func(k *rsa.PrivateKey, exp time.Time) url.Values {
		return url.Values{
			"grant_type": {"client_credentials"}, "client_id": {s.ClientID()},
			"scope":                 {"https://graph.microsoft.com/.default"},
			"client_assertion_type": {jwtBearerAssertionType},
			"client_assertion":      {signedAssertion(t, k, s.ClientID(), s.AuthorityURL()+s.TenantID()+"/oauth2/v2.0/token", exp)},
		}
	}
	r := postToken(t, s, s.TenantID(), form(key, time.Now().Add(time.Minute)))
	errCode, desc := entraCode(t, r)
	assert.Equal(t, "invalid_client", errCode, "an unregistered certificate must be refused")
	assert.Contains(t, desc, "AADSTS700027")

	require.NoError(t, s.RegisterClientCertificate(certPEM))
	r = postToken(t, s, s.TenantID(), form(key, time.Now().Add(time.Minute)))
	require.Equal(t, http.StatusOK, r.status, "%v", r.body)

	r = postToken(t, s, s.TenantID(), form(key, time.Now().Add(-time.Minute)))
	_, desc = entraCode(t, r)
	assert.Contains(t, desc, "AADSTS700024")

	other, _ := testCertificate(t)
	r = postToken(t, s, s.TenantID(), form(other, time.Now().Add(time.Minute)))
	_, desc = entraCode(t, r)
	assert.Contains(t, desc, "AADSTS700027")
}

func TestManagedIdentityEndpoint(t *testing.T) {
	s := newTestServer(t, Options{})
	env := s.ManagedIdentityEnv()
	call := func(header, query string) response {
		req, err := http.NewRequest(http.MethodGet, env["IDENTITY_ENDPOINT"]+"?api-version=2019-08-01&resource=https://graph.microsoft.com"+query, nil)
		require.NoError(t, err)
		req.Header.Set("X-IDENTITY-HEADER", header)
		return do(t, http.DefaultClient, req)
	}
	assert.Equal(t, http.StatusUnauthorized, call("wrong", "").status)
	r := call(env["IDENTITY_HEADER"], "")
	require.Equal(t, http.StatusOK, r.status, "%v", r.body)
	assert.Equal(t, s.ManagedIdentityClientID(), r.body["client_id"])
	assert.Equal(t, http.StatusOK, get(t, s, r.body["access_token"].(string), "/teams").status)

	assert.Equal(t, http.StatusBadRequest, call(env["IDENTITY_HEADER"], "&client_id=abc").status)
	s.AddUserAssignedIdentity("abc")
	r = call(env["IDENTITY_HEADER"], "&client_id=abc")
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, "abc", r.body["client_id"])
}

func testCertificate(t *testing.T) (*rsa.PrivateKey, []byte) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "app"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return key, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
}

func signedAssertion(t *testing.T, key *rsa.PrivateKey, clientID, aud string, exp time.Time) string {
	t.Helper()
	enc := func(v any) string {
		b, err := json.Marshal(v)
		require.NoError(t, err)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	signing := enc(map[string]string{"alg": "PS256", "typ": "JWT"}) + "." +
		enc(map[string]any{"iss": clientID, "sub": clientID, "aud": aud, "exp": exp.Unix(), "jti": "1"})
	digest := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPSS(rand.Reader, key, crypto.SHA256, digest[:], nil)
	require.NoError(t, err)
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig)
}
