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
	if claims == "" && p.cached.Token != "" && time.Until(p.cached.ExpiresOn) > tokenRefreshMargin {
		return p.cached.Token, nil
	}
	tok, err := p.credential.GetToken(ctx, policy.TokenRequestOptions{Scopes: p.scopes, Claims: claims, EnableCAE: true})
	if err != nil {
		return "", err
	}
	p.cached = tok
	return tok.Token, nil
}

// invalidate drops the cached token so the next request asks the credential
// again (for a future "refresh once on 401").
func (p *tokenAuthProvider) invalidate() {
	p.mu.Lock()
	p.cached = azcore.AccessToken{}
	p.mu.Unlock()
}
