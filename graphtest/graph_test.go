package graphtest

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestTeamsListAndGet(t *testing.T) {
	s := newTestServer(t, Options{})
	token := s.IssueToken("", 0)

	r := get(t, s, token, "/teams")
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, "https://graph.microsoft.com/v1.0/$metadata#teams", r.body["@odata.context"])
	assert.NotContains(t, r.body, "@odata.count")
	teams := values(t, r)
	require.GreaterOrEqual(t, len(teams), 10)
	assert.Equal(t, "Engineering", teams[0]["displayName"])
	for _, prop := range []string{"id", "createdDateTime", "description", "internalId", "classification", "specialization",
		"visibility", "webUrl", "isArchived", "tenantId", "memberSettings", "guestSettings", "messagingSettings", "funSettings", "summary"} {
		assert.Contains(t, teams[0], prop)
	}
	assert.Equal(t, s.TenantID(), teams[0]["tenantId"])
	summary := teams[0]["summary"].(map[string]any)
	assert.EqualValues(t, 1, summary["ownersCount"])
	assert.EqualValues(t, 1, summary["guestsCount"])

	one := get(t, s, token, "/teams/"+teams[1]["id"].(string))
	require.Equal(t, http.StatusOK, one.status)
	assert.Equal(t, "Marketing", one.body["displayName"])
	assert.Equal(t, "https://graph.microsoft.com/v1.0/$metadata#teams/$entity", one.body["@odata.context"])

	missing := get(t, s, token, "/teams/00000000-0000-0000-0000-000000000000")
	require.Equal(t, http.StatusNotFound, missing.status)
	code, _ := graphErrorOf(t, missing)
	assert.Equal(t, "NotFound", code)
	assert.NotEmpty(t, missing.header.Get("request-id"))
}

func TestChannelsListAndGet(t *testing.T) {
	s := newTestServer(t, Options{})
	token := s.IssueToken("", 0)
	team := s.Tenant().Teams()[0]

	r := get(t, s, token, "/teams/"+team.ID+"/channels")
	require.Equal(t, http.StatusOK, r.status)
	channels := values(t, r)
	require.GreaterOrEqual(t, len(channels), 4)
	assert.Equal(t, "General", channels[0]["displayName"])
	assert.Equal(t, team.InternalID, channels[0]["id"])
	types := map[string]bool{}
	for _, ch := range channels {
		types[ch["membershipType"].(string)] = true
		assert.Regexp(t, `^19:[0-9a-f]{32}@thread\.tacv2$`, ch["id"])
	}
	assert.True(t, types["private"] && types["shared"] && types["standard"], "membership types: %v", types)

	id := channels[1]["id"].(string)
	one := get(t, s, token, "/teams/"+team.ID+"/channels/"+url.PathEscape(id))
	require.Equal(t, http.StatusOK, one.status)
	assert.Equal(t, id, one.body["id"])

	missing := get(t, s, token, "/teams/"+team.ID+"/channels/19:nope@thread.tacv2")
	assert.Equal(t, http.StatusNotFound, missing.status)
	noTeam := get(t, s, token, "/teams/nope/channels")
	assert.Equal(t, http.StatusNotFound, noTeam.status)

	top := get(t, s, token, "/teams/"+team.ID+"/channels?$top=2")
	assert.Equal(t, http.StatusBadRequest, top.status)
}

func TestUsersDefaultSelectAndLookup(t *testing.T) {
	s := newTestServer(t, Options{})
	token := s.IssueToken("", 0)

	r := get(t, s, token, "/users")
	require.Equal(t, http.StatusOK, r.status)
	users := values(t, r)
	require.GreaterOrEqual(t, len(users), 48)
	first := users[0]
	assert.Len(t, first, 11, "default property set: %v", first)
	assert.NotContains(t, first, "department")
	assert.Contains(t, first, "mobilePhone")

	sel := get(t, s, token, "/users?$select=displayName,department,accountEnabled")
	require.Equal(t, http.StatusOK, sel.status)
	assert.Equal(t, "https://graph.microsoft.com/v1.0/$metadata#users(displayName,department,accountEnabled)", sel.body["@odata.context"])
	for _, u := range values(t, sel) {
		assert.Len(t, u, 4)
	}

	upn := s.Tenant().Users()[3].UserPrincipalName
	byUPN := get(t, s, token, "/users/"+upn)
	require.Equal(t, http.StatusOK, byUPN.status)
	assert.Equal(t, upn, byUPN.body["userPrincipalName"])

	guest := get(t, s, token, "/users/"+url.PathEscape("jordan.miller_fabrikam.com#EXT#@contoso.onmicrosoft.com")+"?$select=userType,department")
	require.Equal(t, http.StatusOK, guest.status)
	assert.Equal(t, "Guest", guest.body["userType"])
	assert.Contains(t, guest.body, "department")
	assert.Nil(t, guest.body["department"])

	missing := get(t, s, token, "/users/nobody@contoso.onmicrosoft.com")
	require.Equal(t, http.StatusNotFound, missing.status)
	code, _ := graphErrorOf(t, missing)
	assert.Equal(t, "Request_ResourceNotFound", code)

	bad := get(t, s, token, "/users?$select=displayName,shoeSize")
	require.Equal(t, http.StatusBadRequest, bad.status)
	code, msg := graphErrorOf(t, bad)
	assert.Equal(t, "BadRequest", code)
	assert.Equal(t, "Could not find a property named 'shoeSize' on type 'microsoft.graph.user'.", msg)
}

func TestMeNeedsDelegatedToken(t *testing.T) {
	s := newTestServer(t, Options{})
	user := s.Tenant().Users()[5]

	me := get(t, s, s.IssueToken(user.ID, 0), "/me")
	require.Equal(t, http.StatusOK, me.status)
	assert.Equal(t, user.ID, me.body["id"])

	app := get(t, s, s.IssueToken("", 0), "/me")
	require.Equal(t, http.StatusBadRequest, app.status)
	code, msg := graphErrorOf(t, app)
	assert.Equal(t, "BadRequest", code)
	assert.Equal(t, "/me request is only valid with delegated authentication flow.", msg)
}

func TestUnknownSegmentAndOption(t *testing.T) {
	s := newTestServer(t, Options{})
	token := s.IssueToken("", 0)

	r := get(t, s, token, "/groupz")
	require.Equal(t, http.StatusBadRequest, r.status)
	_, msg := graphErrorOf(t, r)
	assert.Equal(t, "Resource not found for the segment 'groupz'.", msg)

	r = get(t, s, token, "/users?$expand=manager")
	assert.Equal(t, http.StatusBadRequest, r.status)
	r = get(t, s, token, "/users?$top=1&$top=2")
	assert.Equal(t, http.StatusBadRequest, r.status)
}
