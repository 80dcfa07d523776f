package graphtest

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// Epoch is the fixed instant every generated date is derived from, so that the
// demo tenant is identical on every run.
var Epoch = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// Team roles accepted by AddTeamMember, as Graph spells them in
// conversationMember.roles. A member without a role is an ordinary member.
const (
	RoleOwner = "owner"
	RoleGuest = "guest"
)

// User mirrors the Graph user resource. Empty strings are rendered as JSON
// null, which is how Graph reports properties that were never set.
type User struct {
	ID                string    // id (GUID); derived from UserPrincipalName when empty
	DisplayName       string    // displayName
	GivenName         string    // givenName
	Surname           string    // surname
	Mail              string    // mail
	UserPrincipalName string    // userPrincipalName
	JobTitle          string    // jobTitle
	Department        string    // department
	OfficeLocation    string    // officeLocation
	MobilePhone       string    // mobilePhone
	BusinessPhones    []string  // businessPhones (always an array, possibly empty)
	PreferredLanguage string    // preferredLanguage, e.g. "en-US"
	AccountEnabled    bool      // accountEnabled
	CreatedDateTime   time.Time // createdDateTime; Epoch when zero
	City              string    // city
	Country           string    // country
	UsageLocation     string    // usageLocation, e.g. "US"
	UserType          string    // userType: "Member" (default) or "Guest"
}

// Team mirrors the Graph team resource. The summary property is not stored:
// it is computed from the team's members.
type Team struct {
	ID                string            // id (the group's GUID); derived from DisplayName when empty
	DisplayName       string            // displayName
	Description       string            // description
	InternalID        string            // internalId, "19:...@thread.tacv2"; derived when empty
	Classification    string            // classification
	Specialization    string            // specialization; "none" when empty
	Visibility        string            // visibility: "public" or "private"; "public" when empty
	WebURL            string            // webUrl; derived when empty
	IsArchived        bool              // isArchived
	CreatedDateTime   time.Time         // createdDateTime; Epoch when zero
	MemberSettings    MemberSettings    // memberSettings
	GuestSettings     GuestSettings     // guestSettings
	MessagingSettings MessagingSettings // messagingSettings
	FunSettings       FunSettings       // funSettings
}

// MemberSettings mirrors Graph's teamMemberSettings.
type MemberSettings struct {
	AllowCreateUpdateChannels         bool
	AllowCreatePrivateChannels        bool
	AllowDeleteChannels               bool
	AllowAddRemoveApps                bool
	AllowCreateUpdateRemoveTabs       bool
	AllowCreateUpdateRemoveConnectors bool
}

// GuestSettings mirrors Graph's teamGuestSettings.
type GuestSettings struct {
	AllowCreateUpdateChannels bool
	AllowDeleteChannels       bool
}

// MessagingSettings mirrors Graph's teamMessagingSettings.
type MessagingSettings struct {
	AllowUserEditMessages    bool
	AllowUserDeleteMessages  bool
	AllowOwnerDeleteMessages bool
	AllowTeamMentions        bool
	AllowChannelMentions     bool
}

// FunSettings mirrors Graph's teamFunSettings.
type FunSettings struct {
	AllowGiphy            bool
	GiphyContentRating    string // "moderate" or "strict"; "moderate" when empty
	AllowStickersAndMemes bool
	AllowCustomMemes      bool
}

// DefaultTeamSettings are the settings a team created in the Teams client gets.
func DefaultTeamSettings() (MemberSettings, GuestSettings, MessagingSettings, FunSettings) {
	return MemberSettings{
			AllowCreateUpdateChannels: true, AllowCreatePrivateChannels: true, AllowDeleteChannels: true,
			AllowAddRemoveApps: true, AllowCreateUpdateRemoveTabs: true, AllowCreateUpdateRemoveConnectors: true,
		},
		GuestSettings{},
		MessagingSettings{
			AllowUserEditMessages: true, AllowUserDeleteMessages: true, AllowOwnerDeleteMessages: true,
			AllowTeamMentions: true, AllowChannelMentions: true,
		},
		FunSettings{AllowGiphy: true, GiphyContentRating: "moderate", AllowStickersAndMemes: true, AllowCustomMemes: true}
}

// Channel mirrors the Graph channel resource.
type Channel struct {
	ID                  string    // id, "19:...@thread.tacv2"; derived from the team and DisplayName when empty
	DisplayName         string    // displayName
	Description         string    // description
	Email               string    // email; derived for standard channels when empty
	WebURL              string    // webUrl; derived when empty
	MembershipType      string    // membershipType: "standard" (default), "private" or "shared"
	IsFavoriteByDefault bool      // isFavoriteByDefault
	IsArchived          bool      // isArchived
	CreatedDateTime     time.Time // createdDateTime; the team's when zero
}

// TeamMember is one user's membership of a team.
type TeamMember struct {
	UserID string
	Roles  []string // empty for ordinary members; RoleOwner and/or RoleGuest
}

type teamRecord struct {
	team     Team
	channels []Channel
	members  []TeamMember
}

// Tenant is the directory and Teams data an emulator serves. Build it with
// NewTenant and the Add methods, or take DemoTenant. It is safe for
// concurrent use: the server reads it while tests may still add data.
// Collections are returned in insertion order, which is the order the
// emulator documents for its responses.
type Tenant struct {
	id     string
	domain string

	mu        sync.RWMutex
	version   uint64 // incremented by every change, so servers can cache rendered JSON
	users     []User
	userIndex map[string]int // lower-case id and userPrincipalName -> index in users
	teams     []*teamRecord
	teamIndex map[string]*teamRecord // lower-case id -> team

	content       *teamsContent // messages, chats, apps, groups, ...; nil until first used
	contentShared bool          // content is shared with other tenants (the demo's) and must be copied before a change
}

// NewTenant returns an empty tenant. An empty id is derived from the domain.
func NewTenant(id, domain string) *Tenant {
	if id == "" {
		id = StableGUID("tenant", domain)
	}
	return &Tenant{id: id, domain: domain, userIndex: map[string]int{}, teamIndex: map[string]*teamRecord{}}
}

// ID is the tenant's GUID.
func (t *Tenant) ID() string { return t.id }

// Domain is the tenant's initial domain, e.g. "contoso.onmicrosoft.com".
func (t *Tenant) Domain() string { return t.domain }

// AddUser stores a user and returns it with its defaults filled in. A user
// whose id is already present replaces the earlier one in place.
func (t *Tenant) AddUser(u User) User {
	u = withUserDefaults(u)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.version++
	if i, ok := t.userIndex[strings.ToLower(u.ID)]; ok {
		delete(t.userIndex, strings.ToLower(t.users[i].UserPrincipalName))
		t.users[i] = u
	} else {
		t.users = append(t.users, u)
		i = len(t.users) - 1
		t.userIndex[strings.ToLower(u.ID)] = i
	}
	t.userIndex[strings.ToLower(u.UserPrincipalName)] = t.userIndex[strings.ToLower(u.ID)]
	return u
}

func withUserDefaults(u User) User {
	if u.ID == "" {
		u.ID = StableGUID("user", strings.ToLower(u.UserPrincipalName))
	}
	if u.CreatedDateTime.IsZero() {
		u.CreatedDateTime = Epoch
	}
	if u.UserType == "" {
		u.UserType = "Member"
	}
	if u.BusinessPhones == nil {
		u.BusinessPhones = []string{}
	}
	u.BusinessPhones = append([]string(nil), u.BusinessPhones...)
	return u
}

// AddTeam stores a team and returns it with its defaults filled in. A team
// whose id is already present replaces the earlier one, keeping its channels
// and members.
func (t *Tenant) AddTeam(tm Team) Team {
	tm = t.withTeamDefaults(tm)
	t.mu.Lock()
	defer t.mu.Unlock()
	t.version++
	if rec, ok := t.teamIndex[strings.ToLower(tm.ID)]; ok {
		rec.team = tm
		return tm
	}
	rec := &teamRecord{team: tm}
	t.teams = append(t.teams, rec)
	t.teamIndex[strings.ToLower(tm.ID)] = rec
	return tm
}

func (t *Tenant) withTeamDefaults(tm Team) Team {
	if tm.ID == "" {
		tm.ID = StableGUID("team", tm.DisplayName)
	}
	if tm.InternalID == "" {
		tm.InternalID = ThreadID("team", tm.ID)
	}
	if tm.Visibility == "" {
		tm.Visibility = "public"
	}
	if tm.Specialization == "" {
		tm.Specialization = "none"
	}
	if tm.FunSettings.GiphyContentRating == "" {
		tm.FunSettings.GiphyContentRating = "moderate"
	}
	if tm.CreatedDateTime.IsZero() {
		tm.CreatedDateTime = Epoch
	}
	if tm.WebURL == "" {
		tm.WebURL = fmt.Sprintf("https://teams.microsoft.com/l/team/%s/conversations?groupId=%s&tenantId=%s",
			escapeThreadID(tm.InternalID), tm.ID, t.id)
	}
	return tm
}

// AddChannel stores a channel of an existing team and returns it with its
// defaults filled in.
func (t *Tenant) AddChannel(teamID string, c Channel) (Channel, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.version++
	rec, ok := t.teamIndex[strings.ToLower(teamID)]
	if !ok {
		return Channel{}, fmt.Errorf("graphtest: no team with id %q", teamID)
	}
	c = t.withChannelDefaults(rec, c)
	for i := range rec.channels {
		if strings.EqualFold(rec.channels[i].ID, c.ID) {
			rec.channels[i] = c
			return c, nil
		}
	}
	rec.channels = append(rec.channels, c)
	return c, nil
}

func (t *Tenant) withChannelDefaults(rec *teamRecord, c Channel) Channel {
	if c.MembershipType == "" {
		c.MembershipType = "standard"
	}
	if c.ID == "" {
		c.ID = ThreadID("channel", rec.team.ID+"/"+c.DisplayName)
		if c.DisplayName == "General" {
			c.ID = rec.team.InternalID // Teams uses the General channel's thread as the team's internalId
		}
	}
	if c.CreatedDateTime.IsZero() {
		c.CreatedDateTime = rec.team.CreatedDateTime
	}
	if c.Email == "" && c.MembershipType == "standard" {
		c.Email = fmt.Sprintf("%s.%s@emea.teams.ms", StableGUID("channel-mail", c.ID)[:8], t.domain)
	}
	if c.WebURL == "" {
		c.WebURL = fmt.Sprintf("https://teams.microsoft.com/l/channel/%s/%s?groupId=%s&tenantId=%s",
			escapeThreadID(c.ID), strings.ReplaceAll(c.DisplayName, " ", "%20"), rec.team.ID, t.id)
	}
	return c
}

// AddTeamMember records that a user belongs to a team with the given roles
// (none for an ordinary member, RoleOwner for an owner). Adding an existing
// member again replaces their roles.
func (t *Tenant) AddTeamMember(teamID, userID string, roles ...string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.version++
	rec, ok := t.teamIndex[strings.ToLower(teamID)]
	if !ok {
		return fmt.Errorf("graphtest: no team with id %q", teamID)
	}
	i, ok := t.userIndex[strings.ToLower(userID)]
	if !ok {
		return fmt.Errorf("graphtest: no user with id %q", userID)
	}
	member := TeamMember{UserID: t.users[i].ID, Roles: append([]string{}, roles...)}
	for j := range rec.members {
		if rec.members[j].UserID == member.UserID {
			rec.members[j] = member
			return nil
		}
	}
	rec.members = append(rec.members, member)
	return nil
}

// Users returns a copy of every user, in insertion order.
func (t *Tenant) Users() []User {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return append([]User(nil), t.users...)
}

// User finds a user by id or userPrincipalName (case-insensitive).
func (t *Tenant) User(idOrUPN string) (User, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	i, ok := t.userIndex[strings.ToLower(idOrUPN)]
	if !ok {
		return User{}, false
	}
	return t.users[i], true
}

// Teams returns a copy of every team, in insertion order.
func (t *Tenant) Teams() []Team {
	t.mu.RLock()
	defer t.mu.RUnlock()
	teams := make([]Team, len(t.teams))
	for i, rec := range t.teams {
		teams[i] = rec.team
	}
	return teams
}

// Team finds a team by id (case-insensitive).
func (t *Tenant) Team(id string) (Team, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	rec, ok := t.teamIndex[strings.ToLower(id)]
	if !ok {
		return Team{}, false
	}
	return rec.team, true
}

// Channels returns a copy of a team's channels in insertion order; false when
// the team does not exist.
func (t *Tenant) Channels(teamID string) ([]Channel, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	rec, ok := t.teamIndex[strings.ToLower(teamID)]
	if !ok {
		return nil, false
	}
	return append([]Channel(nil), rec.channels...), true
}

// TeamMembers returns a copy of a team's members in insertion order; false
// when the team does not exist.
func (t *Tenant) TeamMembers(teamID string) ([]TeamMember, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	rec, ok := t.teamIndex[strings.ToLower(teamID)]
	if !ok {
		return nil, false
	}
	members := make([]TeamMember, len(rec.members))
	for i, m := range rec.members {
		members[i] = TeamMember{UserID: m.UserID, Roles: append([]string{}, m.Roles...)}
	}
	return members, true
}

// teamSummary counts a team's owners, members and guests the way Graph's
// teamSummary does: an owner is counted only as an owner, a guest only as a
// guest.
func (t *Tenant) teamSummary(teamID string) (owners, members, guests int) {
	list, _ := t.TeamMembers(teamID)
	for _, m := range list {
		u, _ := t.User(m.UserID)
		switch {
		case hasRole(m.Roles, RoleOwner):
			owners++
		case hasRole(m.Roles, RoleGuest) || u.UserType == "Guest":
			guests++
		default:
			members++
		}
	}
	return owners, members, guests
}

func hasRole(roles []string, role string) bool {
	for _, r := range roles {
		if strings.EqualFold(r, role) {
			return true
		}
	}
	return false
}

// changeCount is the tenant's version: it grows whenever data changes.
func (t *Tenant) changeCount() uint64 {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return t.version
}
