package graphtest

import "testing"

// FuzzParseFilter feeds arbitrary $filter text to the emulator's OData
// parser: a 400 is fine, a panic would take the emulator down.
func FuzzParseFilter(f *testing.F) {
	for _, seed := range []string{
		"startswith(displayName,'x')",
		"displayName eq 'O''Brien' and accountEnabled eq true",
		"(department in ('Sales','Finance') or not (jobTitle eq null))",
		"createdDateTime ge 2026-01-01T00:00:00Z and createdDateTime lt 2026-02-01T00:00:00.5Z",
		"microsoft.graph.aadUserConversationMember/userId eq 'x'",
		"roles/any(r:r eq 'owner')",
		"((((",
		"'unterminated",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		_, _ = parseFilter(src)
	})
}
