package suggest

import "testing"

func TestClosest(t *testing.T) {
	names := []string{"DisplayName", "Description", "Id", "OAuthClientId", "SSLServerCert"}
	cases := map[string]string{
		"displaynam":     "DisplayName",
		"DESCRIPTON":     "Description",
		"ClientId":       "OAuthClientId",
		"OAuthClientID2": "OAuthClientId",
		"xyz":            "",
		"Iq":             "Id",
		"Timeout":        "",
	}
	for in, want := range cases {
		if got := Closest(in, names); got != want {
			t.Errorf("Closest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestEditDistance(t *testing.T) {
	for _, c := range []struct {
		a, b string
		d    int
	}{{"", "", 0}, {"abc", "", 3}, {"kitten", "sitting", 3}, {"é", "e", 1}} {
		if got := EditDistance(c.a, c.b); got != c.d {
			t.Errorf("EditDistance(%q, %q) = %d, want %d", c.a, c.b, got, c.d)
		}
	}
}
