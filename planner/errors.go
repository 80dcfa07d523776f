package planner

import (
	"errors"
	"fmt"
	"strings"
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

// closest returns the candidate nearest to name by edit distance, or "" when
// none is near enough to be a plausible typo.
func closest(name string, candidates []string) string {
	best, bestDist := "", len(name)/2+2
	for _, c := range candidates {
		if d := editDistance(strings.ToLower(name), strings.ToLower(c)); d < bestDist {
			best, bestDist = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
