package checks_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
)

// A hostile or broken server must get a plain finding in bounded time and
// memory, never a hang or a crash.

// endless serves a body that never ends, as fast as the client reads.
func endless(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		chunk := []byte(strings.Repeat("A", 64<<10))
		for {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	})}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return "http://" + ln.Addr().String()
}

type testCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func newCA(t *testing.T, name string, parent *testCA, aia, crl string) *testCA {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: name},
		NotBefore: currentTime.AddDate(-1, 0, 0), NotAfter: currentTime.AddDate(5, 0, 0),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign,
	}
	if aia != "" {
		tmpl.IssuingCertificateURL = []string{aia}
	}
	if crl != "" {
		tmpl.CRLDistributionPoints = []string{crl}
	}
	signer, parentCert := key, tmpl
	if parent != nil {
		signer, parentCert = parent.key, parent.cert
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parentCert, &key.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return &testCA{c, key}
}

// leafServer serves a leaf for 127.0.0.1 issued by ca, sending the given
// chain after it.
func leafServer(t *testing.T, ca *testCA, aia, crl string, extra ...[]byte) string {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(42), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		NotBefore:   currentTime.AddDate(0, -1, 0), NotAfter: currentTime.AddDate(0, 2, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	if aia != "" {
		tmpl.IssuingCertificateURL = []string{aia}
	}
	if crl != "" {
		tmpl.CRLDistributionPoints = []string{crl}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.cert, &key.PublicKey, ca.key)
	if err != nil {
		t.Fatal(err)
	}
	return tlsServer(t, append([][]byte{der}, extra...), key)
}

func tlsServer(t *testing.T, chain [][]byte, key *ecdsa.PrivateKey) string {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{{Certificate: chain, PrivateKey: key}}})
	if err != nil {
		t.Fatal(err)
	}
	return serveHandshakes(t, ln)
}

// undatedNotFound answers 404 without a Date header: the engine reads the
// gateway's Date as a clock source, and many tests fix the computer's clock
// to another day.
var undatedNotFound = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
	w.Header()["Date"] = nil
	w.WriteHeader(http.StatusNotFound)
})

// serveHandshakes serves ln as a web server that knows no page: every
// connection completes its TLS handshake, and every request (the login
// probe's) is answered 404 at once, as an unknown web server would; a
// server that kept silent would make every diagnosis wait for the login
// probe's timeouts. It returns ln's address.
func serveHandshakes(t *testing.T, ln net.Listener) string {
	srv := &http.Server{Handler: undatedNotFound, ReadHeaderTimeout: 5 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	t.Cleanup(func() { srv.Close(); ln.Close() })
	go srv.Serve(ln)
	return ln.Addr().String()
}

// runAgainstTimeout is the diagnosis deadline of runAgainst.
const runAgainstTimeout = 8 * time.Second

func runAgainst(t *testing.T, addr string, roots ...*x509.Certificate) (*checks.Report, time.Duration) {
	t.Helper()
	target, err := checks.ParseTarget(addr)
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	rep := checks.Run(context.Background(), target, checks.Options{
		Trust: checks.StaticStore{Name: "test", Roots: roots}, Now: func() time.Time { return currentTime }, Timeout: runAgainstTimeout,
	})
	return rep, time.Since(start)
}

// An AIA address that streams without end: the download is cut at its
// cap and the missing intermediate is still named.
func TestOversizedAIA(t *testing.T) {
	root := newCA(t, "Hostile Test Root", nil, "", "")
	inter := newCA(t, "Hostile Test Issuing CA", root, "", "")
	addr := leafServer(t, inter, endless(t)+"/ca.der", "")
	rep, took := runAgainst(t, addr, root.cert)
	if rep.Primary != checks.MissingIntermed {
		t.Fatalf("primary = %s, want missing_intermediate (%s)", rep.Primary, ids(rep))
	}
	f := find(rep, checks.MissingIntermed)
	if !strings.Contains(f.Detail, "too large") || f.Evidence[checks.EvMissingCA] != "Hostile Test Issuing CA" {
		t.Errorf("detail %q evidence %v", f.Detail, f.Evidence)
	}
	if took > 6*time.Second {
		t.Errorf("took %s", took)
	}
}

// A CRL address that streams without end: revocation is unknown, the
// gateway is otherwise fine.
func TestOversizedCRL(t *testing.T) {
	root := newCA(t, "Hostile Test Root", nil, "", "")
	addr := leafServer(t, root, "", endless(t)+"/root.crl")
	rep, took := runAgainst(t, addr, root.cert)
	if rep.Primary != checks.OK {
		t.Fatalf("primary = %s, want ok (%s)", rep.Primary, ids(rep))
	}
	f := find(rep, checks.RevocationUnknown)
	if f == nil || !strings.Contains(f.Detail, "too large") {
		t.Errorf("want revocation_unknown saying the CRL is too large; %s", ids(rep))
	}
	// The size cap ends the download ("too large" above); the time bound is
	// the diagnosis's own deadline. Under -race on a busy machine reading
	// the 32 MiB cap alone can take 7 s, so a tighter wall-clock bound here
	// measured the machine, not the engine.
	if took > runAgainstTimeout+time.Second {
		t.Errorf("took %s, past the diagnosis deadline of %s", took, runAgainstTimeout)
	}
}

// Garbage where the certificate should be.
func TestGarbageCertificate(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	addr := tlsServer(t, [][]byte{[]byte("this is not a certificate at all")}, key)
	rep, _ := runAgainst(t, addr)
	if rep.Primary != checks.Unclassified {
		t.Fatalf("primary = %s, want unclassified (%s)", rep.Primary, ids(rep))
	}
	if f := find(rep, checks.Unclassified); !strings.Contains(f.Detail, "cannot be read") {
		t.Errorf("detail %q", f.Detail)
	}
}

// A server that sends a long chain of certificates that lead nowhere:
// path building stops, and says so.
func TestUnrelatedExtraCertificates(t *testing.T) {
	root := newCA(t, "Hostile Test Root", nil, "", "")
	var junk [][]byte
	for i := 0; i < 20; i++ {
		junk = append(junk, newCA(t, "Unrelated CA", nil, "", "").cert.Raw)
	}
	addr := leafServer(t, root, "", "", junk...)
	rep, _ := runAgainst(t, addr, root.cert)
	if rep.Primary != checks.OK || find(rep, checks.ChainOrder) == nil {
		t.Errorf("primary = %s, want ok with chain_order (%s)", rep.Primary, ids(rep))
	}
}
