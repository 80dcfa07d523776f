package graphtest

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPagingThroughManyUsers(t *testing.T) {
	tenant := NewTenant("", "paging.onmicrosoft.com")
	generated := GenerateUsers(tenant, 2500)
	require.Len(t, generated, 2500)
	s := newTestServer(t, Options{Tenant: tenant})
	token := s.IssueToken("", 0)

	for _, top := range []int{0, 999, 37} {
		path := "/users?$select=id,userPrincipalName"
		if top > 0 {
			path += "&$top=" + strconv.Itoa(top)
		}
		seen := map[string]bool{}
		var order []string
		pages := 0
		for path != "" {
			r := get(t, s, token, path)
			require.Equal(t, http.StatusOK, r.status, "%v", r.body)
			page := values(t, r)
			pages++
			for _, u := range page {
				id := u["id"].(string)
				require.False(t, seen[id], "duplicate %s", id)
				seen[id] = true
				order = append(order, id)
			}
			path, _ = r.body["@odata.nextLink"].(string)
			if path != "" {
				require.True(t, strings.HasPrefix(path, s.GraphURL()+"/users?"), path)
				require.Contains(t, path, "$skiptoken=")
			}
		}
		assert.Len(t, seen, 2500, "top %d", top)
		for i, u := range generated {
			require.Equal(t, u.ID, order[i], "order at %d", i)
		}
		if top == 0 {
			assert.Equal(t, 25, pages)
		}
	}
}

func TestTopAndSkipTokenErrors(t *testing.T) {
	s := newTestServer(t, Options{})
	token := s.IssueToken("", 0)
	for _, q := range []string{"$top=0", "$top=1000", "$top=abc"} {
		r := get(t, s, token, "/users?"+q)
		assert.Equal(t, http.StatusBadRequest, r.status, q)
	}
	assert.Equal(t, http.StatusOK, get(t, s, token, "/users?$top=999").status)
	assert.Equal(t, http.StatusBadRequest, get(t, s, token, "/teams?$top=1000").status)

	first := get(t, s, token, "/users?$top=5")
	next := first.body["@odata.nextLink"].(string)
	u, err := url.Parse(next)
	require.NoError(t, err)
	skip := u.Query().Get("$skiptoken")

	// A skip token only works with the query that produced it.
	assert.Equal(t, http.StatusBadRequest, get(t, s, token, "/users?$top=6&$skiptoken="+skip).status)
	assert.Equal(t, http.StatusBadRequest, get(t, s, token, "/users?$top=5&$skiptoken=garbage").status)
	assert.Equal(t, http.StatusBadRequest, get(t, s, token, "/teams?$top=5&$skiptoken="+skip).status)
	assert.Equal(t, http.StatusOK, get(t, s, token, "/users?$top=5&$skiptoken="+skip).status)
}

func TestCountRules(t *testing.T) {
	s := newTestServer(t, Options{})
	token := s.IssueToken("", 0)
	total := len(s.Tenant().Users())

	r := get(t, s, token, "/users?$count=true")
	require.Equal(t, http.StatusBadRequest, r.status)
	code, _ := graphErrorOf(t, r)
	assert.Equal(t, "Request_BadRequest", code)

	r = get(t, s, token, "/users?$count=true&$top=3", "ConsistencyLevel", "eventual")
	require.Equal(t, http.StatusOK, r.status)
	assert.EqualValues(t, total, r.body["@odata.count"])
	assert.Len(t, values(t, r), 3)

	r = get(t, s, token, "/teams?$count=true")
	require.Equal(t, http.StatusOK, r.status)
	assert.EqualValues(t, len(s.Tenant().Teams()), r.body["@odata.count"])
}

func TestOrderByRules(t *testing.T) {
	s := newTestServer(t, Options{})
	token := s.IssueToken("", 0)

	r := get(t, s, token, "/users?$orderby=displayName&$top=999")
	require.Equal(t, http.StatusOK, r.status)
	got := names(values(t, r), "displayName")
	assert.True(t, sort.SliceIsSorted(got, func(i, j int) bool { return strings.ToLower(got[i]) < strings.ToLower(got[j]) }), "%v", got)

	r = get(t, s, token, "/users?$orderby=userPrincipalName%20desc")
	require.Equal(t, http.StatusBadRequest, r.status)
	code, _ := graphErrorOf(t, r)
	assert.Equal(t, "Request_UnsupportedQuery", code)

	r = get(t, s, token, "/users?$orderby=userPrincipalName%20desc&$top=999", "ConsistencyLevel", "eventual")
	require.Equal(t, http.StatusOK, r.status)
	got = names(values(t, r), "userPrincipalName")
	assert.True(t, sort.SliceIsSorted(got, func(i, j int) bool { return strings.ToLower(got[i]) > strings.ToLower(got[j]) }), "%v", got)

	assert.Equal(t, http.StatusBadRequest, get(t, s, token, "/users?$orderby=city").status)
	assert.Equal(t, http.StatusBadRequest, get(t, s, token, "/teams?$orderby=displayName").status)
	team := s.Tenant().Teams()[0].ID
	assert.Equal(t, http.StatusBadRequest, get(t, s, token, "/teams/"+team+"/channels?$orderby=displayName").status)
}

func TestUserFilters(t *testing.T) {
	s := newTestServer(t, Options{})
	token := s.IssueToken("", 0)
	filter := func(f string, headers ...string) response {
		return get(t, s, token, "/users?$select=displayName,department,accountEnabled,city&$top=999&$filter="+url.QueryEscape(f), headers...)
	}

	r := filter("department eq 'ENGINEERING'")
	require.Equal(t, http.StatusOK, r.status, "%v", r.body)
	assert.Len(t, values(t, r), 7)
	for _, u := range values(t, r) {
		assert.Equal(t, "Engineering", u["department"])
	}

	r = filter("department eq 'Engineering' and accountEnabled eq false")
	assert.Equal(t, []string{"Isaiah Langer"}, names(values(t, r), "displayName"))

	r = filter("startswith(displayName,'ad') or city in ('Sydney', 'Bengaluru')")
	require.Equal(t, http.StatusOK, r.status)
	for _, u := range values(t, r) {
		ok := strings.HasPrefix(u["displayName"].(string), "Ad") || u["city"] == "Sydney" || u["city"] == "Bengaluru"
		assert.True(t, ok, "%v", u)
	}
	assert.Len(t, values(t, r), 8)

	r = filter("createdDateTime ge 2025-12-01T00:00:00Z")
	require.Equal(t, http.StatusOK, r.status)
	assert.NotEmpty(t, values(t, r))
	assert.Less(t, len(values(t, r)), len(s.Tenant().Users()))

	r = filter("department eq null")
	assert.Len(t, values(t, r), 2, "the two guests")

	unsupported := []struct{ filter, code string }{
		{"mobilePhone eq '1'", "Request_UnsupportedQuery"},   // not filterable
		{"startswith(city,'S')", "Request_UnsupportedQuery"}, // operator not allowed on property
		{"createdDateTime eq 2026-01-01T00:00:00Z", "Request_UnsupportedQuery"},
		{"department ne 'Sales'", "Request_UnsupportedQuery"},      // advanced only
		{"not(department eq 'Sales')", "Request_UnsupportedQuery"}, // advanced only
		{"endswith(mail,'.com')", "Request_UnsupportedQuery"},      // advanced only
		{"shoeSize eq 42", "BadRequest"},                           // unknown property
		{"department eq 'Sales' and", "BadRequest"},                // syntax
		{"assignedLicenses/any(x:x/skuId eq 'a')", "BadRequest"},   // lambda
		{"'Sales' eq department", "BadRequest"},                    // literal on the left
	}
	for _, tc := range unsupported {
		r := filter(tc.filter)
		require.Equal(t, http.StatusBadRequest, r.status, tc.filter)
		code, msg := graphErrorOf(t, r)
		assert.Equal(t, tc.code, code, "%s: %s", tc.filter, msg)
	}
	_, msg := graphErrorOf(t, filter("mobilePhone eq '1'"))
	assert.Equal(t, "Unsupported or invalid query filter clause specified for property 'mobilePhone' of resource 'User'.", msg)

	advanced := []string{"ConsistencyLevel", "eventual"}
	r = get(t, s, token, "/users?$count=true&$top=999&$select=department&$filter="+url.QueryEscape("department ne 'Sales' and not(endswith(mail,'@fabrikam.com'))"), advanced...)
	require.Equal(t, http.StatusOK, r.status, "%v", r.body)
	for _, u := range values(t, r) {
		assert.NotEqual(t, "Sales", u["department"])
	}
	assert.EqualValues(t, len(values(t, r)), r.body["@odata.count"])
	assert.Len(t, values(t, r), len(s.Tenant().Users())-7-1, "all but Sales and the fabrikam guest")
}

func TestTeamAndChannelFilters(t *testing.T) {
	s := newTestServer(t, Options{})
	token := s.IssueToken("", 0)

	r := get(t, s, token, "/teams?$filter="+url.QueryEscape("startswith(displayName,'pro') or visibility eq 'public' and isArchived eq false"))
	require.Equal(t, http.StatusOK, r.status, "%v", r.body)
	got := names(values(t, r), "displayName")
	assert.Contains(t, got, "Product")
	assert.Contains(t, got, "Project Phoenix (2024)")
	assert.Contains(t, got, "Marketing")
	assert.NotContains(t, got, "Engineering")

	for _, f := range []string{"description eq 'x'", "visibility ne 'public'", "startswith(visibility,'p')", "displayName eq"} {
		r := get(t, s, token, "/teams?$filter="+url.QueryEscape(f))
		require.Equal(t, http.StatusBadRequest, r.status, f)
		code, msg := graphErrorOf(t, r)
		assert.Equal(t, "BadRequest", code, f)
		if f != "displayName eq" {
			assert.Equal(t, "Invalid filter clause", msg, f)
		}
	}

	team := s.Tenant().Teams()[0].ID
	r = get(t, s, token, "/teams/"+team+"/channels?$filter="+url.QueryEscape("membershipType eq 'private'"))
	require.Equal(t, http.StatusOK, r.status)
	assert.Equal(t, []string{"Incidents"}, names(values(t, r), "displayName"))
	r = get(t, s, token, "/teams/"+team+"/channels?$filter="+url.QueryEscape("isArchived eq false"))
	assert.Equal(t, http.StatusBadRequest, r.status)
}

func TestRequestLogNeverHoldsSecrets(t *testing.T) {
	s := newTestServer(t, Options{})
	token := postToken(t, s, s.TenantID(), clientCredentialsForm(s)).body["access_token"].(string)
	get(t, s, token, "/users?$top=2&$filter="+url.QueryEscape("city eq 'Seattle'"), "client-request-id", "abc")
	get(t, s, "", "/teams")

	log := s.Requests()
	require.Len(t, log, 3)
	assert.Equal(t, "/"+s.TenantID()+"/oauth2/v2.0/token", log[0].Path)
	assert.Equal(t, http.MethodPost, log[0].Method)
	assert.Equal(t, http.StatusOK, log[0].Status)
	assert.Equal(t, []string{"REDACTED"}, log[0].Query["client_secret"])
	assert.Equal(t, "/v1.0/users", log[1].Path)
	assert.Equal(t, "city eq 'Seattle'", log[1].Query.Get("$filter"))
	assert.Equal(t, "2", log[1].Query.Get("$top"))
	assert.Equal(t, "abc", log[1].Header.Get("client-request-id"))
	assert.Equal(t, http.StatusUnauthorized, log[2].Status)
	for _, entry := range log {
		assert.Empty(t, entry.Header.Values("Authorization"))
		for _, vals := range entry.Query {
			for _, v := range vals {
				assert.NotContains(t, v, s.ClientSecret())
				assert.NotContains(t, v, token)
			}
		}
	}
	s.ResetRequests()
	assert.Empty(t, s.Requests())
}

func TestLatencyHonoursCancellation(t *testing.T) {
	s := newTestServer(t, Options{Latency: time.Hour})
	token := s.IssueToken("", 0)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.GraphURL()+"/teams", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	_, err = http.DefaultClient.Do(req)
	require.Error(t, err)
	assert.True(t, errors.Is(err, context.DeadlineExceeded), "%v", err)

	s.SetLatency(0)
	assert.Equal(t, http.StatusOK, get(t, s, token, "/teams").status)
}
