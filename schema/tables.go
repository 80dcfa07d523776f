package schema

// The tables follow the CData Microsoft Teams driver's names and columns so
// that its users keep their queries; docs/tables.md documents them.

var teams = &Table{
	Name:        "Teams",
	Doc:         "Teams in the tenant (GET /teams).",
	Permission:  "Team.ReadBasic.All",
	ListPath:    "/teams",
	GetPath:     "/teams/{Id}",
	MaxPageSize: 999,
	Columns: []Column{
		{Name: "Id", Type: String, Property: "id", Key: true, Filter: FilterEq, Doc: "The team's id (its Microsoft 365 group id)."},
		{Name: "DisplayName", Type: String, Property: "displayName", Nullable: true, Filter: FilterEq | FilterStartsWith},
		{Name: "Description", Type: String, Property: "description", Nullable: true},
		{Name: "InternalId", Type: String, Property: "internalId", Nullable: true},
		{Name: "Classification", Type: String, Property: "classification", Nullable: true},
		{Name: "Specialization", Type: String, Property: "specialization", Nullable: true},
		{Name: "Visibility", Type: String, Property: "visibility", Nullable: true, Filter: FilterEq, Doc: "public or private."},
		{Name: "WebUrl", Type: String, Property: "webUrl", Nullable: true},
		{Name: "IsArchived", Type: Bool, Property: "isArchived", Nullable: true, Filter: FilterEq},
		{Name: "TenantId", Type: String, Property: "tenantId", Nullable: true},
		{Name: "CreatedDateTime", Type: Datetime, Property: "createdDateTime", Nullable: true},
		{Name: "MemberSettings", Type: JSON, Property: "memberSettings", Nullable: true},
		{Name: "GuestSettings", Type: JSON, Property: "guestSettings", Nullable: true},
		{Name: "MessagingSettings", Type: JSON, Property: "messagingSettings", Nullable: true},
		{Name: "FunSettings", Type: JSON, Property: "funSettings", Nullable: true},
	},
}

var channels = &Table{
	Name:        "Channels",
	Doc:         "Channels of each team (GET /teams/{TeamId}/channels). Without a TeamId the driver lists every team's channels.",
	Permission:  "Channel.ReadBasic.All",
	ListPath:    "/teams/{TeamId}/channels",
	GetPath:     "/teams/{TeamId}/channels/{Id}",
	Parent:      &Parent{Table: "Teams", Keys: []KeyMap{{Key: "TeamId", Column: "Id"}}},
	MaxPageSize: 0,
	Columns: []Column{
		{Name: "Id", Type: String, Property: "id", Key: true, Doc: "The channel's id, like 19:...@thread.tacv2."},
		{Name: "TeamId", Type: String, Key: true, Doc: "The team the channel belongs to (from the request path)."},
		{Name: "DisplayName", Type: String, Property: "displayName", Nullable: true, Filter: FilterEq | FilterStartsWith},
		{Name: "Description", Type: String, Property: "description", Nullable: true},
		{Name: "MembershipType", Type: String, Property: "membershipType", Nullable: true, Filter: FilterEq, Doc: "standard, private or shared."},
		{Name: "Email", Type: String, Property: "email", Nullable: true},
		{Name: "WebUrl", Type: String, Property: "webUrl", Nullable: true},
		{Name: "IsFavoriteByDefault", Type: Bool, Property: "isFavoriteByDefault", Nullable: true},
		{Name: "IsArchived", Type: Bool, Property: "isArchived", Nullable: true},
		{Name: "TenantId", Type: String, Property: "tenantId", Nullable: true},
		{Name: "CreatedDateTime", Type: Datetime, Property: "createdDateTime", Nullable: true},
	},
}

// userText is the filter support Graph gives most string properties of a user.
const userText = FilterEq | FilterIn | FilterStartsWith

var users = &Table{
	Name:          "Users",
	Doc:           "Users in the tenant (GET /users).",
	Permission:    "User.Read.All",
	ListPath:      "/users",
	GetPath:       "/users/{Id}",
	MaxPageSize:   999,
	EventualCount: true,
	Columns: []Column{
		{Name: "Id", Type: String, Property: "id", Key: true, Filter: FilterEq | FilterIn},
		{Name: "DisplayName", Type: String, Property: "displayName", Nullable: true, Filter: userText, Sortable: true},
		{Name: "GivenName", Type: String, Property: "givenName", Nullable: true, Filter: userText},
		{Name: "Surname", Type: String, Property: "surname", Nullable: true, Filter: userText},
		{Name: "Mail", Type: String, Property: "mail", Nullable: true, Filter: userText},
		{Name: "UserPrincipalName", Type: String, Property: "userPrincipalName", Nullable: true, Filter: userText, Sortable: true},
		{Name: "JobTitle", Type: String, Property: "jobTitle", Nullable: true, Filter: userText},
		{Name: "Department", Type: String, Property: "department", Nullable: true, Filter: userText},
		{Name: "OfficeLocation", Type: String, Property: "officeLocation", Nullable: true, Filter: FilterEq | FilterIn},
		{Name: "MobilePhone", Type: String, Property: "mobilePhone", Nullable: true},
		{Name: "BusinessPhones", Type: JSON, Property: "businessPhones", Nullable: true},
		{Name: "PreferredLanguage", Type: String, Property: "preferredLanguage", Nullable: true, Filter: FilterEq | FilterIn},
		{Name: "AccountEnabled", Type: Bool, Property: "accountEnabled", Nullable: true, Filter: FilterEq},
		{Name: "City", Type: String, Property: "city", Nullable: true, Filter: FilterEq | FilterIn},
		{Name: "Country", Type: String, Property: "country", Nullable: true, Filter: FilterEq | FilterIn},
		{Name: "UsageLocation", Type: String, Property: "usageLocation", Nullable: true, Filter: FilterEq | FilterIn},
		{Name: "UserType", Type: String, Property: "userType", Nullable: true, Filter: FilterEq | FilterIn, Doc: "Member or Guest."},
		{Name: "CreatedDateTime", Type: Datetime, Property: "createdDateTime", Nullable: true, Filter: FilterRange},
	},
}

var groups = &Table{
	Name:          "Groups",
	Doc:           "Microsoft 365 and security groups (GET /groups). A team's id is its group's id.",
	Permission:    "Group.Read.All",
	ListPath:      "/groups",
	GetPath:       "/groups/{Id}",
	MaxPageSize:   999,
	EventualCount: true,
	Columns: []Column{
		{Name: "Id", Type: String, Property: "id", Key: true, Filter: FilterEq | FilterIn},
		{Name: "DisplayName", Type: String, Property: "displayName", Nullable: true, Filter: userText, Sortable: true},
		{Name: "Description", Type: String, Property: "description", Nullable: true, Filter: FilterEq | FilterStartsWith},
		{Name: "Mail", Type: String, Property: "mail", Nullable: true, Filter: userText},
		{Name: "MailNickname", Type: String, Property: "mailNickname", Nullable: true, Filter: userText},
		{Name: "MailEnabled", Type: Bool, Property: "mailEnabled", Nullable: true, Filter: FilterEq},
		{Name: "SecurityEnabled", Type: Bool, Property: "securityEnabled", Nullable: true, Filter: FilterEq},
		{Name: "Visibility", Type: String, Property: "visibility", Nullable: true, Filter: FilterEq | FilterIn, Doc: "Public, Private or HiddenMembership."},
		{Name: "GroupTypes", Type: JSON, Property: "groupTypes", Nullable: true, Doc: `["Unified"] for Microsoft 365 groups.`},
		{Name: "ResourceProvisioningOptions", Type: JSON, Property: "resourceProvisioningOptions", Nullable: true, Doc: `["Team"] when the group has a team.`},
		{Name: "Classification", Type: String, Property: "classification", Nullable: true, Filter: FilterEq},
		{Name: "ProxyAddresses", Type: JSON, Property: "proxyAddresses", Nullable: true},
		{Name: "CreatedDateTime", Type: Datetime, Property: "createdDateTime", Nullable: true, Filter: FilterRange},
		{Name: "RenewedDateTime", Type: Datetime, Property: "renewedDateTime", Nullable: true},
		{Name: "ExpirationDateTime", Type: Datetime, Property: "expirationDateTime", Nullable: true, Filter: FilterRange | FilterEq, Doc: "Set when an expiration policy applies."},
		{Name: "PreferredLanguage", Type: String, Property: "preferredLanguage", Nullable: true, Filter: FilterEq | FilterIn | FilterStartsWith},
		{Name: "Theme", Type: String, Property: "theme", Nullable: true, Filter: FilterEq | FilterIn, Doc: "Teal, Purple, Green, Blue, Pink, Orange or Red."},
		{Name: "OnPremisesSyncEnabled", Type: Bool, Property: "onPremisesSyncEnabled", Nullable: true, Filter: FilterEq, Doc: "true when synced from on-premises AD; NULL for cloud-only groups."},
	},
}

var joinedTeams = &Table{
	Name: "JoinedTeams",
	Doc: "Teams a user is a direct member of (GET /me/joinedTeams; GET /users/{UserId}/joinedTeams when the query binds UserId, " +
		"which application permissions require). Not in CData's driver.",
	Permission: "Team.ReadBasic.All",
	ListPath:   "/me/joinedTeams",
	KeyedPaths: []string{"/users/{UserId}/joinedTeams"},
	NoSelect:   true,
	Columns: []Column{
		{Name: "Id", Type: String, Property: "id", Key: true, Doc: "The team's id."},
		{Name: "UserId", Type: String, Key: true, Nullable: true, Doc: "The member, when the query binds it (from the request path)."},
		{Name: "DisplayName", Type: String, Property: "displayName", Nullable: true},
		{Name: "Description", Type: String, Property: "description", Nullable: true},
		{Name: "IsArchived", Type: Bool, Property: "isArchived", Nullable: true},
		{Name: "TenantId", Type: String, Property: "tenantId", Nullable: true},
	},
}

var userPresence = &Table{
	Name: "UserPresence",
	Doc: "Presence of users (POST /communications/getPresencesByUserId with up to 650 ids a request). " +
		"WHERE Id = ... or Id IN (...) reads those users; otherwise the driver lists Users and asks for their presence 650 at a time.",
	Permission: "Presence.Read.All",
	ListPath:   "/communications/getPresencesByUserId",
	Parent:     &Parent{Table: "Users", Keys: []KeyMap{{Key: "Id", Column: "Id"}}},
	Batch:      &Batch{Path: "/communications/getPresencesByUserId", KeyColumn: "Id", BodyProperty: "ids", MaxKeys: 650},
	NoSelect:   true,
	Columns: []Column{
		{Name: "Id", Type: String, Property: "id", Key: true, Doc: "The user's id."},
		{Name: "Availability", Type: String, Property: "availability", Nullable: true, Doc: "Available, Busy, Away, BeRightBack, DoNotDisturb, Offline, PresenceUnknown, ..."},
		{Name: "Activity", Type: String, Property: "activity", Nullable: true, Doc: "Available, InACall, InAMeeting, Presenting, OffWork, ..."},
		{Name: "StatusMessage", Type: String, Property: "statusMessage/message/content", Nullable: true},
		{Name: "StatusMessageExpiryDateTime", Type: JSON, Property: "statusMessage/expiryDateTime", Nullable: true, Doc: "A dateTimeTimeZone object."},
		{Name: "StatusMessagePublishedDateTime", Type: Datetime, Property: "statusMessage/publishedDateTime", Nullable: true},
		{Name: "IsOutOfOffice", Type: Bool, Property: "outOfOfficeSettings/isOutOfOffice", Nullable: true},
		{Name: "OutOfOfficeMessage", Type: String, Property: "outOfOfficeSettings/message", Nullable: true},
		{Name: "WorkLocationType", Type: String, Property: "workLocation/workLocationType", Nullable: true},
		{Name: "SequenceNumber", Type: String, Property: "sequenceNumber", Nullable: true},
	},
}

// Default is the catalog msteams queries.
var Default = mustCatalog(
	teams, channels, users, groups, joinedTeams,
	channelMessages, messageReplies, chats, chatMessages, chatMessageAttachments, chatMessageMentions,
	teamMembers, channelMembers, chatMembers, groupMembers, groupOwners,
	apps, teamsInstalledApps, teamTabs, userPresence,
)

func mustCatalog(tables ...*Table) *Catalog {
	c, err := NewCatalog(tables...)
	if err != nil {
		panic(err) // a broken built-in catalog is a programming error caught by every test
	}
	return c
}
