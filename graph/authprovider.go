package graph

import (
	"context"
	"strings"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	abs "github.com/microsoft/kiota-abstractions-go"
)

// tokenRefreshMargin renews a cached token this long before it expires, so a
// request never leaves with a token that dies in flight.
const tokenRefreshMargin = 5 * time.Minute

// tokenAuthProvider is a kiota AuthenticationProvider over an
// azcore.TokenCredential. Unlike kiota-authentication-azure-go it accepts
// plain-http loopback endpoints (the emulator), and it only ever sends the
// token to the Graph host the client was built for.
type tokenAuthProvider struct {
	credential azcore.TokenCredential
	scopes     []string
	host       string // host[:port] allowed to receive the token

	mu     sync.Mutex
	cached azcore.AccessToken
}

func newTokenAuthProvider(credential azcore.TokenCredential, scopes []string, host string) *tokenAuthProvider {
	return &tokenAuthProvider{credential: credential, scopes: scopes, host: host}
}

// AuthenticateRequest sets the Authorization header. additionalContext may
// carry "claims" from a Continuous Access Evaluation challenge (the kiota
// adapter retries once with them), which forces a fresh token.
func (p *tokenAuthProvider) AuthenticateRequest(ctx context.Context, request *abs.RequestInformation, additionalContext map[string]interface{}) error {
	uri, err := request.GetUri()
	if err != nil {
		return err
	}
	if !strings.EqualFold(uri.Host, p.host) {
		return nil // never hand the token to another host
	}
	claims, _ := additionalContext["claims"].(string)
	token, err := p.token(ctx, claims)
	if err != nil {
		return err
	}
	request.Headers.Remove("Authorization")
	request.Headers.Add("Authorization", "Bearer "+token)
	return nil
}

func (p *tokenAuthProvider) token(ctx context.Context, claims string) (string, error) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if claims == "" && p.cached.Token != "" && p.fresh(time.Now()) {
		return p.cached.Token, nil
	}
	tok, err := p.credential.GetToken(ctx, policy.TokenRequestOptions{Scopes: p.scopes, Claims: claims, EnableCAE: true})
	if err != nil {
		return "", err
	}
	p.cached = tok
	return tok.Token, nil
}

// fresh reports whether the cached token may still be sent: until the
// credential's RefreshOn when it gave one (its TokenRefreshWindow), else
// until tokenRefreshMargin before expiry.
func (p *tokenAuthProvider) fresh(now time.Time) bool {
	if !p.cached.RefreshOn.IsZero() {
		return now.Before(p.cached.RefreshOn)
	}
	return p.cached.ExpiresOn.Sub(now) > tokenRefreshMargin
}

// tokenForgetter is implemented by credentials that cache tokens outside the
// provider (the AzureAD token store) and must be told when Graph refused one.
type tokenForgetter interface{ ForgetToken(token string) }

// invalidate drops token after Graph refused it with a 401, so the next
// request asks the credential for a fresh one. Only that token is dropped:
// when many requests fail together, the first to come back refreshes and the
// others reuse the new token instead of refreshing again.
func (p *tokenAuthProvider) invalidate(token string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if token == "" || p.cached.Token != token {
		return
	}
	p.cached = azcore.AccessToken{}
	if f, ok := p.credential.(tokenForgetter); ok {
		f.ForgetToken(token)
	}
}
