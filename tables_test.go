package msteams_test

import (
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

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

// TestChannelMessagesRecentRootsReadDelta: root messages changed since a
// recent time come from Graph's delta function, with the same rows the
// listing gives; older bounds and queries that want replies list.
func TestChannelMessagesRecentRootsReadDelta(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	team := firstIDs(t, queryStrings(t, db, "SELECT Id FROM Teams ORDER BY DisplayName"), 1)[0]
	channels := queryStrings(t, db, "SELECT Id FROM Channels WHERE TeamId = ? ORDER BY DisplayName", team)
	require.GreaterOrEqual(t, len(channels), 2)
	channel := channels[0][0]

	// The demo data ends at graphtest.Epoch, outside delta's window: add
	// recent roots (one edited late, one with a reply) and an old one.
	now := time.Now().UTC().Truncate(time.Millisecond)
	day := 24 * time.Hour
	user := srv.Tenant().Users()[0].ID
	add := func(channel string, m graphtest.Message) graphtest.Message {
		m.FromUserID = user
		added, err := srv.Tenant().AddChannelMessage(team, channel, m)
		require.NoError(t, err)
		return added
	}
	add(channel, graphtest.Message{CreatedDateTime: now.Add(-300 * day), BodyContent: "old"})
	early := add(channel, graphtest.Message{CreatedDateTime: now.Add(-60 * day), BodyContent: "before the bound"})
	edited := add(channel, graphtest.Message{CreatedDateTime: now.Add(-70 * day), LastEditedDateTime: now.Add(-2 * day), BodyContent: "edited"})
	mid := add(channel, graphtest.Message{CreatedDateTime: now.Add(-20 * day), BodyContent: "recent"})
	late := add(channel, graphtest.Message{CreatedDateTime: now.Add(-5 * day), BodyContent: "recent too"})
	_, err := srv.Tenant().AddReply(team, channel, mid.ID, graphtest.Message{CreatedDateTime: now.Add(-4 * day), FromUserID: user, BodyContent: "a reply"})
	require.NoError(t, err)
	other := add(channels[1][0], graphtest.Message{CreatedDateTime: now.Add(-3 * day), BodyContent: "another channel"})
	bound := now.Add(-30 * day)

	ids := func(query string, args ...any) []string {
		t.Helper()
		var out []string
		for _, r := range queryStrings(t, db, query, args...) {
			out = append(out, r[0])
		}
		sort.Strings(out)
		return out
	}
	deltaReqs := func() (delta, listing []graphtest.Request) {
		for _, r := range graphRequests(srv) {
			switch {
			case strings.HasSuffix(r.Path, "/messages/delta"):
				delta = append(delta, r)
			case strings.HasSuffix(r.Path, "/messages"):
				listing = append(listing, r)
			}
		}
		return delta, listing
	}
	const keys = "SELECT Id FROM ChannelMessages WHERE TeamId = ? AND ChannelId = ? AND "

	// The listing's answer, with the root condition in a form delta's rule
	// does not recognise.
	srv.ResetRequests()
	want := ids(keys+"COALESCE(ReplyToId, '') = '' AND LastModifiedDateTime > ? AND CONCAT(Id, '') = Id", team, channel, bound)
	delta, listing := deltaReqs()
	require.Empty(t, delta, describeRequests(graphRequests(srv)))
	require.NotEmpty(t, listing)
	assert.ElementsMatch(t, []string{edited.ID, mid.ID, late.ID}, want)

	srv.ResetRequests()
	got := ids(keys+"ReplyToId IS NULL AND LastModifiedDateTime > ?", team, channel, bound)
	delta, listing = deltaReqs()
	assert.Empty(t, listing, describeRequests(graphRequests(srv)))
	require.Len(t, delta, 1, describeRequests(graphRequests(srv)))
	assert.True(t, strings.HasSuffix(delta[0].Path, "/teams/"+team+"/channels/"+channel+"/messages/delta"), delta[0].Path)
	assert.Equal(t, "lastModifiedDateTime gt "+bound.Format(time.RFC3339Nano), delta[0].Query.Get("$filter"))
	assert.Equal(t, "50", delta[0].Query.Get("$top"))
	assert.Empty(t, delta[0].Query.Get("$expand"))
	assert.Equal(t, want, got)

	// Other predicates run in the driver as before; >= is inclusive;
	// an upper bound is the driver's.
	assert.Equal(t, want, ids(keys+"ReplyToId IS NULL AND LastModifiedDateTime > ? AND CONCAT(Id, '') = Id", team, channel, bound))
	srv.ResetRequests()
	assert.Equal(t, ids(keys+"COALESCE(ReplyToId, '') = '' AND LastModifiedDateTime >= ?", team, channel, mid.CreatedDateTime),
		ids(keys+"ReplyToId IS NULL AND LastModifiedDateTime >= ?", team, channel, mid.CreatedDateTime))
	delta, _ = deltaReqs()
	require.Len(t, delta, 1)
	assert.Equal(t, "lastModifiedDateTime gt "+mid.CreatedDateTime.Add(-time.Millisecond).Format(time.RFC3339Nano), delta[0].Query.Get("$filter"))
	assert.Equal(t, []string{mid.ID}, ids(keys+"ReplyToId IS NULL AND LastModifiedDateTime > ? AND LastModifiedDateTime < ?", team, channel, bound, now.Add(-10*day)))

	// Delta pages like the listing.
	paged := openDB(t, dsn+";Pagesize=1")
	srv.ResetRequests()
	assert.Equal(t, want, func() []string {
		var out []string
		for _, r := range queryStrings(t, paged, keys+"ReplyToId IS NULL AND LastModifiedDateTime > ?", team, channel, bound) {
			out = append(out, r[0])
		}
		sort.Strings(out)
		return out
	}())
	delta, _ = deltaReqs()
	assert.Len(t, delta, len(want), "a page a row:\n%s", describeRequests(graphRequests(srv)))

	// Fan-out over the team's channels reads each channel's delta.
	srv.ResetRequests()
	fanned := ids("SELECT Id FROM ChannelMessages WHERE TeamId = ? AND ReplyToId IS NULL AND LastModifiedDateTime > ?", team, bound)
	delta, listing = deltaReqs()
	assert.Empty(t, listing)
	assert.Len(t, delta, len(channels), describeRequests(graphRequests(srv)))
	assert.ElementsMatch(t, append(want, other.ID), fanned)

	// EXPLAIN shows the delta request.
	plan := queryStrings(t, db, "EXPLAIN "+keys+"ReplyToId IS NULL AND LastModifiedDateTime > ?", team, channel, bound)
	assert.Contains(t, plan[0][0], "/messages/delta?$filter=lastModifiedDateTime gt "+bound.Format(time.RFC3339Nano))

	// Not delta: a bound older than the window, or replies wanted.
	old := now.AddDate(0, -9, 0)
	srv.ResetRequests()
	assert.Equal(t, ids(keys+"COALESCE(ReplyToId, '') = '' AND LastModifiedDateTime > ?", team, channel, old),
		ids(keys+"ReplyToId IS NULL AND LastModifiedDateTime > ?", team, channel, old))
	delta, listing = deltaReqs()
	assert.Empty(t, delta, describeRequests(graphRequests(srv)))
	assert.NotEmpty(t, listing)
	assert.Contains(t, ids(keys+"ReplyToId IS NULL AND LastModifiedDateTime > ?", team, channel, old), early.ID)

	srv.ResetRequests()
	withReplies := ids(keys+"LastModifiedDateTime > ?", team, channel, bound)
	delta, listing = deltaReqs()
	assert.Empty(t, delta, describeRequests(graphRequests(srv)))
	assert.NotEmpty(t, listing)
	assert.Len(t, withReplies, len(want)+1, "the reply too")
}

// Replies always have ReplyToId set, so a query for root messages asks
// Graph for no replies at all.
func TestRootMessagesSkipReplies(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{})
	db := openDB(t, dsn)
	team := firstIDs(t, queryStrings(t, db, "SELECT Id FROM Teams WHERE DisplayName = 'Engineering'"), 1)[0]
	channel := firstIDs(t, queryStrings(t, db, "SELECT Id FROM Channels WHERE TeamId = ? AND DisplayName = 'General'", team), 1)[0]
	want := 0
	for _, m := range srv.Tenant().ChannelMessages(team, channel) {
		if m.ReplyToID == "" {
			want++
		}
	}
	srv.ResetRequests()
	rows := queryStrings(t, db, "SELECT COUNT(*) FROM ChannelMessages WHERE TeamId = ? AND ChannelId = ? AND ReplyToId IS NULL", team, channel)
	assert.Equal(t, strconv.Itoa(want), rows[0][0])
	for _, r := range graphRequests(srv) {
		assert.Empty(t, r.Query.Get("$expand"), r.Path)
	}
}
