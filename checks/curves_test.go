//go:build linux

package checks_test

import (
	"crypto/ecdsa"
	"crypto/tls"
	"strings"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/internal/vpnlab"
)

// Linux only, as probe_test.go: the permissive probe and openssl.

// curveServer serves ca's leaf and ca's root after it.
func curveServer(t *testing.T, ca vpnlab.CurveCA) string {
	t.Helper()
	pair, err := tls.X509KeyPair(ca.LeafPEM, ca.LeafKeyPEM)
	if err != nil {
		t.Fatal(err)
	}
	key, ok := pair.PrivateKey.(*ecdsa.PrivateKey)
	if !ok {
		t.Fatalf("leaf key %T", pair.PrivateKey)
	}
	return tlsServer(t, [][]byte{ca.Leaf, ca.Root}, key)
}

// A gateway whose CA has a P-192 key (made by openssl: Go makes none).
// crypto/tls cannot read the chain; the diagnosis must still see it and
// name the CA's key as the fault, not "a certificate that cannot be read".
func TestP192CAGateway(t *testing.T) {
	ca := vpnlab.NewCurveCA(t, "prime192v1")
	// Go's server sends the chain as it is given, unread.
	addr := curveServer(t, ca)
	root, err := checks.ParseCertificate(ca.Root)
	if err != nil {
		t.Fatal(err)
	}
	// openssl dates its certificates from now.
	rep := diagnoseAddr(t, addr, probeOptions(time.Now, root))
	if rep.Primary != checks.WeakKey {
		t.Fatalf("primary = %s, want weak_key (%s)", rep.Primary, ids(rep))
	}
	f := find(rep, checks.WeakKey)
	if f.Cert != 1 || f.Evidence[checks.EvKey] != "ECDSA P-192" || !strings.Contains(f.Detail, "P-192 (96-bit security)") {
		t.Errorf("cert %d, evidence %v, detail %q", f.Cert, f.Evidence, f.Detail)
	}
	if find(rep, checks.Unclassified) != nil {
		t.Errorf("also unclassified: %s", ids(rep))
	}
}

// A CA on a curve vpndoctor has no arithmetic for: the finding names the
// curve and which certificate has it.
func TestBrainpoolCAGateway(t *testing.T) {
	ca := vpnlab.NewCurveCA(t, "brainpoolP256r1")
	rep := diagnoseAddr(t, curveServer(t, ca), probeOptions(time.Now))
	f := find(rep, checks.Unclassified)
	if f == nil || !strings.Contains(f.Detail, "certificate 2 of the 2") || !strings.Contains(f.Detail, "brainpoolP256r1") {
		t.Fatalf("%s: %+v", ids(rep), f)
	}
}
