package auth

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func save(t *testing.T, s Store, tok Tokens) {
	_, err := s.Update(context.Background(), func(Tokens, bool) (Tokens, bool, error) { return tok, true, nil })
	require.NoError(t, err)
}

func TestMemoryStoresAreSharedByName(t *testing.T) {
	a, err := OpenStore("memory://shared-" + t.Name())
	require.NoError(t, err)
	b, err := OpenStore("MEMORY://shared-" + t.Name())
	require.NoError(t, err)
	other, err := OpenStore("memory://other-" + t.Name())
	require.NoError(t, err)
	save(t, a, Tokens{AccessToken: "at", RefreshToken: "rt"})

	got, ok, err := b.Load(context.Background())
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, "rt", got.RefreshToken)
	_, ok, err = other.Load(context.Background())
	require.NoError(t, err)
	assert.False(t, ok)
}

func TestFileStoreRoundTripsAtomically(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "nested", "msteams")
	path := filepath.Join(dir, "OAuthSettings.json")
	s, err := OpenStore(path)
	require.NoError(t, err)
	_, ok, err := s.Load(context.Background())
	require.NoError(t, err)
	assert.False(t, ok, "a missing file holds no tokens")

	want := Tokens{AccessToken: "at", RefreshToken: "rt", ExpiresAt: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC), ClientID: "c", TenantID: "t", Scope: "s offline_access"}
	save(t, s, want)
	got, ok, err := s.Load(context.Background())
	require.NoError(t, err)
	require.True(t, ok)
	assert.Equal(t, want, got)

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	assert.ElementsMatch(t, []string{"OAuthSettings.json", "OAuthSettings.json.lock"}, names, "no temporary files are left behind")
	info, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	info, err = os.Stat(dir)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o700), info.Mode().Perm())
}

func TestFileStoreFailedUpdateKeepsTheFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "OAuthSettings.json")
	s, err := OpenStore(path)
	require.NoError(t, err)
	save(t, s, Tokens{RefreshToken: "keep-me"})
	_, err = s.Update(context.Background(), func(Tokens, bool) (Tokens, bool, error) {
		return Tokens{}, true, errors.New("refresh failed")
	})
	require.Error(t, err)
	got, _, err := s.Load(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "keep-me", got.RefreshToken)
}

func TestCorruptFileIsQuarantined(t *testing.T) {
	path := filepath.Join(t.TempDir(), "OAuthSettings.json")
	require.NoError(t, os.WriteFile(path, []byte(`{"refresh_token": 42}`), 0o600))
	s, err := OpenStore(path)
	require.NoError(t, err)
	_, _, err = s.Load(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), `field "refresh_token" has the wrong type`)
	assert.Contains(t, err.Error(), path+".corrupt-")
	_, err = os.Stat(path)
	assert.True(t, errors.Is(err, os.ErrNotExist))

	// The next use starts from an empty store and never touches the bad copy.
	save(t, s, Tokens{RefreshToken: "new"})
	aside, _ := filepath.Glob(path + ".corrupt-*")
	require.Len(t, aside, 1)
	data, _ := os.ReadFile(aside[0])
	assert.Equal(t, `{"refresh_token": 42}`, string(data))
}

func TestUnreadableFileIsAnErrorNamingThePath(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root reads any file")
	}
	path := filepath.Join(t.TempDir(), "OAuthSettings.json")
	require.NoError(t, os.WriteFile(path, []byte(`{}`), 0o000))
	s, err := OpenStore(path)
	require.NoError(t, err)
	_, _, err = s.Load(context.Background())
	require.Error(t, err)
	assert.Contains(t, err.Error(), path)
}

func TestDefaultStoreLocationFollowsXDG(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", dir)
	loc, err := DefaultStoreLocation()
	require.NoError(t, err)
	if strings.Contains(loc, dir) { // Linux and the BSDs; macOS and Windows have their own
		assert.Equal(t, filepath.Join(dir, "msteams", "OAuthSettings.json"), loc)
	}
}

func TestTokensNeverPrintSecrets(t *testing.T) {
	tok := Tokens{AccessToken: "access-secret", RefreshToken: "refresh-secret", ClientID: "client"}
	for _, s := range []string{tok.String(), fmt.Sprintf("%v %+v %#v %s", tok, tok, tok, tok)} {
		assert.NotContains(t, s, "access-secret")
		assert.NotContains(t, s, "refresh-secret")
	}
	assert.Equal(t, int64(-1), tok.ExpiresIn(time.Now()))
	tok.ExpiresAt = time.Now().Add(90 * time.Second)
	assert.InDelta(t, 90, tok.ExpiresIn(time.Now()), 1)
}
