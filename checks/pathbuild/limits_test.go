package pathbuild

import (
	"context"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"testing"
)

// Each limit of the search, at its boundary: a limit of exactly what the
// path needs finds it, one less does not and says the search was cut
// short (scripts/mutation.sh found the boundaries unguarded).

func TestMaxDepthBoundary(t *testing.T) {
	root := issue(t, "Root", nil, nil, true)
	i1 := issue(t, "ICA 1", nil, root, true)
	i2 := issue(t, "ICA 2", nil, i1, true)
	i3 := issue(t, "ICA 3", nil, i2, true)
	leaf := issue(t, "vpn.example", nil, i3, false)
	in := Input{Sent: certs(leaf, i3, i2, i1), Roots: store{root.cert}}
	in.Limits = DefaultLimits
	in.Limits.MaxDepth = 5 // the whole path: leaf, three ICAs, root
	if r := Build(context.Background(), in); len(r.Paths) != 1 || r.Paths[0].End != Trusted || len(r.Paths[0].Certs) != 5 {
		t.Errorf("depth 5: %+v", r.Paths)
	}
	in.Limits.MaxDepth = 4
	r := Build(context.Background(), in)
	if len(r.Paths) != 1 || r.Paths[0].End != TooDeep || len(r.Paths[0].Certs) != 4 {
		t.Errorf("depth 4: %+v", r.Paths)
	}
}

func TestMaxVisitsBoundary(t *testing.T) {
	root := issue(t, "Root", nil, nil, true)
	ica := issue(t, "ICA", nil, root, true)
	leaf := issue(t, "vpn.example", nil, ica, false)
	in := Input{Sent: certs(leaf, ica), Roots: store{root.cert}, Limits: DefaultLimits}
	in.Limits.MaxVisits = 3 // leaf, ICA, root: one step each
	if r := Build(context.Background(), in); r.Exhausted || len(r.Paths) != 1 || r.Paths[0].End != Trusted {
		t.Errorf("3 steps: exhausted %v, %+v", r.Exhausted, r.Paths)
	}
	in.Limits.MaxVisits = 2
	if r := Build(context.Background(), in); !r.Exhausted || r.OutOfTime || len(r.Paths) != 0 {
		t.Errorf("2 steps: exhausted %v, out of time %v, %+v", r.Exhausted, r.OutOfTime, r.Paths)
	}
}

// Once MaxPaths paths are found the search stops: the other branches are
// neither recorded nor followed (nothing more is downloaded for them).
func TestMaxPathsStopsTheSearch(t *testing.T) {
	root := issue(t, "Root", nil, nil, true)
	ica := issue(t, "ICA", nil, root, true)
	other := issue(t, "Other Root", nil, nil, true)
	// The same CA (name and key) cross-signed by a root this computer does
	// not have, with an address to download its issuer from.
	cross := issue(t, "ICA", ica.key, other, true, func(c *x509.Certificate) {
		c.IssuingCertificateURL = []string{"http://aia.example/other.crt"}
	})
	leaf := issue(t, "vpn.example", nil, ica, false)
	var asked int
	fetch := func(context.Context, *x509.Certificate) ([]*x509.Certificate, string, error) {
		asked++
		return nil, "http://aia.example/other.crt", nil
	}
	in := Input{Sent: certs(leaf, ica, cross), Roots: store{root.cert}, Fetch: fetch, Limits: DefaultLimits}
	r := Build(context.Background(), in)
	if len(r.Paths) != 2 || r.Exhausted || asked != 1 {
		t.Fatalf("no limit: %d paths, exhausted %v, %d downloads", len(r.Paths), r.Exhausted, asked)
	}
	asked = 0
	in.Limits.MaxPaths = 1
	r = Build(context.Background(), in)
	if len(r.Paths) != 1 || r.Paths[0].End != Trusted || !r.Exhausted || r.OutOfTime || asked != 0 {
		t.Errorf("one path: %+v, exhausted %v, out of time %v, %d downloads", r.Paths, r.Exhausted, r.OutOfTime, asked)
	}
	in.Limits.MaxPaths = 2
	if r = Build(context.Background(), in); len(r.Paths) != 2 || r.Exhausted {
		t.Errorf("two paths: %d, exhausted %v", len(r.Paths), r.Exhausted)
	}
}

// A server certificate that is itself a trusted root (a self-signed
// certificate IT put in the store): the path is the certificate the server
// sent, and says which store trusts it.
func TestSentCertificateIsTheAnchor(t *testing.T) {
	self := issue(t, "vpn.example", nil, nil, true, func(c *x509.Certificate) { c.DNSNames = []string{"vpn.example"} })
	r := Build(context.Background(), Input{Sent: certs(self), Roots: store{self.cert}})
	if len(r.Paths) != 1 || r.Paths[0].End != Trusted || len(r.Paths[0].Certs) != 1 {
		t.Fatalf("%+v", r.Paths)
	}
	if c := r.Paths[0].Certs[0]; c.Kind != Sent || c.Origin != "test store" {
		t.Errorf("anchor: kind %v, origin %q", c.Kind, c.Origin)
	}
}

// A certificate whose authority key id names no key of its issuer (a CA
// that changed how it computes key ids) still chains to the issuer that
// signed it, as crypto/x509 and the platforms' verifiers find it: the key
// id orders the candidates, the signature decides.
func TestWrongAuthorityKeyIDStillChains(t *testing.T) {
	root := issue(t, "Root", nil, nil, true)
	ica := issue(t, "ICA", nil, root, true)
	// Go writes the issuer's key id itself; an extra extension replaces it.
	akid, _ := asn1.Marshal(struct {
		ID []byte `asn1:"optional,tag:0"`
	}{[]byte{1, 2, 3, 4}})
	leaf := issue(t, "vpn.example", nil, ica, false, func(c *x509.Certificate) {
		c.ExtraExtensions = []pkix.Extension{{Id: asn1.ObjectIdentifier{2, 5, 29, 35}, Value: akid}}
	})
	if string(leaf.cert.AuthorityKeyId) != string([]byte{1, 2, 3, 4}) {
		t.Fatal("the leaf kept the right key id: the case tests nothing")
	}
	r := Build(context.Background(), Input{Sent: certs(leaf, ica), Roots: store{root.cert}})
	if len(r.Paths) != 1 || r.Paths[0].End != Trusted || names(r.Paths[0]) != "vpn.example<ICA<Root" {
		t.Errorf("%+v", r.Paths)
	}
}

// Among failing paths of the same end and length, the one made of what the
// server sent ranks first: its last certificate counts too (only a trusted
// path's anchor is not the server's to send).
func TestRankPrefersWhatWasSentOnFailingPaths(t *testing.T) {
	c := &x509.Certificate{Raw: []byte{1}}
	borrowedLast := Path{Certs: []Cert{{Cert: c, Kind: Sent}, {Cert: c, Kind: Intermediate}}, End: IssuerMissing}
	sentLast := Path{Certs: []Cert{{Cert: c, Kind: Sent}, {Cert: c, Kind: Sent}}, End: IssuerMissing}
	if got := Rank([]Path{borrowedLast, sentLast}, []int{0, 0}); got[0] != 1 {
		t.Errorf("order %v: the path the server sent should come first", got)
	}
	// A trusted path's anchor comes from the store and is not counted.
	storeAnchor := Path{Certs: []Cert{{Cert: c, Kind: Sent}, {Cert: c, Kind: Root}}, End: Trusted}
	aiaMiddle := Path{Certs: []Cert{{Cert: c, Kind: AIA}, {Cert: c, Kind: Root}}, End: Trusted}
	if borrowed(storeAnchor) != 0 || borrowed(aiaMiddle) != 1 || borrowed(borrowedLast) != 1 || borrowed(sentLast) != 0 {
		t.Errorf("borrowed: %d %d %d %d", borrowed(storeAnchor), borrowed(aiaMiddle), borrowed(borrowedLast), borrowed(sentLast))
	}
}

// Candidates whose key id matches the certificate's authority key id are
// tried first, whatever order the server sent them in: once the right one
// has signed, a same-named CA with another key id costs no signature check
// (two candidates are enough for the order to matter).
func TestKeyIDMatchTriedFirst(t *testing.T) {
	root := issue(t, "Root", nil, nil, true)
	ica := issue(t, "ICA", nil, root, true)
	other := issue(t, "ICA", nil, root, true) // same name, another key and key id
	leaf := issue(t, "vpn.example", nil, ica, false)
	if string(leaf.cert.AuthorityKeyId) != string(ica.cert.SubjectKeyId) || string(other.cert.SubjectKeyId) == string(ica.cert.SubjectKeyId) {
		t.Fatal("key ids: the case tests nothing")
	}
	right := Build(context.Background(), Input{Sent: certs(leaf, ica, other), Roots: store{root.cert}})
	wrong := Build(context.Background(), Input{Sent: certs(leaf, other, ica), Roots: store{root.cert}})
	for _, r := range []Result{right, wrong} {
		if len(r.Paths) != 1 || r.Paths[0].End != Trusted || r.Paths[0].Certs[1].Cert != ica.cert {
			t.Fatalf("paths %+v", r.Paths)
		}
	}
	if right.SignatureChecks != wrong.SignatureChecks {
		t.Errorf("signature checks: %d sent in order, %d with the other CA first", right.SignatureChecks, wrong.SignatureChecks)
	}
}
