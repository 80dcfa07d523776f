package graph

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/Azure/azure-sdk-for-go/sdk/azcore"
	"github.com/Azure/azure-sdk-for-go/sdk/azcore/policy"
	"github.com/stretchr/testify/require"
)

const testToken = "test-token-value-0123456789"

// fakeCredential hands out a fixed token and records what it was asked.
type fakeCredential struct {
	calls  atomic.Int32
	mu     sync.Mutex
	scopes []string
	err    error
}

func (f *fakeCredential) GetToken(ctx context.Context, opts policy.TokenRequestOptions) (azcore.AccessToken, error) {
	f.calls.Add(1)
	f.mu.Lock()
	f.scopes = opts.Scopes
	f.mu.Unlock()
	if f.err != nil {
		return azcore.AccessToken{}, f.err
	}
	return azcore.AccessToken{Token: testToken, ExpiresOn: time.Now().Add(time.Hour)}, nil
}

// setup starts a server whose handlers are mounted under /v1.0 (so a client
// that builds URLs without the version fails) and a client pointing at it.
func setup(t *testing.T, opts ...func(*Options)) (*Client, *http.ServeMux, *fakeCredential) {
	t.Helper()
	mux := http.NewServeMux()
	root := http.NewServeMux()
	root.Handle("/v1.0/", http.StripPrefix("/v1.0", mux))
	root.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		t.Errorf("request outside /v1.0: %s %s", r.Method, r.URL)
		http.NotFound(w, r)
	})
	srv := httptest.NewServer(root)
	t.Cleanup(srv.Close)

	cred := &fakeCredential{}
	o := Options{
		BaseURL:    srv.URL + "/v1.0",
		Credential: cred,
		Scopes:     []string{"https://graph.microsoft.com/.default"},
		HTTPClient: srv.Client(),
		MaxRetries: -1,
	}
	for _, f := range opts {
		f(&o)
	}
	client, err := NewClient(o)
	require.NoError(t, err)
	return client, mux, cred
}

func writeJSON(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}
