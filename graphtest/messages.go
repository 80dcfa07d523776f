package graphtest

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Channel messages, their replies, chats and chat messages, written from
// Graph's v1.0 reference (chatMessage, chat, "List channel messages", "List
// replies", "List messages in a chat", "List chats").

// defaultInlineReplies is how many replies Graph inlines per message with
// $expand=replies before it gives a replies@odata.nextLink.
const defaultInlineReplies = 1000

var messageProperties = []string{
	"id", "replyToId", "etag", "messageType", "createdDateTime", "lastModifiedDateTime", "lastEditedDateTime",
	"deletedDateTime", "subject", "summary", "chatId", "importance", "locale", "webUrl", "channelIdentity",
	"policyViolation", "eventDetail", "from", "body", "attachments", "mentions", "reactions", "messageHistory",
}

// channelMessageSpec: "List channel messages" supports $top (default 20,
// max 50) and $expand=replies; no other query option.
var channelMessageSpec = &resourceSpec{
	entityType:   "microsoft.graph.chatMessage",
	resourceName: "ChatMessage",
	properties:   messageProperties,
	expand:       map[string]bool{"replies": true},
	defaultPage:  20,
	maxPage:      50,
}

// replySpec: "List replies" supports $top up to 50.
var replySpec = &resourceSpec{
	entityType:   "microsoft.graph.chatMessage",
	resourceName: "ChatMessage",
	properties:   messageProperties,
	defaultPage:  50,
	maxPage:      50,
}

// chatMessageSpec: "List messages in a chat": $top up to 50; $orderby on
// lastModifiedDateTime (the default) or createdDateTime, descending only;
// $filter with gt/lt on lastModifiedDateTime or lt on createdDateTime, which
// only applies when $orderby names the same property and is otherwise
// ignored, as documented.
var chatMessageSpec = &resourceSpec{
	entityType:   "microsoft.graph.chatMessage",
	resourceName: "ChatMessage",
	properties:   messageProperties,
	filter: map[string][]string{
		"lastModifiedDateTime": {"gt", "lt"},
		"createdDateTime":      {"lt"},
	},
	orderBy:     map[string]bool{"lastModifiedDateTime": true, "createdDateTime": true},
	descOnly:    true,
	adjust:      chatMessageFilterRule,
	defaultPage: 50,
	maxPage:     50,
}

// chatMessageFilterRule rejects "or" (only date ranges are supported) and
// drops a filter whose property differs from the $orderby property.
func chatMessageFilterRule(q *collectionQuery) *graphError {
	if q.filter == nil {
		return nil
	}
	props, ok := andedProperties(q.filter)
	if !ok {
		return badRequest("Invalid filter clause: only a date range combined with 'and' is supported on chat messages.")
	}
	for _, p := range props {
		if p != q.orderBy {
			q.filter = nil // Graph ignores the filter unless $orderby is on the same property
			return nil
		}
	}
	return nil
}

// andedProperties lists the properties of comparisons joined by "and";
// false when the filter uses anything else.
func andedProperties(node filterNode) ([]string, bool) {
	switch n := node.(type) {
	case logicalNode:
		if n.op != "and" {
			return nil, false
		}
		left, okL := andedProperties(n.left)
		right, okR := andedProperties(n.right)
		return append(left, right...), okL && okR
	case compareNode:
		if p, ok := n.left.(propertyNode); ok {
			return []string{p.name}, true
		}
	}
	return nil, false
}

var chatProperties = []string{
	"id", "topic", "createdDateTime", "lastUpdatedDateTime", "chatType", "webUrl", "tenantId",
	"onlineMeetingInfo", "viewpoint", "isHiddenForAllMembers",
}

// chatSpec: "List chats": $top up to 50, $expand members and
// lastMessagePreview, $filter.
var chatSpec = &resourceSpec{
	entityType:   "microsoft.graph.chat",
	resourceName: "Chat",
	properties:   chatProperties,
	expand:       map[string]bool{"members": true, "lastMessagePreview": true},
	filter: map[string][]string{
		"topic":    {"eq", "startswith"},
		"chatType": {"eq"},
		"id":       {"eq"},
	},
	defaultPage: 50,
	maxPage:     50,
}

func (s *Server) userIdentity(userID string) map[string]any {
	var name any
	if u, ok := s.tenant.User(userID); ok {
		name = nullable(u.DisplayName)
	}
	return map[string]any{
		"@odata.type":      "#microsoft.graph.teamworkUserIdentity",
		"id":               userID,
		"displayName":      name,
		"userIdentityType": "aadUser",
		"tenantId":         s.tenant.ID(),
	}
}

// identitySet is Graph's chatMessageFromIdentitySet with one identity set.
func identitySet(kind string, identity map[string]any) map[string]any {
	set := map[string]any{"application": nil, "device": nil, "user": nil}
	set[kind] = identity
	return set
}

func (s *Server) messageFrom(m Message) any {
	switch {
	case m.FromUserID != "":
		return identitySet("user", s.userIdentity(m.FromUserID))
	case m.FromApplication != nil:
		return identitySet("application", map[string]any{
			"@odata.type": "#microsoft.graph.teamworkApplicationIdentity", "id": m.FromApplication.ID,
			"displayName": m.FromApplication.DisplayName, "applicationIdentityType": "bot",
		})
	}
	return nil // system events have no sender
}

// graphTimeMilli renders times as message times appear in Graph, with
// milliseconds.
func graphTimeMilli(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func nullableTimeMilli(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return graphTimeMilli(t)
}

// messageScope says where a message lives: a channel (team and channel ids)
// or a chat.
type messageScope struct {
	teamID, channelID, chatID string
}

func (s *Server) messageJSON(m Message, scope messageScope) map[string]any {
	item := map[string]any{
		"id":                   m.ID,
		"replyToId":            nullable(m.ReplyToID),
		"etag":                 strconv.FormatInt(m.LastModifiedDateTime.UnixMilli(), 10),
		"messageType":          m.MessageType,
		"createdDateTime":      graphTimeMilli(m.CreatedDateTime),
		"lastModifiedDateTime": graphTimeMilli(m.LastModifiedDateTime),
		"lastEditedDateTime":   nullableTimeMilli(m.LastEditedDateTime),
		"deletedDateTime":      nullableTimeMilli(m.DeletedDateTime),
		"subject":              nullable(m.Subject),
		"summary":              nullable(m.Summary),
		"chatId":               nil,
		"importance":           m.Importance,
		"locale":               m.Locale,
		"webUrl":               nil,
		"channelIdentity":      nil,
		"policyViolation":      nil,
		"eventDetail":          nil,
		"from":                 s.messageFrom(m),
		"body":                 map[string]any{"contentType": m.BodyContentType, "content": m.BodyContent},
		"attachments":          attachmentsJSON(m.Attachments),
		"mentions":             s.mentionsJSON(m.Mentions),
		"reactions":            s.reactionsJSON(m.Reactions),
		"messageHistory":       []any{},
	}
	if m.EventDetail != nil {
		item["eventDetail"] = m.EventDetail
	}
	if scope.chatID != "" {
		item["chatId"] = scope.chatID
	} else {
		item["channelIdentity"] = map[string]any{"teamId": scope.teamID, "channelId": scope.channelID}
		parent := m.ReplyToID
		if parent == "" {
			parent = m.ID
		}
		item["webUrl"] = fmt.Sprintf("https://teams.microsoft.com/l/message/%s/%s?groupId=%s&tenantId=%s&createdTime=%s&parentMessageId=%s",
			escapeThreadID(scope.channelID), m.ID, scope.teamID, s.tenant.ID(), strconv.FormatInt(m.CreatedDateTime.UnixMilli(), 10), parent)
	}
	return item
}

func attachmentsJSON(list []Attachment) []any {
	out := make([]any, len(list))
	for i, a := range list {
		out[i] = map[string]any{
			"id": a.ID, "contentType": a.ContentType, "contentUrl": nullable(a.ContentURL), "content": nullable(a.Content),
			"name": nullable(a.Name), "thumbnailUrl": nullable(a.ThumbnailURL), "teamsAppId": nullable(a.TeamsAppID),
		}
	}
	return out
}

func (s *Server) mentionsJSON(list []Mention) []any {
	out := make([]any, len(list))
	for i, m := range list {
		mentioned := identitySet("user", s.userIdentity(m.UserID))
		mentioned["conversation"], mentioned["tag"] = nil, nil
		out[i] = map[string]any{"id": m.ID, "mentionText": m.MentionText, "mentioned": mentioned}
	}
	return out
}

// reactionNames are the display names Graph gives the built-in reactions.
var reactionNames = map[string]string{
	"like": "Like", "heart": "Heart", "laugh": "Laugh", "surprised": "Surprised", "sad": "Sad", "angry": "Angry",
}

func (s *Server) reactionsJSON(list []Reaction) []any {
	out := make([]any, len(list))
	for i, r := range list {
		identity := s.userIdentity(r.UserID)
		identity["displayName"] = nil // Graph leaves reactors' names out
		out[i] = map[string]any{
			"reactionType": r.ReactionType, "displayName": nullable(reactionNames[r.ReactionType]), "reactionContentUrl": nil,
			"createdDateTime": graphTimeMilli(r.CreatedDateTime), "user": identitySet("user", identity),
		}
	}
	return out
}

func (s *Server) inlineReplies() int {
	if s.maxInlineReplies > 0 {
		return s.maxInlineReplies
	}
	return defaultInlineReplies
}

func channelNotFound(teamID, channelID string) *graphError {
	if teamID == "" {
		return teamNotFound(teamID)
	}
	return &graphError{status: http.StatusNotFound, code: "NotFound", message: fmt.Sprintf("Channel '%s' was not found in team '%s'.", channelID, teamID)}
}

func messageNotFound(id string) *graphError {
	return &graphError{status: http.StatusNotFound, code: "NotFound", message: fmt.Sprintf("Message '%s' was not found.", id)}
}

// channelContext is the @odata.context path of a channel's messages.
func channelContext(teamID, channelID string) string {
	return fmt.Sprintf("teams('%s')/channels('%s')/messages", teamID, url.PathEscape(channelID))
}

// lookupChannel answers 404 for an unknown team or channel.
func (s *Server) lookupChannel(c *graphCall) ([]channelThread, bool) {
	teamID, channelID := c.params["team"], c.params["channel"]
	threads, _, ok := s.tenant.channelThreads(teamID, channelID)
	if !ok {
		if _, known := s.tenant.Team(teamID); !known {
			c.fail(teamNotFound(teamID))
		} else {
			c.fail(channelNotFound(teamID, channelID))
		}
		return nil, false
	}
	return threads, true
}

// listChannelMessages serves root messages newest first; each carries its
// replies (newest first, up to the inline limit) for $expand=replies.
func (s *Server) listChannelMessages(c *graphCall) {
	threads, ok := s.lookupChannel(c)
	if !ok {
		return
	}
	teamID, channelID := c.params["team"], c.params["channel"]
	scope := messageScope{teamID: teamID, channelID: channelID}
	items := s.rendered("channel-messages/"+channelKey(teamID, channelID), func() []map[string]any {
		items := make([]map[string]any, 0, len(threads))
		for i := len(threads) - 1; i >= 0; i-- {
			items = append(items, s.threadJSON(threads[i], scope))
		}
		return items
	})
	s.serveCollection(c, channelMessageSpec, channelContext(teamID, channelID), items)
}

func (s *Server) threadJSON(th channelThread, scope messageScope) map[string]any {
	item := s.messageJSON(th.root, scope)
	limit := s.inlineReplies()
	replies := make([]map[string]any, 0, min(limit, len(th.replies)))
	for i := len(th.replies) - 1; i >= 0 && len(replies) < limit; i-- {
		replies = append(replies, s.messageJSON(th.replies[i], scope))
	}
	item["replies"] = replies
	if len(th.replies) > limit {
		path := fmt.Sprintf("/v1.0/teams/%s/channels/%s/messages/%s/replies", scope.teamID, scope.channelID, th.root.ID)
		escaped := fmt.Sprintf("/v1.0/teams/%s/channels/%s/messages/%s/replies", url.PathEscape(scope.teamID), url.PathEscape(scope.channelID), url.PathEscape(th.root.ID))
		item["replies@odata.nextLink"] = escaped + "?$skiptoken=" + s.skipTokenFor(path, url.Values{}, limit)
	}
	return item
}

func findThread(threads []channelThread, id string) (channelThread, bool) {
	for _, th := range threads {
		if th.root.ID == id {
			return th, true
		}
	}
	return channelThread{}, false
}

// lookupThread finds the {message} thread of /teams/{team}/channels/{channel},
// answering 404 itself when there is none.
func (s *Server) lookupThread(c *graphCall) (channelThread, messageScope, bool) {
	threads, ok := s.lookupChannel(c)
	if !ok {
		return channelThread{}, messageScope{}, false
	}
	th, ok := findThread(threads, c.params["message"])
	if !ok {
		c.fail(messageNotFound(c.params["message"]))
		return channelThread{}, messageScope{}, false
	}
	return th, messageScope{teamID: c.params["team"], channelID: c.params["channel"]}, true
}

func (s *Server) getChannelMessage(c *graphCall) {
	th, scope, ok := s.lookupThread(c)
	if !ok {
		return
	}
	serveEntity(c, channelMessageSpec, channelContext(scope.teamID, scope.channelID), s.messageJSON(th.root, scope))
}

func (s *Server) listReplies(c *graphCall) {
	th, scope, ok := s.lookupThread(c)
	if !ok {
		return
	}
	items := make([]map[string]any, 0, len(th.replies))
	for i := len(th.replies) - 1; i >= 0; i-- {
		items = append(items, s.messageJSON(th.replies[i], scope))
	}
	s.serveCollection(c, replySpec, channelContext(scope.teamID, scope.channelID)+fmt.Sprintf("('%s')/replies", th.root.ID), items)
}

func (s *Server) getReply(c *graphCall) {
	th, scope, ok := s.lookupThread(c)
	if !ok {
		return
	}
	for _, r := range th.replies {
		if r.ID == c.params["reply"] {
			serveEntity(c, replySpec, channelContext(scope.teamID, scope.channelID)+fmt.Sprintf("('%s')/replies", th.root.ID), s.messageJSON(r, scope))
			return
		}
	}
	c.fail(messageNotFound(c.params["reply"]))
}

// channelDeltaSpec: "channel: delta" returns root messages by
// lastModifiedDateTime, oldest first; $filter only lastModifiedDateTime gt,
// $top up to 50.
var channelDeltaSpec = &resourceSpec{
	entityType:   "microsoft.graph.chatMessage",
	resourceName: "ChatMessage",
	properties:   messageProperties,
	filter:       map[string][]string{"lastModifiedDateTime": {"gt"}},
	delta:        true,
	defaultPage:  50,
	maxPage:      50,
}

func (s *Server) channelMessagesDelta(c *graphCall) {
	threads, ok := s.lookupChannel(c)
	if !ok {
		return
	}
	teamID, channelID := c.params["team"], c.params["channel"]
	scope := messageScope{teamID: teamID, channelID: channelID}
	items := s.rendered("channel-delta/"+channelKey(teamID, channelID), func() []map[string]any {
		items := make([]map[string]any, len(threads))
		for i, th := range threads {
			items[i] = s.messageJSON(th.root, scope)
		}
		return sortedBy(items, "lastModifiedDateTime", false)
	})
	s.serveCollection(c, channelDeltaSpec, channelContext(teamID, channelID)+"/delta()", items)
}

// Chats.

func chatNotFound(id string) *graphError {
	return &graphError{status: http.StatusNotFound, code: "NotFound", message: fmt.Sprintf("Chat '%s' was not found.", id)}
}

func appOnlyNotSupported() *graphError {
	return badRequest("Requested API is not supported in application-only context")
}

func (s *Server) chatJSON(rec chatRecord, viewer string) map[string]any {
	ch := rec.chat
	item := map[string]any{
		"id":                    ch.ID,
		"topic":                 nullable(ch.Topic),
		"createdDateTime":       graphTimeMilli(ch.CreatedDateTime),
		"lastUpdatedDateTime":   graphTimeMilli(ch.LastUpdatedDateTime),
		"chatType":              ch.ChatType,
		"webUrl":                ch.WebURL,
		"tenantId":              s.tenant.ID(),
		"onlineMeetingInfo":     nil,
		"viewpoint":             nil,
		"isHiddenForAllMembers": false,
		"members":               s.chatMembersJSON(rec, 25), // Graph expands at most 25 members
		"lastMessagePreview":    nil,
	}
	if ch.ChatType == "meeting" && len(ch.MemberIDs) > 0 {
		item["onlineMeetingInfo"] = map[string]any{
			"calendarEventId": nil,
			"joinWebUrl":      "https://teams.microsoft.com/l/meetup-join/" + escapeThreadID(ch.ID) + "/0",
			"organizer":       s.userIdentity(ch.MemberIDs[0]),
		}
	}
	if viewer != "" {
		item["viewpoint"] = map[string]any{"isHidden": false, "lastMessageReadDateTime": graphTimeMilli(ch.LastUpdatedDateTime)}
	}
	if n := len(rec.messages); n > 0 {
		last := rec.messages[n-1]
		item["lastMessagePreview"] = map[string]any{
			"id": last.ID, "createdDateTime": graphTimeMilli(last.CreatedDateTime), "isDeleted": !last.DeletedDateTime.IsZero(),
			"messageType": last.MessageType, "eventDetail": last.EventDetail, "from": s.messageFrom(last),
			"body": map[string]any{"contentType": last.BodyContentType, "content": last.BodyContent},
		}
	}
	return item
}

// listChats serves /chats and /me/chats (the signed-in user's chats; Graph
// refuses app-only tokens) and /users/{id}/chats.
func (s *Server) listChats(c *graphCall) {
	u, ok := s.targetUser(c, appOnlyNotSupported())
	if !ok {
		return
	}
	var items []map[string]any
	for _, rec := range s.tenant.chatList() {
		if slices.Contains(rec.chat.MemberIDs, u.ID) {
			items = append(items, s.chatJSON(rec, u.ID))
		}
	}
	s.serveCollection(c, chatSpec, "chats", items)
}

func (s *Server) lookupChat(c *graphCall) (chatRecord, bool) {
	rec, ok := s.tenant.chatByID(c.params["chat"])
	if !ok {
		c.fail(chatNotFound(c.params["chat"]))
		return chatRecord{}, false
	}
	if userID := c.params["user"]; userID != "" {
		u, known := s.tenant.User(userID)
		if !known || !slices.Contains(rec.chat.MemberIDs, u.ID) {
			c.fail(chatNotFound(c.params["chat"]))
			return chatRecord{}, false
		}
	}
	return rec, true
}

func (s *Server) getChat(c *graphCall) {
	rec, ok := s.lookupChat(c)
	if !ok {
		return
	}
	viewer := ""
	if c.token.delegated() {
		viewer = c.token.userID
	}
	serveEntity(c, chatSpec, "chats", s.chatJSON(rec, viewer))
}

// listChatMessages serves a chat's messages newest first by
// lastModifiedDateTime, Graph's default order.
func (s *Server) listChatMessages(c *graphCall) {
	rec, ok := s.lookupChat(c)
	if !ok {
		return
	}
	scope := messageScope{chatID: rec.chat.ID}
	items := s.rendered("chat-messages/"+strings.ToLower(rec.chat.ID), func() []map[string]any {
		items := make([]map[string]any, 0, len(rec.messages))
		for i := len(rec.messages) - 1; i >= 0; i-- {
			items = append(items, s.messageJSON(rec.messages[i], scope))
		}
		return sortedBy(items, "lastModifiedDateTime", true)
	})
	s.serveCollection(c, chatMessageSpec, fmt.Sprintf("chats('%s')/messages", url.PathEscape(rec.chat.ID)), items)
}

func (s *Server) getChatMessage(c *graphCall) {
	rec, ok := s.lookupChat(c)
	if !ok {
		return
	}
	for _, m := range rec.messages {
		if m.ID == c.params["message"] {
			serveEntity(c, chatMessageSpec, fmt.Sprintf("chats('%s')/messages", url.PathEscape(rec.chat.ID)), s.messageJSON(m, messageScope{chatID: rec.chat.ID}))
			return
		}
	}
	c.fail(messageNotFound(c.params["message"]))
}
