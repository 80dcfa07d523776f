// Package msteams is a database/sql driver for Microsoft Teams: SQL over
// virtual tables (Teams, Channels, Users, ...) planned into Microsoft Graph
// requests.
//
//	db, err := sql.Open("msteams", "AuthScheme=AzureServicePrincipal;AzureTenant=...;OAuthClientId=...;OAuthClientSecret=...")
//
// The connection string follows the CData Microsoft Teams driver (see
// docs/connection.md). This package is a thin database/sql adapter: the
// planner package plans and runs queries, the graph package talks to Graph,
// and the auth package turns connection properties into credentials.
package msteams

import (
	"context"
	"database/sql"
	"database/sql/driver"
)

// DriverName is the name msteams registers with database/sql.
const DriverName = "msteams"

func init() {
	sql.Register(DriverName, &Driver{})
}

// Driver is the database/sql driver. Its zero value is ready to use.
type Driver struct{}

var (
	_ driver.Driver        = (*Driver)(nil)
	_ driver.DriverContext = (*Driver)(nil)
)

// Open opens one connection; database/sql prefers OpenConnector, which
// builds the credential once per pool instead of once per connection.
func (d *Driver) Open(dsn string) (driver.Conn, error) {
	c, err := d.OpenConnector(dsn)
	if err != nil {
		return nil, err
	}
	return c.Connect(context.Background())
}

// OpenConnector parses the DSN once for a whole connection pool.
func (d *Driver) OpenConnector(dsn string) (driver.Connector, error) {
	cfg, err := ParseDSN(dsn)
	if err != nil {
		return nil, err
	}
	return NewConnector(cfg)
}
