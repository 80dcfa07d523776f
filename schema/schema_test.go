package schema

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDefaultCatalogLookups(t *testing.T) {
	tbl, ok := Default.Table("channels")
	require.True(t, ok)
	require.Equal(t, "Channels", tbl.Name)
	_, col, ok := tbl.Column("teamid")
	require.True(t, ok)
	require.True(t, col.Key)
	from, ok := tbl.Parent.Supplies("teamid")
	require.True(t, ok)
	require.Equal(t, "Id", from)
	require.Equal(t, "Teams", tbl.Parent.Table)
	require.Equal(t, []string{"TeamId", "Id"}, PathKeys(tbl.GetPath))
}

func TestCatalogRejectsBrokenTables(t *testing.T) {
	cases := map[string]*Table{
		"unknown path key":   {Name: "A", ListPath: "/a/{Nope}"},
		"path key not a key": {Name: "B", ListPath: "/b/{X}", Columns: []Column{{Name: "X"}}},
		"duplicate column":   {Name: "C", ListPath: "/c", Columns: []Column{{Name: "X"}, {Name: "x"}}},
		"unknown parent":     {Name: "D", ListPath: "/d/{X}", Columns: []Column{{Name: "X", Key: true}}, Parent: &Parent{Table: "Nope", Keys: []KeyMap{{Key: "X", Column: "Id"}}}},
		"keyed path unknown": {Name: "E", ListPath: "/e", KeyedPaths: []string{"/u/{U}/e"}},
		"nest and unnest":    {Name: "F", ListPath: "/f", Nested: &NestedRows{Property: "r"}, Unnest: "a"},
		"batch key not key":  {Name: "G", ListPath: "/g", Columns: []Column{{Name: "Id"}}, Batch: &Batch{Path: "/g", KeyColumn: "Id", BodyProperty: "ids", MaxKeys: 1}},
		"from item alone":    {Name: "H", ListPath: "/h", Columns: []Column{{Name: "X", FromItem: true}}},
	}
	for name, tbl := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := NewCatalog(tbl)
			require.Error(t, err)
		})
	}
}

func TestSelectNameTakesTopLevelProperty(t *testing.T) {
	c := Column{Property: "from/user/id"}
	require.Equal(t, "from", c.SelectName())
}

func TestSupplierNamesListingTable(t *testing.T) {
	chats, _ := Default.Table("Chats")
	require.Equal(t, "Users", Default.Supplier(chats, "UserId"))
	msgs, _ := Default.Table("ChannelMessages")
	require.Equal(t, "Channels", Default.Supplier(msgs, "ChannelId"))
}
