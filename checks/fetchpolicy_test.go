package checks_test

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
)

// The fetch policy is tested from a gateway on 127.0.0.2: another loopback
// address is another host for the policy (it compares the exact address the
// gateway was reached at), so a gateway there stands for "a gateway not on
// this computer" without a network namespace. The addresses the certificate
// names are real servers on 127.0.0.1 that count their visitors.

// countingServer serves body at every path and counts requests.
func countingServer(t *testing.T, host string, handler http.HandlerFunc) (string, *atomic.Int32) {
	t.Helper()
	var hits atomic.Int32
	ln, err := net.Listen("tcp", net.JoinHostPort(host, "0"))
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		handler(w, r)
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String(), &hits
}

// gatewayOn serves a leaf for ip, issued by ca, naming the given AIA and
// CRL addresses, on ip.
func gatewayOn(t *testing.T, ip string, ca *testCA, aia, crl []string, extra ...[]byte) string {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: ip},
		IPAddresses: []net.IP{net.ParseIP(ip)},
		NotBefore:   currentTime.AddDate(0, -1, 0), NotAfter: currentTime.AddDate(0, 2, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IssuingCertificateURL: aia, CRLDistributionPoints: crl,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", net.JoinHostPort(ip, "0"), &tls.Config{Certificates: []tls.Certificate{{Certificate: append([][]byte{der}, extra...), PrivateKey: key}}})
	if err != nil {
		t.Skipf("cannot listen on %s: %v", ip, err)
	}
	return serveHandshakes(t, ln)
}

func refusedReason(rep *checks.Report, url string) string {
	for _, r := range rep.RefusedFetches {
		if r.URL == url {
			return r.Reason
		}
	}
	return ""
}

func TestFetchPolicyRefusesLoopbackAndLinkLocal(t *testing.T) {
	root := newCA(t, "Policy Test Root", nil, "", "")
	inter := newCA(t, "Policy Test Issuing CA", root, "", "")
	web, hits := countingServer(t, "127.0.0.1", func(w http.ResponseWriter, r *http.Request) { w.Write(inter.cert.Raw) })
	aia := []string{
		"http://169.254.169.254/latest/meta-data/",
		web + "/ca.der",
		"http://[fe80::1]/ca.der",
		"http://224.0.0.1/ca.der", // beyond the per-certificate cap
	}
	crl := []string{web + "/leaf.crl"}

	// Control: from a gateway on 127.0.0.1 itself, the same server is
	// used, so the refusal below is the policy's and not a broken server.
	rep, _ := runAgainst(t, gatewayOn(t, "127.0.0.1", inter, aia, crl), root.cert)
	if rep.Trust.Verdict != "trusted" || hits.Load() == 0 {
		t.Fatalf("control: verdict %q, %d fetches (%s); refused %v", rep.Trust.Verdict, hits.Load(), ids(rep), rep.RefusedFetches)
	}

	hits.Store(0)
	rep, _ = runAgainst(t, gatewayOn(t, "127.0.0.2", inter, aia, crl), root.cert)
	if n := hits.Load(); n != 0 {
		t.Errorf("the server on 127.0.0.1 was asked %d times by a diagnosis of 127.0.0.2", n)
	}
	if rep.Primary != checks.MissingIntermed {
		t.Errorf("primary = %s, want missing_intermediate (%s)", rep.Primary, ids(rep))
	}
	want := map[string]string{
		aia[0]: "169.254.169.254 is a link-local address",
		aia[1]: "127.0.0.1 is a loopback address",
		aia[2]: "fe80::1 is a link-local address",
		aia[3]: "at most 3 addresses",
	}
	for u, w := range want {
		if got := refusedReason(rep, u); !strings.Contains(got, w) {
			t.Errorf("refused %s: reason %q, want %q (all: %v)", u, got, w, rep.RefusedFetches)
		}
	}
	if f := find(rep, checks.MissingIntermed); f == nil || !strings.Contains(f.Detail, "not fetched") {
		t.Errorf("the missing_intermediate finding should say the address was not fetched: %+v", f)
	}

	// With the chain complete, the leaf's CRL on 127.0.0.1 is refused too,
	// and revocation is reported as unknown, saying why.
	rep, _ = runAgainst(t, gatewayOn(t, "127.0.0.2", inter, nil, crl, inter.cert.Raw), root.cert)
	if n := hits.Load(); n != 0 {
		t.Errorf("the CRL on 127.0.0.1 was asked %d times by a diagnosis of 127.0.0.2", n)
	}
	if got := refusedReason(rep, crl[0]); !strings.Contains(got, "127.0.0.1 is a loopback address") {
		t.Errorf("CRL refusal %q (all: %v)", got, rep.RefusedFetches)
	}
	if f := find(rep, checks.RevocationUnknown); f == nil || !strings.Contains(f.Detail, "not fetched") {
		t.Errorf("revocation_unknown should say the CRL was not fetched: %+v (%s)", f, ids(rep))
	}
}

// A name is checked by the address it resolves to: "localhost" is loopback.
func TestFetchPolicyChecksResolvedAddress(t *testing.T) {
	root := newCA(t, "Policy Test Root", nil, "", "")
	inter := newCA(t, "Policy Test Issuing CA", root, "", "")
	web, hits := countingServer(t, "127.0.0.1", func(w http.ResponseWriter, r *http.Request) { w.Write(inter.cert.Raw) })
	u := strings.Replace(web, "127.0.0.1", "localhost", 1) + "/ca.der"
	rep, _ := runAgainst(t, gatewayOn(t, "127.0.0.2", inter, []string{u}, nil), root.cert)
	if hits.Load() != 0 || !strings.Contains(refusedReason(rep, u), "loopback") {
		t.Errorf("%d fetches; refused %v", hits.Load(), rep.RefusedFetches)
	}
}

// A redirect from an allowed server to a refused one is not followed.
func TestFetchPolicyChecksRedirects(t *testing.T) {
	root := newCA(t, "Policy Test Root", nil, "", "")
	inter := newCA(t, "Policy Test Issuing CA", root, "", "")
	hidden, hiddenHits := countingServer(t, "127.0.0.1", func(w http.ResponseWriter, r *http.Request) { w.Write(inter.cert.Raw) })
	front, frontHits := countingServer(t, "127.0.0.2", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, hidden+"/ca.der", http.StatusFound)
	})
	rep, _ := runAgainst(t, gatewayOn(t, "127.0.0.2", inter, []string{front + "/ca.der"}, nil), root.cert)
	if frontHits.Load() == 0 {
		t.Fatalf("the gateway's own address should be fetched from (refused %v)", rep.RefusedFetches)
	}
	if hiddenHits.Load() != 0 || !strings.Contains(refusedReason(rep, hidden+"/ca.der"), "loopback") {
		t.Errorf("redirect target asked %d times; refused %v", hiddenHits.Load(), rep.RefusedFetches)
	}
}

// CRLs (the large downloads) are fetched one at a time.
func TestOneCRLAtATime(t *testing.T) {
	var mu sync.Mutex
	var now, peak int
	web, hits := countingServer(t, "127.0.0.1", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		now++
		if now > peak {
			peak = now
		}
		mu.Unlock()
		time.Sleep(150 * time.Millisecond)
		mu.Lock()
		now--
		mu.Unlock()
		w.Write([]byte("not a CRL"))
	})
	root := newCA(t, "Policy Test Root", nil, "", "")
	inter := newCA(t, "Policy Test Issuing CA", root, "", web+"/inter.crl")
	addr := gatewayOn(t, "127.0.0.1", inter, nil, []string{web + "/leaf.crl"}, inter.cert.Raw)
	rep, _ := runAgainst(t, addr, root.cert)
	if hits.Load() < 2 {
		t.Fatalf("want both CRLs asked for, got %d (%s)", hits.Load(), ids(rep))
	}
	if peak != 1 {
		t.Errorf("%d CRL downloads ran at once", peak)
	}
}

// A stapled OCSP answer that cannot be read is named as such, with no
// empty address ("stapled : ...").
func TestStapledErrorWording(t *testing.T) {
	root := newCA(t, "Staple Test Root", nil, "", "")
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(3), Subject: pkix.Name{CommonName: "127.0.0.1"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore: currentTime.AddDate(0, -1, 0), NotAfter: currentTime.AddDate(0, 2, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, root.cert, &key.PublicKey, root.key)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key, OCSPStaple: []byte("garbage")}}})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { _ = c.(*tls.Conn).Handshake(); c.Close() }()
		}
	}()
	rep, _ := runAgainst(t, ln.Addr().String(), root.cert)
	f := find(rep, checks.RevocationUnknown)
	if f == nil || strings.Contains(f.Detail, "stapled :") || !strings.Contains(f.Detail, "the OCSP answer stapled by the gateway: ") {
		t.Errorf("revocation_unknown for a garbage staple: %+v (%s)", f, ids(rep))
	}
}

// The addresses a certificate names but that are not asked are evidence
// too (issue 16): an ldap:// CRL or AIA address (common in Active
// Directory certificates) and the ones beyond the per-certificate cap are
// listed with why, for the gateway's chain as for the device certificate.
func TestAddressesNotAskedAreEvidence(t *testing.T) {
	root := newCA(t, "Policy Test Root", nil, "", "")
	inter := newCA(t, "Policy Test Issuing CA", root, "", "")
	web, hits := countingServer(t, "127.0.0.1", func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, ".der") {
			w.Write(inter.cert.Raw)
		}
	})
	ldapCRL := "ldap:///CN=Policy%20Test%20Issuing%20CA,CN=pki,DC=corp,DC=example?certificateRevocationList"
	beyond := "http://192.0.2.1/d.crl" // TEST-NET-1: never asked, only listed
	crl := []string{ldapCRL, web + "/a.crl", web + "/b.crl", web + "/c.crl", beyond}
	rep, _ := runAgainst(t, gatewayOn(t, "127.0.0.1", inter, nil, crl, inter.cert.Raw), root.cert)
	if hits.Load() != 3 {
		t.Errorf("%d CRL requests, want the 3 http addresses", hits.Load())
	}
	for u, want := range map[string]string{ldapCRL: "only http addresses", beyond: "at most 3 addresses"} {
		if got := refusedReason(rep, u); !strings.Contains(got, want) {
			t.Errorf("CRL %s: refused %q, want %q (all: %v)", u, got, want, rep.RefusedFetches)
		}
	}

	// OCSP: the same for the responders the leaf names.
	hits.Store(0)
	ocspBeyond := "http://192.0.2.1/ocsp"
	ldapOCSP := "ldap://ocsp.corp.example/"
	rep, _ = runAgainst(t, gatewayWithOCSP(t, inter, []string{ldapOCSP, web + "/o1", web + "/o2", web + "/o3", ocspBeyond}), root.cert)
	if hits.Load() != 3 {
		t.Errorf("%d OCSP requests, want the 3 http addresses", hits.Load())
	}
	for u, want := range map[string]string{ldapOCSP: "only http addresses", ocspBeyond: "at most 3 addresses"} {
		if got := refusedReason(rep, u); !strings.Contains(got, want) {
			t.Errorf("OCSP %s: refused %q, want %q (all: %v)", u, got, want, rep.RefusedFetches)
		}
	}

	ldapAIA := "ldap:///CN=Policy%20Test%20Issuing%20CA,CN=AIA,DC=corp,DC=example?cACertificate"
	hits.Store(0)
	rep, _ = runAgainst(t, gatewayOn(t, "127.0.0.1", inter, []string{ldapAIA, web + "/ca.der"}, nil), root.cert)
	if rep.Trust.Verdict != "trusted" || hits.Load() != 1 {
		t.Errorf("the http AIA address: verdict %q, %d requests (%s)", rep.Trust.Verdict, hits.Load(), ids(rep))
	}
	if got := refusedReason(rep, ldapAIA); !strings.Contains(got, "only http addresses") {
		t.Errorf("AIA %s: refused %q (all: %v)", ldapAIA, got, rep.RefusedFetches)
	}
}

// gatewayWithOCSP is a gateway on 127.0.0.1 that sends its whole chain and
// whose leaf names the given OCSP responders.
func gatewayWithOCSP(t *testing.T, ca *testCA, ocspURLs []string) string {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(8), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		NotBefore:   currentTime.AddDate(0, -1, 0), NotAfter: currentTime.AddDate(0, 2, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		OCSPServer: ocspURLs,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der, ca.cert.Raw}, PrivateKey: key}}})
	if err != nil {
		t.Fatal(err)
	}
	return serveHandshakes(t, ln)
}
