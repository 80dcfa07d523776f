package auth

import (
	"fmt"
	"sort"
	"strings"
)

// Cloud names the Microsoft Entra ID and Microsoft Graph endpoints of one
// Microsoft cloud.
type Cloud struct {
	Name          string // canonical AzureEnvironment value, e.g. "GLOBAL"
	AuthorityHost string // Entra ID sign-in host, with a trailing "/"
	GraphURL      string // Graph service root including "/v1.0", no trailing "/"
	GraphScope    string // app-only scope, e.g. "https://graph.microsoft.com/.default"
}

// Endpoints per https://learn.microsoft.com/graph/deployments. Microsoft 365
// GCC (moderate) tenants live in the global service, so USGOVT shares its
// endpoints; only GCC High and DoD have their own.
var clouds = map[string]Cloud{
	"GLOBAL":     newCloud("GLOBAL", "login.microsoftonline.com", "graph.microsoft.com"),
	"CHINA":      newCloud("CHINA", "login.chinacloudapi.cn", "microsoftgraph.chinacloudapi.cn"),
	"USGOVT":     newCloud("USGOVT", "login.microsoftonline.com", "graph.microsoft.com"),
	"USGOVTHIGH": newCloud("USGOVTHIGH", "login.microsoftonline.us", "graph.microsoft.us"),
	"USGOVTDOD":  newCloud("USGOVTDOD", "login.microsoftonline.us", "dod-graph.microsoft.us"),
}

// knownAuthorityHosts are Microsoft's own sign-in hosts, for which MSAL's
// instance discovery works and stays enabled.
var knownAuthorityHosts = map[string]bool{
	"login.microsoftonline.com":        true,
	"login.microsoft.com":              true,
	"login.windows.net":                true,
	"login.chinacloudapi.cn":           true,
	"login.partner.microsoftonline.cn": true,
	"login.microsoftonline.us":         true,
}

func newCloud(name, authorityHost, graphHost string) Cloud {
	return Cloud{
		Name:          name,
		AuthorityHost: "https://" + authorityHost + "/",
		GraphURL:      "https://" + graphHost + "/v1.0",
		GraphScope:    "https://" + graphHost + "/.default",
	}
}

// CloudFor returns the cloud named by the AzureEnvironment property. Names are
// case-insensitive; "" means GLOBAL.
func CloudFor(env string) (Cloud, error) {
	name := strings.ToUpper(strings.TrimSpace(env))
	if name == "" {
		name = "GLOBAL"
	}
	if c, ok := clouds[name]; ok {
		return c, nil
	}
	return Cloud{}, fmt.Errorf("auth: AzureEnvironment %q is not a known Microsoft cloud; use one of %s", env, strings.Join(cloudNames(), ", "))
}

func cloudNames() []string {
	names := make([]string, 0, len(clouds))
	for name := range clouds {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}
