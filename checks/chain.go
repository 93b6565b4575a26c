package checks

import (
	"bytes"
	"context"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"fmt"
	"sync"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// maxChainDepth bounds path building against loops and hostile chains.
const maxChainDepth = 8

// pathEnd says how path building stopped.
type pathEnd int

const (
	endTrusted       pathEnd = iota // reached a root of the trust store
	endSelfSigned                   // reached a self-signed certificate the store does not hold
	endIssuerMissing                // the issuer of the last certificate was found nowhere
	endTooDeep
)

// link is one certificate of the built path.
type link struct {
	cert   *x509.Certificate
	source Source
	origin string
}

type path struct {
	links []link
	end   pathEnd
	// missingAIA is the caIssuers URL tried for the missing issuer, and
	// aiaErr why it did not help.
	missingAIA string
	aiaErr     error
	distrusted *link
}

// trustPool is the trust store flattened for path building.
type trustPool struct {
	roots         []StoreCert // parsed
	lazy          lazyRoots   // handed over unparsed, indexed by subject
	intermediates []StoreCert
	distrusted    []StoreCert
	elsewhere     []StoreCert
}

// trustedElsewhere names the other store (browsers') that holds c's
// issuer, or "".
func (p *trustPool) trustedElsewhere(c *x509.Certificate) string {
	for _, e := range p.elsewhere {
		if bytes.Equal(e.Cert.RawSubject, c.RawIssuer) || sameCert(e.Cert, c) {
			return e.Origin
		}
	}
	return ""
}

func sameCert(a, b *x509.Certificate) bool { return bytes.Equal(a.Raw, b.Raw) }

// sameKeyAndName treats a root re-issued with the same name and key (new
// dates) as the same anchor, as platform verifiers do.
func sameKeyAndName(a, b *x509.Certificate) bool {
	return bytes.Equal(a.RawSubject, b.RawSubject) && bytes.Equal(a.RawSubjectPublicKeyInfo, b.RawSubjectPublicKeyInfo)
}

// signedBy checks child's signature with parent's key. Unlike
// CheckSignatureFrom it accepts SHA-1 (we must find the path to say the
// signature is weak) and does not insist that parent is a CA (a self-signed
// leaf signs itself).
func signedBy(child, parent *x509.Certificate) bool {
	if !bytes.Equal(child.RawIssuer, parent.RawSubject) {
		return false
	}
	return parent.CheckSignature(child.SignatureAlgorithm, child.RawTBSCertificate, child.Signature) == nil
}

func isSelfSigned(c *x509.Certificate) bool { return signedBy(c, c) }

func (p *trustPool) anchorFor(c *x509.Certificate) *StoreCert {
	for i := range p.roots {
		if sameCert(p.roots[i].Cert, c) || sameKeyAndName(p.roots[i].Cert, c) {
			return &p.roots[i]
		}
	}
	for _, r := range p.lazy.named(c.RawSubject) {
		if bytes.Equal(r.der, c.Raw) || bytes.Equal(r.spki, c.RawSubjectPublicKeyInfo) {
			if sc := r.parse(); sc != nil {
				return sc
			}
		}
	}
	return nil
}

// rootIssuer finds c's issuer among the roots, parsed or not.
func (p *trustPool) rootIssuer(c *x509.Certificate, used map[string]bool) *StoreCert {
	if a := issuerIn(c, p.roots, used); a != nil {
		return a
	}
	for _, r := range p.lazy.named(c.RawIssuer) {
		if sc := r.parse(); sc != nil && !used[string(sc.Cert.Raw)] && signedBy(c, sc.Cert) {
			return sc
		}
	}
	return nil
}

// lazyRoots index unparsed roots by their raw subject name.
type lazyRoots struct {
	bySubject map[string][]*lazyRoot
	n         int
}

type lazyRoot struct {
	der, spki []byte
	origin    string
	once      sync.Once
	parsed    *StoreCert
}

func (l *lazyRoots) add(sc StoreCert) bool {
	subject, spki, ok := subjectAndKey(sc.DER)
	if !ok {
		return false
	}
	if l.bySubject == nil {
		l.bySubject = map[string][]*lazyRoot{}
	}
	l.bySubject[string(subject)] = append(l.bySubject[string(subject)], &lazyRoot{der: sc.DER, spki: spki, origin: sc.Origin})
	l.n++
	return true
}

func (l *lazyRoots) named(name []byte) []*lazyRoot { return l.bySubject[string(name)] }

func (r *lazyRoot) parse() *StoreCert {
	r.once.Do(func() {
		if c, err := x509.ParseCertificate(r.der); err == nil {
			r.parsed = &StoreCert{Cert: c, Origin: r.origin}
		}
	})
	return r.parsed
}

// subjectAndKey reads a certificate's raw subject and public key info
// without parsing the rest (RFC 5280 4.1: TBSCertificate is version,
// serial, signature, issuer, validity, subject, subjectPublicKeyInfo...).
func subjectAndKey(der []byte) (subject, spki []byte, ok bool) {
	input := cryptobyte.String(der)
	var cert, tbs cryptobyte.String
	if !input.ReadASN1(&cert, cbasn1.SEQUENCE) || !cert.ReadASN1(&tbs, cbasn1.SEQUENCE) {
		return nil, nil, false
	}
	var subj, key cryptobyte.String
	if !tbs.SkipOptionalASN1(cbasn1.Tag(0).Constructed().ContextSpecific()) ||
		!tbs.SkipASN1(cbasn1.INTEGER) || // serial
		!tbs.SkipASN1(cbasn1.SEQUENCE) || // signature algorithm
		!tbs.SkipASN1(cbasn1.SEQUENCE) || // issuer
		!tbs.SkipASN1(cbasn1.SEQUENCE) || // validity
		!tbs.ReadASN1Element(&subj, cbasn1.SEQUENCE) ||
		!tbs.ReadASN1Element(&key, cbasn1.SEQUENCE) {
		return nil, nil, false
	}
	return subj, key, true
}

func (p *trustPool) isDistrusted(c *x509.Certificate) *StoreCert {
	for i := range p.distrusted {
		if sameCert(p.distrusted[i].Cert, c) || sameKeyAndName(p.distrusted[i].Cert, c) {
			return &p.distrusted[i]
		}
	}
	return nil
}

func issuerIn(c *x509.Certificate, cands []StoreCert, used map[string]bool) *StoreCert {
	for i := range cands {
		k := string(cands[i].Cert.Raw)
		if !used[k] && signedBy(c, cands[i].Cert) {
			return &cands[i]
		}
	}
	return nil
}

// buildPath walks from the leaf to a trusted root, taking issuers from the
// store's roots, the certificates the server sent, the store's intermediates,
// and finally the AIA caIssuers URL, in that order.
func (r *run) buildPath(ctx context.Context, sent []*x509.Certificate, pool *trustPool) path {
	var p path
	var sentPool []StoreCert
	for _, c := range sent[1:] {
		sentPool = append(sentPool, StoreCert{Cert: c})
	}
	used := map[string]bool{}
	cur := link{cert: sent[0], source: FromServer}
	for depth := 0; ; depth++ {
		p.links = append(p.links, cur)
		used[string(cur.cert.Raw)] = true
		if d := pool.isDistrusted(cur.cert); d != nil && p.distrusted == nil {
			p.distrusted = &link{cert: cur.cert, source: cur.source, origin: d.Origin}
		}
		if a := pool.anchorFor(cur.cert); a != nil {
			p.links[len(p.links)-1].origin = a.Origin
			if cur.source != FromServer {
				p.links[len(p.links)-1].source = FromStore
			}
			p.end = endTrusted
			return p
		}
		if depth >= maxChainDepth {
			p.end = endTooDeep
			return p
		}
		if a := pool.rootIssuer(cur.cert, used); a != nil {
			cur = link{cert: a.Cert, source: FromStore, origin: a.Origin}
			continue
		}
		if isSelfSigned(cur.cert) {
			p.end = endSelfSigned
			return p
		}
		if s := issuerIn(cur.cert, sentPool, used); s != nil {
			cur = link{cert: s.Cert, source: FromServer}
			continue
		}
		if s := issuerIn(cur.cert, pool.intermediates, used); s != nil {
			cur = link{cert: s.Cert, source: FromStore, origin: s.Origin}
			continue
		}
		if next, u, err := r.fetchIssuer(ctx, cur.cert, used); next != nil {
			cur = link{cert: next, source: FromAIA, origin: u}
			continue
		} else if u != "" {
			p.missingAIA, p.aiaErr = u, err
		}
		p.end = endIssuerMissing
		return p
	}
}

// fetchIssuer downloads the issuer named in c's AIA caIssuers field.
func (r *run) fetchIssuer(ctx context.Context, c *x509.Certificate, used map[string]bool) (*x509.Certificate, string, error) {
	var lastURL string
	var lastErr error
	r.refuseExtra(c.IssuingCertificateURL) // issue 16: what is not fetched is evidence
	for _, u := range httpURLs(c.IssuingCertificateURL) {
		lastURL = u
		data, err := r.fetch(ctx, "GET", u, "", nil, maxCertDownload)
		if err != nil {
			lastErr = err
			continue
		}
		certs, err := ParseCertificates(data)
		if err != nil {
			lastErr = fmt.Errorf("%s: %w", u, err)
			continue
		}
		for _, cand := range certs {
			if !used[string(cand.Raw)] && signedBy(c, cand) {
				return cand, u, nil
			}
		}
		lastErr = fmt.Errorf("%s does not hold the certificate that signed %q", u, c.Subject.String())
	}
	if lastURL == "" && len(c.IssuingCertificateURL) > 0 {
		lastURL = c.IssuingCertificateURL[0]
		lastErr = fmt.Errorf("only http addresses are fetched: %s", lastURL)
	}
	return nil, lastURL, lastErr
}

// ParseCertificates reads DER or PEM certificates (a --ca-file, an AIA
// download). A PEM block that is not a certificate (a key) is passed over;
// a certificate block that does not parse is an error. PKCS#7 "certs-only"
// bundles are not read yet: they are rare for caIssuers of VPN gateways.
func ParseCertificates(data []byte) ([]*x509.Certificate, error) {
	if !bytes.Contains(data, []byte("-----BEGIN")) {
		certs, err := x509.ParseCertificates(data)
		if err != nil {
			return nil, fmt.Errorf("not a certificate: %w", err)
		}
		return certs, nil
	}
	var out []*x509.Certificate
	for rest := data; ; {
		var b *pem.Block
		if b, rest = pem.Decode(rest); b == nil {
			break
		}
		if b.Type != "CERTIFICATE" {
			continue
		}
		c, err := x509.ParseCertificate(b.Bytes)
		if err != nil {
			return nil, fmt.Errorf("certificate %d cannot be read: %w", len(out)+1, err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("no certificate in the PEM data")
	}
	return out, nil
}

// describe turns a path into the report's chain.
func describeChain(links []link) []ChainCert {
	out := make([]ChainCert, 0, len(links))
	for _, l := range links {
		out = append(out, describeCert(l.cert, l.source, l.origin))
	}
	return out
}

func describeCert(c *x509.Certificate, src Source, origin string) ChainCert {
	sum := sha256.Sum256(c.Raw)
	cc := ChainCert{
		Subject:   c.Subject.String(),
		Issuer:    c.Issuer.String(),
		Serial:    hex.EncodeToString(c.SerialNumber.Bytes()),
		NotBefore: c.NotBefore.UTC(),
		NotAfter:  c.NotAfter.UTC(),
		SHA256:    hex.EncodeToString(sum[:]),
		DNSNames:  c.DNSNames,
		SigAlg:    c.SignatureAlgorithm.String(),
		Key:       keyDescription(c),
		IsCA:      c.IsCA,
		Source:    src,
		Origin:    origin,
		PEM:       string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})),
		Cert:      c,
	}
	for _, ip := range c.IPAddresses {
		cc.IPs = append(cc.IPs, ip.String())
	}
	return cc
}

// rdnString renders a DER-encoded distinguished name (as in a
// CertificateRequest's list of acceptable CAs).
func rdnString(der []byte) string {
	var seq pkix.RDNSequence
	if _, err := asn1.Unmarshal(der, &seq); err != nil {
		return "(unreadable name)"
	}
	var n pkix.Name
	n.FillFromRDNSequence(&seq)
	return n.String()
}

// displayName is the shortest human name of a certificate: its CN, else its
// organisation, else the whole subject.
func displayName(n pkix.Name) string {
	if n.CommonName != "" {
		return n.CommonName
	}
	if len(n.Organization) > 0 {
		return n.Organization[0]
	}
	return n.String()
}
