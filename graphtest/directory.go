package graphtest

import (
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
)

// Members, presence, apps, tabs, groups and joined teams, written from
// Graph's v1.0 reference (conversationMember, presence, teamsApp,
// teamsAppInstallation, teamsTab, group, directoryObject).

// memberSpec: conversationMember collections (team, channel and chat
// members) support $filter and $select but no paging options.
var memberSpec = &resourceSpec{
	entityType:   "microsoft.graph.conversationMember",
	resourceName: "ConversationMember",
	properties:   []string{"id", "roles", "displayName", "visibleHistoryStartDateTime", "userId", "email", "tenantId"},
	filter: map[string][]string{
		"displayName": {"eq", "startswith"},
		"userId":      {"eq"},
		"email":       {"eq"},
	},
}

// teamMemberSpec: a team's members also page, 100 by default and up to
// 999 with $top (Graph's "List members of team").
var teamMemberSpec = func() *resourceSpec {
	spec := *memberSpec
	spec.defaultPage, spec.maxPage = 100, 999
	return &spec
}()

// conversationMemberID imitates Graph's opaque member ids, which encode the
// thread and the user.
func conversationMemberID(threadID, userID string) string {
	return base64.StdEncoding.EncodeToString([]byte("1#" + threadID + "#" + userID))
}

func (s *Server) memberJSON(threadID string, m TeamMember) map[string]any {
	item := map[string]any{
		"@odata.type":                 "#microsoft.graph.aadUserConversationMember",
		"id":                          conversationMemberID(threadID, m.UserID),
		"roles":                       append([]string{}, m.Roles...),
		"displayName":                 nil,
		"visibleHistoryStartDateTime": "0001-01-01T00:00:00Z",
		"userId":                      m.UserID,
		"email":                       nil,
		"tenantId":                    s.tenant.ID(),
	}
	if u, ok := s.tenant.User(m.UserID); ok {
		item["displayName"] = nullable(u.DisplayName)
		item["email"] = nullable(u.Mail)
		if u.UserType == "Guest" && !hasRole(m.Roles, RoleGuest) {
			item["roles"] = append(item["roles"].([]string), RoleGuest)
		}
	}
	return item
}

func (s *Server) listTeamMembers(c *graphCall) {
	teamID := c.params["team"]
	tm, ok := s.tenant.Team(teamID)
	if !ok {
		c.fail(teamNotFound(teamID))
		return
	}
	members, _ := s.tenant.TeamMembers(teamID)
	items := make([]map[string]any, len(members))
	for i, m := range members {
		items[i] = s.memberJSON(tm.InternalID, m)
	}
	s.serveCollection(c, teamMemberSpec, fmt.Sprintf("teams('%s')/members", teamID), items)
}

func (s *Server) listChannelMembers(c *graphCall) {
	teamID, channelID := c.params["team"], c.params["channel"]
	if _, ok := s.lookupChannel(c); !ok {
		return
	}
	members, _ := s.tenant.channelMemberList(teamID, channelID)
	items := make([]map[string]any, len(members))
	for i, m := range members {
		items[i] = s.memberJSON(channelID, m)
	}
	s.serveCollection(c, memberSpec, fmt.Sprintf("teams('%s')/channels('%s')/members", teamID, channelID), items)
}

// chatMembersJSON lists a chat's members; every member of a chat is an
// owner in Graph's terms, guests are guests. limit <= 0 means all.
func (s *Server) chatMembersJSON(rec chatRecord, limit int) []map[string]any {
	var items []map[string]any
	for _, id := range rec.chat.MemberIDs {
		if limit > 0 && len(items) == limit {
			break
		}
		item := s.memberJSON(rec.chat.ID, TeamMember{UserID: id, Roles: []string{RoleOwner}})
		if roles := item["roles"].([]string); hasRole(roles, RoleGuest) {
			item["roles"] = []string{RoleGuest}
		}
		item["visibleHistoryStartDateTime"] = graphTimeMilli(rec.chat.CreatedDateTime)
		items = append(items, item)
	}
	return items
}

func (s *Server) listChatMembers(c *graphCall) {
	rec, ok := s.lookupChat(c)
	if !ok {
		return
	}
	s.serveCollection(c, memberSpec, fmt.Sprintf("chats('%s')/members", rec.chat.ID), s.chatMembersJSON(rec, 0))
}

// Presence.

// maxPresenceIDs is Graph's limit on ids per getPresencesByUserId call.
const maxPresenceIDs = 650

var guidPattern = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)

// derivedPresences are what users without a set presence show, picked by
// a hash of their id so every run shows the same.
var derivedPresences = []Presence{
	{"Available", "Available", ""}, {"Busy", "InAMeeting", ""}, {"Busy", "InACall", ""},
	{"Away", "Away", ""}, {"BeRightBack", "BeRightBack", ""}, {"DoNotDisturb", "Presenting", ""},
	{"Available", "Available", "Heads down on the release today"}, {"Offline", "OffWork", ""},
}

func (s *Server) presenceFor(userID string) Presence {
	u, known := s.tenant.User(userID)
	if !known {
		return Presence{Availability: "PresenceUnknown", Activity: "PresenceUnknown"}
	}
	if p, ok := s.tenant.presenceOf(u.ID); ok {
		return p
	}
	if !u.AccountEnabled {
		return Presence{Availability: "Offline", Activity: "Offline"}
	}
	h := fnv.New32a()
	_, _ = h.Write([]byte(u.ID))
	return derivedPresences[h.Sum32()%uint32(len(derivedPresences))]
}

func presenceJSON(id string, p Presence) map[string]any {
	var status any
	if p.StatusMessage != "" {
		status = map[string]any{
			"message":           map[string]any{"content": p.StatusMessage, "contentType": "text"},
			"publishedDateTime": graphTimeMilli(Epoch),
			"expiryDateTime":    map[string]any{"dateTime": "9999-12-31T23:59:59.9999999", "timeZone": "UTC"},
		}
	}
	return map[string]any{
		"id": id, "availability": p.Availability, "activity": p.Activity, "statusMessage": status,
		"outOfOfficeSettings": map[string]any{"message": nil, "isOutOfOffice": false},
	}
}

// getPresencesByUserID serves POST /communications/getPresencesByUserId
// with a body {"ids":[...]} of at most 650 user ids.
func (s *Server) getPresencesByUserID(c *graphCall) {
	if gerr := rejectUnknownOptions(c.query, nil); gerr != nil {
		c.fail(gerr)
		return
	}
	ids, gerr := readPresenceIDs(c.r)
	if gerr != nil {
		c.fail(gerr)
		return
	}
	value := make([]map[string]any, len(ids))
	for i, id := range ids {
		value[i] = presenceJSON(id, s.presenceFor(id))
	}
	c.ok(map[string]any{"@odata.context": "https://graph.microsoft.com/v1.0/$metadata#Collection(presence)", "value": value})
}

func readPresenceIDs(r *http.Request) ([]string, *graphError) {
	data, err := readBody(r)
	if err != nil {
		return nil, badRequest("The request body could not be read.")
	}
	var body struct {
		IDs []string `json:"ids"`
	}
	if err := json.Unmarshal(data, &body); err != nil {
		return nil, badRequest("Invalid request body: expected {\"ids\": [\"<user id>\", ...]}.")
	}
	switch {
	case len(body.IDs) == 0:
		return nil, badRequest("The 'ids' parameter is required and must contain at least one user id.")
	case len(body.IDs) > maxPresenceIDs:
		return nil, badRequest(fmt.Sprintf("The number of ids (%d) exceeds the maximum of %d per request.", len(body.IDs), maxPresenceIDs))
	}
	for _, id := range body.IDs {
		if !guidPattern.MatchString(id) {
			return nil, badRequest(fmt.Sprintf("Invalid user id '%s': ids must be Microsoft Entra object ids (GUIDs).", truncate(id, 64)))
		}
	}
	return body.IDs, nil
}

var presenceSpec = &resourceSpec{
	entityType: "microsoft.graph.presence", resourceName: "Presence",
	properties: []string{"id", "availability", "activity", "statusMessage", "outOfOfficeSettings"},
}

func (s *Server) getUserPresence(c *graphCall) {
	u, ok := s.targetUser(c, errMeNeedsDelegation)
	if !ok {
		return
	}
	serveEntity(c, presenceSpec, fmt.Sprintf("users('%s')/presence", u.ID), presenceJSON(u.ID, s.presenceFor(u.ID)))
}

// Apps and tabs.

// teamsAppSpec: the app catalog supports $filter (by id, externalId,
// displayName, distributionMethod) and $expand=appDefinitions.
var teamsAppSpec = &resourceSpec{
	entityType: "microsoft.graph.teamsApp", resourceName: "TeamsApp",
	properties: []string{"id", "externalId", "displayName", "distributionMethod"},
	expand:     map[string]bool{"appDefinitions": true},
	filter: map[string][]string{
		"id": {"eq"}, "externalId": {"eq"}, "displayName": {"eq"}, "distributionMethod": {"eq"},
	},
}

var installationSpec = &resourceSpec{
	entityType: "microsoft.graph.teamsAppInstallation", resourceName: "TeamsAppInstallation",
	properties: []string{"id", "consentedPermissionSet"},
	expand:     map[string]bool{"teamsApp": true, "teamsAppDefinition": true},
}

var tabSpec = &resourceSpec{
	entityType: "microsoft.graph.teamsTab", resourceName: "TeamsTab",
	properties: []string{"id", "displayName", "webUrl", "configuration"},
	expand:     map[string]bool{"teamsApp": true},
	filter:     map[string][]string{"displayName": {"eq"}},
}

func (s *Server) teamsAppJSON(a TeamsApp) map[string]any {
	return map[string]any{
		"id": a.ID, "externalId": nullable(a.ExternalID), "displayName": a.DisplayName, "distributionMethod": a.DistributionMethod,
		"appDefinitions": []map[string]any{appDefinitionJSON(a)},
	}
}

func appDefinitionJSON(a TeamsApp) map[string]any {
	return map[string]any{
		"id":                   base64.StdEncoding.EncodeToString([]byte(a.ID + "##" + a.Version + "##Published")),
		"teamsAppId":           a.ID,
		"displayName":          a.DisplayName,
		"version":              a.Version,
		"publishingState":      "published",
		"shortDescription":     nullable(a.ShortDescription),
		"description":          nullable(a.Description),
		"lastModifiedDateTime": graphTimeMilli(a.LastModifiedDateTime),
		"createdBy":            nil,
	}
}

// appAsNavigation is a teamsApp as expanded from another resource.
func (s *Server) appAsNavigation(a TeamsApp) map[string]any {
	m := s.teamsAppJSON(a)
	delete(m, "appDefinitions")
	return m
}

func (s *Server) listCatalogApps(c *graphCall) {
	apps := s.tenant.appCatalog()
	items := make([]map[string]any, len(apps))
	for i, a := range apps {
		items[i] = s.teamsAppJSON(a)
	}
	s.serveCollection(c, teamsAppSpec, "appCatalogs/teamsApps", items)
}

func (s *Server) listInstalledApps(c *graphCall) {
	teamID := c.params["team"]
	apps, ok := s.tenant.installedApps(teamID)
	if !ok {
		c.fail(teamNotFound(teamID))
		return
	}
	items := make([]map[string]any, len(apps))
	for i, a := range apps {
		items[i] = map[string]any{
			"id":                     base64.StdEncoding.EncodeToString([]byte(teamID + "##" + a.ID)),
			"consentedPermissionSet": nil,
			"teamsApp":               s.appAsNavigation(a),
			"teamsAppDefinition":     appDefinitionJSON(a),
		}
	}
	s.serveCollection(c, installationSpec, fmt.Sprintf("teams('%s')/installedApps", teamID), items)
}

func (s *Server) listTabs(c *graphCall) {
	teamID, channelID := c.params["team"], c.params["channel"]
	tabs, apps, ok := s.tenant.channelTabs(teamID, channelID)
	if !ok {
		s.lookupChannel(c) // answers the right 404
		return
	}
	items := make([]map[string]any, len(tabs))
	for i, tab := range tabs {
		items[i] = map[string]any{
			"id": tab.ID, "displayName": tab.DisplayName, "webUrl": tab.WebURL,
			"configuration": map[string]any{
				"entityId": nullable(tab.EntityID), "contentUrl": nullable(tab.ContentURL),
				"removeUrl": nil, "websiteUrl": nullable(tab.WebsiteURL),
			},
			"teamsApp": s.appAsNavigation(apps[tab.TeamsAppID]),
		}
	}
	s.serveCollection(c, tabSpec, fmt.Sprintf("teams('%s')/channels('%s')/tabs", teamID, channelID), items)
}

// Groups.

var groupSpec = &resourceSpec{
	entityType: "microsoft.graph.group", resourceName: "Group",
	properties: []string{
		"id", "classification", "createdDateTime", "description", "displayName", "groupTypes", "mail", "mailEnabled",
		"mailNickname", "proxyAddresses", "renewedDateTime", "resourceProvisioningOptions", "securityEnabled", "visibility",
		"preferredLanguage", "theme", "expirationDateTime", "onPremisesSyncEnabled",
	},
	filter: map[string][]string{
		"id":                    {"eq", "ne", "in"},
		"displayName":           {"eq", "ne", "in", "startswith", "endswith"},
		"mail":                  {"eq", "ne", "in", "startswith", "endswith"},
		"mailNickname":          {"eq", "ne", "in", "startswith", "endswith"},
		"mailEnabled":           {"eq", "ne"},
		"securityEnabled":       {"eq", "ne", "in"},
		"visibility":            {"eq", "ne", "in"},
		"classification":        {"eq", "ne", "in", "startswith"},
		"createdDateTime":       {"ge", "le", "gt", "lt", "eq"},
		"description":           {"eq", "ne", "startswith"},
		"expirationDateTime":    {"ge", "le", "gt", "lt", "eq", "in"},
		"onPremisesSyncEnabled": {"eq", "ne", "in"},
		"preferredLanguage":     {"eq", "ne", "in", "startswith"},
		"theme":                 {"eq", "ne", "in"},
	},
	advancedOps:        map[string]bool{"ne": true, "not": true, "endswith": true},
	notAllowed:         true,
	orderBy:            map[string]bool{"displayName": true},
	descNeedsEventual:  true,
	countNeedsEventual: true,
	defaultPage:        100,
	maxPage:            999,
	directoryErrors:    true,
}

// directoryMemberSpec: group members and owners are directoryObjects; the
// emulator's are all users, served with the user's properties and rules.
var directoryMemberSpec = func() *resourceSpec {
	spec := *userSpec
	spec.entityType = "microsoft.graph.directoryObject"
	spec.orderBy = nil
	return &spec
}()

func (s *Server) groupJSON(g Group, isTeam bool) map[string]any {
	var visibility any = nullable(g.Visibility)
	provisioning := []string{}
	if isTeam {
		provisioning = []string{"Team"}
	}
	proxies := []string{}
	if g.Mail != "" {
		proxies = []string{"SMTP:" + g.Mail}
	}
	return map[string]any{
		"id": g.ID, "classification": nil, "createdDateTime": graphTime(g.CreatedDateTime), "description": nullable(g.Description),
		"displayName": g.DisplayName, "groupTypes": append([]string{}, g.GroupTypes...), "mail": nullable(g.Mail),
		"mailEnabled": g.MailEnabled, "mailNickname": g.MailNickname, "proxyAddresses": proxies,
		"renewedDateTime": graphTime(g.CreatedDateTime), "resourceProvisioningOptions": provisioning,
		"securityEnabled": g.SecurityEnabled, "visibility": visibility,
		"preferredLanguage": nil, "theme": nil, "expirationDateTime": nil, "onPremisesSyncEnabled": nil,
	}
}

// teamGroup is the Microsoft 365 group behind a team.
func (s *Server) teamGroup(tm Team) Group {
	nick := mailNickname(tm.DisplayName)
	visibility := "Public"
	if tm.Visibility == "private" {
		visibility = "Private"
	}
	return Group{
		ID: tm.ID, DisplayName: tm.DisplayName, Description: tm.Description, MailNickname: nick,
		Mail: nick + "@" + s.tenant.Domain(), MailEnabled: true, GroupTypes: []string{"Unified"},
		Visibility: visibility, CreatedDateTime: tm.CreatedDateTime,
	}
}

func (s *Server) listGroups(c *graphCall) {
	items := s.rendered("groups", func() []map[string]any {
		var items []map[string]any
		for _, tm := range s.tenant.Teams() {
			items = append(items, s.groupJSON(s.teamGroup(tm), true))
		}
		for _, rec := range s.tenant.groupList() {
			items = append(items, s.groupJSON(rec.group, false))
		}
		return items
	})
	s.serveCollection(c, groupSpec, "groups", items)
}

// groupMembership returns a group's members and owners as user ids.
func (s *Server) groupMembership(id string) (Group, []string, []string, bool) {
	if tm, ok := s.tenant.Team(id); ok {
		list, _ := s.tenant.TeamMembers(tm.ID)
		var members, owners []string
		for _, m := range list {
			members = append(members, m.UserID)
			if hasRole(m.Roles, RoleOwner) {
				owners = append(owners, m.UserID)
			}
		}
		return s.teamGroup(tm), members, owners, true
	}
	for _, rec := range s.tenant.groupList() {
		if strings.EqualFold(rec.group.ID, id) {
			return rec.group, rec.members, rec.owners, true
		}
	}
	return Group{}, nil, nil, false
}

func groupNotFound(id string) *graphError {
	return userNotFound(id) // directory objects share Request_ResourceNotFound
}

func (s *Server) getGroup(c *graphCall) {
	g, _, _, ok := s.groupMembership(c.params["group"])
	if !ok {
		c.fail(groupNotFound(c.params["group"]))
		return
	}
	_, isTeam := s.tenant.Team(g.ID)
	serveEntity(c, groupSpec, "groups", s.groupJSON(g, isTeam))
}

func (s *Server) listGroupMembers(c *graphCall) { s.listGroupUsers(c, "members") }
func (s *Server) listGroupOwners(c *graphCall)  { s.listGroupUsers(c, "owners") }

func (s *Server) listGroupUsers(c *graphCall, relation string) {
	_, members, owners, ok := s.groupMembership(c.params["group"])
	if !ok {
		c.fail(groupNotFound(c.params["group"]))
		return
	}
	ids := members
	if relation == "owners" {
		ids = owners
	}
	items := make([]map[string]any, 0, len(ids))
	for _, id := range ids {
		if u, ok := s.tenant.User(id); ok {
			item := userJSON(u)
			item["@odata.type"] = "#microsoft.graph.user"
			items = append(items, item)
		}
	}
	s.serveCollection(c, directoryMemberSpec, "directoryObjects", items)
}

// Joined teams.

// joinedTeamSpec: joinedTeams returns only id, displayName, description,
// isArchived and tenantId (the rest null) and supports no query options
// besides $select.
var joinedTeamSpec = &resourceSpec{
	entityType: teamSpec.entityType, resourceName: teamSpec.resourceName, properties: teamSpec.properties,
}

func (s *Server) listJoinedTeams(c *graphCall) {
	u, ok := s.targetUser(c, errMeNeedsDelegation)
	if !ok {
		return
	}
	var items []map[string]any
	for _, tm := range s.tenant.Teams() {
		members, _ := s.tenant.TeamMembers(tm.ID)
		if !slices.ContainsFunc(members, func(m TeamMember) bool { return m.UserID == u.ID }) {
			continue
		}
		full := s.teamJSON(tm)
		item := map[string]any{}
		for _, p := range teamSpec.properties {
			item[p] = nil
		}
		for _, p := range []string{"id", "displayName", "description", "isArchived", "tenantId"} {
			item[p] = full[p]
		}
		items = append(items, item)
	}
	s.serveCollection(c, joinedTeamSpec, "teams", items)
}

// readBody reads a request body of at most 1 MiB, gunzipping it when the
// client compressed it (Content-Encoding: gzip), as the Graph SDKs'
// compression middleware does and Graph accepts.
func readBody(r *http.Request) ([]byte, error) {
	body := io.Reader(r.Body)
	if strings.EqualFold(r.Header.Get("Content-Encoding"), "gzip") {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			return nil, err
		}
		defer zr.Close()
		body = zr
	}
	return io.ReadAll(io.LimitReader(body, 1<<20))
}
