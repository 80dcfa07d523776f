package planner

import (
	"errors"
	"fmt"

	"github.com/teamsql/msteams/internal/suggest"
)

// ErrUnsupported marks SQL that msteams does not run (yet); errors wrapping it
// say which construct it was.
var ErrUnsupported = errors.New("not supported")

// ErrMissingKey marks a query on a table whose Graph path needs a key column
// the query did not bind and the driver cannot enumerate.
var ErrMissingKey = errors.New("missing key column")

func unsupported(format string, args ...any) error {
	return fmt.Errorf("%s is %w by msteams yet", fmt.Sprintf(format, args...), ErrUnsupported)
}

// closest returns the candidate nearest to name, or "" when none is a
// plausible typo.
func closest(name string, candidates []string) string { return suggest.Closest(name, candidates) }
