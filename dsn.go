package msteams

import (
	"fmt"
	"log"
	"math"
	"net"
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/teamsql/msteams/internal/suggest"
)

// AuthScheme selects how the driver obtains Microsoft Entra ID tokens.
type AuthScheme string

// Authentication schemes, spelled as in CData connection strings.
const (
	AuthAzureAD                   AuthScheme = "AzureAD" // default; delegated user sign-in
	AuthAzureServicePrincipal     AuthScheme = "AzureServicePrincipal"
	AuthAzureServicePrincipalCert AuthScheme = "AzureServicePrincipalCert"
	AuthAzureMSI                  AuthScheme = "AzureMSI"
)

// InitiateOAuth controls whether the driver runs the OAuth flow itself.
type InitiateOAuth string

// InitiateOAuth values.
const (
	InitiateOAuthOff           InitiateOAuth = "OFF"           // use OAuthAccessToken as given
	InitiateOAuthGetAndRefresh InitiateOAuth = "GETANDREFRESH" // sign in when needed, then refresh
	InitiateOAuthRefresh       InitiateOAuth = "REFRESH"       // only refresh an existing token
)

// AzureEnvironment names the national cloud whose endpoints are used when
// GraphURL and AuthorityURL are not set.
type AzureEnvironment string

// Azure clouds.
const (
	EnvGlobal     AzureEnvironment = "GLOBAL"
	EnvChina      AzureEnvironment = "CHINA"
	EnvUSGovt     AzureEnvironment = "USGOVT"
	EnvUSGovtHigh AzureEnvironment = "USGOVTHIGH"
	EnvUSGovtDoD  AzureEnvironment = "USGOVTDOD"
)

// Config is a parsed connection string. Start from NewConfig (or ParseDSN),
// because the zero value does not hold the defaults.
type Config struct {
	AuthScheme            AuthScheme
	InitiateOAuth         InitiateOAuth // default OFF
	OAuthClientID         string
	OAuthClientSecret     string // secret
	OAuthAccessToken      string // secret
	OAuthRefreshToken     string // secret
	OAuthVerifier         string // secret
	OAuthSettingsLocation string
	OAuthExpiresIn        time.Duration // DSN value in seconds; 0 = unknown
	CallbackURL           string
	Scope                 string           // space separated scopes; "" = default for the scheme
	AzureTenant           string           // alias key: TenantId
	AzureEnvironment      AzureEnvironment // default GLOBAL
	OAuthJWTCert          string           // path to PEM/PFX, or the PEM text itself
	OAuthJWTCertType      string           // "" (auto-detect), PEMKEY_FILE, PEMKEY_BLOB, PFXFILE, PFXBLOB
	OAuthJWTCertPassword  string           // secret
	GraphURL              string           // Graph base URL incl. version; "" = from AzureEnvironment
	AuthorityURL          string           // Entra authority host URL; "" = from AzureEnvironment
	SSLServerCert         string           // PEM file path, PEM text, or "*" (trust any; for testing)
	Timeout               time.Duration    // DSN value in seconds; default 60s; 0 = no timeout
	MaxRows               int              // default -1 = no limit
	Pagesize              int              // 0 = each table's default
	TokenRefreshWindow    time.Duration    // DSN seconds; default 5 minutes
	Other                 string           // CData's catch-all of extra settings, kept verbatim
	Verbosity             int              // 0..5, default 1
	LogFile               string

	// Not settable from a DSN: set in code, used by tests and embedders.
	// Never printed or formatted.
	HTTPClient *http.Client           // used for all HTTP (Graph and token endpoints) when set
	Credential azcore.TokenCredential // when set, used instead of building one from the auth settings
	Logger     *log.Logger            // optional
}

// Defaults that NewConfig applies; kept here so the documentation and the
// code cannot drift apart.
const (
	defaultTimeout            = 60 * time.Second
	defaultTokenRefreshWindow = 5 * time.Minute
	defaultMaxRows            = -1
	defaultVerbosity          = 1
	maxVerbosity              = 5
)

// NewConfig returns a Config holding every default.
func NewConfig() *Config {
	return &Config{
		AuthScheme:         AuthAzureAD,
		InitiateOAuth:      InitiateOAuthOff,
		AzureEnvironment:   EnvGlobal,
		Timeout:            defaultTimeout,
		MaxRows:            defaultMaxRows,
		TokenRefreshWindow: defaultTokenRefreshWindow,
		Verbosity:          defaultVerbosity,
	}
}

// DSNError reports a problem with one connection property. Its message never
// contains the value of a secret property.
type DSNError struct {
	Key     string // canonical property name, or the key as written when it is unknown; "" if no key applies
	Problem string // what is wrong and how to fix it
}

func (e *DSNError) Error() string {
	if e.Key == "" {
		return "msteams: connection string: " + e.Problem
	}
	return fmt.Sprintf("msteams: connection property %q: %s", e.Key, e.Problem)
}

func dsnErrorf(key, format string, args ...any) *DSNError {
	return &DSNError{Key: key, Problem: fmt.Sprintf(format, args...)}
}

// ParseDSN parses a connection string of the form "Key=Value;Key2=Value2"
// and validates the result with Normalize.
func ParseDSN(dsn string) (*Config, error) {
	c := NewConfig()
	if err := c.parse(dsn); err != nil {
		return nil, err
	}
	if err := c.Normalize(); err != nil {
		return nil, err
	}
	return c, nil
}

// FormatDSN returns the connection string for c: canonical key spellings in
// a fixed order, only values that differ from the defaults, quoted where
// needed. The code-only fields (HTTPClient, Credential, Logger) are left out.
func (c *Config) FormatDSN() string {
	return c.format(false)
}

// String is FormatDSN with every secret value replaced by "****".
func (c *Config) String() string {
	return c.format(true)
}

// Clone returns a copy of c (nil for nil). HTTPClient, Credential and
// Logger are shared, not copied.
func (c *Config) Clone() *Config {
	if c == nil {
		return nil
	}
	clone := *c
	return &clone
}

// redactedMark replaces secret values in everything printed.
const redactedMark = "****"

func (c *Config) format(redact bool) string {
	defaults := NewConfig()
	var b strings.Builder
	for _, p := range properties {
		value := p.format(c)
		if value == p.format(defaults) {
			continue
		}
		if redact && p.secret {
			value = redactedMark
		}
		if b.Len() > 0 {
			b.WriteByte(';')
		}
		b.WriteString(p.name)
		b.WriteByte('=')
		b.WriteString(quoteValue(value))
	}
	return b.String()
}

// Format makes every fmt verb print the redacted form, so a Config (or a
// pointer to one) can be logged without leaking secrets. It has a value
// receiver so that printing a Config value is covered too.
func (c Config) Format(f fmt.State, verb rune) {
	switch {
	case verb == 'v' && f.Flag('#'):
		fmt.Fprint(f, c.GoString())
	case verb == 'v' || verb == 's':
		fmt.Fprint(f, c.String())
	case verb == 'q':
		fmt.Fprint(f, strconv.Quote(c.String()))
	default:
		fmt.Fprintf(f, "%%!%c(msteams.Config=%s)", verb, c.String())
	}
}

// GoString prints the Config in Go syntax with secrets redacted. Credential
// is shown by type only, because credentials may hold tokens.
func (c Config) GoString() string {
	r := c
	for _, p := range properties {
		if p.secret && p.format(&r) != "" {
			p.set(&r, redactedMark)
		}
	}
	v := reflect.ValueOf(r)
	var b strings.Builder
	b.WriteString("msteams.Config{")
	for i := range v.NumField() {
		if i > 0 {
			b.WriteString(", ")
		}
		name := v.Type().Field(i).Name
		switch {
		case name == "Credential" && r.Credential != nil:
			fmt.Fprintf(&b, "Credential:%T(…)", r.Credential)
		case name == "Credential":
			b.WriteString("Credential:nil")
		default:
			// Field values are plain strings, numbers and pointers here, so
			// %#v cannot recurse into this method.
			fmt.Fprintf(&b, "%s:%#v", name, v.Field(i).Interface())
		}
	}
	b.WriteString("}")
	return b.String()
}

// Normalize validates c and brings it into canonical form: enum values get
// their canonical spelling (empty ones their default), GraphURL loses its
// trailing "/" and AuthorityURL gains one. ParseDSN calls it; call it too
// after building a Config in code.
func (c *Config) Normalize() error {
	if c == nil {
		return &DSNError{Problem: "the Config is nil; start from NewConfig() or ParseDSN"}
	}
	for _, p := range properties {
		if p.normalize == nil {
			continue
		}
		if err := p.normalize(c); err != nil {
			return err
		}
	}
	checks := []func() error{c.checkNumbers, c.checkURLs}
	if c.Credential == nil {
		checks = append(checks, c.checkAuth)
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

func (c *Config) checkNumbers() error {
	nonNegative := []struct {
		key   string
		value int64
	}{
		{"OAuthExpiresIn", int64(c.OAuthExpiresIn)},
		{"Timeout", int64(c.Timeout)},
		{"Pagesize", int64(c.Pagesize)},
		{"TokenRefreshWindow", int64(c.TokenRefreshWindow)},
	}
	for _, n := range nonNegative {
		if n.value < 0 {
			return dsnErrorf(n.key, "must not be negative")
		}
	}
	if c.MaxRows < -1 {
		return dsnErrorf("MaxRows", "must be -1 (no limit) or a row count >= 0, got %d", c.MaxRows)
	}
	if c.Verbosity < 0 || c.Verbosity > maxVerbosity {
		return dsnErrorf("Verbosity", "must be between 0 and %d, got %d", maxVerbosity, c.Verbosity)
	}
	return nil
}

func (c *Config) checkURLs() error {
	graphURL, err := checkBaseURL("GraphURL", strings.TrimRight(c.GraphURL, "/"))
	if err != nil {
		return err
	}
	authorityURL := c.AuthorityURL
	if authorityURL != "" && !strings.HasSuffix(authorityURL, "/") {
		authorityURL += "/"
	}
	if authorityURL, err = checkBaseURL("AuthorityURL", authorityURL); err != nil {
		return err
	}
	if _, err := checkURL("CallbackURL", c.CallbackURL); err != nil {
		return err
	}
	c.GraphURL, c.AuthorityURL = graphURL, authorityURL
	return nil
}

// checkBaseURL is checkURL for URLs that request paths are appended to,
// where a query or fragment would end up in the wrong place.
func checkBaseURL(key, raw string) (string, error) {
	checked, err := checkURL(key, raw)
	if err != nil || checked == "" {
		return checked, err
	}
	if strings.ContainsAny(checked, "?#") {
		return "", dsnErrorf(key, "must not contain a query (?) or fragment (#); give just scheme, host and path")
	}
	return checked, nil
}

// checkURL accepts "" (meaning: use the default) or an absolute URL that
// is https, or http to a loopback host (emulators and local redirect
// listeners), so tokens never cross a network in clear text.
func checkURL(key, raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return "", dsnErrorf(key, "%q is not an absolute URL; write it like https://host/path", raw)
	}
	shown := u.Redacted()
	switch strings.ToLower(u.Scheme) {
	case "https":
		return raw, nil
	case "http":
		if isLoopbackHost(u.Hostname()) {
			return raw, nil
		}
		return "", dsnErrorf(key, "%q must use https; http is allowed only for localhost, 127.0.0.0/8 and ::1", shown)
	default:
		return "", dsnErrorf(key, "%q has scheme %q; use https", shown, u.Scheme)
	}
}

func isLoopbackHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkAuth verifies that the chosen AuthScheme has what it needs.
func (c *Config) checkAuth() error {
	switch c.AuthScheme {
	case AuthAzureServicePrincipal:
		return c.requireForScheme([]keyValue{
			{"OAuthClientId", c.OAuthClientID}, {"OAuthClientSecret", c.OAuthClientSecret}, {"AzureTenant", c.AzureTenant},
		})
	case AuthAzureServicePrincipalCert:
		return c.requireForScheme([]keyValue{
			{"OAuthClientId", c.OAuthClientID}, {"OAuthJWTCert", c.OAuthJWTCert}, {"AzureTenant", c.AzureTenant},
		})
	case AuthAzureAD:
		return c.checkAzureAD()
	}
	return nil
}

func (c *Config) checkAzureAD() error {
	if c.InitiateOAuth == InitiateOAuthOff {
		// With OAuthClientId and no token, the connection runs the OAuth
		// procedures (CData's web and headless flows) to obtain one.
		if c.OAuthAccessToken == "" && c.OAuthClientID == "" {
			return dsnErrorf("OAuthAccessToken", "is required with AuthScheme=AzureAD and InitiateOAuth=OFF; "+
				"set OAuthAccessToken, or set InitiateOAuth=GETANDREFRESH to sign in")
		}
		return nil
	}
	if c.OAuthClientID == "" {
		return dsnErrorf("OAuthClientId", "is required with InitiateOAuth=%s: msteams ships no embedded OAuth app, "+
			"so register one in Entra ID (App registrations) and set OAuthClientId to its Application (client) ID",
			c.InitiateOAuth)
	}
	return nil
}

type keyValue struct{ key, value string }

// requireForScheme lists every missing key at once, so users fix the DSN
// in one go rather than one error at a time.
func (c *Config) requireForScheme(required []keyValue) error {
	var missing []string
	for _, kv := range required {
		if kv.value == "" {
			missing = append(missing, kv.key)
		}
	}
	if len(missing) == 0 {
		return nil
	}
	return dsnErrorf("AuthScheme", "%s also needs %s; set %s", c.AuthScheme,
		strings.Join(missing, ", "), pluralIt(len(missing)))
}

func pluralIt(n int) string {
	if n == 1 {
		return "it"
	}
	return "them"
}

// property describes one connection property. Adding a property is one
// entry in the properties table.
type property struct {
	name      string   // canonical spelling, used by FormatDSN
	aliases   []string // other accepted spellings
	secret    bool     // value must never appear in errors or printed output
	parse     func(c *Config, value string) error
	format    func(c *Config) string
	set       func(c *Config, value string) // raw assignment, used to redact
	normalize func(c *Config) error         // optional canonicalisation of coded values
}

// properties is in FormatDSN order.
var properties = []property{
	enumProperty("AuthScheme", func(c *Config) *AuthScheme { return &c.AuthScheme },
		[]AuthScheme{AuthAzureAD, AuthAzureServicePrincipal, AuthAzureServicePrincipalCert, AuthAzureMSI}, AuthAzureAD),
	enumProperty("InitiateOAuth", func(c *Config) *InitiateOAuth { return &c.InitiateOAuth },
		[]InitiateOAuth{InitiateOAuthOff, InitiateOAuthGetAndRefresh, InitiateOAuthRefresh}, InitiateOAuthOff),
	textProperty("OAuthClientId", func(c *Config) *string { return &c.OAuthClientID }),
	secret(textProperty("OAuthClientSecret", func(c *Config) *string { return &c.OAuthClientSecret })),
	secret(textProperty("OAuthAccessToken", func(c *Config) *string { return &c.OAuthAccessToken })),
	secret(textProperty("OAuthRefreshToken", func(c *Config) *string { return &c.OAuthRefreshToken })),
	secret(textProperty("OAuthVerifier", func(c *Config) *string { return &c.OAuthVerifier })),
	textProperty("OAuthSettingsLocation", func(c *Config) *string { return &c.OAuthSettingsLocation }),
	secondsProperty("OAuthExpiresIn", func(c *Config) *time.Duration { return &c.OAuthExpiresIn }),
	textProperty("CallbackURL", func(c *Config) *string { return &c.CallbackURL }),
	textProperty("Scope", func(c *Config) *string { return &c.Scope }),
	aliased(textProperty("AzureTenant", func(c *Config) *string { return &c.AzureTenant }), "TenantId"),
	enumProperty("AzureEnvironment", func(c *Config) *AzureEnvironment { return &c.AzureEnvironment },
		[]AzureEnvironment{EnvGlobal, EnvChina, EnvUSGovt, EnvUSGovtHigh, EnvUSGovtDoD}, EnvGlobal),
	textProperty("OAuthJWTCert", func(c *Config) *string { return &c.OAuthJWTCert }),
	enumProperty("OAuthJWTCertType", func(c *Config) *string { return &c.OAuthJWTCertType },
		[]string{"PEMKEY_FILE", "PEMKEY_BLOB", "PFXFILE", "PFXBLOB"}, ""),
	secret(textProperty("OAuthJWTCertPassword", func(c *Config) *string { return &c.OAuthJWTCertPassword })),
	textProperty("GraphURL", func(c *Config) *string { return &c.GraphURL }),
	textProperty("AuthorityURL", func(c *Config) *string { return &c.AuthorityURL }),
	textProperty("SSLServerCert", func(c *Config) *string { return &c.SSLServerCert }),
	secondsProperty("Timeout", func(c *Config) *time.Duration { return &c.Timeout }),
	intProperty("MaxRows", func(c *Config) *int { return &c.MaxRows }),
	intProperty("Pagesize", func(c *Config) *int { return &c.Pagesize }),
	secondsProperty("TokenRefreshWindow", func(c *Config) *time.Duration { return &c.TokenRefreshWindow }),
	textProperty("Other", func(c *Config) *string { return &c.Other }),
	intProperty("Verbosity", func(c *Config) *int { return &c.Verbosity }),
	textProperty("LogFile", func(c *Config) *string { return &c.LogFile }),
}

func secret(p property) property {
	p.secret = true
	return p
}

func aliased(p property, aliases ...string) property {
	p.aliases = aliases
	return p
}

func textProperty(name string, field func(*Config) *string) property {
	set := func(c *Config, value string) { *field(c) = value }
	return property{
		name:   name,
		parse:  func(c *Config, value string) error { set(c, value); return nil },
		format: func(c *Config) string { return *field(c) },
		set:    set,
	}
}

func intProperty(name string, field func(*Config) *int) property {
	p := property{
		name:   name,
		format: func(c *Config) string { return strconv.Itoa(*field(c)) },
		set:    func(*Config, string) {},
	}
	p.parse = func(c *Config, value string) error {
		n, err := strconv.Atoi(value)
		if err != nil {
			return dsnErrorf(name, "%q is not a whole number", value)
		}
		*field(c) = n
		return nil
	}
	return p
}

// maxSeconds keeps seconds*time.Second from overflowing.
const maxSeconds = math.MaxInt64 / int64(time.Second)

// secondsProperty holds a duration written as whole seconds, as CData does.
func secondsProperty(name string, field func(*Config) *time.Duration) property {
	p := property{
		name:   name,
		format: func(c *Config) string { return strconv.FormatInt(ceilSeconds(*field(c)), 10) },
		set:    func(*Config, string) {},
	}
	p.parse = func(c *Config, value string) error {
		n, err := strconv.ParseInt(value, 10, 64)
		if err != nil || n > maxSeconds || n < -maxSeconds {
			return dsnErrorf(name, "%q is not a whole number of seconds (at most %d)", value, maxSeconds)
		}
		*field(c) = time.Duration(n) * time.Second
		return nil
	}
	return p
}

// ceilSeconds rounds up, so a coded sub-second timeout is not written as 0,
// which would mean "no timeout".
func ceilSeconds(d time.Duration) int64 {
	s := int64(d / time.Second)
	if d%time.Second > 0 {
		s++
	}
	return s
}

// enumProperty accepts one of allowed, case-insensitively, and stores its
// canonical spelling. An empty default means "" is allowed as well.
func enumProperty[T ~string](name string, field func(*Config) *T, allowed []T, def T) property {
	canonical := func(value string) (T, error) {
		if value == "" && def == "" {
			return "", nil
		}
		for _, a := range allowed {
			if strings.EqualFold(value, string(a)) {
				return a, nil
			}
		}
		names := make([]string, len(allowed))
		for i, a := range allowed {
			names[i] = string(a)
		}
		hint := ""
		if def == "" {
			hint = ", or leave it empty"
		}
		return "", dsnErrorf(name, "%q is not allowed; use one of %s%s", value, strings.Join(names, ", "), hint)
	}
	set := func(c *Config, value string) { *field(c) = T(value) }
	return property{
		name: name,
		parse: func(c *Config, value string) error {
			v, err := canonical(value)
			*field(c) = v
			return err
		},
		format: func(c *Config) string { return string(*field(c)) },
		set:    set,
		normalize: func(c *Config) error {
			if *field(c) == "" {
				*field(c) = def
				return nil
			}
			v, err := canonical(string(*field(c)))
			if err == nil {
				*field(c) = v
			}
			return err
		},
	}
}

// lookupProperty finds a property by canonical name or alias, ignoring case.
func lookupProperty(key string) (*property, bool) {
	for i := range properties {
		p := &properties[i]
		if strings.EqualFold(key, p.name) {
			return p, true
		}
		for _, alias := range p.aliases {
			if strings.EqualFold(key, alias) {
				return p, true
			}
		}
	}
	return nil, false
}

// quoteValue quotes a value when the parser would otherwise read it
// differently: separators, surrounding space, or a leading quote character.
func quoteValue(v string) string {
	needsQuotes := strings.ContainsAny(v, ";=") ||
		strings.TrimSpace(v) != v ||
		(v != "" && strings.ContainsRune(`'"{`, rune(v[0])))
	if !needsQuotes {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", "''") + "'"
}

// parse applies every Key=Value segment of dsn to c.
func (c *Config) parse(dsn string) error {
	seen := map[*property]string{} // property -> key as written
	var previousSecret *property   // secret whose value was unquoted in the previous segment
	for pos := 0; pos < len(dsn); {
		seg, err := scanSegment(dsn, pos)
		if err != nil {
			// Only errors that would echo an unknown key can leak the secret.
			if _, known := lookupProperty(seg.key); previousSecret != nil && !known && looksLikeKey(seg.key) {
				return errTextAfterSecret(previousSecret)
			}
			return err
		}
		pos = seg.end
		if seg.empty {
			continue
		}
		p, err := resolveKey(seg, previousSecret)
		if err != nil {
			return err
		}
		if first, dup := seen[p]; dup {
			return dsnErrorf(p.name, "is set twice (as %s and as %s); keep one", first, seg.key)
		}
		seen[p] = seg.key
		if err := p.parse(c, seg.value); err != nil {
			return err
		}
		previousSecret = nil
		if p.secret && !seg.quoted {
			previousSecret = p
		}
	}
	return nil
}

// resolveKey maps a segment's key to its property. When the previous
// segment held an unquoted secret, text that is neither a property nor
// close to one is probably the rest of that secret (split at a ';'), so the
// error points there without echoing the text.
func resolveKey(seg segment, previousSecret *property) (*property, error) {
	p, known := lookupProperty(seg.key)
	switch {
	case known && seg.hasEquals:
		return p, nil
	case known:
		return nil, dsnErrorf(p.name, "has no '=' and value; write %s=value", p.name)
	case !looksLikeKey(seg.key):
		// Echoing arbitrary text could leak a mistyped secret.
		return nil, dsnErrorf("", "the text at byte %d is not a Key=Value pair; separate properties with ';' "+
			"and quote values containing ';' or '='", seg.start)
	}
	suggestion := suggestKey(seg.key)
	if previousSecret != nil && suggestion == "" {
		return nil, errTextAfterSecret(previousSecret)
	}
	if !seg.hasEquals {
		return nil, dsnErrorf(seg.key, "has no '=' and value; write %s=value", seg.key)
	}
	problem := "unknown connection property"
	if suggestion != "" {
		problem += fmt.Sprintf("; did you mean %q?", suggestion)
	}
	return nil, &DSNError{Key: seg.key, Problem: problem}
}

// errTextAfterSecret blames an unquoted secret for the malformed segment
// that follows it, without echoing either.
func errTextAfterSecret(secret *property) error {
	return dsnErrorf(secret.name, "the text after its value is not a known connection property; "+
		"if that text is part of the value, quote the value: %s='...'; otherwise check the property name "+
		"(the properties are listed in docs/connection.md)", secret.name)
}

// looksLikeKey reports whether text is safe and useful to quote back in an
// error: a short identifier rather than, say, part of a secret.
func looksLikeKey(text string) bool {
	if text == "" || len(text) > 64 {
		return false
	}
	for _, r := range text {
		if !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r) || r == '_' || r == '-' || r == '.')) {
			return false
		}
	}
	return true
}

// segment is one "Key=Value" part of a connection string.
type segment struct {
	start, end int // byte offsets; end is just past the ';' or at the end
	key        string
	value      string
	hasEquals  bool
	quoted     bool
	empty      bool // only whitespace
}

func scanSegment(dsn string, start int) (segment, error) {
	seg := segment{start: start}
	keyEnd := strings.IndexAny(dsn[start:], "=;")
	if keyEnd < 0 || dsn[start+keyEnd] == ';' {
		text, end := dsn[start:], len(dsn)
		if keyEnd >= 0 {
			text, end = dsn[start:start+keyEnd], start+keyEnd+1
		}
		seg.key, seg.end = strings.TrimSpace(text), end
		seg.empty = seg.key == ""
		return seg, nil
	}
	seg.hasEquals = true
	seg.key = strings.TrimSpace(dsn[start : start+keyEnd])
	if seg.key == "" {
		return seg, dsnErrorf("", "the text at byte %d has '=' but no key before it", start)
	}
	valueStart := start + keyEnd + 1
	rest := strings.TrimLeftFunc(dsn[valueStart:], unicode.IsSpace)
	valueStart = len(dsn) - len(rest)
	if rest != "" && strings.ContainsRune(`'"{`, rune(rest[0])) {
		return scanQuotedValue(dsn, valueStart, seg)
	}
	valueEnd := strings.IndexByte(rest, ';')
	seg.end = len(dsn)
	if valueEnd >= 0 {
		rest = rest[:valueEnd]
		seg.end = valueStart + valueEnd + 1
	}
	seg.value = strings.TrimSpace(rest)
	return seg, nil
}

// scanQuotedValue reads a value in '...', "..." or {...}; doubling the
// closing character escapes it.
func scanQuotedValue(dsn string, open int, seg segment) (segment, error) {
	closing := dsn[open]
	if closing == '{' {
		closing = '}'
	}
	var value strings.Builder
	i := open + 1
	for {
		j := strings.IndexByte(dsn[i:], closing)
		if j < 0 {
			return seg, &DSNError{Key: keyForError(seg.key), Problem: fmt.Sprintf(
				"the value's opening %c has no closing %c; close it, and double any %c inside the value",
				dsn[open], closing, closing)}
		}
		value.WriteString(dsn[i : i+j])
		i += j + 1
		if i < len(dsn) && dsn[i] == closing {
			value.WriteByte(closing)
			i++
			continue
		}
		break
	}
	rest := strings.TrimLeftFunc(dsn[i:], unicode.IsSpace)
	if rest != "" && rest[0] != ';' {
		return seg, &DSNError{Key: keyForError(seg.key), Problem: fmt.Sprintf(
			"unexpected text after the closing %c; put ';' between properties", closing)}
	}
	seg.end = len(dsn)
	if rest != "" {
		seg.end = len(dsn) - len(rest) + 1
	}
	seg.value, seg.quoted = value.String(), true
	return seg, nil
}

// keyForError names a key in an error: canonical when known, as written
// when it looks like a key, otherwise nothing.
func keyForError(key string) string {
	if p, ok := lookupProperty(key); ok {
		return p.name
	}
	if looksLikeKey(key) {
		return key
	}
	return ""
}

// suggestKey returns the known key closest to an unknown one, or "" if none
// is close enough to be a plausible typo.
func suggestKey(unknown string) string {
	var names []string
	for _, p := range properties {
		names = append(names, p.name)
		names = append(names, p.aliases...)
	}
	return suggest.Closest(unknown, names)
}
