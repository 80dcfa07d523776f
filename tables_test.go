package msteams_test

import (
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/teamsql/msteams"
	"github.com/teamsql/msteams/graphtest"
	"github.com/teamsql/msteams/schema"
)

// firstIDs returns ids from a query, failing when there are none.
func firstIDs(t *testing.T, rows [][]string, n int) []string {
	t.Helper()
	require.NotEmpty(t, rows)
	var out []string
	for _, r := range rows[:min(n, len(rows))] {
		out = append(out, r[0])
	}
	return out
}

// TestEveryTableReturnsRows reads each table of the catalog through
// database/sql with the keys it needs and checks its columns.
func TestEveryTableReturnsRows(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	team := firstIDs(t, queryStrings(t, db, "SELECT Id FROM Teams ORDER BY DisplayName"), 1)[0]
	channel := firstIDs(t, queryStrings(t, db, "SELECT Id FROM Channels WHERE TeamId = ?", team), 1)[0]
	user := firstIDs(t, queryStrings(t, db, "SELECT Id FROM Users ORDER BY DisplayName LIMIT 1"), 1)[0]
	chat := firstIDs(t, queryStrings(t, db, "SELECT Id FROM Chats WHERE UserId = ?", user), 1)[0]
	message := firstIDs(t, queryStrings(t, db, "SELECT Id FROM ChannelMessages WHERE TeamId = ? AND ChannelId = ? AND ReplyToId IS NULL", team, channel), 1)[0]
	group := firstIDs(t, queryStrings(t, db, "SELECT Id FROM Groups"), 1)[0]
	where := map[string]string{
		"Channels":               "TeamId = '" + team + "'",
		"ChannelMessages":        "TeamId = '" + team + "' AND ChannelId = '" + channel + "'",
		"MessageReplies":         "TeamId = '" + team + "' AND ChannelId = '" + channel + "' AND MessageId = '" + message + "'",
		"Chats":                  "UserId = '" + user + "'",
		"ChatMessages":           "ChatId = '" + chat + "'",
		"ChatMessageAttachments": "ChatId = '" + chat + "'",
		"ChatMessageMentions":    "ChatId = '" + chat + "'",
		"TeamMembers":            "TeamId = '" + team + "'",
		"ChannelMembers":         "TeamId = '" + team + "' AND ChannelId = '" + channel + "'",
		"ChatMembers":            "ChatId = '" + chat + "'",
		"TeamTabs":               "TeamId = '" + team + "' AND ChannelId = '" + channel + "'",
		"TeamsInstalledApps":     "TeamId = '" + team + "'",
		"GroupMembers":           "GroupId = '" + group + "'",
		"GroupOwners":            "GroupId = '" + group + "'",
		"JoinedTeams":            "UserId = '" + user + "'",
		"UserPresence":           "Id = '" + user + "'",
	}
	// Attachments and mentions are sparse: any chat's will do.
	sparse := map[string]bool{"ChatMessageAttachments": true, "ChatMessageMentions": true, "MessageReplies": true}
	for _, tbl := range schema.Default.Tables() {
		t.Run(tbl.Name, func(t *testing.T) {
			query := "SELECT * FROM " + tbl.Name
			if w := where[tbl.Name]; w != "" {
				query += " WHERE " + w
			}
			rows, err := db.QueryContext(testContext(t), query+" LIMIT 20")
			require.NoError(t, err)
			defer rows.Close()
			cols, err := rows.Columns()
			require.NoError(t, err)
			require.Len(t, cols, len(tbl.Columns))
			for i, c := range tbl.Columns {
				assert.Equal(t, c.Name, cols[i])
			}
			n := 0
			for rows.Next() {
				n++
			}
			require.NoError(t, rows.Err())
			if !sparse[tbl.Name] {
				assert.Positive(t, n, "no rows from %s", query)
			}
		})
	}
	_ = srv
}

func TestChannelMessagesBoundKeysOneRequestPerPage(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	team := firstIDs(t, queryStrings(t, db, "SELECT Id FROM Teams ORDER BY DisplayName"), 1)[0]
	channel := firstIDs(t, queryStrings(t, db, "SELECT Id FROM Channels WHERE TeamId = ?", team), 1)[0]
	srv.ResetRequests()
	rows := queryStrings(t, db, "SELECT Id, ReplyToId, FromUserDisplayName, BodyContentType FROM ChannelMessages WHERE TeamId = ? AND ChannelId = ?", team, channel)
	reqs := graphRequests(srv)
	require.NotEmpty(t, reqs)
	for _, r := range reqs {
		assert.True(t, strings.HasSuffix(r.Path, "/teams/"+team+"/channels/"+channel+"/messages"), describeRequests(reqs))
		assert.Equal(t, "replies", r.Query.Get("$expand"))
		assert.Empty(t, r.Query.Get("$select"), "Graph supports no $select on channel messages")
		assert.Empty(t, r.Query.Get("$filter"))
		if r.Query.Get("$skiptoken") == "" {
			assert.Equal(t, "50", r.Query.Get("$top"))
		}
	}
	roots, replies := 0, 0
	for _, r := range rows {
		if r[1] == "NULL" {
			roots++
		} else {
			replies++
		}
	}
	assert.Greater(t, roots, 0)
	assert.Greater(t, replies, 0, "replies are rows with ReplyToId set")
	assert.Greater(t, len(rows), 50, "more than one page")
	assert.GreaterOrEqual(t, len(reqs), (roots+49)/50)
}

func TestChannelMessagesFanOutWalksTeamsAndChannels(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	team := firstIDs(t, queryStrings(t, db, "SELECT Id FROM Teams ORDER BY DisplayName"), 1)[0]
	channels := queryStrings(t, db, "SELECT Id FROM Channels WHERE TeamId = ?", team)
	srv.ResetRequests()
	rows := queryStrings(t, db, "SELECT FromUserDisplayName, ChannelId FROM ChannelMessages WHERE TeamId = ?", team)
	require.NotEmpty(t, rows)
	reqs := graphRequests(srv)
	assert.True(t, strings.HasSuffix(reqs[0].Path, "/teams/"+team+"/channels"), describeRequests(reqs))
	seen := map[string]bool{}
	for _, r := range reqs[1:] {
		assert.Contains(t, r.Path, "/teams/"+team+"/channels/", "only the bound team is read")
		seen[r.Path] = true
	}
	assert.Len(t, seen, len(channels), "one listing per channel:\n%s", describeRequests(reqs))

	srv.ResetRequests()
	queryStrings(t, db, "SELECT Id FROM ChannelMessages LIMIT 1")
	reqs = graphRequests(srv)
	assert.True(t, strings.HasSuffix(reqs[0].Path, "/v1.0/teams"), "without keys the driver lists teams first:\n%s", describeRequests(reqs))
}

func TestChatMessagesOrderAndRangePushdown(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	user := firstIDs(t, queryStrings(t, db, "SELECT Id FROM Users ORDER BY DisplayName LIMIT 1"), 1)[0]
	chat := firstIDs(t, queryStrings(t, db, "SELECT Id FROM Chats WHERE UserId = ?", user), 1)[0]
	all := queryStrings(t, db, "SELECT Id, LastModifiedDateTime FROM ChatMessages WHERE ChatId = ?", chat)
	require.NotEmpty(t, all)

	srv.ResetRequests()
	rows := queryStrings(t, db, "SELECT Id, LastModifiedDateTime FROM ChatMessages WHERE ChatId = ? AND LastModifiedDateTime > '2000-01-01' ORDER BY LastModifiedDateTime DESC LIMIT 3", chat)
	reqs := graphRequests(srv)
	require.Len(t, reqs, 1, describeRequests(reqs))
	assert.Equal(t, "lastModifiedDateTime desc", reqs[0].Query.Get("$orderby"))
	assert.Equal(t, "lastModifiedDateTime gt 2000-01-01T00:00:00Z", reqs[0].Query.Get("$filter"))
	assert.Equal(t, "3", reqs[0].Query.Get("$top"))
	require.Len(t, rows, min(3, len(all)))
	for i := 1; i < len(rows); i++ {
		assert.GreaterOrEqual(t, rows[i-1][1], rows[i][1], "newest first")
	}

	// Ascending order is not Graph's: the driver sorts, and the range
	// filter still brings its $orderby along.
	srv.ResetRequests()
	rows = queryStrings(t, db, "SELECT Id, CreatedDateTime FROM ChatMessages WHERE ChatId = ? AND CreatedDateTime < '2100-01-01' ORDER BY CreatedDateTime", chat)
	reqs = graphRequests(srv)
	assert.Equal(t, "createdDateTime desc", reqs[0].Query.Get("$orderby"))
	assert.Equal(t, "createdDateTime lt 2100-01-01T00:00:00Z", reqs[0].Query.Get("$filter"))
	assert.Len(t, rows, len(all))
	for i := 1; i < len(rows); i++ {
		assert.LessOrEqual(t, rows[i-1][1], rows[i][1], "oldest first")
	}
}

func TestUserPresenceBatchesIDs(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	users := queryStrings(t, db, "SELECT Id FROM Users")
	srv.ResetRequests()
	rows := queryStrings(t, db, "SELECT Id, Availability, Activity FROM UserPresence")
	assert.Len(t, rows, len(users))
	var posts int
	for _, r := range graphRequests(srv) {
		if r.Method == "POST" {
			posts++
			assert.True(t, strings.HasSuffix(r.Path, "/communications/getPresencesByUserId"))
		}
	}
	assert.Equal(t, (len(users)+649)/650, posts, "650 ids a request")

	srv.ResetRequests()
	two := firstIDs(t, users, 2)
	rows = queryStrings(t, db, "SELECT Id FROM UserPresence WHERE Id IN (?, ?)", two[0], two[1])
	assert.ElementsMatch(t, two, column(rows, 0))
	reqs := graphRequests(srv)
	require.Len(t, reqs, 1, "bound ids need no user listing:\n%s", describeRequests(reqs))
	assert.Equal(t, "POST", reqs[0].Method)
}

func TestGroupByMessageSenderInTeam(t *testing.T) {
	_, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	team := firstIDs(t, queryStrings(t, db, "SELECT Id FROM Teams ORDER BY DisplayName"), 1)[0]
	rows := queryStrings(t, db, "SELECT FromUserDisplayName, BodyContent FROM ChannelMessages WHERE TeamId = ?", team)
	require.NotEmpty(t, rows)
	named := 0
	for _, r := range rows {
		if r[0] != "NULL" {
			named++
		}
	}
	assert.Positive(t, named, "FromUserDisplayName is flattened from from.user.displayName")
}

func TestMissingKeyUnderApplicationPermissions(t *testing.T) {
	_, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	for _, query := range []string{"SELECT Id FROM JoinedTeams", "SELECT Id FROM Chats"} {
		_, err := db.QueryContext(testContext(t), query)
		require.Error(t, err, query)
		assert.ErrorIs(t, err, msteams.ErrMissingKey)
		assert.ErrorIs(t, err, msteams.ErrBadRequest, "Graph's own error stays matchable")
		assert.ErrorContains(t, err, "WHERE UserId = '...'")
		assert.ErrorContains(t, err, "Users lists the values")
	}
}

// Graph inlines only some replies under $expand=replies and links to the
// rest; the driver follows replies@odata.nextLink so no reply is lost.
func TestChannelMessagesFollowReplyLinks(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{MaxInlineReplies: 2})
	db := openDB(t, dsn)
	team := firstIDs(t, queryStrings(t, db, "SELECT Id FROM Teams WHERE DisplayName = 'Engineering'"), 1)[0]
	channels := queryStrings(t, db, "SELECT Id FROM Channels WHERE TeamId = ?", team)

	srv.ResetRequests()
	total := 0
	for _, c := range channels {
		rows := queryStrings(t, db, "SELECT COUNT(*) FROM ChannelMessages WHERE TeamId = ? AND ChannelId = ? AND ReplyToId IS NOT NULL", team, c[0])
		n, err := strconv.Atoi(rows[0][0])
		require.NoError(t, err)
		total += n
	}
	want := 0
	for _, c := range channels {
		for _, m := range srv.Tenant().ChannelMessages(team, c[0]) {
			if m.ReplyToID != "" {
				want++
			}
		}
	}
	assert.Equal(t, want, total)
	followed := 0
	for _, r := range graphRequests(srv) {
		if strings.HasSuffix(r.Path, "/replies") {
			followed++
		}
	}
	assert.Greater(t, followed, 0, "replies beyond the inline two are read through replies@odata.nextLink")
}
