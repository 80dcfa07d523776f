// Package tlstrust turns the SSLServerCert connection property into TLS
// settings. It exists so that a private endpoint (the embedded Graph emulator,
// a corporate proxy) can be trusted without giving up verification of the
// real Microsoft hosts.
package tlstrust

import (
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
)

// TrustAll is the SSLServerCert value that disables certificate verification.
// It is meant for local testing only: it makes the connection open to
// interception.
const TrustAll = "*"

// Config returns the TLS configuration for an SSLServerCert value:
//
//   - ""            nil: the system roots are used unchanged.
//   - "*"           verification disabled (testing only).
//   - "-----BEGIN…" PEM text with one or more certificates to trust.
//   - anything else the path of a PEM file with certificates to trust.
//
// Trusted certificates are added to the system pool rather than replacing it,
// so Microsoft's own endpoints keep verifying.
func Config(sslServerCert string) (*tls.Config, error) {
	value := strings.TrimSpace(sslServerCert)
	switch {
	case value == "":
		return nil, nil
	case value == TrustAll:
		// #nosec G402 -- explicitly requested with SSLServerCert=*, documented as testing only.
		return &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12}, nil
	case strings.HasPrefix(value, "-----BEGIN"):
		return configFromPEM([]byte(value), "the inline PEM text")
	default:
		pemBytes, err := os.ReadFile(value)
		if err != nil {
			return nil, fileError(value, err)
		}
		return configFromPEM(pemBytes, fmt.Sprintf("file %q", value))
	}
}

// HTTPClient returns an HTTP client whose transport trusts what Config
// describes. It has no overall Timeout: callers bound requests with contexts,
// and a client timeout would cut long paged reads short.
func HTTPClient(sslServerCert string) (*http.Client, error) {
	tlsConfig, err := Config(sslServerCert)
	if err != nil {
		return nil, err
	}
	transport := http.DefaultTransport.(*http.Transport).Clone()
	if tlsConfig != nil {
		transport.TLSClientConfig = tlsConfig
	}
	return &http.Client{Transport: transport}, nil
}

func configFromPEM(pemBytes []byte, source string) (*tls.Config, error) {
	certs, err := parseCertificates(pemBytes)
	if err != nil {
		return nil, fmt.Errorf("SSLServerCert: %s: %w; set SSLServerCert to a PEM certificate, a path to one, or leave it empty to use the system roots", source, err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		// Without system roots (e.g. a scratch container) the given
		// certificates are still worth trusting on their own.
		pool = x509.NewCertPool()
	}
	for _, cert := range certs {
		pool.AddCert(cert)
	}
	return &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}, nil
}

func parseCertificates(pemBytes []byte) ([]*x509.Certificate, error) {
	var certs []*x509.Certificate
	for rest := pemBytes; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		if block.Type != "CERTIFICATE" {
			continue // a bundle may carry a key next to the certificate
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("a CERTIFICATE block is not a valid X.509 certificate: %v", err)
		}
		certs = append(certs, cert)
	}
	if len(certs) == 0 {
		return nil, errors.New("no certificate found in the PEM data (expected a \"-----BEGIN CERTIFICATE-----\" block)")
	}
	return certs, nil
}

func fileError(path string, err error) error {
	if errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("SSLServerCert: certificate file %q does not exist; set SSLServerCert to the path of a PEM file, PEM text, or leave it empty to use the system roots", path)
	}
	return fmt.Errorf("SSLServerCert: cannot read certificate file %q: %v", path, err)
}
