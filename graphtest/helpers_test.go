package graphtest

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// newTestServer starts a plain-HTTP emulator that is closed with the test.
func newTestServer(t *testing.T, opts Options) *Server {
	t.Helper()
	s, err := NewServer(opts)
	require.NoError(t, err)
	t.Cleanup(s.Close)
	return s
}

// response is a decoded JSON answer.
type response struct {
	status int
	header http.Header
	body   map[string]any
}

// get calls a Graph path (relative to GraphURL, or an absolute URL) with a
// bearer token and optional extra headers given as name, value pairs.
func get(t *testing.T, s *Server, token, path string, headers ...string) response {
	t.Helper()
	target := path
	if !strings.HasPrefix(path, "http") {
		target = s.GraphURL() + path
	}
	req, err := http.NewRequest(http.MethodGet, target, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	return do(t, http.DefaultClient, req)
}

func do(t *testing.T, client *http.Client, req *http.Request) response {
	t.Helper()
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var body map[string]any
	require.NoError(t, json.Unmarshal(data, &body), "body: %s", data)
	return response{status: resp.StatusCode, header: resp.Header, body: body}
}

// postToken calls the token endpoint of the given tenant with a form.
func postToken(t *testing.T, s *Server, tenant string, form url.Values) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, s.AuthorityURL()+tenant+"/oauth2/v2.0/token", strings.NewReader(form.Encode()))
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return do(t, http.DefaultClient, req)
}

func clientCredentialsForm(s *Server) url.Values {
	return url.Values{
		"grant_type":    {"client_credentials"},
		"client_id":     {s.ClientID()},
		"client_secret": {s.ClientSecret()},
		"scope":         {"https://graph.microsoft.com/.default"},
	}
}

// values returns the "value" array of a collection response.
func values(t *testing.T, r response) []map[string]any {
	t.Helper()
	raw, ok := r.body["value"].([]any)
	require.True(t, ok, "no value array in %v", r.body)
	out := make([]map[string]any, len(raw))
	for i, v := range raw {
		out[i] = v.(map[string]any)
	}
	return out
}

// graphErrorOf returns the code and message of a Graph error body.
func graphErrorOf(t *testing.T, r response) (code, message string) {
	t.Helper()
	e, ok := r.body["error"].(map[string]any)
	require.True(t, ok, "not a Graph error: %v", r.body)
	inner, ok := e["innerError"].(map[string]any)
	require.True(t, ok, "error without innerError: %v", r.body)
	require.NotEmpty(t, inner["request-id"])
	require.NotEmpty(t, inner["date"])
	return e["code"].(string), e["message"].(string)
}

func names(items []map[string]any, prop string) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i], _ = it[prop].(string)
	}
	return out
}
