// Command msteams-sql is a SQL shell for Microsoft Teams data, built on the
// msteams database/sql driver.
//
//	msteams-sql --dsn "AuthScheme=...;..." -c "SELECT Id, DisplayName FROM Teams"
//	msteams-sql --demo                      # interactive, against the built-in emulator
//
// See docs/shell.md for the flags and output formats.
package main

import (
	"context"
	"database/sql"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	_ "github.com/teamsql/msteams"
	"github.com/teamsql/msteams/graphtest"
)

// Exit statuses.
const (
	exitOK          = 0
	exitFailed      = 1   // a statement failed, or the connection could not be set up
	exitUsage       = 2   // bad flags
	exitInterrupted = 130 // Ctrl-C in -c mode, as shells report death by SIGINT
)

// dsnEnv names the environment variable read when --dsn is not given.
const dsnEnv = "MSTEAMS_DSN"

func main() {
	os.Exit(run(context.Background(), os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// options are the parsed command-line flags.
type options struct {
	dsn        string
	command    string
	hasCommand bool // -c was given, even if empty
	format     string
	maxWidth   int
	demo       bool
	timeout    time.Duration
	params     []string // --param values for ? placeholders
}

// run is the whole program with its environment passed in, so tests can
// drive it. It returns the exit status.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	opts, err := parseFlags(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		return exitUsage
	}
	db, closeDB, err := connect(opts)
	if err != nil {
		fmt.Fprintf(stderr, "error: %v\n", err)
		return exitFailed
	}
	defer closeDB()

	sh := &shell{
		db:         db,
		stdout:     stdout,
		stderr:     stderr,
		format:     opts.format,
		maxWidth:   opts.maxWidth,
		timeout:    opts.timeout,
		params:     opts.params,
		interrupts: osInterrupts,
	}
	if opts.hasCommand {
		return sh.runCommand(ctx, opts.command)
	}
	return sh.runPrompt(ctx, stdin, isTerminal(stdin))
}

// parseFlags parses and checks args. Problems are reported on stderr; the
// returned error only tells the caller to exit with exitUsage (or, for
// flag.ErrHelp, with exitOK).
func parseFlags(args []string, stderr io.Writer) (options, error) {
	var opts options
	fs := flag.NewFlagSet("msteams-sql", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&opts.dsn, "dsn", "", "connection string (default: $"+dsnEnv+"); see docs/connection.md")
	fs.StringVar(&opts.command, "c", "", "run these `statements` (separated by ;) and exit, instead of prompting")
	fs.StringVar(&opts.format, "format", "table", "output `format`: "+strings.Join(formatNames, ", "))
	fs.IntVar(&opts.maxWidth, "max-width", 60, "longest table cell in `runes`, longer ones end in …; 0 = no limit (csv and json never truncate)")
	fs.BoolVar(&opts.demo, "demo", false, "connect to a built-in Microsoft Graph emulator holding a demo tenant")
	fs.DurationVar(&opts.timeout, "timeout", 0, "cancel a statement after this `duration` (e.g. 30s); 0 = the connection's Timeout")
	fs.Func("param", "a `value` for the next ? of each statement (repeat for several)", func(v string) error {
		opts.params = append(opts.params, v)
		return nil
	})
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: msteams-sql [--dsn DSN | --demo] [-c \"SQL; ...\"] [--format table|csv|json]\n\n"+
			"Runs SQL against Microsoft Teams. Without -c, reads statements ending in ; from stdin.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return opts, err
	}
	fs.Visit(func(f *flag.Flag) { opts.hasCommand = opts.hasCommand || f.Name == "c" })
	if opts.dsn == "" && !opts.demo {
		opts.dsn = os.Getenv(dsnEnv)
	}
	if err := opts.check(fs.Args()); err != nil {
		fmt.Fprintf(stderr, "msteams-sql: %v\n", err)
		fmt.Fprintln(stderr, "Run msteams-sql --help for usage.")
		return opts, err
	}
	return opts, nil
}

// check rejects flag combinations that cannot work. Messages never quote
// the DSN: it may hold a client secret or token.
func (o options) check(extra []string) error {
	switch {
	case len(extra) > 0:
		return fmt.Errorf("unexpected argument %q: put SQL in -c \"...\" or pipe it to stdin", extra[0])
	case o.demo && o.dsn != "":
		return errors.New("--demo and --dsn cannot be used together: --demo connects to the built-in emulator, so drop one of them")
	case !o.demo && o.dsn == "":
		return fmt.Errorf("no connection: give --dsn \"...\", set %s, or use --demo", dsnEnv)
	case o.maxWidth < 0:
		return fmt.Errorf("--max-width %d is negative: use 0 for no limit", o.maxWidth)
	case o.timeout < 0:
		return fmt.Errorf("--timeout %s is negative: use 0 for the connection's Timeout", o.timeout)
	}
	if _, err := newFormatter(o.format, io.Discard, 0); err != nil {
		return fmt.Errorf("--format: %w", err)
	}
	return nil
}

// connect opens the database the options name. The returned function
// closes it and, for --demo, stops the emulator.
func connect(opts options) (*sql.DB, func(), error) {
	dsn := opts.dsn
	stop := func() {}
	if opts.demo {
		srv, err := graphtest.NewServer(graphtest.Options{TLS: true})
		if err != nil {
			return nil, nil, fmt.Errorf("starting the demo emulator: %w", err)
		}
		dsn, stop = srv.DSN(), srv.Close
	}
	db, err := sql.Open("msteams", dsn)
	if err != nil {
		stop()
		// The driver's DSN errors never contain secret values.
		return nil, nil, err
	}
	return db, func() { db.Close(); stop() }, nil
}

// isTerminal reports whether r is an interactive terminal; prompts are only
// printed then, so that piping a script gives clean output.
func isTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}
