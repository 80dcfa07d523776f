package graphtest

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
)

// hiddenInput matches the sign-in page's hidden form fields.
var hiddenInput = regexp.MustCompile(`<input type="hidden" name="([^"]*)" value="([^"]*)">`)

// SignIn does what a user does in a browser on the emulator's sign-in page:
// it opens authorizeURL, picks the user (by id or user principal name; ""
// keeps the preselected one), presses Accept and returns the URL the page
// redirects to (the redirect URI with code and state), without following it.
// client must trust the emulator (nil: http.DefaultClient).
func SignIn(ctx context.Context, client *http.Client, authorizeURL, user string) (*url.URL, error) {
	if client == nil {
		client = http.DefaultClient
	}
	noFollow := *client
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	page, err := fetchSignInPage(ctx, &noFollow, authorizeURL)
	if err != nil {
		return nil, err
	}
	form := url.Values{"action": {"accept"}}
	for _, m := range hiddenInput.FindAllStringSubmatch(page, -1) {
		form.Set(html.UnescapeString(m[1]), html.UnescapeString(m[2]))
	}
	if user != "" {
		form.Set("user", user)
	} else if m := regexp.MustCompile(`<option value="([^"]*)" selected>`).FindStringSubmatch(page); m != nil {
		form.Set("user", html.UnescapeString(m[1]))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.SplitN(authorizeURL, "?", 2)[0], strings.NewReader(form.Encode()))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := noFollow.Do(req)
	if err != nil {
		return nil, fmt.Errorf("graphtest: SignIn: submit: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusFound {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return nil, fmt.Errorf("graphtest: SignIn: the sign-in form answered %d: %s", resp.StatusCode, body)
	}
	return url.Parse(resp.Header.Get("Location"))
}

func fetchSignInPage(ctx context.Context, client *http.Client, authorizeURL string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, authorizeURL, nil)
	if err != nil {
		return "", fmt.Errorf("graphtest: SignIn: %w", err)
	}
	resp, err := client.Do(req)
	if err != nil {
		return "", fmt.Errorf("graphtest: SignIn: open the sign-in page: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return "", fmt.Errorf("graphtest: SignIn: read the sign-in page: %w", err)
	}
	if resp.StatusCode == http.StatusFound {
		return "", fmt.Errorf("graphtest: SignIn: the authorize request was refused: redirected to %s", resp.Header.Get("Location"))
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("graphtest: SignIn: the sign-in page answered %d: %s", resp.StatusCode, body)
	}
	return string(body), nil
}
