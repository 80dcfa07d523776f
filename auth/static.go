package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
)

// StaticToken returns a credential that always hands out token, for callers
// that obtained an access token themselves (AuthScheme=AzureAD with
// InitiateOAuth=OFF). Once expiresOn has passed it fails with an error that
// says how to supply a new token; a zero expiresOn means the expiry is unknown
// and the token is used until Graph rejects it.
func StaticToken(token string, expiresOn time.Time) azcore.TokenCredential {
	return &staticToken{token: token, expiresOn: expiresOn}
}

type staticToken struct {
	token     string
	expiresOn time.Time
}

// farFuture stands in for an unknown expiry so that token caches never treat
// the token as stale.
var farFuture = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)

func (s *staticToken) GetToken(ctx context.Context, _ policy.TokenRequestOptions) (azcore.AccessToken, error) {
	if err := ctx.Err(); err != nil {
		return azcore.AccessToken{}, err
	}
	if s.token == "" {
		return azcore.AccessToken{}, errMissing("OAuthAccessToken", "the access token to send to Microsoft Graph")
	}
	if s.expiresOn.IsZero() {
		return azcore.AccessToken{Token: s.token, ExpiresOn: farFuture}, nil
	}
	if !time.Now().Before(s.expiresOn) {
		return azcore.AccessToken{}, fmt.Errorf("auth: the access token in OAuthAccessToken expired at %s; supply a fresh token in OAuthAccessToken, or use AuthScheme=AzureServicePrincipal so the driver can obtain tokens itself",
			s.expiresOn.UTC().Format(time.RFC3339))
	}
	return azcore.AccessToken{Token: s.token, ExpiresOn: s.expiresOn}, nil
}

// String keeps the token out of logs and %v output.
func (s *staticToken) String() string {
	if s.expiresOn.IsZero() {
		return "auth.StaticToken(expires: unknown)"
	}
	return "auth.StaticToken(expires: " + s.expiresOn.UTC().Format(time.RFC3339) + ")"
}

// GoString keeps the token out of %#v output.
func (s *staticToken) GoString() string { return s.String() }
