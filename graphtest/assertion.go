package graphtest

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"strings"
	"time"
)

const jwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// RegisterClientCertificate adds a certificate (PEM, one or more blocks; the
// first CERTIFICATE is used) to the app registration, so that client
// assertions signed with its key authenticate the app.
func (s *Server) RegisterClientCertificate(certPEM []byte) error {
	for rest := certPEM; ; {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			return errors.New("graphtest: RegisterClientCertificate: no CERTIFICATE block in the PEM")
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return fmt.Errorf("graphtest: RegisterClientCertificate: %w", err)
		}
		s.oauth.mu.Lock()
		s.oauth.certificates = append(s.oauth.certificates, cert)
		s.oauth.mu.Unlock()
		return nil
	}
}

// authenticateAssertion checks a client_assertion: a JWT whose signature
// verifies with a registered certificate, issued by and about the client,
// for this token endpoint, and not expired.
func (s *Server) authenticateAssertion(req *tokenRequest) *entraError {
	if req.form.Get("client_assertion_type") != jwtBearerAssertionType {
		return &entraError{status: http.StatusBadRequest, code: "invalid_request", number: 50027,
			description: "client_assertion_type must be '" + jwtBearerAssertionType + "'."}
	}
	claims, eerr := s.verifyAssertion(req.form.Get("client_assertion"))
	if eerr != nil {
		return eerr
	}
	if req.clientID == "" {
		req.clientID = claims.Subject
	}
	if req.clientID != s.app.clientID {
		return errUnknownClient(req)
	}
	switch {
	case claims.Issuer != req.clientID || claims.Subject != req.clientID:
		return errInvalidAssertion(700021, "Client assertion application identifier doesn't match 'client_id' parameter.")
	case !strings.HasSuffix(claims.Audience, "/oauth2/v2.0/token") && !strings.HasSuffix(claims.Audience, "/v2.0"):
		return errInvalidAssertion(700212, "No matching federated identity record found for presented assertion audience '"+claims.Audience+"'.")
	case time.Now().Unix() >= claims.Expires:
		return errInvalidAssertion(700024, "Client assertion is not within its valid time range.")
	}
	return nil
}

type assertionClaims struct {
	Issuer   string `json:"iss"`
	Subject  string `json:"sub"`
	Audience string `json:"aud"`
	Expires  int64  `json:"exp"`
}

func errInvalidAssertion(number int, description string) *entraError {
	return &entraError{status: http.StatusUnauthorized, code: "invalid_client", number: number, description: description}
}

func (s *Server) verifyAssertion(token string) (assertionClaims, *entraError) {
	var claims assertionClaims
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return claims, errInvalidAssertion(50012, "The client assertion is not a JWT.")
	}
	var header struct {
		Alg string `json:"alg"`
	}
	if decodeSegment(parts[0], &header) != nil || decodeSegment(parts[1], &claims) != nil {
		return claims, errInvalidAssertion(50012, "The client assertion is not a well-formed JWT.")
	}
	signature, err := base64.RawURLEncoding.DecodeString(parts[2])
	if err != nil {
		return claims, errInvalidAssertion(50012, "The client assertion's signature is not base64url.")
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	s.oauth.mu.Lock()
	certs := append([]*x509.Certificate(nil), s.oauth.certificates...)
	s.oauth.mu.Unlock()
	for _, cert := range certs {
		if verifySignature(header.Alg, cert.PublicKey, digest[:], signature) {
			return claims, nil
		}
	}
	return claims, errInvalidAssertion(700027, "The certificate with identifier used to sign the client assertion is not registered on application. Client assertion failed signature validation.")
}

func decodeSegment(segment string, into any) error {
	raw, err := base64.RawURLEncoding.DecodeString(segment)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, into)
}

// verifySignature supports the algorithms MSAL signs assertions with: PS256
// (its default), RS256, and ES256 for EC keys.
func verifySignature(alg string, key any, digest, signature []byte) bool {
	switch pub := key.(type) {
	case *rsa.PublicKey:
		switch alg {
		case "PS256":
			return rsa.VerifyPSS(pub, crypto.SHA256, digest, signature, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthAuto}) == nil
		case "RS256":
			return rsa.VerifyPKCS1v15(pub, crypto.SHA256, digest, signature) == nil
		}
	case *ecdsa.PublicKey:
		if alg == "ES256" && len(signature) == 64 {
			r, sv := new(big.Int).SetBytes(signature[:32]), new(big.Int).SetBytes(signature[32:])
			return ecdsa.Verify(pub, digest, r, sv)
		}
	}
	return false
}
