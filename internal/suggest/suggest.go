// Package suggest finds the name a user probably meant, for "did you mean"
// hints in errors about unknown properties, tables and columns.
package suggest

import (
	"math"
	"strings"
)

// Closest returns the candidate nearest to name, ignoring case, or "" when
// none is near enough to be a plausible typo: within an edit distance of a
// third of its length (at least 2), or containing name (or contained in
// it) when name has four or more letters.
func Closest(name string, candidates []string) string {
	lower := strings.ToLower(name)
	best, bestDistance := "", math.MaxInt
	for _, c := range candidates {
		candidate := strings.ToLower(c)
		d := EditDistance(lower, candidate)
		contains := len(lower) >= 4 && (strings.Contains(candidate, lower) || strings.Contains(lower, candidate))
		if (d <= max(2, len(candidate)/3) || contains) && d < bestDistance {
			best, bestDistance = c, d
		}
	}
	return best
}

// EditDistance is the Levenshtein distance between a and b, in runes.
func EditDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
}
