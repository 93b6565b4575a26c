package pathbuild

import "sort"

// Rank orders paths the way platform verifiers choose among them and
// returns their indices, best first: a path to a trust anchor first, then
// the one with the fewest faults (faults[i] is the caller's judgement of
// paths[i] at the given time: expired, wrong usage, not a CA...), then the
// shortest, then the one that uses most of what the server sent (fewest
// certificates taken from elsewhere). Among paths that fail, one that
// reached an untrusted root explains more than one that stopped at a
// missing issuer.
func Rank(paths []Path, faults []int) []int {
	order := make([]int, len(paths))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(x, y int) bool {
		i, j := order[x], order[y]
		a, b := paths[i], paths[j]
		if a.End != b.End {
			return a.End < b.End
		}
		if faults[i] != faults[j] {
			return faults[i] < faults[j]
		}
		if len(a.Certs) != len(b.Certs) {
			return len(a.Certs) < len(b.Certs)
		}
		return borrowed(a) < borrowed(b)
	})
	return order
}

// borrowed counts the certificates below the anchor the server did not send.
func borrowed(p Path) int {
	n := 0
	for i, c := range p.Certs {
		if c.Kind != Sent && !(i == len(p.Certs)-1 && p.End == Trusted) {
			n++
		}
	}
	return n
}
