package graphtest

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A tenant built by hand serves what was added: private channel members,
// catalog apps, installs and tabs.
func TestBuildersForMembersAppsAndTabs(t *testing.T) {
	tenant := NewTenant("", "builders.onmicrosoft.com")
	alice := tenant.AddUser(User{DisplayName: "Alice", UserPrincipalName: "alice@builders.onmicrosoft.com", AccountEnabled: true})
	bob := tenant.AddUser(User{DisplayName: "Bob", UserPrincipalName: "bob@builders.onmicrosoft.com", AccountEnabled: true})
	team := tenant.AddTeam(Team{DisplayName: "Builders"})
	require.NoError(t, tenant.AddTeamMember(team.ID, alice.ID, RoleOwner))
	require.NoError(t, tenant.AddTeamMember(team.ID, bob.ID))
	secret, err := tenant.AddChannel(team.ID, Channel{DisplayName: "Secret", MembershipType: "private"})
	require.NoError(t, err)
	require.NoError(t, tenant.AddChannelMember(team.ID, secret.ID, alice.ID, RoleOwner))
	app := tenant.AddApp(TeamsApp{DisplayName: "Planner", DistributionMethod: "organization"})
	require.NoError(t, tenant.InstallApp(team.ID, app.ID))
	tab, err := tenant.AddTab(team.ID, secret.ID, TeamsTab{DisplayName: "Plan", TeamsAppID: app.ID, ContentURL: "https://example.invalid/plan"})
	require.NoError(t, err)
	assert.Error(t, tenant.InstallApp(team.ID, "no-such-app"))
	assert.Error(t, tenant.AddChannelMember(team.ID, "no-such-channel", alice.ID))

	s := newTestServer(t, Options{Tenant: tenant})
	token := s.IssueToken("", 0)
	channelPath := "/teams/" + team.ID + "/channels/" + url.PathEscape(secret.ID)

	members := values(t, get(t, s, token, channelPath+"/members"))
	require.Len(t, members, 1, "a private channel lists only its own members")
	assert.Equal(t, alice.ID, members[0]["userId"])

	installed := values(t, get(t, s, token, "/teams/"+team.ID+"/installedApps?$expand=teamsApp"))
	require.Len(t, installed, 1)
	assert.Equal(t, "Planner", installed[0]["teamsApp"].(map[string]any)["displayName"])

	tabs := values(t, get(t, s, token, channelPath+"/tabs?$expand=teamsApp"))
	require.Len(t, tabs, 1)
	assert.Equal(t, tab.ID, tabs[0]["id"])

	catalog := get(t, s, token, "/appCatalogs/teamsApps?$filter="+url.QueryEscape("distributionMethod eq 'organization'"))
	require.Equal(t, http.StatusOK, catalog.status)
	assert.Len(t, values(t, catalog), 1)
}
