package auth

import (
	"bytes"
	"crypto"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"os"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// OAuthJWTCertType values. "" detects: PEM text when the value starts with
// "-----BEGIN", otherwise a file (PEM or PKCS#12).
const (
	CertTypePEMFile = "PEMKEY_FILE" // path of a PEM file with certificate and key
	CertTypePEMBlob = "PEMKEY_BLOB" // the PEM text itself
	CertTypePFXFile = "PFXFILE"     // path of a PKCS#12 (.pfx/.p12) file
	CertTypePFXBlob = "PFXBLOB"     // base64 of a PKCS#12 file
)

func loadCertificate(o Options) ([]*x509.Certificate, crypto.PrivateKey, error) {
	if strings.TrimSpace(o.CertPath) == "" {
		return nil, nil, errMissing("OAuthJWTCert", "AuthScheme=AzureServicePrincipalCert needs the app's certificate and private key (a PEM or PKCS#12 file path, or PEM text)")
	}
	data, source, err := certificateData(o.CertPath, o.CertType)
	if err != nil {
		return nil, nil, err
	}
	password := []byte(o.CertPassword)
	if bytes.Contains(data, []byte("-----BEGIN")) {
		// azidentity reads PEM only without a password (it has no support
		// for encrypted PEM keys); a password means PKCS#12 to it.
		password = nil
	}
	certs, key, err := azidentity.ParseCertificates(data, password)
	if err != nil {
		// The parser says what was wrong with the data; it does not echo the
		// password, but redact it anyway.
		return nil, nil, fmt.Errorf("auth: OAuthJWTCert (%s) holds no usable certificate and private key: %s; check OAuthJWTCert, OAuthJWTCertType and OAuthJWTCertPassword",
			source, redact(firstLine(err.Error()), o.CertPassword))
	}
	return certs, key, nil
}

// certificateData returns the certificate bytes and a description of where
// they came from that is safe to print (never the PEM text or blob itself).
func certificateData(value, certType string) ([]byte, string, error) {
	kind := strings.ToUpper(strings.TrimSpace(certType))
	if kind == "" {
		kind = CertTypePEMFile
		if strings.HasPrefix(strings.TrimSpace(value), "-----BEGIN") {
			kind = CertTypePEMBlob
		}
	}
	switch kind {
	case CertTypePEMBlob:
		return []byte(value), "inline PEM text", nil
	case CertTypePFXBlob:
		data, err := base64.StdEncoding.DecodeString(strings.TrimSpace(value))
		if err != nil {
			return nil, "", fmt.Errorf("auth: OAuthJWTCert is not valid base64 for OAuthJWTCertType=PFXBLOB: %v", err)
		}
		return data, "PFX blob", nil
	case CertTypePEMFile, CertTypePFXFile:
		data, err := os.ReadFile(value)
		if err != nil {
			if os.IsNotExist(err) {
				return nil, "", fmt.Errorf("auth: OAuthJWTCert file %q does not exist; set OAuthJWTCert to the path of the app's certificate (PEM or PKCS#12)", value)
			}
			return nil, "", fmt.Errorf("auth: cannot read OAuthJWTCert file %q: %v", value, err)
		}
		return data, fmt.Sprintf("file %q", value), nil
	}
	return nil, "", fmt.Errorf("auth: OAuthJWTCertType %q is not supported; use %s, %s, %s or %s (or leave it empty to detect)",
		certType, CertTypePEMFile, CertTypePEMBlob, CertTypePFXFile, CertTypePFXBlob)
}
