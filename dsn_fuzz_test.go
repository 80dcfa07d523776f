package msteams

import (
	"reflect"
	"testing"
)

// FuzzParseDSN checks that ParseDSN never panics and that every DSN it
// accepts survives FormatDSN unchanged.
func FuzzParseDSN(f *testing.F) {
	for _, tt := range testDSNs {
		f.Add(tt.in)
	}
	for _, tt := range invalidDSNs {
		f.Add(tt.in)
	}
	f.Fuzz(func(t *testing.T, dsn string) {
		c, err := ParseDSN(dsn)
		if err != nil {
			_ = err.Error()
			return
		}
		_ = c.String()
		_ = c.GoString()
		formatted := c.FormatDSN()
		back, err := ParseDSN(formatted)
		if err != nil {
			t.Fatalf("ParseDSN(%q) = %v for FormatDSN() of ParseDSN(%q)", formatted, err, dsn)
		}
		if !reflect.DeepEqual(c, back) {
			t.Fatalf("round trip of %q through %q changed the config:\n got  %s\n want %s",
				dsn, formatted, dumpWithSecrets(back), dumpWithSecrets(c))
		}
		if again := back.FormatDSN(); again != formatted {
			t.Fatalf("FormatDSN is not a fixed point: %q then %q", formatted, again)
		}
	})
}
