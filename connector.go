package msteams

import (
	"context"
	"database/sql/driver"
	"fmt"
	"io"
	"log"
	"net/http"
	"os"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/teamsql/msteams/auth"
	"github.com/teamsql/msteams/graph"
	"github.com/teamsql/msteams/internal/tlstrust"
)

// Connector opens connections that share one credential and one Graph
// client, so tokens are fetched once per pool, not once per connection.
type Connector struct {
	cfg      *Config // an immutable, normalized copy
	client   *graph.Client
	authOpts auth.Options // for the OAuth procedures
	logger   *log.Logger  // nil when nothing is logged
	logOut   io.Closer    // the LogFile, closed with the connector
}

var (
	_ driver.Connector = (*Connector)(nil)
	_ io.Closer        = (*Connector)(nil)
)

// NewConnector builds a connector from a Config, for sql.OpenDB. The Config
// is copied and validated; later changes to it have no effect.
func NewConnector(cfg *Config) (*Connector, error) {
	cfg = cfg.Clone()
	if err := cfg.Normalize(); err != nil {
		return nil, err
	}
	cloud, err := auth.CloudFor(string(cfg.AzureEnvironment))
	if err != nil {
		return nil, err
	}
	httpClient, err := httpClientFor(cfg)
	if err != nil {
		return nil, err
	}
	authOpts := authOptionsFor(cfg, cloud, httpClient)
	cred, err := credentialFor(cfg, authOpts)
	if err != nil {
		return nil, err
	}
	logger, logOut, err := loggerFor(cfg)
	if err != nil {
		return nil, err
	}
	client, err := graph.NewClient(graph.Options{
		BaseURL:        firstNonEmpty(cfg.GraphURL, cloud.GraphURL),
		Credential:     cred,
		Scopes:         graphScopes(cfg, cloud),
		HTTPClient:     httpClient,
		Logger:         logger, // every Graph request, from Verbosity 1
		RequestTimeout: cfg.Timeout,
	})
	if err != nil {
		return nil, fmt.Errorf("msteams: GraphURL: %w", err)
	}
	return &Connector{cfg: cfg, client: client, authOpts: authOpts, logger: logger, logOut: logOut}, nil
}

func httpClientFor(cfg *Config) (*http.Client, error) {
	if cfg.HTTPClient != nil {
		return cfg.HTTPClient, nil
	}
	return tlstrust.HTTPClient(cfg.SSLServerCert)
}

// authOptionsFor maps the connection properties onto the auth package's
// options, once for the credential and the OAuth procedures alike.
func authOptionsFor(cfg *Config, cloud auth.Cloud, httpClient *http.Client) auth.Options {
	return auth.Options{
		Scheme:               string(cfg.AuthScheme),
		InitiateOAuth:        string(cfg.InitiateOAuth),
		TenantID:             cfg.AzureTenant,
		ClientID:             cfg.OAuthClientID,
		ClientSecret:         cfg.OAuthClientSecret,
		AccessToken:          cfg.OAuthAccessToken,
		AccessTokenExpiresIn: cfg.OAuthExpiresIn,
		RefreshToken:         cfg.OAuthRefreshToken,
		Verifier:             cfg.OAuthVerifier,
		SettingsLocation:     cfg.OAuthSettingsLocation,
		CallbackURL:          cfg.CallbackURL,
		Scope:                cfg.Scope,
		RefreshWindow:        cfg.TokenRefreshWindow,
		CertPath:             cfg.OAuthJWTCert,
		CertType:             cfg.OAuthJWTCertType,
		CertPassword:         cfg.OAuthJWTCertPassword,
		AuthorityHost:        cfg.AuthorityURL,
		Cloud:                cloud,
		HTTPClient:           httpClient,
	}
}

func credentialFor(cfg *Config, opts auth.Options) (azcore.TokenCredential, error) {
	if cfg.Credential != nil {
		return cfg.Credential, nil
	}
	return auth.NewCredential(opts)
}

// graphScopes asks for the Graph resource's .default scope; a delegated
// Scope property may list more (offline_access is for the token endpoint,
// not for Graph requests).
func graphScopes(cfg *Config, cloud auth.Cloud) []string {
	if cfg.AuthScheme != AuthAzureAD || cfg.Scope == "" {
		return []string{cloud.GraphScope}
	}
	var scopes []string
	for _, s := range strings.Fields(cfg.Scope) {
		switch strings.ToLower(s) {
		case "offline_access", "openid", "profile":
		default:
			scopes = append(scopes, s)
		}
	}
	if len(scopes) == 0 {
		return []string{cloud.GraphScope}
	}
	return scopes
}

// loggerFor logs to Logger, or else to LogFile; Verbosity 0 logs nothing.
// Level 1 logs each Graph request (method, path and query, status, time);
// level 2 also each query's SQL and plan (whose Graph requests show the
// values the query filters on). Headers and tokens are never logged.
func loggerFor(cfg *Config) (*log.Logger, io.Closer, error) {
	if cfg.Verbosity == 0 {
		return nil, nil, nil
	}
	if cfg.Logger != nil {
		return cfg.Logger, nil, nil
	}
	if cfg.LogFile == "" {
		return nil, nil, nil
	}
	f, err := os.OpenFile(cfg.LogFile, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		return nil, nil, fmt.Errorf("msteams: LogFile: %w", err)
	}
	return log.New(f, "msteams ", log.LstdFlags|log.Lmicroseconds), f, nil
}

func firstNonEmpty(values ...string) string {
	for _, v := range values {
		if v != "" {
			return v
		}
	}
	return ""
}

// Connect opens a connection. Connections hold no network state of their
// own: each query is a set of HTTP requests through the shared client.
func (c *Connector) Connect(context.Context) (driver.Conn, error) {
	return &Conn{connector: c}, nil
}

// Driver returns the msteams driver.
func (c *Connector) Driver() driver.Driver { return &Driver{} }

// Config returns a copy of the connector's configuration.
func (c *Connector) Config() *Config { return c.cfg.Clone() }

// Close releases the log file; database/sql calls it from DB.Close.
func (c *Connector) Close() error {
	if c.logOut != nil {
		return c.logOut.Close()
	}
	return nil
}
