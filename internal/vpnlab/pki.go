package vpnlab

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// CA is a certificate authority made in the test (P-256 keys: fast).
type CA struct {
	Cert   *x509.Certificate
	Key    crypto.Signer
	parent *CA
}

// CertSpec describes a certificate to issue. Zero dates mean one hour ago
// to one day ahead; Server sets serverAuth, Client clientAuth; EKU, when
// set, replaces both.
type CertSpec struct {
	CN                  string
	DNSNames            []string
	IPs                 []net.IP
	NotBefore, NotAfter time.Time
	Server, Client      bool
	EKU                 []x509.ExtKeyUsage
	// IssuerURLs go into the AIA caIssuers field (where a client may
	// download the issuing CA).
	IssuerURLs []string
	// OCSPServers and CRLURLs go into the AIA OCSP field and the CRL
	// distribution points (where a gateway or vpndoctor asks whether the
	// certificate is revoked).
	OCSPServers, CRLURLs []string
}

// Leaf is an issued end-entity certificate with its key and the CAs above
// it (nearest first, root last).
type Leaf struct {
	Cert  *x509.Certificate
	Key   *ecdsa.PrivateKey
	Chain []*CA
}

var (
	serialMu sync.Mutex
	serial   = big.NewInt(time.Now().UnixNano())
)

// nextSerial: parallel tests issue certificates at once.
func nextSerial() *big.Int {
	serialMu.Lock()
	defer serialMu.Unlock()
	serial = new(big.Int).Add(serial, big.NewInt(1))
	return new(big.Int).Set(serial)
}

// NewCA makes a self-signed root.
func NewCA(t testing.TB, cn string) *CA {
	t.Helper()
	return newCA(t, cn, nil)
}

// Intermediate makes a CA issued by ca.
func (ca *CA) Intermediate(t testing.TB, cn string) *CA {
	t.Helper()
	return newCA(t, cn, ca)
}

func newCA(t testing.TB, cn string, parent *CA) *CA {
	t.Helper()
	key := newKey(t)
	tmpl := &x509.Certificate{
		SerialNumber:          nextSerial(),
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"vpnlab"}},
		NotBefore:             time.Now().Add(-24 * time.Hour),
		NotAfter:              time.Now().Add(30 * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	signerCert, signerKey := tmpl, crypto.Signer(key)
	if parent != nil {
		signerCert, signerKey = parent.Cert, parent.Key
	}
	return &CA{Cert: create(t, tmpl, signerCert, key.Public(), signerKey), Key: key, parent: parent}
}

// Issue makes an end-entity certificate.
func (ca *CA) Issue(t testing.TB, s CertSpec) *Leaf {
	t.Helper()
	key := newKey(t)
	nb, na := s.NotBefore, s.NotAfter
	if nb.IsZero() {
		nb = time.Now().Add(-time.Hour)
	}
	if na.IsZero() {
		na = time.Now().Add(24 * time.Hour)
	}
	eku := s.EKU
	if eku == nil {
		if s.Server {
			eku = append(eku, x509.ExtKeyUsageServerAuth)
		}
		if s.Client {
			eku = append(eku, x509.ExtKeyUsageClientAuth)
		}
	}
	tmpl := &x509.Certificate{
		SerialNumber: nextSerial(),
		Subject:      pkix.Name{CommonName: s.CN},
		DNSNames:     s.DNSNames,
		IPAddresses:  s.IPs,
		NotBefore:    nb,
		NotAfter:     na,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  eku,

		IssuingCertificateURL: s.IssuerURLs,
		OCSPServer:            s.OCSPServers,
		CRLDistributionPoints: s.CRLURLs,
	}
	var chain []*CA
	for c := ca; c != nil; c = c.parent {
		chain = append(chain, c)
	}
	return &Leaf{Cert: create(t, tmpl, ca.Cert, key.Public(), ca.Key), Key: key, Chain: chain}
}

func newKey(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func create(t testing.TB, tmpl, parent *x509.Certificate, pub crypto.PublicKey, signer crypto.Signer) *x509.Certificate {
	t.Helper()
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent, pub, signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// CertPEM encodes certificates as PEM.
func CertPEM(certs ...*x509.Certificate) []byte {
	var out []byte
	for _, c := range certs {
		out = append(out, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})...)
	}
	return out
}

// KeyPEM encodes a private key as PKCS#8 PEM.
func KeyPEM(t testing.TB, k crypto.PrivateKey) []byte {
	t.Helper()
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
}

// Write writes the CA certificate to dir/name.pem and returns the path.
func (ca *CA) Write(t testing.TB, dir, name string) string {
	t.Helper()
	p := filepath.Join(dir, name+".pem")
	writeFile(t, p, string(CertPEM(ca.Cert)), 0o644)
	return p
}

// Write writes the leaf (followed by the given CAs, e.g. its intermediates)
// to dir/name.pem and its key to dir/name.key, and returns both paths.
func (l *Leaf) Write(t testing.TB, dir, name string, with ...*CA) (certFile, keyFile string) {
	t.Helper()
	certs := []*x509.Certificate{l.Cert}
	for _, c := range with {
		certs = append(certs, c.Cert)
	}
	certFile = filepath.Join(dir, name+".pem")
	keyFile = filepath.Join(dir, name+".key")
	writeFile(t, certFile, string(CertPEM(certs...)), 0o644)
	writeFile(t, keyFile, string(KeyPEM(t, l.Key)), 0o600)
	return certFile, keyFile
}

// WriteCAs writes several CA certificates into one PEM bundle.
func WriteCAs(t testing.TB, path string, cas ...*CA) string {
	t.Helper()
	var certs []*x509.Certificate
	for _, c := range cas {
		certs = append(certs, c.Cert)
	}
	if err := os.WriteFile(path, CertPEM(certs...), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}
