package msteams_test

import (
	"context"
	"database/sql"
	"fmt"
	"log"

	"github.com/teamsql/msteams"
	"github.com/teamsql/msteams/graphtest"
)

// Query Teams with database/sql. The emulator stands in for Microsoft
// Graph here; against a real tenant only the connection string changes.
func Example() {
	srv, err := graphtest.NewServer(graphtest.Options{TLS: true}) // the demo tenant
	if err != nil {
		log.Fatal(err)
	}
	defer srv.Close()

	// srv.DSN() is AuthScheme=AzureServicePrincipal;AzureTenant=...;OAuthClientId=...;
	// OAuthClientSecret=...;GraphURL=...;AuthorityURL=...;SSLServerCert=...
	db, err := sql.Open("msteams", srv.DSN())
	if err != nil {
		log.Fatal(err)
	}
	defer db.Close()

	rows, err := db.QueryContext(context.Background(), `
		SELECT t.DisplayName, COUNT(*) AS channels
		FROM Teams t JOIN Channels c ON c.TeamId = t.Id
		WHERE t.DisplayName LIKE 'S%' OR t.DisplayName = ?
		GROUP BY t.DisplayName
		ORDER BY channels DESC, t.DisplayName`, "Legal")
	if err != nil {
		log.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var team string
		var channels int
		if err := rows.Scan(&team, &channels); err != nil {
			log.Fatal(err)
		}
		fmt.Println(team, channels)
	}
	if err := rows.Err(); err != nil {
		log.Fatal(err)
	}
	// Output:
	// Sales 6
	// Legal 4
}

// Build the connection from a typed Config instead of a string.
func ExampleNewConnector() {
	cfg := msteams.NewConfig()
	cfg.AuthScheme = msteams.AuthAzureServicePrincipal
	cfg.AzureTenant = "contoso.onmicrosoft.com"
	cfg.OAuthClientID = "11111111-2222-3333-4444-555555555555"
	cfg.OAuthClientSecret = "not-a-real-secret"
	connector, err := msteams.NewConnector(cfg)
	if err != nil {
		log.Fatal(err)
	}
	db := sql.OpenDB(connector)
	defer db.Close()
	fmt.Println(cfg) // secrets are never printed
	// Output:
	// AuthScheme=AzureServicePrincipal;OAuthClientId=11111111-2222-3333-4444-555555555555;OAuthClientSecret=****;AzureTenant=contoso.onmicrosoft.com
}
