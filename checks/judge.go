package checks

import (
	"context"
	"crypto/x509"
	"fmt"
	"strings"

	"github.com/vpndoctor/vpndoctor/checks/pathbuild"
)

// chainVerdict is the judgement of the certificates a server sent: every
// candidate path, the best one, and its findings.
type chainVerdict struct {
	best       path
	cert       []Finding // the best path's certificate findings (dates, names, usage...)
	trust      []Finding // how the best path ends (trusted, untrusted, missing issuer...)
	candidates []path    // every path found, best first
	gathered   []*x509.Certificate
	anchors    []*x509.Certificate
	sigChecks  int
	exhausted  bool
	outOfTime  bool       // exhausted by the deadline
	infos      []PathInfo // every candidate, best first, when there is more than one
}

func failIDs(lists ...[]Finding) []ID {
	var out []ID
	for _, fs := range lists {
		for _, f := range fs {
			if f.Severity == Fail {
				out = append(out, f.ID)
			}
		}
	}
	return out
}

func pathInfos(v chainVerdict, faults [][]ID) []PathInfo {
	if len(v.candidates) < 2 {
		return nil
	}
	out := make([]PathInfo, len(v.candidates))
	for i, p := range v.candidates {
		out[i] = PathInfo{Certs: pathNames(p), End: endNames[p.end], Faults: faults[i], Chosen: i == 0}
	}
	return out
}

// judgeChain builds every candidate path from the leaf to a trust anchor,
// judges each with the certificate checks, and keeps the one a platform
// verifier would pick (trusted, then valid at the true time, then shortest,
// then made of what the server sent). When no path is valid, the best
// failing one is explained. This is the engine's whole judgement of a
// chain; the network steps only feed it.
func judgeChain(ctx context.Context, sent []*x509.Certificate, pool *trustPool, host string, clock ClockInfo, fetch pathbuild.FetchFunc) chainVerdict {
	res, paths := buildPaths(ctx, sent, pool, fetch)
	v := chainVerdict{sigChecks: res.SignatureChecks, exhausted: res.Exhausted, outOfTime: res.OutOfTime}
	certs := make([][]Finding, len(paths))
	trusts := make([][]Finding, len(paths))
	faults := make([]int, len(paths))
	for i, p := range paths {
		certs[i], trusts[i] = certChecks(p, host, clock), checkTrust(p, pool)
		faults[i] = failures(certs[i]) + failures(trusts[i])
		if p.distrusted != nil {
			faults[i] += 100 // a distrusted certificate outweighs any fault
		}
	}
	order := pathbuild.Rank(res.Paths, faults)
	faultIDs := make([][]ID, 0, len(order))
	for _, i := range order {
		v.candidates = append(v.candidates, paths[i])
		faultIDs = append(faultIDs, failIDs(certs[i], trusts[i]))
	}
	v.best = v.candidates[0]
	v.cert, v.trust = certs[order[0]], trusts[order[0]]
	v.anchors, v.gathered = gather(paths, sent, res.Fetched)
	v.infos = pathInfos(v, faultIDs)
	if len(v.candidates) > 1 && failures(v.cert)+failures(v.trust) > 0 {
		explainChoice(&v)
	}
	switch {
	case v.best.end == endTrusted:
	case v.outOfTime:
		// Time ran out (a slow trust store or AIA server left little of
		// it): not the server's fault, and not "too many certificates".
		addToFirstFailure(v.trust, fmt.Sprintf("; the search for a path was cut short by the diagnosis' time limit after %d signature checks, so a valid path may have been missed", v.sigChecks))
	case v.exhausted:
		addToFirstFailure(v.trust, fmt.Sprintf("; the search for a path stopped after %d signature checks: the server sent %d certificates, too many of the same name to try them all", v.sigChecks, len(sent)))
	}
	return v
}

// gather collects, for the cross-check, the anchors the paths reached and
// every other certificate path building saw (sent, store intermediates,
// AIA downloads).
func gather(paths []path, sent []*x509.Certificate, fetched []pathbuild.Cert) (anchors, others []*x509.Certificate) {
	seen := map[string]bool{}
	for _, p := range paths {
		for i, l := range p.links {
			if seen[string(l.cert.Raw)] {
				continue
			}
			seen[string(l.cert.Raw)] = true
			if i == len(p.links)-1 && p.end == endTrusted {
				anchors = append(anchors, l.cert)
			} else if i > 0 {
				others = append(others, l.cert)
			}
		}
	}
	for _, c := range sent[1:] {
		if !seen[string(c.Raw)] {
			others = append(others, c)
		}
	}
	for _, f := range fetched {
		if !seen[string(f.Cert.Raw)] {
			others = append(others, f.Cert)
		}
	}
	return anchors, others
}

// certChecks are the checks of one path's certificates.
func certChecks(p path, host string, clock ClockInfo) []Finding {
	leaf := p.links[0].cert
	anchored := p.end == endTrusted
	var out []Finding
	out = append(out, checkValidity(p.links, clock)...)
	out = append(out, checkHostname(leaf, host)...)
	out = append(out, checkUsage(p.links)...)
	out = append(out, checkCAs(p.links, anchored)...)
	out = append(out, checkNameConstraints(p.links, host)...)
	out = append(out, checkSignatures(p.links, anchored)...)
	out = append(out, checkKeys(p.links)...)
	out = append(out, checkLifetime(leaf)...)
	return out
}

func failures(fs []Finding) int {
	n := 0
	for _, f := range fs {
		if f.Severity == Fail {
			n++
		}
	}
	return n
}

// PathInfo is one candidate path as the report shows it, for IT: where
// each certificate came from, how the path ends, what is wrong with it.
type PathInfo struct {
	Certs  []string `json:"certs"` // "name (source)", leaf first
	End    string   `json:"end"`   // trusted, untrusted_root, issuer_missing, bad_signature, too_deep
	Faults []ID     `json:"faults,omitempty"`
	Chosen bool     `json:"chosen,omitempty"`
}

var endNames = map[pathEnd]string{endTrusted: "trusted", endSelfSigned: "untrusted_root", endIssuerMissing: "issuer_missing",
	endTooDeep: "too_deep", endBadSignature: "bad_signature"}

func pathNames(p path) []string {
	var s []string
	for _, l := range p.links {
		s = append(s, fmt.Sprintf("%s (%s)", displayName(l.cert.Subject), l.source))
	}
	return s
}

// explainChoice says, in the first failure's detail, that other paths were
// tried and none was valid, so IT knows the fix is on the best one; the
// report's candidate paths list them all.
func explainChoice(v *chainVerdict) {
	note := fmt.Sprintf("; none of the %d candidate paths is valid, this is the best one: %s", len(v.candidates), strings.Join(pathNames(v.best), " > "))
	if !addToFirstFailure(v.trust, note) {
		addToFirstFailure(v.cert, note)
	}
}

func addToFirstFailure(fs []Finding, note string) bool {
	for i := range fs {
		if fs[i].Severity == Fail {
			fs[i].Detail += note
			return true
		}
	}
	return false
}
