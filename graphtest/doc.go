// Package graphtest is an emulator of Microsoft Graph v1.0 (the Teams and
// directory resources the msteams driver reads) and of the Entra ID v2.0
// token endpoint, served over real HTTP(S) on loopback.
//
// It exists for offline development, tests, demos and benchmarks: nothing in
// it talks to Microsoft. Like net/http/httptest, production code never imports
// it. Responses follow Graph's documented shapes (camelCase properties, OData
// annotations, Graph and AADSTS error bodies) and its query rules ($select,
// $filter, $top, $skiptoken, $count, $orderby), including the 400s Graph
// gives for unsupported queries, so clients meet the same constraints they
// will meet in production.
//
// A typical test:
//
//	s, err := graphtest.NewServer(graphtest.Options{TLS: true})
//	if err != nil { ... }
//	defer s.Close()
//	// s.GraphURL(), s.AuthorityURL(), s.TenantID(), s.ClientID(),
//	// s.ClientSecret() and s.CertFile() configure the client;
//	// s.IssueToken("", 0) mints an app-only token directly.
//
// The data is a *Tenant: DemoTenant for the demo organisation, or NewTenant
// with AddUser, AddTeam, AddChannel, AddTeamMember and GenerateUsers, plus
// AddChannelMessage, AddReply, AddChat, AddChatMessage, AddChannelMember,
// SetPresence, AddApp, InstallApp, AddTab, AddGroup and AddGroupMember for
// the Teams content. See docs/emulator.md for the endpoints and rules.
package graphtest
