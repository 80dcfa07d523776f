// Package rawjson splits JSON objects and arrays into their members as
// sub-slices of the input, for the hot read path: Graph pages and items.
package rawjson

import (
	"encoding/json"
	"unicode/utf8"
)

// Graph items are decoded column by column, so the only whole-item work is
// splitting an object into its members (and a nested array into its
// elements). encoding/json does that by scanning the item once to validate
// it and again to copy every member, nested replies included, at every
// level. SplitObject and SplitArray instead return sub-slices of the input
// in one pass: structure (braces, brackets, strings, commas, colons) is
// checked, and each scalar a query reads is decoded and checked by
// encoding/json in decodeValue. Anything unexpected reports !ok and the
// caller falls back to encoding/json, whose error then describes it.

// SplitObject returns the members of the JSON object raw.
func SplitObject(raw []byte) (map[string]json.RawMessage, bool) {
	members := make(map[string]json.RawMessage, 24)
	ok := walk(raw, '{', '}', func(i int) (int, bool) {
		key, next, ok := readKey(raw, i)
		if !ok {
			return 0, false
		}
		i = skipSpace(raw, next)
		if i >= len(raw) || raw[i] != ':' {
			return 0, false
		}
		start := skipSpace(raw, i+1)
		end, ok := skipValue(raw, start)
		if ok {
			members[key] = raw[start:end:end]
		}
		return end, ok
	})
	if !ok {
		return nil, false
	}
	return members, true
}

// SplitArray returns the elements of the JSON array raw.
func SplitArray(raw []byte) ([]json.RawMessage, bool) {
	var elems []json.RawMessage
	ok := walk(raw, '[', ']', func(i int) (int, bool) {
		end, ok := skipValue(raw, i)
		if ok {
			elems = append(elems, raw[i:end:end])
		}
		return end, ok
	})
	if !ok {
		return nil, false
	}
	return elems, true
}

// walk checks that raw is open, comma-separated entries, close (and
// nothing after), calling entry at the start of each entry; entry returns
// where the entry ends.
func walk(raw []byte, open, close byte, entry func(i int) (int, bool)) bool {
	i := skipSpace(raw, 0)
	if i >= len(raw) || raw[i] != open {
		return false
	}
	i = skipSpace(raw, i+1)
	if i < len(raw) && raw[i] == close {
		return skipSpace(raw, i+1) == len(raw)
	}
	for i < len(raw) {
		end, ok := entry(i)
		if !ok {
			return false
		}
		i = skipSpace(raw, end)
		switch {
		case i >= len(raw):
			return false
		case raw[i] == ',':
			i = skipSpace(raw, i+1)
		case raw[i] == close:
			return skipSpace(raw, i+1) == len(raw)
		default:
			return false
		}
	}
	return false
}

// readKey reads the member name at raw[i]; escaped or invalid UTF-8 names
// (rare) go through encoding/json, which unescapes and repairs them.
func readKey(raw []byte, i int) (string, int, bool) {
	if i >= len(raw) || raw[i] != '"' {
		return "", 0, false
	}
	end, escaped, ok := skipString(raw, i)
	if !ok {
		return "", 0, false
	}
	if name := raw[i+1 : end-1]; !escaped && utf8.Valid(name) {
		return string(name), end, true
	}
	var key string
	if json.Unmarshal(raw[i:end], &key) != nil {
		return "", 0, false
	}
	return key, end, true
}

// skipValue returns the index just past the value starting at raw[i].
func skipValue(raw []byte, i int) (int, bool) {
	if i >= len(raw) {
		return 0, false
	}
	switch raw[i] {
	case '"':
		end, _, ok := skipString(raw, i)
		return end, ok
	case '{', '[':
		return skipNested(raw, i)
	}
	end := i
	for end < len(raw) && !isDelimiter(raw[end]) {
		end++
	}
	return end, end > i
}

// skipNested skips a balanced object or array, strings included.
func skipNested(raw []byte, i int) (int, bool) {
	depth := 0
	for i < len(raw) {
		switch raw[i] {
		case '"':
			end, _, ok := skipString(raw, i)
			if !ok {
				return 0, false
			}
			i = end
			continue
		case '{', '[':
			depth++
		case '}', ']':
			depth--
			if depth == 0 {
				return i + 1, true
			}
		}
		i++
	}
	return 0, false
}

// skipString returns the index just past the string starting at raw[i].
func skipString(raw []byte, i int) (end int, escaped, ok bool) {
	for j := i + 1; j < len(raw); j++ {
		switch raw[j] {
		case '\\':
			escaped = true
			j++
		case '"':
			return j + 1, escaped, true
		}
	}
	return 0, false, false
}

func skipSpace(raw []byte, i int) int {
	for i < len(raw) && (raw[i] == ' ' || raw[i] == '\t' || raw[i] == '\n' || raw[i] == '\r') {
		i++
	}
	return i
}

func isDelimiter(c byte) bool {
	return c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ':'
}
