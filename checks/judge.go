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
}

// judgeChain builds every candidate path from the leaf to a trust anchor,
// judges each with the certificate checks, and keeps the one a platform
// verifier would pick (trusted, then valid at the true time, then shortest,
// then made of what the server sent). When no path is valid, the best
// failing one is explained. This is the engine's whole judgement of a
// chain; the network steps only feed it.
func judgeChain(ctx context.Context, sent []*x509.Certificate, pool *trustPool, host string, clock ClockInfo, fetch pathbuild.FetchFunc) chainVerdict {
	res, paths := buildPaths(ctx, sent, pool, fetch)
	v := chainVerdict{sigChecks: res.SignatureChecks, exhausted: res.Exhausted}
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
	for _, i := range order {
		v.candidates = append(v.candidates, paths[i])
	}
	v.best = v.candidates[0]
	v.cert, v.trust = certs[order[0]], trusts[order[0]]
	seen := map[string]bool{}
	for _, p := range paths {
		for i, l := range p.links {
			if seen[string(l.cert.Raw)] {
				continue
			}
			seen[string(l.cert.Raw)] = true
			if i == len(p.links)-1 && p.end == endTrusted {
				v.anchors = append(v.anchors, l.cert)
			} else if i > 0 {
				v.gathered = append(v.gathered, l.cert)
			}
		}
	}
	for _, c := range sent[1:] {
		if !seen[string(c.Raw)] {
			v.gathered = append(v.gathered, c)
		}
	}
	for _, f := range res.Fetched {
		if !seen[string(f.Cert.Raw)] {
			v.gathered = append(v.gathered, f.Cert)
		}
	}
	if len(v.candidates) > 1 {
		explainChoice(&v)
	}
	return v
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

// explainChoice tells IT, in the findings' details, that other paths
// exist: when the best path fails, what the best one lacks is what would
// fix it; when it is fine, that a path with problems was passed over.
func explainChoice(v *chainVerdict) {
	names := func(p path) string {
		var s []string
		for _, l := range p.links {
			s = append(s, fmt.Sprintf("%s (%s)", displayName(l.cert.Subject), l.source))
		}
		return strings.Join(s, " > ")
	}
	note := fmt.Sprintf("; of %d candidate paths the best is %s", len(v.candidates), names(v.best))
	for _, fs := range [][]Finding{v.cert, v.trust} {
		for i := range fs {
			if fs[i].Severity == Fail {
				fs[i].Detail += note
			}
		}
	}
}
