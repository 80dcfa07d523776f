package graph_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/teamsql/msteams/auth"
	"github.com/teamsql/msteams/graph"
	"github.com/teamsql/msteams/graphtest"
	"github.com/teamsql/msteams/internal/tlstrust"
)

// TestEmulatorClientSecretOverTLS runs the whole chain the driver uses: TLS
// trust from SSLServerCert, a client-secret credential against the emulated
// Entra ID, and a paged /users listing through the SDK pipeline.
func TestEmulatorClientSecretOverTLS(t *testing.T) {
	srv, err := graphtest.NewServer(graphtest.Options{TLS: true})
	require.NoError(t, err)
	t.Cleanup(srv.Close)

	httpClient, err := tlstrust.HTTPClient(string(srv.CertPEM()))
	require.NoError(t, err)
	cred, err := auth.NewCredential(auth.Options{
		Scheme:        auth.SchemeAzureServicePrincipal,
		TenantID:      srv.TenantID(),
		ClientID:      srv.ClientID(),
		ClientSecret:  srv.ClientSecret(),
		AuthorityHost: srv.AuthorityURL(),
		HTTPClient:    httpClient,
	})
	require.NoError(t, err)
	cloud, err := auth.CloudFor("")
	require.NoError(t, err)
	client, err := graph.NewClient(graph.Options{
		BaseURL:    srv.GraphURL(),
		Credential: cred,
		Scopes:     []string{cloud.GraphScope},
		HTTPClient: httpClient,
	})
	require.NoError(t, err)

	want := len(srv.Tenant().Users())
	require.Greater(t, want, 2, "the demo tenant needs several users to page through")

	pager := client.List(graph.Request{Path: graph.Path("users"), Query: graph.Query{Select: []string{"id", "displayName"}, Top: 2}})
	ids := map[string]bool{}
	pages := 0
	for {
		page, err := pager.Next(context.Background())
		if err != nil {
			require.ErrorIs(t, err, io.EOF)
			break
		}
		pages++
		assert.LessOrEqual(t, len(page.Items), 2)
		for _, item := range page.Items {
			var u struct{ ID, DisplayName string }
			require.NoError(t, json.Unmarshal(item, &u))
			assert.NotEmpty(t, u.DisplayName)
			ids[u.ID] = true
		}
	}
	assert.Len(t, ids, want, "every user exactly once")
	assert.Equal(t, (want+1)/2, pages)

	graphRequests := 0
	for _, r := range srv.Requests() {
		if r.Path == "/v1.0/users" {
			graphRequests++
			assert.Equal(t, "id,displayName", r.Query.Get("$select"), "nextLinks keep the query options")
			assert.Equal(t, 200, r.Status)
		}
	}
	assert.Equal(t, pages, graphRequests)
	assert.Equal(t, int64(pages), client.Stats().Pages)
}

func TestEmulatorRejectsBadTokenWithInvalidAuthenticationToken(t *testing.T) {
	srv, err := graphtest.NewServer(graphtest.Options{})
	require.NoError(t, err)
	t.Cleanup(srv.Close)

	client, err := graph.NewClient(graph.Options{
		BaseURL:    srv.GraphURL(),
		Credential: auth.StaticToken("not-a-token-the-emulator-issued", time.Time{}),
		Scopes:     []string{"https://graph.microsoft.com/.default"},
	})
	require.NoError(t, err)

	_, err = client.Get(context.Background(), graph.Request{Path: "/me"})
	require.ErrorIs(t, err, graph.ErrUnauthorized)
	var gerr *graph.Error
	require.True(t, errors.As(err, &gerr))
	assert.Equal(t, "InvalidAuthenticationToken", gerr.Code)
	assert.NotContains(t, err.Error(), "not-a-token-the-emulator-issued")
}
