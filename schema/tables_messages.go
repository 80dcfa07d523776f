package schema

// Messages: channel messages with their replies, replies alone, chat
// messages, and the attachments and mentions inside chat messages. Graph
// serves all of them as chatMessage resources
// (https://learn.microsoft.com/graph/api/resources/chatmessage).

// messageColumns are a chatMessage's columns after the table's key columns.
// System event messages have from: null and an eventDetail, so every From
// column is nullable.
func messageColumns(keys ...Column) []Column {
	return append(keys, []Column{
		{Name: "ReplyToId", Type: String, Property: "replyToId", Nullable: true, Doc: "The root message's id when this row is a reply; NULL for a root message."},
		{Name: "MessageType", Type: String, Property: "messageType", Nullable: true, Doc: "message, systemEventMessage, chatEvent or typing."},
		{Name: "Subject", Type: String, Property: "subject", Nullable: true},
		{Name: "Summary", Type: String, Property: "summary", Nullable: true},
		{Name: "Importance", Type: String, Property: "importance", Nullable: true, Doc: "normal, high or urgent."},
		{Name: "Locale", Type: String, Property: "locale", Nullable: true},
		{Name: "WebUrl", Type: String, Property: "webUrl", Nullable: true},
		{Name: "Etag", Type: String, Property: "etag", Nullable: true},
		{Name: "CreatedDateTime", Type: Datetime, Property: "createdDateTime", Nullable: true},
		{Name: "LastModifiedDateTime", Type: Datetime, Property: "lastModifiedDateTime", Nullable: true},
		{Name: "LastEditedDateTime", Type: Datetime, Property: "lastEditedDateTime", Nullable: true},
		{Name: "DeletedDateTime", Type: Datetime, Property: "deletedDateTime", Nullable: true},
		{Name: "FromUserId", Type: String, Property: "from/user/id", Nullable: true, Doc: "The sender's user id; NULL for system events and app messages."},
		{Name: "FromUserDisplayName", Type: String, Property: "from/user/displayName", Nullable: true},
		{Name: "FromUserIdentityType", Type: String, Property: "from/user/userIdentityType", Nullable: true},
		{Name: "FromApplicationId", Type: String, Property: "from/application/id", Nullable: true},
		{Name: "FromApplicationDisplayName", Type: String, Property: "from/application/displayName", Nullable: true},
		{Name: "FromDeviceId", Type: String, Property: "from/device/id", Nullable: true},
		{Name: "BodyContentType", Type: String, Property: "body/contentType", Nullable: true, Doc: "text or html."},
		{Name: "BodyContent", Type: String, Property: "body/content", Nullable: true},
		{Name: "Attachments", Type: JSON, Property: "attachments", Nullable: true, Doc: "Card content is itself a JSON string inside."},
		{Name: "Mentions", Type: JSON, Property: "mentions", Nullable: true},
		{Name: "Reactions", Type: JSON, Property: "reactions", Nullable: true},
		{Name: "EventDetail", Type: JSON, Property: "eventDetail", Nullable: true, Doc: "Set on system event messages (members added, channel renamed, ...)."},
		{Name: "PolicyViolation", Type: JSON, Property: "policyViolation", Nullable: true},
		{Name: "MessageHistory", Type: JSON, Property: "messageHistory", Nullable: true},
		{Name: "ChannelIdentity", Type: JSON, Property: "channelIdentity", Nullable: true},
	}...)
}

var channelMessages = &Table{
	Name: "ChannelMessages",
	Doc: "Messages of each channel with their replies (GET /teams/{TeamId}/channels/{ChannelId}/messages?$expand=replies): " +
		"a root message's row is followed by its replies' rows, which have ReplyToId set. Replies beyond those Graph inlines are read " +
		"through replies@odata.nextLink. Graph supports no $filter or $orderby on this listing, so every predicate and ORDER BY runs in the driver, " +
		"except that a query for root messages changed recently (ReplyToId IS NULL AND LastModifiedDateTime > a time within the last 8 months) " +
		"reads Graph's delta function instead, which filters by lastModifiedDateTime and returns root messages only. " +
		"Without TeamId and ChannelId the driver walks every team's channels.",
	Permission:  "ChannelMessage.Read.All",
	ListPath:    "/teams/{TeamId}/channels/{ChannelId}/messages",
	Parent:      &Parent{Table: "Channels", Keys: []KeyMap{{Key: "TeamId", Column: "TeamId"}, {Key: "ChannelId", Column: "Id"}}},
	MaxPageSize: 50,
	Expand:      "replies",
	NoSelect:    true,
	Nested:      &NestedRows{Property: "replies", NextLinkProperty: "replies@odata.nextLink", KeyColumn: "ReplyToId"},
	// https://learn.microsoft.com/graph/api/chatmessage-delta: root
	// messages of the last eight months; $filter only lastModifiedDateTime
	// gt; $top up to 50.
	Delta: &DeltaRead{
		Path:         "/teams/{TeamId}/channels/{ChannelId}/messages/delta",
		Column:       "LastModifiedDateTime",
		RootsOnly:    "ReplyToId",
		WindowMonths: 8,
		MaxPageSize:  50,
	},
	Columns: messageColumns(
		Column{Name: "Id", Type: String, Property: "id", Key: true},
		Column{Name: "TeamId", Type: String, Key: true, Doc: "The team (from the request path)."},
		Column{Name: "ChannelId", Type: String, Key: true, Doc: "The channel (from the request path)."},
	),
}

var messageReplies = &Table{
	Name: "MessageReplies",
	Doc: "Replies to one channel message (GET /teams/{TeamId}/channels/{ChannelId}/messages/{MessageId}/replies). " +
		"Without the keys the driver lists ChannelMessages' root messages first, which reads every channel.",
	Permission:  "ChannelMessage.Read.All",
	ListPath:    "/teams/{TeamId}/channels/{ChannelId}/messages/{MessageId}/replies",
	Parent:      &Parent{Table: "ChannelMessages", Keys: []KeyMap{{Key: "TeamId", Column: "TeamId"}, {Key: "ChannelId", Column: "ChannelId"}, {Key: "MessageId", Column: "Id"}}, Where: "ReplyToId IS NULL"},
	MaxPageSize: 50,
	NoSelect:    true,
	Columns: messageColumns(
		Column{Name: "Id", Type: String, Property: "id", Key: true},
		Column{Name: "TeamId", Type: String, Key: true},
		Column{Name: "ChannelId", Type: String, Key: true},
		Column{Name: "MessageId", Type: String, Key: true, Doc: "The root message replied to (from the request path)."},
	),
}

// chatMessageKeys are the columns that identify a chat message.
func chatMessageKeys() []Column {
	return []Column{
		{Name: "Id", Type: String, Property: "id", Key: true},
		{Name: "ChatId", Type: String, Key: true, Doc: "The chat (from the request path)."},
	}
}

// chatMessageDates: Graph orders chat messages by lastModifiedDateTime or
// createdDateTime, descending only, and filters on the same property only
// together with that $orderby: gt and lt on lastModifiedDateTime, lt on
// createdDateTime.
func chatMessageDates(cols []Column) []Column {
	for i := range cols {
		switch cols[i].Name {
		case "LastModifiedDateTime":
			cols[i].Filter, cols[i].SortDescOnly, cols[i].FilterNeedsOrder = FilterGt|FilterLt, true, true
		case "CreatedDateTime":
			cols[i].Filter, cols[i].SortDescOnly, cols[i].FilterNeedsOrder = FilterLt, true, true
		}
	}
	return cols
}

var chatMessages = &Table{
	Name: "ChatMessages",
	Doc: "Messages of each chat (GET /chats/{ChatId}/messages). ORDER BY LastModifiedDateTime DESC or CreatedDateTime DESC is done by Graph, " +
		"with a range on the same column (LastModifiedDateTime > or <, CreatedDateTime <). Without ChatId the driver lists Chats first.",
	Permission:  "Chat.Read.All",
	ListPath:    "/chats/{ChatId}/messages",
	Parent:      &Parent{Table: "Chats", Keys: []KeyMap{{Key: "ChatId", Column: "Id"}}},
	MaxPageSize: 50,
	NoSelect:    true,
	Columns:     chatMessageDates(messageColumns(chatMessageKeys()...)),
}

// fromMessage marks columns of an unnested table that read the message.
func fromMessage(cols ...Column) []Column {
	for i := range cols {
		cols[i].FromItem = true
	}
	return cols
}

var chatMessageAttachments = &Table{
	Name:        "ChatMessageAttachments",
	Doc:         "One row per attachment of each chat message (the attachments array of GET /chats/{ChatId}/messages). Without ChatId the driver lists Chats first.",
	Permission:  "Chat.Read.All",
	ListPath:    "/chats/{ChatId}/messages",
	Parent:      &Parent{Table: "Chats", Keys: []KeyMap{{Key: "ChatId", Column: "Id"}}},
	MaxPageSize: 50,
	NoSelect:    true,
	Unnest:      "attachments",
	Columns: append(append([]Column{
		{Name: "Id", Type: String, Property: "id", Key: true, Nullable: true, Doc: "The attachment's id."},
		{Name: "ChatId", Type: String, Key: true},
	}, chatMessageDates(fromMessage(
		Column{Name: "MessageId", Type: String, Property: "id", Key: true, Doc: "The message holding the attachment."},
		Column{Name: "MessageCreatedDateTime", Type: Datetime, Property: "createdDateTime", Nullable: true},
		Column{Name: "LastModifiedDateTime", Type: Datetime, Property: "lastModifiedDateTime", Nullable: true, Doc: "The message's."},
	))...),
		Column{Name: "ContentType", Type: String, Property: "contentType", Nullable: true, Doc: "A MIME type, reference (a file link) or a card type such as application/vnd.microsoft.card.adaptive."},
		Column{Name: "ContentUrl", Type: String, Property: "contentUrl", Nullable: true},
		Column{Name: "Content", Type: String, Property: "content", Nullable: true, Doc: "Card content, as the JSON string Graph sends."},
		Column{Name: "Name", Type: String, Property: "name", Nullable: true},
		Column{Name: "ThumbnailUrl", Type: String, Property: "thumbnailUrl", Nullable: true},
		Column{Name: "TeamsAppId", Type: String, Property: "teamsAppId", Nullable: true},
	),
}

var chatMessageMentions = &Table{
	Name:        "ChatMessageMentions",
	Doc:         "One row per @mention in each chat message (the mentions array of GET /chats/{ChatId}/messages). Without ChatId the driver lists Chats first.",
	Permission:  "Chat.Read.All",
	ListPath:    "/chats/{ChatId}/messages",
	Parent:      &Parent{Table: "Chats", Keys: []KeyMap{{Key: "ChatId", Column: "Id"}}},
	MaxPageSize: 50,
	NoSelect:    true,
	Unnest:      "mentions",
	Columns: append(append([]Column{
		{Name: "Id", Type: Int, Property: "id", Key: true, Nullable: true, Doc: "The mention's index in the message (the <at id=\"n\"> in the body)."},
		{Name: "ChatId", Type: String, Key: true},
	}, chatMessageDates(fromMessage(
		Column{Name: "MessageId", Type: String, Property: "id", Key: true, Doc: "The message holding the mention."},
		Column{Name: "MessageCreatedDateTime", Type: Datetime, Property: "createdDateTime", Nullable: true},
		Column{Name: "LastModifiedDateTime", Type: Datetime, Property: "lastModifiedDateTime", Nullable: true, Doc: "The message's."},
	))...),
		Column{Name: "MentionText", Type: String, Property: "mentionText", Nullable: true},
		Column{Name: "MentionedUserId", Type: String, Property: "mentioned/user/id", Nullable: true},
		Column{Name: "MentionedUserDisplayName", Type: String, Property: "mentioned/user/displayName", Nullable: true},
		Column{Name: "MentionedApplicationId", Type: String, Property: "mentioned/application/id", Nullable: true},
		Column{Name: "MentionedApplicationDisplayName", Type: String, Property: "mentioned/application/displayName", Nullable: true},
		Column{Name: "MentionedConversationId", Type: String, Property: "mentioned/conversation/id", Nullable: true},
		Column{Name: "MentionedConversationType", Type: String, Property: "mentioned/conversation/conversationIdentityType", Nullable: true},
		Column{Name: "MentionedTagId", Type: String, Property: "mentioned/tag/id", Nullable: true},
		Column{Name: "MentionedTagDisplayName", Type: String, Property: "mentioned/tag/displayName", Nullable: true},
	),
}

var chats = &Table{
	Name: "Chats",
	Doc: "Chats (GET /chats for the signed-in user; GET /users/{UserId}/chats when the query binds UserId, which application " +
		"permissions require).",
	Permission:  "Chat.ReadBasic.All",
	ListPath:    "/chats",
	KeyedPaths:  []string{"/users/{UserId}/chats"},
	GetPath:     "/chats/{Id}",
	MaxPageSize: 50,
	NoSelect:    true,
	Columns: []Column{
		{Name: "Id", Type: String, Property: "id", Key: true, Doc: "Like 19:...@thread.v2."},
		{Name: "UserId", Type: String, Key: true, Nullable: true, Doc: "The member whose chats were listed, when the query binds it (from the request path)."},
		{Name: "Topic", Type: String, Property: "topic", Nullable: true, Filter: FilterEq},
		{Name: "ChatType", Type: String, Property: "chatType", Nullable: true, Filter: FilterEq, Doc: "oneOnOne, group or meeting."},
		{Name: "CreatedDateTime", Type: Datetime, Property: "createdDateTime", Nullable: true},
		{Name: "LastUpdatedDateTime", Type: Datetime, Property: "lastUpdatedDateTime", Nullable: true},
		{Name: "WebUrl", Type: String, Property: "webUrl", Nullable: true},
		{Name: "TenantId", Type: String, Property: "tenantId", Nullable: true},
		{Name: "IsHiddenForAllMembers", Type: Bool, Property: "isHiddenForAllMembers", Nullable: true},
		{Name: "OnlineMeetingInfo", Type: JSON, Property: "onlineMeetingInfo", Nullable: true},
		{Name: "ViewpointIsHidden", Type: Bool, Property: "viewpoint/isHidden", Nullable: true},
		{Name: "ViewpointLastMessageReadDateTime", Type: Datetime, Property: "viewpoint/lastMessageReadDateTime", Nullable: true},
	},
}
