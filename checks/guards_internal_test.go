package checks

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
)

// Tests that each guard of the engine the issue found unguarded (16) is
// noticed when deleted: permitted IP ranges, the leaf's key usage, the
// distrusted stores and the clock-warning threshold.

var guardTime = time.Date(2026, 6, 15, 9, 30, 0, 0, time.UTC)

type guardCA struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func guardCert(t *testing.T, tmpl *x509.Certificate, parent *guardCA) (*x509.Certificate, *ecdsa.PrivateKey) {
	t.Helper()
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if tmpl.SerialNumber == nil {
		tmpl.SerialNumber = big.NewInt(time.Now().UnixNano())
	}
	if tmpl.NotBefore.IsZero() {
		tmpl.NotBefore, tmpl.NotAfter = guardTime.AddDate(-1, 0, 0), guardTime.AddDate(1, 0, 0)
	}
	signer, parentCert := key, tmpl
	if parent != nil {
		signer, parentCert = parent.key, parent.cert
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parentCert, &key.PublicKey, signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return c, key
}

func guardRoot(t *testing.T, name string, mod func(*x509.Certificate)) *guardCA {
	tmpl := &x509.Certificate{Subject: pkix.Name{CommonName: name}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageCRLSign}
	if mod != nil {
		mod(tmpl)
	}
	c, k := guardCert(t, tmpl, nil)
	return &guardCA{c, k}
}

func guardLeaf(t *testing.T, ca *guardCA, mod func(*x509.Certificate)) *x509.Certificate {
	tmpl := &x509.Certificate{Subject: pkix.Name{CommonName: "127.0.0.1"}, IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		DNSNames: []string{"vpn.example.com"},
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	if mod != nil {
		mod(tmpl)
	}
	c, _ := guardCert(t, tmpl, ca)
	return c
}

func findID(fs []Finding, id ID) *Finding {
	for i := range fs {
		if fs[i].ID == id {
			return &fs[i]
		}
	}
	return nil
}

func TestGuardPermittedIPRanges(t *testing.T) {
	_, tenNet, _ := net.ParseCIDR("10.0.0.0/8")
	_, loNet, _ := net.ParseCIDR("127.0.0.0/8")
	root := guardRoot(t, "Guard Root", nil)
	for _, tc := range []struct {
		permitted *net.IPNet
		host      string
		want      bool
	}{
		{tenNet, "127.0.0.1", true},        // the address is outside the CA's ranges
		{loNet, "127.0.0.1", false},        // inside
		{tenNet, "vpn.example.com", false}, // a name: IP ranges do not apply
	} {
		ca := guardRoot(t, "Guard Constrained CA", func(c *x509.Certificate) {
			c.PermittedIPRanges = []*net.IPNet{tc.permitted}
			c.PermittedDNSDomains = []string{"example.com"}
		})
		_ = root
		leaf := guardLeaf(t, ca, func(c *x509.Certificate) {
			c.IPAddresses = nil
			if ip := net.ParseIP(tc.host); ip != nil {
				c.IPAddresses = []net.IP{ip}
			}
		})
		fs := checkNameConstraints([]link{{cert: leaf}, {cert: ca.cert}}, tc.host)
		f := findID(fs, NameConstraints)
		if (f != nil) != tc.want {
			t.Errorf("permitted %s, host %s: finding %v, want %v (%+v)", tc.permitted, tc.host, f != nil, tc.want, fs)
		}
		if f != nil && !strings.Contains(f.Evidence[EvConstraint], tc.permitted.String()) {
			t.Errorf("evidence %v", f.Evidence)
		}
	}
}

func TestGuardLeafKeyUsage(t *testing.T) {
	ca := guardRoot(t, "Guard Root", nil)
	for _, tc := range []struct {
		name string
		ku   x509.KeyUsage
		want bool
	}{
		{"certSign only", x509.KeyUsageCertSign, true},
		{"contentCommitment only", x509.KeyUsageContentCommitment, true},
		{"digitalSignature", x509.KeyUsageDigitalSignature, false},
		{"keyEncipherment", x509.KeyUsageKeyEncipherment, false},
		{"none (no restriction)", 0, false},
	} {
		leaf := guardLeaf(t, ca, func(c *x509.Certificate) { c.KeyUsage = tc.ku })
		fs := checkUsage([]link{{cert: leaf}, {cert: ca.cert}})
		if got := findID(fs, WrongUsage) != nil; got != tc.want {
			t.Errorf("%s: wrong_usage %v, want %v", tc.name, got, tc.want)
		}
	}
	// The key usage rule is the leaf's: a CA's certSign-only usage is right.
	leaf := guardLeaf(t, ca, nil)
	if fs := checkUsage([]link{{cert: leaf}, {cert: ca.cert}}); len(fs) != 0 {
		t.Errorf("a CA with certSign only is flagged: %+v", fs)
	}
}

func TestGuardClockWarningThreshold(t *testing.T) {
	ca := guardRoot(t, "Guard Root", nil)
	leaf := guardLeaf(t, ca, nil)
	links := []link{{cert: leaf}, {cert: ca.cert}}
	for _, tc := range []struct {
		offset time.Duration
		want   bool
	}{
		{0, false},
		{skewWarn, false},
		{-skewWarn, false},
		{skewWarn + time.Second, true},
		{-skewWarn - time.Second, true},
		{time.Hour, true},
		// The threshold in minutes, not only relative to the constant.
		{4 * time.Minute, false},
		{-4 * time.Minute, false},
		{6 * time.Minute, true},
	} {
		clock := ClockInfo{Known: true, Local: guardTime, True: guardTime.Add(tc.offset), OffsetMS: tc.offset.Milliseconds(), Server: "ntp.test"}
		fs := checkValidity(links, clock)
		f := findID(fs, ClockSkew)
		if (f != nil) != tc.want {
			t.Errorf("offset %s: clock_skew %v, want %v", tc.offset, f != nil, tc.want)
		}
		if f != nil && f.Severity != Warn {
			t.Errorf("offset %s: severity %s, want warn (the certificates are valid either way)", tc.offset, f.Severity)
		}
		// The true time is ahead: this computer's clock is behind ("-").
		if f != nil && (f.Cert != -1 || !strings.Contains(f.Detail, "off by "+humanOffset(-tc.offset)) || f.Evidence[EvClockOffset] != humanOffset(-tc.offset)) {
			t.Errorf("offset %s: cert %d, detail %q, evidence %v", tc.offset, f.Cert, f.Detail, f.Evidence)
		}
	}
	// A clock so wrong that the valid certificates look expired: the
	// finding is the clock's, and says by how much, signed.
	off := 3 * 365 * 24 * time.Hour
	clock := ClockInfo{Known: true, Local: guardTime.Add(off), True: guardTime, OffsetMS: -off.Milliseconds(), Server: "ntp.test"}
	fs := checkValidity(links, clock)
	if f := findID(fs, ClockSkew); f == nil || f.Severity != Fail || f.Cert != -1 || !strings.Contains(f.Detail, "off by "+humanOffset(off)) || !strings.HasPrefix(humanOffset(off), "+") {
		t.Errorf("clock ahead by 3 years: %+v", fs)
	}
	// Unknown true time: no warning, whatever the numbers say.
	if fs := checkValidity(links, ClockInfo{Local: guardTime, OffsetMS: time.Hour.Milliseconds()}); findID(fs, ClockSkew) != nil {
		t.Errorf("clock_skew without a time server: %+v", fs)
	}
}

// snapshotStore hands the engine a fixed snapshot, as the platform
// adapters do (Windows "Disallowed", macOS "Never Trust", p11-kit's
// blocklist all land in Distrusted).
type snapshotStore struct{ snap TrustSnapshot }

func (s snapshotStore) Load(context.Context) (*TrustSnapshot, error) { c := s.snap; return &c, nil }

// undatedNotFound answers 404 without a Date header: the engine reads the
// gateway's Date as a clock source, and these tests fix the computer's
// clock to another day.
var undatedNotFound = http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
	w.Header()["Date"] = nil
	w.WriteHeader(http.StatusNotFound)
})

func serveChain(t *testing.T, chain [][]byte, key *ecdsa.PrivateKey) string {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{{Certificate: chain, PrivateKey: key}}})
	if err != nil {
		t.Fatal(err)
	}
	// Every request (the login probe's) is answered 404 at once: a silent
	// server would make each diagnosis wait for the probe's timeouts.
	srv := &http.Server{Handler: undatedNotFound, ReadHeaderTimeout: 5 * time.Second, ErrorLog: log.New(io.Discard, "", 0)}
	t.Cleanup(func() { srv.Close(); ln.Close() })
	go srv.Serve(ln)
	return ln.Addr().String()
}

// A distrusted certificate is never trusted again, even when the same
// store also lists it (or its key and name, re-issued) as a root, and
// whether the distrust is of the root or of the intermediate.
func TestGuardDistrustedNeverTrusted(t *testing.T) {
	root := guardRoot(t, "Guard Root", nil)
	interTmpl := &x509.Certificate{Subject: pkix.Name{CommonName: "Guard Issuing CA"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}
	inter, interKey := guardCert(t, interTmpl, root)
	ica := &guardCA{inter, interKey}
	leafKey, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	leafTmpl := &x509.Certificate{SerialNumber: big.NewInt(5), Subject: pkix.Name{CommonName: "127.0.0.1"},
		IPAddresses: []net.IP{net.ParseIP("127.0.0.1")}, NotBefore: guardTime.AddDate(0, -1, 0), NotAfter: guardTime.AddDate(0, 2, 0),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ica.cert, &leafKey.PublicKey, ica.key)
	if err != nil {
		t.Fatal(err)
	}
	addr := serveChain(t, [][]byte{leafDER, inter.Raw}, leafKey)
	target, _ := ParseTarget(addr)
	diagnose := func(snap TrustSnapshot) *Report {
		return Run(context.Background(), target, Options{Trust: snapshotStore{snap}, Now: func() time.Time { return guardTime }, Timeout: 5 * time.Second})
	}
	roots := []StoreCert{{Cert: root.cert, Origin: "ROOT"}}
	if rep := diagnose(TrustSnapshot{Name: "t", Roots: roots}); rep.Primary != OK || rep.Trust.Verdict != "trusted" {
		t.Fatalf("control: primary %s, verdict %s", rep.Primary, rep.Trust.Verdict)
	}
	// Without the root: untrusted, about the last certificate of the chain;
	// trusted by other programs (a browser's store), the finding says so.
	rep := diagnose(TrustSnapshot{Name: "t", Elsewhere: []StoreCert{{Cert: root.cert, Origin: "Firefox"}}})
	f := findID(rep.Findings, UntrustedRoot)
	if f == nil || f.Cert != len(rep.Chain)-1 || !strings.Contains(f.Detail, "other programs on this computer (Firefox) trust it") {
		t.Errorf("untrusted, trusted elsewhere: chain %d, finding %+v", len(rep.Chain), f)
	}
	rep = diagnose(TrustSnapshot{Name: "t"})
	if f := findID(rep.Findings, UntrustedRoot); f == nil || strings.Contains(f.Detail, "other programs") {
		t.Errorf("untrusted, nowhere else: %+v", f)
	}
	// The server sends its own root, which this computer does not trust.
	withRoot, _ := ParseTarget(serveChain(t, [][]byte{leafDER, inter.Raw, root.cert.Raw}, leafKey))
	rep = Run(context.Background(), withRoot, Options{Trust: snapshotStore{TrustSnapshot{Name: "t"}}, Now: func() time.Time { return guardTime }, Timeout: 5 * time.Second})
	if f := findID(rep.Findings, UntrustedRoot); f == nil || len(rep.Chain) != 3 || f.Cert != 2 {
		t.Errorf("a sent, untrusted root: chain %d, finding %+v", len(rep.Chain), f)
	}
	for name, distrusted := range map[string]*x509.Certificate{"root": root.cert, "intermediate": inter} {
		rep := diagnose(TrustSnapshot{Name: "t", Roots: roots, Distrusted: []StoreCert{{Cert: distrusted, Origin: "Disallowed"}}})
		f := findID(rep.Findings, UntrustedRoot)
		if rep.Primary != UntrustedRoot || rep.Trust.Verdict != "untrusted" || f == nil || f.Evidence[EvIssuer] != distrusted.Subject.CommonName || f.Cert != -1 ||
			!strings.Contains(f.Detail, "(Disallowed)") {
			t.Errorf("distrusted %s: primary %s, verdict %s, finding %+v", name, rep.Primary, rep.Trust.Verdict, f)
		}
	}
	// The same key and name re-issued (another serial) is the same CA.
	twinTmpl := &x509.Certificate{SerialNumber: big.NewInt(99), Subject: root.cert.Subject, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign, NotBefore: guardTime.AddDate(-2, 0, 0), NotAfter: guardTime.AddDate(3, 0, 0)}
	twinDER, err := x509.CreateCertificate(rand.Reader, twinTmpl, twinTmpl, &root.key.PublicKey, root.key)
	if err != nil {
		t.Fatal(err)
	}
	twin, _ := x509.ParseCertificate(twinDER)
	rep = diagnose(TrustSnapshot{Name: "t", Roots: roots, Distrusted: []StoreCert{{Cert: twin, Origin: "Never Trust"}}})
	if rep.Trust.Verdict != "untrusted" {
		t.Errorf("a re-issued distrusted root (same key and name) is trusted: %s", rep.Primary)
	}
}
