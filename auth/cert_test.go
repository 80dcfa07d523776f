package auth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/pem"
	"math/big"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// appCertPEM returns a self-signed certificate followed by its private key,
// the layout of a PEMKEY file.
func appCertPEM(t *testing.T) string {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	template := &x509.Certificate{
		SerialNumber: big.NewInt(7),
		Subject:      pkix.Name{CommonName: "msteams-test-app"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
	}
	der, err := x509.CreateCertificate(rand.Reader, template, template, &key.PublicKey, key)
	require.NoError(t, err)
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})) +
		string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}))
}

func certOptions(entra *fakeEntra, certPath, certType string) Options {
	o := entra.options()
	o.Scheme = "AzureServicePrincipalCert"
	o.ClientSecret = ""
	o.CertPath = certPath
	o.CertType = certType
	o.CertPassword = testSecret
	return o
}

func TestClientCertificateCredential(t *testing.T) {
	entra := newFakeEntra(t)
	certPEM := appCertPEM(t)
	path := filepath.Join(t.TempDir(), "app.pem")
	require.NoError(t, os.WriteFile(path, []byte(certPEM), 0o600))

	for name, o := range map[string]Options{
		"PEM file detected": certOptions(entra, path, ""),
		"PEM file explicit": certOptions(entra, path, "pemkey_file"),
		"inline PEM":        certOptions(entra, certPEM, ""),
	} {
		t.Run(name, func(t *testing.T) {
			cred, err := NewCredential(o)
			require.NoError(t, err)
			tok, err := cred.GetToken(context.Background(), graphScope)
			require.NoError(t, err)
			assert.Equal(t, "app-token-for-app-1", tok.Token)
		})
	}
}

func TestClientCertificateErrors(t *testing.T) {
	entra := newFakeEntra(t)
	garbage := filepath.Join(t.TempDir(), "garbage.pem")
	require.NoError(t, os.WriteFile(garbage, []byte("not a certificate"), 0o600))
	certPEM := appCertPEM(t)

	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"garbage file", certOptions(entra, garbage, ""), "no usable certificate"},
		{"bad blob", certOptions(entra, "!!!", "PFXBLOB"), "not valid base64"},
		{"bad PFX blob", certOptions(entra, base64.StdEncoding.EncodeToString([]byte("nope")), "PFXBLOB"), "no usable certificate"},
		{"unknown type", certOptions(entra, garbage, "JKS"), "OAuthJWTCertType"},
		{"inline PEM without key", certOptions(entra, certPEM[:len(certPEM)/2], ""), "OAuthJWTCert"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := NewCredential(tt.o)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.want)
			assert.NotContains(t, err.Error(), testSecret)
			assert.NotContains(t, err.Error(), "BEGIN", "PEM text must not be echoed")
		})
	}
}
