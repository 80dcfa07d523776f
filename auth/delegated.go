package auth

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// DefaultRefreshWindow is how long before expiry a delegated token is
// refreshed when TokenRefreshWindow is not set.
const DefaultRefreshWindow = 5 * time.Minute

// delegatedCredential is the AzureAD credential for InitiateOAuth=REFRESH and
// GETANDREFRESH: an azcore.TokenCredential over the token store. Every
// GetToken reads the store under its lock and refreshes when the access
// token expires within the refresh window, so connections and processes
// sharing a store refresh once and always continue from the newest
// (rotated) refresh token.
type delegatedCredential struct {
	oauth  *OAuthClient
	flow   string // InitiateOAuthRefresh or InitiateOAuthGetAndRefresh
	window time.Duration

	mu              sync.Mutex // one token acquisition at a time in this credential
	dsnRefreshToken string     // OAuthRefreshToken, used once when the store is empty
	verifier        string     // OAuthVerifier, exchanged once when the store is empty
	rejected        string     // an access token Graph refused (401); never handed out again
}

func newStoreCredential(o Options, flow string) (azcore.TokenCredential, error) {
	client, err := NewOAuthClient(o)
	if err != nil {
		return nil, err
	}
	window := o.RefreshWindow
	if window <= 0 {
		window = DefaultRefreshWindow
	}
	return &delegatedCredential{oauth: client, flow: flow, window: window,
		dsnRefreshToken: o.RefreshToken, verifier: o.Verifier}, nil
}

// String keeps tokens out of %v output.
func (d *delegatedCredential) String() string {
	return "auth.Credential(AzureAD, InitiateOAuth=" + d.flow + ", OAuthSettingsLocation=" + d.oauth.store.Location() + ")"
}

// GetToken returns a usable access token, refreshing or signing in first
// when the stored one is missing, refused or about to expire.
func (d *delegatedCredential) GetToken(ctx context.Context, _ policy.TokenRequestOptions) (azcore.AccessToken, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	t, err := d.oauth.store.Update(ctx, func(cur Tokens, ok bool) (Tokens, bool, error) {
		return d.next(ctx, cur, ok)
	})
	if err != nil {
		return azcore.AccessToken{}, err
	}
	return d.accessToken(t), nil
}

// ForgetToken marks token as refused by Graph (a 401), so the next GetToken
// refreshes instead of handing it out again. Only that exact token is
// dropped: when many requests fail with the same token at once, the first
// refresh serves them all.
func (d *delegatedCredential) ForgetToken(token string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.rejected = token
}

func (d *delegatedCredential) accessToken(t Tokens) azcore.AccessToken {
	if t.ExpiresAt.IsZero() {
		return azcore.AccessToken{Token: t.AccessToken, ExpiresOn: farFuture}
	}
	return azcore.AccessToken{Token: t.AccessToken, ExpiresOn: t.ExpiresAt, RefreshOn: t.ExpiresAt.Add(-d.window)}
}

// next decides, under the store's lock, which tokens to use: the stored
// ones while fresh; else a refresh of the stored refresh token; else the
// DSN's OAuthRefreshToken or OAuthVerifier; else (GETANDREFRESH) a sign-in.
func (d *delegatedCredential) next(ctx context.Context, cur Tokens, ok bool) (Tokens, bool, error) {
	if ok && cur.ClientID != "" && cur.ClientID != d.oauth.clientID {
		ok = false // tokens of another app registration cannot be refreshed by this one
	}
	if ok && d.fresh(cur) {
		return cur, false, nil
	}
	if ok && cur.RefreshToken != "" {
		next, err := d.oauth.Refresh(ctx, cur.RefreshToken)
		if err == nil {
			return next, true, nil
		}
		var signIn *SignInRequiredError
		if !errors.As(err, &signIn) || d.flow != InitiateOAuthGetAndRefresh {
			return Tokens{}, false, err
		}
		// The stored refresh token is dead; GETANDREFRESH signs in again.
	}
	if d.dsnRefreshToken != "" {
		rt := d.dsnRefreshToken
		d.dsnRefreshToken = "" // used once: after a rotation only the stored token is valid
		next, err := d.oauth.Refresh(ctx, rt)
		return next, err == nil, err
	}
	if d.verifier != "" {
		code := d.verifier
		d.verifier = "" // codes are single-use
		next, err := d.oauth.ExchangeCode(ctx, code, "", "", "")
		return next, err == nil, err
	}
	if d.flow == InitiateOAuthGetAndRefresh {
		next, err := d.oauth.InteractiveSignIn(ctx)
		return next, err == nil, err
	}
	return Tokens{}, false, d.nothingToUse(ok, cur)
}

// fresh reports whether the stored access token can be handed out: not the
// one Graph refused, and not expiring within the refresh window.
func (d *delegatedCredential) fresh(t Tokens) bool {
	if t.AccessToken == "" || t.AccessToken == d.rejected {
		return false
	}
	return t.ExpiresAt.IsZero() || time.Until(t.ExpiresAt) > d.window
}

func (d *delegatedCredential) nothingToUse(ok bool, cur Tokens) error {
	where := d.oauth.store.Location()
	if ok && cur.AccessToken != "" {
		return fmt.Errorf("auth: the access token in OAuthSettingsLocation %s expired (%s) and there is no refresh token to renew it; %s",
			where, formatExpiry(cur.ExpiresAt), signInAgainHint)
	}
	return fmt.Errorf("auth: InitiateOAuth=REFRESH found no tokens: OAuthSettingsLocation %s holds none, and neither OAuthRefreshToken nor OAuthVerifier is set; "+
		"set InitiateOAuth=GETANDREFRESH to sign in, or set OAuthRefreshToken, or OAuthVerifier to a code from GetOAuthAuthorizationURL", where)
}

// noTokenYet is the AzureAD credential for InitiateOAuth=OFF without an
// OAuthAccessToken: the connection can run the OAuth procedures (the web
// and headless flows), but queries need a token first.
type noTokenYet struct{}

func (noTokenYet) GetToken(context.Context, policy.TokenRequestOptions) (azcore.AccessToken, error) {
	return azcore.AccessToken{}, errors.New("auth: OAuthAccessToken is not set: with AuthScheme=AzureAD and InitiateOAuth=OFF the driver sends the token you supply; " +
		"get one with the GetOAuthAuthorizationURL and GetOAuthAccessToken procedures and reconnect with OAuthAccessToken (or InitiateOAuth=REFRESH and OAuthRefreshToken)")
}

func (noTokenYet) String() string { return "auth.Credential(AzureAD, InitiateOAuth=OFF, no token)" }
