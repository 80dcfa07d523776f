package msteams_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"database/sql"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/teamsql/msteams/auth"
	"github.com/teamsql/msteams/graphtest"
)

// delegatedDSN is an AzureAD connection string for the emulator's app.
var memoryStores atomic.Int64

// memoryStore names a fresh in-memory token store, so that tests (and
// repeated runs with -count) never see each other's tokens.
func memoryStore(name string) string {
	return fmt.Sprintf("memory://%s-%d", name, memoryStores.Add(1))
}

func delegatedDSN(srv *graphtest.Server, extra string) string {
	return fmt.Sprintf("AuthScheme=AzureAD;AzureTenant=%s;OAuthClientId=%s;%s;%s", srv.TenantID(), srv.ClientID(), endpoints(srv), extra)
}

// isolateConfigDir points the default OAuthSettingsLocation at a temporary
// directory, so tests never touch the real one.
func isolateConfigDir(t *testing.T) string {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	t.Setenv("HOME", dir)
	return dir
}

func trustingHTTPClient(srv *graphtest.Server) *http.Client {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(srv.CertPEM())
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
}

// freeCallbackURL returns a loopback URL on a port that was free a moment ago.
func freeCallbackURL(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return "http://" + addr + "/callback"
}

// fakeBrowser replaces the system browser with one that signs user in on
// the emulator's page and follows the redirect to the driver's loopback
// listener, as a person would. It returns the number of sign-ins.
func fakeBrowser(t *testing.T, srv *graphtest.Server, user string) *atomic.Int32 {
	var opened atomic.Int32
	oldOpen, oldOut := auth.OpenBrowser, auth.SignInOutput
	t.Cleanup(func() { auth.OpenBrowser, auth.SignInOutput = oldOpen, oldOut })
	auth.SignInOutput = io.Discard
	auth.OpenBrowser = func(authorizeURL string) error {
		opened.Add(1)
		location, err := graphtest.SignIn(context.Background(), trustingHTTPClient(srv), authorizeURL, user)
		if err != nil {
			return abandonSignIn(authorizeURL, err)
		}
		resp, err := http.Get(location.String())
		if err != nil {
			return err
		}
		return resp.Body.Close()
	}
	return &opened
}

// abandonSignIn ends a sign-in that the fake browser could not complete by
// redirecting with an error, so the driver stops waiting at once.
func abandonSignIn(authorizeURL string, cause error) error {
	u, err := url.Parse(authorizeURL)
	if err != nil {
		return err
	}
	q := u.Query()
	back := q.Get("redirect_uri") + "?" + url.Values{"error": {"browser_failed"}, "error_description": {cause.Error()}, "state": {q.Get("state")}}.Encode()
	if resp, err := http.Get(back); err == nil {
		resp.Body.Close()
	}
	return cause
}

func refreshRequests(srv *graphtest.Server) int {
	n := 0
	for _, r := range srv.Requests() {
		if strings.HasSuffix(r.Path, "/oauth2/v2.0/token") && r.Query.Get("grant_type") == "refresh_token" {
			n++
		}
	}
	return n
}

// seedStore puts a signed-in user's tokens in the store at location, with
// the access token expiring after lifetime.
func seedStore(t *testing.T, srv *graphtest.Server, location string, lifetime time.Duration) auth.Tokens {
	user := srv.Tenant().Users()[0].ID
	tokens := auth.Tokens{
		AccessToken: srv.IssueToken(user, time.Hour), RefreshToken: srv.IssueRefreshToken(user),
		ExpiresAt: time.Now().Add(lifetime), ClientID: srv.ClientID(), TenantID: srv.TenantID(),
	}
	store, err := auth.OpenStore(location)
	require.NoError(t, err)
	_, err = store.Update(context.Background(), func(auth.Tokens, bool) (auth.Tokens, bool, error) { return tokens, true, nil })
	require.NoError(t, err)
	return tokens
}

func loadStore(t *testing.T, location string) auth.Tokens {
	store, err := auth.OpenStore(location)
	require.NoError(t, err)
	tokens, ok, err := store.Load(context.Background())
	require.NoError(t, err)
	require.True(t, ok, "nothing stored at %s", location)
	return tokens
}

// requireLiveRefreshToken proves a refresh token was not lost: the emulator
// still redeems it.
func requireLiveRefreshToken(t *testing.T, srv *graphtest.Server, refreshToken string) {
	form := url.Values{"grant_type": {"refresh_token"}, "client_id": {srv.ClientID()}, "refresh_token": {refreshToken}}
	resp, err := trustingHTTPClient(srv).PostForm(srv.AuthorityURL()+srv.TenantID()+"/oauth2/v2.0/token", form)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	require.Equal(t, http.StatusOK, resp.StatusCode, "the stored refresh token is dead: %s", body)
}

func queryOneUser(ctx context.Context, db *sql.DB) error {
	var id string
	return db.QueryRowContext(ctx, "SELECT Id FROM Users LIMIT 1").Scan(&id)
}

func TestInitiateOAuthOffUsesTheGivenTokenAndNoFile(t *testing.T) {
	config := isolateConfigDir(t)
	srv, _ := emulator(t, graphtest.Options{})
	token := srv.IssueToken(srv.Tenant().Users()[0].ID, 0)
	db := openDB(t, fmt.Sprintf("AuthScheme=AzureAD;InitiateOAuth=OFF;OAuthAccessToken=%s;%s", token, endpoints(srv)))
	require.NoError(t, queryOneUser(testContext(t), db))
	entries, err := os.ReadDir(config)
	require.NoError(t, err)
	assert.Empty(t, entries, "InitiateOAuth=OFF must not write a token file")
	assert.Zero(t, refreshRequests(srv))

	srv.RevokeAllTokens()
	srv.ResetRequests()
	err = queryOneUser(testContext(t), db)
	require.Error(t, err, "OFF has nothing to refresh with")
	assert.Contains(t, err.Error(), "InvalidAuthenticationToken")
	assert.Len(t, graphRequests(srv), 2, "a 401 is retried once, not in a loop:\n%s", describeRequests(graphRequests(srv)))
}

func TestGetAndRefreshSignsInAgainWhenTheRefreshTokenIsRevoked(t *testing.T) {
	isolateConfigDir(t)
	srv, _ := emulator(t, graphtest.Options{})
	opened := fakeBrowser(t, srv, "")
	location := memoryStore("revoked-getandrefresh")
	seedStore(t, srv, location, -time.Minute)
	srv.RevokeRefreshTokens()
	db := openDB(t, delegatedDSN(srv, "InitiateOAuth=GETANDREFRESH;CallbackURL="+freeCallbackURL(t)+";OAuthSettingsLocation="+location))
	require.NoError(t, queryOneUser(testContext(t), db))
	assert.Equal(t, int32(1), opened.Load())
	assert.Equal(t, 1, refreshRequests(srv))
	requireLiveRefreshToken(t, srv, loadStore(t, location).RefreshToken)
}

func TestGetAndRefreshSignsInOnceThenReusesTheStore(t *testing.T) {
	isolateConfigDir(t)
	srv, _ := emulator(t, graphtest.Options{})
	user := srv.Tenant().Users()[2]
	opened := fakeBrowser(t, srv, user.UserPrincipalName)
	location := filepath.Join(t.TempDir(), "tokens", "OAuthSettings.json")
	dsn := delegatedDSN(srv, "InitiateOAuth=GETANDREFRESH;CallbackURL="+freeCallbackURL(t)+";OAuthSettingsLocation="+location)

	db := openDB(t, dsn)
	var me string
	require.NoError(t, db.QueryRowContext(testContext(t), "SELECT Id FROM Users WHERE Id = ?", user.ID).Scan(&me))
	assert.Equal(t, int32(1), opened.Load())

	stored := loadStore(t, location)
	assert.NotEmpty(t, stored.AccessToken)
	assert.NotEmpty(t, stored.RefreshToken)
	assert.Equal(t, srv.ClientID(), stored.ClientID)
	assert.Contains(t, stored.Scope, "offline_access")
	assert.WithinDuration(t, time.Now().Add(time.Hour), stored.ExpiresAt, 2*time.Minute)
	requireMode(t, location, 0o600)
	requireMode(t, filepath.Dir(location), 0o700|os.ModeDir)

	db2 := openDB(t, dsn) // a new pool: the store answers, no browser
	require.NoError(t, queryOneUser(testContext(t), db2))
	assert.Equal(t, int32(1), opened.Load())
}

func requireMode(t *testing.T, path string, want os.FileMode) {
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, want, info.Mode(), path)
}

func TestGetAndRefreshRejectsAForeignState(t *testing.T) {
	isolateConfigDir(t)
	srv, _ := emulator(t, graphtest.Options{})
	callback := freeCallbackURL(t)
	oldOpen, oldOut := auth.OpenBrowser, auth.SignInOutput
	t.Cleanup(func() { auth.OpenBrowser, auth.SignInOutput = oldOpen, oldOut })
	auth.SignInOutput = io.Discard
	var forged int
	auth.OpenBrowser = func(authorizeURL string) error {
		// An attacker's redirect with another state is refused...
		resp, err := http.Get(callback + "?code=stolen&state=not-ours")
		if err == nil {
			forged = resp.StatusCode
			resp.Body.Close()
		}
		// ...and the real sign-in still completes.
		location, err := graphtest.SignIn(context.Background(), trustingHTTPClient(srv), authorizeURL, "")
		if err != nil {
			return abandonSignIn(authorizeURL, err)
		}
		resp, err = http.Get(location.String())
		if err != nil {
			return err
		}
		return resp.Body.Close()
	}
	db := openDB(t, delegatedDSN(srv, "InitiateOAuth=GETANDREFRESH;CallbackURL="+callback+";OAuthSettingsLocation="+memoryStore("state-check")))
	require.NoError(t, queryOneUser(testContext(t), db))
	assert.Equal(t, http.StatusBadRequest, forged)
}

func TestRefreshModeNamesWhatIsMissing(t *testing.T) {
	isolateConfigDir(t)
	srv, _ := emulator(t, graphtest.Options{})
	emptyStore := memoryStore("empty-refresh")
	db := openDB(t, delegatedDSN(srv, "InitiateOAuth=REFRESH;OAuthSettingsLocation="+emptyStore))
	err := queryOneUser(testContext(t), db)
	require.Error(t, err)
	for _, want := range []string{emptyStore, "OAuthRefreshToken", "OAuthVerifier", "GETANDREFRESH"} {
		assert.Contains(t, err.Error(), want)
	}
}

func TestMissingClientIDSaysHowToRegisterOne(t *testing.T) {
	db, err := sql.Open("msteams", "AuthScheme=AzureAD;InitiateOAuth=REFRESH")
	if err == nil {
		err = db.Ping() // database/sql parses the DSN on first use
		db.Close()
	}
	require.Error(t, err)
	assert.Contains(t, err.Error(), "OAuthClientId")
	assert.Contains(t, err.Error(), "no embedded OAuth app")
}

func TestWebFlowByHand(t *testing.T) {
	config := isolateConfigDir(t)
	srv, _ := emulator(t, graphtest.Options{})
	const callback = "https://app.example.com/oauth/callback"
	srv.RegisterRedirectURI(callback)
	web := openDB(t, delegatedDSN(srv, fmt.Sprintf("InitiateOAuth=OFF;OAuthClientSecret='%s';CallbackURL=%s", srv.ClientSecret(), callback)))
	ctx := testContext(t)

	var signInURL string
	require.NoError(t, web.QueryRowContext(ctx, "EXECUTE GetOAuthAuthorizationURL @CallbackURL = ?, @State = 'xyz', @Prompt = 'consent'", callback).Scan(&signInURL))
	u, err := url.Parse(signInURL)
	require.NoError(t, err)
	assert.Equal(t, "consent", u.Query().Get("prompt"))
	assert.Equal(t, "S256", u.Query().Get("code_challenge_method"))
	assert.Equal(t, "https://graph.microsoft.com/.default offline_access", u.Query().Get("scope"))

	location, err := graphtest.SignIn(ctx, trustingHTTPClient(srv), signInURL, srv.Tenant().Users()[1].UserPrincipalName)
	require.NoError(t, err)
	assert.Equal(t, "xyz", location.Query().Get("state"))

	var access, refresh string
	var expiresIn int64
	require.NoError(t, web.QueryRowContext(ctx, "EXEC GetOAuthAccessToken AuthMode = 'WEB', Verifier = @code, State = 'xyz'",
		sql.Named("code", location.Query().Get("code"))).Scan(&access, &refresh, &expiresIn))
	assert.NotEmpty(t, access)
	assert.NotEmpty(t, refresh)
	assert.InDelta(t, 3600, expiresIn, 60)
	entries, err := os.ReadDir(config)
	require.NoError(t, err)
	assert.Empty(t, entries, "AuthMode=WEB must not save the tokens")

	webStore := memoryStore("web-flow")
	app := openDB(t, delegatedDSN(srv, fmt.Sprintf("InitiateOAuth=REFRESH;OAuthRefreshToken=%s;OAuthSettingsLocation=%s", refresh, webStore)))
	rows := queryStrings(t, app, "SELECT DisplayName FROM Teams")
	assert.NotEmpty(t, rows)
	assert.Equal(t, 1, refreshRequests(srv))
	saved := loadStore(t, webStore)
	assert.NotEqual(t, refresh, saved.RefreshToken, "the rotated refresh token is saved")
	requireLiveRefreshToken(t, srv, saved.RefreshToken)
}

func TestHeadlessFlowWithOAuthVerifier(t *testing.T) {
	isolateConfigDir(t)
	srv, _ := emulator(t, graphtest.Options{})
	callback := freeCallbackURL(t)
	desktop := openDB(t, delegatedDSN(srv, "InitiateOAuth=OFF;CallbackURL="+callback))
	ctx := testContext(t)
	var signInURL string
	require.NoError(t, desktop.QueryRowContext(ctx, "CALL GetOAuthAuthorizationURL()").Scan(&signInURL))
	location, err := graphtest.SignIn(ctx, trustingHTTPClient(srv), signInURL, "")
	require.NoError(t, err)
	code := location.Query().Get("code")

	store := filepath.Join(t.TempDir(), "OAuthSettings.json")
	headless := openDB(t, delegatedDSN(srv, fmt.Sprintf("InitiateOAuth=REFRESH;OAuthVerifier=%s;CallbackURL=%s;OAuthSettingsLocation=%s", code, callback, store)))
	require.NoError(t, queryOneUser(ctx, headless))
	saved := loadStore(t, store)
	assert.NotEmpty(t, saved.RefreshToken)

	later := openDB(t, delegatedDSN(srv, "InitiateOAuth=REFRESH;OAuthSettingsLocation="+store))
	require.NoError(t, queryOneUser(ctx, later))
}

func TestGetOAuthAccessTokenAppModeSavesAndRequiresAVerifier(t *testing.T) {
	isolateConfigDir(t)
	srv, _ := emulator(t, graphtest.Options{})
	callback := freeCallbackURL(t)
	appStore := memoryStore("app-mode")
	db := openDB(t, delegatedDSN(srv, "CallbackURL="+callback+";OAuthSettingsLocation="+appStore))
	ctx := testContext(t)

	_, err := db.ExecContext(ctx, "EXEC GetOAuthAccessToken AuthMode='APP'")
	require.Error(t, err)
	assert.Contains(t, err.Error(), "parameter Verifier is required")

	var signInURL string
	require.NoError(t, db.QueryRowContext(ctx, "EXEC GetOAuthAuthorizationURL").Scan(&signInURL))
	location, err := graphtest.SignIn(ctx, trustingHTTPClient(srv), signInURL, "")
	require.NoError(t, err)
	_, err = db.ExecContext(ctx, "EXEC GetOAuthAccessToken @Verifier = ?", location.Query().Get("code"))
	require.NoError(t, err)
	saved := loadStore(t, appStore)
	requireLiveRefreshToken(t, srv, saved.RefreshToken)

	var access, refresh string
	var expiresIn int64
	seedStore(t, srv, appStore, time.Hour)
	stored := loadStore(t, appStore)
	require.NoError(t, db.QueryRowContext(ctx, "CALL RefreshOAuthAccessToken(?)", stored.RefreshToken).Scan(&access, &refresh, &expiresIn))
	assert.Equal(t, refresh, loadStore(t, appStore).RefreshToken, "refreshing the stored token updates the store")
}

func TestRefreshAheadOfExpiryUpdatesTheStore(t *testing.T) {
	isolateConfigDir(t)
	srv, _ := emulator(t, graphtest.Options{})
	location := filepath.Join(t.TempDir(), "OAuthSettings.json")
	dsn := delegatedDSN(srv, "InitiateOAuth=REFRESH;TokenRefreshWindow=600;OAuthSettingsLocation="+location)

	seeded := seedStore(t, srv, location, 30*time.Minute)
	require.NoError(t, queryOneUser(testContext(t), openDB(t, dsn)))
	assert.Zero(t, refreshRequests(srv), "30 minutes left is outside the 10-minute window")

	seeded = seedStore(t, srv, location, 9*time.Minute)
	require.NoError(t, queryOneUser(testContext(t), openDB(t, dsn)))
	assert.Equal(t, 1, refreshRequests(srv), "9 minutes left is inside the window")
	stored := loadStore(t, location)
	assert.NotEqual(t, seeded.AccessToken, stored.AccessToken)
	assert.NotEqual(t, seeded.RefreshToken, stored.RefreshToken)
	assert.True(t, stored.ExpiresAt.After(time.Now().Add(50*time.Minute)), "new expiry %s", stored.ExpiresAt)
	assert.True(t, stored.ExpiresAt.Before(time.Now().Add(time.Hour)), "expiry keeps a clock-skew allowance")
	requireLiveRefreshToken(t, srv, stored.RefreshToken)
}

// TestConcurrentQueriesShareOneRefresh runs 20 goroutines over 4 pools (4
// connectors, so 4 credentials) sharing one token file, first across a
// refresh ahead of expiry, then across a forced rotation (every access token
// revoked, so every query gets a 401).
func TestConcurrentQueriesShareOneRefresh(t *testing.T) {
	isolateConfigDir(t)
	srv, _ := emulator(t, graphtest.Options{})
	location := filepath.Join(t.TempDir(), "OAuthSettings.json")
	dsn := delegatedDSN(srv, "InitiateOAuth=REFRESH;OAuthSettingsLocation="+location)
	var dbs []*sql.DB
	for range 4 {
		db := openDB(t, dsn)
		db.SetMaxOpenConns(1)
		dbs = append(dbs, db)
	}
	run := func() {
		var wg sync.WaitGroup
		errs := make(chan error, 20)
		for i := range 20 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs <- queryOneUser(testContext(t), dbs[i%4])
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			require.NoError(t, err)
		}
	}

	seedStore(t, srv, location, 2*time.Minute) // inside the 5-minute default window
	run()
	assert.Equal(t, 1, refreshRequests(srv), "one refresh for 20 queries")

	srv.ResetRequests()
	srv.RevokeAllTokens()
	run()
	assert.Equal(t, 1, refreshRequests(srv), "one refresh after the forced rotation")
	requireLiveRefreshToken(t, srv, loadStore(t, location).RefreshToken)
}

// TestTwoProcessesShareOneStore starts two copies of the test binary on one
// token file whose access token is about to expire: one refreshes, the other
// waits for the lock, finds the new tokens and uses them.
func TestTwoProcessesShareOneStore(t *testing.T) {
	isolateConfigDir(t)
	srv, _ := emulator(t, graphtest.Options{})
	location := filepath.Join(t.TempDir(), "OAuthSettings.json")
	seedStore(t, srv, location, time.Minute)
	dsn := delegatedDSN(srv, "InitiateOAuth=REFRESH;OAuthSettingsLocation="+location)

	var wg sync.WaitGroup
	outputs := make([][]byte, 2)
	errs := make([]error, 2)
	for i := range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
			cmd.Env = append(os.Environ(), "MSTEAMS_AUTH_HELPER_DSN="+dsn)
			outputs[i], errs[i] = cmd.CombinedOutput()
		}()
	}
	wg.Wait()
	for i := range 2 {
		require.NoError(t, errs[i], "helper %d: %s", i, outputs[i])
		assert.Contains(t, string(outputs[i]), "helper: 3 queries ok")
	}
	assert.Equal(t, 1, refreshRequests(srv), "two processes, one refresh")
	requireLiveRefreshToken(t, srv, loadStore(t, location).RefreshToken)
}

// TestHelperProcess is the second process of TestTwoProcessesShareOneStore.
func TestHelperProcess(t *testing.T) {
	dsn := os.Getenv("MSTEAMS_AUTH_HELPER_DSN")
	if dsn == "" {
		t.Skip("runs only as a helper process")
	}
	db := openDB(t, dsn)
	for range 3 {
		require.NoError(t, queryOneUser(testContext(t), db))
	}
	fmt.Println("helper: 3 queries ok")
}

func TestCorruptStoreIsMovedAsideNotOverwritten(t *testing.T) {
	isolateConfigDir(t)
	srv, _ := emulator(t, graphtest.Options{})
	dir := t.TempDir()
	location := filepath.Join(dir, "OAuthSettings.json")
	require.NoError(t, os.WriteFile(location, []byte(`{"refresh_token": "half-writ`), 0o600))
	db := openDB(t, delegatedDSN(srv, "InitiateOAuth=GETANDREFRESH;OAuthSettingsLocation="+location))

	err := queryOneUser(testContext(t), db)
	require.Error(t, err)
	assert.Contains(t, err.Error(), location)
	assert.Contains(t, err.Error(), "moved to")
	assert.NotContains(t, err.Error(), "half-writ", "the file's content is not quoted")
	_, statErr := os.Stat(location)
	assert.True(t, errors.Is(statErr, os.ErrNotExist), "the bad file is moved away")
	aside, _ := filepath.Glob(location + ".corrupt-*")
	require.Len(t, aside, 1)
	kept, _ := os.ReadFile(aside[0])
	assert.Equal(t, `{"refresh_token": "half-writ`, string(kept))
}

func TestRevokedRefreshTokenAsksToSignInAgain(t *testing.T) {
	isolateConfigDir(t)
	srv, _ := emulator(t, graphtest.Options{})
	location := memoryStore("revoked")
	seedStore(t, srv, location, -time.Minute)
	srv.RevokeRefreshTokens()
	db := openDB(t, delegatedDSN(srv, "InitiateOAuth=REFRESH;OAuthSettingsLocation="+location))

	err := queryOneUser(testContext(t), db)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "invalid_grant")
	assert.Contains(t, err.Error(), "sign in again")
	assert.Contains(t, err.Error(), "InitiateOAuth=GETANDREFRESH")
	assert.Equal(t, 1, refreshRequests(srv), "no retry loop")
}

func TestServicePrincipalCertificate(t *testing.T) {
	srv, _ := emulator(t, graphtest.Options{})
	certPEM, keyPEM := appCertificate(t)
	require.NoError(t, srv.RegisterClientCertificate(certPEM))
	certFile := filepath.Join(t.TempDir(), "app.pem")
	require.NoError(t, os.WriteFile(certFile, append(certPEM, keyPEM...), 0o600))
	db := openDB(t, fmt.Sprintf("AuthScheme=AzureServicePrincipalCert;AzureTenant=%s;OAuthClientId=%s;OAuthJWTCert=%s;%s",
		srv.TenantID(), srv.ClientID(), certFile, endpoints(srv)))
	assert.NotEmpty(t, queryStrings(t, db, "SELECT DisplayName FROM Teams"))

	other, otherKey := appCertificate(t) // not registered
	otherFile := filepath.Join(t.TempDir(), "other.pem")
	require.NoError(t, os.WriteFile(otherFile, append(other, otherKey...), 0o600))
	db = openDB(t, fmt.Sprintf("AuthScheme=AzureServicePrincipalCert;AzureTenant=%s;OAuthClientId=%s;OAuthJWTCert=%s;%s",
		srv.TenantID(), srv.ClientID(), otherFile, endpoints(srv)))
	err := queryOneUser(testContext(t), db)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "invalid_client")
}

func appCertificate(t *testing.T) (certPEM, keyPEM []byte) {
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "msteams test app"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
}

func TestManagedIdentity(t *testing.T) {
	srv, _ := emulator(t, graphtest.Options{})
	for k, v := range srv.ManagedIdentityEnv() {
		t.Setenv(k, v)
	}
	db := openDB(t, "AuthScheme=AzureMSI;"+endpoints(srv))
	require.NoError(t, queryOneUser(testContext(t), db))

	const userAssigned = "5c1e1d7e-0000-4000-8000-00000000abcd"
	srv.AddUserAssignedIdentity(userAssigned)
	srv.ResetRequests()
	db = openDB(t, "AuthScheme=AzureMSI;OAuthClientId="+userAssigned+";"+endpoints(srv))
	require.NoError(t, queryOneUser(testContext(t), db))
	var asked []string
	for _, r := range srv.Requests() {
		if r.Path == "/msi/token" {
			asked = append(asked, r.Query.Get("client_id"))
		}
	}
	assert.Equal(t, []string{userAssigned}, asked)
}

func TestNationalCloudSignInURL(t *testing.T) {
	db := openDB(t, "AuthScheme=AzureAD;AzureEnvironment=CHINA;OAuthClientId=11111111-2222-3333-4444-555555555555;AzureTenant=contoso.partner.onmschina.cn")
	var signInURL string
	require.NoError(t, db.QueryRowContext(testContext(t), "EXEC GetOAuthAuthorizationURL").Scan(&signInURL))
	u, err := url.Parse(signInURL)
	require.NoError(t, err)
	assert.Equal(t, "login.chinacloudapi.cn", u.Host)
	assert.Equal(t, "/contoso.partner.onmschina.cn/oauth2/v2.0/authorize", u.Path)
	assert.Equal(t, "https://microsoftgraph.chinacloudapi.cn/.default offline_access", u.Query().Get("scope"))
	assert.Equal(t, auth.DefaultCallbackURL, u.Query().Get("redirect_uri"))
	assert.Equal(t, "select_account", u.Query().Get("prompt"))
}

// TestSecretsStayOutOfErrorsAndLogs drives the flows that handle secrets and
// checks that none of them reaches an error message or the log file.
func TestSecretsStayOutOfErrorsAndLogs(t *testing.T) {
	isolateConfigDir(t)
	srv, _ := emulator(t, graphtest.Options{})
	logFile := filepath.Join(t.TempDir(), "msteams.log")
	location := memoryStore("secrets")
	seeded := seedStore(t, srv, location, time.Minute)
	common := fmt.Sprintf("OAuthClientSecret='%s';OAuthSettingsLocation=%s;LogFile=%s;Verbosity=5", srv.ClientSecret(), location, logFile)
	db := openDB(t, delegatedDSN(srv, "InitiateOAuth=REFRESH;"+common))
	ctx := testContext(t)
	require.NoError(t, queryOneUser(ctx, db))
	fresh := loadStore(t, location)

	var messages []string
	collect := func(err error) {
		if err != nil {
			messages = append(messages, err.Error(), fmt.Sprintf("%+v", err))
		}
	}
	_, err := db.ExecContext(ctx, "EXEC GetOAuthAccessToken Verifier = 'emucode.not-a-real-code-1234'")
	collect(err)
	_, err = db.ExecContext(ctx, "CALL RefreshOAuthAccessToken(?)", seeded.RefreshToken) // spent
	collect(err)
	bad := openDB(t, delegatedDSN(srv, "InitiateOAuth=REFRESH;OAuthClientSecret='wrong-secret-value';OAuthRefreshToken="+fresh.RefreshToken+";OAuthSettingsLocation="+memoryStore("secrets-bad")))
	collect(queryOneUser(ctx, bad))
	require.Len(t, messages, 6)
	logged, err := os.ReadFile(logFile)
	require.NoError(t, err)
	messages = append(messages, string(logged), fresh.String(), fmt.Sprintf("%v %#v", fresh, fresh))

	for _, secret := range []string{srv.ClientSecret(), "wrong-secret-value", "not-a-real-code-1234", seeded.AccessToken, seeded.RefreshToken, fresh.AccessToken, fresh.RefreshToken} {
		for _, m := range messages {
			assert.NotContains(t, m, secret)
		}
	}
}
