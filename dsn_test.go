package msteams

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// configWith returns the defaults changed by edit.
func configWith(edit func(c *Config)) *Config {
	c := NewConfig()
	edit(c)
	return c
}

// withToken is the smallest valid edit: AzureAD with InitiateOAuth=OFF
// needs an access token.
func withToken(edit func(c *Config)) *Config {
	return configWith(func(c *Config) {
		c.OAuthAccessToken = "tok"
		edit(c)
	})
}

// testDSNs drives the parse expectations, the round trip and the fuzz seeds.
var testDSNs = []struct {
	in  string
	out *Config
}{
	{"OAuthAccessToken=tok", withToken(func(*Config) {})},
	{"OAuthAccessToken=tok;", withToken(func(*Config) {})},
	{";; OAuthAccessToken = tok ;;", withToken(func(*Config) {})},
	{"oauthaccesstoken=tok", withToken(func(*Config) {})},
	{"AuthScheme=azureserviceprincipal;OAuthClientId=app;OAuthClientSecret=s;AzureTenant=contoso.onmicrosoft.com",
		configWith(func(c *Config) {
			c.AuthScheme, c.OAuthClientID, c.OAuthClientSecret = AuthAzureServicePrincipal, "app", "s"
			c.AzureTenant = "contoso.onmicrosoft.com"
		})},
	{"authscheme=AzureServicePrincipalCert;oauthclientid=app;OAUTHJWTCERT=/etc/cert.pem;oauthjwtcerttype=pemkey_file;" +
		"OAuthJWTCertPassword=pw;TenantId=t1",
		configWith(func(c *Config) {
			c.AuthScheme, c.OAuthClientID, c.OAuthJWTCert = AuthAzureServicePrincipalCert, "app", "/etc/cert.pem"
			c.OAuthJWTCertType, c.OAuthJWTCertPassword, c.AzureTenant = "PEMKEY_FILE", "pw", "t1"
		})},
	{"AuthScheme=AzureMSI", configWith(func(c *Config) { c.AuthScheme = AuthAzureMSI })},
	{"AuthScheme=AzureMSI;OAuthClientId=user-assigned-id", configWith(func(c *Config) {
		c.AuthScheme, c.OAuthClientID = AuthAzureMSI, "user-assigned-id"
	})},
	{"InitiateOAuth=getandrefresh;OAuthClientId=app;CallbackURL=http://localhost:33333;" +
		"OAuthSettingsLocation=/tmp/oauth.txt;Scope=Team.ReadBasic.All offline_access",
		configWith(func(c *Config) {
			c.InitiateOAuth, c.OAuthClientID, c.CallbackURL = InitiateOAuthGetAndRefresh, "app", "http://localhost:33333"
			c.OAuthSettingsLocation, c.Scope = "/tmp/oauth.txt", "Team.ReadBasic.All offline_access"
		})},
	{"InitiateOAuth=REFRESH;OAuthClientId=app;OAuthRefreshToken=rt;OAuthVerifier=v;OAuthExpiresIn=3599",
		configWith(func(c *Config) {
			c.InitiateOAuth, c.OAuthClientID, c.OAuthRefreshToken = InitiateOAuthRefresh, "app", "rt"
			c.OAuthVerifier, c.OAuthExpiresIn = "v", 3599*time.Second
		})},
	{"OAuthAccessToken=tok;AzureEnvironment=usgovtdod", withToken(func(c *Config) { c.AzureEnvironment = EnvUSGovtDoD })},
	{"OAuthAccessToken=tok;AzureEnvironment=China", withToken(func(c *Config) { c.AzureEnvironment = EnvChina })},
	{"OAuthAccessToken=tok;GraphURL=http://127.0.0.1:8080/v1.0/;AuthorityURL=http://127.0.0.1:8080",
		withToken(func(c *Config) {
			c.GraphURL, c.AuthorityURL = "http://127.0.0.1:8080/v1.0", "http://127.0.0.1:8080/"
		})},
	{"OAuthAccessToken=tok;GraphURL=https://graph.microsoft.us/v1.0;AuthorityURL=https://login.microsoftonline.us/",
		withToken(func(c *Config) {
			c.GraphURL, c.AuthorityURL = "https://graph.microsoft.us/v1.0", "https://login.microsoftonline.us/"
		})},
	{"OAuthAccessToken=tok;GraphURL=http://[::1]:9/v1.0", withToken(func(c *Config) { c.GraphURL = "http://[::1]:9/v1.0" })},
	{"OAuthAccessToken=tok;SSLServerCert=*", withToken(func(c *Config) { c.SSLServerCert = "*" })},
	{"OAuthAccessToken=tok;Timeout=0;MaxRows=100;Pagesize=50;TokenRefreshWindow=30;Verbosity=0;LogFile=/var/log/msteams.log",
		withToken(func(c *Config) {
			c.Timeout, c.MaxRows, c.Pagesize, c.TokenRefreshWindow = 0, 100, 50, 30*time.Second
			c.Verbosity, c.LogFile = 0, "/var/log/msteams.log"
		})},
	{"OAuthAccessToken=tok;Timeout=+120;MaxRows=0;Verbosity=5", withToken(func(c *Config) {
		c.Timeout, c.MaxRows, c.Verbosity = 120*time.Second, 0, 5
	})},
	// Quoting.
	{"OAuthAccessToken='a;b=c'", configWith(func(c *Config) { c.OAuthAccessToken = "a;b=c" })},
	{`OAuthAccessToken="a;b"`, configWith(func(c *Config) { c.OAuthAccessToken = "a;b" })},
	{"OAuthAccessToken={a;b}", configWith(func(c *Config) { c.OAuthAccessToken = "a;b" })},
	{"OAuthAccessToken='it''s'", configWith(func(c *Config) { c.OAuthAccessToken = "it's" })},
	{`OAuthAccessToken="say ""hi"""`, configWith(func(c *Config) { c.OAuthAccessToken = `say "hi"` })},
	{"OAuthAccessToken={a}}b}", configWith(func(c *Config) { c.OAuthAccessToken = "a}b" })},
	{"OAuthAccessToken=' padded '", configWith(func(c *Config) { c.OAuthAccessToken = " padded " })},
	{"OAuthAccessToken = 'x' ; Other = 'k=v;k2=v2' ", withToken(func(c *Config) {
		c.OAuthAccessToken, c.Other = "x", "k=v;k2=v2"
	})},
	{"OAuthAccessToken=abc==", configWith(func(c *Config) { c.OAuthAccessToken = "abc==" })},
	{"OAuthAccessToken=it's", configWith(func(c *Config) { c.OAuthAccessToken = "it's" })},
	{"OAuthAccessToken=''''", configWith(func(c *Config) { c.OAuthAccessToken = "'" })},
	{"OAuthAccessToken={'}", configWith(func(c *Config) { c.OAuthAccessToken = "'" })},
	{"OAuthAccessToken=tok;SSLServerCert='-----BEGIN CERTIFICATE-----\nMIIB==\n-----END CERTIFICATE-----\n'",
		withToken(func(c *Config) {
			c.SSLServerCert = "-----BEGIN CERTIFICATE-----\nMIIB==\n-----END CERTIFICATE-----\n"
		})},
}

func TestParseDSN(t *testing.T) {
	for _, tt := range testDSNs {
		t.Run(tt.in, func(t *testing.T) {
			got, err := ParseDSN(tt.in)
			if err != nil {
				t.Fatalf("ParseDSN: %v", err)
			}
			if !reflect.DeepEqual(got, tt.out) {
				t.Fatalf("ParseDSN(%q)\n got  %s\n want %s", tt.in, dumpWithSecrets(got), dumpWithSecrets(tt.out))
			}
		})
	}
}

// dumpWithSecrets prints every field, secrets included; only for test diffs.
func dumpWithSecrets(c *Config) string {
	type plain Config
	return fmt.Sprintf("%#v", plain(*c))
}

func TestFormatDSNRoundTrip(t *testing.T) {
	for _, tt := range testDSNs {
		t.Run(tt.in, func(t *testing.T) {
			first, err := ParseDSN(tt.in)
			if err != nil {
				t.Fatalf("ParseDSN: %v", err)
			}
			formatted := first.FormatDSN()
			second, err := ParseDSN(formatted)
			if err != nil {
				t.Fatalf("ParseDSN(FormatDSN()) of %q: %v", formatted, err)
			}
			if !reflect.DeepEqual(first, second) {
				t.Fatalf("round trip through %q changed the config", formatted)
			}
			if again := second.FormatDSN(); again != formatted {
				t.Fatalf("FormatDSN is not a fixed point: %q then %q", formatted, again)
			}
		})
	}
}

func TestFormatDSNIsCanonical(t *testing.T) {
	c := configWith(func(c *Config) {
		c.AuthScheme = AuthAzureServicePrincipal
		c.OAuthClientID, c.OAuthClientSecret, c.AzureTenant = "app", "a;b", "t"
		c.Timeout, c.Verbosity = 90*time.Second, 3
	})
	want := "AuthScheme=AzureServicePrincipal;OAuthClientId=app;OAuthClientSecret='a;b';AzureTenant=t;Timeout=90;Verbosity=3"
	if got := c.FormatDSN(); got != want {
		t.Fatalf("FormatDSN() = %q, want %q", got, want)
	}
	if got := NewConfig().FormatDSN(); got != "" {
		t.Fatalf("FormatDSN() of the defaults = %q, want \"\"", got)
	}
}

func TestFormatDSNWritesSubSecondDurationsAsOneSecond(t *testing.T) {
	c := withToken(func(c *Config) { c.Timeout = 1500 * time.Millisecond })
	if got, want := c.FormatDSN(), "OAuthAccessToken=tok;Timeout=2"; got != want {
		t.Fatalf("FormatDSN() = %q, want %q", got, want)
	}
}

func TestFormatDSNCoversEveryProperty(t *testing.T) {
	c := &Config{
		AuthScheme: AuthAzureServicePrincipalCert, InitiateOAuth: InitiateOAuthRefresh,
		OAuthClientID: "1", OAuthClientSecret: "2", OAuthAccessToken: "3", OAuthRefreshToken: "4",
		OAuthVerifier: "5", OAuthSettingsLocation: "6", OAuthExpiresIn: 7 * time.Second,
		CallbackURL: "https://cb", Scope: "s", AzureTenant: "t", AzureEnvironment: EnvUSGovt,
		OAuthJWTCert: "c", OAuthJWTCertType: "PFXBLOB", OAuthJWTCertPassword: "p",
		GraphURL: "https://g/v1.0", AuthorityURL: "https://a/", SSLServerCert: "*",
		Timeout: 8 * time.Second, MaxRows: 9, Pagesize: 10, TokenRefreshWindow: 11 * time.Second,
		Other: "o", Verbosity: 2, LogFile: "l",
	}
	formatted := c.FormatDSN()
	for _, p := range properties {
		if !strings.Contains(formatted, p.name+"=") {
			t.Errorf("FormatDSN() = %q lacks %s", formatted, p.name)
		}
	}
	back, err := ParseDSN(formatted)
	if err != nil {
		t.Fatalf("ParseDSN(%q): %v", formatted, err)
	}
	if !reflect.DeepEqual(back, c) {
		t.Fatalf("round trip changed the config:\n got  %s\n want %s", dumpWithSecrets(back), dumpWithSecrets(c))
	}
}

func TestTenantIDAliasSetsAzureTenant(t *testing.T) {
	c, err := ParseDSN("OAuthAccessToken=tok;TENANTID=contoso")
	if err != nil {
		t.Fatal(err)
	}
	if c.AzureTenant != "contoso" {
		t.Fatalf("AzureTenant = %q, want contoso", c.AzureTenant)
	}
	if got := c.FormatDSN(); got != "OAuthAccessToken=tok;AzureTenant=contoso" {
		t.Fatalf("FormatDSN() = %q, want the canonical key AzureTenant", got)
	}
}

// invalidDSNs each fail; the error must name key and contain every hint.
var invalidDSNs = []struct {
	in    string
	key   string
	hints []string
}{
	{"OAuthAccessToken=tok;OAuthClientID2=x", "OAuthClientID2", []string{"unknown", `did you mean "OAuthClientId"`}},
	{"OAuthAccessToken=tok;ClientId=x", "ClientId", []string{"unknown", `did you mean "OAuthClientId"`}},
	{"OAuthAccessToken=tok;Tenant=x", "Tenant", []string{"unknown", "did you mean"}},
	{"OAuthAccessToken=tok;Server=x", "Server", []string{"unknown connection property"}},
	{"AuthScheme=Basic", "AuthScheme", []string{`"Basic"`, "AzureAD, AzureServicePrincipal, AzureServicePrincipalCert, AzureMSI"}},
	{"OAuthAccessToken=tok;InitiateOAuth=yes", "InitiateOAuth", []string{"OFF, GETANDREFRESH, REFRESH"}},
	{"OAuthAccessToken=tok;AzureEnvironment=mars", "AzureEnvironment", []string{"GLOBAL, CHINA, USGOVT, USGOVTHIGH, USGOVTDOD"}},
	{"OAuthAccessToken=tok;OAuthJWTCertType=DER", "OAuthJWTCertType", []string{"PEMKEY_FILE, PEMKEY_BLOB, PFXFILE, PFXBLOB"}},
	{"AuthScheme=", "AuthScheme", []string{"use one of"}},
	{"OAuthAccessToken=tok;AzureTenant=a;TenantId=b", "AzureTenant", []string{"twice", "TenantId"}},
	{"OAuthAccessToken=tok;Timeout=1;timeout=2", "Timeout", []string{"twice"}},
	{"OAuthAccessToken='tok", "OAuthAccessToken", []string{"no closing '"}},
	{"OAuthAccessToken={tok", "OAuthAccessToken", []string{"no closing }"}},
	{"OAuthAccessToken='a'b", "OAuthAccessToken", []string{"after the closing"}},
	{"OAuthAccessToken=tok;Verbosity", "Verbosity", []string{"no '='"}},
	{"OAuthAccessToken=tok;=x", "", []string{"no key"}},
	{"OAuthAccessToken=tok;hello world", "", []string{"not a Key=Value pair"}},
	{"OAuthAccessToken=tok;GraphURL=http://graph.example.com/v1.0", "GraphURL", []string{"https"}},
	{"OAuthAccessToken=tok;AuthorityURL=http://10.0.0.1/", "AuthorityURL", []string{"https"}},
	{"OAuthAccessToken=tok;CallbackURL=http://example.com:3333", "CallbackURL", []string{"https"}},
	{"OAuthAccessToken=tok;GraphURL=ftp://127.0.0.1/", "GraphURL", []string{"use https"}},
	{"OAuthAccessToken=tok;GraphURL=graph.microsoft.com", "GraphURL", []string{"absolute URL"}},
	{"OAuthAccessToken=tok;AuthorityURL=https://", "AuthorityURL", []string{"absolute URL"}},
	{"OAuthAccessToken=tok;GraphURL=https://graph.example.com/v1.0?x=1", "GraphURL", []string{"query"}},
	{"OAuthAccessToken=tok;AuthorityURL=https://login.example.com/#frag", "AuthorityURL", []string{"fragment"}},
	{"AuthScheme=AzureServicePrincipal", "AuthScheme", []string{"OAuthClientId, OAuthClientSecret, AzureTenant"}},
	{"AuthScheme=AzureServicePrincipal;OAuthClientId=a;AzureTenant=t", "AuthScheme", []string{"OAuthClientSecret"}},
	{"AuthScheme=AzureServicePrincipalCert;OAuthClientSecret=s", "AuthScheme", []string{"OAuthClientId, OAuthJWTCert, AzureTenant"}},
	{"", "OAuthAccessToken", []string{"InitiateOAuth=GETANDREFRESH"}},
	{"InitiateOAuth=GETANDREFRESH", "OAuthClientId", []string{"no embedded OAuth app", "App registrations"}},
	{"InitiateOAuth=REFRESH;OAuthRefreshToken=r", "OAuthClientId", []string{"App registrations"}},
	{"OAuthAccessToken=tok;Timeout=-1", "Timeout", []string{"negative"}},
	{"OAuthAccessToken=tok;Pagesize=-5", "Pagesize", []string{"negative"}},
	{"OAuthAccessToken=tok;OAuthExpiresIn=-5", "OAuthExpiresIn", []string{"negative"}},
	{"OAuthAccessToken=tok;TokenRefreshWindow=-5", "TokenRefreshWindow", []string{"negative"}},
	{"OAuthAccessToken=tok;MaxRows=-2", "MaxRows", []string{"-1"}},
	{"OAuthAccessToken=tok;Verbosity=6", "Verbosity", []string{"between 0 and 5"}},
	{"OAuthAccessToken=tok;Verbosity=-1", "Verbosity", []string{"between 0 and 5"}},
	{"OAuthAccessToken=tok;MaxRows=10rows", "MaxRows", []string{`"10rows"`, "whole number"}},
	{"OAuthAccessToken=tok;Timeout=1.5", "Timeout", []string{"whole number of seconds"}},
	{"OAuthAccessToken=tok;Timeout=99999999999999999", "Timeout", []string{"whole number of seconds"}},
	{"OAuthAccessToken=tok;Pagesize=", "Pagesize", []string{"whole number"}},
}

func TestParseDSNRejectsInvalidInput(t *testing.T) {
	for _, tt := range invalidDSNs {
		t.Run(tt.in, func(t *testing.T) {
			c, err := ParseDSN(tt.in)
			if err == nil {
				t.Fatalf("ParseDSN(%q) = %s, want an error", tt.in, c)
			}
			var dsnErr *DSNError
			if !errors.As(err, &dsnErr) {
				t.Fatalf("error %v is a %T, want *DSNError", err, err)
			}
			if dsnErr.Key != tt.key {
				t.Errorf("error %q names key %q, want %q", err, dsnErr.Key, tt.key)
			}
			for _, hint := range tt.hints {
				if !strings.Contains(err.Error(), hint) {
					t.Errorf("error %q lacks %q", err, hint)
				}
			}
		})
	}
}

func TestNormalizeChecksCodedConfigs(t *testing.T) {
	c := &Config{AuthScheme: "azuremsi", OAuthJWTCertType: "pfxfile", AuthorityURL: "https://login.example.com"}
	if err := c.Normalize(); err != nil {
		t.Fatal(err)
	}
	if c.AuthScheme != AuthAzureMSI || c.OAuthJWTCertType != "PFXFILE" || c.InitiateOAuth != InitiateOAuthOff ||
		c.AzureEnvironment != EnvGlobal || c.AuthorityURL != "https://login.example.com/" {
		t.Fatalf("Normalize did not canonicalise: %#v", c)
	}
	bad := NewConfig()
	bad.AuthScheme = "Kerberos"
	var dsnErr *DSNError
	if err := bad.Normalize(); !errors.As(err, &dsnErr) || dsnErr.Key != "AuthScheme" {
		t.Fatalf("Normalize() = %v, want a DSNError for AuthScheme", err)
	}
	var nilConfig *Config
	if err := nilConfig.Normalize(); err == nil {
		t.Fatal("Normalize() on a nil Config succeeded")
	}
}

type fakeCredential struct{ token string }

func (f fakeCredential) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{Token: f.token}, nil
}

func TestNormalizeSkipsAuthChecksWhenCredentialIsSet(t *testing.T) {
	c := NewConfig()
	c.AuthScheme = AuthAzureServicePrincipal
	if err := c.Normalize(); err == nil {
		t.Fatal("AzureServicePrincipal without client settings passed Normalize")
	}
	c.Credential = fakeCredential{token: "t"}
	if err := c.Normalize(); err != nil {
		t.Fatalf("Normalize() with a Credential = %v, want nil", err)
	}
	c.Timeout = -time.Second
	if err := c.Normalize(); err == nil {
		t.Fatal("a Credential also skipped the non-auth checks")
	}
}

func TestCloneIsIndependent(t *testing.T) {
	c := withToken(func(c *Config) { c.HTTPClient = &http.Client{} })
	clone := c.Clone()
	if !reflect.DeepEqual(c, clone) || clone == c {
		t.Fatal("Clone() is not an equal, distinct Config")
	}
	clone.OAuthAccessToken = "other"
	if c.OAuthAccessToken != "tok" {
		t.Fatal("changing the clone changed the original")
	}
	if clone.HTTPClient != c.HTTPClient {
		t.Fatal("Clone() should share the HTTPClient")
	}
	var nilConfig *Config
	if nilConfig.Clone() != nil {
		t.Fatal("Clone() of nil is not nil")
	}
}

// Distinctive secret values; none may ever appear in output or errors.
const (
	secretClientSecret = "Cs7Qx~Wd2Lp"
	secretAccessToken  = "At4Zr.Ny8Hk"
	secretRefreshToken = "Rt9Kv-Mb3Fj"
	secretVerifier     = "Vf2Pn_Tg6Sc"
	secretCertPassword = "Cp5Yw!Je1Ua"
)

var allSecrets = []string{secretClientSecret, secretAccessToken, secretRefreshToken, secretVerifier, secretCertPassword}

func TestPrintedConfigNeverShowsSecrets(t *testing.T) {
	c := configWith(func(c *Config) {
		c.AuthScheme = AuthAzureServicePrincipal
		c.OAuthClientID, c.AzureTenant = "app", "tenant"
		c.OAuthClientSecret, c.OAuthAccessToken, c.OAuthRefreshToken = secretClientSecret, secretAccessToken, secretRefreshToken
		c.OAuthVerifier, c.OAuthJWTCertPassword = secretVerifier, secretCertPassword
		c.Credential = fakeCredential{token: secretAccessToken}
		c.HTTPClient = &http.Client{}
		c.Logger = log.Default()
	})
	outputs := map[string]string{
		"String":    c.String(),
		"%v":        fmt.Sprintf("%v", c),
		"%+v":       fmt.Sprintf("%+v", c),
		"%#v":       fmt.Sprintf("%#v", c),
		"%s":        fmt.Sprintf("%s", c),
		"%q":        fmt.Sprintf("%q", c),
		"%d":        fmt.Sprintf("%d", c),
		"value %v":  fmt.Sprintf("%v", *c),
		"value %#v": fmt.Sprintf("%#v", *c),
		"GoString":  c.GoString(),
		"in slice":  fmt.Sprintf("%v %+v", []*Config{c}, map[string]Config{"k": *c}),
	}
	for name, out := range outputs {
		for _, s := range allSecrets {
			if strings.Contains(out, s) {
				t.Errorf("%s output %q contains a secret", name, out)
			}
		}
		if !strings.Contains(out, redactedMark) {
			t.Errorf("%s output %q does not show that secrets are set", name, out)
		}
	}
	if !strings.Contains(outputs["%#v"], "msteams.Config{") || !strings.Contains(outputs["%#v"], `OAuthClientID:"app"`) {
		t.Errorf("%%#v output %q is not Go syntax for the Config", outputs["%#v"])
	}
	if !strings.Contains(outputs["%#v"], "Credential:msteams.fakeCredential(…)") {
		t.Errorf("%%#v output %q does not show the Credential's type", outputs["%#v"])
	}
	// The formatted DSN is the one place secrets belong.
	if !strings.Contains(c.FormatDSN(), secretClientSecret) {
		t.Error("FormatDSN() lost the client secret")
	}
}

func TestErrorsNeverShowSecrets(t *testing.T) {
	dsns := []string{
		"OAuthClientSecret='" + secretClientSecret,
		"OAuthClientSecret=\"" + secretClientSecret,
		"OAuthClientSecret={" + secretClientSecret,
		"OAuthClientSecret='" + secretClientSecret + "'trailing",
		"OAuthClientSecret=" + secretClientSecret + ";OAuthClientSecret=" + secretClientSecret,
		"OAuthAccessToken=" + secretAccessToken + ";oauthaccesstoken=other",
		"OAuthRefreshToken=" + secretRefreshToken[:5] + ";" + secretRefreshToken[5:],
		"OAuthRefreshToken=" + secretRefreshToken[:5] + ";" + secretRefreshToken[5:] + "=x",
		"OAuthRefreshToken=" + secretRefreshToken[:5] + ";" + secretRefreshToken[5:] + "='x",
		"OAuthVerifier=a;" + secretVerifier + "=1",
		"OAuthJWTCertPassword:" + secretCertPassword,
		"OAuthJWTCertPassword " + secretCertPassword + "=x",
		"AuthScheme=AzureServicePrincipalCert;OAuthJWTCertPassword=" + secretCertPassword,
		"AuthScheme=AzureServicePrincipal;OAuthClientSecret=" + secretClientSecret,
		"InitiateOAuth=REFRESH;OAuthRefreshToken=" + secretRefreshToken,
		"OAuthAccessToken=" + secretAccessToken + ";Timeout=-1",
		"OAuthAccessToken=" + secretAccessToken + ";GraphURL=http://x:" + secretClientSecret + "@example.com/",
	}
	for _, dsn := range dsns {
		_, err := ParseDSN(dsn)
		if err == nil {
			t.Errorf("ParseDSN(%q) succeeded, want an error", dsn)
			continue
		}
		for _, s := range allSecrets {
			if strings.Contains(err.Error(), s) || strings.Contains(err.Error(), s[:5]) || strings.Contains(err.Error(), s[5:]) {
				t.Errorf("ParseDSN(%q) error %q shows (part of) a secret", dsn, err)
			}
		}
	}
}
