package schema

// Members of teams, channels, chats and groups. Teams, channels and chats
// have conversationMember resources, almost always the
// #microsoft.graph.aadUserConversationMember cast that adds userId, email
// and tenantId; groups have directoryObjects (users, groups, devices...).

// conversationMemberColumns follow the key columns of a members table.
func conversationMemberColumns(keys ...Column) []Column {
	return append(keys, []Column{
		{Name: "UserId", Type: String, Property: "userId", Nullable: true, Doc: "The member's user id (aadUserConversationMember)."},
		{Name: "DisplayName", Type: String, Property: "displayName", Nullable: true},
		{Name: "Email", Type: String, Property: "email", Nullable: true},
		{Name: "Roles", Type: JSON, Property: "roles", Nullable: true, Doc: `A JSON array: ["owner"], ["guest"] or [] for a member.`},
		{Name: "VisibleHistoryStartDateTime", Type: Datetime, Property: "visibleHistoryStartDateTime", Nullable: true},
		{Name: "TenantId", Type: String, Property: "tenantId", Nullable: true},
		{Name: "MemberType", Type: String, Property: "@odata.type", Nullable: true, Doc: "The Graph type, e.g. #microsoft.graph.aadUserConversationMember."},
	}...)
}

var teamMembers = &Table{
	Name:        "TeamMembers",
	Doc:         "Members of each team (GET /teams/{TeamId}/members). Without TeamId the driver lists every team's members.",
	Permission:  "TeamMember.Read.All",
	ListPath:    "/teams/{TeamId}/members",
	GetPath:     "/teams/{TeamId}/members/{Id}",
	Parent:      &Parent{Table: "Teams", Keys: []KeyMap{{Key: "TeamId", Column: "Id"}}},
	MaxPageSize: 999,  // Graph: 100 by default, $top up to 999
	NoSelect:    true, // $select cannot name the cast's properties (userId, email)
	Columns: withFilters(conversationMemberColumns(
		Column{Name: "Id", Type: String, Property: "id", Key: true, Doc: "The membership id (opaque; not the user id)."},
		Column{Name: "TeamId", Type: String, Key: true, Doc: "The team (from the request path)."},
	), map[string]Column{
		"UserId":      {Filter: FilterEq, FilterName: "microsoft.graph.aadUserConversationMember/userId"},
		"Email":       {Filter: FilterEq, FilterName: "microsoft.graph.aadUserConversationMember/email"},
		"DisplayName": {Filter: FilterEq},
	}),
}

var channelMembers = &Table{
	Name:       "ChannelMembers",
	Doc:        "Members of each channel (GET /teams/{TeamId}/channels/{ChannelId}/members); a standard channel has its team's members. Without the keys the driver walks every team's channels.",
	Permission: "ChannelMember.Read.All",
	ListPath:   "/teams/{TeamId}/channels/{ChannelId}/members",
	GetPath:    "/teams/{TeamId}/channels/{ChannelId}/members/{Id}",
	Parent:     &Parent{Table: "Channels", Keys: []KeyMap{{Key: "TeamId", Column: "TeamId"}, {Key: "ChannelId", Column: "Id"}}},
	NoSelect:   true,
	Columns: conversationMemberColumns(
		Column{Name: "Id", Type: String, Property: "id", Key: true},
		Column{Name: "TeamId", Type: String, Key: true},
		Column{Name: "ChannelId", Type: String, Key: true},
	),
}

var chatMembers = &Table{
	Name:       "ChatMembers",
	Doc:        "Members of each chat (GET /chats/{ChatId}/members). Without ChatId the driver lists Chats first.",
	Permission: "ChatMember.Read.All",
	ListPath:   "/chats/{ChatId}/members",
	GetPath:    "/chats/{ChatId}/members/{Id}",
	Parent:     &Parent{Table: "Chats", Keys: []KeyMap{{Key: "ChatId", Column: "Id"}}},
	NoSelect:   true,
	Columns: conversationMemberColumns(
		Column{Name: "Id", Type: String, Property: "id", Key: true},
		Column{Name: "ChatId", Type: String, Key: true},
	),
}

// directoryObjectColumns are the columns of group members and owners:
// users' properties, NULL for other kinds of directory object.
func directoryObjectColumns(keys ...Column) []Column {
	return append(keys, []Column{
		{Name: "MemberType", Type: String, Property: "@odata.type", Nullable: true, Doc: "#microsoft.graph.user, #microsoft.graph.group, ..."},
		{Name: "DisplayName", Type: String, Property: "displayName", Nullable: true},
		{Name: "Mail", Type: String, Property: "mail", Nullable: true},
		{Name: "UserPrincipalName", Type: String, Property: "userPrincipalName", Nullable: true},
		{Name: "GivenName", Type: String, Property: "givenName", Nullable: true},
		{Name: "Surname", Type: String, Property: "surname", Nullable: true},
		{Name: "JobTitle", Type: String, Property: "jobTitle", Nullable: true},
		{Name: "Department", Type: String, Property: "department", Nullable: true},
		{Name: "OfficeLocation", Type: String, Property: "officeLocation", Nullable: true},
		{Name: "MobilePhone", Type: String, Property: "mobilePhone", Nullable: true},
		{Name: "BusinessPhones", Type: JSON, Property: "businessPhones", Nullable: true},
		{Name: "PreferredLanguage", Type: String, Property: "preferredLanguage", Nullable: true},
	}...)
}

var groupMembers = &Table{
	Name:        "GroupMembers",
	Doc:         "Direct members of each group (GET /groups/{GroupId}/members). Without GroupId the driver lists every group's members.",
	Permission:  "GroupMember.Read.All",
	ListPath:    "/groups/{GroupId}/members",
	Parent:      &Parent{Table: "Groups", Keys: []KeyMap{{Key: "GroupId", Column: "Id"}}},
	MaxPageSize: 999,
	NoSelect:    true, // members are several types; $select of one type's properties drops the others'
	Columns: directoryObjectColumns(
		Column{Name: "Id", Type: String, Property: "id", Key: true, Doc: "The member's directory object id (a user's id for users)."},
		Column{Name: "GroupId", Type: String, Key: true, Doc: "The group (from the request path)."},
	),
}

var groupOwners = &Table{
	Name:        "GroupOwners",
	Doc:         "Owners of each group (GET /groups/{GroupId}/owners). Without GroupId the driver lists every group's owners.",
	Permission:  "GroupMember.Read.All",
	ListPath:    "/groups/{GroupId}/owners",
	Parent:      &Parent{Table: "Groups", Keys: []KeyMap{{Key: "GroupId", Column: "Id"}}},
	MaxPageSize: 999,
	NoSelect:    true,
	Columns: directoryObjectColumns(
		Column{Name: "Id", Type: String, Property: "id", Key: true},
		Column{Name: "GroupId", Type: String, Key: true},
	),
}

// withFilters copies filter settings onto named columns.
func withFilters(cols []Column, filters map[string]Column) []Column {
	for i := range cols {
		if f, ok := filters[cols[i].Name]; ok {
			cols[i].Filter, cols[i].FilterName = f.Filter, f.FilterName
		}
	}
	return cols
}
