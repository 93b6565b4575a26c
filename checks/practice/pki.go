package practice

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"math/big"
	"time"

	"github.com/vpndoctor/vpndoctor/internal/crash"
)

const (
	day  = 24 * time.Hour
	year = 365 * day
)

// orgPractice is the Organization of every certificate the lab owns.
const orgPractice = "vpndoctor practice"

// ca is a certificate authority of the lab. Besides signing, it answers for
// what it signed: its certificate over AIA, OCSP for its serials, and a CRL.
// Its maps are filled while the lab starts and only read once it serves.
type ca struct {
	slug   string // path element of its URLs: /aia/<slug>.der, /ocsp/<slug>, /crl/<slug>.crl
	cert   *x509.Certificate
	key    crypto.Signer
	offset time.Duration // its responses are dated cfg.Now() + offset (the scenario's true time)
	hidden bool          // not downloadable over AIA: "served nowhere"

	issued  map[string]bool
	revoked map[string]revocation
}

type revocation struct {
	at     time.Time
	reason int // RFC 5280 CRLReason, as in golang.org/x/crypto/ocsp
}

// issue signs tmpl for pub and records the serial as one of c's.
func (c *ca) issue(tmpl *x509.Certificate, pub crypto.PublicKey) (*x509.Certificate, error) {
	if tmpl.SerialNumber == nil {
		tmpl.SerialNumber = newSerial()
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.cert, pub, c.key)
	if err != nil {
		return nil, fmt.Errorf("issue %q from %s: %w", tmpl.Subject.CommonName, c.slug, err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, fmt.Errorf("parse %q: %w", tmpl.Subject.CommonName, err)
	}
	c.issued[serialKey(cert.SerialNumber)] = true
	return cert, nil
}

// revoke marks a serial revoked; the lab must not be serving yet.
func (c *ca) revoke(serial *big.Int, at time.Time, reason int) {
	c.revoked[serialKey(serial)] = revocation{at: at, reason: reason}
}

// pki holds the lab's authorities and knows where the lab serves them.
type pki struct {
	base string // "http://127.0.0.1:PORT" of the revocation server
	cas  map[string]*ca
}

func (p *pki) aiaURL(c *ca) string  { return p.base + "/aia/" + c.slug + ".der" }
func (p *pki) ocspURL(c *ca) string { return p.base + "/ocsp/" + c.slug }
func (p *pki) crlURL(c *ca) string  { return p.base + "/crl/" + c.slug + ".crl" }

// caSpec describes a new authority. Parent nil makes a self-signed root.
type caSpec struct {
	slug      string
	cn, org   string
	parent    *ca
	key       crypto.Signer // nil: a fresh P-256 key
	notBefore time.Time
	notAfter  time.Time
	offset    time.Duration // roots only; an intermediate takes its parent's
	tweak     func(*x509.Certificate)
}

func (p *pki) newCA(s caSpec) (*ca, error) {
	if _, dup := p.cas[s.slug]; dup {
		return nil, fmt.Errorf("duplicate ca %q", s.slug)
	}
	key := s.key
	if key == nil {
		k, err := newKey()
		if err != nil {
			return nil, err
		}
		key = k
	}
	tmpl := &x509.Certificate{
		SerialNumber:          newSerial(),
		Subject:               pkix.Name{CommonName: s.cn, Organization: []string{s.org}},
		NotBefore:             s.notBefore,
		NotAfter:              s.notAfter,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	c := &ca{slug: s.slug, key: key, offset: s.offset, issued: map[string]bool{}, revoked: map[string]revocation{}}
	if s.parent == nil {
		if s.tweak != nil {
			s.tweak(tmpl)
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
		if err != nil {
			return nil, fmt.Errorf("create root %q: %w", s.cn, err)
		}
		if c.cert, err = x509.ParseCertificate(der); err != nil {
			return nil, fmt.Errorf("parse root %q: %w", s.cn, err)
		}
	} else {
		tmpl.MaxPathLenZero = true
		tmpl.IssuingCertificateURL = []string{p.aiaURL(s.parent)}
		tmpl.OCSPServer = []string{p.ocspURL(s.parent)}
		tmpl.CRLDistributionPoints = []string{p.crlURL(s.parent)}
		if s.tweak != nil {
			s.tweak(tmpl)
		}
		c.offset = s.parent.offset
		cert, err := s.parent.issue(tmpl, key.Public())
		if err != nil {
			return nil, err
		}
		c.cert = cert
	}
	p.cas[s.slug] = c
	return c, nil
}

// leaf is the healthy server certificate template for host issued by iss at
// true time now: 90 days (10 behind, 80 ahead), serverAuth, and iss's AIA,
// OCSP and CRL addresses. Scenarios change what they are about.
func (p *pki) leaf(host string, iss *ca, now time.Time) *x509.Certificate {
	return &x509.Certificate{
		SerialNumber:          newSerial(),
		Subject:               pkix.Name{CommonName: host},
		DNSNames:              []string{host},
		NotBefore:             now.Add(-10 * day),
		NotAfter:              now.Add(80 * day),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		IssuingCertificateURL: []string{p.aiaURL(iss)},
		OCSPServer:            []string{p.ocspURL(iss)},
		CRLDistributionPoints: []string{p.crlURL(iss)},
	}
}

func newKey() (*ecdsa.PrivateKey, error) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate P-256 key: %w", err)
	}
	return k, nil
}

// newSerial is a positive 127-bit random serial of fixed length.
func newSerial() *big.Int {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	b[0] = b[0]&0x3f | 0x40
	return new(big.Int).SetBytes(b)
}

func serialKey(n *big.Int) string { return n.Text(16) }

// rsaKeys generates the few RSA keys the lab needs in the background, so
// Start does not wait for them before the ECDSA work is done.
type rsaKeys struct {
	done chan struct{}
	key  *rsa.PrivateKey
	err  error
}

func generateRSA(bits int) *rsaKeys {
	k := &rsaKeys{done: make(chan struct{})}
	go func() {
		defer close(k.done)
		defer crash.Guard()
		// 1024 bits is the smallest size crypto/rsa accepts without
		// GODEBUG=rsa1024min=0, and exactly what the weak_key scenario needs.
		k.key, k.err = rsa.GenerateKey(rand.Reader, bits)
		if k.err != nil {
			k.err = fmt.Errorf("generate RSA %d key: %w", bits, k.err)
		}
	}()
	return k
}

func (k *rsaKeys) wait() (*rsa.PrivateKey, error) {
	<-k.done
	return k.key, k.err
}
