package msteams

import (
	"context"
	"errors"
	"fmt"

	"github.com/teamsql/msteams/graph"
	"github.com/teamsql/msteams/planner"
)

// Errors callers can test with errors.Is. Graph's own errors are
// *GraphError values carrying Graph's status, code, message and request id.
var (
	// ErrNotSupported: the SQL (a write, a transaction, a construct) is not supported yet.
	ErrNotSupported = planner.ErrUnsupported
	// ErrMissingKey: the table's Graph path needs a key column the query did not give.
	ErrMissingKey = planner.ErrMissingKey
	// ErrNotFound, ErrUnauthorized, ErrForbidden, ErrThrottled and ErrBadRequest
	// match a *GraphError with status 404, 401, 403, 429 and 400.
	ErrNotFound     = graph.ErrNotFound
	ErrUnauthorized = graph.ErrUnauthorized
	ErrForbidden    = graph.ErrForbidden
	ErrThrottled    = graph.ErrThrottled
	ErrBadRequest   = graph.ErrBadRequest
	// ErrClosed: the connection or statement was already closed.
	ErrClosed = errors.New("msteams: use of a closed connection or statement")
)

// GraphError is an error answer from Microsoft Graph.
type GraphError = graph.Error

// wrapError prefixes errors with the driver's name, keeping them
// matchable; context errors pass through unchanged so callers see exactly
// context.Canceled or context.DeadlineExceeded.
func wrapError(err error) error {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	return fmt.Errorf("msteams: %w", err)
}
