package graphtest

import (
	"net/http"
	"strconv"
	"strings"
	"time"
)

// managedIdentityPath is the emulated App Service managed identity endpoint.
// azidentity's ManagedIdentityCredential calls it when IDENTITY_ENDPOINT is
// this URL and IDENTITY_HEADER the secret (see ManagedIdentityEnv).
const managedIdentityPath = "/msi/token"

// managedIdentity is the host's identities: one system-assigned, plus the
// user-assigned ones registered by client id.
type managedIdentity struct {
	header       string // the X-IDENTITY-HEADER secret
	userAssigned map[string]bool
}

// ManagedIdentityEnv returns the environment variables that point azidentity
// at the emulator's managed identity endpoint (App Service style):
// IDENTITY_ENDPOINT and IDENTITY_HEADER. Set them with t.Setenv.
func (s *Server) ManagedIdentityEnv() map[string]string {
	return map[string]string{
		"IDENTITY_ENDPOINT": s.url + managedIdentityPath,
		"IDENTITY_HEADER":   s.managedIdentityHeader(),
	}
}

// ManagedIdentityClientID is the client id of the system-assigned identity:
// the appId its tokens carry.
func (s *Server) ManagedIdentityClientID() string {
	return StableGUID("msi", "system-assigned "+s.tenant.ID())
}

// AddUserAssignedIdentity registers a user-assigned identity by client id.
func (s *Server) AddUserAssignedIdentity(clientID string) {
	s.oauth.mu.Lock()
	defer s.oauth.mu.Unlock()
	if s.oauth.msi.userAssigned == nil {
		s.oauth.msi.userAssigned = map[string]bool{}
	}
	s.oauth.msi.userAssigned[strings.ToLower(clientID)] = true
}

func (s *Server) managedIdentityHeader() string {
	s.oauth.mu.Lock()
	defer s.oauth.mu.Unlock()
	if s.oauth.msi.header == "" {
		secret, err := randomToken(24)
		if err != nil {
			secret = StableGUID("msi-header", s.tenant.ID())
		}
		s.oauth.msi.header = secret
	}
	return s.oauth.msi.header
}

// handleManagedIdentity answers GET /msi/token?api-version=2019-08-01&resource=...
// [&client_id=...] with the App Service response shape.
func (s *Server) handleManagedIdentity(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w}
	s.serveManagedIdentity(rec, r)
	s.record(r, r.URL.Query(), rec.status)
}

func (s *Server) serveManagedIdentity(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if got := r.Header.Get("X-IDENTITY-HEADER"); got == "" || got != s.managedIdentityHeader() {
		writeJSON(w, http.StatusUnauthorized, map[string]any{"statusCode": 401, "message": "X-IDENTITY-HEADER is missing or wrong."})
		return
	}
	resource := strings.TrimSuffix(strings.TrimSuffix(q.Get("resource"), "/.default"), "/")
	if !strings.EqualFold(resource, graphResource) && !strings.EqualFold(resource, graphAppID) {
		writeJSON(w, http.StatusBadRequest, map[string]any{"statusCode": 400, "message": "No resource or an unknown resource: " + q.Get("resource")})
		return
	}
	appID := s.ManagedIdentityClientID()
	if clientID := q.Get("client_id"); clientID != "" {
		s.oauth.mu.Lock()
		known := s.oauth.msi.userAssigned[strings.ToLower(clientID)]
		s.oauth.mu.Unlock()
		if !known {
			writeJSON(w, http.StatusBadRequest, map[string]any{"statusCode": 400, "message": "No user-assigned identity with client_id " + clientID + " is assigned to this host."})
			return
		}
		appID = clientID
	}
	expires := time.Now().Add(s.tokenLifetime)
	value, err := s.tokens.issue(accessToken{subject: appID, appID: appID, scopes: []string{graphResource + "/.default"}, expiresAt: expires})
	if err != nil {
		writeJSON(w, http.StatusInternalServerError, map[string]any{"statusCode": 500, "message": "token issue failed"})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"access_token": value,
		"expires_on":   strconv.FormatInt(expires.Unix(), 10),
		"resource":     graphResource,
		"token_type":   "Bearer",
		"client_id":    appID,
	})
}
