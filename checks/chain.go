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
	"errors"
	"fmt"
	"sync"

	"github.com/vpndoctor/vpndoctor/checks/pathbuild"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// pathEnd says how path building stopped.
type pathEnd int

const (
	endTrusted       pathEnd = iota // reached a root of the trust store
	endSelfSigned                   // reached a self-signed certificate the store does not hold
	endIssuerMissing                // the issuer of the last certificate was found nowhere
	endTooDeep
	endBadSignature // a certificate with the issuer's name was found, but its key did not sign
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
	// impostor is, for endBadSignature, the certificate that bears the
	// issuer's name but did not make the signature.
	impostor *link
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
// CheckSignatureFrom it accepts SHA-1 and MD5 (we must find the path to say
// the signature is weak) and does not insist that parent is a CA (a
// self-signed leaf signs itself).
func signedBy(child, parent *x509.Certificate) bool {
	if !bytes.Equal(child.RawIssuer, parent.RawSubject) {
		return false
	}
	return pathbuild.CheckSignature(child, parent) == nil
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
		if c, err := pathbuild.ParseCertificate(r.der); err == nil {
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

// poolRoots shows the trust pool to the path builder: roots by name,
// parsed only when a certificate names them as its issuer.
type poolRoots struct{ p *trustPool }

func (r poolRoots) Named(name []byte) []pathbuild.Cert {
	var out []pathbuild.Cert
	for _, sc := range r.p.roots {
		if bytes.Equal(sc.Cert.RawSubject, name) {
			out = append(out, pathbuild.Cert{Cert: sc.Cert, Kind: pathbuild.Root, Origin: sc.Origin})
		}
	}
	for _, l := range r.p.lazy.named(name) {
		if sc := l.parse(); sc != nil {
			out = append(out, pathbuild.Cert{Cert: sc.Cert, Kind: pathbuild.Root, Origin: sc.Origin})
		}
	}
	return out
}

func (r poolRoots) Anchor(c *x509.Certificate) (pathbuild.Cert, bool) {
	if a := r.p.anchorFor(c); a != nil {
		return pathbuild.Cert{Cert: a.Cert, Kind: pathbuild.Root, Origin: a.Origin}, true
	}
	return pathbuild.Cert{}, false
}

// buildPaths finds every candidate path from the leaf to a trust anchor:
// the certificates the server sent, the store's intermediates and roots,
// and AIA downloads (see package pathbuild).
func buildPaths(ctx context.Context, sent []*x509.Certificate, pool *trustPool, fetch pathbuild.FetchFunc) (pathbuild.Result, []path) {
	in := pathbuild.Input{Sent: sent, Roots: poolRoots{pool}, Fetch: fetch}
	for _, sc := range pool.intermediates {
		c := sc.Cert
		if c == nil {
			c, _ = pathbuild.ParseCertificate(sc.DER) // a store may hand them over unparsed, like roots
		}
		if c != nil {
			in.Intermediates = append(in.Intermediates, pathbuild.Cert{Cert: c, Kind: pathbuild.Intermediate, Origin: sc.Origin})
		}
	}
	res := pathbuild.Build(ctx, in)
	if len(res.Paths) == 0 {
		// The deadline passed before the search began (a stalled trust
		// store): the leaf alone, its issuer not found, is still judged.
		res.Paths = []pathbuild.Path{{Certs: []pathbuild.Cert{{Cert: sent[0], Kind: pathbuild.Sent}}, End: pathbuild.IssuerMissing}}
	}
	out := make([]path, 0, len(res.Paths))
	for _, bp := range res.Paths {
		out = append(out, fromBuilt(bp, pool))
	}
	return res, out
}

var endOf = map[pathbuild.End]pathEnd{
	pathbuild.Trusted: endTrusted, pathbuild.SelfSigned: endSelfSigned, pathbuild.IssuerMissing: endIssuerMissing,
	pathbuild.TooDeep: endTooDeep, pathbuild.BadSignature: endBadSignature,
}

func linkOf(c pathbuild.Cert) link {
	l := link{cert: c.Cert, source: FromStore, origin: c.Origin}
	switch c.Kind {
	case pathbuild.Sent:
		l.source = FromServer
	case pathbuild.AIA:
		l.source = FromAIA
	}
	return l
}

func fromBuilt(bp pathbuild.Path, pool *trustPool) path {
	p := path{end: endOf[bp.End], missingAIA: bp.AIAURL, aiaErr: bp.AIAErr}
	for _, c := range bp.Certs {
		l := linkOf(c)
		p.links = append(p.links, l)
		if d := pool.isDistrusted(c.Cert); d != nil && p.distrusted == nil {
			p.distrusted = &link{cert: l.cert, source: l.source, origin: d.Origin}
		}
	}
	if errors.Is(p.aiaErr, pathbuild.ErrNotIssuer) {
		p.aiaErr = fmt.Errorf("%s does not hold the certificate that signed %q", p.missingAIA, bp.Last().Cert.Subject.String())
	}
	if bp.Impostor != nil {
		l := linkOf(*bp.Impostor)
		p.impostor = &l
	}
	return p
}

// fetchIssuers downloads the certificates at c's AIA caIssuers addresses:
// the first address that answers with certificates bearing the issuer's name.
func (r *run) fetchIssuers(ctx context.Context, c *x509.Certificate) ([]*x509.Certificate, string, error) {
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
			if bytes.Equal(cand.RawSubject, c.RawIssuer) {
				return certs, u, nil
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
		return parseDERs(data)
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
		c, err := pathbuild.ParseCertificate(b.Bytes)
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

// parseDERs reads concatenated DER certificates, each with the zcrypto
// fallback of pathbuild.ParseCertificate.
func parseDERs(data []byte) ([]*x509.Certificate, error) {
	var out []*x509.Certificate
	for rest := cryptobyte.String(data); !rest.Empty(); {
		var one cryptobyte.String
		if !rest.ReadASN1Element(&one, cbasn1.SEQUENCE) {
			return nil, fmt.Errorf("not a certificate: %d bytes of trailing data", len(rest))
		}
		c, err := pathbuild.ParseCertificate(one)
		if err != nil {
			return nil, fmt.Errorf("not a certificate: %w", err)
		}
		out = append(out, c)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("not a certificate: empty")
	}
	return out, nil
}

// ParseCertificate reads one DER certificate, falling back to zcrypto's
// parser for what crypto/x509 refuses (MD5 or DSA signatures, odd
// encodings) and reading P-192 keys itself (pathbuild/curves.go), so the
// checks can name what is wrong with it.
func ParseCertificate(der []byte) (*x509.Certificate, error) { return pathbuild.ParseCertificate(der) }

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
