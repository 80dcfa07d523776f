package graphtest

import (
	"fmt"
	"net/http"
	"sync"
	"time"
)

// The JSON of each resource is written from Graph's v1.0 documentation, not
// from any client's types: a full entity carries every property, and the
// query engine projects it.

var userSpec = &resourceSpec{
	entityType:   "microsoft.graph.user",
	resourceName: "User",
	properties: []string{
		"id", "businessPhones", "displayName", "givenName", "surname", "jobTitle", "mail", "mobilePhone",
		"officeLocation", "preferredLanguage", "userPrincipalName", "accountEnabled", "createdDateTime",
		"city", "country", "department", "usageLocation", "userType",
	},
	// Graph's default property set for users.
	defaultSelect: []string{
		"businessPhones", "displayName", "givenName", "id", "jobTitle", "mail", "mobilePhone",
		"officeLocation", "preferredLanguage", "surname", "userPrincipalName",
	},
	filter: map[string][]string{
		"id":                {"eq", "ne", "in"},
		"displayName":       {"eq", "ne", "in", "startswith", "endswith"},
		"givenName":         {"eq", "ne", "in", "startswith", "endswith"},
		"surname":           {"eq", "ne", "in", "startswith", "endswith"},
		"mail":              {"eq", "ne", "in", "startswith", "endswith"},
		"userPrincipalName": {"eq", "ne", "in", "startswith", "endswith"},
		"jobTitle":          {"eq", "ne", "in", "startswith", "endswith"},
		"department":        {"eq", "ne", "in", "startswith", "endswith"},
		"officeLocation":    {"eq", "ne", "in"},
		"city":              {"eq", "ne", "in"},
		"country":           {"eq", "ne", "in"},
		"usageLocation":     {"eq", "ne", "in"},
		"userType":          {"eq", "ne", "in"},
		"accountEnabled":    {"eq", "ne", "in"},
		"preferredLanguage": {"eq", "ne", "in"},
		"createdDateTime":   {"ge", "le", "gt", "lt"},
	},
	advancedOps:        map[string]bool{"ne": true, "not": true, "endswith": true},
	notAllowed:         true,
	orderBy:            map[string]bool{"displayName": true, "userPrincipalName": true},
	descNeedsEventual:  true,
	countNeedsEventual: true,
	defaultPage:        100,
	maxPage:            999,
	directoryErrors:    true,
}

var teamSpec = &resourceSpec{
	entityType:   "microsoft.graph.team",
	resourceName: "Team",
	properties: []string{
		"id", "createdDateTime", "displayName", "description", "internalId", "classification", "specialization",
		"visibility", "webUrl", "isArchived", "tenantId", "memberSettings", "guestSettings", "messagingSettings",
		"funSettings", "summary",
	},
	filter: map[string][]string{
		"displayName": {"eq", "startswith"},
		"visibility":  {"eq"},
		"isArchived":  {"eq"},
		"id":          {"eq"},
	},
	defaultPage: 100,
	maxPage:     999,
}

var channelSpec = &resourceSpec{
	entityType:   "microsoft.graph.channel",
	resourceName: "Channel",
	properties: []string{
		"id", "createdDateTime", "displayName", "description", "isFavoriteByDefault", "email", "webUrl",
		"membershipType", "tenantId", "isArchived",
	},
	filter: map[string][]string{
		"displayName":    {"eq", "startswith"},
		"membershipType": {"eq"},
	},
}

// nullable renders an unset string as JSON null, as Graph does.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func graphTime(t time.Time) string { return t.UTC().Format(time.RFC3339) }

func userJSON(u User) map[string]any {
	return map[string]any{
		"id":                u.ID,
		"businessPhones":    append([]string{}, u.BusinessPhones...),
		"displayName":       nullable(u.DisplayName),
		"givenName":         nullable(u.GivenName),
		"surname":           nullable(u.Surname),
		"jobTitle":          nullable(u.JobTitle),
		"mail":              nullable(u.Mail),
		"mobilePhone":       nullable(u.MobilePhone),
		"officeLocation":    nullable(u.OfficeLocation),
		"preferredLanguage": nullable(u.PreferredLanguage),
		"userPrincipalName": u.UserPrincipalName,
		"accountEnabled":    u.AccountEnabled,
		"createdDateTime":   graphTime(u.CreatedDateTime),
		"city":              nullable(u.City),
		"country":           nullable(u.Country),
		"department":        nullable(u.Department),
		"usageLocation":     nullable(u.UsageLocation),
		"userType":          u.UserType,
	}
}

func (s *Server) teamJSON(tm Team) map[string]any {
	owners, members, guests := s.tenant.teamSummary(tm.ID)
	ms, gs, msg, fun := tm.MemberSettings, tm.GuestSettings, tm.MessagingSettings, tm.FunSettings
	return map[string]any{
		"id":              tm.ID,
		"createdDateTime": graphTime(tm.CreatedDateTime),
		"displayName":     tm.DisplayName,
		"description":     nullable(tm.Description),
		"internalId":      tm.InternalID,
		"classification":  nullable(tm.Classification),
		"specialization":  tm.Specialization,
		"visibility":      tm.Visibility,
		"webUrl":          tm.WebURL,
		"isArchived":      tm.IsArchived,
		"tenantId":        s.tenant.ID(),
		"memberSettings": map[string]any{
			"allowCreateUpdateChannels":         ms.AllowCreateUpdateChannels,
			"allowCreatePrivateChannels":        ms.AllowCreatePrivateChannels,
			"allowDeleteChannels":               ms.AllowDeleteChannels,
			"allowAddRemoveApps":                ms.AllowAddRemoveApps,
			"allowCreateUpdateRemoveTabs":       ms.AllowCreateUpdateRemoveTabs,
			"allowCreateUpdateRemoveConnectors": ms.AllowCreateUpdateRemoveConnectors,
		},
		"guestSettings": map[string]any{
			"allowCreateUpdateChannels": gs.AllowCreateUpdateChannels,
			"allowDeleteChannels":       gs.AllowDeleteChannels,
		},
		"messagingSettings": map[string]any{
			"allowUserEditMessages":    msg.AllowUserEditMessages,
			"allowUserDeleteMessages":  msg.AllowUserDeleteMessages,
			"allowOwnerDeleteMessages": msg.AllowOwnerDeleteMessages,
			"allowTeamMentions":        msg.AllowTeamMentions,
			"allowChannelMentions":     msg.AllowChannelMentions,
		},
		"funSettings": map[string]any{
			"allowGiphy":            fun.AllowGiphy,
			"giphyContentRating":    fun.GiphyContentRating,
			"allowStickersAndMemes": fun.AllowStickersAndMemes,
			"allowCustomMemes":      fun.AllowCustomMemes,
		},
		"summary": map[string]any{
			"ownersCount":  owners,
			"membersCount": members,
			"guestsCount":  guests,
		},
	}
}

func (s *Server) channelJSON(ch Channel) map[string]any {
	return map[string]any{
		"id":                  ch.ID,
		"createdDateTime":     graphTime(ch.CreatedDateTime),
		"displayName":         ch.DisplayName,
		"description":         nullable(ch.Description),
		"isFavoriteByDefault": ch.IsFavoriteByDefault,
		"email":               nullable(ch.Email),
		"webUrl":              ch.WebURL,
		"membershipType":      ch.MembershipType,
		"tenantId":            s.tenant.ID(),
		"isArchived":          ch.IsArchived,
	}
}

func (s *Server) listTeams(c *graphCall) {
	items := s.rendered("teams", func() []map[string]any {
		teams := s.tenant.Teams()
		items := make([]map[string]any, len(teams))
		for i, tm := range teams {
			items[i] = s.teamJSON(tm)
		}
		return items
	})
	s.serveCollection(c, teamSpec, "teams", items)
}

func teamNotFound(id string) *graphError {
	return &graphError{status: http.StatusNotFound, code: "NotFound", message: fmt.Sprintf("No team found with Group Id %s", id)}
}

func (s *Server) getTeam(c *graphCall) {
	tm, ok := s.tenant.Team(c.params["team"])
	if !ok {
		c.fail(teamNotFound(c.params["team"]))
		return
	}
	serveEntity(c, teamSpec, "teams", s.teamJSON(tm))
}

func (s *Server) listChannels(c *graphCall) {
	teamID := c.params["team"]
	channels, ok := s.tenant.Channels(teamID)
	if !ok {
		c.fail(teamNotFound(teamID))
		return
	}
	items := make([]map[string]any, len(channels))
	for i, ch := range channels {
		items[i] = s.channelJSON(ch)
	}
	s.serveCollection(c, channelSpec, fmt.Sprintf("teams('%s')/channels", teamID), items)
}

func (s *Server) getChannel(c *graphCall) {
	teamID, channelID := c.params["team"], c.params["channel"]
	channels, ok := s.tenant.Channels(teamID)
	if !ok {
		c.fail(teamNotFound(teamID))
		return
	}
	for _, ch := range channels {
		if ch.ID == channelID {
			serveEntity(c, channelSpec, fmt.Sprintf("teams('%s')/channels", teamID), s.channelJSON(ch))
			return
		}
	}
	c.fail(&graphError{status: http.StatusNotFound, code: "NotFound", message: fmt.Sprintf("Channel '%s' was not found in team '%s'.", channelID, teamID)})
}

func (s *Server) listUsers(c *graphCall) {
	items := s.rendered("users", func() []map[string]any {
		users := s.tenant.Users()
		items := make([]map[string]any, len(users))
		for i, u := range users {
			items[i] = userJSON(u)
		}
		return items
	})
	s.serveCollection(c, userSpec, "users", items)
}

// renderCache keeps the JSON objects of large collections between requests,
// so that paging through thousands of users does not re-render them all for
// every page. Entries are dropped when the tenant changes. The cached objects
// are shared and must be treated as read-only.
type renderCache struct {
	mu      sync.Mutex
	version uint64
	lists   map[string][]map[string]any
}

func (s *Server) rendered(key string, render func() []map[string]any) []map[string]any {
	version := s.tenant.changeCount()
	s.cache.mu.Lock()
	if s.cache.version != version || s.cache.lists == nil {
		s.cache.version, s.cache.lists = version, map[string][]map[string]any{}
	}
	items, ok := s.cache.lists[key]
	s.cache.mu.Unlock()
	if ok {
		return items
	}
	items = render()
	s.cache.mu.Lock()
	if s.cache.version == version {
		s.cache.lists[key] = items
	}
	s.cache.mu.Unlock()
	return items
}

func userNotFound(id string) *graphError {
	return &graphError{status: http.StatusNotFound, code: "Request_ResourceNotFound",
		message: fmt.Sprintf("Resource '%s' does not exist or one of its queried reference-property objects are not present.", id)}
}

func (s *Server) getUser(c *graphCall) {
	u, ok := s.tenant.User(c.params["user"])
	if !ok {
		c.fail(userNotFound(c.params["user"]))
		return
	}
	serveEntity(c, userSpec, "users", userJSON(u))
}

func (s *Server) getMe(c *graphCall) {
	u, ok := s.targetUser(c, errMeNeedsDelegation)
	if !ok {
		return
	}
	serveEntity(c, userSpec, "users", userJSON(u))
}

// errMeNeedsDelegation is Graph's answer to /me with an app-only token.
var errMeNeedsDelegation = badRequest("/me request is only valid with delegated authentication flow.")

// targetUser resolves the {user} of /users/{user}/... or, for /me/...,
// the signed-in user; an app-only token on /me gets appOnly. It answers
// the error itself and reports false when there is no such user.
func (s *Server) targetUser(c *graphCall, appOnly *graphError) (User, bool) {
	userID := c.params["user"]
	if userID == "" {
		if !c.token.delegated() {
			c.fail(appOnly)
			return User{}, false
		}
		userID = c.token.userID
	}
	u, ok := s.tenant.User(userID)
	if !ok {
		c.fail(userNotFound(userID))
	}
	return u, ok
}
