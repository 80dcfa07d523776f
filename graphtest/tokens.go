package graphtest

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"sync"
	"time"
)

// accessToken is what the server remembers about a token it issued. Tokens
// are opaque random strings, not JWTs: clients must not look inside Graph
// access tokens anyway, and opacity keeps the emulator honest about that.
type accessToken struct {
	subject   string // user id for delegated tokens, client id for app-only tokens
	userID    string // "" for app-only tokens
	appID     string
	scopes    []string
	expiresAt time.Time
}

func (t accessToken) delegated() bool { return t.userID != "" }

type tokenStore struct {
	mu     sync.RWMutex
	tokens map[string]accessToken
}

func newTokenStore() *tokenStore {
	return &tokenStore{tokens: map[string]accessToken{}}
}

// issue mints a new token string for the given grant.
func (ts *tokenStore) issue(tok accessToken) (string, error) {
	value, err := randomToken(48)
	if err != nil {
		return "", err
	}
	value = "emu." + value
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.tokens[value] = tok
	return value, nil
}

// lookup finds a live token. The reason it is not live is not returned: Graph
// answers expired and unknown tokens alike.
func (ts *tokenStore) lookup(value string, now time.Time) (accessToken, bool) {
	ts.mu.RLock()
	defer ts.mu.RUnlock()
	tok, ok := ts.tokens[value]
	if !ok || !now.Before(tok.expiresAt) {
		return accessToken{}, false
	}
	return tok, true
}

func (ts *tokenStore) revokeAll() {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	ts.tokens = map[string]accessToken{}
}

func randomToken(nBytes int) (string, error) {
	b := make([]byte, nBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("graphtest: random token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// IssueToken mints an access token without going through the token endpoint:
// delegated for userID, or app-only when userID is "". A lifetime <= 0 uses
// the server's token lifetime. It returns "" if the randomness source fails.
func (s *Server) IssueToken(userID string, lifetime time.Duration) string {
	if lifetime <= 0 {
		lifetime = s.tokenLifetime
	}
	tok := accessToken{
		subject:   s.app.clientID,
		appID:     s.app.clientID,
		scopes:    []string{graphResource + "/.default"},
		expiresAt: time.Now().Add(lifetime),
	}
	if userID != "" {
		tok.subject, tok.userID = userID, userID
		if u, ok := s.tenant.User(userID); ok {
			tok.subject, tok.userID = u.ID, u.ID
		}
	}
	value, err := s.tokens.issue(tok)
	if err != nil {
		return ""
	}
	return value
}

// RevokeAllTokens makes every token issued so far answer 401.
func (s *Server) RevokeAllTokens() { s.tokens.revokeAll() }
