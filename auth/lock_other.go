//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package auth

// lockFile is a no-op where flock is unavailable: connections in one process
// still take turns (fileStore's mutex), but processes sharing one
// OAuthSettingsLocation are not coordinated on these systems.
func lockFile(string) (func(), error) { return func() {}, nil }
