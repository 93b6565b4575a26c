package checks_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/vpndoctor/vpndoctor/checks"
	"github.com/vpndoctor/vpndoctor/checks/clients"
	"github.com/vpndoctor/vpndoctor/checks/guide"
	"github.com/vpndoctor/vpndoctor/internal/loginlab"
)

// loginNow is when these tests' certificates are made around. It is the
// real time, not the fixed clock of the practice tests: without a time
// server the engine takes the gateway's own clock (issue 15), which is
// this computer's.
var loginNow = time.Now()

// loginPKI is a root and an intermediate made for one test.
type loginPKI struct {
	root, inter *loginlab.CA
}

func newLoginPKI(t *testing.T) loginPKI {
	t.Helper()
	root, err := loginlab.NewRoot("Login Test Root", loginNow.AddDate(-5, 0, 0), loginNow.AddDate(10, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	inter, err := root.Intermediate("Login Test Issuing CA", loginNow.AddDate(-2, 0, 0), loginNow.AddDate(5, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	return loginPKI{root, inter}
}

// leaf issues a certificate valid now, or expired when expired is set.
func (p loginPKI) leaf(t *testing.T, expired bool, names ...string) tls.Certificate {
	t.Helper()
	nb, na := loginNow.AddDate(0, -1, 0), loginNow.AddDate(0, 2, 0)
	if expired {
		nb, na = loginNow.AddDate(-1, 0, 0), loginNow.AddDate(0, 0, -3)
	}
	c, err := p.inter.Leaf(loginlab.LeafSpec{Names: names, NotBefore: nb, NotAfter: na})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// startDNS runs dnsmasq; without it the test is skipped, except in CI.
func startDNS(t *testing.T, records map[string][]string) *loginlab.DNS {
	t.Helper()
	d, err := loginlab.StartDNS(records)
	if errors.Is(err, loginlab.ErrNoDnsmasq) && os.Getenv("CI") == "" {
		t.Skip("dnsmasq is not installed")
	}
	if err != nil {
		t.Fatalf("dnsmasq: %v", err)
	}
	t.Cleanup(d.Close)
	return d
}

func serveNodes(t *testing.T, nodes ...loginlab.Node) *loginlab.Server {
	t.Helper()
	s, err := loginlab.ServeNodes(nodes)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

func loginOptions(p loginPKI, dns *loginlab.DNS) checks.Options {
	return checks.Options{
		Trust:    checks.StaticStore{Name: "test store", Roots: []*x509.Certificate{p.root.Cert}},
		Resolver: dns.Resolver(),
		Timeout:  8 * time.Second,
	}
}

func runLogin(t *testing.T, host string, port int, opts checks.Options) *checks.Report {
	t.Helper()
	target, err := checks.ParseTarget(host + ":" + strconv.Itoa(port))
	if err != nil {
		t.Fatal(err)
	}
	return checks.Run(context.Background(), target, opts)
}

// One of two nodes behind a name sends an expired certificate: it is the
// primary cause on every run, whatever order DNS gives the addresses.
func TestOddNodeIsFound(t *testing.T) {
	p := newLoginPKI(t)
	const host = "vpn.nodes.test"
	srv := serveNodes(t,
		loginlab.Node{Addr: "127.0.0.2", Cert: p.leaf(t, false, host)},
		loginlab.Node{Addr: "127.0.0.3", Cert: p.leaf(t, true, host)})
	for _, order := range [][]string{{"127.0.0.2", "127.0.0.3"}, {"127.0.0.3", "127.0.0.2"}} {
		dns := startDNS(t, map[string][]string{host: order})
		for run := 0; run < 3; run++ {
			rep := runLogin(t, host, srv.Port, loginOptions(p, dns))
			if rep.Primary != checks.CertExpired {
				t.Fatalf("order %v run %d: primary = %s, want cert_expired (%s)", order, run, rep.Primary, ids(rep))
			}
			evidence(t, rep, checks.CertExpired, checks.EvAddress, "127.0.0.3")
			evidence(t, rep, checks.CertExpired, checks.EvNodes, "1 of 2")
			if !strings.Contains(rep.Summary, "1 of 2 servers behind "+host) {
				t.Errorf("summary %q does not say which server", rep.Summary)
			}
			if len(rep.Nodes) != 2 || rep.Nodes[0].LeafSHA256 == rep.Nodes[1].LeafSHA256 {
				t.Fatalf("nodes = %+v", rep.Nodes)
			}
			for _, n := range rep.Nodes {
				if n.Odd != (n.Address == "127.0.0.3") {
					t.Errorf("node %s odd = %v", n.Address, n.Odd)
				}
			}
		}
	}
}

// Two nodes with the same healthy certificate: nothing is wrong, and both
// were checked.
func TestSameNodesAreFine(t *testing.T) {
	p := newLoginPKI(t)
	const host = "vpn.pair.test"
	cert := p.leaf(t, false, host)
	srv := serveNodes(t, loginlab.Node{Addr: "127.0.0.2", Cert: cert}, loginlab.Node{Addr: "127.0.0.3", Cert: cert})
	dns := startDNS(t, map[string][]string{host: {"127.0.0.2", "127.0.0.3"}})
	rep := runLogin(t, host, srv.Port, loginOptions(p, dns))
	if rep.Primary != checks.OK || len(rep.Nodes) != 2 {
		t.Fatalf("primary %s, nodes %+v (%s)", rep.Primary, rep.Nodes, ids(rep))
	}
	if f := find(rep, checks.OK); f == nil || f.Evidence[checks.EvNodes] != "" {
		t.Errorf("a healthy pair carries node evidence: %+v", f)
	}
}

// Only the IPv6 address serves an old certificate: the report says so.
func TestIPv6NodeDiffers(t *testing.T) {
	if !loginlab.HasIPv6Loopback() {
		t.Skip("no IPv6 loopback here")
	}
	p := newLoginPKI(t)
	const host = "vpn.dual.test"
	srv := serveNodes(t,
		loginlab.Node{Addr: "127.0.0.2", Cert: p.leaf(t, false, host)},
		loginlab.Node{Addr: "::1", Cert: p.leaf(t, true, host)})
	dns := startDNS(t, map[string][]string{host: {"127.0.0.2", "::1"}})
	rep := runLogin(t, host, srv.Port, loginOptions(p, dns))
	if rep.Primary != checks.CertExpired {
		t.Fatalf("primary = %s (%s)", rep.Primary, ids(rep))
	}
	evidence(t, rep, checks.CertExpired, checks.EvNodes, "IPv6")
	evidence(t, rep, checks.CertExpired, checks.EvAddress, "::1")
}

// The gateway is fine but the backup server from the profile sends a
// certificate for another name: the report has a line per endpoint and
// the primary cause names the backup.
func TestEndpointsAreChecked(t *testing.T) {
	p := newLoginPKI(t)
	main := serveNodes(t, loginlab.Node{Addr: "127.0.0.2", Cert: p.leaf(t, false, "vpn.main.test")})
	backup := serveNodes(t, loginlab.Node{Addr: "127.0.0.4", Cert: p.leaf(t, false, "other.example.test")})
	dns := startDNS(t, map[string][]string{"vpn.main.test": {"127.0.0.2"}, "backup.main.test": {"127.0.0.4"}})
	opts := loginOptions(p, dns)
	opts.Endpoints = []checks.Endpoint{
		{Role: checks.EndpointBackup, Address: "backup.main.test:" + strconv.Itoa(backup.Port), Source: "profile.xml"},
		{Role: checks.EndpointGateway, Address: "vpn.main.test:" + strconv.Itoa(main.Port)}, // the target itself: once
	}
	rep := runLogin(t, "vpn.main.test", main.Port, opts)
	if rep.Primary != checks.HostnameMismatch {
		t.Fatalf("primary = %s (%s)", rep.Primary, ids(rep))
	}
	evidence(t, rep, checks.HostnameMismatch, checks.EvEndpoint, checks.EndpointBackup)
	evidence(t, rep, checks.HostnameMismatch, checks.EvHost, "backup.main.test")
	if len(rep.Endpoints) != 2 || rep.Endpoints[0].Primary != checks.OK || rep.Endpoints[1].Primary != checks.HostnameMismatch ||
		rep.Endpoints[1].Source != "profile.xml" {
		t.Fatalf("endpoints = %+v", rep.Endpoints)
	}
	if !strings.HasPrefix(rep.Summary, "backup.main.test:") {
		t.Errorf("summary %q", rep.Summary)
	}
	// When the gateway itself fails, it stays the primary cause.
	opts.Endpoints[1] = checks.Endpoint{Role: checks.EndpointPortal, Address: "vpn.main.test:1"}
	rep = runLogin(t, "backup.main.test", backup.Port, opts)
	if rep.Primary != checks.HostnameMismatch || find(rep, checks.HostnameMismatch).Evidence[checks.EvHost] != "backup.main.test" {
		t.Fatalf("primary = %s (%s)", rep.Primary, ids(rep))
	}
	if f := find(rep, checks.Unreachable); f == nil || f.Severity != checks.Warn {
		t.Errorf("the unreachable portal should be a warning: %s", ids(rep))
	}
}

func sha256Hex(c *x509.Certificate) string {
	s := sha256.Sum256(c.Raw)
	return hex.EncodeToString(s[:])
}

// The gateway renewed its self-signed certificate; the fingerprint the
// VPN client saved is the old one.
func TestStalePin(t *testing.T) {
	const host = "fw.pin.test"
	old, _ := loginlab.SelfSigned([]string{host}, loginNow.AddDate(-2, 0, 0), loginNow.AddDate(0, 0, -1))
	cur, _ := loginlab.SelfSigned([]string{host}, loginNow.AddDate(0, 0, -1), loginNow.AddDate(1, 0, 0))
	srv := serveNodes(t, loginlab.Node{Addr: "127.0.0.2", Cert: cur})
	dns := startDNS(t, map[string][]string{host: {"127.0.0.2"}})
	opts := loginOptions(newLoginPKI(t), dns)
	opts.Pins = []checks.Pin{{Host: host, Fingerprint: sha256Hex(old.Leaf), Client: "openfortivpn", Source: "/etc/openfortivpn/config"}}
	rep := runLogin(t, host, srv.Port, opts)
	if rep.Primary != checks.PinnedCertChanged {
		t.Fatalf("primary = %s (%s)", rep.Primary, ids(rep))
	}
	evidence(t, rep, checks.PinnedCertChanged, checks.EvPinned, sha256Hex(old.Leaf))
	evidence(t, rep, checks.PinnedCertChanged, checks.EvFingerprint, sha256Hex(cur.Leaf))
	evidence(t, rep, checks.PinnedCertChanged, checks.EvPinSource, "/etc/openfortivpn/config")
	guideReady(t, rep, checks.PinnedCertChanged)

	// A pin that matches (in the colon notation) is no finding.
	opts.Pins[0].Fingerprint = strings.ToUpper(colons(sha256Hex(cur.Leaf)))
	if rep := runLogin(t, host, srv.Port, opts); find(rep, checks.PinnedCertChanged) != nil {
		t.Errorf("a matching pin is reported: %s", ids(rep))
	}
	// A pin for another gateway is not this one's.
	opts.Pins[0] = checks.Pin{Host: "elsewhere.test", Fingerprint: sha256Hex(old.Leaf)}
	if rep := runLogin(t, host, srv.Port, opts); find(rep, checks.PinnedCertChanged) != nil {
		t.Errorf("another gateway's pin is reported: %s", ids(rep))
	}
}

func colons(h string) string {
	var parts []string
	for i := 0; i < len(h); i += 2 {
		parts = append(parts, h[i:i+2])
	}
	return strings.Join(parts, ":")
}

// A hotel Wi-Fi answers for every name: its certificate is for its own
// name and plain HTTP is redirected to its sign-in page.
func TestCaptivePortal(t *testing.T) {
	p := newLoginPKI(t)
	const host = "vpn.corp.test"
	portal := p.leaf(t, false, "login.hotel-wifi.test")
	srv := serveNodes(t, loginlab.Node{Addr: "127.0.0.5", Cert: portal})
	redirect := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://login.hotel-wifi.test/portal?orig="+r.Host, http.StatusFound)
	})
	web, err := loginlab.ServeHTTP("127.0.0.5", redirect)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(web.Close)
	dns := startDNS(t, map[string][]string{host: {"127.0.0.5"}})
	opts := loginOptions(p, dns)
	opts.PlainHTTPPort = web.Port
	rep := runLogin(t, host, srv.Port, opts)
	if rep.Primary != checks.CaptivePortal {
		t.Fatalf("primary = %s (%s)", rep.Primary, ids(rep))
	}
	evidence(t, rep, checks.CaptivePortal, checks.EvPortalURL, "login.hotel-wifi.test")
	guideReady(t, rep, checks.CaptivePortal)

	// A gateway with a wrong name whose plain HTTP goes to itself is no
	// captive portal.
	self := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "https://"+r.Host+"/", http.StatusMovedPermanently)
	})
	web2, err := loginlab.ServeHTTP("127.0.0.5", self)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(web2.Close)
	opts.PlainHTTPPort = web2.Port
	if rep := runLogin(t, host, srv.Port, opts); rep.Primary != checks.HostnameMismatch {
		t.Errorf("primary = %s, want hostname_mismatch (%s)", rep.Primary, ids(rep))
	}
}

// publicSet stands in for the current public root set: tests cannot use
// real public roots' keys.
func publicSet(roots ...*x509.Certificate) func() []checks.StoreCert {
	return func() []checks.StoreCert {
		var out []checks.StoreCert
		for _, r := range roots {
			out = append(out, checks.StoreCert{Cert: r, Origin: "test public roots"})
		}
		return out
	}
}

// A chain that ends at a current public root this computer lacks, or
// holds only in an expired form, is an out-of-date trust store.
func TestTrustStoreOutdated(t *testing.T) {
	key := newKey(t)
	current, err := loginlab.RootWithKey("Public Root R2", key, loginNow.AddDate(-1, 0, 0), loginNow.AddDate(15, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	expired, _ := loginlab.RootWithKey("Public Root R2", key, loginNow.AddDate(-20, 0, 0), loginNow.AddDate(0, -1, 0))
	inter, _ := current.Intermediate("Public Issuing CA", loginNow.AddDate(-1, 0, 0), loginNow.AddDate(3, 0, 0))
	const host = "vpn.public.test"
	leaf, _ := inter.Leaf(loginlab.LeafSpec{Names: []string{host}, NotBefore: loginNow.AddDate(0, -1, 0), NotAfter: loginNow.AddDate(0, 2, 0)})
	srv := serveNodes(t, loginlab.Node{Addr: "127.0.0.2", Cert: leaf})
	dns := startDNS(t, map[string][]string{host: {"127.0.0.2"}})
	other := newLoginPKI(t)
	for _, tc := range []struct {
		name   string
		store  []*x509.Certificate
		public []*x509.Certificate
		want   checks.ID
	}{
		{"store lacks the root", []*x509.Certificate{other.root.Cert}, []*x509.Certificate{other.root.Cert, current.Cert}, checks.TrustStoreOutdated},
		{"store holds only the expired form", []*x509.Certificate{expired.Cert}, []*x509.Certificate{current.Cert}, checks.TrustStoreOutdated},
		{"not a public root", []*x509.Certificate{other.root.Cert}, []*x509.Certificate{other.root.Cert}, checks.UntrustedRoot},
		{"up to date", []*x509.Certificate{current.Cert}, []*x509.Certificate{current.Cert}, checks.OK},
	} {
		opts := loginOptions(other, dns)
		opts.Trust = checks.StaticStore{Name: "test store", Roots: tc.store}
		opts.PublicRoots = publicSet(tc.public...)
		rep := runLogin(t, host, srv.Port, opts)
		if rep.Primary != tc.want {
			t.Errorf("%s: primary = %s, want %s (%s)", tc.name, rep.Primary, tc.want, ids(rep))
			continue
		}
		if tc.want == checks.TrustStoreOutdated {
			evidence(t, rep, checks.TrustStoreOutdated, checks.EvPublicRoot, "Public Root R2")
			guideReady(t, rep, checks.TrustStoreOutdated)
			if find(rep, checks.UntrustedRoot) != nil || find(rep, checks.CertExpired) != nil {
				t.Errorf("%s: the explained findings stay: %s", tc.name, ids(rep))
			}
		}
	}
}

func newKey(t *testing.T) *ecdsa.PrivateKey {
	t.Helper()
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// The gateway's public login page names the product, as each vendor's
// documented login address does; the report's findings carry it for the
// guide's product-specific fix.
func TestProductFromLoginPage(t *testing.T) {
	p := newLoginPKI(t)
	redirect := func(to string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { http.Redirect(w, r, to, http.StatusFound) })
	}
	page := func(body string) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte(body)) })
	}
	for _, tc := range []struct {
		want string
		h    http.Handler
	}{
		{"paloalto", redirect("/global-protect/login.esp")},
		{"cisco_asa", redirect("/+CSCOE+/logon.html")},
		{"fortigate", page(`<html><script language="javascript">top.location="/remote/login";</script></html>`)},
		{"ivanti", redirect("/dana-na/auth/url_default/welcome.cgi")},
		{"", page("<html><body>It works</body></html>")},
	} {
		host := "vpn." + strings.ReplaceAll(tc.want+"x", "_", "") + ".test"
		srv := serveNodes(t, loginlab.Node{Addr: "127.0.0.2", Cert: p.leaf(t, true, host), Handler: tc.h})
		dns := startDNS(t, map[string][]string{host: {"127.0.0.2"}})
		opts := loginOptions(p, dns)
		opts.IdentifyProduct = true
		rep := runLogin(t, host, srv.Port, opts)
		got := ""
		if rep.Product != nil {
			got = rep.Product.ID
		}
		if got != tc.want {
			t.Errorf("%s: product = %+v, want %q", host, rep.Product, tc.want)
			continue
		}
		if tc.want != "" {
			evidence(t, rep, checks.CertExpired, checks.EvGatewayProduct, tc.want)
		}
	}
}

// guideReady asserts that a finding carries every piece of evidence its
// fix-guide text needs, so no headline shows "(unknown)".
func guideReady(t *testing.T, rep *checks.Report, id checks.ID) {
	t.Helper()
	g, err := guide.Default()
	if err != nil {
		t.Fatal(err)
	}
	required, _, ok := g.Evidence(string(id))
	if !ok {
		t.Fatalf("%s has no fix-guide entry", id)
	}
	f := find(rep, id)
	for _, k := range required {
		if f == nil || f.Evidence[k] == "" {
			t.Errorf("%s lacks evidence %q the guide needs", id, k)
		}
	}
}

// Checking more hosts must not multiply the wait: over a link of 100 ms
// per round trip, two addresses and three endpoints take about as long as
// one gateway alone.
func TestMoreHostsDoNotMultiplyTheWait(t *testing.T) {
	p := newLoginPKI(t)
	const rtt = 100 * time.Millisecond
	hosts := []string{"vpn.wan.test", "portal.wan.test", "backup.wan.test", "idp.wan.test"}
	records := map[string][]string{}
	ports := map[string]int{}
	for i, h := range hosts {
		backend := serveNodes(t, loginlab.Node{Addr: "127.0.0.1", Cert: p.leaf(t, false, h)})
		addrs := []string{"127.0.0.2", "127.0.0.3"} // the gateway's two nodes
		if i > 0 {
			addrs = []string{"127.0.0." + strconv.Itoa(3+i)}
		}
		lns, port, err := loginlab.ListenSamePort("tcp", addrs)
		if err != nil {
			t.Fatal(err)
		}
		for _, ln := range lns {
			px := loginlab.StartDelayProxy(ln, backend.Addr(), rtt)
			t.Cleanup(px.Close)
		}
		records[h], ports[h] = addrs, port
	}
	dns := startDNS(t, records)
	timeRun := func(eps []checks.Endpoint) (time.Duration, *checks.Report) {
		opts := loginOptions(p, dns)
		opts.Endpoints = eps
		start := time.Now()
		rep := runLogin(t, "vpn.wan.test", ports["vpn.wan.test"], opts)
		return time.Since(start), rep
	}
	var eps []checks.Endpoint
	for _, h := range hosts[1:] {
		eps = append(eps, checks.Endpoint{Role: checks.EndpointGateway, Address: h + ":" + strconv.Itoa(ports[h])})
	}
	timeRun(nil) // warm the code paths
	alone, rep := timeRun(nil)
	if rep.Primary != checks.OK || len(rep.Nodes) != 2 {
		t.Fatalf("alone: %s, nodes %+v (%s)", rep.Primary, rep.Nodes, ids(rep))
	}
	all, rep := timeRun(eps)
	if rep.Primary != checks.OK || len(rep.Endpoints) != 4 {
		t.Fatalf("all: %s, endpoints %+v (%s)", rep.Primary, rep.Endpoints, ids(rep))
	}
	t.Logf("one gateway %s, with 3 endpoints %s", alone, all)
	if all > alone+2*rtt {
		t.Errorf("3 more endpoints took %s against %s alone: they are not checked concurrently", all, alone)
	}
}

// With a VPN client chosen, an endpoint's problem is judged by what that
// endpoint sent, and the gateway's own failure stays the primary cause: a
// backup's incomplete chain must not outrank the gateway's expired
// certificate.
func TestEndpointsJudgedByTheirOwnClientVerdict(t *testing.T) {
	p := newLoginPKI(t)
	main := serveNodes(t, loginlab.Node{Addr: "127.0.0.2", Cert: p.leaf(t, true, "vpn.judge.test")})
	noInter := p.leaf(t, false, "backup.judge.test")
	noInter.Certificate = noInter.Certificate[:1] // the intermediate is not sent
	backup := serveNodes(t, loginlab.Node{Addr: "127.0.0.4", Cert: noInter})
	dns := startDNS(t, map[string][]string{"vpn.judge.test": {"127.0.0.2"}, "backup.judge.test": {"127.0.0.4"}})
	opts := loginOptions(p, dns)
	choice, err := clients.Choose("anyconnect", "", "windows", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	opts.Client = choice
	opts.Endpoints = []checks.Endpoint{{Role: checks.EndpointBackup, Address: "backup.judge.test:" + strconv.Itoa(backup.Port)}}
	rep := runLogin(t, "vpn.judge.test", main.Port, opts)
	if rep.Primary != checks.CertExpired {
		t.Fatalf("primary = %s, want the gateway's cert_expired (%s)", rep.Primary, ids(rep))
	}
	f := find(rep, checks.MissingIntermed)
	if f == nil || f.Severity != checks.Warn || f.Evidence[checks.EvEndpoint] != checks.EndpointBackup {
		t.Errorf("the backup's missing intermediate: %+v", f)
	}
	if len(rep.Endpoints) != 2 || rep.Endpoints[1].Primary != checks.MissingIntermed {
		t.Errorf("endpoints %+v", rep.Endpoints)
	}
}

// The gateway's first login step sends users to a SAML identity provider:
// that sign-in page is checked too, and its expired certificate is the
// cause when the gateway itself is fine.
func TestIdentityProviderFromTheLoginAnswer(t *testing.T) {
	p := newLoginPKI(t)
	// The sign-in page is on the gateway's own host (another port): the
	// fetch policy lets a diagnosis reach only that of this computer.
	idp := serveNodes(t, loginlab.Node{Addr: "127.0.0.2", Cert: p.leaf(t, true, "idp.sso.test")})
	sso := "https://idp.sso.test:" + strconv.Itoa(idp.Port) + "/saml2/idp/SSO?SAMLRequest=abc"
	redirect := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/" {
			http.Redirect(w, r, sso, http.StatusFound)
			return
		}
		http.NotFound(w, r)
	})
	gw := serveNodes(t, loginlab.Node{Addr: "127.0.0.2", Cert: p.leaf(t, false, "vpn.sso.test"), Handler: redirect})
	dns := startDNS(t, map[string][]string{"vpn.sso.test": {"127.0.0.2"}, "idp.sso.test": {"127.0.0.2"}})
	rep := runLogin(t, "vpn.sso.test", gw.Port, loginOptions(p, dns))
	if rep.Login == nil || rep.Login.SSOURL != sso {
		t.Fatalf("login answer %+v", rep.Login)
	}
	if rep.Primary != checks.CertExpired {
		t.Fatalf("primary = %s (%s)", rep.Primary, ids(rep))
	}
	evidence(t, rep, checks.CertExpired, checks.EvEndpoint, checks.EndpointIdP)
	evidence(t, rep, checks.CertExpired, checks.EvHost, "idp.sso.test")
	if len(rep.Endpoints) != 2 || rep.Endpoints[1].Role != checks.EndpointIdP || rep.Endpoints[1].Source != "the gateway's pre-login answer" {
		t.Errorf("endpoints %+v", rep.Endpoints)
	}
}

// A sign-in page the gateway's answer names is reached only where the fetch
// policy lets a diagnosis go: not another loopback address of this
// computer (127.0.0.5 stands for "not the gateway's host", as for AIA), not
// a link-local address (169.254.169.254, a cloud's metadata service). It is
// not checked, no connection is opened to it, and the refusal is evidence
// in the report.
func TestSignInPageTheGatewayNamesFollowsTheFetchPolicy(t *testing.T) {
	p := newLoginPKI(t)
	var reached atomic.Int32
	idp, err := net.Listen("tcp", "127.0.0.5:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { idp.Close() })
	go func() {
		for {
			c, err := idp.Accept()
			if err != nil {
				return
			}
			reached.Add(1)
			c.Close()
		}
	}()
	port := strconv.Itoa(idp.Addr().(*net.TCPAddr).Port)
	for _, c := range []struct{ name, sso string }{
		{"another loopback address", "https://idp.sso.test:" + port + "/saml2/idp/SSO"},
		{"link-local", "https://169.254.169.254:" + port + "/saml2/idp/SSO"},
	} {
		redirect := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodGet && r.URL.Path == "/" {
				http.Redirect(w, r, c.sso, http.StatusFound)
				return
			}
			http.NotFound(w, r)
		})
		gw := serveNodes(t, loginlab.Node{Addr: "127.0.0.2", Cert: p.leaf(t, false, "vpn.sso.test"), Handler: redirect})
		dns := startDNS(t, map[string][]string{"vpn.sso.test": {"127.0.0.2"}, "idp.sso.test": {"127.0.0.5"}})
		rep := runLogin(t, "vpn.sso.test", gw.Port, loginOptions(p, dns))
		if rep.Login == nil || rep.Login.SSOURL != c.sso {
			t.Fatalf("%s: login answer %+v; primary %s (%s)", c.name, rep.Login, rep.Primary, ids(rep))
		}
		if rep.Primary != checks.OK || len(rep.Endpoints) > 1 {
			t.Errorf("%s: primary %s, endpoints %+v: the sign-in page was checked", c.name, rep.Primary, rep.Endpoints)
		}
		refused := false
		for _, f := range rep.RefusedFetches {
			refused = refused || f.URL == c.sso
		}
		if !refused {
			t.Errorf("%s: %s is not among the refused fetches %+v", c.name, c.sso, rep.RefusedFetches)
		}
	}
	if n := reached.Load(); n != 0 {
		t.Errorf("the diagnosis connected %d times to the sign-in page on another loopback address", n)
	}
}
