package pathbuild

import (
	"bytes"
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha1"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"strings"
	"testing"
	"time"
)

// currentTime is the fixed clock of every test here.
var currentTime = time.Date(2026, 6, 15, 9, 30, 0, 0, time.UTC)

// ca is a certificate and its key, made in the test.
type ca struct {
	cert *x509.Certificate
	key  crypto.Signer
}

type certOpt func(*x509.Certificate)

func expired(c *x509.Certificate) {
	c.NotBefore, c.NotAfter = currentTime.AddDate(-2, 0, 0), currentTime.AddDate(0, 0, -1)
}

var serial int64

// issue makes a certificate for name with key (a new key when nil),
// signed by parent (self-signed when nil).
func issue(t testing.TB, name string, key crypto.Signer, parent *ca, isCA bool, opts ...certOpt) *ca {
	t.Helper()
	if key == nil {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		key = k
	}
	serial++
	pub, _ := x509.MarshalPKIXPublicKey(key.Public())
	skid := sha1.Sum(pub)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial), Subject: pkix.Name{CommonName: name},
		NotBefore: currentTime.AddDate(-1, 0, 0), NotAfter: currentTime.AddDate(1, 0, 0),
		BasicConstraintsValid: true, IsCA: isCA, SubjectKeyId: skid[:],
		KeyUsage: x509.KeyUsageDigitalSignature,
	}
	if isCA {
		tmpl.KeyUsage |= x509.KeyUsageCertSign
	} else {
		tmpl.DNSNames = []string{name}
	}
	for _, o := range opts {
		o(tmpl)
	}
	signer, issuerCert := key, tmpl
	if parent != nil {
		signer, issuerCert = parent.key, parent.cert
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, issuerCert, key.Public(), signer)
	if err != nil {
		t.Fatal(err)
	}
	c, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return &ca{c, key}
}

// store is a Roots over a fixed list.
type store []*x509.Certificate

func (s store) Named(name []byte) []Cert {
	var out []Cert
	for _, c := range s {
		if bytes.Equal(c.RawSubject, name) {
			out = append(out, Cert{Cert: c, Kind: Root, Origin: "test store"})
		}
	}
	return out
}

func (s store) Anchor(c *x509.Certificate) (Cert, bool) {
	for _, r := range s {
		if bytes.Equal(r.Raw, c.Raw) || bytes.Equal(r.RawSubject, c.RawSubject) && bytes.Equal(r.RawSubjectPublicKeyInfo, c.RawSubjectPublicKeyInfo) {
			return Cert{Cert: r, Kind: Root, Origin: "test store"}, true
		}
	}
	return Cert{}, false
}

// expiredFaults is the simplest judge: how many certificates of the path
// are out of date at currentTime.
func expiredFaults(paths []Path) []int {
	out := make([]int, len(paths))
	for i, p := range paths {
		for _, c := range p.Certs {
			if currentTime.After(c.Cert.NotAfter) || currentTime.Before(c.Cert.NotBefore) {
				out[i]++
			}
		}
	}
	return out
}

// names writes a path as "leaf<ICA<Root".
func names(p Path) string {
	var s []string
	for _, c := range p.Certs {
		s = append(s, c.Cert.Subject.CommonName)
	}
	return strings.Join(s, "<")
}

func certs(cs ...*ca) []*x509.Certificate {
	out := make([]*x509.Certificate, len(cs))
	for i, c := range cs {
		out[i] = c.cert
	}
	return out
}

type pathTest struct {
	name string
	// setup returns the input; the test fills Limits when unset.
	setup func(t testing.TB) Input
	// check looks at the result and the best path after Rank.
	check func(t *testing.T, r Result, best Path)
}

func wantBest(names_ string, end End) func(t *testing.T, r Result, best Path) {
	return func(t *testing.T, r Result, best Path) {
		t.Helper()
		if names(best) != names_ || best.End != end {
			t.Errorf("best path %s (end %d), want %s (end %d); %d paths", names(best), best.End, names_, end, len(r.Paths))
		}
	}
}

var pathTests = []pathTest{
	{
		name: "linear chain to a store root",
		setup: func(t testing.TB) Input {
			root := issue(t, "Root", nil, nil, true)
			ica := issue(t, "ICA", nil, root, true)
			leaf := issue(t, "vpn.example", nil, ica, false)
			return Input{Sent: certs(leaf, ica), Roots: store{root.cert}}
		},
		check: wantBest("vpn.example<ICA<Root", Trusted),
	},
	{
		name: "root sent by the server is the store's anchor",
		setup: func(t testing.TB) Input {
			root := issue(t, "Root", nil, nil, true)
			ica := issue(t, "ICA", nil, root, true)
			leaf := issue(t, "vpn.example", nil, ica, false)
			return Input{Sent: certs(leaf, ica, root), Roots: store{root.cert}}
		},
		check: func(t *testing.T, r Result, best Path) {
			wantBest("vpn.example<ICA<Root", Trusted)(t, r, best)
			if best.Last().Kind != Root || best.Last().Origin != "test store" {
				t.Errorf("the store's copy of the root is the anchor: %+v", best.Last())
			}
		},
	},
	{
		name: "cross-sign: two roots, only one trusted",
		setup: func(t testing.TB) Input {
			oldRoot := issue(t, "Old Root", nil, nil, true)
			newRoot := issue(t, "New Root", nil, nil, true)
			ica := issue(t, "ICA", nil, oldRoot, true)
			icaCross := issue(t, "ICA", ica.key, newRoot, true)
			leaf := issue(t, "vpn.example", nil, ica, false)
			return Input{Sent: certs(leaf, ica, icaCross), Roots: store{newRoot.cert}}
		},
		check: wantBest("vpn.example<ICA<New Root", Trusted),
	},
	{
		name: "cross-sign migration: the right intermediate only in the store's intermediates",
		setup: func(t testing.TB) Input {
			oldRoot := issue(t, "Old Root", nil, nil, true)
			newRoot := issue(t, "New Root", nil, nil, true)
			ica := issue(t, "ICA", nil, oldRoot, true)
			icaNew := issue(t, "ICA", ica.key, newRoot, true)
			leaf := issue(t, "vpn.example", nil, ica, false)
			return Input{Sent: certs(leaf, ica), Roots: store{newRoot.cert},
				Intermediates: []Cert{{Cert: icaNew.cert, Kind: Intermediate, Origin: "CA store"}}}
		},
		check: func(t *testing.T, r Result, best Path) {
			wantBest("vpn.example<ICA<New Root", Trusted)(t, r, best)
			if best.Certs[1].Kind != Intermediate {
				t.Errorf("the intermediate should come from the store, got kind %d", best.Certs[1].Kind)
			}
			if len(r.Paths) != 2 {
				t.Errorf("want the trusted path and the dead end at Old Root, got %d paths", len(r.Paths))
			}
		},
	},
	{
		name: "expired and renewed intermediate sent together",
		setup: func(t testing.TB) Input {
			root := issue(t, "Root", nil, nil, true)
			old := issue(t, "ICA", nil, root, true, expired)
			renewed := issue(t, "ICA", old.key, root, true)
			leaf := issue(t, "vpn.example", nil, old, false)
			return Input{Sent: certs(leaf, old, renewed), Roots: store{root.cert}}
		},
		check: func(t *testing.T, r Result, best Path) {
			wantBest("vpn.example<ICA<Root", Trusted)(t, r, best)
			if currentTime.After(best.Certs[1].Cert.NotAfter) {
				t.Errorf("the expired intermediate was preferred to the renewed one")
			}
		},
	},
	{
		name: "the same intermediate sent twice and in the store",
		setup: func(t testing.TB) Input {
			root := issue(t, "Root", nil, nil, true)
			ica := issue(t, "ICA", nil, root, true)
			leaf := issue(t, "vpn.example", nil, ica, false)
			return Input{Sent: certs(leaf, ica, ica), Roots: store{root.cert},
				Intermediates: []Cert{{Cert: ica.cert, Kind: Intermediate}}}
		},
		check: func(t *testing.T, r Result, best Path) {
			wantBest("vpn.example<ICA<Root", Trusted)(t, r, best)
			if len(r.Paths) != 1 || best.Certs[1].Kind != Sent {
				t.Errorf("duplicates must collapse into one path through the sent copy: %d paths", len(r.Paths))
			}
		},
	},
	{
		name: "shortest of two trusted paths",
		setup: func(t testing.TB) Input {
			root := issue(t, "Root", nil, nil, true)
			mid := issue(t, "Mid", nil, root, true)
			ica := issue(t, "ICA", nil, mid, true)
			icaDirect := issue(t, "ICA", ica.key, root, true)
			leaf := issue(t, "vpn.example", nil, ica, false)
			return Input{Sent: certs(leaf, ica, mid, icaDirect), Roots: store{root.cert}}
		},
		check: wantBest("vpn.example<ICA<Root", Trusted),
	},
	{
		name: "bridge CA",
		setup: func(t testing.TB) Input {
			rootA := issue(t, "Org A Root", nil, nil, true)
			rootB := issue(t, "Org B Root", nil, nil, true)
			bridge := issue(t, "Bridge CA", nil, nil, true)
			bridgeByA := issue(t, "Bridge CA", bridge.key, rootA, true)
			rootBByBridge := issue(t, "Org B Root", rootB.key, bridge, true)
			ica := issue(t, "Org B ICA", nil, rootB, true)
			leaf := issue(t, "vpn.b.example", nil, ica, false)
			return Input{Sent: certs(leaf, ica, rootBByBridge, bridgeByA), Roots: store{rootA.cert}}
		},
		check: wantBest("vpn.b.example<Org B ICA<Org B Root<Bridge CA<Org A Root", Trusted),
	},
	{
		name: "loop of two cross-signed CAs, neither trusted",
		setup: func(t testing.TB) Input {
			a := issue(t, "A", nil, nil, true)
			b := issue(t, "B", nil, nil, true)
			aByB := issue(t, "A", a.key, b, true)
			bByA := issue(t, "B", b.key, a, true)
			leaf := issue(t, "vpn.example", nil, a, false)
			return Input{Sent: certs(leaf, aByB, bByA), Roots: store{}}
		},
		check: func(t *testing.T, r Result, best Path) {
			if best.End == Trusted {
				t.Fatalf("nothing here is trusted, got %s", names(best))
			}
			loop := false
			for _, p := range r.Paths {
				loop = loop || p.Loop
				if len(p.Certs) > 3 {
					t.Errorf("a path went round the loop: %s", names(p))
				}
			}
			if !loop {
				t.Errorf("no path was marked as a loop: %d paths", len(r.Paths))
			}
		},
	},
	{
		name: "bad signature: an intermediate of the right name but another key",
		setup: func(t testing.TB) Input {
			root := issue(t, "Root", nil, nil, true)
			ica := issue(t, "ICA", nil, root, true)
			// The impostor claims the real one's key id.
			impostor := issue(t, "ICA", nil, root, true, func(c *x509.Certificate) { c.SubjectKeyId = ica.cert.SubjectKeyId })
			leaf := issue(t, "vpn.example", nil, ica, false)
			return Input{Sent: certs(leaf, impostor), Roots: store{root.cert}}
		},
		check: func(t *testing.T, r Result, best Path) {
			wantBest("vpn.example", BadSignature)(t, r, best)
			if best.Impostor == nil || best.Impostor.Kind != Sent {
				t.Errorf("the impostor sent by the server should be named: %+v", best.Impostor)
			}
		},
	},
	{
		name: "self-signed leaf",
		setup: func(t testing.TB) Input {
			leaf := issue(t, "vpn.example", nil, nil, false)
			return Input{Sent: certs(leaf), Roots: store{}}
		},
		check: wantBest("vpn.example", SelfSigned),
	},
	{
		name: "missing intermediate fetched by AIA",
		setup: func(t testing.TB) Input {
			root := issue(t, "Root", nil, nil, true)
			ica := issue(t, "ICA", nil, root, true)
			leaf := issue(t, "vpn.example", nil, ica, false, func(c *x509.Certificate) {
				c.IssuingCertificateURL = []string{"http://aia.test/ica.crt"}
			})
			fetch := func(_ context.Context, c *x509.Certificate) ([]*x509.Certificate, string, error) {
				return []*x509.Certificate{ica.cert}, c.IssuingCertificateURL[0], nil
			}
			return Input{Sent: certs(leaf), Roots: store{root.cert}, Fetch: fetch}
		},
		check: func(t *testing.T, r Result, best Path) {
			wantBest("vpn.example<ICA<Root", Trusted)(t, r, best)
			if best.Certs[1].Kind != AIA || best.Certs[1].Origin != "http://aia.test/ica.crt" {
				t.Errorf("intermediate %+v, want it from AIA", best.Certs[1])
			}
		},
	},
	{
		name: "AIA that fails leaves the issuer missing, with the reason",
		setup: func(t testing.TB) Input {
			root := issue(t, "Root", nil, nil, true)
			ica := issue(t, "ICA", nil, root, true)
			leaf := issue(t, "vpn.example", nil, ica, false)
			fetch := func(context.Context, *x509.Certificate) ([]*x509.Certificate, string, error) {
				return nil, "http://aia.test/ica.crt", errors.New("404 Not Found")
			}
			return Input{Sent: certs(leaf), Roots: store{root.cert}, Fetch: fetch}
		},
		check: func(t *testing.T, r Result, best Path) {
			wantBest("vpn.example", IssuerMissing)(t, r, best)
			if best.AIAURL != "http://aia.test/ica.crt" || best.AIAErr == nil || best.AIAErr.Error() != "404 Not Found" {
				t.Errorf("AIA %q %v", best.AIAURL, best.AIAErr)
			}
		},
	},
	{
		name: "AIA that downloads another CA's certificate says so",
		setup: func(t testing.TB) Input {
			root := issue(t, "Root", nil, nil, true)
			ica := issue(t, "ICA", nil, root, true)
			leaf := issue(t, "vpn.example", nil, ica, false)
			stranger := issue(t, "ICA", nil, root, true) // same name, another key
			fetch := func(context.Context, *x509.Certificate) ([]*x509.Certificate, string, error) {
				return []*x509.Certificate{stranger.cert}, "http://aia.test/ica.crt", nil
			}
			return Input{Sent: certs(leaf), Roots: store{root.cert}, Fetch: fetch}
		},
		check: func(t *testing.T, r Result, best Path) {
			wantBest("vpn.example", IssuerMissing)(t, r, best)
			if best.AIAURL != "http://aia.test/ica.crt" || !errors.Is(best.AIAErr, errNotIssuer) {
				t.Errorf("AIA %q %v", best.AIAURL, best.AIAErr)
			}
		},
	},
	{
		name: "40 intermediates deep, sent in reverse order",
		setup: func(t testing.TB) Input {
			root := issue(t, "Root", nil, nil, true)
			parent := root
			var chain []*ca
			for i := 0; i < 40; i++ {
				parent = issue(t, "ICA "+string(rune('A'+i%26))+string(rune('a'+i/26)), nil, parent, true)
				chain = append(chain, parent)
			}
			leaf := issue(t, "vpn.example", nil, parent, false)
			sent := []*x509.Certificate{leaf.cert}
			for _, c := range chain {
				sent = append(sent, c.cert)
			}
			return Input{Sent: sent, Roots: store{root.cert}}
		},
		check: func(t *testing.T, r Result, best Path) {
			if best.End != Trusted || len(best.Certs) != 42 {
				t.Errorf("best path has %d certificates, end %d; want 42, trusted", len(best.Certs), best.End)
			}
		},
	},
	{
		name: "flood: 300 same-named issuers, the real one last, key ids point to it",
		setup: func(t testing.TB) Input {
			root := issue(t, "Root", nil, nil, true)
			ica := issue(t, "ICA", nil, root, true)
			leaf := issue(t, "vpn.example", nil, ica, false)
			sent := []*x509.Certificate{leaf.cert}
			for i := 0; i < 300; i++ {
				sent = append(sent, issue(t, "ICA", nil, root, true).cert)
			}
			return Input{Sent: append(sent, ica.cert), Roots: store{root.cert}}
		},
		check: func(t *testing.T, r Result, best Path) {
			wantBest("vpn.example<ICA<Root", Trusted)(t, r, best)
			if r.SignatureChecks > 5 {
				t.Errorf("%d signature checks; the key id should lead straight to the issuer", r.SignatureChecks)
			}
		},
	},
	{
		name: "flood: 300 same-named issuers that all claim the key id is cut short",
		setup: func(t testing.TB) Input {
			root := issue(t, "Root", nil, nil, true)
			ica := issue(t, "ICA", nil, root, true)
			leaf := issue(t, "vpn.example", nil, ica, false)
			sent := []*x509.Certificate{leaf.cert}
			for i := 0; i < 300; i++ {
				sent = append(sent, issue(t, "ICA", nil, root, true, func(c *x509.Certificate) { c.SubjectKeyId = ica.cert.SubjectKeyId }).cert)
			}
			return Input{Sent: append(sent, ica.cert), Roots: store{root.cert}}
		},
		check: func(t *testing.T, r Result, best Path) {
			if r.SignatureChecks > DefaultLimits.MaxSignatureChecks || !r.Exhausted || r.OutOfTime {
				t.Errorf("%d signature checks (limit %d), exhausted %v, out of time %v", r.SignatureChecks, DefaultLimits.MaxSignatureChecks, r.Exhausted, r.OutOfTime)
			}
			if best.End == Trusted {
				t.Errorf("the real issuer lies past the budget, yet %s was found", names(best))
			}
		},
	},
}

func TestBuild(t *testing.T) {
	for _, tc := range pathTests {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.setup(t)
			r := Build(context.Background(), in)
			if len(r.Paths) == 0 {
				t.Fatal("no path at all")
			}
			best := r.Paths[Rank(r.Paths, expiredFaults(r.Paths))[0]]
			tc.check(t, r, best)
		})
	}
}

// Rank puts trusted before untrusted, then fewer faults, then shorter,
// then more of what the server sent.
func TestRank(t *testing.T) {
	leaf := &x509.Certificate{Raw: []byte{1}}
	c := func(k Kind) Cert { return Cert{Cert: leaf, Kind: k} }
	paths := []Path{
		{Certs: []Cert{c(Sent), c(Sent)}, End: SelfSigned},
		{Certs: []Cert{c(Sent), c(Sent), c(Sent), c(Root)}, End: Trusted},
		{Certs: []Cert{c(Sent), c(Intermediate), c(Root)}, End: Trusted},
		{Certs: []Cert{c(Sent), c(Sent), c(Root)}, End: Trusted},
		{Certs: []Cert{c(Sent), c(Root)}, End: Trusted},
	}
	got := Rank(paths, []int{0, 0, 0, 0, 1})
	want := []int{3, 2, 1, 4, 0}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("order %v, want %v", got, want)
		}
	}
}

// A search the caller's deadline cuts short says so (OutOfTime): the
// caller must not blame the server's certificates for it.
func TestBuildOutOfTime(t *testing.T) {
	root := issue(t, "Root", nil, nil, true)
	ica := issue(t, "ICA", nil, root, true)
	leaf := issue(t, "vpn.example", nil, ica, false)
	in := Input{Sent: []*x509.Certificate{leaf.cert, ica.cert}, Roots: store{root.cert}}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if r := Build(ctx, in); !r.Exhausted || !r.OutOfTime || len(r.Paths) != 0 {
		t.Errorf("cancelled: exhausted %v, out of time %v, %d paths", r.Exhausted, r.OutOfTime, len(r.Paths))
	}
	if r := Build(context.Background(), in); r.Exhausted || r.OutOfTime || len(r.Paths) != 1 || r.Paths[0].End != Trusted {
		t.Errorf("in time: exhausted %v, out of time %v, paths %+v", r.Exhausted, r.OutOfTime, r.Paths)
	}
}
