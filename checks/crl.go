package checks

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"math/big"
	"time"

	"golang.org/x/crypto/cryptobyte"
	cbasn1 "golang.org/x/crypto/cryptobyte/asn1"
)

// A CRL is read without building its list: the signature is checked over
// the raw TBS bytes, then the entries are scanned for one serial in place.
// x509.ParseRevocationList makes a big.Int, a time and a map per entry: a
// 33 MB CRL of a million entries cost 560 to 850 MiB that way.

// crlReasonRemove is removeFromCRL: a delta CRL's way to lift a hold.
const crlReasonRemove = 8

// crlScanCheck is how many entries are scanned between deadline checks.
const crlScanCheck = 1 << 15

var (
	oidAKI          = asn1.ObjectIdentifier{2, 5, 29, 35}
	oidCRLNumber    = asn1.ObjectIdentifier{2, 5, 29, 20}
	oidDeltaCRL     = asn1.ObjectIdentifier{2, 5, 29, 27}
	oidIDP          = asn1.ObjectIdentifier{2, 5, 29, 28}
	oidFreshestCRL  = asn1.ObjectIdentifier{2, 5, 29, 46}
	oidReasonCode   = asn1.ObjectIdentifier{2, 5, 29, 21}
	oidExpiredOnCRL = asn1.ObjectIdentifier{2, 5, 29, 60}
)

// crlDoc is a CRL read in place: slices point into the downloaded bytes.
type crlDoc struct {
	tbs        []byte // the raw tbsCertList, as signed
	sigAlg     x509.SignatureAlgorithm
	sig        []byte
	issuer     []byte // raw Name
	thisUpdate time.Time
	nextUpdate time.Time
	entries    cryptobyte.String // the revokedCertificates contents
	aki        []byte
	number     *big.Int
	deltaBase  *big.Int // set on a delta CRL (deltaCRLIndicator)
	freshest   []string // where the delta CRLs are (freshestCRL)
	idp        crlScope
	critical   string // an unknown critical extension, by OID
}

// crlScope is the issuingDistributionPoint extension.
type crlScope struct {
	present, userOnly, caOnly, attrOnly, someReasons, indirect bool
	urls                                                       []string
}

// parseCRL reads a DER (or PEM) CRL's structure; the entries stay unread.
func parseCRL(data []byte) (*crlDoc, error) {
	if b, _ := pem.Decode(data); b != nil {
		data = b.Bytes
	}
	d := &crlDoc{}
	in := cryptobyte.String(data)
	var list, tbsRaw, outerAlg cryptobyte.String
	var sig asn1.BitString
	if !in.ReadASN1(&list, cbasn1.SEQUENCE) || !in.Empty() ||
		!list.ReadASN1Element(&tbsRaw, cbasn1.SEQUENCE) ||
		!list.ReadASN1Element(&outerAlg, cbasn1.SEQUENCE) ||
		!list.ReadASN1BitString(&sig) {
		return nil, errors.New("not a CRL")
	}
	d.tbs, d.sig = tbsRaw, sig.RightAlign()
	alg, err := signatureAlgorithm(outerAlg)
	if err != nil {
		return nil, err
	}
	d.sigAlg = alg
	var tbs, innerAlg cryptobyte.String
	if !tbsRaw.ReadASN1(&tbs, cbasn1.SEQUENCE) {
		return nil, errors.New("bad tbsCertList")
	}
	if tbs.PeekASN1Tag(cbasn1.INTEGER) {
		var v int
		if !tbs.ReadASN1Integer(&v) {
			return nil, errors.New("bad CRL version")
		}
	}
	var issuer cryptobyte.String
	if !tbs.ReadASN1Element(&innerAlg, cbasn1.SEQUENCE) || !bytes.Equal(innerAlg, outerAlg) ||
		!tbs.ReadASN1Element(&issuer, cbasn1.SEQUENCE) {
		return nil, errors.New("bad CRL signature algorithm or issuer")
	}
	d.issuer = issuer
	if d.thisUpdate, err = readTime(&tbs); err != nil {
		return nil, fmt.Errorf("bad thisUpdate: %w", err)
	}
	if tbs.PeekASN1Tag(cbasn1.UTCTime) || tbs.PeekASN1Tag(cbasn1.GeneralizedTime) {
		if d.nextUpdate, err = readTime(&tbs); err != nil {
			return nil, fmt.Errorf("bad nextUpdate: %w", err)
		}
	}
	if tbs.PeekASN1Tag(cbasn1.SEQUENCE) && !tbs.ReadASN1(&d.entries, cbasn1.SEQUENCE) {
		return nil, errors.New("bad revokedCertificates")
	}
	var exts cryptobyte.String
	var hasExts bool
	if !tbs.ReadOptionalASN1(&exts, &hasExts, cbasn1.Tag(0).Constructed().ContextSpecific()) {
		return nil, errors.New("bad crlExtensions")
	}
	if hasExts {
		if err := d.readExtensions(exts); err != nil {
			return nil, err
		}
	}
	return d, nil
}

func readTime(s *cryptobyte.String) (time.Time, error) {
	var t time.Time
	switch {
	case s.PeekASN1Tag(cbasn1.UTCTime):
		if s.ReadASN1UTCTime(&t) {
			return t, nil
		}
	case s.PeekASN1Tag(cbasn1.GeneralizedTime):
		if s.ReadASN1GeneralizedTime(&t) {
			return t, nil
		}
	}
	return t, errors.New("not a time")
}

func (d *crlDoc) readExtensions(exts cryptobyte.String) error {
	var seq cryptobyte.String
	if !exts.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return errors.New("bad crlExtensions")
	}
	for !seq.Empty() {
		var ext cryptobyte.String
		var oid asn1.ObjectIdentifier
		var critical bool
		var val cryptobyte.String
		if !seq.ReadASN1(&ext, cbasn1.SEQUENCE) || !ext.ReadASN1ObjectIdentifier(&oid) ||
			!readCritical(&ext, &critical) || !ext.ReadASN1(&val, cbasn1.OCTET_STRING) {
			return errors.New("bad CRL extension")
		}
		ok := true
		switch {
		case oid.Equal(oidAKI):
			var aki, kid cryptobyte.String
			var has bool
			ok = val.ReadASN1(&aki, cbasn1.SEQUENCE) && aki.ReadOptionalASN1(&kid, &has, cbasn1.Tag(0).ContextSpecific())
			d.aki = kid
		case oid.Equal(oidCRLNumber):
			d.number = new(big.Int)
			ok = val.ReadASN1Integer(d.number)
		case oid.Equal(oidDeltaCRL):
			d.deltaBase = new(big.Int)
			ok = val.ReadASN1Integer(d.deltaBase)
		case oid.Equal(oidFreshestCRL):
			d.freshest, ok = readDistributionPoints(val)
		case oid.Equal(oidIDP):
			d.idp, ok = readIDP(val)
		case oid.Equal(oidExpiredOnCRL):
		default:
			if critical && d.critical == "" {
				d.critical = oid.String()
			}
		}
		if !ok {
			return fmt.Errorf("bad CRL extension %s", oid)
		}
	}
	return nil
}

// readCritical reads an extension's optional "critical BOOLEAN DEFAULT
// FALSE" (cryptobyte's ReadOptionalASN1Boolean expects it wrapped).
func readCritical(s *cryptobyte.String, critical *bool) bool {
	*critical = false
	if !s.PeekASN1Tag(cbasn1.BOOLEAN) {
		return true
	}
	return s.ReadASN1Boolean(critical)
}

// readDistributionPoints reads CRLDistributionPoints syntax (freshestCRL)
// and returns its URIs.
func readDistributionPoints(val cryptobyte.String) ([]string, bool) {
	var seq cryptobyte.String
	if !val.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return nil, false
	}
	var urls []string
	for !seq.Empty() {
		var dp, name cryptobyte.String
		var has bool
		if !seq.ReadASN1(&dp, cbasn1.SEQUENCE) ||
			!dp.ReadOptionalASN1(&name, &has, cbasn1.Tag(0).Constructed().ContextSpecific()) {
			return nil, false
		}
		if has {
			u, ok := readDPName(name)
			if !ok {
				return nil, false
			}
			urls = append(urls, u...)
		}
	}
	return urls, true
}

// readDPName reads a DistributionPointName's fullName URIs.
func readDPName(name cryptobyte.String) ([]string, bool) {
	var full cryptobyte.String
	var has bool
	if !name.ReadOptionalASN1(&full, &has, cbasn1.Tag(0).Constructed().ContextSpecific()) {
		return nil, false
	}
	var urls []string
	for !full.Empty() {
		var gn cryptobyte.String
		var tag cbasn1.Tag
		if !full.ReadAnyASN1(&gn, &tag) {
			return nil, false
		}
		if tag == cbasn1.Tag(6).ContextSpecific() {
			urls = append(urls, string(gn))
		}
	}
	return urls, true
}

func readIDP(val cryptobyte.String) (crlScope, bool) {
	sc := crlScope{present: true}
	var seq cryptobyte.String
	if !val.ReadASN1(&seq, cbasn1.SEQUENCE) {
		return sc, false
	}
	var name cryptobyte.String
	var has bool
	if !seq.ReadOptionalASN1(&name, &has, cbasn1.Tag(0).Constructed().ContextSpecific()) {
		return sc, false
	}
	if has {
		var ok bool
		if sc.urls, ok = readDPName(name); !ok {
			return sc, false
		}
	}
	var reasons cryptobyte.String
	ok := readFlag(&seq, 1, &sc.userOnly) && readFlag(&seq, 2, &sc.caOnly) &&
		seq.ReadOptionalASN1(&reasons, &sc.someReasons, cbasn1.Tag(3).ContextSpecific()) &&
		readFlag(&seq, 4, &sc.indirect) && readFlag(&seq, 5, &sc.attrOnly)
	if !ok {
		return sc, false
	}
	return sc, true
}

// readFlag reads an optional [tag] IMPLICIT BOOLEAN.
func readFlag(s *cryptobyte.String, tag uint8, to *bool) bool {
	var b cryptobyte.String
	var present bool
	if !s.ReadOptionalASN1(&b, &present, cbasn1.Tag(tag).ContextSpecific()) {
		return false
	}
	*to = present && len(b) == 1 && b[0] != 0
	return true
}

// signatureAlgorithm maps an AlgorithmIdentifier to what x509 can check.
func signatureAlgorithm(raw cryptobyte.String) (x509.SignatureAlgorithm, error) {
	var seq cryptobyte.String
	var oid asn1.ObjectIdentifier
	if !raw.ReadASN1(&seq, cbasn1.SEQUENCE) || !seq.ReadASN1ObjectIdentifier(&oid) {
		return 0, errors.New("bad signature algorithm")
	}
	switch oid.String() {
	case "1.2.840.113549.1.1.5":
		return x509.SHA1WithRSA, nil
	case "1.2.840.113549.1.1.11":
		return x509.SHA256WithRSA, nil
	case "1.2.840.113549.1.1.12":
		return x509.SHA384WithRSA, nil
	case "1.2.840.113549.1.1.13":
		return x509.SHA512WithRSA, nil
	case "1.2.840.10045.4.1":
		return x509.ECDSAWithSHA1, nil
	case "1.2.840.10045.4.3.2":
		return x509.ECDSAWithSHA256, nil
	case "1.2.840.10045.4.3.3":
		return x509.ECDSAWithSHA384, nil
	case "1.2.840.10045.4.3.4":
		return x509.ECDSAWithSHA512, nil
	case "1.3.101.112":
		return x509.PureEd25519, nil
	case "1.2.840.113549.1.1.10":
		return pssAlgorithm(seq)
	}
	return 0, fmt.Errorf("unsupported CRL signature algorithm %s", oid)
}

// pssAlgorithm picks the RSASSA-PSS variant by its hash (x509 checks the
// rest of the parameters it supports when it verifies).
func pssAlgorithm(params cryptobyte.String) (x509.SignatureAlgorithm, error) {
	var p, h, hseq cryptobyte.String
	var has bool
	var oid asn1.ObjectIdentifier
	if params.ReadASN1(&p, cbasn1.SEQUENCE) &&
		p.ReadOptionalASN1(&h, &has, cbasn1.Tag(0).Constructed().ContextSpecific()) && has &&
		h.ReadASN1(&hseq, cbasn1.SEQUENCE) && hseq.ReadASN1ObjectIdentifier(&oid) {
		switch oid.String() {
		case "2.16.840.1.101.3.4.2.1":
			return x509.SHA256WithRSAPSS, nil
		case "2.16.840.1.101.3.4.2.2":
			return x509.SHA384WithRSAPSS, nil
		case "2.16.840.1.101.3.4.2.3":
			return x509.SHA512WithRSAPSS, nil
		}
	}
	return 0, errors.New("unsupported RSASSA-PSS parameters in the CRL")
}

// crlEntry is what a CRL says about one serial.
type crlEntry struct {
	found  bool
	when   time.Time
	reason int
}

// lookup scans the entries for serial without keeping any of them.
func (d *crlDoc) lookup(ctx context.Context, serial *big.Int) (crlEntry, error) {
	want := serialBytes(serial)
	s := d.entries
	for n := 0; !s.Empty(); n++ {
		if n%crlScanCheck == 0 && ctx.Err() != nil {
			return crlEntry{}, fmt.Errorf("the deadline passed while reading the CRL: %w", ctx.Err())
		}
		var e, sn cryptobyte.String
		if !s.ReadASN1(&e, cbasn1.SEQUENCE) || !e.ReadASN1(&sn, cbasn1.INTEGER) {
			return crlEntry{}, errors.New("bad CRL entry")
		}
		if !bytes.Equal(bytes.TrimLeft(sn, "\x00"), want) {
			continue
		}
		return readEntry(e)
	}
	return crlEntry{}, nil
}

func readEntry(e cryptobyte.String) (crlEntry, error) {
	out := crlEntry{found: true}
	var err error
	if out.when, err = readTime(&e); err != nil {
		return out, errors.New("bad CRL entry date")
	}
	var exts cryptobyte.String
	if !e.PeekASN1Tag(cbasn1.SEQUENCE) || !e.ReadASN1(&exts, cbasn1.SEQUENCE) {
		return out, nil
	}
	for !exts.Empty() {
		var ext, val cryptobyte.String
		var oid asn1.ObjectIdentifier
		var critical bool
		if !exts.ReadASN1(&ext, cbasn1.SEQUENCE) || !ext.ReadASN1ObjectIdentifier(&oid) ||
			!readCritical(&ext, &critical) || !ext.ReadASN1(&val, cbasn1.OCTET_STRING) {
			return out, errors.New("bad CRL entry extension")
		}
		if oid.Equal(oidReasonCode) {
			var r cryptobyte.String
			if val.ReadASN1(&r, cbasn1.ENUM) && len(r) == 1 {
				out.reason = int(r[0])
			}
		}
	}
	return out, nil
}

// serialBytes is a serial's DER INTEGER contents, leading zeros dropped.
func serialBytes(n *big.Int) []byte {
	var b cryptobyte.Builder
	b.AddASN1BigInt(n)
	der, _ := b.Bytes()
	s := cryptobyte.String(der)
	var content cryptobyte.String
	s.ReadASN1(&content, cbasn1.INTEGER)
	return bytes.TrimLeft(content, "\x00")
}

// judgeCRL checks that d is issuer's CRL, covers cert as fetched from url,
// and is fresh at now. delta says whether a delta CRL is expected.
func judgeCRL(d *crlDoc, cert, issuer *x509.Certificate, url string, now time.Time, delta bool) error {
	if !bytes.Equal(d.issuer, issuer.RawSubject) {
		return fmt.Errorf("the CRL is issued by someone other than %q", displayName(issuer.Subject))
	}
	if len(d.aki) > 0 && len(issuer.SubjectKeyId) > 0 && !bytes.Equal(d.aki, issuer.SubjectKeyId) {
		return fmt.Errorf("the CRL names another key of %q (authority key identifier %X)", displayName(issuer.Subject), d.aki)
	}
	if err := issuer.CheckSignature(d.sigAlg, d.tbs, d.sig); err != nil {
		return fmt.Errorf("the CRL is not signed by %q: %w", displayName(issuer.Subject), err)
	}
	if d.critical != "" {
		return fmt.Errorf("the CRL has a critical extension %s that cannot be honoured", d.critical)
	}
	if d.thisUpdate.After(now.Add(maxClockSlack)) {
		return fmt.Errorf("the CRL is dated in the future (%s)", d.thisUpdate.UTC().Format(time.RFC3339))
	}
	if !d.nextUpdate.IsZero() && now.After(d.nextUpdate) {
		return fmt.Errorf("the CRL is stale (next update was due %s)", d.nextUpdate.UTC().Format(time.RFC3339))
	}
	switch {
	case delta && d.deltaBase == nil:
		return errors.New("the delta CRL is not marked as a delta CRL")
	case !delta && d.deltaBase != nil:
		return errors.New("a delta CRL was found where the full CRL should be")
	}
	return crlCovers(d.idp, cert, url, delta)
}

// crlCovers refuses a CRL whose issuing distribution point leaves cert out.
func crlCovers(sc crlScope, cert *x509.Certificate, url string, delta bool) error {
	switch {
	case !sc.present:
		return nil
	case sc.indirect:
		return errors.New("the CRL is an indirect CRL, which is not supported")
	case sc.userOnly && cert.IsCA:
		return errors.New("the CRL covers only end-entity certificates, and this one is a CA")
	case sc.caOnly && !cert.IsCA:
		return errors.New("the CRL covers only CA certificates")
	case sc.attrOnly:
		return errors.New("the CRL covers only attribute certificates")
	case sc.someReasons:
		return errors.New("the CRL covers only some revocation reasons")
	}
	if len(sc.urls) == 0 || delta {
		return nil
	}
	for _, u := range sc.urls {
		if u == url {
			return nil
		}
	}
	return fmt.Errorf("the CRL is for another distribution point (%s)", sc.urls[0])
}

// readBody reads at most limit+1 bytes into one buffer sized by the
// announced length: io.ReadAll's growing copies of a 33 MB CRL took three
// times its size. Without an announced length the body is read in 1 MiB
// pieces, joined once at the end: twice its size at most.
func readBody(r io.Reader, announced, limit int64) ([]byte, error) {
	r = io.LimitReader(r, limit+1)
	if announced > 0 && announced <= limit {
		buf := make([]byte, announced, announced+1)
		n, err := io.ReadFull(r, buf)
		if err != nil {
			return buf[:n], err
		}
		rest, err := readPieces(r) // more than announced: read on, to the cap
		return append(buf, rest...), err
	}
	return readPieces(r)
}

func readPieces(r io.Reader) ([]byte, error) {
	var pieces [][]byte
	total, size := 0, 32<<10 // small answers (OCSP, AIA) take one small piece
	for {
		p := make([]byte, size)
		size = min(2*size, 1<<20)
		n, err := io.ReadFull(r, p)
		if n > 0 {
			pieces = append(pieces, p[:n])
			total += n
		}
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			break
		}
		if err != nil {
			return bytes.Join(pieces, nil), err
		}
	}
	if len(pieces) == 1 {
		return pieces[0], nil
	}
	out := make([]byte, 0, total)
	for _, p := range pieces {
		out = append(out, p...)
	}
	return out, nil
}
