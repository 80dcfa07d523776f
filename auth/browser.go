package auth

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"

	"golang.org/x/oauth2"
)

// OpenBrowser opens a URL in the user's default browser. InitiateOAuth=
// GETANDREFRESH calls it with the sign-in URL; programs (and tests) may
// replace it, e.g. to show the URL in their own UI.
var OpenBrowser = openSystemBrowser

// SignInOutput receives the sign-in URL as well, for machines without a
// browser. It never receives tokens.
var SignInOutput io.Writer = os.Stderr

// interactiveTimeout bounds how long a sign-in waits for the user; it is
// independent of the query's Timeout, which is meant for Graph requests.
const interactiveTimeout = 5 * time.Minute

func openSystemBrowser(target string) error {
	var cmd *exec.Cmd
	switch runtime.GOOS {
	case "darwin":
		cmd = exec.Command("open", target)
	case "windows":
		cmd = exec.Command("rundll32", "url.dll,FileProtocolHandler", target)
	default:
		cmd = exec.Command("xdg-open", target)
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }()
	return nil
}

// callbackResult is what the loopback redirect delivered.
type callbackResult struct {
	code string
	err  error
}

// InteractiveSignIn signs the user in: it listens on the loopback
// CallbackURL, opens the sign-in page (and prints its URL), waits for the
// redirect, checks its state and exchanges the code with PKCE.
func (c *OAuthClient) InteractiveSignIn(ctx context.Context) (Tokens, error) {
	callback, err := loopbackCallback(c.callbackURL)
	if err != nil {
		return Tokens{}, err
	}
	ln, err := net.Listen("tcp", callback.Host)
	if err != nil {
		return Tokens{}, fmt.Errorf("auth: cannot listen on CallbackURL %s for the sign-in redirect: %v; free the port or set CallbackURL to another loopback port registered for your app", c.callbackURL, err)
	}
	state := oauth2.GenerateVerifier()[:22]
	authURL, err := c.AuthorizationURL(c.callbackURL, "", state, "select_account")
	if err != nil {
		ln.Close()
		return Tokens{}, err
	}
	results := make(chan callbackResult, 1)
	srv := &http.Server{Handler: callbackHandler(callback.Path, state, results), ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	fmt.Fprintf(SignInOutput, "msteams: sign in to Microsoft Entra ID in your browser. If no browser opens, visit this URL:\n%s\n", authURL)
	if err := OpenBrowser(authURL); err != nil {
		fmt.Fprintf(SignInOutput, "msteams: could not open a browser (%v); open the URL above by hand\n", err)
	}
	waitCtx, cancel := signInContext(ctx)
	defer cancel()
	select {
	case r := <-results:
		if r.err != nil {
			return Tokens{}, r.err
		}
		return c.ExchangeCode(waitCtx, r.code, c.callbackURL, state, "")
	case <-waitCtx.Done():
		return Tokens{}, fmt.Errorf("auth: sign-in did not complete: %w; sign in at the URL printed above within %s", waitCtx.Err(), interactiveTimeout)
	}
}

// signInContext waits up to interactiveTimeout for a person, ignoring the
// query's deadline but not its cancellation.
func signInContext(ctx context.Context) (context.Context, context.CancelFunc) {
	waitCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), interactiveTimeout)
	stop := context.AfterFunc(ctx, func() {
		if errors.Is(ctx.Err(), context.Canceled) {
			cancel()
		}
	})
	return waitCtx, func() { stop(); cancel() }
}

func loopbackCallback(raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || !isLoopbackHostname(u.Hostname()) {
		return nil, fmt.Errorf("auth: CallbackURL %q must be a loopback http URL such as %s for InitiateOAuth=GETANDREFRESH to receive the sign-in redirect; for a web app's redirect URI use InitiateOAuth=OFF with the GetOAuthAuthorizationURL and GetOAuthAccessToken procedures", raw, DefaultCallbackURL)
	}
	if u.Port() == "" {
		u.Host = net.JoinHostPort(u.Hostname(), "80")
	}
	if u.Path == "" {
		u.Path = "/"
	}
	return u, nil
}

func isLoopbackHostname(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// callbackHandler receives the redirect of the sign-in page. A request with
// the wrong state is refused and does not end the wait: it did not come from
// the sign-in this process started.
func callbackHandler(path, state string, results chan<- callbackResult) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != path {
			http.NotFound(w, r)
			return
		}
		q := r.URL.Query()
		if q.Get("state") != state {
			writeCallbackPage(w, http.StatusBadRequest, "This sign-in response does not belong to the sign-in msteams started (state mismatch). Start again.")
			return
		}
		var result callbackResult
		switch {
		case q.Get("error") != "":
			result.err = fmt.Errorf("auth: sign-in failed: %s: %s; sign in again and accept the requested permissions", q.Get("error"), firstLine(q.Get("error_description")))
			writeCallbackPage(w, http.StatusOK, "Sign-in failed: "+q.Get("error")+". You can close this window.")
		case q.Get("code") == "":
			writeCallbackPage(w, http.StatusBadRequest, "The sign-in response has no code.")
			return
		default:
			result.code = q.Get("code")
			writeCallbackPage(w, http.StatusOK, "Signed in to msteams. You can close this window.")
		}
		select {
		case results <- result:
		default: // a second redirect; the first one counts
		}
	})
}

func writeCallbackPage(w http.ResponseWriter, status int, message string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!DOCTYPE html><html><head><title>msteams</title></head><body><p>%s</p></body></html>\n", html.EscapeString(message))
}
