package platform

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
	"unsafe"

	"golang.org/x/sys/windows"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/clients"
)

func TestWindowsStoreLoad(t *testing.T) {
	snap, err := windowsStore{}.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	// Wine fills LocalMachine\ROOT from the host's CA bundle (about 140
	// roots on Debian); a new Windows has a few dozen until automatic root
	// update adds the ones it meets.
	atLeast := 1
	if underWine() {
		atLeast = 50
	}
	if len(snap.Roots) < atLeast {
		t.Errorf("%d roots, want at least %d", len(snap.Roots), atLeast)
	}
	for _, set := range []struct {
		name    string
		certs   []checks.StoreCert
		origins []string
	}{
		{"roots", snap.Roots, []string{`LocalMachine\ROOT`, `CurrentUser\ROOT`}},
		{"intermediates", snap.Intermediates, []string{`LocalMachine\CA`, `CurrentUser\CA`}},
		{"distrusted", snap.Distrusted, []string{`LocalMachine\Disallowed`, `CurrentUser\Disallowed`}},
	} {
		seen := map[[32]byte]bool{}
		for _, c := range set.certs {
			if !slices.Contains(set.origins, c.Origin) {
				t.Errorf("%s: %s has origin %q, want one of %q", set.name, c.Cert.Subject, c.Origin, set.origins)
			}
			sum := sha256.Sum256(c.Cert.Raw)
			if seen[sum] {
				t.Errorf("%s: %s listed twice", set.name, c.Cert.Subject)
			}
			seen[sum] = true
		}
	}
	t.Logf("%d roots, %d intermediates, %d distrusted", len(snap.Roots), len(snap.Intermediates), len(snap.Distrusted))
}

// Wine's crypt32 puts the host's CA bundle into LocalMachine\ROOT: every
// root of the bundle must be among the roots Load reads.
func TestWindowsStoreHasHostRoots(t *testing.T) {
	requireWine(t)
	data, err := os.ReadFile(`Z:\etc\ssl\certs\ca-certificates.crt`)
	if err != nil {
		t.Skipf("no host CA bundle to compare with: %v", err)
	}
	host, _ := ParsePEMCertificates(data)
	snap, err := windowsStore{}.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var roots certSet
	for _, r := range snap.Roots {
		roots.add(r.Cert, r.Origin)
	}
	missing := 0
	for _, c := range host {
		if !roots.has(checks.StoreCert{Cert: c}) {
			missing++
			t.Errorf("host root %s is not among the Windows roots", c.Subject)
		}
	}
	t.Logf("%d host roots, %d Windows roots, %d missing", len(host), len(snap.Roots), missing)
}

func TestWindowsStoresOpen(t *testing.T) {
	for _, loc := range storeLocations {
		for _, store := range []string{"ROOT", "CA", "Disallowed", "MY"} {
			t.Run(loc.name+`\`+store, func(t *testing.T) {
				n := 0
				err := enumStore(loc, store, func(*x509.Certificate, *windows.CertContext) { n++ })
				if err != nil {
					t.Fatal(err)
				}
				t.Logf("%d certificates", n)
			})
		}
	}
}

// Load reads the stores afresh: a root added while the program runs is
// seen by the next Load, and one removed is gone.
func TestWindowsStoreReadsAfresh(t *testing.T) {
	requireWine(t)
	root := issueCert(t, caTemplate("vpndoctor added root"), nil)
	inter := issueCert(t, caTemplate("vpndoctor added intermediate"), root)
	bad := issueCert(t, caTemplate("vpndoctor distrusted"), root)
	t.Run("added", func(t *testing.T) {
		addToStore(t, storeLocations[0], "ROOT", root.cert, nil)
		addToStore(t, storeLocations[1], "CA", inter.cert, nil)
		addToStore(t, storeLocations[0], "Disallowed", bad.cert, nil)
		snap, err := windowsStore{}.Load(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range []struct {
			set    []checks.StoreCert
			cert   *x509.Certificate
			origin string
		}{
			{snap.Roots, root.cert, `LocalMachine\ROOT`},
			{snap.Intermediates, inter.cert, `CurrentUser\CA`},
			{snap.Distrusted, bad.cert, `LocalMachine\Disallowed`},
		} {
			if got := storeOrigin(w.set, w.cert); got != w.origin {
				t.Errorf("%s: origin %q, want %q", w.cert.Subject.CommonName, got, w.origin)
			}
		}
	})
	snap, err := windowsStore{}.Load(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, set := range [][]checks.StoreCert{snap.Roots, snap.Intermediates, snap.Distrusted} {
		for _, c := range []*x509.Certificate{root.cert, inter.cert, bad.cert} {
			if o := storeOrigin(set, c); o != "" {
				t.Errorf("%s still read from %s after it was removed", c.Subject.CommonName, o)
			}
		}
	}
}

func storeOrigin(set []checks.StoreCert, c *x509.Certificate) string {
	for _, s := range set {
		if s.Cert.Equal(c) {
			return s.Origin
		}
	}
	return ""
}

var procCertSetCertificateContextProperty = windows.NewLazySystemDLL("crypt32.dll").NewProc("CertSetCertificateContextProperty")

// cryptKeyProvInfo is CRYPT_KEY_PROV_INFO.
type cryptKeyProvInfo struct {
	ContainerName  *uint16
	ProvName       *uint16
	ProvType       uint32
	Flags          uint32
	ProvParamCount uint32
	ProvParams     uintptr
	KeySpec        uint32
}

// linkKey marks a certificate as having a private key in a CAPI
// container, as importing a PFX does; the container need not exist for
// ClientIdentities, which only asks whether the link is there.
func linkKey(t *testing.T) func(*windows.CertContext) {
	return func(ctx *windows.CertContext) {
		info := &cryptKeyProvInfo{
			ContainerName: windows.StringToUTF16Ptr("vpndoctor-test"),
			ProvName:      windows.StringToUTF16Ptr("Microsoft Enhanced Cryptographic Provider v1.0"),
			ProvType:      1, // PROV_RSA_FULL
			KeySpec:       1, // AT_KEYEXCHANGE
		}
		r, _, err := procCertSetCertificateContextProperty.Call(uintptr(unsafe.Pointer(ctx)),
			certKeyProvInfoPropID, 0, uintptr(unsafe.Pointer(info)))
		if r == 0 {
			t.Fatalf("CertSetCertificateContextProperty: %v", err)
		}
	}
}

func TestWindowsClientIdentities(t *testing.T) {
	requireWine(t)
	root := issueCert(t, caTemplate("vpndoctor client CA"), nil)
	withKey := issueCert(t, &x509.Certificate{
		Subject:     pkix.Name{CommonName: "Taro Yamada"},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}, root)
	noKey := issueCert(t, serverTemplate("nokey.example.test"), root)
	addToStore(t, storeLocations[1], "MY", withKey.cert, linkKey(t))
	addToStore(t, storeLocations[1], "MY", noKey.cert, nil)

	ids, err := windowsPlatform{}.ClientIdentities(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for _, id := range ids {
		switch {
		case id.Cert.Equal(noKey.cert):
			t.Errorf("%s listed, but it has no private key", id.Subject)
		case id.Cert.Equal(withKey.cert):
			found = true
			if id.Origin != `CurrentUser\MY` || id.SHA256 != fingerprint(withKey.cert) {
				t.Errorf("identity = %+v, want origin CurrentUser\\MY and the certificate's SHA-256", id)
			}
		}
	}
	if !found {
		t.Errorf("identities %v lack the certificate with a private key", ids)
	}
}

func TestChainStatusError(t *testing.T) {
	tests := []struct {
		bits, want uint32
	}{
		{0, 0},
		{windows.CERT_TRUST_IS_PARTIAL_CHAIN, 0x800B010A},
		{windows.CERT_TRUST_IS_UNTRUSTED_ROOT | windows.CERT_TRUST_IS_PARTIAL_CHAIN, 0x800B0109},
		{windows.CERT_TRUST_IS_CYCLIC, 0x800B0109},
		{windows.CERT_TRUST_IS_NOT_TIME_VALID | windows.CERT_TRUST_IS_NOT_VALID_FOR_USAGE, 0x800B0101},
		{windows.CERT_TRUST_IS_EXPLICIT_DISTRUST | windows.CERT_TRUST_IS_UNTRUSTED_ROOT, 0x800B0111},
		{windows.CERT_TRUST_REVOCATION_STATUS_UNKNOWN | windows.CERT_TRUST_IS_OFFLINE_REVOCATION, 0},
		{windows.CERT_TRUST_HAS_WEAK_SIGNATURE, 0},
	}
	for _, tt := range tests {
		if got := chainStatusError(tt.bits); got != tt.want {
			t.Errorf("chainStatusError(%#x) = %#x, want %#x", tt.bits, got, tt.want)
		}
	}
}

// Chains whose root Windows does not have are refused, wherever the tests
// run.
func TestWindowsVerdictUnknownRoot(t *testing.T) {
	root := issueCert(t, caTemplate("vpndoctor unknown root"), nil)
	inter := issueCert(t, caTemplate("vpndoctor unknown intermediate"), root)
	leaf := issueCert(t, serverTemplate("gw.example.test"), inter)
	self := issueCert(t, serverTemplate("self.example.test"), nil)
	tests := []struct {
		name  string
		chain []*x509.Certificate
		host  string
		want  string // a prefix of the verdict
	}{
		{"self-signed", []*x509.Certificate{self.cert}, "self.example.test", "CERT_E_UNTRUSTEDROOT (0x800B0109)"},
		{"root sent along", []*x509.Certificate{leaf.cert, inter.cert, root.cert}, "gw.example.test", "CERT_E_UNTRUSTEDROOT (0x800B0109)"},
		// Windows could fetch nothing for it (no AIA): the chain stops
		// at the intermediate. Wine's SSL policy alone said "trusted".
		{"root not sent", []*x509.Certificate{leaf.cert, inter.cert}, "gw.example.test", "CERT_E_"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := windowsVerdict(context.Background(), tt.chain, tt.host)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.HasPrefix(got, tt.want) {
				t.Errorf("verdict %q, want it to start with %q", got, tt.want)
			}
		})
	}
	if _, err := (windowsPlatform{}).OSVerdict(context.Background(), nil, "gw.example.test"); err == nil {
		t.Error("no error for an empty chain")
	}
}

// verdictCase is a row of TestWindowsVerdictInstalledCA, passed to the
// child process as JSON.
type verdictCase struct {
	Name  string
	Chain [][]byte
	Host  string
	Want  string // the verdict, or a prefix of it that ends in ")"
	// Key, when set (PKCS#8), has the child serve Chain over TLS on
	// loopback and diagnose it with the engine, whose own store is empty,
	// and Windows as the OS verifier (issue 12).
	Key []byte
}

const verdictCasesEnv = "VPNDOCTOR_TEST_VERDICT_CASES"

// OSVerdict against a root and an intermediate installed in the system
// stores. Wine's chain engine reads the root store once per process, when
// the first chain is built, so the verdicts are asked for in a child
// process started after the certificates are installed.
func TestWindowsVerdictInstalledCA(t *testing.T) {
	if path := os.Getenv(verdictCasesEnv); path != "" {
		runVerdictCases(t, path)
		return
	}
	requireWine(t)
	root := issueCert(t, caTemplate("vpndoctor installed root"), nil)
	inter := issueCert(t, caTemplate("vpndoctor intermediate"), root)
	storeInter := issueCert(t, caTemplate("vpndoctor intermediate in CA store"), root)
	loneInter := issueCert(t, caTemplate("vpndoctor intermediate not sent"), root)
	leaf := issueCert(t, serverTemplate("gw.example.test"), inter)
	wildTmpl := serverTemplate("*.example.test")
	wildTmpl.DNSNames = []string{"*.example.test"}
	wild := issueCert(t, wildTmpl, inter)
	expiredTmpl := serverTemplate("gw.example.test")
	expiredTmpl.NotBefore, expiredTmpl.NotAfter = time.Now().Add(-72*time.Hour), time.Now().Add(-24*time.Hour)
	expired := issueCert(t, expiredTmpl, inter)
	clientTmpl := serverTemplate("gw.example.test")
	clientTmpl.ExtKeyUsage = []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}
	clientOnly := issueCert(t, clientTmpl, inter)
	viaStore := issueCert(t, serverTemplate("gw.example.test"), storeInter)
	viaLone := issueCert(t, serverTemplate("gw.example.test"), loneInter)
	// Named only in the common name, as 127.0.0.1: the engine connects to
	// loopback by address, and CryptoAPI (Windows and Wine) matches a
	// certificate without subjectAltName by its common name.
	loopTmpl := serverTemplate("127.0.0.1")
	loopTmpl.DNSNames = nil
	loopback := issueCert(t, loopTmpl, inter)
	loopKey, err := x509.MarshalPKCS8PrivateKey(loopback.key)
	if err != nil {
		t.Fatal(err)
	}

	addToStore(t, storeLocations[0], "ROOT", root.cert, nil)
	addToStore(t, storeLocations[1], "CA", storeInter.cert, nil)

	der := func(cs ...*keyedCert) [][]byte {
		var out [][]byte
		for _, c := range cs {
			out = append(out, c.cert.Raw)
		}
		return out
	}
	cases := []verdictCase{
		{"leaf and intermediate", der(leaf, inter), "gw.example.test", VerdictTrusted, nil},
		{"root sent along", der(leaf, inter, root), "gw.example.test", VerdictTrusted, nil},
		{"host in capitals with a final dot", der(leaf, inter), "GW.Example.TEST.", VerdictTrusted, nil},
		{"wildcard", der(wild, inter), "vpn.example.test", VerdictTrusted, nil},
		{"intermediate from the CA store", der(viaStore), "gw.example.test", VerdictTrusted, nil},
		{"intermediate missing", der(viaLone), "gw.example.test", "CERT_E_CHAINING (0x800B010A)", nil},
		{"other host", der(leaf, inter), "vpn.example.test", "CERT_E_CN_NO_MATCH (0x800B010F)", nil},
		{"IP address", der(leaf, inter), "192.0.2.1", "CERT_E_CN_NO_MATCH (0x800B010F)", nil},
		{"expired", der(expired, inter), "gw.example.test", "CERT_E_EXPIRED (0x800B0101)", nil},
		{"client certificate", der(clientOnly, inter), "gw.example.test", "CERT_E_WRONG_USAGE (0x800B0110)", nil},
		{"engine: the OS trusts a root the engine's store lacks", der(loopback, inter), "127.0.0.1", VerdictTrusted, loopKey},
	}
	data, err := json.Marshal(cases)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "cases.json")
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, exe, "-test.run=^TestWindowsVerdictInstalledCA$", "-test.v")
	cmd.Env = append(os.Environ(), verdictCasesEnv+"="+path)
	out, err := cmd.CombinedOutput()
	t.Logf("child process:\n%s", out)
	if err != nil {
		t.Fatalf("child process: %v", err)
	}
}

func runVerdictCases(t *testing.T, path string) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var cases []verdictCase
	if err := json.Unmarshal(data, &cases); err != nil {
		t.Fatal(err)
	}
	if len(cases) == 0 {
		t.Fatal("no cases")
	}
	for _, tt := range cases {
		t.Run(tt.Name, func(t *testing.T) {
			var chain []*x509.Certificate
			for _, d := range tt.Chain {
				c, err := x509.ParseCertificate(d)
				if err != nil {
					t.Fatal(err)
				}
				chain = append(chain, c)
			}
			if tt.Key != nil {
				engineTrustsOS(t, chain, tt.Key)
				return
			}
			got, err := windowsVerdict(context.Background(), chain, tt.Host)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.Want && !(strings.HasSuffix(tt.Want, ")") && strings.HasPrefix(got, tt.Want)) {
				t.Errorf("verdict %q, want %q", got, tt.Want)
			}
		})
	}
}

// engineTrustsOS serves chain on loopback and diagnoses it with an engine
// whose own store is empty (as on a fresh Windows before automatic root
// update fetched the root) and Windows as the OS verifier: no trust finding
// may block, by default or for a client that follows the OS verifier; a
// client with its own verifier is still refused.
func engineTrustsOS(t *testing.T, chain []*x509.Certificate, pkcs8 []byte) {
	key, err := x509.ParsePKCS8PrivateKey(pkcs8)
	if err != nil {
		t.Fatal(err)
	}
	cert := tls.Certificate{PrivateKey: key, Leaf: chain[0]}
	for _, c := range chain {
		cert.Certificate = append(cert.Certificate, c.Raw)
	}
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(10 * time.Second))
				_ = c.(*tls.Conn).Handshake()
			}()
		}
	}()
	target, err := checks.ParseTarget(ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	for _, client := range []string{"", "anyconnect", "windows", "openconnect"} {
		choice, err := clients.Choose(client, "", "windows", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		rep := checks.Run(context.Background(), target, checks.Options{
			Trust: checks.StaticStore{Name: "empty"}, OSVerdict: windowsPlatform{}.OSVerdict,
			Client: choice, Timeout: 30 * time.Second})
		if !rep.OSVerifier.Answered() || !rep.OSVerifier.Trusted {
			t.Fatalf("%s: Windows did not trust the chain: %+v", choice.ID(), rep.OSVerifier)
		}
		trustFailures := 0
		for _, f := range rep.Findings {
			if f.ID == checks.UntrustedRoot || f.ID == checks.MissingIntermed || f.ID == checks.SelfSigned {
				trustFailures++
				if f.Blocks != (client == "openconnect") {
					t.Errorf("%s: %s blocks=%v (%s)", choice.ID(), f.ID, f.Blocks, f.Severity)
				}
			}
		}
		if trustFailures == 0 {
			t.Errorf("%s: the engine's own store lacks the root, yet no trust finding", choice.ID())
		}
		// By default the common-name-only certificate still fails (Go's
		// strict reading); the Windows clients accept it.
		if (client == "anyconnect" || client == "windows") && rep.Primary != checks.OK {
			t.Errorf("%s: primary %s, want ok (findings %v)", choice.ID(), rep.Primary, rep.Findings)
		}
		t.Logf("%s: primary %s; %s", choice.ID(), rep.Primary, rep.Client.Note)
	}
}
