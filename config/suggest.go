package config

import "strings"

// suggest returns the known name closest to an unknown one, if it is close
// enough to be a slip: a typo, other case, or a name cut short.
func suggest(unknown string, known []string) string {
	u := strings.ToLower(strings.NewReplacer("-", "_", " ", "_").Replace(unknown))
	best, bestD := "", 3
	for _, k := range known {
		if u == k || len(u) >= 3 && (strings.HasPrefix(k, u) || strings.HasPrefix(u, k)) {
			return k
		}
		if d := distance(u, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// distance is the Levenshtein distance between a and b.
func distance(a, b string) int {
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
