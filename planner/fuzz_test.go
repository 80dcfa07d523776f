package planner

import (
	"context"
	"database/sql/driver"
	"testing"
)

// FuzzParse feeds arbitrary SQL through parsing, planning, EXPLAIN and a
// run against canned Graph data: any outcome but a panic is fine.
func FuzzParse(f *testing.F) {
	for _, seed := range []string{
		"SELECT * FROM Teams",
		"SELECT DisplayName AS n, UPPER(Description) FROM [Teams] WHERE Id IN ('t1', @x) ORDER BY 2 DESC LIMIT 3 OFFSET 1",
		"SELECT TeamId, Id FROM Channels WHERE TeamId = ? AND DisplayName LIKE 'Gen%' OR NOT IsArchived",
		"SELECT Id FROM Users WHERE CreatedDateTime BETWEEN '2026-01-01' AND ? AND AccountEnabled IS TRUE",
		"SELECT CASE WHEN DisplayName IS NULL THEN 1 ELSE LENGTH(DisplayName) / 0 END FROM Teams",
		"SELECT SUBSTRING(DisplayName, 2, 3), COALESCE(Description, 'x') FROM Teams WHERE -Id = 1",
		"SELECT `Id` FROM Teams WHERE DisplayName LIKE '\\%%' LIMIT ?, ?",
		"INSERT INTO Teams VALUES (1)",
		"SELECT t.DisplayName, COUNT(*) FROM Teams t JOIN Channels c ON c.TeamId = t.Id GROUP BY t.DisplayName HAVING COUNT(*) > 0 ORDER BY 2 DESC",
		"SELECT DISTINCT c.MembershipType FROM Channels c LEFT JOIN Teams t ON t.DisplayName = c.DisplayName",
		"SELECT Id FROM Teams WHERE Id IN (SELECT TeamId FROM Channels) AND EXISTS (SELECT 1 FROM Teams)",
		"EXPLAIN ANALYZE SELECT DATE(CreatedDateTime) + INTERVAL 1 DAY, JSON_EXTRACT(MemberSettings, '$.a[0]') FROM Teams",
		"SHOW TABLES",
		"DESCRIBE Channels",
		"SELECT CAST(COUNT(DISTINCT TableName) AS CHAR) FROM sys_tablecolumns",
		"SELECT [a FROM Teams",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		stmt, err := Parse(sql)
		if err != nil {
			return
		}
		args := []driver.NamedValue{{Ordinal: 1, Value: "t1"}, {Ordinal: 2, Value: int64(2)}, {Name: "x", Value: "t2"}}
		p, err := stmt.Plan(args, Options{})
		if err != nil {
			return
		}
		_ = p.Explain()
		cur := p.Run(teamsFake())
		row := make([]driver.Value, len(p.Columns))
		for i := 0; i < 20; i++ {
			if cur.Next(context.Background(), row) != nil {
				return
			}
		}
	})
}
