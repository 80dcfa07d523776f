package msteams_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	_ "github.com/teamsql/msteams"
	"github.com/teamsql/msteams/graphtest"
)

// emulator starts a TLS emulator and returns it with a service-principal
// DSN for it, the way a user would connect.
func emulator(t *testing.T, opts graphtest.Options) (*graphtest.Server, string) {
	t.Helper()
	opts.TLS = true
	srv, err := graphtest.NewServer(opts)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	dsn := fmt.Sprintf("AuthScheme=AzureServicePrincipal;AzureTenant=%s;OAuthClientId=%s;OAuthClientSecret='%s';GraphURL=%s;AuthorityURL=%s;SSLServerCert=%s",
		srv.TenantID(), srv.ClientID(), srv.ClientSecret(), srv.GraphURL(), srv.AuthorityURL(), srv.CertFile())
	return srv, dsn
}

func openDB(t *testing.T, dsn string) *sql.DB {
	t.Helper()
	db, err := sql.Open("msteams", dsn)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	return db
}

func TestSmokeTeams(t *testing.T) {
	_, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rows, err := db.QueryContext(ctx, "SELECT Id, DisplayName FROM Teams ORDER BY DisplayName")
	require.NoError(t, err)
	defer rows.Close()
	var names []string
	for rows.Next() {
		var id, name string
		require.NoError(t, rows.Scan(&id, &name))
		names = append(names, name)
	}
	require.NoError(t, rows.Err())
	require.GreaterOrEqual(t, len(names), 8)
	t.Log(strings.Join(names, ", "))
}
