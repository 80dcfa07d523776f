package graphtest

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Options configures NewServer. The zero value serves the demo tenant over
// plain HTTP on a random loopback port.
type Options struct {
	TLS           bool          // serve HTTPS with a freshly generated self-signed ECDSA cert valid for 127.0.0.1, ::1 and localhost
	Addr          string        // listen address; "" = 127.0.0.1:0 (random port)
	Tenant        *Tenant       // data; nil = DemoTenant()
	Latency       time.Duration // added to every Graph (/v1.0) request; honours request cancellation
	TokenLifetime time.Duration // lifetime of issued access tokens; 0 = 1h

	RefreshTokenLifetime time.Duration // lifetime of issued refresh tokens; 0 = 90 days (see oauth.go)

	// MaxInlineReplies is how many replies $expand=replies inlines per
	// channel message before a replies@odata.nextLink; 0 = Graph's 1000.
	MaxInlineReplies int
}

// Request is one entry of the server's request log.
type Request struct {
	Method string
	Path   string      // URL path, unescaped, e.g. "/v1.0/teams/ab12/channels" or "/{tenant}/oauth2/v2.0/token"
	Query  url.Values  // decoded query options, keys as sent after decoding (e.g. "$select", "$filter", "$top", "$skiptoken")
	Header http.Header // request headers with Authorization REMOVED (never log secrets)
	Status int         // response status
}

// Server is a running Microsoft Graph v1.0 + Entra ID v2.0 emulator.
type Server struct {
	tenant        *Tenant
	app           clientApp
	tokenLifetime time.Duration
	tokens        *tokenStore
	oauth         *oauthState // authorization codes, refresh tokens, app certificates, managed identity
	skipKey       []byte      // signs $skiptoken values so clients cannot forge them
	cache         renderCache

	maxInlineReplies int // see Options.MaxInlineReplies

	latencyMu sync.RWMutex
	latency   time.Duration

	logMu sync.Mutex
	log   []Request

	handler  http.Handler
	listener net.Listener
	http     *http.Server
	url      string
	certPEM  []byte
	certDir  string
	certFile string

	stopRequests context.CancelFunc
	closing      sync.Once
}

// clientApp is a registered confidential client application.
type clientApp struct {
	clientID string
	secret   string
}

// NewServer starts an emulator listening on opts.Addr.
func NewServer(opts Options) (*Server, error) {
	s, err := newServer(opts)
	if err != nil {
		return nil, err
	}
	if err := s.listen(opts); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

func newServer(opts Options) (*Server, error) {
	tenant := opts.Tenant
	if tenant == nil {
		tenant = DemoTenant()
	}
	lifetime := opts.TokenLifetime
	if lifetime <= 0 {
		lifetime = time.Hour
	}
	secret, err := randomToken(30)
	if err != nil {
		return nil, err
	}
	skipKey := make([]byte, 32)
	if _, err := rand.Read(skipKey); err != nil {
		return nil, err
	}
	s := &Server{
		tenant: tenant,
		app: clientApp{
			clientID: StableGUID("app", "msteams-sql emulator client"),
			secret:   "emu~" + secret,
		},
		tokenLifetime: lifetime,
		tokens:        newTokenStore(),
		oauth:         newOAuthState(opts.RefreshTokenLifetime),
		skipKey:       skipKey,
		latency:       opts.Latency,

		maxInlineReplies: opts.MaxInlineReplies,
	}
	s.handler = s.routes()
	return s, nil
}

func (s *Server) listen(opts Options) error {
	addr := opts.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("graphtest: listen on %s: %w", addr, err)
	}
	s.listener = ln
	// Requests see a context that Close cancels, so handlers waiting out the
	// configured latency stop at once.
	base, stop := context.WithCancel(context.Background())
	s.stopRequests = stop
	s.http = &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 30 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return base },
	}
	scheme := "http"
	if opts.TLS {
		cert, err := s.makeCertificate()
		if err != nil {
			return err
		}
		s.http.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		ln = tls.NewListener(ln, s.http.TLSConfig)
		scheme = "https"
	}
	s.url = scheme + "://" + ln.Addr().String()
	go func() { _ = s.http.Serve(ln) }()
	return nil
}

// makeCertificate creates a self-signed certificate that is also its own CA,
// so clients can trust it by adding CertPEM to a pool, and writes it to a
// temporary file for clients configured by path.
func (s *Server) makeCertificate() (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("graphtest: generate key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("graphtest: serial: %w", err)
	}
	now := time.Now()
	template := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: "msteams Graph emulator", Organization: []string{"graphtest"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(30 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IsCA:                  true,
		IPAddresses:           []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
		DNSNames:              []string{"localhost"},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, fmt.Errorf("graphtest: create certificate: %w", err)
	}
	s.certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})
	if err := s.writeCertFile(); err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}

func (s *Server) writeCertFile() error {
	dir, err := os.MkdirTemp("", "graphtest-cert-")
	if err != nil {
		return fmt.Errorf("graphtest: certificate directory: %w", err)
	}
	s.certDir = dir
	s.certFile = filepath.Join(dir, "emulator-cert.pem")
	if err := os.WriteFile(s.certFile, s.certPEM, 0o600); err != nil {
		return fmt.Errorf("graphtest: write certificate: %w", err)
	}
	return nil
}

// URL is the server's base URL, "https://127.0.0.1:PORT" or "http://...".
func (s *Server) URL() string { return s.url }

// GraphURL is the Microsoft Graph v1.0 base URL, URL() + "/v1.0".
func (s *Server) GraphURL() string { return s.url + "/v1.0" }

// AuthorityURL is the Entra ID authority host, URL() + "/"; clients append
// "{tenant}/oauth2/v2.0/token" and the like.
func (s *Server) AuthorityURL() string { return s.url + "/" }

// TenantID is the served tenant's GUID.
func (s *Server) TenantID() string { return s.tenant.ID() }

// Tenant is the data the server serves; tests may keep adding to it.
func (s *Server) Tenant() *Tenant { return s.tenant }

// ClientID is the application id of the registered confidential client.
func (s *Server) ClientID() string { return s.app.clientID }

// ClientSecret is the registered client's secret (random per server).
func (s *Server) ClientSecret() string { return s.app.secret }

// CertFile is the path of a PEM file holding the TLS certificate, "" without
// TLS. Close removes it.
func (s *Server) CertFile() string { return s.certFile }

// CertPEM is the PEM-encoded TLS certificate, nil without TLS.
func (s *Server) CertPEM() []byte { return append([]byte(nil), s.certPEM...) }

// DSN is an msteams connection string that signs in to this emulator as
// its registered app (AuthScheme=AzureServicePrincipal), the one a user
// would write for a real tenant with the endpoints pointed here. The
// shell's --demo, the emulator command and the tests all use it.
func (s *Server) DSN() string {
	parts := []string{
		"AuthScheme=AzureServicePrincipal",
		"AzureTenant=" + s.TenantID(),
		"OAuthClientId=" + s.ClientID(),
		"OAuthClientSecret=" + dsnValue(s.ClientSecret()),
		"GraphURL=" + s.GraphURL(),
		"AuthorityURL=" + s.AuthorityURL(),
	}
	if s.CertFile() != "" {
		parts = append(parts, "SSLServerCert="+dsnValue(s.CertFile()))
	}
	return strings.Join(parts, ";")
}

// dsnValue quotes a value the connection string syntax would misread
// (a ; or = inside, quotes, or surrounding blanks), doubling inner quotes.
func dsnValue(v string) string {
	if !strings.ContainsAny(v, ";='\"{}") && strings.TrimSpace(v) == v {
		return v
	}
	return "'" + strings.ReplaceAll(v, "'", "''") + "'"
}

// Handler is the whole emulator, for mounting on another server.
func (s *Server) Handler() http.Handler { return s.handler }

// SetLatency changes the delay added to every Graph request.
func (s *Server) SetLatency(d time.Duration) {
	s.latencyMu.Lock()
	defer s.latencyMu.Unlock()
	s.latency = d
}

func (s *Server) currentLatency() time.Duration {
	s.latencyMu.RLock()
	defer s.latencyMu.RUnlock()
	return s.latency
}

// Requests returns the log of Graph (/v1.0) and token requests, oldest first.
func (s *Server) Requests() []Request {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	out := make([]Request, len(s.log))
	for i, r := range s.log {
		out[i] = Request{Method: r.Method, Path: r.Path, Query: cloneValues(r.Query), Header: r.Header.Clone(), Status: r.Status}
	}
	return out
}

// ResetRequests empties the request log.
func (s *Server) ResetRequests() {
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.log = nil
}

func (s *Server) record(r *http.Request, query url.Values, status int) {
	header := r.Header.Clone()
	header.Del("Authorization")
	entry := Request{Method: r.Method, Path: r.URL.Path, Query: query, Header: header, Status: status}
	s.logMu.Lock()
	defer s.logMu.Unlock()
	s.log = append(s.log, entry)
}

func cloneValues(v url.Values) url.Values {
	if v == nil {
		return nil
	}
	out := make(url.Values, len(v))
	for k, vals := range v {
		out[k] = append([]string(nil), vals...)
	}
	return out
}

// Close stops the server, aborting requests in flight, and removes the
// certificate file. It is safe to call more than once.
func (s *Server) Close() {
	s.closing.Do(func() {
		if s.stopRequests != nil {
			s.stopRequests()
		}
		if s.http != nil {
			_ = s.http.Close()
		} else if s.listener != nil {
			_ = s.listener.Close()
		}
		if s.certDir != "" {
			_ = os.RemoveAll(s.certDir)
		}
	})
}

// routes sends /v1.0 to the Graph emulator and everything else to Entra ID.
// They are split by prefix rather than in one ServeMux because "/{tenant}/..."
// patterns would otherwise conflict with "/v1.0/".
func (s *Server) routes() http.Handler {
	graph := s.graphHandler()
	entra := s.entraHandler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1.0" || strings.HasPrefix(r.URL.Path, "/v1.0/") {
			graph.ServeHTTP(w, r)
			return
		}
		entra.ServeHTTP(w, r)
	})
}

// statusRecorder remembers the status a handler wrote, for the request log.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (w *statusRecorder) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusRecorder) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}
