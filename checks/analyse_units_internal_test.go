package checks

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"math/big"
	"net"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks/pathbuild"
	"github.com/vpndoctor/vpndoctor/internal/vpnlab"
)

// Table tests over analyse.go's pure checks, one row per boundary: each
// row fails if a condition or an arithmetic step of the check changes
// (scripts/mutation.sh found these unguarded).

// unitChain makes a real chain (root, intermediate, leaf) whose
// certificates the rows then copy and adjust.
func unitChain(t *testing.T) (root, inter, leaf *x509.Certificate) {
	t.Helper()
	r := guardRoot(t, "Unit Root", nil)
	i, k := guardCert(t, &x509.Certificate{Subject: pkix.Name{CommonName: "Unit Issuing CA"}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign}, r)
	l := guardLeaf(t, &guardCA{i, k}, nil)
	return r.cert, i, l
}

func withSigAlg(c *x509.Certificate, alg x509.SignatureAlgorithm) *x509.Certificate {
	cp := *c
	cp.SignatureAlgorithm = alg
	return &cp
}

func linksOf(certs ...*x509.Certificate) []link {
	out := make([]link, len(certs))
	for i, c := range certs {
		out[i] = link{cert: c, source: FromServer}
	}
	return out
}

func certsOf(fs []Finding) []int {
	var out []int
	for _, f := range fs {
		out = append(out, f.Cert)
	}
	return out
}

func TestCheckSignaturesRows(t *testing.T) {
	root, inter, leaf := unitChain(t)
	sha1 := func(c *x509.Certificate) *x509.Certificate { return withSigAlg(c, x509.SHA1WithRSA) }
	tests := []struct {
		name     string
		links    []link
		anchored bool
		want     []int // the certificates flagged
	}{
		{"nothing weak", linksOf(leaf, inter, root), true, nil},
		{"weak leaf", linksOf(sha1(leaf), inter, root), true, []int{0}},
		{"weak anchor: nobody checks its signature", linksOf(leaf, inter, sha1(root)), true, nil},
		{"weak last certificate, not an anchor", linksOf(leaf, inter, sha1(root)), false, []int{2}},
		{"weak intermediate below the anchor", linksOf(leaf, withSigAlg(inter, x509.MD5WithRSA), root), true, []int{1}},
		// A chain of one is the leaf: anchored or not, its signature counts.
		{"weak leaf alone, anchored", linksOf(sha1(leaf)), true, []int{0}},
		{"ECDSA with SHA-1", linksOf(withSigAlg(leaf, x509.ECDSAWithSHA1), inter), false, []int{0}},
	}
	for _, tc := range tests {
		fs := checkSignatures(tc.links, tc.anchored)
		if got := certsOf(fs); !equalInts(got, tc.want) {
			t.Errorf("%s: flagged %v, want %v", tc.name, got, tc.want)
		}
		for _, f := range fs {
			alg := tc.links[f.Cert].cert.SignatureAlgorithm.String()
			if f.ID != WeakSignature || f.Severity != Fail || f.Evidence[EvSigAlg] != alg || !strings.Contains(f.Detail, alg) {
				t.Errorf("%s: %+v", tc.name, f)
			}
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// rsaOf is a certificate whose RSA modulus has exactly bits bits (only
// its length is read).
func rsaOf(c *x509.Certificate, bits int) *x509.Certificate {
	cp := *c
	n := new(big.Int).Lsh(big.NewInt(1), uint(bits-1))
	cp.PublicKey = &rsa.PublicKey{N: n.Add(n, big.NewInt(1)), E: 65537}
	cp.PublicKeyAlgorithm = x509.RSA
	return &cp
}

func TestCheckKeysBoundary(t *testing.T) {
	_, inter, leaf := unitChain(t)
	for _, tc := range []struct {
		bits int
		want []int
	}{{minRSABits - 1, []int{0}}, {minRSABits, nil}, {4096, nil}, {1024, []int{0}}} {
		fs := checkKeys(linksOf(rsaOf(leaf, tc.bits), inter))
		if got := certsOf(fs); !equalInts(got, tc.want) {
			t.Errorf("RSA %d: flagged %v, want %v", tc.bits, got, tc.want)
		}
		for _, f := range fs {
			if f.ID != WeakKey || f.Evidence[EvKey] != "RSA "+strconv.Itoa(tc.bits) || !strings.Contains(f.Detail, strconv.Itoa(tc.bits)+" bits") {
				t.Errorf("RSA %d: %+v", tc.bits, f)
			}
		}
	}
	// An intermediate's short key is flagged at its own index.
	if got := certsOf(checkKeys(linksOf(leaf, rsaOf(inter, 1024)))); !equalInts(got, []int{1}) {
		t.Errorf("short intermediate key: flagged %v", got)
	}
	// ECDSA keys are not judged by length.
	if fs := checkKeys(linksOf(leaf, inter)); len(fs) != 0 {
		t.Errorf("ECDSA chain: %+v", fs)
	}
}

func TestUsageList(t *testing.T) {
	tests := []struct {
		eku     []x509.ExtKeyUsage
		unknown []asn1.ObjectIdentifier
		ku      x509.KeyUsage
		want    string
	}{
		{nil, nil, 0, "(no usage restrictions)"},
		{[]x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}, nil, 0, "clientAuth"},
		{[]x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageCodeSigning}, nil, 0, "serverAuth, codeSigning"},
		{[]x509.ExtKeyUsage{x509.ExtKeyUsage(99)}, nil, 0, "eku(99)"},
		{nil, []asn1.ObjectIdentifier{{1, 2, 3, 4}}, 0, "1.2.3.4"},
		{nil, nil, x509.KeyUsageDigitalSignature, "keyUsage=digitalSignature"},
		{nil, nil, x509.KeyUsageKeyEncipherment, "keyUsage=keyEncipherment"},
		{nil, nil, x509.KeyUsageCertSign, "keyUsage=keyCertSign"},
		{[]x509.ExtKeyUsage{x509.ExtKeyUsageEmailProtection}, []asn1.ObjectIdentifier{{1, 3, 6}},
			x509.KeyUsageDigitalSignature | x509.KeyUsageKeyEncipherment | x509.KeyUsageCertSign,
			"emailProtection, 1.3.6, keyUsage=digitalSignature+keyEncipherment+keyCertSign"},
	}
	for _, tc := range tests {
		c := &x509.Certificate{ExtKeyUsage: tc.eku, UnknownExtKeyUsage: tc.unknown, KeyUsage: tc.ku}
		if got := usageList(c); got != tc.want {
			t.Errorf("usageList(eku %v, unknown %v, ku %b) = %q, want %q", tc.eku, tc.unknown, tc.ku, got, tc.want)
		}
	}
}

func TestCheckUsageRows(t *testing.T) {
	_, inter, leaf := unitChain(t)
	with := func(c *x509.Certificate, eku []x509.ExtKeyUsage, ku x509.KeyUsage) *x509.Certificate {
		cp := *c
		cp.ExtKeyUsage, cp.KeyUsage = eku, ku
		return &cp
	}
	client := []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	tests := []struct {
		name  string
		links []link
		want  []int
	}{
		{"server leaf", linksOf(leaf, inter), nil},
		{"client-only leaf", linksOf(with(leaf, client, x509.KeyUsageDigitalSignature), inter), []int{0}},
		{"any usage", linksOf(with(leaf, []x509.ExtKeyUsage{x509.ExtKeyUsageAny}, 0), inter), nil},
		{"unknown usage only", linksOf(func() *x509.Certificate {
			c := with(leaf, nil, 0)
			c.UnknownExtKeyUsage = []asn1.ObjectIdentifier{{1, 2, 3}}
			return c
		}(), inter), []int{0}},
		{"leaf key usage without signing", linksOf(with(leaf, nil, x509.KeyUsageCertSign), inter), []int{0}},
		{"leaf key encipherment only", linksOf(with(leaf, nil, x509.KeyUsageKeyEncipherment), inter), nil},
		// The key-usage rule is the leaf's only: a CA signs certificates.
		{"CA with keyCertSign only", linksOf(leaf, with(inter, nil, x509.KeyUsageCertSign)), nil},
		{"CA restricted to client auth", linksOf(leaf, with(inter, client, x509.KeyUsageCertSign)), []int{1}},
	}
	for _, tc := range tests {
		fs := checkUsage(tc.links)
		if got := certsOf(fs); !equalInts(got, tc.want) {
			t.Errorf("%s: flagged %v, want %v", tc.name, got, tc.want)
		}
		for _, f := range fs {
			if f.Evidence[EvUsage] != usageList(tc.links[f.Cert].cert) || f.Evidence[EvRole] != role(f.Cert, len(tc.links), tc.links[f.Cert].cert) {
				t.Errorf("%s: evidence %v", tc.name, f.Evidence)
			}
		}
	}
}

func TestNameConstraintsFindingIndex(t *testing.T) {
	root, inter, leaf := unitChain(t) // the leaf is for 127.0.0.1
	restrict := func(c *x509.Certificate) *x509.Certificate {
		cp := *c
		cp.PermittedDNSDomains = []string{"example.org"}
		return &cp
	}
	tests := []struct {
		name  string
		links []link
		host  string
		want  []int
	}{
		{"leaf alone: nothing to constrain it", linksOf(leaf), "vpn.example.com", nil},
		{"the issuer of a chain of two", linksOf(func() *x509.Certificate {
			c := *leaf
			c.DNSNames = []string{"vpn.example.com"}
			return &c
		}(), restrict(inter)), "vpn.example.com", []int{1}},
		{"the intermediate", linksOf(leaf, restrict(inter), root), "vpn.example.com", []int{1}},
		{"the root", linksOf(leaf, inter, restrict(root)), "vpn.example.com", []int{2}},
		{"both", linksOf(leaf, restrict(inter), restrict(root)), "vpn.example.com", []int{1, 2}},
	}
	for _, tc := range tests {
		fs := checkNameConstraints(tc.links, tc.host)
		if got := certsOf(fs); !equalInts(got, tc.want) {
			t.Errorf("%s: flagged %v, want %v", tc.name, got, tc.want)
		}
		for _, f := range fs {
			ca := tc.links[f.Cert].cert
			if f.Evidence[EvRole] != role(f.Cert, len(tc.links), ca) || f.Evidence[EvSubject] != displayName(ca.Subject) ||
				f.Evidence[EvDNSNames] != tc.host || f.Evidence[EvConstraint] != "permitted: example.org" || !strings.Contains(f.Title, "this name") {
				t.Errorf("%s: %+v", tc.name, f)
			}
		}
	}
	// An address refused by an IP constraint is called an address.
	ipOnly := *inter
	_, lan, _ := net.ParseCIDR("10.0.0.0/8")
	ipOnly.PermittedIPRanges = []*net.IPNet{lan}
	fs := checkNameConstraints(linksOf(leaf, &ipOnly), "127.0.0.1")
	if len(fs) != 1 || fs[0].Cert != 1 || !strings.Contains(fs[0].Title, "this address") || fs[0].Evidence[EvDNSNames] != "127.0.0.1" {
		t.Errorf("IP constraint: %+v", fs)
	}
}

func TestCheckLifetimeBoundaries(t *testing.T) {
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		days  int
		limit int // 0: no finding
	}{
		{publicMaxDays, 0},
		{publicMaxDays + 1, publicMaxDays},
		{appleMaxDays, publicMaxDays},
		{appleMaxDays + 1, appleMaxDays},
		{3650, appleMaxDays},
		{90, 0},
	}
	for _, tc := range tests {
		// Twelve hours more than whole days: the count is of whole days.
		leaf := &x509.Certificate{NotBefore: start, NotAfter: start.Add(time.Duration(tc.days)*24*time.Hour + 12*time.Hour)}
		fs := checkLifetime(leaf)
		if tc.limit == 0 {
			if len(fs) != 0 {
				t.Errorf("%d days: %+v", tc.days, fs)
			}
			continue
		}
		if len(fs) != 1 || fs[0].Evidence[EvLifetime] != strconv.Itoa(tc.days) || fs[0].Evidence[EvLimit] != strconv.Itoa(tc.limit) ||
			!strings.Contains(fs[0].Detail, "valid for "+strconv.Itoa(tc.days)+" days") || fs[0].Cert != 0 {
			t.Errorf("%d days: %+v", tc.days, fs)
		}
	}
}

func TestCheckSentOrderRows(t *testing.T) {
	root, inter, leaf := unitChain(t)
	other := guardRoot(t, "Stray CA", nil).cert
	path := linksOf(leaf, inter, root)
	fromStore := []link{{cert: leaf, source: FromServer}, {cert: inter, source: FromServer}, {cert: root, source: FromStore}}
	tests := []struct {
		name  string
		sent  []*x509.Certificate
		links []link
		extra string // "" with want true: out of order
		want  bool
	}{
		{"tidy", []*x509.Certificate{leaf, inter}, fromStore, "", false},
		{"tidy with the root", []*x509.Certificate{leaf, inter, root}, path, "", false},
		{"leaf alone", []*x509.Certificate{leaf}, fromStore, "", false},
		{"a stray certificate", []*x509.Certificate{leaf, inter, other}, fromStore, "Stray CA", true},
		{"swapped", []*x509.Certificate{leaf, root, inter}, path, "", true},
		// The root comes from the store: that the server sent something
		// else in its place is the stray certificate, not the order.
		{"swapped beyond what the server sent", []*x509.Certificate{leaf, inter}, []link{{cert: leaf, source: FromServer}, {cert: root, source: FromStore}, {cert: inter, source: FromServer}}, "", false},
	}
	for _, tc := range tests {
		fs := checkSentOrder(tc.sent, tc.links)
		if (len(fs) == 1) != tc.want || len(fs) > 1 {
			t.Errorf("%s: %+v", tc.name, fs)
			continue
		}
		if !tc.want {
			continue
		}
		f := fs[0]
		if f.ID != ChainOrder || f.Severity != Info || f.Cert != -1 || f.Evidence[EvSubject] != tc.extra {
			t.Errorf("%s: %+v", tc.name, f)
		}
		if tc.extra == "" && f.Detail != "the server sends its certificates out of order" {
			t.Errorf("%s: detail %q", tc.name, f.Detail)
		}
		if tc.extra != "" && !strings.HasSuffix(f.Detail, ": "+tc.extra) {
			t.Errorf("%s: detail %q", tc.name, f.Detail)
		}
	}
}

func TestClockEvidenceSign(t *testing.T) {
	local := time.Date(2026, 6, 15, 9, 30, 0, 0, time.UTC)
	// This computer is 10 minutes ahead: the true time is 10 minutes
	// earlier, the engine's offset (true - local) is negative, and the
	// evidence says "+10m0s" / 600000.
	clock := ClockInfo{Known: true, Server: "ntp.test", OffsetMS: -600000, Local: local, True: local.Add(-10 * time.Minute)}
	f := newFinding(ClockSkew, Warn, "", "", -1)
	clockEvidence(&f, clock)
	if f.Evidence[EvClockOffset] != "+10m0s" || f.Evidence[EvOffsetMS] != "600000" || f.Evidence[EvNTPServer] != "ntp.test" ||
		f.Evidence[EvLocalTime] != "2026-06-15T09:30:00Z" || f.Evidence[EvTrueTime] != "2026-06-15T09:20:00Z" {
		t.Errorf("evidence %v", f.Evidence)
	}
}

// role names a certificate by its place: the first is the leaf, the last
// is the root only when it signed itself, anything else is an
// intermediate (a self-signed certificate in the middle too).
func TestRoleRows(t *testing.T) {
	root, inter, leaf := unitChain(t)
	tests := []struct {
		i, n int
		c    *x509.Certificate
		want string
	}{
		{0, 3, leaf, "leaf"},
		{0, 1, root, "leaf"},
		{1, 3, inter, "intermediate"},
		{2, 3, root, "root"},
		{1, 2, root, "root"},
		{1, 3, root, "intermediate"},
		{2, 3, inter, "intermediate"},
	}
	for _, tc := range tests {
		if got := role(tc.i, tc.n, tc.c); got != tc.want {
			t.Errorf("role(%d, %d, %q) = %q, want %q", tc.i, tc.n, tc.c.Subject.CommonName, got, tc.want)
		}
	}
}

// checkKeys on ECDSA keys: P-192 (read by pathbuild) is weak; P-224, the
// smallest curve Go reads, and P-256 are not flagged.
func TestCheckKeysECDSARows(t *testing.T) {
	p192, err := pathbuild.ParseCertificate(vpnlab.NewCurveCA(t, "prime192v1").Root)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		c    *x509.Certificate
		weak bool
	}{
		{"P-192", p192, true},
		{"P-224", &x509.Certificate{PublicKey: &ecdsa.PublicKey{Curve: elliptic.P224()}}, false},
		{"P-256", &x509.Certificate{PublicKey: &ecdsa.PublicKey{Curve: elliptic.P256()}}, false},
	} {
		fs := checkKeys(linksOf(tc.c))
		if (len(fs) == 1) != tc.weak || len(fs) > 1 {
			t.Errorf("%s: %+v", tc.name, fs)
			continue
		}
		if tc.weak && (fs[0].Evidence[EvKey] != "ECDSA P-192" || !strings.Contains(fs[0].Detail, "on P-192 (96-bit security)")) {
			t.Errorf("%s: %+v", tc.name, fs[0])
		}
	}
}
