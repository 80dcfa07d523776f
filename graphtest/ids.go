package graphtest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
)

// StableGUID derives a GUID from a kind and a name, so that fixtures get the
// same ids on every run. The version nibble says "name-based" (5), as RFC 9562
// asks of hash-derived identifiers.
func StableGUID(kind, name string) string {
	sum := sha256.Sum256([]byte("graphtest/" + kind + "/" + name))
	b := sum[:16]
	b[6] = (b[6] & 0x0f) | 0x50
	b[8] = (b[8] & 0x3f) | 0x80
	return formatGUID(b)
}

// ThreadID derives a Teams conversation thread id ("19:<32 hex>@thread.tacv2"),
// the format of channel ids and of a team's internalId.
func ThreadID(kind, name string) string {
	sum := sha256.Sum256([]byte("graphtest-thread/" + kind + "/" + name))
	return "19:" + hex.EncodeToString(sum[:16]) + "@thread.tacv2"
}

// randomGUID is for per-request identifiers (request-id, trace ids), which
// real services make unique rather than reproducible.
func randomGUID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails on supported platforms
	b[6] = (b[6] & 0x0f) | 0x40
	b[8] = (b[8] & 0x3f) | 0x80
	return formatGUID(b[:])
}

func formatGUID(b []byte) string {
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// escapeThreadID escapes a thread id the way Teams deep links do.
func escapeThreadID(id string) string {
	return url.QueryEscape(id)
}
