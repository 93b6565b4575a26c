package platform

import (
	"bytes"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"runtime"
	"sync"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/internal/crash"
)

// ParsePEMCertificates returns the certificates in concatenated PEM text,
// such as a CA bundle or the output of `security find-certificate -a -p`,
// and how many blocks it skipped. Text between blocks (the "SHA-1 hash:"
// lines of `security -Z`, comments) is ignored; a block that does not parse
// is skipped, never fatal. OpenSSL "TRUSTED CERTIFICATE" blocks are read
// for their certificate and the trust settings after it are dropped.
func ParsePEMCertificates(data []byte) (certs []*x509.Certificate, skipped int) {
	ders, skipped := pemDERs(data)
	for _, c := range parseAll(ders) {
		if c == nil {
			skipped++
			continue
		}
		certs = append(certs, c)
	}
	return certs, skipped
}

// pemDERs returns the DER of every certificate block, unparsed.
func pemDERs(data []byte) (ders [][]byte, skipped int) {
	for len(data) > 0 {
		if der, rest, ok := plainCertBlock(data); ok {
			ders, data = append(ders, der), rest
			continue
		}
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			// A BEGIN line with no usable block after it: truncated text.
			if bytes.Contains(data, []byte("-----BEGIN")) {
				skipped++
			}
			break
		}
		der := block.Bytes
		switch block.Type {
		case "CERTIFICATE":
		case "TRUSTED CERTIFICATE":
			var raw asn1.RawValue
			if _, err := asn1.Unmarshal(der, &raw); err != nil {
				skipped++
				continue
			}
			der = raw.FullBytes
		default:
			continue // keys, CRLs: not ours to count
		}
		ders = append(ders, der)
	}
	return ders, skipped
}

var (
	pemBegin    = []byte("-----BEGIN")
	certBegin   = []byte("-----BEGIN CERTIFICATE-----")
	certEndLine = []byte("\n-----END CERTIFICATE-----")
)

// plainCertBlock decodes the next PEM block of data when it is a plain
// CERTIFICATE block (no headers), the shape of every block of a system CA
// bundle, without encoding/pem's general parser: on Debian's 146-root
// bundle that parser was a third of reading the trust store, which every
// diagnosis does. ok is false for anything else (another type first, a
// TRUSTED CERTIFICATE, headers, bad base64, no END line): the caller then
// asks encoding/pem, so the result is always the one encoding/pem gives
// (TestPlainCertBlockAgreesWithPEM).
func plainCertBlock(data []byte) (der, rest []byte, ok bool) {
	i := bytes.Index(data, pemBegin)
	if i < 0 || !bytes.HasPrefix(data[i:], certBegin) || (i > 0 && data[i-1] != '\n') {
		return nil, nil, false
	}
	body := data[i+len(certBegin):]
	if len(body) == 0 || body[0] != '\n' {
		return nil, nil, false
	}
	j := bytes.Index(body, certEndLine)
	if j < 0 {
		return nil, nil, false
	}
	// base64.StdEncoding skips the newlines and refuses anything else that
	// is not base64: headers (their ':'), another BEGIN line, spaces.
	b64 := body[1 : j+1]
	after := body[j+len(certEndLine):]
	// The END line must end there, as encoding/pem requires.
	k := bytes.IndexByte(after, '\n')
	if k < 0 {
		k = len(after)
	}
	if len(bytes.TrimRight(after[:k], " \t\r")) != 0 {
		return nil, nil, false
	}
	der = make([]byte, base64.StdEncoding.DecodedLen(len(b64)))
	n, err := base64.StdEncoding.Decode(der, b64)
	if err != nil {
		return nil, nil, false
	}
	return der[:n], after[min(k+1, len(after)):], true
}

// parseAll parses certificates on every core, keeping their order (a nil
// for one that does not parse): a system bundle holds some 150 roots and
// parsing them is what a store Load waits for.
func parseAll(ders [][]byte) []*x509.Certificate {
	out := make([]*x509.Certificate, len(ders))
	workers := runtime.NumCPU()
	if workers > 8 {
		workers = 8
	}
	if len(ders) < 32 || workers < 2 {
		workers = 1
	}
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			defer crash.Guard()
			for i := w; i < len(ders); i += workers {
				out[i], _ = parseCached(ders[i])
			}
		}(w)
	}
	wg.Wait()
	return out
}

// parseCache memoises parsing by the DER's hash. The store is still read
// afresh on every Load (a changed file gives new bytes, hence a new key);
// only the parsing of bytes already seen is skipped: Debian's bundle and
// /etc/ssl/certs hold every root twice, and parsing is most of a Load.
var parseCache struct {
	sync.Mutex
	m map[[32]byte]*x509.Certificate
}

const maxParseCache = 8192

func parseCached(der []byte) (*x509.Certificate, error) {
	key := sha256.Sum256(der)
	parseCache.Lock()
	c, ok := parseCache.m[key]
	parseCache.Unlock()
	if ok {
		return c, nil
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	parseCache.Lock()
	if parseCache.m == nil {
		parseCache.m = map[[32]byte]*x509.Certificate{}
	}
	if len(parseCache.m) < maxParseCache {
		parseCache.m[key] = c
	}
	parseCache.Unlock()
	return c, nil
}

// ParseSecurityPEMs parses the output of `security find-certificate -a -p`
// (optionally with -Z, whose hash lines are skipped).
func ParseSecurityPEMs(out []byte) (certs []*x509.Certificate, skipped int) {
	return ParsePEMCertificates(out)
}

// fingerprint is the lowercase hex SHA-256 of the certificate's DER.
func fingerprint(c *x509.Certificate) string {
	sum := sha256.Sum256(c.Raw)
	return hex.EncodeToString(sum[:])
}

// certSet collects StoreCerts once each by SHA-256; the first origin wins,
// so sources are added most specific first.
type certSet struct {
	seen  map[[32]byte]bool
	certs []checks.StoreCert
}

func (s *certSet) add(c *x509.Certificate, origin string) bool {
	return s.addCert(checks.StoreCert{Cert: c, Origin: origin})
}

// addDER adds a certificate left unparsed (see checks.StoreCert.DER).
func (s *certSet) addDER(der []byte, origin string) bool {
	return s.addCert(checks.StoreCert{DER: der, Origin: origin})
}

func (s *certSet) addCert(sc checks.StoreCert) bool {
	if s.seen == nil {
		s.seen = map[[32]byte]bool{}
	}
	sum := sha256.Sum256(rawOf(sc))
	if s.seen[sum] {
		return false
	}
	s.seen[sum] = true
	s.certs = append(s.certs, sc)
	return true
}

func (s *certSet) has(sc checks.StoreCert) bool {
	return s.seen[sha256.Sum256(rawOf(sc))]
}

func rawOf(sc checks.StoreCert) []byte {
	if sc.Cert != nil {
		return sc.Cert.Raw
	}
	return sc.DER
}
