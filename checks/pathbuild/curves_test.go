package pathbuild

import (
	"context"
	"crypto/ecdsa"
	"crypto/x509"
	"errors"
	"testing"

	"github.com/vpndoctor/vpndoctor/internal/vpnlab"
)

// A CA with a P-192 key: crypto/x509 and zcrypto refuse the certificate;
// vpndoctor reads it, verifies what it signed, and builds the path through
// it, so that the key can be named as the weakness.
func TestP192CA(t *testing.T) {
	ca := vpnlab.NewCurveCA(t, "prime192v1")
	rootDER, leafDER := ca.Root, ca.Leaf
	if _, err := x509.ParseCertificate(rootDER); err == nil {
		t.Fatal("crypto/x509 reads a P-192 key: the case tests nothing")
	}
	root, err := ParseCertificate(rootDER)
	if err != nil {
		t.Fatalf("not read: %v", err)
	}
	k, ok := root.PublicKey.(*ecdsa.PublicKey)
	if !ok || k.Curve.Params().Name != "P-192" || !Lenient(root) || string(root.Raw) != string(rootDER) ||
		root.Subject.CommonName != "Curve Root prime192v1" || !root.IsCA {
		t.Fatalf("key %T, lenient %v, raw kept %v, subject %q, CA %v", root.PublicKey, Lenient(root), string(root.Raw) == string(rootDER), root.Subject.CommonName, root.IsCA)
	}
	if c, _, _ := curveOf(root.RawSubjectPublicKeyInfo); !c.Equal(oidP192) {
		t.Errorf("the key's bytes are not the certificate's own: curve %v", c)
	}
	leaf, err := ParseCertificate(leafDER)
	if err != nil {
		t.Fatal(err)
	}
	if err := CheckSignature(leaf, root); err != nil {
		t.Errorf("the leaf's signature by the P-192 key: %v", err)
	}
	if err := CheckSignature(root, root); err != nil {
		t.Errorf("the root's own signature: %v", err)
	}
	bad := *leaf
	bad.Signature = append([]byte(nil), leaf.Signature...)
	bad.Signature[len(bad.Signature)-1] ^= 1
	if CheckSignature(&bad, root) == nil {
		t.Error("a damaged signature verifies")
	}
	r := Build(context.Background(), Input{Sent: []*x509.Certificate{leaf, root}, Roots: store{root}})
	if len(r.Paths) != 1 || r.Paths[0].End != Trusted || len(r.Paths[0].Certs) != 2 {
		t.Errorf("paths %+v", r.Paths)
	}
}

// Curves whose arithmetic vpndoctor does not have are named, not read.
func TestUnknownCurveNamed(t *testing.T) {
	rootDER := vpnlab.NewCurveCA(t, "brainpoolP256r1").Root
	_, err := ParseCertificate(rootDER)
	var uc ErrUnknownCurve
	if !errors.As(err, &uc) || uc.Curve != "brainpoolP256r1" {
		t.Fatalf("%v", err)
	}
}

// A certificate cut short before its key, or with nothing in its
// to-be-signed part, is an error, never a panic.
func TestUnknownCurveTruncated(t *testing.T) {
	der := vpnlab.NewCurveCA(t, "prime192v1").Root
	fields, wrap, ok := tbsFields(der)
	if !ok || len(fields) < 7 || fields[0].Tag != 0 {
		t.Fatalf("fields %d, ok %v", len(fields), ok)
	}
	for _, n := range []int{0, 1, 6} { // none; the version alone; everything up to the subject
		cut, ok := wrap(fields[:n])
		if !ok {
			t.Fatal("wrap")
		}
		if c, err := ParseCertificate(cut); err == nil {
			t.Errorf("%d fields: read as %v", n, c.Subject)
		}
	}
}
