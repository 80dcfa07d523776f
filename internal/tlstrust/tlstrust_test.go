package tlstrust

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func newTLSServer(t *testing.T) (*httptest.Server, string) {
	t.Helper()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNoContent)
	}))
	t.Cleanup(srv.Close)
	certPEM := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: srv.Certificate().Raw})
	return srv, string(certPEM)
}

func get(t *testing.T, sslServerCert, url string) error {
	t.Helper()
	client, err := HTTPClient(sslServerCert)
	require.NoError(t, err)
	resp, err := client.Get(url)
	if err == nil {
		resp.Body.Close()
	}
	return err
}

func TestEmptyUsesSystemRoots(t *testing.T) {
	cfg, err := Config("")
	require.NoError(t, err)
	assert.Nil(t, cfg)

	srv, _ := newTLSServer(t)
	err = get(t, "", srv.URL)
	require.Error(t, err, "a self-signed server must not verify against the system roots")
	assert.Contains(t, err.Error(), "certificate")
}

func TestTrustAllSkipsVerification(t *testing.T) {
	cfg, err := Config("*")
	require.NoError(t, err)
	assert.True(t, cfg.InsecureSkipVerify)

	srv, _ := newTLSServer(t)
	assert.NoError(t, get(t, "*", srv.URL))
}

func TestInlinePEMIsTrusted(t *testing.T) {
	srv, certPEM := newTLSServer(t)
	assert.NoError(t, get(t, certPEM, srv.URL))

	cfg, err := Config(certPEM)
	require.NoError(t, err)
	assert.False(t, cfg.InsecureSkipVerify)
	assert.NotNil(t, cfg.RootCAs)
}

func TestPEMFileIsTrusted(t *testing.T) {
	srv, certPEM := newTLSServer(t)
	path := filepath.Join(t.TempDir(), "emulator.pem")
	require.NoError(t, os.WriteFile(path, []byte(certPEM), 0o600))
	assert.NoError(t, get(t, path, srv.URL))
}

func TestOtherServerStillRejected(t *testing.T) {
	other, _ := newTLSServer(t)
	assert.Error(t, get(t, selfSignedPEM(t), other.URL), "trusting one certificate must not trust every server")
}

// selfSignedPEM makes a certificate unrelated to httptest's built-in one.
func selfSignedPEM(t *testing.T) string {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	template := &x509.Certificate{
		SerialNumber: big.NewInt(42),
		Subject:      pkix.Name{CommonName: "unrelated.test"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IsCA:         true,
		DNSNames:     []string{"unrelated.test"},
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
}

func TestMissingFileNamesProperty(t *testing.T) {
	_, err := Config(filepath.Join(t.TempDir(), "missing.pem"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "SSLServerCert")
	assert.Contains(t, err.Error(), "does not exist")
}

func TestPEMWithoutCertificate(t *testing.T) {
	keyOnly := "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
	_, err := Config(keyOnly)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "SSLServerCert")
	assert.Contains(t, err.Error(), "no certificate")
	assert.NotContains(t, err.Error(), "AAAA", "the PEM content must not be echoed")

	path := filepath.Join(t.TempDir(), "garbage.pem")
	require.NoError(t, os.WriteFile(path, []byte("not a certificate"), 0o600))
	_, err = Config(path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "no certificate")
}
