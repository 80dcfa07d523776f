package graphtest

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestClientCredentialsToken(t *testing.T) {
	s := newTestServer(t, Options{})
	for _, tenant := range []string{s.TenantID(), "contoso.onmicrosoft.com", "organizations", "common"} {
		r := postToken(t, s, tenant, clientCredentialsForm(s))
		require.Equal(t, http.StatusOK, r.status, "tenant %s: %v", tenant, r.body)
		assert.Equal(t, "Bearer", r.body["token_type"])
		assert.EqualValues(t, 3599, r.body["expires_in"])
		token := r.body["access_token"].(string)
		require.NotEmpty(t, token)
		assert.Equal(t, http.StatusOK, get(t, s, token, "/teams").status)
	}
}

func TestClientCredentialsWithBasicAuth(t *testing.T) {
	s := newTestServer(t, Options{})
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"00000003-0000-0000-c000-000000000000/.default"}}
	req, err := http.NewRequest(http.MethodPost, s.AuthorityURL()+s.TenantID()+"/oauth2/v2.0/token", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(s.ClientID()), url.QueryEscape(s.ClientSecret()))
	r := do(t, http.DefaultClient, req)
	require.Equal(t, http.StatusOK, r.status, "%v", r.body)
}

func TestTokenEndpointErrors(t *testing.T) {
	s := newTestServer(t, Options{})
	with := func(key, value string) url.Values {
		f := clientCredentialsForm(s)
		if value == "" {
			f.Del(key)
		} else {
			f.Set(key, value)
		}
		return f
	}
	cases := []struct {
		name   string
		tenant string
		form   url.Values
		status int
		error  string
		aadsts int
	}{
		{"wrong secret", s.TenantID(), with("client_secret", "not-it"), 401, "invalid_client", 7000215},
		{"no secret", s.TenantID(), with("client_secret", ""), 401, "invalid_client", 7000216},
		{"unknown client", s.TenantID(), with("client_id", "11111111-1111-1111-1111-111111111111"), 400, "unauthorized_client", 700016},
		{"unknown tenant", "fabrikam.onmicrosoft.com", clientCredentialsForm(s), 400, "invalid_request", 90002},
		{"no grant", s.TenantID(), with("grant_type", ""), 400, "invalid_request", 900144},
		{"bad grant", s.TenantID(), with("grant_type", "password"), 400, "unsupported_grant_type", 70003},
		{"no scope", s.TenantID(), with("scope", ""), 400, "invalid_request", 900144},
		{"not .default", s.TenantID(), with("scope", "User.Read"), 400, "invalid_scope", 1002012},
		{"two scopes", s.TenantID(), with("scope", "https://graph.microsoft.com/.default https://vault.azure.net/.default"), 400, "invalid_scope", 1002012},
		{"other resource", s.TenantID(), with("scope", "https://vault.azure.net/.default"), 400, "invalid_resource", 500011},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := postToken(t, s, tc.tenant, tc.form)
			require.Equal(t, tc.status, r.status, "%v", r.body)
			assert.Equal(t, tc.error, r.body["error"])
			assert.Equal(t, []any{float64(tc.aadsts)}, r.body["error_codes"])
			desc := r.body["error_description"].(string)
			assert.True(t, strings.HasPrefix(desc, "AADSTS"), desc)
			assert.Contains(t, desc, "\r\nTrace ID: ")
			assert.Contains(t, desc, "\r\nCorrelation ID: ")
			assert.NotContains(t, desc, s.ClientSecret())
			for _, key := range []string{"timestamp", "trace_id", "correlation_id", "error_uri"} {
				assert.NotEmpty(t, r.body[key], key)
			}
		})
	}
}

func TestGraphRejectsBadTokens(t *testing.T) {
	s := newTestServer(t, Options{})
	check := func(t *testing.T, token, wantMessage string) {
		t.Helper()
		r := get(t, s, token, "/users")
		require.Equal(t, http.StatusUnauthorized, r.status)
		code, msg := graphErrorOf(t, r)
		assert.Equal(t, "InvalidAuthenticationToken", code)
		assert.Equal(t, wantMessage, msg)
		assert.NotEmpty(t, r.header.Get("WWW-Authenticate"))
	}
	t.Run("missing", func(t *testing.T) { check(t, "", "Access token is empty.") })
	t.Run("unknown", func(t *testing.T) { check(t, "emu.forged", "Access token has expired or is not yet valid.") })
	t.Run("revoked", func(t *testing.T) {
		token := s.IssueToken("", 0)
		require.Equal(t, http.StatusOK, get(t, s, token, "/users").status)
		s.RevokeAllTokens()
		check(t, token, "Access token has expired or is not yet valid.")
	})
	t.Run("expired", func(t *testing.T) {
		short := newTestServer(t, Options{TokenLifetime: time.Nanosecond})
		r := postToken(t, short, short.TenantID(), clientCredentialsForm(short))
		require.Equal(t, http.StatusOK, r.status)
		assert.EqualValues(t, 0, r.body["expires_in"])
		resp := get(t, short, r.body["access_token"].(string), "/users")
		assert.Equal(t, http.StatusUnauthorized, resp.status)
	})
}

func TestOpenIDConfigurationPointsAtEmulator(t *testing.T) {
	s := newTestServer(t, Options{})
	r := getJSON(t, s.AuthorityURL()+"contoso.onmicrosoft.com/v2.0/.well-known/openid-configuration")
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, s.URL()+"/"+s.TenantID()+"/oauth2/v2.0/token", r.body["token_endpoint"])
	assert.Equal(t, s.URL()+"/"+s.TenantID()+"/v2.0", r.body["issuer"])
	assert.Equal(t, s.URL()+"/"+s.TenantID()+"/oauth2/v2.0/authorize", r.body["authorization_endpoint"])

	common := getJSON(t, s.AuthorityURL()+"common/v2.0/.well-known/openid-configuration")
	assert.Equal(t, s.URL()+"/{tenantid}/v2.0", common.body["issuer"])
	assert.Equal(t, s.URL()+"/common/oauth2/v2.0/token", common.body["token_endpoint"])

	unknown := getJSON(t, s.AuthorityURL()+"fabrikam.com/v2.0/.well-known/openid-configuration")
	assert.Equal(t, http.StatusBadRequest, unknown.status)
}

func getJSON(t *testing.T, target string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, target, nil)
	require.NoError(t, err)
	return do(t, http.DefaultClient, req)
}

// TestAzidentityAgainstTLSEmulator is the end-to-end check that the real
// Azure SDK (MSAL underneath) accepts the emulator as an authority.
func TestAzidentityAgainstTLSEmulator(t *testing.T) {
	s := newTestServer(t, Options{TLS: true})
	require.True(t, strings.HasPrefix(s.URL(), "https://127.0.0.1:"))
	fromFile, err := os.ReadFile(s.CertFile())
	require.NoError(t, err)
	assert.Equal(t, s.CertPEM(), fromFile)

	client := trustingClient(t, s.CertPEM())
	cred, err := azidentity.NewClientSecretCredential(s.TenantID(), s.ClientID(), s.ClientSecret(), &azidentity.ClientSecretCredentialOptions{
		ClientOptions: azcore.ClientOptions{
			Cloud:     cloud.Configuration{ActiveDirectoryAuthorityHost: s.AuthorityURL()},
			Transport: client,
		},
		DisableInstanceDiscovery: true,
	})
	require.NoError(t, err)
	tok, err := cred.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{"https://graph.microsoft.com/.default"}})
	require.NoError(t, err)
	assert.True(t, tok.ExpiresOn.After(time.Now().Add(50*time.Minute)))

	req, err := http.NewRequest(http.MethodGet, s.GraphURL()+"/teams", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+tok.Token)
	r := do(t, client, req)
	require.Equal(t, http.StatusOK, r.status)
	assert.NotEmpty(t, values(t, r))

	// The wrong secret surfaces as an authentication error, without the secret.
	bad, err := azidentity.NewClientSecretCredential(s.TenantID(), s.ClientID(), "wrong", &azidentity.ClientSecretCredentialOptions{
		ClientOptions:            azcore.ClientOptions{Cloud: cloud.Configuration{ActiveDirectoryAuthorityHost: s.AuthorityURL()}, Transport: client},
		DisableInstanceDiscovery: true,
	})
	require.NoError(t, err)
	_, err = bad.GetToken(context.Background(), policy.TokenRequestOptions{Scopes: []string{"https://graph.microsoft.com/.default"}})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "AADSTS7000215")
}

func trustingClient(t *testing.T, certPEM []byte) *http.Client {
	t.Helper()
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(certPEM))
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
}

func TestCloseRemovesCertFile(t *testing.T) {
	s, err := NewServer(Options{TLS: true})
	require.NoError(t, err)
	path := s.CertFile()
	_, err = os.Stat(path)
	require.NoError(t, err)
	s.Close()
	_, err = os.Stat(path)
	assert.True(t, os.IsNotExist(err))
	s.Close() // idempotent
}
