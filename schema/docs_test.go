package schema

import (
	"flag"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

var update = flag.Bool("update", false, "rewrite docs/tables.md from the catalog")

// TestTablesDocIsCurrent keeps docs/tables.md in step with the catalog.
func TestTablesDocIsCurrent(t *testing.T) {
	const path = "../docs/tables.md"
	want := Default.Markdown()
	if *update {
		require.NoError(t, os.WriteFile(path, []byte(want), 0o644))
	}
	got, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, want, string(got), "docs/tables.md is stale: run go test ./schema -update")
}
