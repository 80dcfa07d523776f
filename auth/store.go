package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"
)

// Tokens is what the token store (OAuthSettingsLocation) keeps for one
// delegated sign-in. String and GoString never print the tokens.
type Tokens struct {
	AccessToken  string    `json:"access_token,omitempty"`
	RefreshToken string    `json:"refresh_token,omitempty"`
	ExpiresAt    time.Time `json:"expires_at,omitzero"` // zero: the access token does not expire (or nobody said when)
	ClientID     string    `json:"client_id,omitempty"`
	TenantID     string    `json:"tenant,omitempty"`
	Scope        string    `json:"scope,omitempty"`
}

// String keeps tokens out of logs and %v output.
func (t Tokens) String() string {
	return fmt.Sprintf("auth.Tokens(access: %t, refresh: %t, expires: %s, client: %s)",
		t.AccessToken != "", t.RefreshToken != "", formatExpiry(t.ExpiresAt), t.ClientID)
}

// GoString keeps tokens out of %#v output.
func (t Tokens) GoString() string { return t.String() }

func formatExpiry(at time.Time) string {
	if at.IsZero() {
		return "never"
	}
	return at.UTC().Format(time.RFC3339)
}

// ExpiresIn is the access token's remaining lifetime in whole seconds, -1
// when it does not expire (the ExpiresIn output of the OAuth procedures).
func (t Tokens) ExpiresIn(now time.Time) int64 {
	if t.ExpiresAt.IsZero() {
		return -1
	}
	return max(int64(t.ExpiresAt.Sub(now)/time.Second), 0)
}

// Store keeps Tokens between connections: a JSON file, or process memory for
// "memory://NAME" locations. Update is the only way to change the tokens and
// runs under an exclusive lock (an advisory file lock for files, so that
// processes sharing a file take turns): the callback sees what is stored now,
// never a stale copy, so a rotated refresh token is never written over.
type Store interface {
	// Location is the OAuthSettingsLocation, for messages.
	Location() string
	// Load returns the stored tokens; ok is false when nothing is stored.
	Load(ctx context.Context) (tokens Tokens, ok bool, err error)
	// Update calls fn with the stored tokens under the lock and saves what
	// it returns when save is true.
	Update(ctx context.Context, fn func(current Tokens, ok bool) (next Tokens, save bool, err error)) (Tokens, error)
}

const memoryScheme = "memory://"

// DefaultStoreLocation is where tokens go when OAuthSettingsLocation is
// empty: $XDG_CONFIG_HOME/msteams/OAuthSettings.json on Linux (default
// ~/.config), ~/Library/Application Support/msteams/OAuthSettings.json on
// macOS and %AppData%\msteams\OAuthSettings.json on Windows.
func DefaultStoreLocation() (string, error) {
	dir, err := os.UserConfigDir()
	if err != nil {
		return "", fmt.Errorf("auth: no default OAuthSettingsLocation (%v); set OAuthSettingsLocation to a file path or memory://NAME", err)
	}
	return filepath.Join(dir, "msteams", "OAuthSettings.json"), nil
}

var (
	storesMu sync.Mutex
	stores   = map[string]Store{}
)

// OpenStore returns the store at location ("" = DefaultStoreLocation). The
// same location always yields the same Store in one process, so connections
// naming it share its lock and, for memory://, its tokens.
func OpenStore(location string) (Store, error) {
	if strings.TrimSpace(location) == "" {
		def, err := DefaultStoreLocation()
		if err != nil {
			return nil, err
		}
		location = def
	}
	key := location
	if isMemoryLocation(location) {
		key = memoryScheme + location[len(memoryScheme):] // the scheme is case-insensitive, the name is not
	} else {
		abs, err := filepath.Abs(location)
		if err != nil {
			return nil, fmt.Errorf("auth: OAuthSettingsLocation %q: %v", location, err)
		}
		key = abs
	}
	storesMu.Lock()
	defer storesMu.Unlock()
	if s, ok := stores[key]; ok {
		return s, nil
	}
	var s Store
	if isMemoryLocation(location) {
		s = &memoryStore{location: location}
	} else {
		s = &fileStore{path: key}
	}
	stores[key] = s
	return s, nil
}

func isMemoryLocation(location string) bool {
	return len(location) >= len(memoryScheme) && strings.EqualFold(location[:len(memoryScheme)], memoryScheme)
}

// memoryStore keeps tokens in process memory only (memory://NAME).
type memoryStore struct {
	location string
	mu       sync.Mutex
	tokens   Tokens
	ok       bool
}

func (m *memoryStore) Location() string { return m.location }

func (m *memoryStore) Load(ctx context.Context) (Tokens, bool, error) {
	if err := ctx.Err(); err != nil {
		return Tokens{}, false, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.tokens, m.ok, nil
}

func (m *memoryStore) Update(ctx context.Context, fn func(Tokens, bool) (Tokens, bool, error)) (Tokens, error) {
	if err := ctx.Err(); err != nil {
		return Tokens{}, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	next, save, err := fn(m.tokens, m.ok)
	if err != nil {
		return Tokens{}, err
	}
	if save {
		m.tokens, m.ok = next, true
	}
	return next, nil
}

// fileStore keeps tokens in a JSON file (mode 0600, directory 0700). Writes
// go to a temporary file that is synced and renamed over the old one, so a
// crash leaves either the old tokens or the new ones, never half a file.
type fileStore struct {
	path string
	mu   sync.Mutex // in-process turn-taking; the file lock covers other processes
}

func (f *fileStore) Location() string { return f.path }

func (f *fileStore) Load(ctx context.Context) (Tokens, bool, error) {
	var tokens Tokens
	var ok bool
	_, err := f.Update(ctx, func(cur Tokens, found bool) (Tokens, bool, error) {
		tokens, ok = cur, found
		return cur, false, nil
	})
	return tokens, ok, err
}

func (f *fileStore) Update(ctx context.Context, fn func(Tokens, bool) (Tokens, bool, error)) (Tokens, error) {
	if err := ctx.Err(); err != nil {
		return Tokens{}, err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(f.path), 0o700); err != nil {
		return Tokens{}, fmt.Errorf("auth: cannot create the directory of OAuthSettingsLocation %s: %v", f.path, err)
	}
	unlock, err := lockFile(f.path + ".lock")
	if err != nil {
		return Tokens{}, fmt.Errorf("auth: cannot lock OAuthSettingsLocation %s: %v", f.path, err)
	}
	defer unlock()
	current, found, err := f.read()
	if err != nil {
		return Tokens{}, err
	}
	next, save, err := fn(current, found)
	if err != nil || !save {
		return next, err
	}
	return next, f.write(next)
}

// read returns the stored tokens. A file that cannot be parsed is moved
// aside (never overwritten) and reported.
func (f *fileStore) read() (Tokens, bool, error) {
	data, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return Tokens{}, false, nil
	}
	if err != nil {
		return Tokens{}, false, fmt.Errorf("auth: cannot read OAuthSettingsLocation %s: %v; fix its permissions or point OAuthSettingsLocation elsewhere", f.path, err)
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		return Tokens{}, false, nil
	}
	var tokens Tokens
	if err := json.Unmarshal(data, &tokens); err != nil {
		return Tokens{}, false, f.quarantine(err)
	}
	return tokens, true, nil
}

func (f *fileStore) quarantine(parseErr error) error {
	aside := fmt.Sprintf("%s.corrupt-%s", f.path, time.Now().UTC().Format("20060102T150405.000000000Z"))
	if err := os.Rename(f.path, aside); err != nil {
		return fmt.Errorf("auth: OAuthSettingsLocation %s is not a valid token file (%v) and could not be moved aside (%v); remove or repair it, then sign in again", f.path, describeJSONError(parseErr), err)
	}
	return fmt.Errorf("auth: OAuthSettingsLocation %s was not a valid token file (%v); it was moved to %s. Sign in again (InitiateOAuth=GETANDREFRESH), or restore a good copy of the file",
		f.path, describeJSONError(parseErr), aside)
}

// describeJSONError says where the JSON broke without quoting the file,
// which may hold tokens.
func describeJSONError(err error) string {
	var syntax *json.SyntaxError
	if errors.As(err, &syntax) {
		return fmt.Sprintf("invalid JSON at byte %d", syntax.Offset)
	}
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) {
		return fmt.Sprintf("field %q has the wrong type", typeErr.Field)
	}
	return "invalid JSON"
}

func (f *fileStore) write(tokens Tokens) error {
	data, err := json.MarshalIndent(tokens, "", "  ")
	if err != nil {
		return fmt.Errorf("auth: cannot encode tokens: %v", err)
	}
	dir := filepath.Dir(f.path)
	tmp, err := os.CreateTemp(dir, filepath.Base(f.path)+".tmp-*")
	if err != nil {
		return fmt.Errorf("auth: cannot write OAuthSettingsLocation %s: %v", f.path, err)
	}
	tmpName := tmp.Name()
	committed := false
	defer func() {
		if !committed {
			_ = os.Remove(tmpName)
		}
	}()
	if err := writeSynced(tmp, data); err != nil {
		return fmt.Errorf("auth: cannot write OAuthSettingsLocation %s: %v", f.path, err)
	}
	if err := os.Rename(tmpName, f.path); err != nil {
		return fmt.Errorf("auth: cannot replace OAuthSettingsLocation %s: %v", f.path, err)
	}
	committed = true
	syncDir(dir)
	return nil
}

func writeSynced(tmp *os.File, data []byte) error {
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	return tmp.Close()
}

// syncDir makes the rename durable; not every OS can sync a directory, and
// the tokens are already safely in the file, so failures are ignored.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
