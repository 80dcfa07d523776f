// Package auth turns the driver's authentication properties into an
// azcore.TokenCredential for Microsoft Graph.
//
// One switch maps the AuthScheme onto an azidentity constructor; the shared
// settings (cloud, authority host, TLS transport) are applied the same way to
// every scheme. The credential is built once per connector: azidentity caches
// tokens inside it and refreshes them before they expire.
//
// AzureAD with InitiateOAuth=GETANDREFRESH or REFRESH is the delegated flow of
// this package (OAuthClient, golang.org/x/oauth2): tokens live in a Store
// (OAuthSettingsLocation) that is re-read under a lock before every token
// use, so connections and processes sharing it refresh once and never write
// back a rotated refresh token.
//
// Property names used in messages (the DSN keys that fix a problem):
// AuthScheme, InitiateOAuth, AzureTenant, OAuthClientId, OAuthClientSecret,
// OAuthAccessToken, OAuthRefreshToken, OAuthVerifier, OAuthSettingsLocation,
// CallbackURL, OAuthJWTCert, OAuthJWTCertPassword, AzureEnvironment.
package auth

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/cloud"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// AuthScheme values. Matching is case-insensitive; "" means SchemeAzureAD.
const (
	SchemeAzureAD                   = "AzureAD"                   // delegated: a user's token
	SchemeAzureServicePrincipal     = "AzureServicePrincipal"     // app-only, client secret
	SchemeAzureServicePrincipalCert = "AzureServicePrincipalCert" // app-only, certificate
	SchemeAzureMSI                  = "AzureMSI"                  // managed identity
)

// InitiateOAuth values. Matching is case-insensitive; "" means OFF.
const (
	InitiateOAuthOff           = "OFF"           // the caller supplies OAuthAccessToken
	InitiateOAuthGetAndRefresh = "GETANDREFRESH" // use stored tokens, sign in with a browser when there are none
	InitiateOAuthRefresh       = "REFRESH"       // use stored tokens, OAuthRefreshToken or OAuthVerifier; never prompt
)

// Options carries the authentication properties of a connection string.
type Options struct {
	Scheme        string // AuthScheme
	InitiateOAuth string // InitiateOAuth, for AzureAD: OFF, GETANDREFRESH or REFRESH

	TenantID     string // AzureTenant
	ClientID     string // OAuthClientId (for AzureMSI: a user-assigned identity's client ID)
	ClientSecret string // OAuthClientSecret
	AccessToken  string // OAuthAccessToken

	// AccessTokenExpiresIn is how long AccessToken stays valid; 0 = unknown.
	AccessTokenExpiresIn time.Duration

	// Delegated sign-in (AzureAD with InitiateOAuth=GETANDREFRESH/REFRESH,
	// and the OAuth procedures).
	RefreshToken     string        // OAuthRefreshToken: used when the store holds no tokens
	Verifier         string        // OAuthVerifier: an authorization code to exchange when the store holds no tokens
	SettingsLocation string        // OAuthSettingsLocation: token file path or memory://NAME; "" = DefaultStoreLocation
	CallbackURL      string        // CallbackURL: redirect URI; "" = DefaultCallbackURL
	Scope            string        // Scope: "" = the cloud's Graph .default scope plus offline_access
	RefreshWindow    time.Duration // TokenRefreshWindow: refresh this long before expiry; 0 = DefaultRefreshWindow

	// CertPath holds the app certificate and its private key (OAuthJWTCert):
	// a PEM or PKCS#12 file path, or the PEM text itself. CertType
	// (OAuthJWTCertType) says which; "" detects it. CertPassword decrypts
	// the key (OAuthJWTCertPassword).
	CertPath     string
	CertType     string
	CertPassword string

	// AuthorityHost overrides Cloud.AuthorityHost, e.g. the emulator's URL.
	// When it is not a Microsoft host, instance discovery is disabled.
	AuthorityHost string

	// Cloud supplies the default authority host; zero means GLOBAL.
	Cloud Cloud

	// HTTPClient carries token requests (so SSLServerCert applies to them);
	// nil uses azcore's default transport.
	HTTPClient *http.Client
}

// NewCredential builds the credential that the AuthScheme in o asks for.
// Errors name the property to set and never contain a secret.
func NewCredential(o Options) (azcore.TokenCredential, error) {
	scheme, err := canonicalScheme(o.Scheme)
	if err != nil {
		return nil, err
	}
	switch scheme {
	case SchemeAzureAD:
		return newDelegatedCredential(o)
	case SchemeAzureServicePrincipal:
		return newClientSecretCredential(o)
	case SchemeAzureServicePrincipalCert:
		return newClientCertCredential(o)
	case SchemeAzureMSI:
		return newManagedIdentityCredential(o)
	}
	return nil, fmt.Errorf("auth: AuthScheme %q has no credential", scheme)
}

func canonicalScheme(scheme string) (string, error) {
	all := []string{SchemeAzureAD, SchemeAzureServicePrincipal, SchemeAzureServicePrincipalCert, SchemeAzureMSI}
	s := strings.TrimSpace(scheme)
	if s == "" {
		return SchemeAzureAD, nil
	}
	for _, known := range all {
		if strings.EqualFold(s, known) {
			return known, nil
		}
	}
	return "", fmt.Errorf("auth: AuthScheme %q is not supported; use one of %s", scheme, strings.Join(all, ", "))
}

func newDelegatedCredential(o Options) (azcore.TokenCredential, error) {
	flow := strings.ToUpper(strings.TrimSpace(o.InitiateOAuth))
	switch flow {
	case "", InitiateOAuthOff:
		if o.AccessToken == "" && o.ClientID != "" {
			return noTokenYet{}, nil // the web flow: the procedures get the token
		}
		if o.AccessToken == "" {
			return nil, errMissing("OAuthAccessToken", "AuthScheme=AzureAD with InitiateOAuth=OFF sends the access token you supply")
		}
		var expiresOn time.Time
		if o.AccessTokenExpiresIn > 0 {
			expiresOn = time.Now().Add(o.AccessTokenExpiresIn)
		}
		return StaticToken(o.AccessToken, expiresOn), nil
	case InitiateOAuthGetAndRefresh, InitiateOAuthRefresh:
		return newStoreCredential(o, flow)
	default:
		return nil, fmt.Errorf("auth: InitiateOAuth %q is not supported; use OFF, GETANDREFRESH or REFRESH", o.InitiateOAuth)
	}
}

func newClientSecretCredential(o Options) (azcore.TokenCredential, error) {
	if err := requireAppRegistration(o, "AzureServicePrincipal"); err != nil {
		return nil, err
	}
	if o.ClientSecret == "" {
		return nil, errMissing("OAuthClientSecret", "AuthScheme=AzureServicePrincipal authenticates the app with its client secret")
	}
	authority, err := authoritySettings(o)
	if err != nil {
		return nil, err
	}
	cred, err := azidentity.NewClientSecretCredential(o.TenantID, o.ClientID, o.ClientSecret, &azidentity.ClientSecretCredentialOptions{
		ClientOptions:            authority.clientOptions,
		DisableInstanceDiscovery: authority.disableInstanceDiscovery,
	})
	if err != nil {
		return nil, constructorError(SchemeAzureServicePrincipal, err, o.ClientSecret)
	}
	return newSafeCredential(cred, SchemeAzureServicePrincipal, authority.host, "check AzureTenant, OAuthClientId and OAuthClientSecret", o.ClientSecret), nil
}

func newClientCertCredential(o Options) (azcore.TokenCredential, error) {
	if err := requireAppRegistration(o, "AzureServicePrincipalCert"); err != nil {
		return nil, err
	}
	certs, key, err := loadCertificate(o)
	if err != nil {
		return nil, err
	}
	authority, err := authoritySettings(o)
	if err != nil {
		return nil, err
	}
	cred, err := azidentity.NewClientCertificateCredential(o.TenantID, o.ClientID, certs, key, &azidentity.ClientCertificateCredentialOptions{
		ClientOptions:            authority.clientOptions,
		DisableInstanceDiscovery: authority.disableInstanceDiscovery,
	})
	if err != nil {
		return nil, constructorError(SchemeAzureServicePrincipalCert, err, o.CertPassword)
	}
	return newSafeCredential(cred, SchemeAzureServicePrincipalCert, authority.host, "check AzureTenant, OAuthClientId and OAuthJWTCert", o.CertPassword), nil
}

func newManagedIdentityCredential(o Options) (azcore.TokenCredential, error) {
	options := &azidentity.ManagedIdentityCredentialOptions{}
	if o.HTTPClient != nil {
		options.Transport = o.HTTPClient
	}
	if o.ClientID != "" {
		options.ID = azidentity.ClientID(o.ClientID)
	}
	cred, err := azidentity.NewManagedIdentityCredential(options)
	if err != nil {
		return nil, constructorError(SchemeAzureMSI, err)
	}
	return newSafeCredential(cred, SchemeAzureMSI, "the managed identity endpoint", "check that this host has a managed identity and, for a user-assigned one, OAuthClientId", ""), nil
}

func requireAppRegistration(o Options, scheme string) error {
	if strings.TrimSpace(o.TenantID) == "" {
		return errMissing("AzureTenant", "AuthScheme="+scheme+" needs the directory (tenant) ID or domain of the app registration")
	}
	if strings.TrimSpace(o.ClientID) == "" {
		return errMissing("OAuthClientId", "AuthScheme="+scheme+" needs the application (client) ID of the app registration")
	}
	return nil
}

// authority holds the settings every Entra ID credential shares.
type authority struct {
	host                     string // for messages
	clientOptions            azcore.ClientOptions
	disableInstanceDiscovery bool
}

func authoritySettings(o Options) (authority, error) {
	host := o.AuthorityHost
	if host == "" {
		host = o.Cloud.AuthorityHost
	}
	if host == "" {
		global, _ := CloudFor("")
		host = global.AuthorityHost
	}
	u, err := url.Parse(host)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return authority{}, fmt.Errorf("auth: authority host %q is not an absolute https URL like https://login.microsoftonline.com/", host)
	}
	if !strings.HasSuffix(host, "/") {
		host += "/"
	}
	a := authority{
		host: u.Host,
		clientOptions: azcore.ClientOptions{
			Cloud: cloud.Configuration{ActiveDirectoryAuthorityHost: host},
		},
		// MSAL asks login.microsoft.com to validate the authority, which a
		// private authority (the emulator, Azure Stack) cannot pass.
		disableInstanceDiscovery: !knownAuthorityHosts[strings.ToLower(u.Hostname())],
	}
	if o.HTTPClient != nil {
		a.clientOptions.Transport = o.HTTPClient
	}
	return a, nil
}

func errMissing(property, why string) error {
	return fmt.Errorf("auth: %s is required: %s; set %s in the connection string", property, why, property)
}

func constructorError(scheme string, err error, secrets ...string) error {
	return fmt.Errorf("auth: cannot set up AuthScheme=%s: %s", scheme, redact(firstLine(err.Error()), secrets...))
}
