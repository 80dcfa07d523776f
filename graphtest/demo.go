package graphtest

import (
	"fmt"
	"strings"
	"time"
)

// DemoDomain is the demo tenant's domain.
const DemoDomain = "contoso.onmicrosoft.com"

// offices: location name, city, country, usage location.
var demoOffices = map[string][4]string{
	"Seattle":   {"Building 18/2101", "Seattle", "United States", "US"},
	"Redmond":   {"Building 32/1150", "Redmond", "United States", "US"},
	"New York":  {"Floor 14, 11 Times Sq", "New York", "United States", "US"},
	"London":    {"Paddington 3.21", "London", "United Kingdom", "GB"},
	"Dublin":    {"One Microsoft Place 2.04", "Dublin", "Ireland", "IE"},
	"Berlin":    {"Unter den Linden 5.12", "Berlin", "Germany", "DE"},
	"Paris":     {"Issy 39 Quai 4.08", "Paris", "France", "FR"},
	"Bengaluru": {"Signature Tower B 6.3", "Bengaluru", "India", "IN"},
	"Sydney":    {"1 Epping Rd 7.14", "Sydney", "Australia", "AU"},
}

// demoPeople is the demo directory: six people in each of eight departments
// plus a handful elsewhere. A few accounts are disabled (people who left).
var demoPeople = []struct {
	given, surname, department, jobTitle, site string
	disabled                                   bool
}{
	{"Adele", "Vance", "Engineering", "Principal Software Engineer", "Seattle", false},
	{"Alex", "Wilber", "Engineering", "Software Engineer II", "Redmond", false},
	{"Diego", "Siciliani", "Engineering", "Engineering Manager", "Redmond", false},
	{"Grady", "Archie", "Engineering", "Senior Software Engineer", "Dublin", false},
	{"Henrietta", "Mueller", "Engineering", "Site Reliability Engineer", "Berlin", false},
	{"Priya", "Raman", "Engineering", "Software Engineer", "Bengaluru", false},
	{"Isaiah", "Langer", "Engineering", "Software Engineer", "Seattle", true},
	{"Johanna", "Lorenz", "Marketing", "Marketing Director", "Berlin", false},
	{"Joni", "Sherman", "Marketing", "Content Strategist", "New York", false},
	{"Lee", "Gu", "Marketing", "Product Marketing Manager", "Seattle", false},
	{"Lidia", "Holloway", "Marketing", "Brand Designer", "London", false},
	{"Lynne", "Robbins", "Marketing", "Social Media Specialist", "Sydney", false},
	{"Megan", "Bowen", "Marketing", "Marketing Manager", "Redmond", false},
	{"Miriam", "Graham", "Sales", "Sales Director", "New York", false},
	{"Nestor", "Wilke", "Sales", "Account Executive", "New York", false},
	{"Patti", "Fernandez", "Sales", "Regional Sales Manager", "Paris", false},
	{"Pradeep", "Gupta", "Sales", "Account Executive", "Bengaluru", false},
	{"Raul", "Razo", "Sales", "Sales Engineer", "Seattle", false},
	{"Sofia", "Alvarez", "Sales", "Inside Sales Representative", "Dublin", false},
	{"Christie", "Cline", "Sales", "Account Executive", "London", true},
	{"Enrico", "Cattaneo", "Finance", "Chief Financial Officer", "Redmond", false},
	{"Irvin", "Sayers", "Finance", "Financial Analyst", "Redmond", false},
	{"Amelie", "Dubois", "Finance", "Controller", "Paris", false},
	{"Kenji", "Watanabe", "Finance", "Accounts Payable Specialist", "Sydney", false},
	{"Olga", "Petrov", "Finance", "Tax Manager", "Berlin", false},
	{"Tomas", "Novak", "Finance", "Financial Analyst", "Dublin", false},
	{"Alice", "Nguyen", "Human Resources", "HR Director", "Seattle", false},
	{"Brian", "Okafor", "Human Resources", "Talent Acquisition Partner", "London", false},
	{"Carmen", "Ortiz", "Human Resources", "HR Business Partner", "New York", false},
	{"David", "Kim", "Human Resources", "Payroll Specialist", "Redmond", false},
	{"Elena", "Rossi", "Human Resources", "Learning Coordinator", "Paris", false},
	{"Farah", "Haddad", "Human Resources", "Recruiter", "Dublin", true},
	{"Gabriel", "Santos", "Product", "Director of Product", "Seattle", false},
	{"Hannah", "Schmidt", "Product", "Senior Product Manager", "Berlin", false},
	{"Ivan", "Horvat", "Product", "Product Manager", "London", false},
	{"Julia", "Andersson", "Product", "Product Analyst", "Dublin", false},
	{"Kwame", "Mensah", "Product", "Product Manager", "New York", false},
	{"Laura", "Bianchi", "Product", "UX Researcher", "Paris", false},
	{"Mateo", "Garcia", "Customer Support", "Support Manager", "Dublin", false},
	{"Nadia", "Khan", "Customer Support", "Support Engineer", "Bengaluru", false},
	{"Oscar", "Lindqvist", "Customer Support", "Support Engineer", "London", false},
	{"Paula", "Silva", "Customer Support", "Customer Success Manager", "Sydney", false},
	{"Quinn", "Murphy", "Customer Support", "Support Engineer", "Seattle", false},
	{"Rosa", "Martinez", "Customer Support", "Escalation Engineer", "Redmond", false},
	{"Samuel", "Cohen", "Legal", "General Counsel", "Redmond", false},
	{"Tara", "Singh", "Legal", "Corporate Counsel", "London", false},
	{"Umar", "Farouk", "Legal", "Paralegal", "New York", false},
	{"Valerie", "Dupont", "Legal", "Privacy Officer", "Paris", false},
	{"William", "Chen", "Operations", "Chief Operating Officer", "Seattle", false},
	{"Xenia", "Popescu", "Operations", "Operations Manager", "Berlin", false},
	{"Yusuf", "Demir", "Operations", "IT Administrator", "Redmond", false},
	{"Zoe", "Taylor", "Operations", "Facilities Coordinator", "Sydney", false},
	{"Aaron", "Brooks", "Design", "Design Director", "Seattle", false},
	{"Bianca", "Moretti", "Design", "Senior UX Designer", "Paris", false},
	{"Caleb", "Wright", "Design", "Visual Designer", "New York", false},
	{"Daria", "Ivanova", "Design", "Interaction Designer", "Berlin", false},
}

// demoGuests are external users invited into the tenant; like real guests
// they have no department or job title.
var demoGuests = []struct{ given, surname, mail string }{
	{"Jordan", "Miller", "jordan.miller@fabrikam.com"},
	{"Kai", "Nakamura", "kai.nakamura@northwindtraders.com"},
}

// demoTeams lists the demo teams; each team's department members join it and
// the first member of the department owns it.
var demoTeams = []struct {
	name, description, visibility string
	channels                      []demoChannel
	extraMembers                  []string // "given surname" of members from other departments
	guests                        []string // guest mail addresses
	archived                      bool
}{
	{"Engineering", "Platform, services and developer tooling", "private", []demoChannel{
		{"General", "", "standard"}, {"Backend", "Services and APIs", "standard"}, {"Frontend", "Web and desktop clients", "standard"},
		{"Incidents", "On-call coordination", "private"}, {"Release Train", "Cross-team release planning", "shared"},
	}, []string{"Gabriel Santos", "Yusuf Demir"}, []string{"jordan.miller@fabrikam.com"}, false},
	{"Marketing", "Campaigns, brand and events", "public", []demoChannel{
		{"General", "", "standard"}, {"Campaigns", "Campaign planning and results", "standard"}, {"Brand", "Brand guidelines and assets", "standard"},
		{"Events", "Conferences and webinars", "standard"}, {"Budget", "Marketing spend", "private"},
	}, []string{"Lee Gu"}, nil, false},
	{"Sales", "Pipeline, deals and customers", "private", []demoChannel{
		{"General", "", "standard"}, {"EMEA", "Europe, Middle East and Africa", "standard"}, {"Americas", "North and South America", "standard"},
		{"APAC", "Asia Pacific", "standard"}, {"Deal Desk", "Pricing approvals", "private"}, {"Enablement", "Training and playbooks", "standard"},
	}, []string{"Raul Razo"}, []string{"kai.nakamura@northwindtraders.com"}, false},
	{"Finance", "Planning, accounting and reporting", "private", []demoChannel{
		{"General", "", "standard"}, {"Month-End Close", "Close checklist", "standard"}, {"Forecasting", "Quarterly forecasts", "standard"},
		{"Audit", "Internal and external audit", "private"},
	}, []string{"William Chen"}, nil, false},
	{"Human Resources", "People, hiring and benefits", "private", []demoChannel{
		{"General", "", "standard"}, {"Recruiting", "Open roles and candidates", "standard"}, {"Benefits", "Benefits questions", "standard"},
		{"Onboarding", "New hire onboarding", "standard"}, {"Compensation", "Pay reviews", "private"},
	}, nil, nil, false},
	{"Product", "Roadmap, research and specs", "public", []demoChannel{
		{"General", "", "standard"}, {"Roadmap", "What we build next", "standard"}, {"Research", "User research findings", "standard"},
		{"Feedback", "Customer feedback triage", "standard"}, {"Release Train", "Cross-team release planning with Engineering", "shared"},
	}, []string{"Adele Vance", "Aaron Brooks"}, nil, false},
	{"Customer Support", "Helping customers succeed", "public", []demoChannel{
		{"General", "", "standard"}, {"Escalations", "Tier 2 and 3 escalations", "standard"}, {"Knowledge Base", "Articles and macros", "standard"},
		{"Shift Handover", "Follow-the-sun handover", "private"},
	}, []string{"Diego Siciliani"}, nil, false},
	{"Legal", "Contracts, privacy and compliance", "private", []demoChannel{
		{"General", "", "standard"}, {"Contracts", "Contract reviews", "standard"}, {"Privacy", "Privacy and data protection", "standard"},
		{"Litigation", "Privileged and confidential", "private"},
	}, nil, nil, false},
	{"Operations", "IT, facilities and procurement", "public", []demoChannel{
		{"General", "", "standard"}, {"IT Helpdesk", "Devices, accounts and access", "standard"}, {"Facilities", "Offices and workplace", "standard"},
		{"Procurement", "Vendors and purchasing", "standard"}, {"Security", "Security operations", "private"},
	}, []string{"Enrico Cattaneo"}, nil, false},
	{"Design", "Product design and design system", "public", []demoChannel{
		{"General", "", "standard"}, {"Design System", "Components and tokens", "standard"}, {"Critiques", "Weekly design critique", "standard"},
		{"Inspiration", "Things we like", "standard"},
	}, []string{"Hannah Schmidt", "Laura Bianchi"}, nil, false},
	{"Project Phoenix (2024)", "Archived launch team", "private", []demoChannel{
		{"General", "", "standard"}, {"Launch", "Launch checklist", "standard"}, {"Retrospective", "What we learned", "standard"},
		{"War Room", "Launch week", "private"},
	}, []string{"Adele Vance", "Megan Bowen", "Miriam Graham", "Gabriel Santos"}, nil, true},
}

type demoChannel struct{ name, description, membershipType string }

// DemoTenant builds the demo tenant: 56 members and 2 guests, 11 teams (one
// archived) with 4-6 channels each and their members, plus thousands of
// channel messages with replies over six months, chats, channel members,
// presence, apps, tabs and groups (see demo_content.go). It is identical on
// every call, ids included. The message content is built once per process
// and shared; each tenant copies it before its first change.
func DemoTenant() *Tenant {
	t := demoDirectory()
	t.content, t.contentShared = sharedDemoContent(), true
	return t
}

// demoDirectory builds the demo's users, teams, channels and team members.
func demoDirectory() *Tenant {
	t := NewTenant(StableGUID("tenant", DemoDomain), DemoDomain)
	byName := addDemoPeople(t)
	for i, g := range demoGuests {
		u := t.AddUser(User{
			DisplayName: g.given + " " + g.surname, GivenName: g.given, Surname: g.surname, Mail: g.mail,
			UserPrincipalName: strings.ReplaceAll(g.mail, "@", "_") + "#EXT#@" + DemoDomain,
			AccountEnabled:    true, UserType: "Guest", PreferredLanguage: "en-US",
			CreatedDateTime: Epoch.AddDate(0, 0, -30*(i+1)),
		})
		byName[g.mail] = u.ID
	}
	for i, spec := range demoTeams {
		addDemoTeam(t, i, spec.name, spec.description, spec.visibility, spec.archived, spec.channels)
		teamID := StableGUID("team", spec.name)
		addDemoMembers(t, teamID, spec.name, spec.extraMembers, spec.guests, byName)
	}
	return t
}

func addDemoPeople(t *Tenant) map[string]string {
	byName := map[string]string{}
	for i, p := range demoPeople {
		office := demoOffices[p.site]
		upn := strings.ToLower(p.given+"."+p.surname) + "@" + DemoDomain
		u := t.AddUser(User{
			DisplayName: p.given + " " + p.surname, GivenName: p.given, Surname: p.surname,
			Mail: upn, UserPrincipalName: upn, JobTitle: p.jobTitle, Department: p.department,
			OfficeLocation: office[0], City: office[1], Country: office[2], UsageLocation: office[3],
			BusinessPhones:    []string{fmt.Sprintf("+1 425 555 %04d", 100+i)},
			MobilePhone:       mobileFor(i),
			PreferredLanguage: languageFor(office[3]),
			AccountEnabled:    !p.disabled,
			CreatedDateTime:   Epoch.AddDate(0, 0, -7*(len(demoPeople)-i)).Add(time.Duration(i) * 37 * time.Minute),
		})
		byName[p.given+" "+p.surname] = u.ID
	}
	return byName
}

// mobileFor leaves every third person without a mobile number, so nulls are
// common in results.
func mobileFor(i int) string {
	if i%3 == 2 {
		return ""
	}
	return fmt.Sprintf("+1 206 555 %04d", 200+i)
}

func languageFor(usage string) string {
	switch usage {
	case "DE":
		return "de-DE"
	case "FR":
		return "fr-FR"
	case "GB", "IE":
		return "en-GB"
	case "AU":
		return "en-AU"
	}
	return "en-US"
}

func addDemoTeam(t *Tenant, i int, name, description, visibility string, archived bool, channels []demoChannel) {
	ms, gs, msg, fun := DefaultTeamSettings()
	created := Epoch.AddDate(-1, i, 0)
	tm := t.AddTeam(Team{
		DisplayName: name, Description: description, Visibility: visibility, IsArchived: archived,
		CreatedDateTime: created, MemberSettings: ms, GuestSettings: gs, MessagingSettings: msg, FunSettings: fun,
	})
	for j, ch := range channels {
		_, _ = t.AddChannel(tm.ID, Channel{
			DisplayName: ch.name, Description: ch.description, MembershipType: ch.membershipType,
			IsFavoriteByDefault: j < 2,
			CreatedDateTime:     created.AddDate(0, 0, 3*j),
		})
	}
}

// addDemoMembers adds the team's department (its first person as owner), the
// extra members and the guests. Teams not named after a department (Project
// Phoenix) are owned by their first extra member.
func addDemoMembers(t *Tenant, teamID, department string, extras, guests []string, byName map[string]string) {
	owned := false
	for _, p := range demoPeople {
		if p.department != department {
			continue
		}
		roles := []string(nil)
		if !owned {
			roles, owned = []string{RoleOwner}, true
		}
		_ = t.AddTeamMember(teamID, byName[p.given+" "+p.surname], roles...)
	}
	for _, name := range extras {
		roles := []string(nil)
		if !owned {
			roles, owned = []string{RoleOwner}, true
		}
		_ = t.AddTeamMember(teamID, byName[name], roles...)
	}
	for _, mail := range guests {
		_ = t.AddTeamMember(teamID, byName[mail], RoleGuest)
	}
}

// GenerateUsers adds n synthetic, deterministic users (user00001, ...) to a
// tenant, e.g. to exercise paging. Every seventh is in Sales, every
// thirteenth account is disabled; the rest is spread over a few departments
// and cities.
func GenerateUsers(t *Tenant, n int) []User {
	departments := []string{"Engineering", "Sales", "Marketing", "Finance", "Operations", "Customer Support", "Product"}
	sites := []string{"Seattle", "London", "Berlin", "Bengaluru", "Sydney", "New York"}
	users := make([]User, 0, n)
	for i := 1; i <= n; i++ {
		name := fmt.Sprintf("user%05d", i)
		upn := name + "@" + t.Domain()
		office := demoOffices[sites[i%len(sites)]]
		users = append(users, t.AddUser(User{
			DisplayName: fmt.Sprintf("Generated User %05d", i), GivenName: "Generated", Surname: fmt.Sprintf("User %05d", i),
			Mail: upn, UserPrincipalName: upn,
			JobTitle: "Associate", Department: departments[i%len(departments)],
			OfficeLocation: office[0], City: office[1], Country: office[2], UsageLocation: office[3],
			PreferredLanguage: "en-US", AccountEnabled: i%13 != 0,
			CreatedDateTime: Epoch.Add(-time.Duration(i) * time.Hour),
		}))
	}
	return users
}
