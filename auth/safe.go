package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/runtime"
	"github.com/Azure/azure-sdk-for-go/sdk/azidentity"
)

// safeCredential rewrites token-request failures into short messages that say
// which properties to check. azidentity's own errors embed the whole token
// endpoint response, which is noisy and not guaranteed to be free of secrets.
type safeCredential struct {
	inner   azcore.TokenCredential
	scheme  string
	host    string // token endpoint host, for messages
	hint    string // which properties to check when sign-in is refused
	secrets []string
}

func newSafeCredential(inner azcore.TokenCredential, scheme, host, hint string, secrets ...string) *safeCredential {
	return &safeCredential{inner: inner, scheme: scheme, host: host, hint: hint, secrets: secrets}
}

func (c *safeCredential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	tok, err := c.inner.GetToken(ctx, opts)
	if err != nil {
		return azcore.AccessToken{}, c.describe(ctx, err)
	}
	return tok, nil
}

// String keeps credentials out of %v output.
func (c *safeCredential) String() string { return "auth.Credential(" + c.scheme + ")" }

// TokenError reports that Microsoft Entra ID refused or failed a token request.
type TokenError struct {
	Scheme     string // AuthScheme of the credential
	Host       string // token endpoint host
	StatusCode int    // HTTP status of the token endpoint; 0 if no response
	Code       string // OAuth error code, e.g. "invalid_client"
	Message    string // first line of error_description, or a transport error
	Hint       string // which properties to check
	cause      error  // only context errors, so errors.Is works for cancellation
}

func (e *TokenError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "auth: %s could not get a token from %s", e.Scheme, e.Host)
	if e.StatusCode != 0 {
		fmt.Fprintf(&b, ": %d", e.StatusCode)
	}
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	if e.Hint != "" {
		b.WriteString("; " + e.Hint)
	}
	return b.String()
}

// Unwrap exposes only context.Canceled / DeadlineExceeded, never the
// underlying azidentity error with its raw response.
func (e *TokenError) Unwrap() error { return e.cause }

func (c *safeCredential) describe(ctx context.Context, err error) error {
	te := &TokenError{Scheme: c.scheme, Host: c.host, Hint: c.hint}
	switch {
	case ctx.Err() != nil:
		te.Message, te.Hint, te.cause = "interrupted", "", ctx.Err()
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		te.Message, te.Hint = "interrupted", ""
		te.cause = context.Canceled
		if errors.Is(err, context.DeadlineExceeded) {
			te.cause = context.DeadlineExceeded
		}
	default:
		fillFromAuthFailure(te, err)
	}
	te.Message = redact(te.Message, c.secrets...)
	te.Code = redact(te.Code, c.secrets...)
	return te
}

// entraError is the error body of the Microsoft identity platform token endpoint.
type entraError struct {
	Error       string `json:"error"`
	Description string `json:"error_description"`
}

func fillFromAuthFailure(te *TokenError, err error) {
	var afe *azidentity.AuthenticationFailedError
	if !errors.As(err, &afe) || afe.RawResponse == nil {
		te.Message = firstLine(err.Error())
		return
	}
	te.StatusCode = afe.RawResponse.StatusCode
	body, readErr := runtime.Payload(afe.RawResponse)
	var parsed entraError
	if readErr == nil && json.Unmarshal(body, &parsed) == nil {
		te.Code = parsed.Error
		te.Message = firstLine(parsed.Description)
	}
	if te.Message == "" {
		te.Message = afe.RawResponse.Status
	}
}

// firstLine drops the trace/correlation IDs and troubleshooting links that
// follow the first line of Entra ID and azidentity messages.
func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		s = strings.TrimSpace(s[:i])
	}
	return s
}

// redact removes secrets from a message as a last line of defence. Very short
// values are skipped: replacing them would mangle ordinary words.
func redact(s string, secrets ...string) string {
	for _, secret := range secrets {
		if len(secret) >= 4 {
			s = strings.ReplaceAll(s, secret, "[REDACTED]")
		}
	}
	return s
}
