package planner

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/teamsql/msteams/graph"
	"github.com/teamsql/msteams/schema"
)

// richFake adds POST actions and absolute links to fakeGraph.
type richFake struct {
	*fakeGraph
	links  map[string][]string // absolute link -> items behind it
	bodies []string            // POST bodies, in order
}

func (f *richFake) ListLink(link string, _ http.Header) Pager {
	f.record("LINK " + link)
	return &fakePager{items: f.links[link], size: f.pageSize}
}

// Post answers getPresencesByUserId-style bodies with one item per id.
func (f *richFake) Post(_ context.Context, r graph.Request, body []byte) ([]byte, error) {
	f.record(r.String())
	f.bodies = append(f.bodies, string(body))
	var in struct{ IDs []string }
	if err := json.Unmarshal(body, &in); err != nil {
		return nil, err
	}
	var items []string
	for _, id := range in.IDs {
		items = append(items, fmt.Sprintf(`{"id":%q,"availability":"Available"}`, id))
	}
	return []byte(`{"value":[` + strings.Join(items, ",") + `]}`), nil
}

func TestChannelMessagesNestRepliesAndFollowTheirNextLink(t *testing.T) {
	f := &richFake{fakeGraph: &fakeGraph{pageSize: 50, collections: map[string][]string{
		"/teams/t1/channels/c1/messages": {
			`{"id":"m1","replyToId":null,"from":{"user":{"id":"u1","displayName":"Ann"}},"body":{"contentType":"html","content":"<p>hi</p>"},
			  "replies":[{"id":"r1","replyToId":"m1","from":{"user":{"id":"u2","displayName":"Bob"}}}],
			  "replies@odata.nextLink":"https://graph.example/v1.0/teams/t1/channels/c1/messages/m1/replies?$skiptoken=x"}`,
			`{"id":"m2","from":null,"eventDetail":{"@odata.type":"#microsoft.graph.membersAddedEventMessageDetail"},"replies":[]}`,
		},
	}}, links: map[string][]string{
		"https://graph.example/v1.0/teams/t1/channels/c1/messages/m1/replies?$skiptoken=x": {`{"id":"r2","from":{"user":{"displayName":"Cy"}}}`},
	}}
	p := plan(t, "SELECT Id, ReplyToId, FromUserDisplayName, BodyContentType, EventDetail FROM ChannelMessages WHERE TeamId = 't1' AND ChannelId = ?", "c1")
	assert.Equal(t, "GET /teams/t1/channels/c1/messages?$expand=replies&$top=50", p.Explain()[0])
	rows := collect(t, p, f)
	assert.Equal(t, [][]driver.Value{
		{"m1", nil, "Ann", "html", nil},
		{"r1", "m1", "Bob", nil, nil},
		{"r2", "m1", "Cy", nil, nil}, // ReplyToId filled from the parent when Graph leaves it out
		{"m2", nil, nil, nil, `{"@odata.type":"#microsoft.graph.membersAddedEventMessageDetail"}`},
	}, rows)
	assert.Contains(t, f.requests, "LINK https://graph.example/v1.0/teams/t1/channels/c1/messages/m1/replies?$skiptoken=x")
}

func TestChannelMessagesPushNoFilterOrOrder(t *testing.T) {
	p := plan(t, "SELECT Id FROM ChannelMessages WHERE TeamId = 't' AND ChannelId = 'c' AND CreatedDateTime > '2026-01-01' ORDER BY CreatedDateTime DESC LIMIT 5")
	assert.Equal(t, "GET /teams/t/channels/c/messages?$expand=replies&$top=50", p.Explain()[0])
}

func TestChatMessagesRangeFilterBringsItsOrder(t *testing.T) {
	cases := map[string]string{
		"SELECT Id FROM ChatMessages WHERE ChatId = 'x' ORDER BY LastModifiedDateTime DESC LIMIT 3":                                      "GET /chats/x/messages?$orderby=lastModifiedDateTime desc&$top=3",
		"SELECT Id FROM ChatMessages WHERE ChatId = 'x' AND LastModifiedDateTime > '2026-01-01' AND LastModifiedDateTime < '2026-02-01'": "GET /chats/x/messages?$filter=lastModifiedDateTime gt 2026-01-01T00:00:00Z and lastModifiedDateTime lt 2026-02-01T00:00:00Z&$orderby=lastModifiedDateTime desc&$top=50",
		// ge is not Graph's: the driver filters.
		"SELECT Id FROM ChatMessages WHERE ChatId = 'x' AND LastModifiedDateTime >= '2026-01-01'": "GET /chats/x/messages?$top=50",
		// Ascending order is not Graph's; createdDateTime allows lt only.
		"SELECT Id FROM ChatMessages WHERE ChatId = 'x' AND CreatedDateTime < '2026-01-01' AND CreatedDateTime > '2025-01-01' ORDER BY CreatedDateTime": "GET /chats/x/messages?$filter=createdDateTime lt 2026-01-01T00:00:00Z&$orderby=createdDateTime desc&$top=50",
		// Filters on two order-bound properties: only the first is pushed.
		"SELECT Id FROM ChatMessages WHERE ChatId = 'x' AND CreatedDateTime < '2026-01-01' AND LastModifiedDateTime > '2025-01-01'": "GET /chats/x/messages?$filter=createdDateTime lt 2026-01-01T00:00:00Z&$orderby=createdDateTime desc&$top=50",
	}
	for sql, want := range cases {
		assert.Equal(t, want, plan(t, sql).Explain()[0], sql)
	}
}

func TestKeyedPathChosenByBoundKey(t *testing.T) {
	assert.Equal(t, "GET /chats?$filter=chatType eq 'group'&$top=50", plan(t, "SELECT Id FROM Chats WHERE ChatType = 'group'").Explain()[0])
	assert.Equal(t, "GET /users/u1/chats?$top=50", plan(t, "SELECT Id, UserId FROM Chats WHERE UserId = 'u1'").Explain()[0])
	assert.Equal(t, "GET /users/u1/joinedTeams", plan(t, "SELECT Id FROM JoinedTeams WHERE UserId = 'u1'").Explain()[0])
	// Id alone is a GET; with UserId too the listing names the user.
	assert.Equal(t, "GET /chats/c1", plan(t, "SELECT Id FROM Chats WHERE Id = 'c1'").Explain()[0])
	assert.Equal(t, "GET /users/u1/chats?$top=50", plan(t, "SELECT Id FROM Chats WHERE Id = 'c1' AND UserId = 'u1'").Explain()[0])

	f := &richFake{fakeGraph: &fakeGraph{pageSize: 10, collections: map[string][]string{"/users/u1/chats": {`{"id":"c1","topic":"T"}`}}}}
	assert.Equal(t, [][]driver.Value{{"c1", "u1", "T"}}, collect(t, plan(t, "SELECT Id, UserId, Topic FROM Chats WHERE UserId = 'u1'"), f))
}

func TestUnnestAttachmentsAndMentions(t *testing.T) {
	f := &richFake{fakeGraph: &fakeGraph{pageSize: 10, collections: map[string][]string{
		"/chats/c1/messages": {
			`{"id":"m1","attachments":[{"id":"a1","contentType":"application/vnd.microsoft.card.adaptive","content":"{\"type\":\"AdaptiveCard\"}"},{"id":"a2","contentType":"reference","name":"f.docx"}],
			  "mentions":[{"id":0,"mentionText":"Ann","mentioned":{"user":{"id":"u1","displayName":"Ann"}}}]}`,
			`{"id":"m2","attachments":[],"mentions":null}`,
		},
	}}}
	rows := collect(t, plan(t, "SELECT MessageId, Id, ContentType, Content, Name FROM ChatMessageAttachments WHERE ChatId = 'c1'"), f)
	assert.Equal(t, [][]driver.Value{
		{"m1", "a1", "application/vnd.microsoft.card.adaptive", `{"type":"AdaptiveCard"}`, nil},
		{"m1", "a2", "reference", nil, "f.docx"},
	}, rows)
	rows = collect(t, plan(t, "SELECT ChatId, MessageId, Id, MentionText, MentionedUserId FROM ChatMessageMentions WHERE ChatId = 'c1'"), f)
	assert.Equal(t, [][]driver.Value{{"c1", "m1", int64(0), "Ann", "u1"}}, rows)
}

func TestPresenceBatchesOf650FromUsers(t *testing.T) {
	var users []string
	for i := range 1300 + 7 {
		users = append(users, fmt.Sprintf(`{"id":"u%04d"}`, i))
	}
	f := &richFake{fakeGraph: &fakeGraph{pageSize: 999, collections: map[string][]string{"/users": users}}}
	p := plan(t, "SELECT Id, Availability FROM UserPresence")
	rows := collect(t, p, f)
	assert.Len(t, rows, 1307)
	assert.Equal(t, []driver.Value{"u0000", "Available"}, rows[0])
	require.Len(t, f.bodies, 3)
	for i, want := range []int{650, 650, 7} {
		var body struct{ IDs []string }
		require.NoError(t, json.Unmarshal([]byte(f.bodies[i]), &body))
		assert.Len(t, body.IDs, want)
	}
	assert.Equal(t, "POST /communications/getPresencesByUserId", f.requests[1])

	f.bodies, f.requests = nil, nil
	rows = collect(t, plan(t, "SELECT Id FROM UserPresence WHERE Id IN ('a', 'b', 'a')"), f)
	assert.Equal(t, [][]driver.Value{{"a"}, {"b"}}, rows)
	assert.Equal(t, []string{`{"ids":["a","b"]}`}, f.bodies)
	assert.Equal(t, []string{"POST /communications/getPresencesByUserId"}, f.requests, "bound ids need no Users listing")
}

func TestRepliesFanOutListsRootMessagesOnly(t *testing.T) {
	lines := plan(t, "SELECT Id FROM MessageReplies WHERE TeamId = 't'").Explain()
	text := strings.Join(lines, "\n")
	assert.Contains(t, text, "GET /teams/t/channels?$select=id")
	assert.Contains(t, text, "GET /teams/{TeamId}/channels/{ChannelId}/messages?$top=50", "root messages only: replies are not expanded")
	assert.Contains(t, text, "GET /teams/{TeamId}/channels/{ChannelId}/messages/{MessageId}/replies?$top=50")

	// Only root messages have replies to list.
	f := &richFake{fakeGraph: &fakeGraph{pageSize: 50, collections: map[string][]string{
		"/teams/t/channels":                       {`{"id":"c"}`},
		"/teams/t/channels/c/messages":            {`{"id":"m1","replies":[{"id":"r1","replyToId":"m1"}]}`},
		"/teams/t/channels/c/messages/m1/replies": {`{"id":"r1","replyToId":"m1"}`},
	}}}
	rows := collect(t, plan(t, "SELECT MessageId, Id FROM MessageReplies WHERE TeamId = 't'"), f)
	assert.Equal(t, [][]driver.Value{{"m1", "r1"}}, rows)
	assert.NotContains(t, strings.Join(f.requests, "\n"), "/r1/replies")
}

func TestMembersFilterThroughTypeCast(t *testing.T) {
	assert.Equal(t, "GET /teams/t/members?$filter=microsoft.graph.aadUserConversationMember/userId eq 'u1'&$top=999",
		plan(t, "SELECT DisplayName FROM TeamMembers WHERE TeamId = 't' AND UserId = 'u1'").Explain()[0])
	assert.Equal(t, "GET /teams/t/channels/c/tabs?$filter=teamsApp/id eq 'x'&$expand=teamsApp",
		plan(t, "SELECT Id FROM TeamTabs WHERE TeamId = 't' AND ChannelId = 'c' AND TeamsAppId = 'x'").Explain()[0])
}

func TestMissingKeyErrorNamesSupplyingTable(t *testing.T) {
	teams, _ := schema.Default.Table("Teams")
	orig, _ := schema.Default.Table("Channels")
	channels := *orig
	channels.Parent = nil
	cat, err := schema.NewCatalog(teams, &channels)
	require.NoError(t, err)
	stmt, err := Parse("SELECT Id FROM Channels")
	require.NoError(t, err)
	_, err = stmt.Plan(nil, Options{Catalog: cat})
	require.ErrorIs(t, err, ErrMissingKey)
	assert.ErrorContains(t, err, "a query on Channels needs TeamId: add WHERE TeamId = '...' or join Teams")
}

func TestChannelMessagesRecentRootsReadDelta(t *testing.T) {
	now := time.Now().UTC()
	recent := now.AddDate(0, 0, -30).Truncate(time.Second)
	gt := recent.Format(time.RFC3339Nano)
	base := "SELECT Id, ReplyToId FROM ChannelMessages WHERE TeamId = 't' AND ChannelId = 'c' AND "
	delta := "GET /teams/t/channels/c/messages/delta?$filter=lastModifiedDateTime gt "
	listing := "GET /teams/t/channels/c/messages?$expand=replies&$top=50"
	roots := "GET /teams/t/channels/c/messages?$top=50" // ReplyToId IS NULL: no replies to expand
	cases := []struct {
		where string
		args  []driver.Value
		want  string
	}{
		{"ReplyToId IS NULL AND LastModifiedDateTime > ?", []driver.Value{recent}, delta + gt + "&$top=50"},
		{"LastModifiedDateTime > ? AND (ReplyToId IS NULL)", []driver.Value{gt}, delta + gt + "&$top=50"},
		{"? < LastModifiedDateTime AND ReplyToId IS NULL ORDER BY LastModifiedDateTime DESC LIMIT 3", []driver.Value{recent}, delta + gt + "&$top=50"},
		// >= and BETWEEN: gt a millisecond earlier; an upper bound is the driver's.
		{"ReplyToId IS NULL AND LastModifiedDateTime >= ? AND LastModifiedDateTime < ?", []driver.Value{recent, now}, delta + recent.Add(-time.Millisecond).Format(time.RFC3339Nano) + "&$top=50"},
		{"ReplyToId IS NULL AND LastModifiedDateTime BETWEEN ? AND ?", []driver.Value{recent, now}, delta + recent.Add(-time.Millisecond).Format(time.RFC3339Nano) + "&$top=50"},
		// The tightest of several lower bounds.
		{"ReplyToId IS NULL AND LastModifiedDateTime > '2000-01-01' AND LastModifiedDateTime > ?", []driver.Value{recent}, delta + gt + "&$top=50"},
		// Not delta: replies wanted, no lower bound, a bound outside the
		// window or within its safety margin, an OR, another column.
		{"LastModifiedDateTime > ?", []driver.Value{recent}, listing},
		{"ReplyToId IS NOT NULL AND LastModifiedDateTime > ?", []driver.Value{recent}, listing},
		{"ReplyToId IS NULL AND LastModifiedDateTime < ?", []driver.Value{recent}, roots},
		{"ReplyToId IS NULL AND LastModifiedDateTime > ?", []driver.Value{now.AddDate(0, -9, 0)}, roots},
		{"ReplyToId IS NULL AND LastModifiedDateTime > ?", []driver.Value{now.AddDate(0, -8, 3)}, roots},
		{"(ReplyToId IS NULL OR Id = 'x') AND LastModifiedDateTime > ?", []driver.Value{recent}, listing},
		{"ReplyToId IS NULL AND (LastModifiedDateTime > ? OR Id = 'x')", []driver.Value{recent}, roots},
		{"ReplyToId IS NULL AND CreatedDateTime > ?", []driver.Value{recent}, roots},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, plan(t, base+c.where, c.args...).Explain()[0], c.where)
	}

	// Fan-out and IN keep working: the delta path takes the listing's keys.
	lines := plan(t, "SELECT Id FROM ChannelMessages WHERE TeamId = 't' AND ReplyToId IS NULL AND LastModifiedDateTime > ?", recent).Explain()
	assert.Contains(t, lines, "  GET /teams/{TeamId}/channels/{ChannelId}/messages/delta?$filter=lastModifiedDateTime gt "+gt+"&$top=50", strings.Join(lines, "\n"))
	lines = plan(t, "SELECT Id FROM ChannelMessages WHERE TeamId = 't' AND ChannelId IN ('c1', 'c2') AND ReplyToId IS NULL AND LastModifiedDateTime > ?", recent).Explain()
	assert.Equal(t, []string{
		"GET /teams/t/channels/c1/messages/delta?$filter=lastModifiedDateTime gt " + gt + "&$top=50",
		"GET /teams/t/channels/c2/messages/delta?$filter=lastModifiedDateTime gt " + gt + "&$top=50",
	}, lines[:2])
	lines = plan(t, "SELECT m.Id FROM Channels c JOIN ChannelMessages m ON m.TeamId = c.TeamId AND m.ChannelId = c.Id WHERE c.TeamId = 't' AND m.ReplyToId IS NULL AND m.LastModifiedDateTime > ?", recent).Explain()
	assert.Contains(t, strings.Join(lines, "\n"), "/messages/delta?$filter=lastModifiedDateTime gt "+gt)

	// Rows: delta items only, never their (absent in Graph) replies; the
	// driver drops what Graph returns beyond the query's predicates.
	f := &richFake{fakeGraph: &fakeGraph{pageSize: 2, collections: map[string][]string{
		"/teams/t/channels/c/messages/delta": {
			`{"id":"old","replyToId":null,"lastModifiedDateTime":"2000-01-01T00:00:00Z"}`,
			`{"id":"m1","replyToId":null,"lastModifiedDateTime":"` + recent.Add(time.Hour).Format(time.RFC3339) + `","replies":[{"id":"r1","replyToId":"m1"}]}`,
			`{"id":"m2","replyToId":null,"lastModifiedDateTime":"` + recent.Add(2*time.Hour).Format(time.RFC3339) + `"}`,
		},
	}}}
	rows := collect(t, plan(t, base+"ReplyToId IS NULL AND LastModifiedDateTime > ? ORDER BY Id DESC", recent), f)
	assert.Equal(t, [][]driver.Value{{"m2", nil}, {"m1", nil}}, rows)
	require.Len(t, f.requests, 1)
	assert.Equal(t, delta+gt+"&$top=50", strings.ReplaceAll(f.requests[0], "%20", " "))
}
