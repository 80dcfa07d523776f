package main

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"
)

// errInterrupted is the cancellation cause when the user pressed Ctrl-C.
var errInterrupted = errors.New("statement canceled by Ctrl-C")

// shell runs statements against db and prints their results.
type shell struct {
	db       *sql.DB
	stdout   io.Writer
	stderr   io.Writer
	format   string
	maxWidth int
	timeout  time.Duration // per statement; 0 = the DSN's Timeout
	params   []string      // --param values, bound to each statement's ? in order

	// interrupts delivers Ctrl-C while a statement runs; stop ends the
	// delivery so that Ctrl-C at the prompt behaves as usual. Tests replace it.
	interrupts func() (c <-chan os.Signal, stop func())
}

// osInterrupts catches SIGINT (Ctrl-C) until stop is called.
func osInterrupts() (<-chan os.Signal, func()) {
	c := make(chan os.Signal, 1)
	signal.Notify(c, os.Interrupt)
	return c, func() { signal.Stop(c) }
}

// runCommand runs the statements of a -c argument in order. A failed
// statement does not stop the rest; Ctrl-C does.
func (s *shell) runCommand(ctx context.Context, script string) int {
	status := exitOK
	for _, stmt := range allStatements(script) {
		err := s.runStatement(ctx, stmt)
		if errors.Is(err, errInterrupted) {
			s.printError(err)
			return exitInterrupted
		}
		if err != nil {
			s.printError(err)
			status = exitFailed
		}
	}
	return status
}

// Prompts shown on a terminal: the first for a new statement, the second
// while a statement continues over several lines.
const (
	prompt             = "msteams> "
	continuationPrompt = "    -> "
)

// runPrompt reads statements ending in ';' from in, possibly spread over
// several lines, and runs each as soon as it is complete, until EOF or a
// quit command. A failed statement is reported and the loop goes on; the
// status says whether any failed.
func (s *shell) runPrompt(ctx context.Context, in io.Reader, terminal bool) int {
	status := exitOK
	fail := func(err error) {
		s.printError(err)
		status = exitFailed
	}
	if terminal {
		fmt.Fprintln(s.stdout, `msteams-sql: type SQL ending in ;  \help for help, \q to quit.`)
	}
	reader := bufio.NewReader(in)
	var pending string // text of the statement being typed
	for {
		if terminal {
			fmt.Fprint(s.stdout, promptFor(pending))
		}
		line, readErr := reader.ReadString('\n')
		if unfinished(pending) == "" && isCommand(line) {
			quit, err := s.command(line)
			if quit {
				return status
			}
			if err != nil {
				fail(err)
			}
		} else {
			complete, rest := splitStatements(pending + line)
			pending = rest
			for _, stmt := range complete {
				if err := s.runStatement(ctx, stmt); err != nil {
					fail(err)
				}
			}
		}
		if readErr != nil {
			if readErr != io.EOF {
				fail(fmt.Errorf("reading statements from stdin: %w", readErr))
			}
			break
		}
	}
	// A script's last statement may lack its ';'.
	if last := unfinished(pending); last != "" {
		if err := s.runStatement(ctx, last); err != nil {
			fail(err)
		}
	}
	if terminal {
		fmt.Fprintln(s.stdout)
	}
	return status
}

func promptFor(pending string) string {
	if unfinished(pending) == "" {
		return prompt
	}
	return continuationPrompt
}

// isCommand reports whether line is a shell command rather than SQL.
func isCommand(line string) bool {
	word := strings.TrimSuffix(strings.TrimSpace(line), ";")
	switch strings.ToLower(word) {
	case "exit", "quit":
		return true
	}
	return strings.HasPrefix(word, `\`)
}

// command carries out the shell command on line (see isCommand): quit
// reports that the shell should stop.
func (s *shell) command(line string) (quit bool, err error) {
	word := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(line), ";"))
	switch word {
	case `\q`, "exit", "quit":
		return true, nil
	case `\help`, `\h`, `\?`:
		fmt.Fprint(s.stdout, helpText)
		return false, nil
	}
	return false, fmt.Errorf("unknown command %s: type \\help for the list", strings.TrimSpace(line))
}

const helpText = `Type SQL statements ending in ; (they may span several lines), for example:
  SELECT Id, DisplayName FROM Teams ORDER BY DisplayName;
  SELECT DisplayName, MembershipType FROM Channels WHERE TeamId = '...';
  SELECT DisplayName, Department FROM Users WHERE Department = 'Engineering';
Commands (on a line of their own):
  \help, \h, \?     this help
  \q, exit, quit    leave the shell (so does end of input, Ctrl-D)
Ctrl-C cancels the running statement.
`

// runStatement runs one statement and prints its result in the shell's
// format. Rows are handed to the formatter as they arrive.
func (s *shell) runStatement(ctx context.Context, query string) error {
	ctx, stop := s.statementContext(ctx)
	defer stop()
	err := s.query(ctx, query)
	if err != nil && errors.Is(context.Cause(ctx), errInterrupted) {
		return errInterrupted
	}
	if err != nil && s.timeout > 0 && errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("statement took longer than --timeout %s; raise it or narrow the query: %w", s.timeout, err)
	}
	return err
}

func (s *shell) query(ctx context.Context, query string) error {
	args, err := s.argsFor(query)
	if err != nil {
		return err
	}
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := resultColumns(rows)
	if err != nil {
		return err
	}
	f, err := newFormatter(s.format, s.stdout, s.maxWidth)
	if err != nil {
		return err
	}
	if err := f.start(cols); err != nil {
		return err
	}
	values := make([]any, len(cols))
	targets := make([]any, len(cols))
	for i := range values {
		targets[i] = &values[i]
	}
	count := 0
	for rows.Next() {
		if err := rows.Scan(targets...); err != nil {
			return err
		}
		if err := f.row(values); err != nil {
			return err
		}
		count++
	}
	if err := rows.Err(); err != nil {
		return err
	}
	return f.finish(count)
}

func resultColumns(rows *sql.Rows) ([]column, error) {
	types, err := rows.ColumnTypes()
	if err != nil {
		return nil, err
	}
	cols := make([]column, len(types))
	for i, t := range types {
		cols[i] = column{name: t.Name(), dbType: t.DatabaseTypeName()}
	}
	return cols, nil
}

// statementContext is the context for one statement: canceled by Ctrl-C
// (with cause errInterrupted) and by --timeout.
func (s *shell) statementContext(parent context.Context) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	signals, stopSignals := s.interrupts()
	done := make(chan struct{})
	go func() {
		select {
		case <-signals:
			cancel(errInterrupted)
		case <-done:
		}
	}()
	stop := func() {
		close(done)
		stopSignals()
		cancel(nil)
	}
	if s.timeout <= 0 {
		return ctx, stop
	}
	ctx, cancelTimeout := context.WithTimeout(ctx, s.timeout)
	return ctx, func() { cancelTimeout(); stop() }
}

func (s *shell) printError(err error) {
	fmt.Fprintf(s.stderr, "error: %v\n", err)
}

// argsFor binds the --param values to the statement's ? placeholders.
func (s *shell) argsFor(query string) ([]any, error) {
	n := countPlaceholders(query)
	if n > len(s.params) {
		return nil, fmt.Errorf("the statement has %d ? placeholder(s) but only %d --param value(s) were given", n, len(s.params))
	}
	args := make([]any, n)
	for i := range args {
		args[i] = s.params[i]
	}
	return args, nil
}
