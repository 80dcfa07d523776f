package msteams

import (
	"context"
	"database/sql/driver"
	"fmt"

	"github.com/teamsql/msteams/graph"
	"github.com/teamsql/msteams/planner"
)

// Conn is one database/sql connection. Graph is stateless HTTP, so a
// connection is only a handle on its connector's shared client.
type Conn struct {
	connector *Connector
	closed    bool
}

var (
	_ driver.Conn               = (*Conn)(nil)
	_ driver.ConnPrepareContext = (*Conn)(nil)
	_ driver.QueryerContext     = (*Conn)(nil)
	_ driver.ExecerContext      = (*Conn)(nil)
	_ driver.ConnBeginTx        = (*Conn)(nil)
	_ driver.Pinger             = (*Conn)(nil)
	_ driver.SessionResetter    = (*Conn)(nil)
	_ driver.Validator          = (*Conn)(nil)
)

// Prepare parses the statement; it is planned per execution because key
// values bound by parameters decide which Graph requests it makes.
func (c *Conn) Prepare(query string) (driver.Stmt, error) {
	return c.PrepareContext(context.Background(), query)
}

// PrepareContext is Prepare.
func (c *Conn) PrepareContext(_ context.Context, query string) (driver.Stmt, error) {
	if c.closed {
		return nil, driver.ErrBadConn
	}
	if isProcedureCall(query) {
		return &Stmt{conn: c, call: query}, nil
	}
	parsed, err := planner.Parse(query)
	if err != nil {
		return nil, wrapError(err)
	}
	return &Stmt{conn: c, parsed: parsed}, nil
}

// QueryContext runs a query. It fetches the first row before returning so
// that Graph's refusals (400, 401, 403) fail Query, not a later rows.Err.
func (c *Conn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if c.closed {
		return nil, driver.ErrBadConn
	}
	if isProcedureCall(query) {
		return c.callProcedure(ctx, query, args)
	}
	parsed, err := planner.Parse(query)
	if err != nil {
		return nil, wrapError(err)
	}
	return c.query(ctx, parsed, args)
}

func (c *Conn) query(ctx context.Context, parsed *planner.Statement, args []driver.NamedValue) (driver.Rows, error) {
	cfg := c.connector.cfg
	plan, err := parsed.Plan(args, planner.Options{PageSize: cfg.Pagesize, Procedures: procedureInfo})
	if err != nil {
		return nil, wrapError(err)
	}
	c.logPlan(parsed, plan)
	ctx, cancel := context.WithCancel(ctx) // Rows.Close stops paging; Timeout bounds each Graph call
	maxRows := cfg.MaxRows
	if maxRows == 0 {
		maxRows = -1 // 0 rows is never what a user means; treat it as "no limit", as -1
	}
	rows := newRows(ctx, cancel, plan, planner.ClientFetcher{Client: c.connector.client}, maxRows)
	if err := rows.prefetch(); err != nil {
		rows.Close()
		return nil, wrapError(err)
	}
	return rows, nil
}

// withTimeout applies the Timeout property to a single operation (a ping,
// a procedure call); queries get it per Graph call from the client.
func (c *Conn) withTimeout(ctx context.Context) (context.Context, context.CancelFunc) {
	if t := c.connector.cfg.Timeout; t > 0 {
		return context.WithTimeout(ctx, t)
	}
	return context.WithCancel(ctx)
}

// ExecContext runs stored procedures (discarding their result set) and
// refuses writes for now.
func (c *Conn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if isProcedureCall(query) {
		rows, err := c.callProcedure(ctx, query, args)
		if err != nil {
			return nil, err
		}
		return driver.ResultNoRows, rows.Close()
	}
	return nil, wrapError(errWritesUnsupported)
}

var errWritesUnsupported = fmt.Errorf("writing data (INSERT, UPDATE, DELETE) is %w by msteams yet; use Query for SELECT", ErrNotSupported)

// Begin refuses transactions: Graph has none.
func (c *Conn) Begin() (driver.Tx, error) { return c.BeginTx(context.Background(), driver.TxOptions{}) }

// BeginTx refuses transactions: Graph has none.
func (c *Conn) BeginTx(context.Context, driver.TxOptions) (driver.Tx, error) {
	return nil, wrapError(errTransactionsUnsupported)
}

var errTransactionsUnsupported = fmt.Errorf("transactions are %w: Microsoft Graph has no transactions", ErrNotSupported)

// Ping checks the credential and Graph with the smallest request that
// every tenant and token type answers.
func (c *Conn) Ping(ctx context.Context) error {
	if c.closed {
		return driver.ErrBadConn
	}
	ctx, cancel := c.withTimeout(ctx)
	defer cancel()
	_, err := c.connector.client.List(graph.Request{Path: "/teams", Query: graph.Query{Select: []string{"id"}, Top: 1}}).Next(ctx)
	return wrapError(err)
}

// ResetSession keeps the connection: there is no session state to reset.
func (c *Conn) ResetSession(context.Context) error {
	if c.closed {
		return driver.ErrBadConn
	}
	return nil
}

// IsValid reports whether the connection can be reused.
func (c *Conn) IsValid() bool { return !c.closed }

// Close closes the connection.
func (c *Conn) Close() error {
	c.closed = true
	return nil
}

// Stmt is a prepared statement.
type Stmt struct {
	conn   *Conn
	parsed *planner.Statement // nil for a procedure call
	call   string             // the procedure call's text
	closed bool
}

var (
	_ driver.Stmt             = (*Stmt)(nil)
	_ driver.StmtQueryContext = (*Stmt)(nil)
	_ driver.StmtExecContext  = (*Stmt)(nil)
)

// NumInput is the number of ? placeholders, or -1 with named parameters
// (and for procedure calls, whose parameters the procedure checks).
func (s *Stmt) NumInput() int {
	if s.parsed == nil {
		return -1
	}
	return s.parsed.NumInput()
}

// Close closes the statement.
func (s *Stmt) Close() error {
	s.closed = true
	return nil
}

// Query runs the statement.
func (s *Stmt) Query(args []driver.Value) (driver.Rows, error) {
	return s.QueryContext(context.Background(), namedValues(args))
}

// QueryContext runs the statement.
func (s *Stmt) QueryContext(ctx context.Context, args []driver.NamedValue) (driver.Rows, error) {
	if s.closed {
		return nil, ErrClosed
	}
	if s.parsed == nil {
		return s.conn.callProcedure(ctx, s.call, args)
	}
	return s.conn.query(ctx, s.parsed, args)
}

// Exec refuses writes for now.
func (s *Stmt) Exec(args []driver.Value) (driver.Result, error) {
	return s.ExecContext(context.Background(), namedValues(args))
}

// ExecContext refuses writes for now.
func (s *Stmt) ExecContext(ctx context.Context, args []driver.NamedValue) (driver.Result, error) {
	if s.parsed == nil {
		return s.conn.ExecContext(ctx, s.call, args)
	}
	return s.conn.ExecContext(ctx, s.parsed.SQL, args)
}

func namedValues(args []driver.Value) []driver.NamedValue {
	named := make([]driver.NamedValue, len(args))
	for i, v := range args {
		named[i] = driver.NamedValue{Ordinal: i + 1, Value: v}
	}
	return named
}

// logPlan writes a query's SQL and plan to the log at Verbosity 2 and up.
func (c *Conn) logPlan(parsed *planner.Statement, plan *planner.Plan) {
	if c.connector.logger == nil || c.connector.cfg.Verbosity < 2 {
		return
	}
	c.connector.logger.Printf("query: %s", parsed.SQL)
	for _, line := range plan.Explain() {
		c.connector.logger.Printf("plan:  %s", line)
	}
}
