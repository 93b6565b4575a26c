package vpnlab

import (
	"encoding/pem"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// CurveCA is a self-signed CA on an elliptic curve Go cannot make keys on
// (P-192, Brainpool), made by the openssl command, and a P-256 leaf for
// vpn.example it signed. DER certificates; the leaf's key as PEM.
type CurveCA struct {
	Root, Leaf          []byte
	LeafPEM, LeafKeyPEM []byte
}

// NewCurveCA makes a CurveCA with openssl on curve (openssl's name:
// prime192v1, brainpoolP256r1...).
func NewCurveCA(t testing.TB, curve string) CurveCA {
	t.Helper()
	openssl := Need(t, "openssl")
	dir := t.TempDir()
	run := func(args ...string) {
		t.Helper()
		cmd := exec.Command(openssl, args...)
		cmd.Dir = dir
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("openssl %v: %v\n%s", args, err, out)
		}
	}
	run("ecparam", "-name", curve, "-genkey", "-noout", "-out", "ca.key")
	run("req", "-x509", "-new", "-key", "ca.key", "-subj", "/CN=Curve Root "+curve, "-days", "30", "-out", "ca.pem",
		"-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign")
	run("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "leaf.key")
	run("req", "-new", "-key", "leaf.key", "-subj", "/CN=vpn.example", "-addext", "subjectAltName=DNS:vpn.example,IP:127.0.0.1", "-out", "leaf.csr")
	run("x509", "-req", "-in", "leaf.csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-CAcreateserial", "-days", "10",
		"-copy_extensions", "copy", "-out", "leaf.pem")
	read := func(name string) []byte {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	der := func(name string) []byte {
		t.Helper()
		blk, _ := pem.Decode(read(name))
		if blk == nil {
			t.Fatalf("%s: no PEM", name)
		}
		return blk.Bytes
	}
	return CurveCA{Root: der("ca.pem"), Leaf: der("leaf.pem"), LeafPEM: read("leaf.pem"), LeafKeyPEM: read("leaf.key")}
}
