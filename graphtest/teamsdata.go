package graphtest

import (
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Message mirrors Graph's chatMessage, for channel messages, their replies
// and chat messages. Zero times and empty strings are served as JSON null.
type Message struct {
	ID                   string       // id; Teams uses the creation time in Unix milliseconds, which is the default
	ReplyToID            string       // replyToId; set by AddReply
	MessageType          string       // messageType: "message" (default), "systemEventMessage", ...
	CreatedDateTime      time.Time    // createdDateTime; Epoch when zero
	LastModifiedDateTime time.Time    // lastModifiedDateTime; CreatedDateTime when zero
	LastEditedDateTime   time.Time    // lastEditedDateTime
	DeletedDateTime      time.Time    // deletedDateTime
	Subject              string       // subject (channel root messages)
	Summary              string       // summary
	Importance           string       // importance: "normal" (default), "high", "urgent"
	Locale               string       // locale; "en-us" when empty
	FromUserID           string       // from.user.id; displayName comes from the tenant's user
	FromApplication      *AppIdentity // from.application, for bots and connectors
	BodyContentType      string       // body.contentType: "html" (default) or "text"
	BodyContent          string       // body.content
	Attachments          []Attachment
	Mentions             []Mention
	Reactions            []Reaction
	// EventDetail is a system event's eventDetail, including its
	// "@odata.type"; system events have no sender.
	EventDetail map[string]any
}

// AppIdentity is an application sender (identity of an app or bot).
type AppIdentity struct {
	ID          string
	DisplayName string
}

// Attachment mirrors chatMessageAttachment. Cards carry Content as a JSON
// string, as Graph does.
type Attachment struct {
	ID           string // id; derived when empty
	ContentType  string // "reference" (files), "application/vnd.microsoft.card.adaptive", "messageReference", ...
	ContentURL   string
	Content      string
	Name         string
	ThumbnailURL string
	TeamsAppID   string
}

// Mention mirrors chatMessageMention of a user.
type Mention struct {
	ID          int    // id, the index used by <at id="N"> in the body
	MentionText string // mentionText
	UserID      string // mentioned.user.id
}

// Reaction mirrors chatMessageReaction.
type Reaction struct {
	ReactionType    string // "like", "heart", "laugh", "surprised", "sad", "angry", or an emoji
	CreatedDateTime time.Time
	UserID          string
}

// Chat mirrors Graph's chat resource.
type Chat struct {
	ID                  string    // id; derived from the type and members when empty
	Topic               string    // topic (null for oneOnOne chats)
	ChatType            string    // chatType: "oneOnOne", "group" (default) or "meeting"
	CreatedDateTime     time.Time // createdDateTime; Epoch when zero
	LastUpdatedDateTime time.Time // lastUpdatedDateTime; CreatedDateTime when zero, later bumped by messages
	WebURL              string    // webUrl; derived when empty
	MemberIDs           []string  // user ids of the members (the first is the creator)
}

// Presence mirrors Graph's presence resource.
type Presence struct {
	Availability  string // Available, Busy, Away, BeRightBack, DoNotDisturb, Offline, PresenceUnknown
	Activity      string // Available, InACall, InAMeeting, Presenting, Away, Offline, ...
	StatusMessage string // statusMessage.message.content; "" = no status message
}

// TeamsApp is an app in the tenant's catalog with one published definition.
type TeamsApp struct {
	ID                   string    // id; derived from ExternalID or DisplayName when empty
	ExternalID           string    // externalId (the manifest id); null for store apps
	DisplayName          string    // displayName
	DistributionMethod   string    // distributionMethod: "store" (default), "organization", "sideloaded"
	Description          string    // the definition's description
	ShortDescription     string    // the definition's shortDescription
	Version              string    // the definition's version; "1.0.0" when empty
	LastModifiedDateTime time.Time // the definition's lastModifiedDateTime; Epoch when zero
}

// TeamsTab mirrors teamsTab.
type TeamsTab struct {
	ID          string // id; derived when empty
	DisplayName string
	TeamsAppID  string // the app it shows (its catalog id)
	EntityID    string // configuration.entityId
	ContentURL  string // configuration.contentUrl
	WebsiteURL  string // configuration.websiteUrl
	WebURL      string // webUrl; derived when empty
}

// Group mirrors the directory group resource. Every team is also served as a
// group; AddGroup adds groups without a team.
type Group struct {
	ID              string    // id; derived from DisplayName when empty
	DisplayName     string    // displayName
	Description     string    // description
	MailNickname    string    // mailNickname; derived from DisplayName when empty
	Mail            string    // mail; derived for Microsoft 365 groups when empty
	MailEnabled     bool      // mailEnabled
	SecurityEnabled bool      // securityEnabled
	GroupTypes      []string  // groupTypes, e.g. ["Unified"] for Microsoft 365 groups
	Visibility      string    // visibility: "Public", "Private" or "" (null)
	CreatedDateTime time.Time // createdDateTime; Epoch when zero
}

// channelThread is a root channel message with its replies, oldest first.
type channelThread struct {
	root    Message
	replies []Message
}

type chatRecord struct {
	chat     Chat
	messages []Message // oldest first
}

type groupRecord struct {
	group   Group
	members []string // user ids
	owners  []string
}

// teamsContent is the Teams data beyond users, teams and channels. The demo
// builds it once and every demo tenant shares it; a tenant copies it before
// its first change (ownContent). Slices held in it are never modified in
// place, only replaced, so the shared copy stays intact.
type teamsContent struct {
	threads        map[string][]channelThread // channelKey -> threads, oldest first
	channelMembers map[string][]TeamMember    // channelKey -> members of private/shared channels
	chats          []chatRecord
	chatIndex      map[string]int // lower-case chat id -> index in chats
	presence       map[string]Presence
	apps           []TeamsApp
	installed      map[string][]string // lower-case team id -> app ids
	tabs           map[string][]TeamsTab
	groups         []groupRecord
	groupIndex     map[string]int
}

func newTeamsContent() *teamsContent {
	return &teamsContent{
		threads: map[string][]channelThread{}, channelMembers: map[string][]TeamMember{},
		chatIndex: map[string]int{}, presence: map[string]Presence{}, installed: map[string][]string{},
		tabs: map[string][]TeamsTab{}, groupIndex: map[string]int{},
	}
}

// clone copies the maps and top-level slices, leaving shared values alone.
func (c *teamsContent) clone() *teamsContent {
	return &teamsContent{
		threads: maps.Clone(c.threads), channelMembers: maps.Clone(c.channelMembers),
		chats: slices.Clone(c.chats), chatIndex: maps.Clone(c.chatIndex), presence: maps.Clone(c.presence),
		apps: slices.Clone(c.apps), installed: maps.Clone(c.installed), tabs: maps.Clone(c.tabs),
		groups: slices.Clone(c.groups), groupIndex: maps.Clone(c.groupIndex),
	}
}

// ownContent makes the tenant's content its own before a change; the caller
// holds t.mu for writing.
func (t *Tenant) ownContent() *teamsContent {
	if t.content == nil {
		t.content = newTeamsContent()
	} else if t.contentShared {
		t.content = t.content.clone()
	}
	t.contentShared = false
	t.version++
	return t.content
}

// readContent returns the content for reading; the caller holds t.mu.
func (t *Tenant) readContent() *teamsContent {
	if t.content == nil {
		return newTeamsContent()
	}
	return t.content
}

func channelKey(teamID, channelID string) string {
	return strings.ToLower(teamID) + "/" + strings.ToLower(channelID)
}

// appendClipped appends without ever writing into a shared backing array.
func appendClipped[T any](list []T, v ...T) []T {
	return append(list[:len(list):len(list)], v...)
}

func (t *Tenant) findChannel(teamID, channelID string) (*teamRecord, Channel, error) {
	rec, ok := t.teamIndex[strings.ToLower(teamID)]
	if !ok {
		return nil, Channel{}, fmt.Errorf("graphtest: no team with id %q", teamID)
	}
	for _, ch := range rec.channels {
		if strings.EqualFold(ch.ID, channelID) {
			return rec, ch, nil
		}
	}
	return nil, Channel{}, fmt.Errorf("graphtest: no channel %q in team %q", channelID, teamID)
}

func withMessageDefaults(m Message) Message {
	if m.CreatedDateTime.IsZero() {
		m.CreatedDateTime = Epoch
	}
	if m.LastModifiedDateTime.IsZero() {
		m.LastModifiedDateTime = m.CreatedDateTime
		if m.LastEditedDateTime.After(m.LastModifiedDateTime) {
			m.LastModifiedDateTime = m.LastEditedDateTime
		}
	}
	if m.ID == "" {
		m.ID = strconv.FormatInt(m.CreatedDateTime.UnixMilli(), 10)
	}
	if m.MessageType == "" {
		m.MessageType = "message"
	}
	if m.Importance == "" {
		m.Importance = "normal"
	}
	if m.Locale == "" {
		m.Locale = "en-us"
	}
	if m.BodyContentType == "" {
		m.BodyContentType = "html"
	}
	for i := range m.Attachments {
		if m.Attachments[i].ID == "" {
			m.Attachments[i].ID = StableGUID("attachment", m.ID+"/"+strconv.Itoa(i))
		}
	}
	m.Attachments = slices.Clone(m.Attachments)
	m.Mentions = slices.Clone(m.Mentions)
	m.Reactions = slices.Clone(m.Reactions)
	return m
}

// AddChannelMessage stores a root message in a channel and returns it with
// its defaults filled in. A message whose id is already present in the
// channel replaces it, keeping its replies.
func (t *Tenant) AddChannelMessage(teamID, channelID string, m Message) (Message, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, _, err := t.findChannel(teamID, channelID); err != nil {
		return Message{}, err
	}
	m = withMessageDefaults(m)
	m.ReplyToID = ""
	content := t.ownContent()
	key := channelKey(teamID, channelID)
	threads := content.threads[key]
	for i := range threads {
		if threads[i].root.ID == m.ID {
			threads = slices.Clone(threads)
			threads[i].root = m
			content.threads[key] = threads
			return m, nil
		}
	}
	content.threads[key] = appendClipped(threads, channelThread{root: m})
	return m, nil
}

// AddReply stores a reply to a channel's root message and returns it with
// its defaults filled in (replyToId is set to the root's id).
func (t *Tenant) AddReply(teamID, channelID, messageID string, reply Message) (Message, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, _, err := t.findChannel(teamID, channelID); err != nil {
		return Message{}, err
	}
	key := channelKey(teamID, channelID)
	for i, th := range t.readContent().threads[key] {
		if th.root.ID != messageID {
			continue
		}
		reply = withMessageDefaults(reply)
		reply.ReplyToID = th.root.ID
		content := t.ownContent()
		threads := slices.Clone(content.threads[key])
		threads[i].replies = appendClipped(threads[i].replies, reply)
		content.threads[key] = threads
		return reply, nil
	}
	return Message{}, fmt.Errorf("graphtest: no message %q in channel %q", messageID, channelID)
}

// AddChat stores a chat and returns it with its defaults filled in. Every
// member must be a user of the tenant. A chat whose id is already present
// replaces it, keeping its messages.
func (t *Tenant) AddChat(c Chat) (Chat, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	for _, id := range c.MemberIDs {
		if _, ok := t.userIndex[strings.ToLower(id)]; !ok {
			return Chat{}, fmt.Errorf("graphtest: chat member %q is not a user of the tenant", id)
		}
	}
	c = t.withChatDefaults(c)
	content := t.ownContent()
	if i, ok := content.chatIndex[strings.ToLower(c.ID)]; ok {
		content.chats[i].chat = c
		return c, nil
	}
	content.chats = appendClipped(content.chats, chatRecord{chat: c})
	content.chatIndex[strings.ToLower(c.ID)] = len(content.chats) - 1
	return c, nil
}

func (t *Tenant) withChatDefaults(c Chat) Chat {
	if c.ChatType == "" {
		c.ChatType = "group"
	}
	if c.CreatedDateTime.IsZero() {
		c.CreatedDateTime = Epoch
	}
	if c.LastUpdatedDateTime.IsZero() {
		c.LastUpdatedDateTime = c.CreatedDateTime
	}
	c.MemberIDs = slices.Clone(c.MemberIDs)
	if c.ID == "" {
		c.ID = chatIDFor(c)
	}
	if c.WebURL == "" {
		c.WebURL = fmt.Sprintf("https://teams.microsoft.com/l/chat/%s/0?tenantId=%s", escapeThreadID(c.ID), t.id)
	}
	return c
}

// chatIDFor derives ids in Teams' formats: one-on-one chats are named after
// their two members, meetings and group chats are threads.
func chatIDFor(c Chat) string {
	switch c.ChatType {
	case "oneOnOne":
		if len(c.MemberIDs) == 2 {
			return "19:" + c.MemberIDs[0] + "_" + c.MemberIDs[1] + "@unq.gbl.spaces"
		}
	case "meeting":
		hex := ThreadID("meeting", c.Topic+"/"+strings.Join(c.MemberIDs, ","))
		return "19:meeting_" + hex[3:3+32] + "@thread.v2"
	}
	return strings.TrimSuffix(ThreadID("chat", c.Topic+"/"+strings.Join(c.MemberIDs, ",")), ".tacv2") + ".v2"
}

// AddChatMessage stores a message in a chat and returns it with its defaults
// filled in; the chat's lastUpdatedDateTime follows its newest message.
func (t *Tenant) AddChatMessage(chatID string, m Message) (Message, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	i, ok := t.readContent().chatIndex[strings.ToLower(chatID)]
	if !ok {
		return Message{}, fmt.Errorf("graphtest: no chat with id %q", chatID)
	}
	m = withMessageDefaults(m)
	m.ReplyToID, m.Subject = "", ""
	content := t.ownContent()
	rec := &content.chats[i]
	for j := range rec.messages {
		if rec.messages[j].ID == m.ID {
			rec.messages = slices.Clone(rec.messages)
			rec.messages[j] = m
			return m, nil
		}
	}
	rec.messages = appendClipped(rec.messages, m)
	if m.LastModifiedDateTime.After(rec.chat.LastUpdatedDateTime) {
		rec.chat.LastUpdatedDateTime = m.LastModifiedDateTime
	}
	return m, nil
}

// AddChannelMember records a member of a private or shared channel (standard
// channels list their team's members). The user must exist.
func (t *Tenant) AddChannelMember(teamID, channelID, userID string, roles ...string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, _, err := t.findChannel(teamID, channelID); err != nil {
		return err
	}
	i, ok := t.userIndex[strings.ToLower(userID)]
	if !ok {
		return fmt.Errorf("graphtest: no user with id %q", userID)
	}
	member := TeamMember{UserID: t.users[i].ID, Roles: append([]string{}, roles...)}
	content := t.ownContent()
	key := channelKey(teamID, channelID)
	members := slices.Clone(content.channelMembers[key])
	if j := slices.IndexFunc(members, func(m TeamMember) bool { return m.UserID == member.UserID }); j >= 0 {
		members[j] = member
	} else {
		members = append(members, member)
	}
	content.channelMembers[key] = members
	return nil
}

// SetPresence sets a user's presence. Users without one are served a
// presence derived from their id.
func (t *Tenant) SetPresence(userID string, p Presence) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	i, ok := t.userIndex[strings.ToLower(userID)]
	if !ok {
		return fmt.Errorf("graphtest: no user with id %q", userID)
	}
	t.ownContent().presence[strings.ToLower(t.users[i].ID)] = p
	return nil
}

// AddApp adds an app to the tenant's app catalog and returns it with its
// defaults filled in.
func (t *Tenant) AddApp(a TeamsApp) TeamsApp {
	if a.DistributionMethod == "" {
		a.DistributionMethod = "store"
	}
	if a.ID == "" {
		name := a.ExternalID
		if name == "" {
			name = a.DisplayName
		}
		a.ID = StableGUID("teams-app", name)
	}
	if a.Version == "" {
		a.Version = "1.0.0"
	}
	if a.LastModifiedDateTime.IsZero() {
		a.LastModifiedDateTime = Epoch
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	content := t.ownContent()
	if i := slices.IndexFunc(content.apps, func(x TeamsApp) bool { return strings.EqualFold(x.ID, a.ID) }); i >= 0 {
		content.apps[i] = a
		return a
	}
	content.apps = appendClipped(content.apps, a)
	return a
}

func (t *Tenant) appByID(id string) (TeamsApp, bool) {
	for _, a := range t.readContent().apps {
		if strings.EqualFold(a.ID, id) {
			return a, true
		}
	}
	return TeamsApp{}, false
}

// InstallApp installs a catalog app in a team.
func (t *Tenant) InstallApp(teamID, appID string) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if _, ok := t.teamIndex[strings.ToLower(teamID)]; !ok {
		return fmt.Errorf("graphtest: no team with id %q", teamID)
	}
	if _, ok := t.appByID(appID); !ok {
		return fmt.Errorf("graphtest: no app with id %q in the catalog", appID)
	}
	content := t.ownContent()
	key := strings.ToLower(teamID)
	if !slices.ContainsFunc(content.installed[key], func(id string) bool { return strings.EqualFold(id, appID) }) {
		content.installed[key] = appendClipped(content.installed[key], appID)
	}
	return nil
}

// AddTab adds a tab to a channel and returns it with its defaults filled in.
// Its app must be in the catalog.
func (t *Tenant) AddTab(teamID, channelID string, tab TeamsTab) (TeamsTab, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	rec, ch, err := t.findChannel(teamID, channelID)
	if err != nil {
		return TeamsTab{}, err
	}
	if _, ok := t.appByID(tab.TeamsAppID); !ok {
		return TeamsTab{}, fmt.Errorf("graphtest: no app with id %q in the catalog", tab.TeamsAppID)
	}
	if tab.ID == "" {
		tab.ID = StableGUID("tab", ch.ID+"/"+tab.DisplayName)
	}
	if tab.WebURL == "" {
		tab.WebURL = fmt.Sprintf("https://teams.microsoft.com/l/entity/%s/_djb2_msteams_prefix_%s?webUrl=%s&label=%s&context=%%7B%%22channelId%%22%%3A%%22%s%%22%%7D&tenantId=%s",
			tab.TeamsAppID, tab.ID, escapeThreadID(tab.WebsiteURL), escapeThreadID(tab.DisplayName), escapeThreadID(ch.ID), t.id)
	}
	content := t.ownContent()
	key := channelKey(rec.team.ID, ch.ID)
	tabs := slices.Clone(content.tabs[key])
	if i := slices.IndexFunc(tabs, func(x TeamsTab) bool { return x.ID == tab.ID }); i >= 0 {
		tabs[i] = tab
	} else {
		tabs = append(tabs, tab)
	}
	content.tabs[key] = tabs
	return tab, nil
}

// AddGroup adds a directory group that is not a team and returns it with its
// defaults filled in. (Teams are served as groups on their own.)
func (t *Tenant) AddGroup(g Group) Group {
	if g.ID == "" {
		g.ID = StableGUID("group", g.DisplayName)
	}
	if g.MailNickname == "" {
		g.MailNickname = mailNickname(g.DisplayName)
	}
	if g.Mail == "" && g.MailEnabled {
		g.Mail = g.MailNickname + "@" + t.domain
	}
	if g.CreatedDateTime.IsZero() {
		g.CreatedDateTime = Epoch
	}
	g.GroupTypes = append([]string{}, g.GroupTypes...)
	t.mu.Lock()
	defer t.mu.Unlock()
	content := t.ownContent()
	if i, ok := content.groupIndex[strings.ToLower(g.ID)]; ok {
		content.groups[i].group = g
		return g
	}
	content.groups = appendClipped(content.groups, groupRecord{group: g})
	content.groupIndex[strings.ToLower(g.ID)] = len(content.groups) - 1
	return g
}

func mailNickname(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r < 128 && (r == '-' || r == '_' || r == '.' || ('a' <= r|32 && r|32 <= 'z') || ('0' <= r && r <= '9')) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// AddGroupMember adds a user to a group added with AddGroup, as a member or
// (owner true) an owner. Team groups take their members from the team.
func (t *Tenant) AddGroupMember(groupID, userID string, owner bool) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	i, ok := t.readContent().groupIndex[strings.ToLower(groupID)]
	if !ok {
		return fmt.Errorf("graphtest: no group with id %q (team groups take their members from the team)", groupID)
	}
	u, ok := t.userIndex[strings.ToLower(userID)]
	if !ok {
		return fmt.Errorf("graphtest: no user with id %q", userID)
	}
	id := t.users[u].ID
	content := t.ownContent()
	rec := &content.groups[i]
	list := &rec.members
	if owner {
		list = &rec.owners
	}
	if !slices.Contains(*list, id) {
		*list = appendClipped(*list, id)
	}
	return nil
}

// channelThreads returns a channel's threads, oldest first, and the channel;
// false when the team or channel does not exist.
func (t *Tenant) channelThreads(teamID, channelID string) ([]channelThread, Channel, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	_, ch, err := t.findChannel(teamID, channelID)
	if err != nil {
		return nil, Channel{}, false
	}
	return t.readContent().threads[channelKey(teamID, channelID)], ch, true
}

// chatList returns every chat, in insertion order.
func (t *Tenant) chatList() []chatRecord {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return slices.Clone(t.readContent().chats)
}

func (t *Tenant) chatByID(id string) (chatRecord, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	content := t.readContent()
	i, ok := content.chatIndex[strings.ToLower(id)]
	if !ok {
		return chatRecord{}, false
	}
	return content.chats[i], true
}

// channelMemberList returns a channel's members: its own for private and
// shared channels, the team's for standard ones.
func (t *Tenant) channelMemberList(teamID, channelID string) ([]TeamMember, bool) {
	t.mu.RLock()
	_, ch, err := t.findChannel(teamID, channelID)
	own := t.readContent().channelMembers[channelKey(teamID, channelID)]
	t.mu.RUnlock()
	if err != nil {
		return nil, false
	}
	if ch.MembershipType == "standard" {
		return t.TeamMembers(teamID)
	}
	return slices.Clone(own), true
}

func (t *Tenant) presenceOf(userID string) (Presence, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	p, ok := t.readContent().presence[strings.ToLower(userID)]
	return p, ok
}

func (t *Tenant) appCatalog() []TeamsApp {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return slices.Clone(t.readContent().apps)
}

// installedApps returns the apps installed in a team; false for an unknown team.
func (t *Tenant) installedApps(teamID string) ([]TeamsApp, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if _, ok := t.teamIndex[strings.ToLower(teamID)]; !ok {
		return nil, false
	}
	var apps []TeamsApp
	for _, id := range t.readContent().installed[strings.ToLower(teamID)] {
		if a, ok := t.appByID(id); ok {
			apps = append(apps, a)
		}
	}
	return apps, true
}

// channelTabs returns a channel's tabs with their apps; false for an unknown
// team or channel.
func (t *Tenant) channelTabs(teamID, channelID string) ([]TeamsTab, map[string]TeamsApp, bool) {
	t.mu.RLock()
	defer t.mu.RUnlock()
	if _, _, err := t.findChannel(teamID, channelID); err != nil {
		return nil, nil, false
	}
	tabs := t.readContent().tabs[channelKey(teamID, channelID)]
	apps := map[string]TeamsApp{}
	for _, tab := range tabs {
		if a, ok := t.appByID(tab.TeamsAppID); ok {
			apps[tab.TeamsAppID] = a
		}
	}
	return tabs, apps, true
}

// groupList returns the groups added with AddGroup (not the team groups).
func (t *Tenant) groupList() []groupRecord {
	t.mu.RLock()
	defer t.mu.RUnlock()
	return slices.Clone(t.readContent().groups)
}

// ChannelMessages returns a channel's root messages, each followed by its
// replies, for tests that check what the driver read.
func (t *Tenant) ChannelMessages(teamID, channelID string) []Message {
	threads, _, _ := t.channelThreads(teamID, channelID)
	var out []Message
	for _, th := range threads {
		out = append(out, th.root)
		out = append(out, th.replies...)
	}
	return out
}
