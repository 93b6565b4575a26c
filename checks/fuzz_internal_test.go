package checks

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/vpndoctor/vpndoctor/internal/vpnlab"
)

// Fuzz targets of the engine: whatever a server sends (certificates, OCSP
// answers) is read and judged without a panic, and within bounds. Crashers
// found by `make fuzz` stay in testdata/fuzz/<Target>/ and run with every
// `go test`.

var fuzzPKI = sync.OnceValue(func() (p struct {
	issuer, leaf *x509.Certificate
	key          *ecdsa.PrivateKey
	ocspGood     []byte
}) {
	now := time.Date(2026, 6, 15, 9, 30, 0, 0, time.UTC)
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ca := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "Fuzz CA"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign, NotBefore: now.AddDate(-1, 0, 0), NotAfter: now.AddDate(5, 0, 0),
		PermittedDNSDomains: []string{"example.com"}, PermittedIPRanges: []*net.IPNet{{IP: net.IPv4(10, 0, 0, 0), Mask: net.CIDRMask(8, 32)}}}
	der, _ := x509.CreateCertificate(rand.Reader, ca, ca, &key.PublicKey, key)
	p.issuer, _ = x509.ParseCertificate(der)
	leaf := &x509.Certificate{SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "vpn.example.com"}, DNSNames: []string{"vpn.example.com"},
		NotBefore: now.AddDate(0, -1, 0), NotAfter: now.AddDate(0, 2, 0), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}, OCSPServer: []string{"http://ocsp.example.com"},
		IssuingCertificateURL: []string{"http://ca.example.com/ca.der"}, CRLDistributionPoints: []string{"http://ca.example.com/ca.crl"}}
	der, _ = x509.CreateCertificate(rand.Reader, leaf, p.issuer, &key.PublicKey, key)
	p.leaf, _ = x509.ParseCertificate(der)
	p.key = key
	p.ocspGood, _ = ocsp.CreateResponse(p.issuer, p.issuer, ocsp.Response{Status: ocsp.Good, SerialNumber: big.NewInt(2),
		ThisUpdate: now.Add(-time.Hour), NextUpdate: now.Add(time.Hour)}, key)
	return p
})

// FuzzAnalyseChain reads certificates as from an AIA download or a
// --ca-file and runs every certificate check over them as a chain.
func FuzzAnalyseChain(f *testing.F) {
	p := fuzzPKI()
	f.Add(p.leaf.Raw, "vpn.example.com")
	f.Add(append(append([]byte{}, p.leaf.Raw...), p.issuer.Raw...), "10.1.2.3")
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: p.leaf.Raw}), "other.example.org")
	f.Add([]byte("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"), "")
	// A P-192 CA and its leaf (pathbuild's own reading of the key).
	p192 := vpnlab.NewCurveCA(f, "prime192v1")
	f.Add(append(append([]byte{}, p192.Leaf...), p192.Root...), "vpn.example")
	f.Fuzz(func(t *testing.T, data []byte, host string) {
		certs, err := ParseCertificates(data)
		if err != nil || len(certs) == 0 {
			return
		}
		if len(certs) > 8 {
			certs = certs[:8]
		}
		links := make([]link, len(certs))
		for i, c := range certs {
			links[i] = link{cert: c, source: FromServer}
		}
		now := time.Date(2026, 6, 15, 9, 30, 0, 0, time.UTC)
		clock := ClockInfo{Known: true, Local: now, True: now.Add(time.Hour), OffsetMS: time.Hour.Milliseconds()}
		_ = describeChain(links)
		_ = checkValidity(links, clock)
		_ = checkHostname(certs[0], host)
		_ = checkUsage(links)
		_ = checkNameConstraints(links, host)
		_ = checkSignatures(links, true)
		_ = checkKeys(links)
		_ = checkLifetime(certs[0])
		_ = checkSentOrder(certs, links)
		_ = checkTrust(path{links: links, end: endIssuerMissing}, &trustPool{})
		_ = checkInterception(links)
		_ = checkExpected(links, &ExpectedCert{SHA256: []string{"00"}, Issuer: "Fuzz"}, false)
		pool := &trustPool{roots: []StoreCert{{Cert: p.issuer, Origin: "fuzz"}}, distrusted: []StoreCert{{Cert: certs[len(certs)-1]}}}
		_ = pool.isDistrusted(certs[0])
		_ = pool.anchorFor(certs[0])
	})
}

// FuzzJudgeOCSP reads an OCSP answer as a responder or a stapling server
// sends it.
func FuzzJudgeOCSP(f *testing.F) {
	p := fuzzPKI()
	f.Add(p.ocspGood)
	f.Add([]byte{0x30, 0x03, 0x0a, 0x01, 0x01}) // malformedRequest
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		now := time.Date(2026, 6, 15, 9, 30, 0, 0, time.UTC)
		a := judgeOCSP(data, p.leaf, p.issuer, now, 0, "stapled", "")
		if a.revoked && a.err != nil {
			t.Fatalf("an answer both revoked and failed: %v", a.err)
		}
	})
}

// FuzzFetchPolicyURL: any address a certificate names is either refused
// with a reason or a well-formed http URL.
func FuzzFetchPolicyURL(f *testing.F) {
	for _, s := range []string{"http://127.0.0.1:80/x", "http://[fe80::1%25eth0]/", "https://a/", "http://user:pw@h/", "ldap:///cn=x", "http://%zz/"} {
		f.Add(s, "203.0.113.5")
	}
	f.Fuzz(func(t *testing.T, u, gw string) {
		p := newFetchPolicy(nil, net.DefaultResolver)
		p.setGateway(net.ParseIP(gw))
		if err := p.checkURL(u); err != nil {
			if re, ok := err.(*FetchRefusedError); !ok || re.Reason == "" {
				t.Fatalf("refusal without a reason: %v", err)
			}
		}
		_ = httpURLs([]string{u, u, u, u})
	})
}
