package checks

import (
	"bytes"
	"fmt"
	"sync"
	"time"

	"golang.org/x/crypto/x509roots/fallback/bundle"
)

// bundledRoots is Mozilla's current public root set as Go ships it, kept
// unparsed: it is consulted only when a chain is not trusted here.
var bundledRoots = sync.OnceValue(func() []StoreCert {
	var out []StoreCert
	for r := range bundle.Roots() {
		out = append(out, StoreCert{DER: r.Certificate, Origin: "current public roots (Mozilla, via Go)"})
	}
	return out
})

// publicSet indexes the public roots by subject.
func (r *run) publicSet() *lazyRoots {
	get := r.opts.PublicRoots
	if get == nil {
		get = bundledRoots
	}
	var set lazyRoots
	for _, sc := range get() {
		if sc.Cert != nil {
			sc = StoreCert{DER: sc.Cert.Raw, Origin: sc.Origin}
		}
		set.add(sc)
	}
	return &set
}

// judgeOutdated looks for a chain that a current public root would anchor
// while this computer lacks that root, or holds it only in an expired or
// older form. Then the fault is the trust store's age (root updates turned
// off, an old ca-certificates), not the gateway: the untrusted_root and
// expired-root findings it explains are replaced by trust_store_outdated.
func (r *run) judgeOutdated(p path, pool *trustPool, fs []Finding, now time.Time) []Finding {
	if !hasFinding(fs, UntrustedRoot) && !expiredCA(fs) {
		return fs
	}
	set := r.publicSet()
	var at int // where the chain reaches the public root: the links from there up are the store's fault
	var root *StoreCert
	for i, l := range p.links {
		if i == 0 {
			continue // a leaf is never a root
		}
		if c := currentPublic(set, l.cert.RawSubject, now, func(sc *StoreCert) bool {
			return bytes.Equal(sc.Cert.RawSubjectPublicKeyInfo, l.cert.RawSubjectPublicKeyInfo)
		}); c != nil && !holdsCurrent(pool, c, now) {
			at, root = i, c
			break
		}
	}
	if root == nil {
		last := p.links[len(p.links)-1].cert
		if c := currentPublic(set, last.RawIssuer, now, func(sc *StoreCert) bool { return signedBy(last, sc.Cert) }); c != nil && !holdsCurrent(pool, c, now) {
			at, root = len(p.links), c
		}
	}
	if root == nil {
		return fs
	}
	var out []Finding
	for _, f := range fs {
		explained := f.ID == UntrustedRoot || f.ID == SelfSigned || (f.ID == CertExpired && f.Cert >= at)
		if !explained {
			out = append(out, f)
		}
	}
	name := displayName(root.Cert.Subject)
	f := newFinding(TrustStoreOutdated, Fail, "this computer's list of trusted root certificates is out of date",
		fmt.Sprintf("the chain leads to the current public root %q, which this computer lacks or holds only in an expired or older form", name), -1)
	f.Evidence[EvPublicRoot] = name
	return append(out, f)
}

// expiredCA reports an expired certificate other than the leaf: often an
// old root the store still holds.
func expiredCA(fs []Finding) bool {
	for _, f := range fs {
		if f.ID == CertExpired && f.Cert > 0 {
			return true
		}
	}
	return false
}

// currentPublic finds a public root with this subject that is valid now
// and passes ok.
func currentPublic(set *lazyRoots, subject []byte, now time.Time, ok func(*StoreCert) bool) *StoreCert {
	for _, lr := range set.named(subject) {
		sc := lr.parse()
		if sc == nil || now.After(sc.Cert.NotAfter) || now.Before(sc.Cert.NotBefore) {
			continue
		}
		if ok(sc) {
			return sc
		}
	}
	return nil
}

// holdsCurrent reports whether the store anchors root in a form valid now.
func holdsCurrent(pool *trustPool, root *StoreCert, now time.Time) bool {
	a := pool.anchorFor(root.Cert)
	return a != nil && !now.After(a.Cert.NotAfter)
}
