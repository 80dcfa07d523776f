package planner

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/teamsql/msteams/schema"
)

func catalogWithoutParent(t *testing.T) *schema.Catalog {
	t.Helper()
	orig, _ := schema.Default.Table("Channels")
	copied := *orig
	copied.Parent = nil
	c, err := schema.NewCatalog(&copied)
	require.NoError(t, err)
	return c
}
