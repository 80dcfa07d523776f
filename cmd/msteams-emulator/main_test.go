package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/teamsql/msteams/graphtest"
)

func TestRefusesNonLoopbackUnlessAllowed(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:8089", ":8089", "10.1.2.3:80", "example.com:80"} {
		_, err := parseFlags([]string{"--addr", addr})
		assert.Error(t, err, addr)
	}
	for _, addr := range []string{"127.0.0.1:0", "[::1]:8089", "localhost:8089"} {
		_, err := parseFlags([]string{"--addr", addr})
		assert.NoError(t, err, addr)
	}
	cfg, err := parseFlags([]string{"--addr", "0.0.0.0:8089", "--allow-remote"})
	require.NoError(t, err)
	assert.True(t, cfg.allowRemote)
}

func TestSeeds(t *testing.T) {
	demo, err := seedTenant("demo", 0)
	require.NoError(t, err)
	assert.GreaterOrEqual(t, len(demo.Users()), 48)
	empty, err := seedTenant("empty", 3)
	require.NoError(t, err)
	assert.Len(t, empty.Users(), 3)
	assert.Empty(t, empty.Teams())
	_, err = seedTenant("nope", 0)
	assert.Error(t, err)
}

func TestDSN(t *testing.T) {
	plain, err := graphtest.NewServer(graphtest.Options{})
	require.NoError(t, err)
	defer plain.Close()
	dsn := plain.DSN()
	assert.True(t, strings.HasPrefix(dsn, "AuthScheme=AzureServicePrincipal;AzureTenant="+plain.TenantID()+";"))
	assert.Contains(t, dsn, ";GraphURL="+plain.GraphURL()+";AuthorityURL="+plain.AuthorityURL())
	assert.NotContains(t, dsn, "SSLServerCert")

	secure, err := graphtest.NewServer(graphtest.Options{TLS: true})
	require.NoError(t, err)
	defer secure.Close()
	assert.True(t, strings.HasSuffix(secure.DSN(), ";SSLServerCert="+secure.CertFile()))
}
