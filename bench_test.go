package msteams_test

import (
	"context"
	"database/sql"
	"testing"
	"time"

	"github.com/teamsql/msteams/graphtest"
)

// BenchmarkScanChannelMessages reads one team's messages (root and
// replies, decoded into rows) from the emulator: the cost of the driver's
// read path per query, with rows/s reported.
func BenchmarkScanChannelMessages(b *testing.B) {
	_, db := benchDB(b)
	ctx := context.Background()
	var team string
	if err := db.QueryRowContext(ctx, "SELECT Id FROM Teams WHERE DisplayName = 'Engineering'").Scan(&team); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	rows := 0
	for b.Loop() {
		r, err := db.QueryContext(ctx, "SELECT Id, FromUserDisplayName, BodyContent, CreatedDateTime FROM ChannelMessages WHERE TeamId = ?", team)
		if err != nil {
			b.Fatal(err)
		}
		for r.Next() {
			rows++
		}
		if err := r.Err(); err != nil {
			b.Fatal(err)
		}
		r.Close()
	}
	b.ReportMetric(float64(rows)/b.Elapsed().Seconds(), "rows/s")
}

// BenchmarkJoinGroupBy is the BI query: a nested-loop join and a
// GROUP BY over every team.
func BenchmarkJoinGroupBy(b *testing.B) {
	_, db := benchDB(b)
	for b.Loop() {
		r, err := db.Query("SELECT t.DisplayName, COUNT(*) FROM Teams t JOIN Channels c ON c.TeamId = t.Id GROUP BY t.DisplayName ORDER BY 2 DESC")
		if err != nil {
			b.Fatal(err)
		}
		for r.Next() {
		}
		r.Close()
	}
}

// benchDB connects to a fresh demo emulator for a benchmark.
func benchDB(b *testing.B) (*graphtest.Server, *sql.DB) {
	b.Helper()
	srv, err := graphtest.NewServer(graphtest.Options{TLS: true})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(srv.Close)
	db, err := sql.Open("msteams", srv.DSN())
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { db.Close() })
	return srv, db
}

// BenchmarkJoinWithLatency runs a nested-loop join and a fan-out against
// an emulator that answers each request after 20 ms, as a remote Graph
// would: overlapping the per-team reads is what makes these fast.
func BenchmarkJoinWithLatency(b *testing.B) {
	srv, db := benchDB(b)
	if err := db.Ping(); err != nil {
		b.Fatal(err)
	}
	srv.SetLatency(20 * time.Millisecond)
	for b.Loop() {
		r, err := db.Query("SELECT t.DisplayName, c.DisplayName FROM Teams t JOIN Channels c ON c.TeamId = t.Id")
		if err != nil {
			b.Fatal(err)
		}
		for r.Next() {
		}
		r.Close()
	}
}
