package graphtest

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestHandlerCanBeMountedElsewhere(t *testing.T) {
	s := newTestServer(t, Options{})
	other := httptest.NewServer(s.Handler())
	defer other.Close()

	req, err := http.NewRequest(http.MethodGet, other.URL+"/v1.0/users?$top=1", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+s.IssueToken("", 0))
	r := do(t, http.DefaultClient, req)
	require.Equal(t, http.StatusOK, r.status)
	// Links point at the host the client used, not at the original listener.
	assert.Contains(t, r.body["@odata.nextLink"], other.URL+"/v1.0/users?")
}

func TestDemoTenantIsDeterministic(t *testing.T) {
	a, b := DemoTenant(), DemoTenant()
	assert.Equal(t, a.ID(), b.ID())
	assert.Equal(t, a.Users(), b.Users())
	assert.Equal(t, a.Teams(), b.Teams())
	ca, _ := a.Channels(a.Teams()[2].ID)
	cb, _ := b.Channels(b.Teams()[2].ID)
	assert.Equal(t, ca, cb)
	assert.GreaterOrEqual(t, len(a.Teams()), 10)
	assert.GreaterOrEqual(t, len(a.Users()), 48)
}

func TestConcurrentReadsWhileDataChanges(t *testing.T) {
	s := newTestServer(t, Options{})
	token := s.IssueToken("", 0)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 10 {
				if i == 0 {
					s.Tenant().AddUser(User{UserPrincipalName: fmt.Sprintf("new%d@contoso.onmicrosoft.com", j), AccountEnabled: true})
					continue
				}
				status, err := statusOf(s, token, "/users?$top=999")
				assert.NoError(t, err)
				assert.Equal(t, http.StatusOK, status)
			}
		}()
	}
	wg.Wait()
	r := get(t, s, token, "/users?$top=999")
	assert.Len(t, values(t, r), len(DemoTenant().Users())+10)
}

func TestBuilderErrors(t *testing.T) {
	tenant := NewTenant("", "x.onmicrosoft.com")
	_, err := tenant.AddChannel("missing", Channel{DisplayName: "General"})
	assert.Error(t, err)
	tm := tenant.AddTeam(Team{DisplayName: "T"})
	assert.Error(t, tenant.AddTeamMember(tm.ID, "nobody"))
	u := tenant.AddUser(User{UserPrincipalName: "a@x.onmicrosoft.com"})
	require.NoError(t, tenant.AddTeamMember(tm.ID, u.UserPrincipalName, RoleOwner))
	members, ok := tenant.TeamMembers(tm.ID)
	require.True(t, ok)
	assert.Equal(t, []TeamMember{{UserID: u.ID, Roles: []string{RoleOwner}}}, members)
}

// statusOf fetches a Graph path and reports only the status; unlike get it
// never stops the test, so goroutines may use it.
func statusOf(s *Server, token, path string) (int, error) {
	req, err := http.NewRequest(http.MethodGet, s.GraphURL()+path, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode, err
}

func TestDSNValueQuotesWhatTheSyntaxWouldMisread(t *testing.T) {
	assert.Equal(t, "/tmp/cert.pem", dsnValue("/tmp/cert.pem"))
	assert.Equal(t, "'/tmp/a;b=c.pem'", dsnValue("/tmp/a;b=c.pem"))
	assert.Equal(t, "'it''s'", dsnValue("it's"))
	assert.Equal(t, "' padded'", dsnValue(" padded"))
}
