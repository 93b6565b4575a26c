package checks

import (
	"context"
	"fmt"
	"net"
	"sort"
	"strconv"
	"sync"

	"github.com/vpndoctor/vpndoctor/internal/crash"
)

// maxAtOnce bounds how many addresses or endpoints are checked at the same
// time: each is its own connection and handshake.
const maxAtOnce = 4

// maxNodes bounds how many addresses of one name are checked: a name with
// hundreds (hostile or misconfigured DNS) must not hold the diagnosis.
const maxNodes = 16

// NodeResult is one address of a name that has several (a load-balanced
// pair, IPv4 and IPv6): a VPN client may land on any of them.
type NodeResult struct {
	Address    string `json:"address"`
	Family     string `json:"family"` // IPv4 or IPv6
	LeafSHA256 string `json:"leaf_sha256,omitempty"`
	Primary    ID     `json:"primary"`
	// Odd is set on the addresses whose answer differs from the others'
	// and is the one the report explains.
	Odd bool `json:"odd,omitempty"`
}

type nodeRun struct {
	addr     string
	rep      Report
	findings []Finding
	primary  ID
}

// diagnoseNodes checks every address of the name concurrently, each with
// its own connection and handshake, and reports the worst: a VPN client
// that lands on a bad node fails even when the others are fine.
func (r *run) diagnoseNodes(ctx context.Context, rep *Report, sh *shared, addrs []string) []Finding {
	if len(addrs) > maxNodes {
		addrs = addrs[:maxNodes]
	}
	runs := make([]nodeRun, len(addrs))
	sem := make(chan struct{}, maxAtOnce)
	var wg sync.WaitGroup
	for i, a := range addrs {
		wg.Add(1)
		go func() {
			defer crash.Guard()
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			nr := r
			if i > 0 {
				nr = r.quiet(r.target)
			}
			sub := Report{Chain: []ChainCert{}}
			fs := nr.diagnoseNode(ctx, &sub, sh, []string{a})
			runs[i] = nodeRun{addr: a, rep: sub, findings: fs, primary: primaryOf(fs)}
		}()
	}
	wg.Wait()
	pick := worstNode(runs)
	w := runs[pick]
	rep.Chain, rep.TLS, rep.Trust, rep.Clock = w.rep.Chain, w.rep.TLS, w.rep.Trust, w.rep.Clock
	rep.Nodes = nodeResults(runs)
	if !nodesDiffer(runs) {
		return w.findings
	}
	same := 0
	for _, n := range runs {
		if n.primary == w.primary && leafOf(n.rep) == leafOf(w.rep) {
			same++
		}
	}
	for i := range rep.Nodes {
		rep.Nodes[i].Odd = w.primary != OK && runs[i].primary == w.primary && leafOf(runs[i].rep) == leafOf(w.rep)
	}
	count := fmt.Sprintf("%d of %d", same, len(runs))
	if fam := familySplit(runs, w); fam != "" {
		count += " (" + fam + ")"
	}
	for i := range w.findings {
		if w.findings[i].Severity == Fail || w.findings[i].Severity == Warn {
			w.findings[i].Evidence[EvAddress] = w.addr
			w.findings[i].Evidence[EvNodes] = count
			w.findings[i].Evidence[EvHost] = r.target.Host // the summary names the host now
			w.findings[i].Evidence[EvPort] = strconv.Itoa(r.target.Port)
		}
	}
	return w.findings
}

// primaryOf is choosePrimary without reordering the caller's slice.
func primaryOf(fs []Finding) ID {
	return choosePrimary(append([]Finding(nil), fs...))
}

// connectionOnly are failures a VPN client gets past by trying the next
// address; a node with one of them is the worst only when all are.
var connectionOnly = map[ID]bool{Unreachable: true, Timeout: true}

// worstNode picks the address to explain: the first failure by
// precedence, preferring certificate problems over an address that does
// not answer; ties go to the lower address, so the choice does not depend
// on the order DNS gave.
func worstNode(runs []nodeRun) int {
	idx := make([]int, len(runs))
	for i := range idx {
		idx[i] = i
	}
	score := func(n nodeRun) (int, int) {
		switch {
		case n.primary == OK:
			return 2, 0
		case connectionOnly[n.primary]:
			return 1, rank(n.primary)
		}
		return 0, rank(n.primary)
	}
	sort.SliceStable(idx, func(a, b int) bool {
		ca, ra := score(runs[idx[a]])
		cb, rb := score(runs[idx[b]])
		if ca != cb {
			return ca < cb
		}
		if ra != rb {
			return ra < rb
		}
		return lessAddr(runs[idx[a]].addr, runs[idx[b]].addr)
	})
	return idx[0]
}

func lessAddr(a, b string) bool {
	ia, ib := net.ParseIP(a), net.ParseIP(b)
	if ia == nil || ib == nil {
		return a < b
	}
	return string(ia.To16()) < string(ib.To16())
}

func leafOf(rep Report) string {
	if len(rep.Chain) == 0 {
		return ""
	}
	return rep.Chain[0].SHA256
}

func nodesDiffer(runs []nodeRun) bool {
	for _, n := range runs[1:] {
		if n.primary != runs[0].primary || leafOf(n.rep) != leafOf(runs[0].rep) {
			return true
		}
	}
	return false
}

func family(addr string) string {
	if ip := net.ParseIP(addr); ip != nil && ip.To4() == nil {
		return "IPv6"
	}
	return "IPv4"
}

// familySplit names the family when exactly the addresses of one family
// behave like the worst node: "IPv6" for an AAAA record that points at an
// old server.
func familySplit(runs []nodeRun, w nodeRun) string {
	fam := family(w.addr)
	for _, n := range runs {
		like := n.primary == w.primary && leafOf(n.rep) == leafOf(w.rep)
		if like != (family(n.addr) == fam) {
			return ""
		}
	}
	return "all " + fam + " addresses"
}

func nodeResults(runs []nodeRun) []NodeResult {
	out := make([]NodeResult, 0, len(runs))
	for _, n := range runs {
		out = append(out, NodeResult{Address: n.addr, Family: family(n.addr), LeafSHA256: leafOf(n.rep), Primary: n.primary})
	}
	return out
}

// nodePrefix says, in a summary, which server or endpoint a finding is
// about when the login has several.
func nodePrefix(f Finding) string {
	s := ""
	if e := f.Evidence[EvEndpoint]; e != "" {
		s += "[" + e + "] "
	}
	if n := f.Evidence[EvNodes]; n != "" {
		s += fmt.Sprintf("%s servers behind %s (%s): ", n, f.Evidence[EvHost], f.Evidence[EvAddress])
	}
	return s
}
