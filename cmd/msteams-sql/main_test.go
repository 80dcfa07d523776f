package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/teamsql/msteams/graphtest"
)

// result is what one run of the shell printed and returned.
type result struct {
	stdout, stderr string
	code           int
}

// shellRun runs the program with args and stdin, as a user would.
func shellRun(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(stdin), &stdout, &stderr)
	return result{stdout: stdout.String(), stderr: stderr.String(), code: code}
}

const teamsQuery = "SELECT Id, DisplayName FROM Teams ORDER BY DisplayName"

func TestCSVListsDemoTeams(t *testing.T) {
	r := shellRun(t, "", "--demo", "--format", "csv", "-c", teamsQuery)
	require.Equal(t, exitOK, r.code, r.stderr)

	records, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	require.NoError(t, err)
	assert.Equal(t, []string{"Id", "DisplayName"}, records[0])
	teams := records[1:]
	assert.GreaterOrEqual(t, len(teams), 10)
	var names []string
	for _, rec := range teams {
		assert.NotEmpty(t, rec[0], "every team has an id")
		names = append(names, rec[1])
	}
	assert.Contains(t, names, "Engineering")
	assert.IsIncreasing(t, names, "ORDER BY DisplayName")
}

func TestCSVShowsNullAsEmptyField(t *testing.T) {
	r := shellRun(t, "", "--demo", "--format", "csv", "-c",
		"SELECT DisplayName, Classification FROM Teams WHERE DisplayName = 'Engineering'")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "DisplayName,Classification\nEngineering,\n", r.stdout)
}

func TestJSONIsTypedAndEmbedsJSONColumns(t *testing.T) {
	r := shellRun(t, "", "--demo", "--format", "json", "-c",
		"SELECT DisplayName, Classification, IsArchived, CreatedDateTime, MemberSettings FROM Teams ORDER BY DisplayName")
	require.Equal(t, exitOK, r.code, r.stderr)

	var rows []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rows), r.stdout)
	require.GreaterOrEqual(t, len(rows), 10)
	var engineering map[string]any
	for _, row := range rows {
		if row["DisplayName"] == "Engineering" {
			engineering = row
		}
	}
	require.NotNil(t, engineering, "Engineering is a demo team")

	assert.Contains(t, engineering, "Classification")
	assert.Nil(t, engineering["Classification"], "NULL is JSON null")
	assert.IsType(t, false, engineering["IsArchived"], "BOOLEAN is a JSON boolean")
	created, ok := engineering["CreatedDateTime"].(string)
	require.True(t, ok, "DATETIME is a string")
	_, err := time.Parse(time.RFC3339, created)
	assert.NoError(t, err, "DATETIME is RFC 3339")
	settings, ok := engineering["MemberSettings"].(map[string]any)
	require.True(t, ok, "a JSON column is embedded as an object, not a string: %T", engineering["MemberSettings"])
	assert.Contains(t, settings, "allowCreatePrivateChannels")
}

func TestJSONKeepsColumnOrder(t *testing.T) {
	r := shellRun(t, "", "--demo", "--format", "json", "-c",
		"SELECT DisplayName, Id FROM Teams WHERE DisplayName = 'Engineering'")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Less(t, strings.Index(r.stdout, `"DisplayName"`), strings.Index(r.stdout, `"Id"`), r.stdout)
}

func TestJSONEmptyResultIsEmptyArray(t *testing.T) {
	r := shellRun(t, "", "--demo", "--format", "json", "-c", "SELECT Id FROM Teams WHERE DisplayName = 'No such team'")
	require.Equal(t, exitOK, r.code, r.stderr)
	var rows []map[string]any
	require.NoError(t, json.Unmarshal([]byte(r.stdout), &rows), r.stdout)
	assert.Empty(t, rows)
	assert.NotNil(t, rows, "[] rather than null")
}

func TestTableAlignsAndShowsNull(t *testing.T) {
	r := shellRun(t, "", "--demo", "-c",
		"SELECT DisplayName, Classification FROM Teams WHERE DisplayName = 'Engineering'")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "DisplayName | Classification\n"+
		"------------+---------------\n"+
		"Engineering | NULL\n"+
		"(1 row)\n\n", r.stdout)
}

func TestTableTruncatesLongCells(t *testing.T) {
	query := "SELECT MemberSettings FROM Teams WHERE DisplayName = 'Engineering'"

	r := shellRun(t, "", "--demo", "--max-width", "12", "-c", query)
	require.Equal(t, exitOK, r.code, r.stderr)
	lines := strings.Split(r.stdout, "\n")
	assert.Equal(t, `{"allowAddR…`, lines[2])

	r = shellRun(t, "", "--demo", "--max-width", "0", "-c", query)
	require.Equal(t, exitOK, r.code, r.stderr)
	lines = strings.Split(r.stdout, "\n")
	assert.True(t, json.Valid([]byte(lines[2])), "--max-width 0 keeps the whole value: %s", lines[2])
}

func TestCSVNeverTruncates(t *testing.T) {
	r := shellRun(t, "", "--demo", "--format", "csv", "--max-width", "5", "-c",
		"SELECT MemberSettings FROM Teams WHERE DisplayName = 'Engineering'")
	require.Equal(t, exitOK, r.code, r.stderr)
	records, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	require.NoError(t, err)
	require.Len(t, records, 2)
	assert.True(t, json.Valid([]byte(records[1][0])), records[1][0])
}

func TestCommandRunsStatementsInOrder(t *testing.T) {
	r := shellRun(t, "", "--demo", "--format", "csv", "-c",
		"SELECT DisplayName FROM Teams WHERE DisplayName = 'Sales';"+
			" SELECT DisplayName FROM Teams WHERE DisplayName = 'semi;colon' ;"+
			"SELECT DisplayName FROM Teams WHERE DisplayName = 'Engineering'")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "DisplayName\nSales\nDisplayName\nDisplayName\nEngineering\n", r.stdout)
}

func TestCommandGoesOnAfterAFailureAndExitsOne(t *testing.T) {
	r := shellRun(t, "", "--demo", "--format", "csv", "-c",
		"SELECT Nope FROM Nowhere; SELECT DisplayName FROM Teams WHERE DisplayName = 'Sales'")
	assert.Equal(t, exitFailed, r.code)
	assert.Equal(t, "DisplayName\nSales\n", r.stdout)
	assert.True(t, strings.HasPrefix(r.stderr, "error: "), r.stderr)
	assert.Contains(t, r.stderr, "Nowhere")
}

func TestPromptRunsAPipedScript(t *testing.T) {
	script := "SELECT DisplayName\n" +
		"  FROM Teams\n" +
		"  WHERE DisplayName = 'Engineering';\n" +
		"SELECT Nope FROM Nowhere;\n" +
		"\n" +
		"SELECT DisplayName FROM Teams WHERE DisplayName = 'Sales'; SELECT DisplayName\n" +
		"FROM Teams WHERE DisplayName = 'Finance'\n" // the last ';' may be missing
	r := shellRun(t, script, "--demo", "--format", "csv")
	assert.Equal(t, exitFailed, r.code, "a statement failed")
	assert.Equal(t, "DisplayName\nEngineering\nDisplayName\nSales\nDisplayName\nFinance\n", r.stdout,
		"the failure did not stop the loop, and no prompt is printed when stdin is not a terminal")
	assert.Equal(t, 1, strings.Count(r.stderr, "error: "), r.stderr)
}

func TestPromptQuitCommandsStopReading(t *testing.T) {
	for _, quit := range []string{`\q`, "exit", "quit", "QUIT;"} {
		t.Run(quit, func(t *testing.T) {
			script := "SELECT DisplayName FROM Teams WHERE DisplayName = 'Sales';\n" + quit + "\nSELECT Nope FROM Nowhere;\n"
			r := shellRun(t, script, "--demo", "--format", "csv")
			assert.Equal(t, exitOK, r.code, r.stderr)
			assert.Equal(t, "DisplayName\nSales\n", r.stdout)
			assert.Empty(t, r.stderr)
		})
	}
}

func TestPromptHelpAndUnknownCommand(t *testing.T) {
	r := shellRun(t, "\\help\n\\nope\n", "--demo")
	assert.Equal(t, exitFailed, r.code)
	assert.Contains(t, r.stdout, `\q`)
	assert.Contains(t, r.stderr, `unknown command \nope`)
}

func TestPromptReportsAStdinFailure(t *testing.T) {
	var stdout, stderr bytes.Buffer
	in := io.MultiReader(strings.NewReader("SELECT DisplayName FROM Teams WHERE DisplayName = 'Sales';\n"),
		iotest.ErrReader(errors.New("disk on fire")))
	code := run(context.Background(), []string{"--demo", "--format", "csv"}, in, &stdout, &stderr)
	assert.Equal(t, exitFailed, code)
	assert.Equal(t, "DisplayName\nSales\n", stdout.String())
	assert.Contains(t, stderr.String(), "disk on fire")
}

func TestPromptCommandOnTheLastLineWithoutNewline(t *testing.T) {
	r := shellRun(t, "-- a comment only\n\\q", "--demo")
	assert.Equal(t, exitOK, r.code, r.stderr)
	assert.Empty(t, r.stderr)
}

func TestDSNFromEnvironment(t *testing.T) {
	_, dsn := emulator(t, graphtest.Options{})
	t.Setenv(dsnEnv, dsn)
	r := shellRun(t, "", "--format", "csv", "-c", "SELECT DisplayName FROM Teams WHERE DisplayName = 'Sales'")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "DisplayName\nSales\n", r.stdout)
}

func TestFlagErrorsExitTwo(t *testing.T) {
	t.Setenv(dsnEnv, "")
	cases := map[string][]string{
		"unknown flag":       {"--demo", "--nope"},
		"unknown format":     {"--demo", "--format", "xml", "-c", teamsQuery},
		"demo and dsn":       {"--demo", "--dsn", "AuthScheme=AzureMSI", "-c", teamsQuery},
		"no connection":      {"-c", teamsQuery},
		"stray argument":     {"--demo", teamsQuery},
		"negative max-width": {"--demo", "--max-width", "-1", "-c", teamsQuery},
		"negative timeout":   {"--demo", "--timeout", "-1s", "-c", teamsQuery},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			r := shellRun(t, "", args...)
			assert.Equal(t, exitUsage, r.code, r.stderr)
			assert.Empty(t, r.stdout)
			assert.NotEmpty(t, r.stderr)
		})
	}
}

func TestHelpExitsZero(t *testing.T) {
	r := shellRun(t, "", "--help")
	assert.Equal(t, exitOK, r.code)
	assert.Contains(t, r.stderr, "--format")
}

func TestErrorsNeverShowTheSecret(t *testing.T) {
	const secret = "TopSecretValue42"
	base := "AuthScheme=AzureServicePrincipal;AzureTenant=contoso;OAuthClientId=app;OAuthClientSecret=" + secret
	cases := map[string][]string{
		"invalid property":    {"--dsn", base + ";Timeout=soon", "-c", teamsQuery},
		"unknown property":    {"--dsn", base + ";Colour=blue", "-c", teamsQuery},
		"demo and dsn":        {"--demo", "--dsn", base, "-c", teamsQuery},
		"unreachable service": {"--dsn", base + ";AuthorityURL=https://127.0.0.1:1/;GraphURL=https://127.0.0.1:1/v1.0;Timeout=5", "-c", teamsQuery},
	}
	for name, args := range cases {
		t.Run(name, func(t *testing.T) {
			r := shellRun(t, "", args...)
			assert.NotEqual(t, exitOK, r.code)
			assert.NotEmpty(t, r.stderr)
			assert.NotContains(t, r.stderr, secret)
			assert.NotContains(t, r.stdout, secret)
		})
	}
}

func TestCtrlCCancelsTheStatementWithStatus130(t *testing.T) {
	// The emulator never answers Graph in time, so the statement can only
	// end through the interrupt.
	_, dsn := emulator(t, graphtest.Options{Latency: time.Hour})
	sh, stderr := testShell(t, dsn)
	sh.interrupts = func() (<-chan os.Signal, func()) {
		c := make(chan os.Signal, 1)
		c <- os.Interrupt
		return c, func() {}
	}
	code := sh.runCommand(context.Background(), teamsQuery+"; "+teamsQuery)
	assert.Equal(t, exitInterrupted, code)
	assert.Equal(t, 1, strings.Count(stderr.String(), "error: "), "the second statement did not run: %s", stderr)
	assert.Contains(t, stderr.String(), "Ctrl-C")
}

func TestCtrlCAtThePromptOnlyCancelsTheStatement(t *testing.T) {
	srv, dsn := emulator(t, graphtest.Options{Latency: time.Hour})
	sh, stderr := testShell(t, dsn)
	script := teamsQuery + ";\n" + "SELECT DisplayName FROM Teams WHERE DisplayName = 'Sales';\n"
	// The second statement must be answered, so drop the latency once the
	// first has been canceled: the interrupt fires before Graph answers.
	sh.interrupts = interruptFirstThen(func() { srv.SetLatency(0) })
	code := sh.runPrompt(context.Background(), strings.NewReader(script), false)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr.String(), "Ctrl-C")
	assert.Contains(t, sh.stdout.(*bytes.Buffer).String(), "Sales")
}

// interruptFirstThen interrupts the first statement and calls after when
// that statement's interrupt delivery stops, before the next one starts.
func interruptFirstThen(after func()) func() (<-chan os.Signal, func()) {
	calls := 0
	return func() (<-chan os.Signal, func()) {
		calls++
		c := make(chan os.Signal, 1)
		if calls > 1 {
			return c, func() {}
		}
		c <- os.Interrupt
		return c, after
	}
}

func TestTimeoutCancelsTheStatement(t *testing.T) {
	_, dsn := emulator(t, graphtest.Options{Latency: time.Hour})
	sh, stderr := testShell(t, dsn)
	sh.timeout = time.Millisecond
	code := sh.runCommand(context.Background(), teamsQuery)
	assert.Equal(t, exitFailed, code)
	assert.Contains(t, stderr.String(), "--timeout 1ms")
}

// emulator starts a TLS emulator and returns it with a DSN for it.
func emulator(t *testing.T, opts graphtest.Options) (*graphtest.Server, string) {
	t.Helper()
	opts.TLS = true
	srv, err := graphtest.NewServer(opts)
	require.NoError(t, err)
	t.Cleanup(srv.Close)
	return srv, srv.DSN()
}

// testShell is a csv shell on dsn that writes to buffers.
func testShell(t *testing.T, dsn string) (*shell, *bytes.Buffer) {
	t.Helper()
	db, err := sql.Open("msteams", dsn)
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	stderr := new(bytes.Buffer)
	return &shell{
		db: db, stdout: new(bytes.Buffer), stderr: stderr, format: "csv",
		interrupts: func() (<-chan os.Signal, func()) { return nil, func() {} },
	}, stderr
}

func Example_demo() {
	args := []string{"--demo", "-c", "SELECT DisplayName, Visibility FROM Teams WHERE DisplayName = 'Engineering'"}
	status := run(context.Background(), args, strings.NewReader(""), os.Stdout, os.Stderr)
	fmt.Println("exit status", status)
	// Output:
	// DisplayName | Visibility
	// ------------+-----------
	// Engineering | private
	// (1 row)
	//
	// exit status 0
}

func TestParamsBindPlaceholders(t *testing.T) {
	r := shellRun(t, "", "--demo", "--format", "csv", "-c", "SELECT Id FROM Teams WHERE DisplayName = 'Engineering'")
	require.Equal(t, exitOK, r.code, r.stderr)
	records, err := csv.NewReader(strings.NewReader(r.stdout)).ReadAll()
	require.NoError(t, err)
	team := records[1][0]

	r = shellRun(t, "", "--demo", "--format", "csv", "--param", team, "--param", "General",
		"-c", "SELECT DisplayName FROM Channels WHERE TeamId = ? AND DisplayName = ?; SELECT '?' AS q")
	require.Equal(t, exitOK, r.code, r.stderr)
	assert.Equal(t, "DisplayName\nGeneral\nq\n?\n", r.stdout, "a ? inside quotes is not a placeholder")

	r = shellRun(t, "", "--demo", "-c", "SELECT Id FROM Teams WHERE Id = ? OR Id = ?", "--param", team)
	assert.Equal(t, exitFailed, r.code)
	assert.Contains(t, r.stderr, "2 ? placeholder(s) but only 1 --param")
}

func TestCountPlaceholders(t *testing.T) {
	for text, want := range map[string]int{
		"SELECT ?":                           1,
		"SELECT '?', \"?\", `?`, [?] FROM t": 0,
		"SELECT ? -- ?\n, /* ? */ ?":         2,
	} {
		assert.Equal(t, want, countPlaceholders(text), text)
	}
}
