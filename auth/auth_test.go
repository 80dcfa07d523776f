package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const testSecret = "s3cr3t-Value~with.chars"

var graphScope = policy.TokenRequestOptions{Scopes: []string{"https://graph.microsoft.com/.default"}}

func TestCloudFor(t *testing.T) {
	tests := []struct {
		env, authority, graph string
	}{
		{"", "https://login.microsoftonline.com/", "https://graph.microsoft.com/v1.0"},
		{"global", "https://login.microsoftonline.com/", "https://graph.microsoft.com/v1.0"},
		{"China", "https://login.chinacloudapi.cn/", "https://microsoftgraph.chinacloudapi.cn/v1.0"},
		{"USGOVT", "https://login.microsoftonline.com/", "https://graph.microsoft.com/v1.0"},
		{"usgovthigh", "https://login.microsoftonline.us/", "https://graph.microsoft.us/v1.0"},
		{" USGOVTDOD ", "https://login.microsoftonline.us/", "https://dod-graph.microsoft.us/v1.0"},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			c, err := CloudFor(tt.env)
			require.NoError(t, err)
			assert.Equal(t, tt.authority, c.AuthorityHost)
			assert.Equal(t, tt.graph, c.GraphURL)
			assert.Equal(t, strings.TrimSuffix(tt.graph, "/v1.0")+"/.default", c.GraphScope)
		})
	}
}

func TestCloudForUnknownListsAllowedValues(t *testing.T) {
	_, err := CloudFor("mars")
	require.Error(t, err)
	for _, want := range []string{"AzureEnvironment", `"mars"`, "GLOBAL", "CHINA", "USGOVT", "USGOVTHIGH", "USGOVTDOD"} {
		assert.Contains(t, err.Error(), want)
	}
}

func TestStaticToken(t *testing.T) {
	ctx := context.Background()

	tok, err := StaticToken("abc", time.Time{}).GetToken(ctx, graphScope)
	require.NoError(t, err)
	assert.Equal(t, "abc", tok.Token)
	assert.True(t, tok.ExpiresOn.After(time.Now().AddDate(100, 0, 0)), "unknown expiry must look like it never expires")

	expiry := time.Now().Add(time.Hour)
	tok, err = StaticToken("abc", expiry).GetToken(ctx, graphScope)
	require.NoError(t, err)
	assert.Equal(t, expiry, tok.ExpiresOn)

	_, err = StaticToken("very-secret-token", time.Now().Add(-time.Minute)).GetToken(ctx, graphScope)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "expired")
	assert.Contains(t, err.Error(), "OAuthAccessToken")
	assert.NotContains(t, err.Error(), "very-secret-token")
}

func TestStaticTokenNeverPrintsToken(t *testing.T) {
	cred := StaticToken("very-secret-token", time.Time{})
	for _, format := range []string{"%v", "%+v", "%s", "%#v"} {
		assert.NotContains(t, fmt.Sprintf(format, cred), "very-secret-token", format)
	}
}

func TestStaticTokenHonoursCancelledContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := StaticToken("abc", time.Time{}).GetToken(ctx, graphScope)
	assert.ErrorIs(t, err, context.Canceled)
}

func TestNewCredentialErrorsNameTheProperty(t *testing.T) {
	tests := []struct {
		name     string
		opts     Options
		property string
	}{
		{"unknown scheme", Options{Scheme: "Kerberos", ClientSecret: testSecret}, "AuthScheme"},
		{"AzureAD without token", Options{Scheme: "AzureAD"}, "OAuthAccessToken"},
		{"default scheme without token", Options{ClientSecret: testSecret}, "OAuthAccessToken"},
		{"unknown InitiateOAuth", Options{Scheme: "AzureAD", InitiateOAuth: "SOMETIMES"}, "InitiateOAuth"},
		{"GETANDREFRESH without client", Options{Scheme: "AzureAD", InitiateOAuth: "GetAndRefresh"}, "OAuthClientId is required"},
		{"REFRESH without client", Options{Scheme: "azuread", InitiateOAuth: "REFRESH"}, "no embedded OAuth app"},
		{"service principal without tenant", Options{Scheme: "AzureServicePrincipal", ClientID: "app", ClientSecret: testSecret}, "AzureTenant"},
		{"service principal without client", Options{Scheme: "AzureServicePrincipal", TenantID: "t", ClientSecret: testSecret}, "OAuthClientId"},
		{"service principal without secret", Options{Scheme: "azureserviceprincipal", TenantID: "t", ClientID: "app"}, "OAuthClientSecret"},
		{"bad tenant", Options{Scheme: "AzureServicePrincipal", TenantID: "bad tenant!", ClientID: "app", ClientSecret: testSecret}, "AzureServicePrincipal"},
		{"bad authority", Options{Scheme: "AzureServicePrincipal", TenantID: "t", ClientID: "app", ClientSecret: testSecret, AuthorityHost: "not a url"}, "authority host"},
		{"cert without tenant", Options{Scheme: "AzureServicePrincipalCert", ClientID: "app", CertPassword: testSecret}, "AzureTenant"},
		{"cert without path", Options{Scheme: "AzureServicePrincipalCert", TenantID: "t", ClientID: "app", CertPassword: testSecret}, "OAuthJWTCert"},
		{"cert file missing", Options{Scheme: "AzureServicePrincipalCert", TenantID: "t", ClientID: "app", CertPath: "/nonexistent/app.pem", CertPassword: testSecret}, "does not exist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cred, err := NewCredential(tt.opts)
			require.Error(t, err)
			assert.Nil(t, cred)
			assert.Contains(t, err.Error(), tt.property)
			assert.NotContains(t, err.Error(), testSecret)
		})
	}
}

func TestNewCredentialAzureADStaticToken(t *testing.T) {
	cred, err := NewCredential(Options{Scheme: "AzureAD", InitiateOAuth: "off", AccessToken: "user-token", AccessTokenExpiresIn: time.Hour})
	require.NoError(t, err)
	tok, err := cred.GetToken(context.Background(), graphScope)
	require.NoError(t, err)
	assert.Equal(t, "user-token", tok.Token)
	assert.WithinDuration(t, time.Now().Add(time.Hour), tok.ExpiresOn, time.Minute)
}

func TestNewCredentialManagedIdentityBuilds(t *testing.T) {
	cred, err := NewCredential(Options{Scheme: "AzureMSI", ClientID: "00000000-0000-0000-0000-000000000001"})
	require.NoError(t, err)
	assert.NotNil(t, cred)
}

// fakeEntra is a minimal Microsoft Entra ID token endpoint: just enough of
// OpenID discovery and the client-credentials grant for MSAL.
type fakeEntra struct {
	srv           *httptest.Server
	tokenRequests atomic.Int32
	rejectWith    string // error_description to reject with; "" accepts
}

func newFakeEntra(t *testing.T) *fakeEntra {
	f := &fakeEntra{}
	f.srv = httptest.NewTLSServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeEntra) serve(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	base := f.srv.URL + "/contoso"
	switch {
	case strings.HasSuffix(r.URL.Path, "/.well-known/openid-configuration"):
		_ = json.NewEncoder(w).Encode(map[string]any{
			"token_endpoint":         base + "/oauth2/v2.0/token",
			"authorization_endpoint": base + "/oauth2/v2.0/authorize",
			"issuer":                 base + "/v2.0",
		})
	case strings.HasSuffix(r.URL.Path, "/oauth2/v2.0/token"):
		f.tokenRequests.Add(1)
		_ = r.ParseForm()
		accepted := r.PostForm.Get("client_secret") == testSecret || r.PostForm.Get("client_assertion") != ""
		if f.rejectWith != "" || !accepted {
			w.WriteHeader(http.StatusUnauthorized)
			_ = json.NewEncoder(w).Encode(map[string]any{
				"error":             "invalid_client",
				"error_description": f.rejectWith + "\r\nTrace ID: 1\r\nCorrelation ID: 2\r\nsecret was " + r.PostForm.Get("client_secret"),
				"error_codes":       []int{7000215},
			})
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{
			"token_type":   "Bearer",
			"expires_in":   3600,
			"access_token": "app-token-for-" + r.PostForm.Get("client_id"),
		})
	default:
		http.NotFound(w, r)
	}
}

func (f *fakeEntra) options() Options {
	return Options{
		Scheme:        "AzureServicePrincipal",
		TenantID:      "contoso",
		ClientID:      "app-1",
		ClientSecret:  testSecret,
		AuthorityHost: f.srv.URL,
		HTTPClient:    f.srv.Client(),
	}
}

func TestClientSecretCredentialGetsAndCachesToken(t *testing.T) {
	entra := newFakeEntra(t)
	cred, err := NewCredential(entra.options())
	require.NoError(t, err)

	for range 3 {
		tok, err := cred.GetToken(context.Background(), graphScope)
		require.NoError(t, err)
		assert.Equal(t, "app-token-for-app-1", tok.Token)
	}
	assert.Equal(t, int32(1), entra.tokenRequests.Load(), "the credential must be reused, not rebuilt per token request")
}

func TestClientSecretRejectionNeverLeaksSecret(t *testing.T) {
	entra := newFakeEntra(t)
	// Even an endpoint that echoes the secret must not get it into the message.
	entra.rejectWith = "AADSTS7000215: Invalid client secret provided: " + testSecret
	cred, err := NewCredential(entra.options())
	require.NoError(t, err)

	_, err = cred.GetToken(context.Background(), graphScope)
	require.Error(t, err)
	msg := err.Error()
	assert.NotContains(t, msg, testSecret)
	assert.Contains(t, msg, "invalid_client")
	assert.Contains(t, msg, "AADSTS7000215")
	assert.Contains(t, msg, "OAuthClientSecret")
	assert.NotContains(t, msg, "Trace ID", "only the first line of the description is kept")

	var te *TokenError
	require.True(t, errors.As(err, &te))
	assert.Equal(t, http.StatusUnauthorized, te.StatusCode)
}

func TestClientSecretTokenRequestCancellation(t *testing.T) {
	entra := newFakeEntra(t)
	cred, err := NewCredential(entra.options())
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = cred.GetToken(ctx, graphScope)
	require.Error(t, err)
	assert.ErrorIs(t, err, context.Canceled)
}
