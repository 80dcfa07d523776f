package graphtest

import (
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// authorizeParams are the query parameters of an authorization request that
// the sign-in page carries through its form.
var authorizeParams = []string{"client_id", "response_type", "redirect_uri", "scope", "state",
	"code_challenge", "code_challenge_method", "prompt", "login_hint", "response_mode", "nonce"}

// signInPage is the emulator's sign-in and consent page: pick a user, then
// Accept (or Cancel). The form posts back to the same URL.
var signInPage = template.Must(template.New("signin").Parse(`<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in to your account</title></head>
<body>
<h1>Sign in to {{.Tenant}}</h1>
<p>The application <b>{{.ClientID}}</b> asks for: {{.Scope}}</p>
<form method="post" action="{{.Action}}">
{{range .Hidden}}<input type="hidden" name="{{.Name}}" value="{{.Value}}">
{{end}}<label for="user">Account</label>
<select id="user" name="user">
{{range .Users}}<option value="{{.ID}}"{{if .Selected}} selected{{end}}>{{.DisplayName}} ({{.UserPrincipalName}})</option>
{{end}}</select>
<button type="submit" name="action" value="accept">Accept</button>
<button type="submit" name="action" value="cancel">Cancel</button>
</form>
</body></html>
`))

type signInView struct {
	Tenant, ClientID, Scope, Action string
	Hidden                          []hiddenField
	Users                           []userChoice
}

type hiddenField struct{ Name, Value string }

type userChoice struct {
	ID, DisplayName, UserPrincipalName string
	Selected                           bool
}

// handleAuthorizePage serves GET /{tenant}/oauth2/v2.0/authorize.
func (s *Server) handleAuthorizePage(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w}
	s.serveAuthorizePage(rec, r)
	s.record(r, redactAuthorize(r.URL.Query()), rec.status)
}

func (s *Server) serveAuthorizePage(w http.ResponseWriter, r *http.Request) {
	params := r.URL.Query()
	if !s.validAuthorizeRequest(w, r, params) {
		return
	}
	view := signInView{Tenant: s.tenant.Domain(), ClientID: params.Get("client_id"), Scope: params.Get("scope"), Action: r.URL.Path}
	for _, name := range authorizeParams {
		if v := params.Get(name); v != "" {
			view.Hidden = append(view.Hidden, hiddenField{Name: name, Value: v})
		}
	}
	hint := params.Get("login_hint")
	for i, u := range s.tenant.Users() {
		selected := strings.EqualFold(u.UserPrincipalName, hint) || (hint == "" && i == 0)
		view.Users = append(view.Users, userChoice{ID: u.ID, DisplayName: u.DisplayName, UserPrincipalName: u.UserPrincipalName, Selected: selected})
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusOK)
	_ = signInPage.Execute(w, view)
}

// handleAuthorizeAnswer serves the sign-in form's POST: it redirects to the
// redirect URI with a code and the state, or with error=access_denied.
func (s *Server) handleAuthorizeAnswer(w http.ResponseWriter, r *http.Request) {
	rec := &statusRecorder{ResponseWriter: w}
	_ = r.ParseForm()
	s.serveAuthorizeAnswer(rec, r, r.PostForm)
	s.record(r, redactAuthorize(r.PostForm), rec.status)
}

func (s *Server) serveAuthorizeAnswer(w http.ResponseWriter, r *http.Request, form url.Values) {
	if !s.validAuthorizeRequest(w, r, form) {
		return
	}
	if form.Get("action") != "accept" {
		redirectWithError(w, r, form, "access_denied", 65004, "User declined to consent to access the app.")
		return
	}
	user, ok := s.tenant.User(form.Get("user"))
	if !ok {
		redirectWithError(w, r, form, "invalid_request", 50034, "The user account does not exist in the directory.")
		return
	}
	code, err := s.oauth.newCode(authorizationCode{
		clientID:    form.Get("client_id"),
		redirectURI: form.Get("redirect_uri"),
		challenge:   form.Get("code_challenge"),
		method:      codeChallengeMethod(form),
		userID:      user.ID,
		scopes:      strings.Fields(form.Get("scope")),
		expiresAt:   time.Now().Add(authorizationCodeLifetime),
	})
	if err != nil {
		http.Error(w, "temporarily unavailable", http.StatusInternalServerError)
		return
	}
	answer := url.Values{"code": {code}}
	if state := form.Get("state"); state != "" {
		answer.Set("state", state)
	}
	redirectTo(w, r, form.Get("redirect_uri"), answer)
}

func codeChallengeMethod(params url.Values) string {
	if m := params.Get("code_challenge_method"); m != "" {
		return m
	}
	return "plain"
}

// validAuthorizeRequest checks what Entra checks before showing the page.
// Problems with the client or redirect URI are shown on an error page (a
// redirect to an unverified URI would be an open redirector); the others are
// sent to the redirect URI as error parameters.
func (s *Server) validAuthorizeRequest(w http.ResponseWriter, r *http.Request, params url.Values) bool {
	if !s.knownTenant(r.PathValue("tenant")) {
		writeErrorPage(w, errUnknownTenant(r.PathValue("tenant")))
		return false
	}
	if params.Get("client_id") != s.app.clientID {
		writeErrorPage(w, &entraError{status: http.StatusBadRequest, code: "unauthorized_client", number: 700016,
			description: fmt.Sprintf("Application with identifier '%s' was not found in the directory '%s'.", params.Get("client_id"), s.tenant.Domain())})
		return false
	}
	redirect := params.Get("redirect_uri")
	if redirect == "" || !s.oauth.redirectAllowed(redirect) {
		writeErrorPage(w, &entraError{status: http.StatusBadRequest, code: "invalid_request", number: 50011,
			description: fmt.Sprintf("The redirect URI '%s' specified in the request does not match the redirect URIs configured for the application '%s'.", redirect, s.app.clientID)})
		return false
	}
	if params.Get("response_type") != "code" {
		redirectWithError(w, r, params, "unsupported_response_type", 700054, "response_type 'code' is the only one this application may use.")
		return false
	}
	if m := params.Get("code_challenge_method"); m != "" && m != "S256" && m != "plain" {
		redirectWithError(w, r, params, "invalid_request", 501491, "Invalid size of Code_Challenge parameter or unsupported code_challenge_method.")
		return false
	}
	if params.Get("scope") == "" {
		redirectWithError(w, r, params, "invalid_request", 900144, "The request body must contain the following parameter: 'scope'.")
		return false
	}
	return true
}

func redirectWithError(w http.ResponseWriter, r *http.Request, params url.Values, code string, number int, description string) {
	answer := url.Values{"error": {code}, "error_description": {fmt.Sprintf("AADSTS%d: %s", number, description)}}
	if state := params.Get("state"); state != "" {
		answer.Set("state", state)
	}
	redirectTo(w, r, params.Get("redirect_uri"), answer)
}

func redirectTo(w http.ResponseWriter, r *http.Request, redirectURI string, answer url.Values) {
	target, err := url.Parse(redirectURI)
	if err != nil {
		http.Error(w, "invalid redirect_uri", http.StatusBadRequest)
		return
	}
	query := target.Query()
	for k, vs := range answer {
		query[k] = vs
	}
	target.RawQuery = query.Encode()
	http.Redirect(w, r, target.String(), http.StatusFound)
}

func writeErrorPage(w http.ResponseWriter, e *entraError) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(e.status)
	_, _ = fmt.Fprintf(w, "<!DOCTYPE html><html><body><h1>Sorry, but we're having trouble signing you in.</h1><p>%s</p></body></html>\n",
		template.HTMLEscapeString(fmt.Sprintf("AADSTS%d: %s", e.number, e.description)))
}

// redactAuthorize keeps PKCE values out of the request log.
func redactAuthorize(params url.Values) url.Values {
	out := cloneValues(params)
	for _, k := range []string{"code_challenge"} {
		if _, ok := out[k]; ok {
			out[k] = []string{"REDACTED"}
		}
	}
	return out
}
