package graphtest

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"sync"
	"time"
)

// The demo's Teams content (messages, chats, apps, tabs, groups) is large, so
// it is generated once per process and shared, read-only, by every
// DemoTenant; a tenant copies it on its first change (see teamsContent).

var (
	demoContentOnce sync.Once
	demoContent     *teamsContent
)

// sharedDemoContent generates the content from a directory-only demo tenant.
func sharedDemoContent() *teamsContent {
	demoContentOnce.Do(func() {
		demoContent = generateDemoContent(demoDirectory())
	})
	return demoContent
}

// demoHistory is how far back demo messages go.
const demoHistory = 180 * 24 * time.Hour

// BigThreadReplies is the number of replies of the demo's longest thread
// (Engineering > Incidents), more than Graph inlines with $expand=replies.
const BigThreadReplies = 1020

// demoGen carries the generator's state: a PCG with a fixed seed, so the
// content is the same on every run, and the directory it draws people from.
type demoGen struct {
	rng     *rand.Rand
	t       *Tenant
	content *teamsContent
	usedIDs map[int64]bool // message ids (Unix ms) already taken
}

func generateDemoContent(t *Tenant) *teamsContent {
	g := &demoGen{rng: rand.New(rand.NewPCG(2026, 4)), t: t, content: newTeamsContent(), usedIDs: map[int64]bool{}}
	g.apps()
	for _, tm := range t.Teams() {
		g.team(tm)
	}
	g.chats()
	g.groups()
	g.presence()
	return g.content
}

// at returns an unused instant near t, so that message ids (milliseconds)
// are unique across the demo, as Teams ids are within a thread.
func (g *demoGen) at(t time.Time) time.Time {
	t = t.Truncate(time.Millisecond)
	for g.usedIDs[t.UnixMilli()] {
		t = t.Add(time.Millisecond)
	}
	g.usedIDs[t.UnixMilli()] = true
	return t
}

func (g *demoGen) pick(list []string) string { return list[g.rng.IntN(len(list))] }

var demoSentences = []string{
	"Can someone take a look at this before Friday?",
	"Thanks, that works for me.",
	"I pushed an update, please review when you have a minute.",
	"Agenda for tomorrow is in the notes, add anything I missed.",
	"Heads up: the numbers changed after the last sync.",
	"Great work everyone, the customer was really happy.",
	"I'll follow up with the vendor and report back.",
	"Do we have an owner for this yet?",
	"Moving this to next sprint, it depends on the API change.",
	"The dashboard is updated with last week's data.",
	"Who is joining the review at 3pm?",
	"Let's discuss in the weekly sync.",
	"I added comments in the doc, mostly minor.",
	"This is blocked on legal sign-off.",
	"Shipping today unless anyone objects.",
	"Reminder: submit your expenses by the end of the month.",
	"Nice! That's a big improvement.",
	"Could you share the latest version of the deck?",
	"We hit the target for the quarter 🎉",
	"I'm out tomorrow, Alex will cover for me.",
	"Is anyone else seeing timeouts on the staging environment?",
	"Draft is ready for feedback.",
	"The new process starts on Monday.",
	"Please use the template in the Files tab.",
}

var demoSubjects = []string{
	"Weekly update", "Planning for next quarter", "Question about the process", "Launch checklist",
	"Retro notes", "Budget review", "Customer feedback", "Hiring update", "Outage follow-up", "Welcome!",
}

var demoFiles = []struct{ name, kind string }{
	{"Q3 Plan.docx", "docx"}, {"Forecast.xlsx", "xlsx"}, {"Roadmap.pptx", "pptx"}, {"Contract draft.pdf", "pdf"},
	{"Architecture.vsdx", "vsdx"}, {"Notes.docx", "docx"},
}

var demoReactions = []string{"like", "like", "like", "heart", "laugh", "surprised", "sad", "angry", "👍"}

// pollCard is the adaptive card a polling app posts; Graph serves card
// content as a JSON string.
const pollCard = `{"type":"AdaptiveCard","version":"1.4","body":[{"type":"TextBlock","text":"Where should we hold the offsite?","weight":"Bolder"},{"type":"Input.ChoiceSet","id":"choice","choices":[{"title":"Lisbon","value":"1"},{"title":"Dublin","value":"2"},{"title":"Seattle","value":"3"}]}],"actions":[{"type":"Action.Submit","title":"Vote"}]}`

// member ids of a team, owners first.
func (g *demoGen) memberIDs(teamID string) []string {
	members, _ := g.t.TeamMembers(teamID)
	ids := make([]string, len(members))
	for i, m := range members {
		ids[i] = m.UserID
	}
	return ids
}

func (g *demoGen) displayName(userID string) string {
	u, _ := g.t.User(userID)
	return u.DisplayName
}

func (g *demoGen) team(tm Team) {
	members := g.memberIDs(tm.ID)
	if len(members) == 0 {
		return
	}
	channels, _ := g.t.Channels(tm.ID)
	end := Epoch
	if tm.IsArchived {
		end = Epoch.Add(-demoHistory / 2) // archived teams went quiet months ago
	}
	for i, ch := range channels {
		people := members
		if ch.MembershipType != "standard" {
			people = g.channelMembers(tm.ID, ch, members)
		}
		roots := 12 + g.rng.IntN(20)
		if i == 0 {
			roots += 15 // General is the busiest channel
		}
		g.channel(tm, ch, people, roots, end)
	}
	g.installApps(tm, channels)
}

// channelMembers gives a private or shared channel the team's owner and
// every other member.
func (g *demoGen) channelMembers(teamID string, ch Channel, members []string) []string {
	var people []string
	var list []TeamMember
	for i, id := range members {
		if i == 0 || i%2 == 1 {
			people = append(people, id)
			roles := []string{}
			if i == 0 {
				roles = []string{RoleOwner}
			}
			list = append(list, TeamMember{UserID: id, Roles: roles})
		}
	}
	g.content.channelMembers[channelKey(teamID, ch.ID)] = list
	return people
}

func (g *demoGen) channel(tm Team, ch Channel, people []string, roots int, end time.Time) {
	start := end.Add(-demoHistory)
	if ch.CreatedDateTime.After(start) {
		start = ch.CreatedDateTime
	}
	if end.Sub(start) < 30*24*time.Hour { // a young channel: give it a month of history before end
		start = end.Add(-30 * 24 * time.Hour)
	}
	span := end.Sub(start)
	threads := []channelThread{{root: g.systemEvent(start, people[0], ch)}}
	times := make([]time.Time, roots)
	for i := range times {
		times[i] = start.Add(time.Duration(g.rng.Int64N(int64(span))))
	}
	slices.SortFunc(times, func(a, b time.Time) int { return a.Compare(b) })
	for _, at := range times {
		root := g.message(at, people, true)
		th := channelThread{root: root}
		if g.rng.IntN(2) == 0 {
			th.replies = g.replies(root, people, 1+g.rng.IntN(8), end)
		}
		threads = append(threads, th)
	}
	if tm.DisplayName == "Engineering" && ch.DisplayName == "Incidents" {
		threads = append(threads, g.bigThread(people, end))
	}
	g.content.threads[channelKey(tm.ID, ch.ID)] = threads
}

func (g *demoGen) replies(root Message, people []string, n int, end time.Time) []Message {
	var out []Message
	at := root.CreatedDateTime
	for range n {
		at = at.Add(time.Duration(5+g.rng.IntN(600)) * time.Minute)
		if at.After(end) {
			break
		}
		r := g.message(at, people, false)
		r.ReplyToID = root.ID
		out = append(out, r)
	}
	return out
}

// bigThread is an incident bridge with more replies than Graph inlines.
func (g *demoGen) bigThread(people []string, end time.Time) channelThread {
	start := end.Add(-20 * 24 * time.Hour)
	root := withMessageDefaults(Message{
		CreatedDateTime: g.at(start), FromUserID: people[0], Subject: "Incident bridge: checkout latency",
		Importance: "urgent", BodyContent: "<p>Bridge for the checkout latency incident. Post every update here.</p>",
	})
	th := channelThread{root: root}
	at := start
	for i := range BigThreadReplies {
		at = at.Add(time.Duration(20+g.rng.IntN(40)) * time.Second)
		r := withMessageDefaults(Message{
			CreatedDateTime: g.at(at), FromUserID: people[i%len(people)],
			BodyContent: fmt.Sprintf("<p>Update %d: %s</p>", i+1, g.pick(demoSentences)),
		})
		r.ReplyToID = root.ID
		th.replies = append(th.replies, r)
	}
	return th
}

// systemEvent is the "members added" event that opens a channel's history;
// like Graph's, it has no sender and carries eventDetail.
func (g *demoGen) systemEvent(at time.Time, initiator string, ch Channel) Message {
	members := []any{map[string]any{"id": initiator, "displayName": nil, "userIdentityType": "aadUser", "tenantId": g.t.ID()}}
	detail := map[string]any{
		"@odata.type":                 "#microsoft.graph.membersAddedEventMessageDetail",
		"visibleHistoryStartDateTime": "0001-01-01T00:00:00Z",
		"members":                     members,
		"initiator": map[string]any{"application": nil, "device": nil, "user": map[string]any{
			"id": initiator, "displayName": nil, "userIdentityType": "aadUser", "tenantId": g.t.ID(),
		}},
	}
	if ch.DisplayName != "General" {
		detail = map[string]any{
			"@odata.type":        "#microsoft.graph.channelAddedEventMessageDetail",
			"channelId":          ch.ID,
			"channelDisplayName": ch.DisplayName,
			"initiator":          detail["initiator"],
		}
	}
	return withMessageDefaults(Message{
		CreatedDateTime: g.at(at), MessageType: "systemEventMessage",
		BodyContent: "<systemEventMessage/>", EventDetail: detail,
	})
}

// message writes one ordinary message with the demo's mix of mentions,
// files, cards, reactions, edits and deletions.
func (g *demoGen) message(at time.Time, people []string, root bool) Message {
	from := people[g.rng.IntN(len(people))]
	m := Message{CreatedDateTime: g.at(at), FromUserID: from}
	text := g.pick(demoSentences)
	body := "<p>" + text + "</p>"
	if root && g.rng.IntN(10) < 3 {
		m.Subject = g.pick(demoSubjects)
	}
	if other := people[g.rng.IntN(len(people))]; other != from && g.rng.IntN(100) < 15 {
		name := g.displayName(other)
		body = fmt.Sprintf(`<p><at id="0">%s</at> %s</p>`, name, text)
		m.Mentions = []Mention{{ID: 0, MentionText: name, UserID: other}}
	}
	switch roll := g.rng.IntN(100); {
	case roll < 6:
		f := demoFiles[g.rng.IntN(len(demoFiles))]
		id := StableGUID("demo-file", fmt.Sprint(m.CreatedDateTime.UnixMilli()))
		m.Attachments = []Attachment{{ID: id, ContentType: "reference", Name: f.name,
			ContentURL: "https://contoso.sharepoint.com/sites/Shared%20Documents/" + strings.ReplaceAll(f.name, " ", "%20")}}
		body += fmt.Sprintf(`<attachment id="%s"></attachment>`, id)
	case roll < 8 && root:
		id := StableGUID("demo-card", fmt.Sprint(m.CreatedDateTime.UnixMilli()))
		m.Attachments = []Attachment{{ID: id, ContentType: "application/vnd.microsoft.card.adaptive", Content: pollCard,
			TeamsAppID: StableGUID("teams-app", "Polly")}}
		m.FromUserID, m.FromApplication = "", &AppIdentity{ID: StableGUID("bot", "Polly"), DisplayName: "Polly"}
		body = fmt.Sprintf(`<attachment id="%s"></attachment>`, id)
	}
	m.BodyContent = body
	if g.rng.IntN(100) < 30 {
		for range 1 + g.rng.IntN(4) {
			m.Reactions = append(m.Reactions, Reaction{
				ReactionType: g.pick(demoReactions), UserID: people[g.rng.IntN(len(people))],
				CreatedDateTime: m.CreatedDateTime.Add(time.Duration(1+g.rng.IntN(120)) * time.Minute),
			})
		}
	}
	switch roll := g.rng.IntN(100); {
	case roll < 8:
		m.LastEditedDateTime = m.CreatedDateTime.Add(time.Duration(1+g.rng.IntN(30)) * time.Minute)
	case roll < 9:
		m.DeletedDateTime = m.CreatedDateTime.Add(time.Hour)
		m.LastModifiedDateTime = m.DeletedDateTime
		m.BodyContent, m.Attachments, m.Mentions, m.Reactions = "", nil, nil, nil
	}
	if n := len(m.Reactions); n > 0 && m.LastModifiedDateTime.IsZero() {
		last := m.CreatedDateTime
		for _, r := range m.Reactions {
			last = maxTime(last, r.CreatedDateTime)
		}
		m.LastModifiedDateTime = maxTime(last, m.LastEditedDateTime) // reactions change lastModifiedDateTime in Teams
	}
	return withMessageDefaults(m)
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// chats: one-on-one chats between colleagues, group chats and meeting chats.
func (g *demoGen) chats() {
	users := g.t.Users()
	var people []string
	for _, u := range users {
		if u.AccountEnabled && u.UserType == "Member" {
			people = append(people, u.ID)
		}
	}
	for i := range 16 {
		a, b := people[(i*7)%len(people)], people[(i*7+1+i%5)%len(people)]
		g.chat(Chat{ChatType: "oneOnOne", MemberIDs: []string{a, b}}, 8+g.rng.IntN(30))
	}
	topics := []string{"Offsite planning", "Release 4.2 go/no-go", "Lunch crew", "Customer escalation: Fabrikam",
		"Hiring panel: Senior PM", "Budget FY27", "Design review", "Security review", "Onboarding buddies",
		"Conference booth", "Board deck", "Office move", "Mentoring circle", "On-call swap"}
	for i, topic := range topics {
		n := 3 + i%4
		members := make([]string, 0, n)
		for j := range n {
			if id := people[(i*5+j*3)%len(people)]; !slices.Contains(members, id) {
				members = append(members, id)
			}
		}
		g.chat(Chat{ChatType: "group", Topic: topic, MemberIDs: members}, 10+g.rng.IntN(40))
	}
	meetings := []string{"Weekly sync", "Sprint review", "Quarterly business review", "All hands Q&A", "1:1 prep", "Roadmap review"}
	for i, topic := range meetings {
		members := []string{people[i], people[i+10], people[i+20], people[i+30]}
		g.chat(Chat{ChatType: "meeting", Topic: topic, MemberIDs: members}, 5+g.rng.IntN(20))
	}
	// One chat includes a guest, as chats with external users do.
	for _, u := range users {
		if u.UserType == "Guest" {
			g.chat(Chat{ChatType: "group", Topic: "Partner integration", MemberIDs: []string{people[0], people[1], u.ID}}, 12)
			break
		}
	}
}

func (g *demoGen) chat(c Chat, n int) {
	c.CreatedDateTime = Epoch.Add(-time.Duration(90+g.rng.IntN(90)) * 24 * time.Hour)
	c = g.t.withChatDefaults(c)
	rec := chatRecord{chat: c}
	at := c.CreatedDateTime
	step := Epoch.Sub(c.CreatedDateTime) / time.Duration(n+1)
	for range n {
		at = at.Add(time.Duration(g.rng.Int64N(int64(step)*2) + 1))
		if at.After(Epoch) {
			break
		}
		m := g.message(at, c.MemberIDs, false)
		m.Subject = ""
		rec.messages = append(rec.messages, m)
		c.LastUpdatedDateTime = maxTime(c.LastUpdatedDateTime, m.LastModifiedDateTime)
	}
	rec.chat = c
	g.content.chats = append(g.content.chats, rec)
	g.content.chatIndex[strings.ToLower(c.ID)] = len(g.content.chats) - 1
}

// demoApps is the tenant catalog: store apps, the organisation's own apps
// and one sideloaded app.
var demoApps = []TeamsApp{
	{ExternalID: "", DisplayName: "Planner", ShortDescription: "Plan and track tasks", Description: "Create plans, organize and assign tasks."},
	{DisplayName: "OneNote", ShortDescription: "Shared notebooks", Description: "Take notes together in a shared notebook."},
	{DisplayName: "Power BI", ShortDescription: "Reports and dashboards", Description: "Bring interactive reports into Teams."},
	{DisplayName: "Forms", ShortDescription: "Surveys and quizzes", Description: "Create surveys, quizzes and polls."},
	{DisplayName: "Whiteboard", ShortDescription: "Freeform canvas", Description: "Ideate and collaborate on a shared canvas."},
	{DisplayName: "Polly", ShortDescription: "Polls and surveys", Description: "Run quick polls in channels and chats."},
	{DisplayName: "GitHub", ShortDescription: "Repositories and pull requests", Description: "Get notified about issues and pull requests."},
	{DisplayName: "Jira Cloud", ShortDescription: "Issue tracking", Description: "Create and track Jira issues from Teams."},
	{DisplayName: "Website", ShortDescription: "Pin a web page", Description: "Show any web page as a tab."},
	{ExternalID: "3c1f8a52-contoso-expenses", DisplayName: "Contoso Expenses", DistributionMethod: "organization", ShortDescription: "File expenses", Description: "Submit and approve expense reports.", Version: "2.3.1"},
	{ExternalID: "b7e2d4f0-contoso-helpdesk", DisplayName: "Contoso Helpdesk", DistributionMethod: "organization", ShortDescription: "IT help bot", Description: "Ask IT questions and open tickets.", Version: "1.4.0"},
	{ExternalID: "e91a6c33-dev-test", DisplayName: "Release Bot (dev)", DistributionMethod: "sideloaded", ShortDescription: "Release notes bot", Description: "Posts release notes; in development.", Version: "0.9.2"},
}

func (g *demoGen) apps() {
	for i, a := range demoApps {
		if a.DistributionMethod == "" {
			a.DistributionMethod = "store"
		}
		name := a.ExternalID
		if name == "" {
			name = a.DisplayName
		}
		a.ID = StableGUID("teams-app", name)
		if a.Version == "" {
			a.Version = fmt.Sprintf("1.%d.0", i)
		}
		a.LastModifiedDateTime = Epoch.AddDate(0, -i, 0)
		g.content.apps = append(g.content.apps, a)
	}
}

func appIDNamed(name string) string {
	for _, a := range demoApps {
		if a.DisplayName == name {
			if a.ExternalID != "" {
				return StableGUID("teams-app", a.ExternalID)
			}
			return StableGUID("teams-app", name)
		}
	}
	return ""
}

// installApps installs the common apps in every team, a few more in some,
// and adds tabs to the first channels.
func (g *demoGen) installApps(tm Team, channels []Channel) {
	names := []string{"Planner", "OneNote", "Polly", "Contoso Expenses"}
	switch tm.DisplayName {
	case "Engineering":
		names = append(names, "GitHub", "Jira Cloud", "Release Bot (dev)")
	case "Sales", "Finance", "Marketing":
		names = append(names, "Power BI")
	case "Operations", "Customer Support":
		names = append(names, "Contoso Helpdesk")
	}
	key := strings.ToLower(tm.ID)
	for _, n := range names {
		g.content.installed[key] = append(g.content.installed[key], appIDNamed(n))
	}
	tabs := []struct{ app, label, url string }{
		{"Planner", "Tasks", "https://tasks.office.com/contoso.onmicrosoft.com/Home/PlanViews/"},
		{"OneNote", "Notes", "https://contoso.sharepoint.com/sites/notebooks/"},
		{"Website", "Team site", "https://contoso.sharepoint.com/sites/"},
	}
	for i, ch := range channels {
		if i > 1 {
			break
		}
		var list []TeamsTab
		for j, tb := range tabs[:2+i%2] {
			appID := appIDNamed(tb.app)
			site := tb.url + mailNickname(tm.DisplayName)
			tab := TeamsTab{
				ID: StableGUID("tab", ch.ID+"/"+tb.label), DisplayName: tb.label, TeamsAppID: appID,
				EntityID: fmt.Sprintf("%s_%d", mailNickname(tb.app), j), ContentURL: site, WebsiteURL: site,
			}
			tab.WebURL = fmt.Sprintf("https://teams.microsoft.com/l/entity/%s/%s?label=%s&tenantId=%s", appID, tab.ID, escapeThreadID(tb.label), g.t.ID())
			list = append(list, tab)
		}
		g.content.tabs[channelKey(tm.ID, ch.ID)] = list
	}
}

// groups adds directory groups that are not teams: a company-wide
// Microsoft 365 group, a distribution list and two security groups.
func (g *demoGen) groups() {
	users := g.t.Users()
	specs := []struct {
		group  Group
		filter func(User) bool
	}{
		{Group{DisplayName: "All Company", Description: "Everyone at Contoso", MailEnabled: true, GroupTypes: []string{"Unified"}, Visibility: "Public"},
			func(u User) bool { return u.UserType == "Member" }},
		{Group{DisplayName: "Seattle Office", Description: "Distribution list for the Seattle office", MailEnabled: true},
			func(u User) bool { return u.City == "Seattle" || u.City == "Redmond" }},
		{Group{DisplayName: "Security Admins", Description: "Privileged security administrators", SecurityEnabled: true},
			func(u User) bool {
				return u.JobTitle == "IT Administrator" || u.JobTitle == "Site Reliability Engineer"
			}},
		{Group{DisplayName: "VPN Users", Description: "Allowed to connect to the corporate VPN", SecurityEnabled: true},
			func(u User) bool { return u.AccountEnabled && u.UserType == "Member" && u.Department != "Legal" }},
	}
	for i, sp := range specs {
		grp := sp.group
		grp.ID = StableGUID("group", grp.DisplayName)
		grp.MailNickname = mailNickname(grp.DisplayName)
		if grp.MailEnabled {
			grp.Mail = grp.MailNickname + "@" + g.t.Domain()
		}
		grp.CreatedDateTime = Epoch.AddDate(-2, i, 0)
		rec := groupRecord{group: grp}
		for _, u := range users {
			if sp.filter(u) {
				rec.members = append(rec.members, u.ID)
			}
		}
		if len(rec.members) > 0 {
			rec.owners = []string{rec.members[0]}
		}
		g.content.groups = append(g.content.groups, rec)
		g.content.groupIndex[strings.ToLower(grp.ID)] = i
	}
}

// presence sets a few explicit presences with status messages; everyone
// else gets one derived from their id (presenceFor).
func (g *demoGen) presence() {
	statuses := []Presence{
		{"Away", "Away", "On vacation until Monday, contact Alex for urgent things"},
		{"Busy", "InAMeeting", "In workshops all day"},
		{"Available", "Available", "Working from the Dublin office this week"},
		{"DoNotDisturb", "Presenting", ""},
	}
	for i, u := range g.t.Users() {
		if i%9 == 4 {
			g.content.presence[strings.ToLower(u.ID)] = statuses[(i/9)%len(statuses)]
		}
	}
}
