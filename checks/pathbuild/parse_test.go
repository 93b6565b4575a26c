package pathbuild

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"testing"
)

// sanCert makes a certificate whose subjectAltName holds one raw entry
// (tag, bytes), signed by parent, as BetterTLS's odd-encoding cases do.
func sanCert(t *testing.T, parent *ca, tag int, value []byte) []byte {
	t.Helper()
	san, err := asn1.Marshal([]asn1.RawValue{{Tag: tag, Class: asn1.ClassContextSpecific, Bytes: value}})
	if err != nil {
		t.Fatal(err)
	}
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "odd"},
		NotBefore: currentTime.AddDate(0, -1, 0), NotAfter: currentTime.AddDate(0, 1, 0),
		ExtraExtensions: []pkix.Extension{{Id: oidSAN, Value: san}}}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, parent.cert, key.Public(), parent.key)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

// What crypto/x509 refuses is still read, keeps its bytes and signature,
// and verifies against its issuer.
func TestParseFallback(t *testing.T) {
	root := issue(t, "Root", nil, nil, true)
	for _, tc := range []struct {
		name       string
		tag        int
		value      []byte
		wantDNS    int
		unreadable bool
	}{
		{"URI that Go cannot parse (zcrypto reads it)", 6, []byte("http://foo.bar, DNS:test.localhost"), 0, false},
		{"IP address of nine bytes (neither reads it: judged without names)", 7, []byte("127.0.0.1"), 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			der := sanCert(t, root, tc.tag, tc.value)
			if _, err := x509.ParseCertificate(der); err == nil {
				t.Fatal("crypto/x509 reads it: the case tests nothing")
			}
			c, err := ParseCertificate(der)
			if err != nil {
				t.Fatalf("not read: %v", err)
			}
			if !Lenient(c) || string(c.Raw) != string(der) || c.Subject.CommonName != "odd" || len(c.DNSNames) != tc.wantDNS {
				t.Errorf("lenient %v, raw kept %v, subject %q, names %v", Lenient(c), string(c.Raw) == string(der), c.Subject.CommonName, c.DNSNames)
			}
			// Its key is Go's own type, so that the checks of the key
			// (weak_key) read it as they read any other certificate's.
			if _, ok := c.PublicKey.(*ecdsa.PublicKey); !ok {
				t.Errorf("public key %T", c.PublicKey)
			}
			if NamesUnreadable(c) != tc.unreadable {
				t.Errorf("names unreadable %v, want %v", NamesUnreadable(c), tc.unreadable)
			}
			if err := CheckSignature(c, root.cert); err != nil {
				t.Errorf("the original signature should verify: %v", err)
			}
		})
	}
}
