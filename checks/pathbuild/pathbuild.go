// Package pathbuild finds every path from a server's certificate to a trust
// anchor, the way platform verifiers do: a bounded depth-first search over
// the certificates the server sent, the store's intermediates and roots, and
// AIA downloads, with loop detection and a cap on signature checks against
// hostile floods of same-named issuers (the shape of crypto/x509's
// buildChains). It judges nothing: the caller ranks the paths with its own
// checks (Rank) and explains the best one.
//
// There is no network in here: AIA goes through the Fetch function the
// caller passes in.
package pathbuild

import (
	"bytes"
	"context"
	"crypto/x509"
)

// Kind says where a certificate of a path came from.
type Kind int

// Certificate sources.
const (
	Sent         Kind = iota // the server sent it
	Intermediate             // the store's intermediates (Windows "CA", macOS keychains)
	Root                     // a trusted root of the store
	AIA                      // downloaded from the caIssuers address of the certificate below it
)

// Cert is one certificate of a path.
type Cert struct {
	Cert   *x509.Certificate
	Kind   Kind
	Origin string // the store a root or intermediate came from, or the AIA URL
}

// End says how a path ends.
type End int

// Path ends, from best to worst for ranking.
const (
	Trusted       End = iota // the last certificate is a trust anchor
	SelfSigned               // a self-signed certificate the store does not trust
	BadSignature             // a certificate with the issuer's name was found, but its key did not sign
	IssuerMissing            // no certificate with the issuer's name was found anywhere
	TooDeep                  // MaxDepth reached
)

// Path is one candidate path, leaf first.
type Path struct {
	Certs []Cert
	End   End
	// AIAURL and AIAErr: the caIssuers address tried for the missing issuer
	// of the last certificate, and why it did not help.
	AIAURL string
	AIAErr error
	// Impostor is, for BadSignature, a certificate that bears the issuer's
	// name (and key id) but whose key did not make the signature.
	Impostor *Cert
	// Loop is set when the only issuers found were already on the path.
	Loop bool
}

// Last is the path's last certificate.
func (p Path) Last() Cert { return p.Certs[len(p.Certs)-1] }

// Roots is the trust store as path building needs it. The caller may parse
// roots lazily: Named is only asked for names that occur as issuers.
type Roots interface {
	// Named returns the trusted roots whose raw subject is name.
	Named(name []byte) []Cert
	// Anchor returns the trusted root that c is (the same certificate, or
	// the same name and key, as platform verifiers treat a re-issued root).
	Anchor(c *x509.Certificate) (Cert, bool)
}

// FetchFunc downloads the certificates at c's caIssuers addresses. It
// returns what it found, the address it used or last tried, and why it
// found nothing.
type FetchFunc func(ctx context.Context, c *x509.Certificate) ([]*x509.Certificate, string, error)

// Limits bound the search.
type Limits struct {
	MaxDepth           int // certificates on one path
	MaxPaths           int // paths returned
	MaxSignatureChecks int // distinct signature checks, across the whole search
	MaxVisits          int // search steps, against graphs with exponentially many paths
}

// DefaultLimits allow chains far longer than any real one (the deepest
// BetterTLS and real gateways use are under 40) and make a flood of hundreds
// of same-named issuers cost milliseconds (crypto/x509 allows 100 checks).
var DefaultLimits = Limits{MaxDepth: 64, MaxPaths: 64, MaxSignatureChecks: 100, MaxVisits: 4096}

// Input is what a search starts from.
type Input struct {
	// Sent is the server's list: Sent[0] is the leaf, the rest any order.
	Sent          []*x509.Certificate
	Intermediates []Cert
	Roots         Roots
	// Fetch, when set, is asked for the issuer of a certificate no local
	// candidate signed.
	Fetch  FetchFunc
	Limits Limits
}

// Result is every path found, unranked.
type Result struct {
	Paths []Path
	// SignatureChecks is how many distinct signatures were verified.
	SignatureChecks int
	// Exhausted is set when a limit cut the search short; OutOfTime when
	// that limit was the caller's deadline (ctx), not one of Limits.
	Exhausted bool
	OutOfTime bool
	// Fetched holds every certificate downloaded by AIA.
	Fetched []Cert
}

type pair struct{ child, parent *x509.Certificate }

type builder struct {
	in      Input
	local   map[string][]Cert // sent and store intermediates, by raw subject
	sigs    map[pair]bool
	aia     map[*x509.Certificate]aiaResult
	visits  int
	res     Result
	lim     Limits
	exhaust bool
}

type aiaResult struct {
	certs []Cert
	url   string
	err   error
}

// Build searches every path from in.Sent[0] to a trust anchor, and records
// the dead ends too (an untrusted root, a missing issuer), so that the
// caller can explain the best failing path when no path is valid.
func Build(ctx context.Context, in Input) Result {
	b := &builder{in: in, local: map[string][]Cert{}, sigs: map[pair]bool{}, aia: map[*x509.Certificate]aiaResult{}, lim: in.Limits}
	if b.lim == (Limits{}) {
		b.lim = DefaultLimits
	}
	for _, c := range in.Sent[1:] {
		b.addLocal(Cert{Cert: c, Kind: Sent})
	}
	for _, c := range in.Intermediates {
		b.addLocal(c)
	}
	b.extend(ctx, []Cert{{Cert: in.Sent[0], Kind: Sent}})
	b.res.Exhausted = b.exhaust
	return b.res
}

func (b *builder) addLocal(c Cert) {
	k := string(c.Cert.RawSubject)
	for _, o := range b.local[k] {
		if bytes.Equal(o.Cert.Raw, c.Cert.Raw) {
			return // the same certificate sent twice, or sent and in the store: keep the first
		}
	}
	b.local[k] = append(b.local[k], c)
}

// record keeps a path. extend stops the search before it once MaxPaths
// are kept (TestMaxPathsStopsTheSearch).
func (b *builder) record(p Path) {
	p.Certs = append([]Cert(nil), p.Certs...)
	b.res.Paths = append(b.res.Paths, p)
}

func (b *builder) extend(ctx context.Context, chain []Cert) {
	b.visits++
	if b.visits > b.lim.MaxVisits || len(b.res.Paths) >= b.lim.MaxPaths || ctx.Err() != nil {
		b.exhaust = true
		b.res.OutOfTime = b.res.OutOfTime || ctx.Err() != nil
		return
	}
	cur := chain[len(chain)-1]
	if a, ok := b.anchor(cur.Cert); ok {
		if cur.Kind != Sent || !bytes.Equal(a.Cert.Raw, cur.Cert.Raw) {
			// The store's own copy is the anchor, whatever copy was found.
			chain[len(chain)-1] = a
		} else {
			chain[len(chain)-1].Origin = a.Origin
		}
		b.record(Path{Certs: chain, End: Trusted})
		return
	}
	if len(chain) >= b.lim.MaxDepth {
		b.record(Path{Certs: chain, End: TooDeep})
		return
	}
	issuers, impostor, loop := b.issuers(cur.Cert, chain)
	if len(issuers) == 0 && !loop && !b.selfSigned(cur.Cert) && b.in.Fetch != nil {
		var ar aiaResult
		issuers, ar = b.fetch(ctx, cur.Cert, chain)
		if len(issuers) == 0 {
			p := Path{Certs: chain, End: IssuerMissing, AIAURL: ar.url, AIAErr: ar.err, Impostor: impostor}
			if impostor != nil {
				p.End = BadSignature
			}
			b.record(p)
			return
		}
	}
	if len(issuers) == 0 {
		p := Path{Certs: chain, End: IssuerMissing, Impostor: impostor, Loop: loop}
		switch {
		case b.selfSigned(cur.Cert):
			p.End = SelfSigned
		case impostor != nil:
			p.End = BadSignature
		}
		b.record(p)
		return
	}
	for _, is := range issuers {
		b.extend(ctx, append(chain[:len(chain):len(chain)], is))
	}
}

// issuers returns the candidates that signed c and are not on the chain
// yet: trusted roots first, then what the server sent, then the store's
// intermediates, each group ordered by key identifier match.
func (b *builder) issuers(c *x509.Certificate, chain []Cert) (found []Cert, impostor *Cert, loop bool) {
	var cands []Cert
	if b.in.Roots != nil {
		cands = append(cands, b.in.Roots.Named(c.RawIssuer)...)
	}
	cands = append(cands, b.local[string(c.RawIssuer)]...)
	cands = byKeyID(c, cands)
	seen := map[string]bool{}
	for _, cand := range cands {
		if seen[string(cand.Cert.Raw)] {
			continue
		}
		seen[string(cand.Cert.Raw)] = true
		if len(found) > 0 && !keyIDMatches(c, cand.Cert) {
			// A different key id is a different key: once the right one
			// signed, the rest of a flood is not worth a check.
			continue
		}
		if onChain(cand.Cert, chain) {
			if b.signed(c, cand.Cert) {
				loop = true
			}
			continue
		}
		if b.signed(c, cand.Cert) {
			found = append(found, cand)
		} else if impostor == nil && !b.exhaust && keyIDMatches(c, cand.Cert) {
			cc := cand
			impostor = &cc
		}
	}
	return found, impostor, loop && len(found) == 0
}

// signed verifies (once per pair) that parent's key made child's
// signature, within the signature budget.
func (b *builder) signed(child, parent *x509.Certificate) bool {
	k := pair{child, parent}
	if ok, done := b.sigs[k]; done {
		return ok
	}
	if b.res.SignatureChecks >= b.lim.MaxSignatureChecks {
		b.exhaust = true
		return false
	}
	b.res.SignatureChecks++
	ok := bytes.Equal(child.RawIssuer, parent.RawSubject) && CheckSignature(child, parent) == nil
	b.sigs[k] = ok
	return ok
}

func (b *builder) anchor(c *x509.Certificate) (Cert, bool) {
	if b.in.Roots == nil {
		return Cert{}, false
	}
	return b.in.Roots.Anchor(c)
}

func (b *builder) selfSigned(c *x509.Certificate) bool { return b.signed(c, c) }

func (b *builder) fetch(ctx context.Context, c *x509.Certificate, chain []Cert) ([]Cert, aiaResult) {
	ar, done := b.aia[c]
	if !done {
		certs, u, err := b.in.Fetch(ctx, c)
		ar = aiaResult{url: u, err: err}
		for _, f := range certs {
			fc := Cert{Cert: f, Kind: AIA, Origin: u}
			ar.certs = append(ar.certs, fc)
			b.res.Fetched = append(b.res.Fetched, fc)
		}
		b.aia[c] = ar
	}
	var out []Cert
	for _, cand := range ar.certs {
		if !onChain(cand.Cert, chain) && b.signed(c, cand.Cert) {
			out = append(out, cand)
		}
	}
	if len(out) == 0 && ar.err == nil && ar.url != "" {
		ar.err = errNotIssuer
	}
	return out, ar
}

// onChain detects loops: a certificate with the same name and key as one
// already on the path (a cross-sign of it included) would only go round.
func onChain(c *x509.Certificate, chain []Cert) bool {
	for _, l := range chain {
		if bytes.Equal(l.Cert.RawSubject, c.RawSubject) && bytes.Equal(l.Cert.RawSubjectPublicKeyInfo, c.RawSubjectPublicKeyInfo) {
			return true
		}
	}
	return false
}

// byKeyID puts candidates whose subject key id matches c's authority key
// id first, then those without one, then the mismatches (as crypto/x509
// does), keeping the order within each group.
func byKeyID(c *x509.Certificate, cands []Cert) []Cert {
	if len(c.AuthorityKeyId) == 0 || len(cands) < 2 {
		return cands
	}
	var match, none, other []Cert
	for _, cand := range cands {
		switch {
		case len(cand.Cert.SubjectKeyId) == 0:
			none = append(none, cand)
		case bytes.Equal(cand.Cert.SubjectKeyId, c.AuthorityKeyId):
			match = append(match, cand)
		default:
			other = append(other, cand)
		}
	}
	return append(append(match, none...), other...)
}

func keyIDMatches(c, cand *x509.Certificate) bool {
	return len(c.AuthorityKeyId) == 0 || len(cand.SubjectKeyId) == 0 || bytes.Equal(c.AuthorityKeyId, cand.SubjectKeyId)
}
