package graphtest

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// demoChannel finds a demo team's channel by names.
func demoChannelIDs(t *testing.T, s *Server, team, channel string) (string, string) {
	t.Helper()
	for _, tm := range s.Tenant().Teams() {
		if tm.DisplayName != team {
			continue
		}
		channels, _ := s.Tenant().Channels(tm.ID)
		for _, ch := range channels {
			if ch.DisplayName == channel {
				return tm.ID, ch.ID
			}
		}
	}
	t.Fatalf("no channel %s > %s", team, channel)
	return "", ""
}

func messagesPath(teamID, channelID string) string {
	return "/teams/" + teamID + "/channels/" + url.PathEscape(channelID) + "/messages"
}

func TestChannelMessagesShapeAndPaging(t *testing.T) {
	s := newTestServer(t, Options{})
	token := s.IssueToken("", 0)
	teamID, channelID := demoChannelIDs(t, s, "Marketing", "General")

	first := get(t, s, token, messagesPath(teamID, channelID))
	require.Equal(t, http.StatusOK, first.status, "%v", first.body)
	page := values(t, first)
	require.Len(t, page, 20, "Graph's default page is 20 messages")
	require.NotEmpty(t, first.body["@odata.nextLink"])
	m := page[0]
	for _, prop := range messageProperties {
		assert.Contains(t, m, prop)
	}
	assert.NotContains(t, m, "replies", "replies only with $expand")
	assert.Nil(t, m["replyToId"])
	assert.Nil(t, m["chatId"])
	assert.Equal(t, map[string]any{"teamId": teamID, "channelId": channelID}, m["channelIdentity"])
	body := m["body"].(map[string]any)
	assert.Equal(t, "html", body["contentType"])
	assert.Regexp(t, `^\d{13}$`, m["id"])
	assert.Contains(t, m["webUrl"], "https://teams.microsoft.com/l/message/")

	// Newest first, and every message of the channel once across pages.
	seen := map[string]bool{}
	last := ""
	pages := 0
	for r := first; ; {
		pages++
		for _, it := range values(t, r) {
			id := it["id"].(string)
			assert.False(t, seen[id], "message %s twice", id)
			seen[id] = true
			created := it["createdDateTime"].(string)
			if last != "" {
				assert.LessOrEqual(t, created, last)
			}
			last = created
		}
		next, _ := r.body["@odata.nextLink"].(string)
		if next == "" {
			break
		}
		r = get(t, s, token, next)
		require.Equal(t, http.StatusOK, r.status)
	}
	threads, _, _ := s.Tenant().channelThreads(teamID, channelID)
	assert.Len(t, seen, len(threads))
	assert.Greater(t, pages, 1)

	top := get(t, s, token, messagesPath(teamID, channelID)+"?$top=50")
	require.Equal(t, http.StatusOK, top.status)
	assert.Len(t, values(t, top), min(50, len(threads)))

	for _, bad := range []string{"?$top=51", "?$top=0", "?$filter=" + url.QueryEscape("subject eq 'x'"),
		"?$orderby=createdDateTime", "?$expand=members", "?$search=x"} {
		r := get(t, s, token, messagesPath(teamID, channelID)+bad)
		assert.Equal(t, http.StatusBadRequest, r.status, bad)
		code, _ := graphErrorOf(t, r)
		assert.Equal(t, "BadRequest", code, bad)
	}
}

func TestChannelMessageKinds(t *testing.T) {
	s := newTestServer(t, Options{})
	token := s.IssueToken("", 0)
	var system, mention, card, file, reaction map[string]any
	for _, tm := range s.Tenant().Teams()[:4] {
		channels, _ := s.Tenant().Channels(tm.ID)
		for _, ch := range channels {
			for _, m := range values(t, get(t, s, token, messagesPath(tm.ID, ch.ID)+"?$top=50&$expand=replies")) {
				all := []map[string]any{m}
				for _, r := range m["replies"].([]any) {
					all = append(all, r.(map[string]any))
				}
				for _, it := range all {
					switch {
					case it["messageType"] == "systemEventMessage":
						system = it
					case len(it["mentions"].([]any)) > 0:
						mention = it
					}
					for _, a := range it["attachments"].([]any) {
						if a.(map[string]any)["contentType"] == "reference" {
							file = it
						} else {
							card = it
						}
					}
					if len(it["reactions"].([]any)) > 0 {
						reaction = it
					}
				}
			}
		}
	}
	require.NotNil(t, system)
	assert.Nil(t, system["from"], "system events have no sender")
	detail := system["eventDetail"].(map[string]any)
	assert.Contains(t, detail["@odata.type"], "#microsoft.graph.")
	assert.Equal(t, "<systemEventMessage/>", system["body"].(map[string]any)["content"])

	require.NotNil(t, mention)
	mm := mention["mentions"].([]any)[0].(map[string]any)
	user := mm["mentioned"].(map[string]any)["user"].(map[string]any)
	assert.NotEmpty(t, user["id"])
	assert.Equal(t, mm["mentionText"], user["displayName"])
	assert.Contains(t, mention["body"].(map[string]any)["content"], `<at id="0">`)

	require.NotNil(t, card)
	ca := card["attachments"].([]any)[0].(map[string]any)
	assert.Equal(t, "application/vnd.microsoft.card.adaptive", ca["contentType"])
	content, ok := ca["content"].(string)
	require.True(t, ok, "card content is a JSON string")
	assert.True(t, strings.HasPrefix(content, `{"type":"AdaptiveCard"`))
	assert.NotNil(t, card["from"].(map[string]any)["application"])

	require.NotNil(t, file)
	fa := file["attachments"].([]any)[0].(map[string]any)
	assert.Contains(t, fa["contentUrl"], "https://contoso.sharepoint.com/")
	assert.Nil(t, fa["content"])

	require.NotNil(t, reaction)
	re := reaction["reactions"].([]any)[0].(map[string]any)
	assert.NotEmpty(t, re["reactionType"])
	assert.NotEmpty(t, re["user"].(map[string]any)["user"].(map[string]any)["id"])

	from := mention["from"].(map[string]any)["user"].(map[string]any)
	assert.Equal(t, "#microsoft.graph.teamworkUserIdentity", from["@odata.type"])
	assert.Equal(t, "aadUser", from["userIdentityType"])
	assert.NotEmpty(t, from["displayName"])
}

func TestExpandRepliesFollowsNextLink(t *testing.T) {
	s := newTestServer(t, Options{MaxInlineReplies: 3})
	token := s.IssueToken("", 0)
	teamID, channelID := demoChannelIDs(t, s, "Engineering", "Incidents")

	var big map[string]any
	for r := get(t, s, token, messagesPath(teamID, channelID)+"?$expand=replies"); big == nil; {
		require.Equal(t, http.StatusOK, r.status)
		for _, m := range values(t, r) {
			assert.LessOrEqual(t, len(m["replies"].([]any)), 3)
			if m["subject"] == "Incident bridge: checkout latency" {
				big = m
			}
		}
		next, _ := r.body["@odata.nextLink"].(string)
		if big == nil {
			require.NotEmpty(t, next, "big thread not found")
			r = get(t, s, token, next)
		}
	}
	inline := big["replies"].([]any)
	require.Len(t, inline, 3)
	assert.Equal(t, big["id"], inline[0].(map[string]any)["replyToId"])
	link, ok := big["replies@odata.nextLink"].(string)
	require.True(t, ok, "more replies than inlined must give replies@odata.nextLink")
	assert.True(t, strings.HasPrefix(link, s.GraphURL()+"/teams/"), link)

	ids := map[string]bool{}
	for _, r := range inline {
		ids[r.(map[string]any)["id"].(string)] = true
	}
	for next := link; next != ""; {
		r := get(t, s, token, next)
		require.Equal(t, http.StatusOK, r.status, "%v", r.body)
		for _, it := range values(t, r) {
			assert.False(t, ids[it["id"].(string)])
			ids[it["id"].(string)] = true
		}
		next, _ = r.body["@odata.nextLink"].(string)
	}
	assert.Len(t, ids, BigThreadReplies)

	// Without the lowered limit, Graph's 1000 applies.
	s2 := newTestServer(t, Options{})
	r := get(t, s2, s2.IssueToken("", 0), messagesPath(teamID, channelID)+"?$expand=replies&$top=50")
	for _, m := range values(t, r) {
		if m["subject"] == "Incident bridge: checkout latency" {
			assert.Len(t, m["replies"].([]any), 1000)
			assert.Contains(t, m, "replies@odata.nextLink")
		} else {
			assert.NotContains(t, m, "replies@odata.nextLink")
		}
	}
}

func TestMessageAndReplyEntitiesAnd404s(t *testing.T) {
	s := newTestServer(t, Options{})
	token := s.IssueToken("", 0)
	teamID, channelID := demoChannelIDs(t, s, "Sales", "General")
	threads, _, _ := s.Tenant().channelThreads(teamID, channelID)
	var th channelThread
	for _, x := range threads {
		if len(x.replies) > 1 {
			th = x
		}
	}
	require.NotEmpty(t, th.root.ID)
	base := messagesPath(teamID, channelID)

	one := get(t, s, token, base+"/"+th.root.ID)
	require.Equal(t, http.StatusOK, one.status)
	assert.Equal(t, th.root.ID, one.body["id"])
	assert.Contains(t, one.body["@odata.context"], "/$entity")

	replies := get(t, s, token, base+"/"+th.root.ID+"/replies?$top=1")
	require.Equal(t, http.StatusOK, replies.status)
	require.Len(t, values(t, replies), 1)
	assert.NotEmpty(t, replies.body["@odata.nextLink"])
	newest := th.replies[len(th.replies)-1]
	assert.Equal(t, newest.ID, values(t, replies)[0]["id"], "replies newest first")
	assert.Equal(t, th.root.ID, values(t, replies)[0]["replyToId"])

	reply := get(t, s, token, base+"/"+th.root.ID+"/replies/"+newest.ID)
	require.Equal(t, http.StatusOK, reply.status)
	assert.Equal(t, th.root.ID, reply.body["replyToId"])

	assert.Equal(t, http.StatusBadRequest, get(t, s, token, base+"/"+th.root.ID+"/replies?$top=51").status)
	for _, path := range []string{
		"/teams/00000000-0000-0000-0000-000000000000/channels/" + url.PathEscape(channelID) + "/messages",
		"/teams/" + teamID + "/channels/" + url.PathEscape("19:nope@thread.tacv2") + "/messages",
		base + "/1",
		base + "/1/replies",
		base + "/" + th.root.ID + "/replies/1",
	} {
		r := get(t, s, token, path)
		assert.Equal(t, http.StatusNotFound, r.status, path)
		code, _ := graphErrorOf(t, r)
		assert.Equal(t, "NotFound", code)
	}
}

func TestChatsListRules(t *testing.T) {
	s := newTestServer(t, Options{})
	app := s.IssueToken("", 0)
	user := s.Tenant().Users()[0]

	r := get(t, s, app, "/chats")
	assert.Equal(t, http.StatusBadRequest, r.status, "Graph refuses /chats with an app-only token")
	assert.Equal(t, http.StatusBadRequest, get(t, s, app, "/me/chats").status)

	mine := get(t, s, s.IssueToken(user.ID, 0), "/me/chats")
	require.Equal(t, http.StatusOK, mine.status)
	chats := values(t, mine)
	require.NotEmpty(t, chats)
	byUser := get(t, s, app, "/users/"+user.ID+"/chats")
	require.Equal(t, http.StatusOK, byUser.status)
	assert.Equal(t, names(chats, "id"), names(values(t, byUser), "id"))
	for _, prop := range chatProperties {
		assert.Contains(t, chats[0], prop)
	}
	assert.NotContains(t, chats[0], "members")
	assert.NotNil(t, chats[0]["viewpoint"])

	all := get(t, s, s.IssueToken(user.ID, 0), "/chats?$expand=members,lastMessagePreview")
	require.Equal(t, http.StatusOK, all.status)
	for _, c := range values(t, all) {
		members := c["members"].([]any)
		require.NotEmpty(t, members)
		assert.Equal(t, "#microsoft.graph.aadUserConversationMember", members[0].(map[string]any)["@odata.type"])
		assert.NotNil(t, c["lastMessagePreview"])
	}
	types := get(t, s, app, "/users/"+user.ID+"/chats?$filter="+url.QueryEscape("chatType eq 'oneOnOne'"))
	require.Equal(t, http.StatusOK, types.status)
	for _, c := range values(t, types) {
		assert.Equal(t, "oneOnOne", c["chatType"])
		assert.Nil(t, c["topic"])
		assert.Regexp(t, `^19:.+_.+@unq\.gbl\.spaces$`, c["id"])
	}
	assert.Equal(t, http.StatusBadRequest, get(t, s, app, "/users/"+user.ID+"/chats?$top=51").status)
	assert.Equal(t, http.StatusNotFound, get(t, s, app, "/users/nobody@contoso.onmicrosoft.com/chats").status)
	assert.Equal(t, http.StatusNotFound, get(t, s, app, "/chats/"+url.PathEscape("19:nope@thread.v2")).status)
}

// allChats lists every demo chat.
func allChats(s *Server) []chatRecord { return s.Tenant().chatList() }

func TestChatMessagesOrderAndFilterRules(t *testing.T) {
	s := newTestServer(t, Options{})
	token := s.IssueToken("", 0)
	var chat chatRecord
	for _, c := range allChats(s) {
		if len(c.messages) > len(chat.messages) {
			chat = c
		}
	}
	base := "/chats/" + url.PathEscape(chat.chat.ID) + "/messages"

	r := get(t, s, token, base)
	require.Equal(t, http.StatusOK, r.status, "%v", r.body)
	msgs := values(t, r)
	assert.Len(t, msgs, min(50, len(chat.messages)))
	assert.Equal(t, chat.chat.ID, msgs[0]["chatId"])
	assert.Nil(t, msgs[0]["channelIdentity"])
	for i := 1; i < len(msgs); i++ {
		assert.GreaterOrEqual(t, msgs[i-1]["lastModifiedDateTime"], msgs[i]["lastModifiedDateTime"], "default order is lastModifiedDateTime desc")
	}

	mid := graphTimeMilli(chat.messages[len(chat.messages)/2].CreatedDateTime)
	ranged := get(t, s, token, base+"?$orderby=createdDateTime+desc&$filter="+url.QueryEscape("createdDateTime lt "+mid))
	require.Equal(t, http.StatusOK, ranged.status, "%v", ranged.body)
	require.NotEmpty(t, values(t, ranged))
	for _, m := range values(t, ranged) {
		assert.Less(t, m["createdDateTime"], mid)
	}
	lm := get(t, s, token, base+"?$orderby=lastModifiedDateTime+desc&$filter="+url.QueryEscape("lastModifiedDateTime gt "+mid+" and lastModifiedDateTime lt 2030-01-01T00:00:00Z"))
	require.Equal(t, http.StatusOK, lm.status, "%v", lm.body)
	for _, m := range values(t, lm) {
		assert.Greater(t, m["lastModifiedDateTime"], mid)
	}
	assert.Less(t, len(values(t, lm)), len(chat.messages))

	// As documented, a filter on another property than $orderby is ignored.
	ignored := get(t, s, token, base+"?$top=50&$filter="+url.QueryEscape("lastModifiedDateTime gt 2030-01-01T00:00:00Z"))
	require.Equal(t, http.StatusOK, ignored.status)
	assert.Len(t, values(t, ignored), min(50, len(chat.messages)))

	for _, bad := range []string{
		"?$orderby=createdDateTime",     // ascending
		"?$orderby=createdDateTime+asc", // ascending
		"?$orderby=subject+desc",        // not sortable
		"?$top=51",                      // over the cap
		"?$filter=" + url.QueryEscape("createdDateTime gt 2025-01-01T00:00:00Z") + "&$orderby=createdDateTime+desc", // createdDateTime takes lt only
		"?$filter=" + url.QueryEscape("subject eq 'x'"),
		"?$orderby=lastModifiedDateTime+desc&$filter=" + url.QueryEscape("lastModifiedDateTime gt 2025-01-01T00:00:00Z or lastModifiedDateTime lt 2024-01-01T00:00:00Z"),
		"?$expand=replies",
	} {
		r := get(t, s, token, base+bad)
		assert.Equal(t, http.StatusBadRequest, r.status, bad)
		graphErrorOf(t, r)
	}

	one := get(t, s, token, base+"/"+chat.messages[0].ID)
	require.Equal(t, http.StatusOK, one.status)
	assert.Equal(t, chat.messages[0].ID, one.body["id"])
	assert.Equal(t, http.StatusNotFound, get(t, s, token, base+"/1").status)

	members := get(t, s, token, "/chats/"+url.PathEscape(chat.chat.ID)+"/members")
	require.Equal(t, http.StatusOK, members.status)
	assert.Len(t, values(t, members), len(chat.chat.MemberIDs))
}

func TestBuildersCopyTheSharedDemoContent(t *testing.T) {
	a, b := DemoTenant(), DemoTenant()
	tm := a.Teams()[0]
	channels, _ := a.Channels(tm.ID)
	before, _, _ := b.channelThreads(tm.ID, channels[0].ID)

	root, err := a.AddChannelMessage(tm.ID, channels[0].ID, Message{CreatedDateTime: Epoch.Add(time.Hour), FromUserID: a.Users()[0].ID, BodyContent: "hello"})
	require.NoError(t, err)
	assert.Equal(t, "1767229200000", root.ID)
	first := before[1].root.ID
	_, err = a.AddReply(tm.ID, channels[0].ID, first, Message{CreatedDateTime: Epoch.Add(2 * time.Hour), BodyContent: "re"})
	require.NoError(t, err)
	_, err = a.AddReply(tm.ID, channels[0].ID, "nope", Message{})
	assert.Error(t, err)

	afterA, _, _ := a.channelThreads(tm.ID, channels[0].ID)
	afterB, _, _ := b.channelThreads(tm.ID, channels[0].ID)
	assert.Len(t, afterA, len(before)+1)
	assert.Len(t, afterB, len(before), "another demo tenant is unchanged")
	assert.Len(t, afterB[1].replies, len(before[1].replies))
	assert.Len(t, afterA[1].replies, len(before[1].replies)+1)
	assert.Len(t, DemoTenant().readContent().threads[channelKey(tm.ID, channels[0].ID)], len(before))

	chat, err := a.AddChat(Chat{Topic: "Builder test", MemberIDs: []string{a.Users()[0].ID, a.Users()[1].ID}})
	require.NoError(t, err)
	_, err = a.AddChatMessage(chat.ID, Message{CreatedDateTime: Epoch.Add(time.Minute), FromUserID: a.Users()[0].ID})
	require.NoError(t, err)
	assert.Equal(t, len(b.chatList())+1, len(a.chatList()))
	_, err = a.AddChat(Chat{MemberIDs: []string{"nobody"}})
	assert.Error(t, err)
	_, err = a.AddChatMessage("nope", Message{})
	assert.Error(t, err)
}

func TestChannelMessagesDelta(t *testing.T) {
	s := newTestServer(t, Options{})
	token := s.IssueToken("", 0)
	teamID, channelID := demoChannelIDs(t, s, "Design", "General")
	threads, _, _ := s.Tenant().channelThreads(teamID, channelID)
	base := messagesPath(teamID, channelID) + "/delta"

	var seen int
	var deltaLink, last string
	for r := get(t, s, token, base+"?$top=10"); ; {
		require.Equal(t, http.StatusOK, r.status, "%v", r.body)
		for _, m := range values(t, r) {
			assert.GreaterOrEqual(t, m["lastModifiedDateTime"], last, "oldest change first")
			last = m["lastModifiedDateTime"].(string)
			seen++
		}
		if next, _ := r.body["@odata.nextLink"].(string); next != "" {
			assert.NotContains(t, r.body, "@odata.deltaLink")
			r = get(t, s, token, next)
			continue
		}
		deltaLink, _ = r.body["@odata.deltaLink"].(string)
		break
	}
	assert.Equal(t, len(threads), seen)
	require.NotEmpty(t, deltaLink)
	assert.Empty(t, values(t, get(t, s, token, deltaLink)), "nothing changed since")

	_, err := s.Tenant().AddChannelMessage(teamID, channelID, Message{CreatedDateTime: Epoch.Add(time.Hour), FromUserID: s.Tenant().Users()[0].ID})
	require.NoError(t, err)
	changed := get(t, s, token, deltaLink)
	require.Equal(t, http.StatusOK, changed.status)
	assert.Len(t, values(t, changed), 1)

	since := get(t, s, token, base+"?$filter="+url.QueryEscape("lastModifiedDateTime gt "+last))
	require.Equal(t, http.StatusOK, since.status, "%v", since.body)
	assert.Len(t, values(t, since), 1)
	for _, bad := range []string{"?$filter=" + url.QueryEscape("lastModifiedDateTime lt 2025-01-01T00:00:00Z"), "?$top=51", "?$deltatoken=garbage", "?$orderby=createdDateTime+desc"} {
		assert.Equal(t, http.StatusBadRequest, get(t, s, token, base+bad).status, bad)
	}
}
