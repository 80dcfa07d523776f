package schema

import (
	"testing"
	"time"

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
		"delta other keys":   deltaTable(func(d *DeltaRead) { d.Path = "/i/delta" }),
		"delta not datetime": deltaTable(func(d *DeltaRead) { d.Column = "R" }),
		"delta no window":    deltaTable(func(d *DeltaRead) { d.WindowMonths = 0 }),
		"delta roots column": deltaTable(func(d *DeltaRead) { d.RootsOnly = "Nope" }),
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

// deltaTable is a valid table with a delta function, broken by change.
func deltaTable(change func(*DeltaRead)) *Table {
	d := &DeltaRead{Path: "/i/{K}/delta", Column: "M", RootsOnly: "R", WindowMonths: 8, MaxPageSize: 50}
	change(d)
	return &Table{Name: "I", ListPath: "/i/{K}", Delta: d, Columns: []Column{
		{Name: "K", Type: String, Key: true}, {Name: "M", Type: Datetime, Property: "m"}, {Name: "R", Type: String, Property: "r", Nullable: true},
	}}
}

func TestDeltaWindowStartKeepsAMargin(t *testing.T) {
	_, err := NewCatalog(deltaTable(func(*DeltaRead) {}))
	require.NoError(t, err)
	now := time.Date(2026, 11, 23, 0, 0, 0, 0, time.UTC)
	msgs, _ := Default.Table("ChannelMessages")
	require.NotNil(t, msgs.Delta)
	require.Equal(t, time.Date(2026, 3, 30, 0, 0, 0, 0, time.UTC), msgs.Delta.WindowStart(now))
}
