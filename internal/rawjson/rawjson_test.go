package rawjson

import (
	"bytes"
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestSplitObjectMatchesEncodingJSON(t *testing.T) {
	raw := []byte(` {"id":"1","n":-1.5e3,"ok":true,"none":null,"body":{"content":"a \"q\" }]{["},"replies":[{"id":"2"},{"id":"3","x":[1,[2]]}],"k\u00e9y":"v"} `)
	got, ok := SplitObject(raw)
	assert.True(t, ok)
	var want map[string]json.RawMessage
	assert.NoError(t, json.Unmarshal(raw, &want))
	assert.Equal(t, len(want), len(got))
	for k, v := range want {
		assert.Equal(t, string(v), string(got[k]), k)
	}
	elems, ok := SplitArray(got["replies"])
	assert.True(t, ok)
	assert.Equal(t, []string{`{"id":"2"}`, `{"id":"3","x":[1,[2]]}`}, []string{string(elems[0]), string(elems[1])})
}

func TestSplitRejectsBrokenStructure(t *testing.T) {
	for _, bad := range []string{``, `[]`, `{`, `{"a"}`, `{"a":}`, `{"a":1,}`, `{"a":1 "b":2}`, `{"a":"x}`, `{"a":1}x`, `{"a":[1,2}`} {
		_, ok := SplitObject([]byte(bad))
		assert.False(t, ok, bad)
	}
	for _, bad := range []string{`{}`, `[`, `[1,]`, `[1 2]`, `["x]`} {
		_, ok := SplitArray([]byte(bad))
		assert.False(t, ok, bad)
	}
}

// FuzzSplitObject checks the splitter against encoding/json: on valid
// JSON objects both give the same members; it never panics.
func FuzzSplitObject(f *testing.F) {
	for _, seed := range []string{`{"a":1}`, `{"a":{"b":[1,"]"]},"c":"\\\""}`, `{}`, `{"a":[]}`, `{"é":"x"}`} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		got, ok := SplitObject(raw)
		var want map[string]json.RawMessage
		if json.Unmarshal(raw, &want) != nil || want == nil || !ok {
			return
		}
		if len(got) != len(want) {
			t.Fatalf("%d members, encoding/json found %d", len(got), len(want))
		}
		for k, v := range want {
			var a, b bytes.Buffer
			_ = json.Compact(&a, v)
			_ = json.Compact(&b, got[k])
			if a.String() != b.String() {
				t.Fatalf("member %q: %s, encoding/json: %s", k, got[k], v)
			}
		}
	})
}
