package graphtest

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// postJSON calls a Graph path with a JSON body.
func postJSON(t *testing.T, s *Server, token, path string, body any) response {
	t.Helper()
	data, err := json.Marshal(body)
	require.NoError(t, err)
	req, err := http.NewRequest(http.MethodPost, s.GraphURL()+path, strings.NewReader(string(data)))
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	return do(t, http.DefaultClient, req)
}

func TestTeamAndChannelMembers(t *testing.T) {
	s := newTestServer(t, Options{})
	token := s.IssueToken("", 0)
	teamID, general := demoChannelIDs(t, s, "Engineering", "General")
	_, private := demoChannelIDs(t, s, "Engineering", "Incidents")

	r := get(t, s, token, "/teams/"+teamID+"/members")
	require.Equal(t, http.StatusOK, r.status)
	members := values(t, r)
	want, _ := s.Tenant().TeamMembers(teamID)
	require.Len(t, members, len(want))
	m := members[0]
	assert.Equal(t, "#microsoft.graph.aadUserConversationMember", m["@odata.type"])
	for _, prop := range []string{"id", "roles", "displayName", "visibleHistoryStartDateTime", "userId", "email", "tenantId"} {
		assert.Contains(t, m, prop)
	}
	assert.Equal(t, []any{"owner"}, m["roles"])
	var guest bool
	for _, it := range members {
		if roles := it["roles"].([]any); len(roles) > 0 && roles[0] == "guest" {
			guest = true
		}
	}
	assert.True(t, guest, "Engineering has a guest")

	filtered := get(t, s, token, "/teams/"+teamID+"/members?$filter="+url.QueryEscape("(microsoft.graph.aadUserConversationMember/userId eq '"+m["userId"].(string)+"')"))
	require.Equal(t, http.StatusOK, filtered.status, "%v", filtered.body)
	assert.Len(t, values(t, filtered), 1)
	paged := get(t, s, token, "/teams/"+teamID+"/members?$top=2")
	require.Equal(t, http.StatusOK, paged.status, "team members page with $top, up to 999")
	assert.Len(t, values(t, paged), 2)
	assert.Contains(t, paged.body, "@odata.nextLink")
	assert.Equal(t, http.StatusBadRequest, get(t, s, token, "/teams/"+teamID+"/members?$top=1000").status)
	assert.Equal(t, http.StatusBadRequest, get(t, s, token, "/teams/"+teamID+"/channels/"+url.PathEscape(general)+"/members?$top=5").status,
		"channel members do not page")

	std := values(t, get(t, s, token, "/teams/"+teamID+"/channels/"+url.PathEscape(general)+"/members"))
	assert.Len(t, std, len(want), "standard channels list the team's members")
	priv := values(t, get(t, s, token, "/teams/"+teamID+"/channels/"+url.PathEscape(private)+"/members"))
	assert.NotEmpty(t, priv)
	assert.Less(t, len(priv), len(want), "private channels have their own members")

	assert.Equal(t, http.StatusNotFound, get(t, s, token, "/teams/00000000-0000-0000-0000-000000000000/members").status)
	assert.Equal(t, http.StatusNotFound, get(t, s, token, "/teams/"+teamID+"/channels/"+url.PathEscape("19:x@thread.tacv2")+"/members").status)
}

func TestPresenceByUserIDs(t *testing.T) {
	s := newTestServer(t, Options{})
	token := s.IssueToken("", 0)
	users := s.Tenant().Users()
	ids := make([]string, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	r := postJSON(t, s, token, "/communications/getPresencesByUserId", map[string]any{"ids": ids})
	require.Equal(t, http.StatusOK, r.status, "%v", r.body)
	list := values(t, r)
	require.Len(t, list, len(users))
	availabilities := map[string]bool{}
	var withStatus bool
	for i, p := range list {
		assert.Equal(t, ids[i], p["id"])
		availabilities[p["availability"].(string)] = true
		assert.NotEmpty(t, p["activity"])
		if p["statusMessage"] != nil {
			withStatus = true
		}
	}
	assert.GreaterOrEqual(t, len(availabilities), 4)
	assert.True(t, withStatus)

	require.NoError(t, s.Tenant().SetPresence(users[0].ID, Presence{Availability: "Busy", Activity: "InACall", StatusMessage: "On a call"}))
	one := get(t, s, token, "/users/"+users[0].ID+"/presence")
	require.Equal(t, http.StatusOK, one.status)
	assert.Equal(t, "InACall", one.body["activity"])
	assert.Equal(t, "On a call", one.body["statusMessage"].(map[string]any)["message"].(map[string]any)["content"])

	unknown := postJSON(t, s, token, "/communications/getPresencesByUserId", map[string]any{"ids": []string{"00000000-0000-0000-0000-000000000001"}})
	require.Equal(t, http.StatusOK, unknown.status)
	assert.Equal(t, "PresenceUnknown", values(t, unknown)[0]["availability"])

	tooMany := make([]string, 651)
	for i := range tooMany {
		tooMany[i] = StableGUID("x", string(rune(i)))
	}
	for name, body := range map[string]any{
		"651 ids":  map[string]any{"ids": tooMany},
		"no ids":   map[string]any{"ids": []string{}},
		"no body":  map[string]any{},
		"not GUID": map[string]any{"ids": []string{"adele@contoso.onmicrosoft.com"}},
	} {
		r := postJSON(t, s, token, "/communications/getPresencesByUserId", body)
		assert.Equal(t, http.StatusBadRequest, r.status, name)
		graphErrorOf(t, r)
	}
	assert.Equal(t, http.StatusOK, postJSON(t, s, token, "/communications/getPresencesByUserId", map[string]any{"ids": tooMany[:650]}).status)
	assert.Equal(t, http.StatusMethodNotAllowed, get(t, s, token, "/communications/getPresencesByUserId").status)
	assert.Equal(t, http.StatusMethodNotAllowed, postJSON(t, s, token, "/teams", map[string]any{}).status)
}

func TestAppsInstalledAppsAndTabs(t *testing.T) {
	s := newTestServer(t, Options{})
	token := s.IssueToken("", 0)
	teamID, general := demoChannelIDs(t, s, "Engineering", "General")

	catalog := get(t, s, token, "/appCatalogs/teamsApps")
	require.Equal(t, http.StatusOK, catalog.status)
	apps := values(t, catalog)
	require.GreaterOrEqual(t, len(apps), 10)
	assert.NotContains(t, apps[0], "appDefinitions")
	org := get(t, s, token, "/appCatalogs/teamsApps?$filter="+url.QueryEscape("distributionMethod eq 'organization'")+"&$expand=appDefinitions")
	require.Equal(t, http.StatusOK, org.status, "%v", org.body)
	require.NotEmpty(t, values(t, org))
	for _, a := range values(t, org) {
		assert.Equal(t, "organization", a["distributionMethod"])
		assert.NotNil(t, a["externalId"])
		defs := a["appDefinitions"].([]any)
		require.Len(t, defs, 1)
		assert.Equal(t, a["id"], defs[0].(map[string]any)["teamsAppId"])
	}
	assert.Equal(t, http.StatusBadRequest, get(t, s, token, "/appCatalogs/teamsApps?$expand=bogus").status)
	assert.Equal(t, http.StatusBadRequest, get(t, s, token, "/appCatalogs/teamsApps?$top=5").status)

	installed := get(t, s, token, "/teams/"+teamID+"/installedApps?$expand=teamsAppDefinition,teamsApp")
	require.Equal(t, http.StatusOK, installed.status, "%v", installed.body)
	list := values(t, installed)
	require.NotEmpty(t, list)
	assert.NotEmpty(t, list[0]["teamsApp"].(map[string]any)["displayName"])
	assert.NotEmpty(t, list[0]["teamsAppDefinition"].(map[string]any)["version"])
	plain := values(t, get(t, s, token, "/teams/"+teamID+"/installedApps"))
	assert.NotContains(t, plain[0], "teamsApp")
	assert.Equal(t, http.StatusNotFound, get(t, s, token, "/teams/00000000-0000-0000-0000-000000000000/installedApps").status)

	tabs := get(t, s, token, "/teams/"+teamID+"/channels/"+url.PathEscape(general)+"/tabs?$expand=teamsApp")
	require.Equal(t, http.StatusOK, tabs.status, "%v", tabs.body)
	require.NotEmpty(t, values(t, tabs))
	tab := values(t, tabs)[0]
	assert.NotEmpty(t, tab["teamsApp"].(map[string]any)["id"])
	assert.Contains(t, tab["configuration"], "contentUrl")
	assert.Equal(t, http.StatusNotFound, get(t, s, token, "/teams/"+teamID+"/channels/"+url.PathEscape("19:x@thread.tacv2")+"/tabs").status)
}

func TestGroupsMembersAndOwners(t *testing.T) {
	s := newTestServer(t, Options{})
	token := s.IssueToken("", 0)
	r := get(t, s, token, "/groups")
	require.Equal(t, http.StatusOK, r.status)
	groups := values(t, r)
	assert.Len(t, groups, len(s.Tenant().Teams())+4)
	var team, security map[string]any
	for _, g := range groups {
		if len(g["resourceProvisioningOptions"].([]any)) > 0 && team == nil {
			team = g
		}
		if g["securityEnabled"] == true {
			security = g
		}
	}
	require.NotNil(t, team)
	require.NotNil(t, security)
	assert.Equal(t, []any{"Unified"}, team["groupTypes"])
	assert.Nil(t, security["mail"])

	teams := get(t, s, token, "/groups?$filter="+url.QueryEscape("startswith(displayName,'Eng')"))
	require.Equal(t, http.StatusOK, teams.status)
	assert.Equal(t, []string{"Engineering"}, names(values(t, teams), "displayName"))
	assert.Equal(t, http.StatusBadRequest, get(t, s, token, "/groups?$filter="+url.QueryEscape("resourceProvisioningOptions/any(x:x eq 'Team')")).status)

	one := get(t, s, token, "/groups/"+team["id"].(string))
	require.Equal(t, http.StatusOK, one.status)
	members := get(t, s, token, "/groups/"+team["id"].(string)+"/members?$select=displayName,mail")
	require.Equal(t, http.StatusOK, members.status)
	list := values(t, members)
	require.NotEmpty(t, list)
	assert.Equal(t, "#microsoft.graph.user", list[0]["@odata.type"])
	assert.Contains(t, list[0], "mail")
	owners := values(t, get(t, s, token, "/groups/"+team["id"].(string)+"/owners"))
	assert.Len(t, owners, 1)
	secMembers := values(t, get(t, s, token, "/groups/"+security["id"].(string)+"/members"))
	assert.NotEmpty(t, secMembers)
	assert.Equal(t, http.StatusNotFound, get(t, s, token, "/groups/00000000-0000-0000-0000-000000000000/members").status)

	g := s.Tenant().AddGroup(Group{DisplayName: "Builders", SecurityEnabled: true})
	require.NoError(t, s.Tenant().AddGroupMember(g.ID, s.Tenant().Users()[3].ID, true))
	assert.Len(t, values(t, get(t, s, token, "/groups/"+g.ID+"/owners")), 1)
	assert.Error(t, s.Tenant().AddGroupMember(team["id"].(string), s.Tenant().Users()[3].ID, false))
}

func TestJoinedTeams(t *testing.T) {
	s := newTestServer(t, Options{})
	user := s.Tenant().Users()[0]
	r := get(t, s, s.IssueToken("", 0), "/users/"+user.ID+"/joinedTeams")
	require.Equal(t, http.StatusOK, r.status)
	teams := values(t, r)
	require.NotEmpty(t, teams)
	assert.NotNil(t, teams[0]["displayName"])
	assert.Nil(t, teams[0]["webUrl"], "joinedTeams leaves most properties null")
	me := get(t, s, s.IssueToken(user.ID, 0), "/me/joinedTeams")
	require.Equal(t, http.StatusOK, me.status)
	assert.Equal(t, names(teams, "id"), names(values(t, me), "id"))
	assert.Equal(t, http.StatusBadRequest, get(t, s, s.IssueToken("", 0), "/me/joinedTeams").status)
	assert.Equal(t, http.StatusNotFound, get(t, s, s.IssueToken("", 0), "/users/nobody@x.com/joinedTeams").status)
}

// The Graph SDKs gzip request bodies; Graph, and so the emulator, accepts them.
func TestPresenceAcceptsGzipBody(t *testing.T) {
	s := newTestServer(t, Options{})
	token := s.IssueToken("", 0)
	id := s.Tenant().Users()[0].ID
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, err := zw.Write([]byte(`{"ids":["` + id + `"]}`))
	require.NoError(t, err)
	require.NoError(t, zw.Close())
	req, err := http.NewRequest(http.MethodPost, s.GraphURL()+"/communications/getPresencesByUserId", &buf)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Content-Encoding", "gzip")
	r := do(t, http.DefaultClient, req)
	require.Equal(t, http.StatusOK, r.status, "%v", r.body)
	assert.Len(t, values(t, r), 1)
}
