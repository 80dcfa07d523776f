package schema

// Apps: the tenant's app catalog, the apps installed in each team and the
// tabs pinned in each channel.

var apps = &Table{
	Name:        "Apps",
	Doc:         "Apps in the tenant's Teams app catalog (GET /appCatalogs/teamsApps).",
	Permission:  "AppCatalog.Read.All",
	ListPath:    "/appCatalogs/teamsApps",
	GetPath:     "/appCatalogs/teamsApps/{Id}",
	MaxPageSize: 0,
	Columns: []Column{
		{Name: "Id", Type: String, Property: "id", Key: true, Filter: FilterEq, Doc: "The catalog id of the app."},
		{Name: "ExternalId", Type: String, Property: "externalId", Nullable: true, Filter: FilterEq, Doc: "The id in the app's manifest."},
		{Name: "DisplayName", Type: String, Property: "displayName", Nullable: true, Filter: FilterEq},
		{Name: "DistributionMethod", Type: String, Property: "distributionMethod", Nullable: true, Filter: FilterEq, Doc: "store, organization or sideloaded."},
	},
}

var teamsInstalledApps = &Table{
	Name:       "TeamsInstalledApps",
	Doc:        "Apps installed in each team (GET /teams/{TeamId}/installedApps?$expand=teamsAppDefinition). Without TeamId the driver lists every team's apps.",
	Permission: "TeamsAppInstallation.ReadForTeam.All",
	ListPath:   "/teams/{TeamId}/installedApps",
	GetPath:    "",
	Parent:     &Parent{Table: "Teams", Keys: []KeyMap{{Key: "TeamId", Column: "Id"}}},
	Expand:     "teamsAppDefinition",
	NoSelect:   true,
	Columns: []Column{
		{Name: "Id", Type: String, Property: "id", Key: true, Doc: "The installation's id."},
		{Name: "TeamId", Type: String, Key: true, Doc: "The team (from the request path)."},
		{Name: "TeamsAppId", Type: String, Property: "teamsAppDefinition/teamsAppId", Nullable: true, Doc: "The app's catalog id (Apps.Id)."},
		{Name: "TeamsAppDefinitionId", Type: String, Property: "teamsAppDefinition/id", Nullable: true},
		{Name: "DisplayName", Type: String, Property: "teamsAppDefinition/displayName", Nullable: true},
		{Name: "Version", Type: String, Property: "teamsAppDefinition/version", Nullable: true},
		{Name: "Description", Type: String, Property: "teamsAppDefinition/description", Nullable: true},
		{Name: "ShortDescription", Type: String, Property: "teamsAppDefinition/shortDescription", Nullable: true},
		{Name: "PublishingState", Type: String, Property: "teamsAppDefinition/publishingState", Nullable: true},
		{Name: "LastModifiedDateTime", Type: Datetime, Property: "teamsAppDefinition/lastModifiedDateTime", Nullable: true},
		{Name: "CreatedBy", Type: JSON, Property: "teamsAppDefinition/createdBy", Nullable: true},
		{Name: "ConsentedPermissionSet", Type: JSON, Property: "consentedPermissionSet", Nullable: true},
	},
}

var teamTabs = &Table{
	Name:       "TeamTabs",
	Doc:        "Tabs pinned in each channel (GET /teams/{TeamId}/channels/{ChannelId}/tabs?$expand=teamsApp). Without the keys the driver walks every team's channels.",
	Permission: "TeamsTab.Read.All",
	ListPath:   "/teams/{TeamId}/channels/{ChannelId}/tabs",
	GetPath:    "",
	Parent:     &Parent{Table: "Channels", Keys: []KeyMap{{Key: "TeamId", Column: "TeamId"}, {Key: "ChannelId", Column: "Id"}}},
	Expand:     "teamsApp",
	NoSelect:   true,
	Columns: []Column{
		{Name: "Id", Type: String, Property: "id", Key: true},
		{Name: "TeamId", Type: String, Key: true, Doc: "The team (from the request path)."},
		{Name: "ChannelId", Type: String, Key: true, Doc: "The channel (from the request path)."},
		{Name: "DisplayName", Type: String, Property: "displayName", Nullable: true},
		{Name: "WebUrl", Type: String, Property: "webUrl", Nullable: true},
		{Name: "TeamsAppId", Type: String, Property: "teamsApp/id", Nullable: true, Filter: FilterEq, Doc: "The app behind the tab (Apps.Id)."},
		{Name: "TeamsAppDisplayName", Type: String, Property: "teamsApp/displayName", Nullable: true},
		{Name: "TeamsAppDistributionMethod", Type: String, Property: "teamsApp/distributionMethod", Nullable: true},
		{Name: "ConfigurationEntityId", Type: String, Property: "configuration/entityId", Nullable: true},
		{Name: "ConfigurationContentUrl", Type: String, Property: "configuration/contentUrl", Nullable: true},
		{Name: "ConfigurationWebsiteUrl", Type: String, Property: "configuration/websiteUrl", Nullable: true},
		{Name: "ConfigurationRemoveUrl", Type: String, Property: "configuration/removeUrl", Nullable: true},
	},
}
