package checks

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"

	"github.com/vpndoctor/vpndoctor/checks/pathbuild"
)

// Unit tests of chain.go's trust pool: anchors and distrust by the same
// certificate or the same key and name, roots handed over unparsed, and
// the path a distrusted certificate marks.

func TestTrustPoolMatching(t *testing.T) {
	root := guardRoot(t, "Pool Root", nil)
	// The same key and name, re-issued: the same anchor.
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(77), Subject: root.cert.Subject, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign, NotBefore: guardTime.AddDate(-1, 0, 0), NotAfter: guardTime.AddDate(5, 0, 0)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &root.key.PublicKey, root.key)
	if err != nil {
		t.Fatal(err)
	}
	twin, _ := x509.ParseCertificate(der)
	sameName := guardRoot(t, "Pool Root", nil).cert // another key
	lazyOnly := guardRoot(t, "Lazy Root", nil)
	pool := &trustPool{roots: []StoreCert{{Cert: root.cert, Origin: "ROOT"}}}
	if !pool.lazy.add(StoreCert{DER: lazyOnly.cert.Raw, Origin: "bundle"}) || pool.lazy.add(StoreCert{DER: []byte{1, 2}}) || pool.lazy.n != 1 {
		t.Fatal("lazy roots: a certificate is added, garbage is not")
	}
	for _, tc := range []struct {
		name string
		c    *x509.Certificate
		want string
	}{
		{"the root", root.cert, "ROOT"},
		{"re-issued with the same key", twin, "ROOT"},
		{"same name, another key", sameName, ""},
		{"unparsed root", lazyOnly.cert, "bundle"},
	} {
		got := ""
		if a := pool.anchorFor(tc.c); a != nil {
			got = a.Origin
		}
		if got != tc.want {
			t.Errorf("anchorFor(%s) = %q, want %q", tc.name, got, tc.want)
		}
	}
	if n := len((poolRoots{pool}).Named(root.cert.RawSubject)); n != 1 {
		t.Errorf("Named(root) = %d certificates", n)
	}
	if n := len((poolRoots{pool}).Named(lazyOnly.cert.RawSubject)); n != 1 {
		t.Errorf("Named(lazy) = %d certificates", n)
	}
	if _, ok := (poolRoots{pool}).Anchor(sameName); ok {
		t.Error("Anchor of another key")
	}
	distrust := &trustPool{distrusted: []StoreCert{{Cert: root.cert, Origin: "Disallowed"}}}
	if d := distrust.isDistrusted(twin); d == nil || d.Origin != "Disallowed" {
		t.Error("a re-issued distrusted root is distrusted")
	}
	if distrust.isDistrusted(sameName) != nil {
		t.Error("another key of the same name is not distrusted")
	}
	if s, k, ok := subjectAndKey(root.cert.Raw); !ok || string(s) != string(root.cert.RawSubject) || string(k) != string(root.cert.RawSubjectPublicKeyInfo) {
		t.Error("subjectAndKey")
	}
	if _, _, ok := subjectAndKey(root.cert.Raw[:40]); ok {
		t.Error("subjectAndKey of a truncated certificate")
	}
}

func TestFromBuiltMarksFirstDistrusted(t *testing.T) {
	root, inter, leaf := unitChain(t)
	pool := &trustPool{distrusted: []StoreCert{{Cert: inter, Origin: "blocklist"}, {Cert: root, Origin: "Never Trust"}}}
	bp := pathbuild.Path{End: pathbuild.Trusted, Certs: []pathbuild.Cert{{Cert: leaf, Kind: pathbuild.Sent}, {Cert: inter, Kind: pathbuild.AIA, Origin: "http://ca.test/i"}, {Cert: root, Kind: pathbuild.Root}}}
	p := fromBuilt(bp, pool)
	if p.distrusted == nil || p.distrusted.cert != inter || p.distrusted.origin != "blocklist" || p.distrusted.source != FromAIA {
		t.Errorf("distrusted %+v", p.distrusted)
	}
	if p.links[0].source != FromServer || p.links[1].source != FromAIA || p.links[2].source != FromStore || p.end != endTrusted {
		t.Errorf("links %+v", p.links)
	}
	if p := fromBuilt(bp, &trustPool{}); p.distrusted != nil {
		t.Error("nothing distrusted")
	}
	// An unparsed store intermediate still joins the search.
	res, paths := buildPaths(context.Background(), []*x509.Certificate{leaf}, &trustPool{roots: []StoreCert{{Cert: root, Origin: "ROOT"}},
		intermediates: []StoreCert{{DER: inter.Raw, Origin: "CA store"}}}, nil)
	if len(paths) == 0 || paths[0].end != endTrusted || len(paths[0].links) != 3 || res.Exhausted {
		t.Errorf("unparsed intermediate: %+v", paths)
	}
}

// ParseCertificates reads a PEM file (a --ca-file) in order, passes over
// what is not a certificate (a key), names the certificate that does not
// parse by its place, and refuses a file with no certificate at all.
func TestParseCertificatesPEM(t *testing.T) {
	root := guardRoot(t, "PEM Root", nil)
	leaf := guardLeaf(t, root, nil)
	keyDER, err := x509.MarshalECPrivateKey(root.key)
	if err != nil {
		t.Fatal(err)
	}
	block := func(typ string, b []byte) string { return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: b})) }
	cert := func(c *x509.Certificate) string { return block("CERTIFICATE", c.Raw) }
	key := block("EC PRIVATE KEY", keyDER)
	bad := block("CERTIFICATE", []byte{0x30, 0x03, 0x02, 0x01, 0x01})
	tests := []struct {
		name string
		data string
		want []*x509.Certificate
		err  string
	}{
		{"two certificates after a key", "a bundle\n" + key + cert(leaf) + cert(root.cert), []*x509.Certificate{leaf, root.cert}, ""},
		{"one certificate", cert(root.cert), []*x509.Certificate{root.cert}, ""},
		{"the second does not parse", cert(leaf) + bad + cert(root.cert), nil, "certificate 2 cannot be read"},
		{"the first does not parse", bad, nil, "certificate 1 cannot be read"},
		{"only a key", key, nil, "no certificate in the PEM data"},
		{"DER, not PEM", string(leaf.Raw) + string(root.cert.Raw), []*x509.Certificate{leaf, root.cert}, ""},
	}
	for _, tc := range tests {
		got, err := ParseCertificates([]byte(tc.data))
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: %d certificates, %v; want %q", tc.name, len(got), err, tc.err)
			}
			continue
		}
		if err != nil || len(got) != len(tc.want) {
			t.Errorf("%s: %d certificates, %v; want %d", tc.name, len(got), err, len(tc.want))
			continue
		}
		for i := range got {
			if !got[i].Equal(tc.want[i]) {
				t.Errorf("%s: certificate %d is %q, want %q", tc.name, i, got[i].Subject.CommonName, tc.want[i].Subject.CommonName)
			}
		}
	}
}
